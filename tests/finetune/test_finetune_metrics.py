"""Metrics, confidence intervals and data handling, on known inputs."""

import json
import math

import polars as pl
import pytest

from finetune.config import FinetuneConfig
from finetune.data import Examples, keep_labels, label_set, load_examples, stratified_split
from finetune.metrics import classification_metrics, confusion_matrix, mean_ci

LABELS = ["a", "b", "c"]


def test_metrics_on_known_predictions():
    y_true = ["a", "a", "a", "b", "b", "c"]
    y_pred = ["a", "a", "b", "b", "c", "c"]
    m = classification_metrics(y_true, y_pred, LABELS)
    assert m["accuracy"] == pytest.approx(4 / 6)
    # a: tp 2, 3 true, 2 predicted -> 4/5; b: tp 1, 2 true, 2 predicted -> 1/2;
    # c: tp 1, 1 true, 2 predicted -> 2/3
    assert m["per_class_f1"] == pytest.approx({"a": 0.8, "b": 0.5, "c": 2 / 3})
    assert m["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert m["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_macro_f1_leaves_out_absent_labels_and_counts_zero_f1():
    m = classification_metrics(["a", "a", "b"], ["a", "a", "a"], LABELS)
    assert m["per_class_f1"] == pytest.approx({"a": 0.8, "b": 0.0, "c": None})
    assert m["macro_f1"] == pytest.approx(0.4)
    assert m["accuracy"] == pytest.approx(2 / 3)


def test_confusion_matrix_ignores_unknown_labels():
    assert confusion_matrix(["a", "z"], ["a", "a"], ["a", "b"]) == [[1, 0], [0, 0]]


def test_metrics_reject_mismatched_lengths():
    with pytest.raises(ValueError):
        classification_metrics(["a"], ["a", "b"], LABELS)


def test_mean_ci_uses_the_t_distribution():
    stats = mean_ci([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)  # t(0.975, df=2) × sd 1 / sqrt(3)
    assert stats["mean"] == pytest.approx(2.0)
    assert stats["std"] == pytest.approx(1.0)
    assert stats["ci95"] == pytest.approx(half)
    assert (stats["low"], stats["high"]) == pytest.approx((2.0 - half, 2.0 + half))
    assert stats["n"] == 3


def test_mean_ci_of_one_value_has_no_interval():
    assert mean_ci([0.5]) == {
        "mean": 0.5,
        "std": None,
        "ci95": None,
        "low": None,
        "high": None,
        "n": 1,
    }


def test_load_examples_drops_null_and_blank_rows_and_casts_labels(tmp_path):
    pl.DataFrame({"text": ["x", None, "  ", "y", "z"], "label": [1, 2, 3, None, 2]}).write_parquet(
        tmp_path / "a.parquet"
    )
    ex = load_examples(tmp_path / "a.parquet")
    assert ex.texts == ["x", "z"]
    assert ex.labels == ["1", "2"]


def test_load_examples_reads_jsonl_and_other_columns(tmp_path):
    rows = [{"body": "hello", "topic": "t1"}, {"body": "world", "topic": "t2"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ex = load_examples(tmp_path / "c.jsonl", text_column="body", label_column="topic")
    assert (ex.texts, ex.labels) == (["hello", "world"], ["t1", "t2"])


def test_label_set_and_keep_labels():
    a = Examples(["1", "2"], ["x", "y"])
    b = Examples(["3", "4", "5"], ["y", "z", "w"])
    assert label_set(a, b) == ["w", "x", "y", "z"]
    kept, dropped = keep_labels(b, ["y", "z"])
    assert (kept.labels, dropped) == (["y", "z"], 1)


def test_stratified_split_keeps_label_shares_and_is_seeded():
    ex = Examples([str(i) for i in range(30)], ["a"] * 20 + ["b"] * 10)
    first, rest = stratified_split(ex, 0.3, seed=7)
    assert first.label_counts() == {"a": 6, "b": 3}
    assert rest.label_counts() == {"a": 14, "b": 7}
    assert sorted(first.texts + rest.texts) == sorted(ex.texts)
    assert stratified_split(ex, 0.3, seed=7)[0].texts == first.texts
    assert stratified_split(ex, 0.3, seed=8)[0].texts != first.texts


def test_config_defaults_and_validation():
    cfg = FinetuneConfig()
    assert (cfg.backend, cfg.model, cfg.arms, cfg.report_to) == (
        "lora",
        None,
        ["raw", "curated"],
        "none",
    )
    for bad in (
        {"backend": "svm"},
        {"arms": ["raw", "clean"]},
        {"seeds": []},
        {"warmup_ratio": 1.0},
        {"eval_fraction": 0.0},
        {"batch_size": 0},
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            FinetuneConfig(**bad)


def test_log_loss_is_the_mean_negative_log_probability_of_the_true_label() -> None:
    import math

    import numpy as np

    from finetune.metrics import LOG_LOSS_FLOOR, log_loss

    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.5, 0.5, 0.0]])
    truth = ["a", "b", "c"]  # 0.7, 0.1 and 0.0 (clipped to the floor)
    expected = -(math.log(0.7) + math.log(0.1) + math.log(LOG_LOSS_FLOOR)) / 3
    assert log_loss(probs, truth, ["a", "b", "c"]) == pytest.approx(expected)
    assert log_loss(np.eye(2), ["x", "y"], ["x", "y"]) == pytest.approx(0.0)
