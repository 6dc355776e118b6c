"""`minhash_dedup` end to end on tiny corpora: who is removed, for whom, and why."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.errors import ConfigError
from tests.conftest import make_config, read_dir, write_corpus

# Paragraphs of ~80 words: an edit of one word near an end changes one or two of their
# ~75 shingles (true Jaccard ~0.95), far above the 0.8 threshold.
FOX = ("the quick brown fox jumps over the lazy dog while the farmer watches from the porch "
       "and the children count the clouds drifting slowly across the wide blue summer sky "
       "until their mother calls them in for supper and the lamps are lit one by one along "
       "the dusty road that leads from the farm down to the village where the church bell "
       "rings the hour and the baker closes his shop after a long and busy day of work in town")
RIVER = ("a river winds through the old valley town where merchants once traded salt and silk "
         "before the railway arrived and changed the rhythm of daily life forever now tourists "
         "walk along the stone bridges and photograph the painted houses while fishermen "
         "still mend their nets on the banks each morning as their fathers did and the market "
         "square fills with stalls selling cheese bread honey and wine from the hills nearby")
TEA = ("green tea leaves are picked in early spring then withered rolled and dried by hand in "
       "small batches so that each harvest keeps the delicate aroma of the mountain slopes "
       "where the bushes grow in mist and thin soil the pickers climb the terraces at dawn "
       "carrying baskets on their backs and the best leaves are sold at auction in the city "
       "to merchants who have tasted the same gardens for three generations of their families")
ZH = ("今天天气很好，我们一起去公园散步，然后去图书馆看书。下午老师给我们讲了一个关于长江的故事，"
      "从青藏高原的雪山开始，一路向东流过四川、湖北、江西和安徽，最后在上海附近汇入东海。"
      "沿途有很多古老的城市和美丽的风景，人们在江边种田、捕鱼、做生意，世世代代生活在这里。"
      "晚上回家以后，我们把今天学到的东西写进日记，然后和家人一起做饭，大家都很开心。")


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def outcome(tmp_path: Path, **params: object) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    run_pipeline(make_config(tmp_path, [{"op": "minhash_dedup", **params}]))
    run = tmp_path / "run"
    return read_dir(run / "curated"), read_dir(run / "rejected"), read_dir(run / "stats")


def rejections(rejected: pl.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(zip(rejected["id"], rejected["dup_of"], rejected["reason"], strict=True))


def test_near_duplicates_across_shards_keep_the_lowest_id(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [
        [FOX, RIVER, "an unrelated short note about nothing in particular at all"],
        [edited(FOX, "in town", "in the town"), TEA, edited(RIVER, "a river", "the river")],
    ])
    kept, rejected, stats = outcome(tmp_path)
    assert sorted(kept["id"]) == ["d0-0", "d0-1", "d0-2", "d1-1"]
    assert rejections(rejected) == [
        ("d1-0", "d0-0", "near_duplicate"),
        ("d1-2", "d0-1", "near_duplicate"),
    ]
    clusters = stats.select("id", "dup_cluster", "dup_cluster_size").sort("id").rows()
    assert clusters == [
        ("d0-0", "d0-0", 2), ("d0-1", "d0-1", 2), ("d0-2", None, 1),
        ("d1-0", "d0-0", 2), ("d1-1", None, 1), ("d1-2", "d0-1", 2),
    ]


def test_a_chain_of_edits_is_one_cluster_with_one_survivor(tmp_path: Path) -> None:
    one = edited(FOX, "the quick", "a quick")
    two = edited(one, "work in town", "work in the town")
    write_corpus(tmp_path / "in", [[two], [one], [FOX]])
    kept, rejected, _ = outcome(tmp_path)
    assert kept["id"].to_list() == ["d0-0"]
    assert rejections(rejected) == [("d1-0", "d0-0", "near_duplicate"),
                                    ("d2-0", "d0-0", "near_duplicate")]


def test_the_highest_quality_score_survives(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    pl.DataFrame({
        "id": ["a", "b", "c"],
        "text": [FOX, edited(FOX, "the quick", "quick"), edited(FOX, "in town", "in the city")],
        "q_overall": [0.2, 0.9, None],
    }).write_parquet(tmp_path / "in" / "part-0.parquet")
    kept, rejected, _ = outcome(tmp_path)
    assert kept["id"].to_list() == ["b"]
    assert rejections(rejected) == [("a", "b", "near_duplicate"), ("c", "b", "near_duplicate")]


@pytest.mark.parametrize("tokenization", ["auto", "word", "char"])
def test_chinese_near_duplicates(tmp_path: Path, tokenization: str) -> None:
    write_corpus(tmp_path / "in", [[ZH, edited(ZH, "大家都很开心", "大家都很高兴"), RIVER]])
    _, rejected, _ = outcome(tmp_path, tokenization=tokenization)
    assert rejections(rejected) == [("d0-1", "d0-0", "near_duplicate")]


def test_texts_without_words_are_never_clustered(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [["!!!", "???", "", FOX], ["...", "", "?!"]])
    kept, rejected, _ = outcome(tmp_path)
    assert kept.height == 7
    assert rejected.height == 0


def test_near_duplicates_of_a_reference_corpus_are_removed(tmp_path: Path) -> None:
    (tmp_path / "eval").mkdir()
    pl.DataFrame({"id": ["eval-1"], "text": [edited(RIVER, "hills nearby", "hills")]}
                 ).write_parquet(tmp_path / "eval" / "test.parquet")
    write_corpus(tmp_path / "in", [[FOX, RIVER, edited(FOX, "in town", "in the town"), TEA]])
    kept, rejected, _ = outcome(tmp_path, reference="eval")
    assert sorted(kept["id"]) == ["d0-0", "d0-3"]
    assert rejections(rejected) == [
        ("d0-1", "eval-1", "reference_near_duplicate"),
        ("d0-2", "d0-0", "near_duplicate"),
    ]


def test_the_exact_jaccard_check_drops_lsh_false_positives(tmp_path: Path) -> None:
    half = FOX.split()[:14] + TEA.split()[:14]
    write_corpus(tmp_path / "in", [[FOX, " ".join(half)]])
    # One row per band: any shared MinHash value makes a candidate pair.
    loose = {"bands": 64, "rows": 1, "num_perm": 64}
    _, rejected, _ = outcome(tmp_path, jaccard_check=False, **loose)
    assert rejections(rejected) == [("d0-1", "d0-0", "near_duplicate")]
    _, rejected, _ = outcome(_fresh(tmp_path, "checked"), jaccard_check=True, **loose)
    assert rejected.height == 0


def _fresh(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    (folder / "in").mkdir(parents=True)
    for shard in (tmp_path / "in").glob("*.parquet"):
        (folder / "in" / shard.name).write_bytes(shard.read_bytes())
    return folder


@pytest.mark.parametrize(("params", "message"), [
    ({"bands": 8}, "stage[1].rows: set bands and rows together"),
    ({"bands": 20, "rows": 10}, "stage[1].bands: bands x rows = 200 exceeds num_perm = 128"),
    ({"threshold": 1.5}, "stage[1].threshold: must be in (0, 1], got 1.5"),
    ({"tokenization": "words"}, 'stage[1].tokenization: expected "auto" | "word" | "char"'),
])
def test_bad_parameters_name_their_key(tmp_path: Path, params: dict, message: str) -> None:
    write_corpus(tmp_path / "in", [[FOX]])
    with pytest.raises(ConfigError) as error:
        make_config(tmp_path, [{"op": "minhash_dedup", **params}])
    assert str(error.value).startswith(message)


def test_explain_shows_a_near_duplicate_beside_its_survivor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from curate.cli.main import main
    from curate.ops.dedup.minhash import MinHashDedup, MinHashDedupParams

    copy = edited(FOX, "in town", "in the town")
    write_corpus(tmp_path / "in", [[FOX], [copy]])
    outcome(tmp_path)
    assert main(["explain", str(tmp_path / "run"), "d1-0"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    expected = MinHashDedup(MinHashDedupParams()).similarity(copy, FOX)
    assert expected is not None and 0.8 < expected < 1
    assert (f"a duplicate of d0-0 (similarity {expected:.3f} by minhash_dedup's own measure), "
            "which was kept") in out
