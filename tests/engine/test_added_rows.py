"""Stages that add rows (augment, rebalance's up-sampling): counted apart, numbered after the
input rows, the same bytes on every engine, and resumable."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import curate.engine.runner as runner
from curate.engine import run_pipeline
from curate.errors import CurateError
from curate.ops.apply import ADDED_ROW_BASE
from curate.sample import generate_sample
from tests.conftest import make_config, read_dir
from tests.engine.test_determinism import output_bytes

STAGES = [
    {"op": "normalize"},
    {"op": "exact_dedup"},
    {"op": "augment", "targets": {"math": 20, "code": 30}, "methods": ["swap", "delete",
                                                                      "reorder"]},
    {"op": "rebalance", "column": "label", "upsample": True, "max_repeats": 2,
     "targets": {"news": 0.2, "finance": 0.2, "tech": 0.2, "sports": 0.2, "math": 0.1,
                 "code": 0.1}},
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("added")
    generate_sample(root / "sample", n_docs=300, seed=4, n_shards=3)
    (root / "sample" / "raw").rename(root / "in")
    return root


def test_added_rows_are_counted_and_numbered_after_the_input(corpus: Path, tmp_path) -> None:
    manifest = run_pipeline(make_config(corpus, STAGES, output=str(tmp_path / "run"))).to_dict()
    stages = {s["stage"]: s for s in manifest["stages"]}
    for stage in stages.values():
        assert stage["in"] + stage.get("added", 0) == stage["kept"] + stage["rejected"]
    assert "added" not in stages["exact_dedup"]
    assert stages["augment"]["added"] > 0 and stages["rebalance"]["added"] > 0
    assert stages["rebalance"]["in"] == stages["augment"]["kept"]
    totals = manifest["totals"]
    assert totals["added_rows"] == stages["augment"]["added"] + stages["rebalance"]["added"]
    curated = read_dir(tmp_path / "run" / "curated")
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert curated.height + rejected.height == totals["input_rows"] + totals["added_rows"]

    stats = read_dir(tmp_path / "run" / "stats")
    augmented = stats.join(curated.filter(pl.col("source") == "augment").select("id"), on="id")
    assert (augmented["row"] // ADDED_ROW_BASE == 3).all()  # augment is stage 3
    repeats = stats.join(curated.filter(pl.col("source") == "upsample").select("id"), on="id")
    assert (repeats["row"] // ADDED_ROW_BASE == 4).all()
    assert stats.height == stats["id"].n_unique() == curated.height + rejected.height

    from curate.report import build_report

    html = build_report(tmp_path / "run").read_text(encoding="utf-8")
    assert "added rows" in html and f"{totals['added_rows']:,}" in html  # the summary's card


def test_local_and_ray_write_the_same_bytes(corpus: Path, tmp_path) -> None:
    outputs = {}
    for name, engine in {"local": {"kind": "local"},
                         "ray": {"kind": "ray", "num_cpus": 2}}.items():
        run_pipeline(make_config(corpus, STAGES, engine=engine, output=str(tmp_path / name)))
        outputs[name] = output_bytes(tmp_path / name)
    assert outputs["local"] == outputs["ray"]


def test_a_run_failing_in_the_adding_pass_resumes_to_the_same_bytes(corpus: Path, tmp_path,
                                                                    monkeypatch) -> None:
    run_pipeline(make_config(corpus, STAGES, output=str(tmp_path / "whole")))
    config = make_config(corpus, STAGES, output=str(tmp_path / "resumed"))
    real = runner.run_shard_pass

    def failing(task):  # the pass opened by augment, on the second shard
        if task.plan_pass.index == 2 and task.shard == 1:
            raise CurateError("killed")
        return real(task)

    monkeypatch.setattr(runner, "run_shard_pass", failing)
    with pytest.raises(CurateError, match="killed"):
        run_pipeline(config)
    manifest = json.loads((tmp_path / "resumed" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "augment" in manifest["outcomes"]
    monkeypatch.setattr(runner, "run_shard_pass", real)
    run_pipeline(config, resume=True)
    assert output_bytes(tmp_path / "resumed") == output_bytes(tmp_path / "whole")


def test_adding_no_rows_adds_nothing() -> None:
    """An empty state adds no row to a shard, even when it shares no column with the batch."""
    from curate.ops.base import ADDED, GlobalOperator

    batch = pl.DataFrame({"id": ["a", "b"], "text": ["x", "y"]})
    for rows in (pl.DataFrame(schema={"__shard": pl.Int64}), batch.clear()):
        out = GlobalOperator.with_added(batch, rows)
        assert out.drop(ADDED).equals(batch)
        assert out[ADDED].to_list() == [False, False]
