"""Specification of the domain classifier: `curate train domain` and `domain_classify`."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.cli.main import main
from curate.engine import run_pipeline
from curate.errors import CurateError
from curate.ops.domain.training import multiclass_metrics
from tests.conftest import make_config, read_dir

DOMAINS = ["code", "finance", "math", "news", "sports", "tech"]


def classified(tmp_path: Path, sample: Path, **params: object) -> pl.DataFrame:
    config = make_config(tmp_path, [{"op": "domain_classify", "max_chars": 600, **params}],
                         input_dir=str(sample / "raw"))
    run_pipeline(config)
    return read_dir(tmp_path / "run" / "curated")


def test_multiclass_metrics_count_per_label() -> None:
    metrics = multiclass_metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert metrics["accuracy"] == 0.75
    assert metrics["labels"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3,
                                      "support": 2}
    assert metrics["labels"]["b"]["precision"] == 2 / 3
    assert metrics["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_domain_and_domain_score_replace_the_given_domain(tmp_path, small_sample,
                                                          domain_model) -> None:
    curated = classified(tmp_path, small_sample, model=str(domain_model))
    assert set(curated["domain"].drop_nulls()) <= set(DOMAINS)
    assert curated["domain"].null_count() == 0
    assert curated["domain_score"].is_between(0, 1).all()
    truth = read_dir(small_sample / "raw").select("id", pl.col("domain").alias("truth"))
    labelled = curated.join(truth, on="id").filter(pl.col("truth").is_not_null())
    assert (labelled["domain"] == labelled["truth"]).mean() >= 0.85


def test_unsure_documents_get_a_null_domain(tmp_path, small_sample, domain_model) -> None:
    curated = classified(tmp_path, small_sample, model=str(domain_model), min_score=0.9)
    unsure = curated.filter(pl.col("domain_score") < 0.9)
    assert unsure.height > 0
    assert unsure["domain"].null_count() == unsure.height
    assert curated.filter(pl.col("domain_score") >= 0.9)["domain"].null_count() == 0


def test_a_missing_model_is_trained_from_train_from_once(tmp_path, small_sample,
                                                         seed_corpus) -> None:
    model = tmp_path / "models" / "domain.bin"
    classified(tmp_path / "a", small_sample, model=str(model), train_from=[str(seed_corpus)])
    assert model.is_file()
    report = json.loads(model.with_suffix(".json").read_text())
    assert report["seeds"] == [str(seed_corpus)] and report["metrics"]["accuracy"] > 0.8
    made = model.stat().st_mtime_ns
    classified(tmp_path / "b", small_sample, model=str(model), train_from=[str(seed_corpus)])
    assert model.stat().st_mtime_ns == made


def test_a_missing_model_without_training_data_is_an_error(tmp_path, small_sample) -> None:
    with pytest.raises(CurateError, match=r"no such model file; train one with `curate train "
                                          r"domain` or set train_from"):
        classified(tmp_path, small_sample, model=str(tmp_path / "none.bin"))


def test_curate_train_domain_prints_held_out_metrics(tmp_path, seed_corpus, capsys) -> None:
    out = tmp_path / "domain.bin"
    code = main(["train", "domain", "--seed", str(seed_corpus), "--out", str(out),
                 "--buckets", "65536", "--l2", "0.001", "--max-chars", "600"])
    assert code == 0
    shown = capsys.readouterr().out
    assert "held out" in shown and "accuracy" in shown and "macro F1" in shown
    for domain in DOMAINS:
        assert domain in shown
    assert out.is_file() and out.with_suffix(".json").is_file()
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["options"]["buckets"] == 65536 and report["options"]["l2"] == 0.001
    held, trained = sum(report["heldout_rows"].values()), sum(report["train_rows"].values())
    assert held == pytest.approx(0.2 * (held + trained), abs=6)
