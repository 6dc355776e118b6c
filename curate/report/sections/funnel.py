"""Funnel: rows and characters through each stage, and rejection reasons ranked."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.html import note, num, pct, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext
from curate.report.sections.summary import CHAR_COLUMNS, first_present

KEY = "funnel"
TITLE = "Funnel"


def _rejections(run: RunData, chars: str | None) -> pl.DataFrame:
    """Rows (and characters) rejected per (stage, reason), from stats/."""
    lf = run.stats()
    if lf is None or "reason" not in run.stats_schema:
        return pl.DataFrame(schema={"stage": pl.String, "reason": pl.String,
                                    "rows": pl.Int64, "chars": pl.Int64})
    stage = pl.col("stage") if "stage" in run.stats_schema else pl.lit(None, pl.String)
    size = pl.col(chars).sum() if chars else pl.lit(None, pl.Int64)
    return (
        lf.filter(pl.col("reason").is_not_null())
        .group_by(stage.alias("stage"), pl.col("reason"))
        .agg(pl.len().cast(pl.Int64).alias("rows"), size.cast(pl.Int64).alias("chars"))
        .sort(["rows", "stage", "reason"], descending=[True, False, False])
        .collect()
    )


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Per-stage rows (manifest) and characters (stats/), and ranked rejection reasons."""
    manifest_stages = run.manifest.stages
    chars = first_present(run, CHAR_COLUMNS)
    rejections = _rejections(run, chars)
    input_rows = run.manifest.totals.input_rows if run.manifest.totals else 0
    chars_by_stage: dict[str, int] = {}
    if chars:
        for row in rejections.group_by("stage").agg(pl.col("chars").sum()).iter_rows():
            chars_by_stage[row[0]] = int(row[1] or 0)
        lf = run.stats()
        assert lf is not None
        remaining = int(lf.select(pl.col(chars).sum()).collect().item() or 0)
    stages = []
    for s in manifest_stages:
        entry = {"stage": s.stage, "in": s.rows_in, "added": s.added, "kept": s.kept,
                 "rejected": s.rejected, "seconds": s.seconds,
                 "rejected_fraction": s.rejected / s.rows_in if s.rows_in else None}
        if chars:
            entry["chars_in"] = remaining
            remaining -= chars_by_stage.get(s.stage, 0)
            entry["chars_kept"] = remaining
        stages.append(entry)
    reasons = [
        {"stage": st, "reason": r, "rows": n, "chars": c,
         "share_of_input": n / input_rows if input_rows else None}
        for st, r, n, c in rejections.iter_rows()
    ]
    by_stage = dict(rejections.group_by("stage").agg(pl.col("rows").sum()).iter_rows())
    manifest_rejected = {s.stage: s.rejected for s in manifest_stages if s.rejected}
    return {
        "chars_column": chars,
        "stages": stages,
        "reasons": reasons,
        "stats_match_manifest": by_stage == manifest_rejected,
    }


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Rows and characters funnels, the stage table, and the ranked reasons."""
    stages = data["stages"]
    if not stages:
        return note("The manifest records no stage counts (the run did not finish).")
    names = [s["stage"] for s in stages]
    figures = [charts.funnel(names, [s["kept"] for s in stages], "Rows kept after each stage")]
    if data["chars_column"]:
        figures.append(charts.funnel(names, [s["chars_kept"] for s in stages],
                                     f"Characters ({data['chars_column']}) kept after each "
                                     "stage", unit="characters"))
    out = [ctx.page.grid(figures)]
    headers = ["stage", "rows in", "kept", "rejected", "rejected %"]
    rows = [[s["stage"], num(s["in"]), num(s["kept"]), num(s["rejected"]),
             pct(s["rejected_fraction"])] for s in stages]
    if data["chars_column"]:
        headers += ["chars in", "chars kept"]
        for row, s in zip(rows, stages, strict=True):
            row += [num(s["chars_in"]), num(s["chars_kept"])]
    out.append(table(headers, rows, numeric=[False] + [True] * (len(headers) - 1)))
    reasons = data["reasons"]
    if reasons:
        out.append("<h3>Rejection reasons</h3>")
        labels = [f"{r['reason']} · {r['stage']}" for r in reasons]
        out.append(ctx.page.figure(charts.ranked_bars(
            labels, [r["rows"] for r in reasons], "Documents rejected, by reason")))
        out.append(table(
            ["reason", "stage", "documents", "% of input", "characters"],
            [[r["reason"], r["stage"], num(r["rows"]), pct(r["share_of_input"], 2),
              num(r["chars"])] for r in reasons],
            numeric=[False, False, True, True, True]))
    else:
        out.append(note("No document was rejected."))
    if not data["stats_match_manifest"]:
        out.append(note("stats/ and the manifest disagree on rejected counts per stage "
                        "(an interrupted or partial run?)."))
    return "".join(out)
