"""Top-fraction selection: keep the best `fraction` of the documents by a score, over the whole
corpus or within each group (e.g. per `lang` or `domain`), identically however the corpus is
sharded.

Documents are ranked by score (descending; null and NaN last), then id, shard and row
(ascending), so ties are broken the same way on every run. A group of n documents keeps
round(fraction * n) of them (halves rounded up). The fitted state holds, per group, the
last kept document's sort key (the cut-off); a document is kept when its key is at or before
the cut-off.
"""

from __future__ import annotations

import polars as pl

from curate.io import SHARD_COLUMN

SCORE = "__score"  # the score with null and NaN as -inf, so it sorts and compares last
ID = "__id"
ROW = "__row"
KEEP = "__keep"  # documents a group keeps
CUT = {SCORE: "__cut_score", ID: "__cut_id", SHARD_COLUMN: "__cut_shard", ROW: "__cut_row"}
ALL = "__all"  # the one group when no `by` columns are given


def sort_key(score: pl.Expr) -> pl.Expr:
    """The score as ranked: Float64, null and NaN mapped to -inf."""
    score = score.cast(pl.Float64)
    return pl.when(score.is_null() | score.is_nan()).then(float("-inf")).otherwise(score)


def ranked(scores: pl.DataFrame, score: str, id_column: str, shard: int | pl.Expr,
           row_column: str, by: list[str]) -> pl.DataFrame:
    """The ranking columns of documents: group columns (as strings, so shards agree on their
    type), sort key, id, shard (a number, or an expression for frames spanning shards), row."""
    shard_expr = pl.lit(shard) if isinstance(shard, int) else shard
    return scores.select(
        *(pl.col(c).cast(pl.String) for c in by),
        sort_key(pl.col(score)).alias(SCORE),
        pl.col(id_column).cast(pl.String).alias(ID),
        shard_expr.cast(pl.Int64).alias(SHARD_COLUMN),
        pl.col(row_column).cast(pl.Int64).alias(ROW),
    )


def keep_count(n: pl.Expr, fraction: float) -> pl.Expr:
    """round(fraction * n), halves up."""
    return (n.cast(pl.Float64) * fraction + 0.5).floor().cast(pl.Int64)


def fit_cutoffs(observed: pl.LazyFrame, by: list[str], fraction: float) -> pl.DataFrame:
    """Per group: documents, documents kept, and the cut-off key (null when none is kept)."""
    groups = by or [ALL]
    if not by:
        observed = observed.with_columns(pl.lit(True).alias(ALL))
    order = [*groups, SCORE, ID, SHARD_COLUMN, ROW]
    descending = [False] * len(groups) + [True, False, False, False]
    sizes = observed.group_by(groups).agg(pl.len().alias("__n")).with_columns(
        keep_count(pl.col("__n"), fraction).alias(KEEP)
    )
    picked = (
        observed.sort(order, descending=descending, nulls_last=True)
        .with_columns(pl.int_range(pl.len()).over(groups).alias("__rank"))
        .join(sizes, on=groups, how="inner", nulls_equal=True)
        .filter(pl.col("__rank") == pl.col(KEEP) - 1)
        .select(*groups, *(pl.col(k).alias(v) for k, v in CUT.items()))
    )
    state = sizes.join(picked, on=groups, how="left", nulls_equal=True)
    return state.sort(groups, nulls_last=True).collect()


def within_cutoff(frame: pl.DataFrame, state: pl.DataFrame, by: list[str]) -> pl.Series:
    """Whether each row of `frame` (holding the `ranked` columns) is kept."""
    groups = by or [ALL]
    if not by:
        frame = frame.with_columns(pl.lit(True).alias(ALL))
    joined = frame.select(*groups, SCORE, ID, SHARD_COLUMN, ROW).join(
        state, on=groups, how="left", nulls_equal=True, maintain_order="left"
    )
    s, cs = pl.col(SCORE), pl.col(CUT[SCORE])
    i, ci = pl.col(ID), pl.col(CUT[ID])
    h, ch = pl.col(SHARD_COLUMN), pl.col(CUT[SHARD_COLUMN])
    r, cr = pl.col(ROW), pl.col(CUT[ROW])
    at_or_before = (s > cs) | ((s == cs) & (
        (i < ci) | ((i == ci) & ((h < ch) | ((h == ch) & (r <= cr))))
    ))
    keep = (pl.col(KEEP) > 0) & at_or_before
    return joined.select(keep.fill_null(False)).to_series()
