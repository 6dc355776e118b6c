"""Threshold selection: a document passes when each thresholded score is at least its minimum.
A null (or NaN) score fails a threshold set on it: it is not known to be good enough."""

from __future__ import annotations

import polars as pl

from curate.ops.base import REASON, Operator


def threshold_reason(minimums: dict[str, float | None]) -> pl.Expr:
    """The reason `low_<score>` of the first score below its minimum (in `minimums` order),
    null when every score passes; scores with a None minimum are not checked."""
    rules = []
    for column, minimum in minimums.items():
        if minimum is None:
            continue
        score = pl.col(column).cast(pl.Float64)
        failed = score.is_null() | score.is_nan() | (score < minimum)
        rules.append((failed.fill_null(True), f"low_{column}"))
    if not rules:
        return pl.lit(None, dtype=pl.String).alias(REASON)
    return Operator.first_reason(*rules)
