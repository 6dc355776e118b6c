"""Quality: a histogram of each score dimension with its threshold, deciles of the overall
score, and a scatter of two dimensions on a fixed-seed sample."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.histogram import numeric_histogram
from curate.report.html import note, num, table
from curate.report.limits import thresholds
from curate.report.run import NUMERIC, RunData
from curate.report.sample import first_by_hash
from curate.report.sections.base import RenderContext, skipped
from curate.report.sections.distributions import histogram_figure, is_quality

KEY = "quality"
TITLE = "Quality scores"
OVERALL = ("q_overall", "quality_score", "quality")
SCATTER_POINTS = 2000


def dimensions(run: RunData) -> list[str]:
    """Numeric score columns of stats/ (`q_*`, `*quality*`), the overall score first."""
    dims = [c for c, t in run.stats_schema.items() if is_quality(c) and isinstance(t, NUMERIC)]
    return sorted(dims, key=lambda c: (c not in OVERALL, dims.index(c)))


def scatter_pair(dims: list[str]) -> tuple[str, str] | None:
    """Two dimensions to plot against each other: two parts of the overall score if any."""
    parts = [d for d in dims if d not in OVERALL]
    if len(parts) >= 2:
        return parts[0], parts[1]
    if len(dims) >= 2:
        return dims[0], dims[1]
    return None


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Histograms per dimension, overall deciles and a scatter sample."""
    dims = dimensions(run)
    lf = run.stats()
    if not dims or lf is None:
        return skipped("no quality score columns (q_*) in stats/: no quality stage ran")
    kept = run.kept()
    hists = []
    for dim in dims:
        h = numeric_histogram(lf, dim, kept)
        if h is not None:
            h["thresholds"] = thresholds(run, dim)
            hists.append(h)
    overall = dims[0]
    x = pl.col(overall)
    q = lf.select([x.quantile(i / 10).alias(f"p{10 * i}") for i in range(11)]).collect()
    deciles = {k: v for k, v in q.row(0, named=True).items()}
    data: dict[str, Any] = {"dimensions": dims, "overall": overall, "histograms": hists,
                            "deciles": deciles, "scatter": None}
    pair = scatter_pair(dims)
    if pair:
        cols = [*pair, "__kept"]
        sample = first_by_hash(
            lf.with_columns(kept.alias("__kept")).filter(
                pl.col(pair[0]).is_not_null() & pl.col(pair[1]).is_not_null()),
            run.id_column, cols, SCATTER_POINTS)
        def points(rows: pl.DataFrame) -> list[list[float]]:
            return [rows[c].cast(pl.Float64).round(4).to_list() for c in pair]

        data["scatter"] = {
            "x": pair[0], "y": pair[1],
            "kept": points(sample.filter(pl.col("__kept"))),
            "rejected": points(sample.filter(~pl.col("__kept"))),
        }
    return data


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Histograms, the decile table and the scatter."""
    out = [ctx.page.grid([histogram_figure(h) for h in data["histograms"]])]
    d = data["deciles"]
    out.append(table(["decile", *list(d)], [[data["overall"]] + [num(v) for v in d.values()]],
                     numeric=[False] + [True] * len(d)))
    sc = data["scatter"]
    if sc:
        points = {f"curated ({len(sc['kept'][0])})": tuple(sc["kept"]),
                  f"rejected ({len(sc['rejected'][0])})": tuple(sc["rejected"])}
        out.append(ctx.page.figure(charts.scatter(
            points, f"{sc['y']} against {sc['x']} (fixed-seed sample)", sc["x"], sc["y"])))
    out.append(note("Dashed lines mark thresholds set in the stage parameters."))
    return "".join(out)
