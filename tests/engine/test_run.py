"""A run's accounting: conservation per stage, shard bounds, run-folder rules."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.errors import ConfigError
from tests.conftest import make_config, read_dir
from tests.engine.corpus import STAGES, write_synthetic


@pytest.fixture
def finished_run(tmp_path: Path) -> Path:
    write_synthetic(tmp_path / "in", shards=3, rows=400)
    run_pipeline(make_config(tmp_path, STAGES))
    return tmp_path / "run"


def test_conservation_per_stage_from_manifest_and_files(finished_run: Path) -> None:
    manifest = json.loads((finished_run / "manifest.json").read_text())
    stages = manifest["stages"]
    assert [s["stage"] for s in stages] == ["read", "normalize", "length_filter", "exact_dedup",
                                            "long_enough"]
    for stage in stages:
        assert stage["in"] == stage["kept"] + stage["rejected"]
    for before, after in itertools.pairwise(stages):
        assert before["kept"] == after["in"]

    curated = read_dir(finished_run / "curated")
    rejected = read_dir(finished_run / "rejected")
    totals = manifest["totals"]
    assert totals["input_rows"] == 1200
    assert curated.height == totals["curated_rows"] == stages[-1]["kept"]
    assert rejected.height == totals["rejected_rows"]
    by_stage = dict(rejected.group_by("stage").len().iter_rows())
    assert by_stage == {s["stage"]: s["rejected"] for s in stages if s["rejected"]}
    assert by_stage["read"] > 0 and by_stage["exact_dedup"] > 0
    every_id = pl.concat([curated["id"], rejected["id"]])
    assert every_id.n_unique() == every_id.len() == 1200
    assert rejected["reason"].null_count() == 0


def test_stats_hold_every_document_once(finished_run: Path) -> None:
    stats = read_dir(finished_run / "stats")
    assert stats.height == 1200 and stats["id"].n_unique() == 1200
    assert {"n_chars", "n_words", "normalize_chars_removed", "text_hash"} <= set(stats.columns)
    curated = read_dir(finished_run / "curated")
    assert "n_chars" not in curated.columns and "dup_of" not in curated.columns
    assert stats.filter(pl.col("reason").is_null()).height == curated.height


def test_rejected_shards_share_one_schema(finished_run: Path) -> None:
    schemas = {tuple(pl.read_parquet_schema(f).items())
               for f in (finished_run / "rejected").glob("*.parquet")}
    assert len(schemas) == 1
    assert pl.read_parquet(finished_run / "rejected" / "*.parquet").columns == [
        "id", "text", "text_cleaned", "reason", "stage", "dup_of"]


def test_work_folder_removed_and_manifest_complete(finished_run: Path) -> None:
    manifest = json.loads((finished_run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert not (finished_run / "work").exists()
    assert sorted(p.name for p in finished_run.iterdir()) == ["curated", "manifest.json",
                                                              "rejected", "stats"]
    assert manifest["versions"]["polars"] == pl.__version__


def test_output_shards_are_bounded(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "in", shards=1, rows=300)
    run_pipeline(make_config(tmp_path, [{"op": "normalize"}], max_rows_per_shard=100))
    sizes = [pl.read_parquet(f).height for f in sorted((tmp_path / "run/curated").iterdir())]
    assert len(sizes) == 3 and max(sizes) == 100


def test_existing_run_folder_is_refused_without_a_flag(finished_run: Path) -> None:
    config = make_config(finished_run.parent, STAGES)
    with pytest.raises(ConfigError, match="use --resume to continue it or --overwrite"):
        run_pipeline(config)
    run_pipeline(config, overwrite=True)
    other = make_config(finished_run.parent, STAGES[:2])
    with pytest.raises(ConfigError, match="different pipeline config"):
        run_pipeline(other, resume=True)


def test_resuming_a_finished_run_changes_nothing(finished_run: Path) -> None:
    before = {p: p.read_bytes() for p in finished_run.rglob("*.parquet")}
    run_pipeline(make_config(finished_run.parent, STAGES), resume=True)
    assert {p: p.read_bytes() for p in finished_run.rglob("*.parquet")} == before


def test_inputs_with_different_columns_give_output_folders_of_one_schema(tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    (tmp_path / "in").mkdir()
    pl.DataFrame({"id": ["a"], "text": ["first document here"], "title": ["T"]}).write_parquet(
        tmp_path / "in" / "a.parquet")
    pl.DataFrame({"id": ["b", "c"], "text": ["second document here", "x"],
                  "url": ["u", "v"]}).write_parquet(tmp_path / "in" / "b.parquet")
    run_pipeline(make_config(tmp_path, [{"op": "length_filter", "min_chars": 5}]))
    curated = pl.read_parquet(str(tmp_path / "run" / "curated" / "*.parquet"))  # no error
    assert set(curated["id"]) == {"a", "b"} and {"title", "url"} <= set(curated.columns)
    table = ds.dataset(str(tmp_path / "run" / "curated")).to_table()
    assert {"title", "url"} <= set(table.column_names)  # pyarrow keeps both columns too
    assert table.num_rows == 2
    import duckdb
    import pandas as pd

    assert {"title", "url"} <= set(pd.read_parquet(tmp_path / "run" / "curated").columns)
    found = duckdb.sql(f"select id, title, url from '{tmp_path}/run/curated/*.parquet' "
                       "order by id").fetchall()
    assert found == [("a", "T", None), ("b", None, "u")]
