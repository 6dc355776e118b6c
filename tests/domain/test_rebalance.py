"""Specification of `rebalance`: a deterministic mix by down- and up-sampling."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.engine import run_pipeline
from tests.conftest import make_config, read_dir

# 60 a, 30 b, 10 c, interleaved over the shards.
VALUES = ["a"] * 60 + ["b"] * 30 + ["c"] * 10


def write_mix(folder: Path, shards: int, values: list[str | None] = VALUES) -> None:
    folder.mkdir(parents=True)
    rows = pl.DataFrame({"id": [f"doc{i:03d}" for i in range(len(values))],
                         "text": [f"text number {i}" for i in range(len(values))],
                         "domain": values}, schema_overrides={"domain": pl.String})
    for s in range(shards):
        rows.gather_every(shards, offset=s).write_parquet(folder / f"part-{s}.parquet")


def rebalanced(tmp_path: Path, shards: int = 3, values: list[str | None] = VALUES,
               **params: object) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    write_mix(tmp_path / "in", shards, values)
    manifest = run_pipeline(make_config(tmp_path, [{"op": "rebalance", **params}]))
    return read_dir(tmp_path / "run/curated"), read_dir(tmp_path / "run/rejected"), \
        manifest.to_dict()


def counts(frame: pl.DataFrame, column: str = "domain") -> dict:
    return dict(frame[column].value_counts().iter_rows())


def test_down_sampling_to_shares(tmp_path: Path) -> None:
    curated, rejected, manifest = rebalanced(tmp_path, targets={"a": 0.4, "b": 0.4, "c": 0.2})
    assert counts(curated) == {"a": 20, "b": 20, "c": 10}
    assert set(rejected["reason"]) == {"rebalance_downsampled"}
    assert rejected.height == 50
    outcome = manifest["outcomes"]["rebalance"]
    assert outcome["after"] == {"a": 20, "b": 20, "c": 10}
    assert outcome["share_after"] == {"a": 0.4, "b": 0.4, "c": 0.2}
    assert outcome["before"] == {"a": 60, "b": 30, "c": 10}


def test_the_choice_does_not_depend_on_sharding(tmp_path: Path) -> None:
    targets = {"a": 0.4, "b": 0.4, "c": 0.2}
    one, _, _ = rebalanced(tmp_path / "one", shards=1, targets=targets)
    three, _, _ = rebalanced(tmp_path / "three", shards=3, targets=targets)
    assert sorted(one["id"]) == sorted(three["id"])


def test_up_sampling_repeats_rows_at_most_max_repeats_times(tmp_path: Path) -> None:
    curated, rejected, manifest = rebalanced(tmp_path, targets={"a": 0.4, "b": 0.4, "c": 0.2},
                                             upsample=True, max_repeats=2)
    assert counts(curated) == {"a": 40, "b": 40, "c": 20}
    copies = curated.filter(pl.col("source") == "upsample")
    assert copies.height == 20  # 10 b and 10 c repeats
    assert copies["id"].str.ends_with("~r1").all()
    assert (copies["id"] == copies["aug_of"] + "~r1").all()
    originals = curated.filter(pl.col("source") == "corpus")
    assert originals["aug_of"].null_count() == originals.height
    assert set(copies["aug_of"]) <= set(originals["id"])
    c_rows = curated.filter(pl.col("domain") == "c")
    assert c_rows["text"].value_counts()["count"].max() == 2
    stage = manifest["stages"][-1]
    assert (stage["in"], stage["added"], stage["kept"], stage["rejected"]) == (100, 20, 100, 20)
    assert rejected.height == 20


def test_untargeted_and_null_values_share_the_rest(tmp_path: Path) -> None:
    values = ["a"] * 60 + ["b"] * 30 + ["c"] * 10 + [None] * 20
    curated, _, manifest = rebalanced(tmp_path, values=values, targets={"a": 0.5, "b": 0.3})
    assert counts(curated) == {"a": 50, "b": 30, "c": 6, None: 14}
    assert manifest["outcomes"]["rebalance"]["after"] == {"a": 50, "b": 30, "c": 6, "null": 14}


def test_row_count_targets_leave_other_values_alone(tmp_path: Path) -> None:
    curated, _, _ = rebalanced(tmp_path, targets={"a": 20, "c": 25}, upsample=True,
                               max_repeats=2)
    assert counts(curated) == {"a": 20, "b": 30, "c": 20}
