"""Examples: a few documents per rejection reason, from the top and bottom deciles of the
overall quality score, and from the curated output, each with its id for `curate explain`."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.html import document, esc, note
from curate.report.run import RunData
from curate.report.sample import fetch_documents, first_by_hash
from curate.report.sections.base import RenderContext
from curate.report.sections.quality import dimensions

KEY = "examples"
TITLE = "Examples"
PER_GROUP = 3
MAX_REASONS = 30


def _groups(run: RunData, lf: pl.LazyFrame) -> list[dict[str, Any]]:
    """(title, ids, extra columns) of every example group, picked from stats/ only."""
    groups: list[dict[str, Any]] = []
    id_col = run.id_column
    if "reason" in run.stats_schema:
        rejected = lf.filter(pl.col("reason").is_not_null())
        stage = ["stage"] if "stage" in run.stats_schema else []
        counts = (rejected.group_by(*stage, "reason").len()
                  .sort(["len", *stage, "reason"], descending=[True] + [False] * (len(stage) + 1))
                  .head(MAX_REASONS).collect())
        picked = first_by_hash(rejected, id_col, [], PER_GROUP, per=[*stage, "reason"])
        for row in counts.iter_rows(named=True):
            match = pl.col("reason") == row["reason"]
            if stage:
                match &= pl.col("stage") == row["stage"]
            ids = picked.filter(match)[id_col].cast(pl.String).to_list()
            where = f" · {row['stage']}" if stage else ""
            groups.append({"title": f"rejected: {row['reason']}{where}", "kind": "reason",
                           "documents": row["len"], "ids": ids,
                           "extra": _rule_values(run, lf, row.get("stage"), row["reason"], ids)})
    dims = dimensions(run)
    if dims:
        score = dims[0]
        lo, hi = lf.select(pl.col(score).quantile(0.1).alias("lo"),
                           pl.col(score).quantile(0.9).alias("hi")).collect().row(0)
        for title, cond in ((f"top decile of {score} (≥ {hi:.3g})", pl.col(score) >= hi),
                            (f"bottom decile of {score} (≤ {lo:.3g})", pl.col(score) <= lo)):
            picked = first_by_hash(lf.filter(cond), id_col, [score], PER_GROUP)
            groups.append({
                "title": title, "kind": "quality", "documents": None,
                "ids": picked[id_col].cast(pl.String).to_list(),
                "extra": {str(i): {score: v} for i, v in picked.iter_rows()},
            })
    kept = first_by_hash(lf.filter(run.kept()), id_col, [], PER_GROUP)
    groups.append({"title": "curated (random)", "kind": "curated", "documents": None,
                   "ids": kept[id_col].cast(pl.String).to_list(), "extra": {}})
    return groups


def _rule_values(run: RunData, lf: pl.LazyFrame, stage: str | None, reason: str,
                 ids: list[str]) -> dict[str, dict[str, str]]:
    """Per example: each signal of the rule that rejected it, with the test it failed
    (`0.42 (> 0.3)`, the zh threshold for a row the rules judged as Chinese)."""
    op = run.operator(stage) if stage else None
    conditions = [c for r in (op.rules() if op else []) if r.reason == reason
                  for c in r.conditions]
    signals = [c.signal for c in conditions if c.signal in run.stats_schema]
    if not signals or not ids:
        return {}
    route = op.rule_route()
    if route is not None and not set(route.meta.root_names()) <= set(run.stats_schema):
        route = None
    id_col = run.id_column
    rows = lf.filter(pl.col(id_col).cast(pl.String).is_in(ids)).select(
        pl.col(id_col).cast(pl.String), *dict.fromkeys(signals),
        *([route.fill_null(False).alias("__zh")] if route is not None else [])).collect()
    found: dict[str, dict[str, str]] = {}
    for values in rows.iter_rows(named=True):
        zh = bool(values.get("__zh", False))
        found[values[id_col]] = {
            f"{c.signal}:": f"{_value(values.get(c.signal))} ({c.describe(zh)})"
            for c in conditions if c.signal in values}
    return found


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Example groups with their documents (text truncated)."""
    lf = run.stats()
    if lf is None:
        return {"groups": []}
    groups = _groups(run, lf)
    docs = fetch_documents(run, [i for g in groups for i in g["ids"]])
    for g in groups:
        g["examples"] = [{**docs[i], "extra": g["extra"].get(i, {})} for i in g["ids"]
                         if i in docs]
        del g["extra"]
    return {"groups": groups}


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """One block of document cards per group, folded except the first few."""
    out = [note("Texts are cut to 600 characters and shown as plain text. Run the command under "
                "a document to see why it was kept or removed.")]
    for i, g in enumerate(data["groups"]):
        count = f" ({g['documents']:,} documents)" if g.get("documents") else ""
        cards = "".join(document(d, ctx.run_dir) for d in g["examples"]) or note("none found")
        is_open = " open" if i < 4 else ""
        out.append(f"<details{is_open}><summary>{esc(g['title'])}{esc(count)}</summary>"
                   f'<div class="docs">{cards}</div></details>')
    return "".join(out)
