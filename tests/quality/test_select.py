"""`select` (a minimum per score) and `select_top` (the best fraction, overall or per group,
the same however the corpus is sharded, ties broken by id)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.errors import ConfigError, CurateError
from curate.ops.base import REASON
from curate.ops.quality.select import Select, SelectParams
from curate.ops.quality.top_fraction import fit_cutoffs, ranked, within_cutoff
from tests.conftest import make_config, read_dir


def scored(rows: list[tuple[str, float | None, str]]) -> pl.DataFrame:
    """A batch of (id, q_overall, lang)."""
    return pl.DataFrame(rows, schema={"id": pl.String, "q_overall": pl.Float64,
                                      "lang": pl.String}, orient="row")


def keep_top(batch: pl.DataFrame, fraction: float, by: list[str] | None = None) -> list[str]:
    """The ids select_top keeps of one shard."""
    batch = batch.with_row_index("__row")
    keys = ranked(batch, "q_overall", "id", 0, "__row", by or [])
    state = fit_cutoffs(keys.lazy(), by or [], fraction)
    return batch.filter(within_cutoff(keys, state, by or []))["id"].to_list()


def test_select_names_the_first_score_below_its_minimum() -> None:
    batch = pl.DataFrame({
        "q_text": [0.9, 0.2, 0.9, 0.9, None],
        "q_info": [0.9, 0.1, 0.1, 0.9, 0.9],
        "q_density": [0.9, 0.9, 0.9, 0.9, 0.9],
        "q_overall": [0.9, 0.9, 0.9, 0.4, 0.9],
    })
    op = Select(SelectParams(min_q_text=0.5, min_q_info=0.5, min_q_overall=0.5))
    assert op.transform(batch)[REASON].to_list() == [
        None, "low_q_text", "low_q_info", "low_q_overall", "low_q_text"]


def test_select_without_minimums_keeps_everything() -> None:
    batch = pl.DataFrame({"q_text": [0.0, None]})
    assert Select().transform(batch)[REASON].to_list() == [None, None]


def test_select_needs_the_scores_it_checks() -> None:
    with pytest.raises(CurateError, match="no column 'q_info' to select on"):
        Select(SelectParams(min_q_info=0.5)).transform(pl.DataFrame({"q_text": [1.0]}))


def test_select_checks_its_minimums(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    with pytest.raises(ConfigError, match=r"stage\[1\]\.min_q_text: must be between 0 and 1"):
        make_config(tmp_path, [{"op": "select", "min_q_text": 1.5}])


def test_top_fraction_breaks_ties_by_id() -> None:
    batch = scored([("d", 0.9, "en"), ("c", 0.5, "en"), ("b", 0.5, "en"), ("a", 0.1, "en")])
    assert keep_top(batch, 0.5) == ["d", "b"]
    assert keep_top(batch, 0.75) == ["d", "c", "b"]


def test_top_fraction_rounds_half_up_and_ranks_missing_scores_last() -> None:
    batch = scored([("a", None, "en"), ("b", 0.2, "en"), ("c", float("nan"), "en"),
                    ("d", 0.3, "en"), ("e", 0.1, "en")])
    assert keep_top(batch, 0.5) == ["b", "d", "e"]  # 2.5 -> 3
    assert keep_top(batch, 0.8) == ["a", "b", "d", "e"]  # nulls last, then by id
    assert keep_top(batch, 1.0) == ["a", "b", "c", "d", "e"]
    assert keep_top(batch, 0.05) == []  # 0.25 -> 0


def test_top_fraction_per_group() -> None:
    batch = scored([("a", 0.9, "en"), ("b", 0.8, "en"), ("c", 0.1, "zh"), ("d", 0.2, "zh"),
                    ("e", 0.3, None), ("f", 0.4, None)])
    assert keep_top(batch, 0.5, ["lang"]) == ["a", "d", "f"]


def write_scored(folder: Path, shards: list[list[tuple[str, float | None, str]]]) -> None:
    """Shards of already scored documents (a text column, as every corpus has)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, rows in enumerate(shards):
        scored(rows).with_columns(pl.lit("text").alias("text")).write_parquet(
            folder / f"part-{i:03d}.parquet")


ROWS = [(f"d{i:02d}", round((i * 37 % 11) / 10, 1), "en" if i % 3 else "zh") for i in range(30)]


@pytest.mark.parametrize("by", [[], ["lang"]])
def test_select_top_keeps_the_same_documents_however_the_corpus_is_sharded(
        tmp_path: Path, by: list[str]) -> None:
    stage = [{"op": "select_top", "fraction": 0.4, "score": "q_overall", "by": by}]
    write_scored(tmp_path / "one", [ROWS])
    write_scored(tmp_path / "three", [ROWS[:7], ROWS[7:20], ROWS[20:]])
    kept = {}
    for name in ("one", "three"):
        run_pipeline(make_config(tmp_path, stage, input_dir=name, output=f"run-{name}"))
        kept[name] = sorted(read_dir(tmp_path / f"run-{name}" / "curated")["id"].to_list())
    assert kept["one"] == kept["three"]
    expected = keep_top(scored(ROWS), 0.4, by)
    assert kept["one"] == sorted(expected)
    manifest = json.loads((tmp_path / "run-three" / "manifest.json").read_text())
    counts = {s["stage"]: s for s in manifest["stages"]}["select_top"]
    assert counts["in"] == 30 and counts["kept"] == len(expected)
    assert counts["kept"] + counts["rejected"] == counts["in"]
    rejected = read_dir(tmp_path / "run-three" / "rejected")
    assert set(rejected["reason"]) == {"below_top_fraction"}


def test_select_top_needs_its_score_column(tmp_path: Path) -> None:
    write_scored(tmp_path / "in", [ROWS])
    config = make_config(tmp_path, [{"op": "select_top", "score": "q_info"}])
    with pytest.raises(CurateError, match=r"select_top.*needs column 'q_info', which neither the "
                                          r"input nor an earlier stage has; add a quality_score"):
        run_pipeline(config)  # before any work


@pytest.mark.parametrize("fraction", [0.0, 1.5])
def test_select_top_fraction_is_a_share(tmp_path: Path, fraction: float) -> None:
    (tmp_path / "in").mkdir()
    with pytest.raises(ConfigError, match=r"stage\[1\]\.fraction: must be in \(0, 1\]"):
        make_config(tmp_path, [{"op": "select_top", "fraction": fraction}])
