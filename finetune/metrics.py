"""Classification metrics and confidence intervals over seeds."""

from __future__ import annotations

import math

import numpy as np


def confusion_matrix(y_true: list[str], y_pred: list[str], labels: list[str]) -> list[list[int]]:
    """Counts with rows = true label, columns = predicted label, both in `labels` order.

    Pairs whose true or predicted label is not in `labels` are not counted.
    """
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            matrix[index[t], index[p]] += 1
    return matrix.tolist()


def classification_metrics(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict:
    """Accuracy, macro-F1, per-class F1 and the confusion matrix.

    Macro-F1 averages the F1 of the labels that occur in `y_true` or `y_pred` (scikit-learn's
    convention); a label with no true and no predicted example is left out of the average and
    reported as F1 None. F1 is 0 where precision and recall are both 0.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("no examples to score")
    matrix = np.array(confusion_matrix(y_true, y_pred, labels), dtype=np.int64).reshape(
        len(labels), len(labels)
    )
    per_class: dict[str, float | None] = {}
    for i, label in enumerate(labels):
        tp = int(matrix[i, i])
        true_count = int(matrix[i, :].sum())
        pred_count = int(matrix[:, i].sum())
        if true_count + pred_count == 0:
            per_class[label] = None
        else:
            per_class[label] = 2 * tp / (true_count + pred_count)
    present = [f1 for f1 in per_class.values() if f1 is not None]
    correct = sum(t == p for t, p in zip(y_true, y_pred, strict=True))
    return {
        "accuracy": correct / len(y_true),
        "macro_f1": sum(present) / len(present) if present else 0.0,
        "per_class_f1": per_class,
        "confusion_matrix": matrix.tolist(),
    }


LOG_LOSS_FLOOR = 1e-7  # probabilities are clipped here: one sure mistake costs 16.1, not inf


def log_loss(probs: np.ndarray, y_true: list[str], labels: list[str]) -> float:
    """Mean negative log-probability the model gives each example's true label (natural log;
    probabilities clipped to [LOG_LOSS_FLOOR, 1]). A continuous metric: it moves when the
    model grows surer or less sure of the right answer, before accuracy does."""
    index = {label: i for i, label in enumerate(labels)}
    columns = np.array([index[label] for label in y_true])
    picked = probs[np.arange(len(y_true)), columns]
    return float(-np.log(np.clip(picked, LOG_LOSS_FLOOR, 1.0)).mean())


def mean_ci(values: list[float]) -> dict:
    """Mean and two-sided 95 % t-distribution confidence interval of `values` (e.g. one per seed).

    Returns mean, std (sample), ci95 (the half-width), low, high and n. With one value the
    interval is unknown: std, ci95, low and high are None.
    """
    from scipy.stats import t

    n = len(values)
    if n == 0:
        raise ValueError("no values")
    mean = float(np.mean(values))
    if n == 1:
        return {"mean": mean, "std": None, "ci95": None, "low": None, "high": None, "n": 1}
    std = float(np.std(values, ddof=1))
    half = float(t.ppf(0.975, df=n - 1)) * std / math.sqrt(n)
    return {"mean": mean, "std": std, "ci95": half, "low": mean - half, "high": mean + half, "n": n}
