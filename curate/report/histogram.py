"""Histograms and category counts computed lazily by polars: one column read at a time, only
the bin counts come back to Python."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

BINS = 40
TOP_CATEGORIES = 20
OTHER = "(other)"
MISSING = "(none)"


def _range(lf: pl.LazyFrame, column: str) -> dict[str, Any]:
    """Count, min, max, 99.5th percentile and median of a column (nulls ignored)."""
    x = pl.col(column).cast(pl.Float64)
    x = x.filter(x.is_not_null() & x.is_finite())
    row = lf.select(
        x.len().alias("n"), x.min().alias("lo"), x.max().alias("hi"),
        x.quantile(0.995).alias("p995"), x.median().alias("median"),
    ).collect().row(0, named=True)
    return row


def _edges(rng: dict[str, Any], integer: bool, bins: int) -> tuple[list[float], bool, bool]:
    """Bin edges for a column's range: (edges, log scale, values above the last edge clipped).

    Heavy-tailed non-negative columns (lengths, counts) get log-spaced bins; the top 0.5 % of
    values go into the last bin when they would stretch the axis more than tenfold.
    """
    lo, hi, p995, median = rng["lo"], rng["hi"], rng["p995"], rng["median"]
    clipped = hi > 0 and p995 > 0 and hi > 10 * p995 and lo >= 0
    top = p995 if clipped else hi
    log = lo >= 0 and top > 100 and top > 50 * max(median or 0, 1)
    if log:
        start = math.log10(max(lo, 1.0))
        stop = math.log10(max(top, 1.0)) + 1e-9
        if stop - start < 1e-6:
            stop = start + 1
        step = (stop - start) / bins
        return [10 ** (start + i * step) for i in range(bins + 1)], True, clipped
    if integer and top - lo < bins:
        return [lo - 0.5 + i for i in range(int(top - lo) + 2)], False, clipped
    if top - lo < 1e-12:
        return [lo - 0.5, lo + 0.5], False, clipped
    step = (top - lo) / bins
    return [lo + i * step for i in range(bins + 1)], False, clipped


def numeric_histogram(lf: pl.LazyFrame, column: str, kept: pl.Expr,
                      integer: bool = False, bins: int = BINS,
                      like: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Counts per bin of a numeric column for every document that has it ("all") and for
    the curated ones ("kept"), with summary figures; None when the column is all null.

    `like`, another histogram of the same column, imposes its bins (to compare two runs).
    """
    rng = _range(lf, column)
    if not rng["n"]:
        return None
    if like is not None:
        edges, log, clipped = like["edges"], like["log"], like["clipped_above"] is not None
    else:
        edges, log, clipped = _edges(rng, integer, bins)
        # Binned on the edges report.json holds, so that a histogram drawn on them (`like`:
        # another run, one language's documents) puts every value in the same bin.
        edges = [round(e, 6) for e in edges]
    n_bins = len(edges) - 1
    x = pl.col(column).cast(pl.Float64)
    if log:
        pos = (x.clip(lower_bound=1.0).log10() - math.log10(edges[0]))
        pos = pos / ((math.log10(edges[-1]) - math.log10(edges[0])) / n_bins)
    else:
        pos = (x - edges[0]) / ((edges[-1] - edges[0]) / n_bins)
    binned = (
        lf.select(pos.floor().clip(0, n_bins - 1).cast(pl.Int32).alias("bin"),
                  kept.alias("kept"), x.alias("x"))
        .filter(pl.col("x").is_not_null() & pl.col("x").is_finite())
        .group_by("bin")
        .agg(pl.len().alias("all"), pl.col("kept").sum().alias("kept"),
             pl.col("x").filter(pl.col("kept")).sum().alias("kept_sum"),
             pl.col("x").sum().alias("sum"))
        .collect()
    )
    counts_all = [0] * n_bins
    counts_kept = [0] * n_bins
    for b, a, k, _, _ in binned.iter_rows():
        counts_all[b], counts_kept[b] = int(a), int(k)
    n_all, n_kept = sum(counts_all), sum(counts_kept)
    total, kept_total = binned["sum"].sum(), binned["kept_sum"].sum()
    return {
        "column": column,
        "edges": edges,
        "log": log,
        "clipped_above": round(edges[-1], 6) if clipped else None,
        "all": counts_all,
        "kept": counts_kept,
        "n_all": n_all,
        "n_kept": n_kept,
        "min": rng["lo"],
        "max": rng["hi"],
        "median": rng["median"],
        "mean_all": total / n_all if n_all else None,
        "mean_kept": kept_total / n_kept if n_kept else None,
    }


def category_counts(lf: pl.LazyFrame, column: str, kept: pl.Expr,
                    top: int = TOP_CATEGORIES) -> dict[str, Any]:
    """Documents per value of a categorical column, all and curated: the `top` values by
    count, the rest summed as "(other)", nulls as "(none)"."""
    counts = (
        lf.select(pl.col(column).cast(pl.String).fill_null(MISSING).alias("value"),
                  kept.alias("kept"))
        .group_by("value")
        .agg(pl.len().alias("all"), pl.col("kept").sum().alias("kept"))
        .sort(["all", "value"], descending=[True, False])
        .collect()
    )
    values = counts["value"].to_list()
    all_counts = [int(v) for v in counts["all"].to_list()]
    kept_counts = [int(v) for v in counts["kept"].to_list()]
    if len(values) > top:
        values = [*values[:top], OTHER]
        all_counts = [*all_counts[:top], sum(all_counts[top:])]
        kept_counts = [*kept_counts[:top], sum(kept_counts[top:])]
    return {
        "column": column,
        "values": values,
        "all": all_counts,
        "kept": kept_counts,
        "n_all": sum(all_counts),
        "n_kept": sum(kept_counts),
        "distinct": counts.height,
    }


def approx_distinct(lf: pl.LazyFrame, column: str) -> int:
    """Approximate number of distinct values of a column (HyperLogLog, one pass)."""
    return int(lf.select(pl.col(column).approx_n_unique()).collect().item() or 0)
