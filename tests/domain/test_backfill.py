"""Specification of `domain_backfill` on a small generated sample (math and code rare in raw,
plentiful in the reserve)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.domain.pipelines import backfill_config, run, shares

# Shares the small reserve can meet (the other domains share the remaining 49%).
SHARES = {"news": 0.25, "math": 0.12, "code": 0.14}


@pytest.fixture(scope="module")
def filled(small_sample: Path, domain_model: Path, tmp_path_factory: pytest.TempPathFactory,
           ) -> tuple[pl.DataFrame, dict]:
    out = tmp_path_factory.mktemp("backfill") / "run"
    return run(backfill_config(small_sample, domain_model, out, SHARES))


def test_every_domain_lands_within_two_points_of_its_share(filled) -> None:
    curated, manifest = filled
    outcome = manifest["outcomes"]["domain_backfill"]
    assert outcome["shortfall"] == {}
    assert outcome["recalled"]["math"] > 0 and outcome["recalled"]["code"] > 0
    achieved = shares(curated)
    for domain, share in SHARES.items():
        assert abs(achieved[domain] - share) <= 0.02, domain
    assert achieved["math"] > 2 * outcome["before"]["math"] / curated.height


def test_the_reserve_prepared_in_many_pieces_recalls_the_same_rows(
        filled, small_sample, domain_model, tmp_path, monkeypatch) -> None:
    from curate.ops.domain import reserve

    monkeypatch.setattr(reserve, "RESERVE_TASK_ROWS", 97)
    curated, manifest = run(backfill_config(small_sample, domain_model, tmp_path / "run",
                                            SHARES))
    shards = sorted((small_sample / "reserve").glob("*.parquet"))
    assert sum(reserve.reserve_pieces(shard) for shard in shards) > len(shards)
    assert curated.equals(filled[0])
    assert manifest["outcomes"]["domain_backfill"] == filled[1]["outcomes"]["domain_backfill"]


def test_recalled_rows_are_marked_and_keep_their_reserve_ids(filled, small_sample) -> None:
    curated, manifest = filled
    recalled = curated.filter(pl.col("source") == "backfill")
    assert set(curated["source"]) == {"corpus", "backfill"}
    assert set(recalled["backfill_round"]) == {1}
    assert curated.filter(pl.col("source") == "corpus")["backfill_round"].null_count() == \
        curated.filter(pl.col("source") == "corpus").height
    reserve = pl.read_parquet(small_sample / "reserve" / "*.parquet")
    assert set(recalled["id"]) <= set(reserve["id"])
    assert recalled.height == sum(manifest["outcomes"]["domain_backfill"]["recalled"].values())


def test_recalled_documents_are_of_the_domain_they_were_recalled_for(filled, small_sample,
                                                                     ) -> None:
    curated, _ = filled
    truth = pl.read_parquet(small_sample / "reserve" / "*.parquet").select(
        "id", pl.col("domain").alias("true_domain"))
    recalled = curated.filter(pl.col("source") == "backfill").join(truth, on="id")
    precision = (recalled["domain"] == recalled["true_domain"]).mean()
    assert precision >= 0.9


def test_recalled_documents_passed_the_filters_and_dedup(filled, small_sample) -> None:
    curated, manifest = filled
    recalled = curated.filter(pl.col("source") == "backfill")
    assert recalled["text"].str.len_chars().min() >= 200  # length_filter's min_chars
    assert curated["text"].n_unique() == curated.height  # no exact copy, recalled or not
    reserve = manifest["outcomes"]["domain_backfill"]["reserve"]
    assert reserve["rows"] == 300
    assert reserve["rejected"]["length_filter: too_few_chars"] > 0
    dropped = manifest["outcomes"]["domain_backfill"]["rounds"][0]["dropped_as_duplicates"]
    assert set(dropped) <= {"exact_duplicate_of_corpus", "exact_duplicate_of_recalled"}
    assert sum(dropped.values()) > 0  # the reserve holds exact copies


def test_manifest_counts_the_added_rows(filled) -> None:
    curated, manifest = filled
    stage = next(s for s in manifest["stages"] if s["stage"] == "domain_backfill")
    assert stage["added"] == curated.filter(pl.col("source") == "backfill").height
    assert stage["in"] + stage["added"] == stage["kept"] + stage["rejected"]
    totals = manifest["totals"]
    assert totals["added_rows"] == stage["added"]
    assert totals["input_rows"] + totals["added_rows"] == (totals["curated_rows"]
                                                          + totals["rejected_rows"])


def test_a_short_reserve_gives_an_exact_reported_shortfall(small_sample, domain_model,
                                                           tmp_path) -> None:
    curated, manifest = run(backfill_config(small_sample, domain_model, tmp_path / "run",
                                            {"math": 500, "code": 60}))
    outcome = manifest["outcomes"]["domain_backfill"]
    has = dict(curated["domain"].value_counts().iter_rows())
    assert outcome["after"]["math"] == has["math"] < 500
    assert outcome["shortfall"] == {"math": 500 - has["math"]}
    assert has["code"] == max(60, outcome["before"]["code"])  # filled to 60, never cut


def test_two_rounds_retrain_the_model_between_them(small_sample, domain_model, seed_corpus,
                                                   tmp_path) -> None:
    curated, manifest = run(backfill_config(
        small_sample, domain_model, tmp_path / "run", {"math": 60, "code": 60}, rounds=2,
        retrain_from=[str(seed_corpus)]))
    rounds = manifest["outcomes"]["domain_backfill"]["rounds"]
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[1]["model"].endswith("domain-round2.bin")
    recalled = curated.filter(pl.col("source") == "backfill")
    assert dict(recalled["backfill_round"].value_counts().sort("backfill_round").iter_rows()) \
        == {1: sum(rounds[0]["recalled"].values()), 2: sum(rounds[1]["recalled"].values())}
    has = dict(curated["domain"].value_counts().iter_rows())
    before = manifest["outcomes"]["domain_backfill"]["before"]
    assert has["math"] == max(60, before["math"]) and has["code"] == max(60, before["code"])
    assert sum(sum(r["recalled"].values()) for r in rounds) > 0


def test_cut_offs_of_earlier_global_stages_apply_to_the_reserve(small_sample, domain_model,
                                                                 tmp_path, monkeypatch) -> None:
    from curate.config import parse_config
    from curate.ops.quality.select import SelectTop

    # select_top keeps the longer half of the corpus; the backfill must hold the reserve to
    # the same cut-off. rebalance's state names rows, so it cannot judge the reserve.
    monkeypatch.setattr(SelectTop, "judges_unseen_documents", True)
    stages = [
        {"op": "length_filter", "min_chars": 200},
        {"op": "select_top", "score": "n_chars", "fraction": 0.5},
        {"op": "rebalance", "column": "lang", "targets": {"zh": 0.5, "en": 0.5}},
        {"op": "domain_classify", "model": str(domain_model), "max_chars": 600},
        {"op": "domain_backfill", "reserve": str(small_sample / "reserve"),
         "targets": {"math": 40, "code": 40}},
    ]
    raw = {"pipeline": {"input": str(small_sample / "raw"), "output": str(tmp_path / "run")},
           "engine": {"kind": "local"}, "stage": stages}
    curated, manifest = run(parse_config(raw, tmp_path / "pipeline.toml"))
    corpus = curated.filter(pl.col("source") == "corpus")
    recalled = curated.filter(pl.col("source") == "backfill")
    assert recalled.height > 0
    assert recalled["text"].str.len_chars().min() >= shortest_selected(tmp_path / "run")
    assert corpus.height > 0
    reserve = manifest["outcomes"]["domain_backfill"]["reserve"]
    assert reserve["rejected"]["select_top: below_top_fraction"] > 0
    assert reserve["not_applied"] == ["rebalance"]


def shortest_selected(run: Path) -> int:
    """The shortest corpus document select_top kept (stats/ has every document's length and,
    for rejected ones, the stage that rejected it)."""
    stats = pl.read_parquet(run / "stats" / "*.parquet").filter(pl.col("n_chars").is_not_null())
    passed = stats.filter(~pl.col("stage").fill_null("").is_in(["length_filter", "select_top"]))
    return passed["n_chars"].min()


def test_the_reserve_is_held_to_the_dedup_reference_too(small_sample, domain_model,
                                                        tmp_path) -> None:
    from curate.config import parse_config

    # An "eval set" holding 20 of the reserve's math documents: decontamination must keep
    # them out of the corpus however they arrive.
    reserve = pl.read_parquet(small_sample / "reserve" / "*.parquet")
    held = reserve.filter((pl.col("domain") == "math") & (pl.col("noise") == "clean")).head(20)
    (tmp_path / "eval").mkdir()
    held.with_columns(("eval-" + pl.col("id")).alias("id")).write_parquet(
        tmp_path / "eval" / "part-0.parquet")
    stages = [
        {"op": "domain_classify", "model": str(domain_model), "max_chars": 600},
        {"op": "exact_dedup", "reference": str(tmp_path / "eval")},
        {"op": "domain_backfill", "reserve": str(small_sample / "reserve"),
         "targets": {"math": 500}},
    ]
    raw = {"pipeline": {"input": str(small_sample / "raw"), "output": str(tmp_path / "run")},
           "engine": {"kind": "local"}, "stage": stages}
    curated, manifest = run(parse_config(raw, tmp_path / "pipeline.toml"))
    recalled = curated.filter(pl.col("source") == "backfill")
    assert recalled.height > 20
    assert not set(recalled["text"]) & set(held["text"])
    dropped = manifest["outcomes"]["domain_backfill"]["rounds"][0]["dropped_as_duplicates"]
    assert dropped["exact_duplicate_of_corpus"] >= 20


@pytest.mark.parametrize("pairs_per_batch", [500_000, 3])
def test_near_duplicates_of_the_corpus_and_of_each_other_are_not_recalled(
        small_sample, domain_model, tmp_path, monkeypatch, pairs_per_batch) -> None:
    """(Also with the band-sharing pairs checked three at a time.)"""
    from curate.config import parse_config
    from curate.ops.domain import recall_dedup

    monkeypatch.setattr(recall_dedup, "PAIRS_PER_BATCH", pairs_per_batch)

    raw = pl.read_parquet(small_sample / "raw" / "*.parquet")
    reserve = pl.read_parquet(small_sample / "reserve" / "*.parquet")
    code = raw.filter((pl.col("domain") == "code") & (pl.col("noise") == "clean")).head(10)
    math = reserve.filter((pl.col("domain") == "math") & (pl.col("noise") == "clean")).head(5)

    def touched(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:  # one word more: near
        return frame.with_columns((prefix + pl.col("id")).alias("id"),
                                  (pl.col("text") + " Thanks.").alias("text"))

    (tmp_path / "reserve").mkdir()
    pl.concat([reserve, touched(code, "near-corpus-"), touched(math, "near-reserve-")]) \
        .write_parquet(tmp_path / "reserve" / "part-0.parquet")
    stages = [
        {"op": "domain_classify", "model": str(domain_model), "max_chars": 600},
        {"op": "minhash_dedup"},
        {"op": "domain_backfill", "reserve": str(tmp_path / "reserve"),
         "targets": {"math": 500, "code": 500}},
    ]
    config = {"pipeline": {"input": str(small_sample / "raw"), "output": str(tmp_path / "run")},
              "engine": {"kind": "local"}, "stage": stages}
    curated, manifest = run(parse_config(config, tmp_path / "pipeline.toml"))
    recalled = set(curated.filter(pl.col("source") == "backfill")["id"])
    kept_code = set(curated["id"]) & set(code["id"])
    assert not {f"near-corpus-{i}" for i in kept_code} & recalled
    for doc_id in math["id"]:  # the original (higher ranked or not) or its copy, not both
        assert not {doc_id, f"near-reserve-{doc_id}"} <= recalled
    dropped = manifest["outcomes"]["domain_backfill"]["rounds"][0]["dropped_as_duplicates"]
    assert dropped["near_duplicate_of_corpus"] >= len(kept_code)
    assert dropped["near_duplicate_of_recalled"] >= 1
