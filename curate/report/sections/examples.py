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
        rules = {(row.get("stage"), row["reason"]): _rule(run, row.get("stage"), row["reason"])
                 for row in counts.iter_rows(named=True)}
        # One scan picks every group's examples with the columns their rules compare.
        wanted = [c for conditions, route in rules.values() if conditions
                  for c in (*(x.signal for x in conditions),
                            *(route.meta.root_names() if route is not None else []))]
        picked = first_by_hash(rejected, id_col, [c for c in dict.fromkeys(wanted)
                                                  if c in run.stats_schema],
                               PER_GROUP, per=[*stage, "reason"])
        for row in counts.iter_rows(named=True):
            match = pl.col("reason") == row["reason"]
            if stage:
                match &= pl.col("stage") == row["stage"]
            mine = picked.filter(match)
            where = f" · {row['stage']}" if stage else ""
            groups.append({"title": f"rejected: {row['reason']}{where}", "kind": "reason",
                           "documents": row["len"],
                           "ids": mine[id_col].cast(pl.String).to_list(),
                           "extra": _rule_values(run, mine,
                                                 *rules[(row.get("stage"), row["reason"])])})
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


def _rule(run: RunData, stage: str | None, reason: str) -> tuple[list[Any], pl.Expr | None]:
    """The conditions of the rule that gives `reason` in `stage`, and the expression that
    routes a row to the Chinese thresholds (None when the rules have none)."""
    op = run.operator(stage) if stage else None
    if op is None:
        return [], None
    conditions = [c for r in op.rules() if r.reason == reason for c in r.conditions
                  if c.signal in run.stats_schema]
    route = op.rule_route()
    if route is not None and not set(route.meta.root_names()) <= set(run.stats_schema):
        route = None
    return conditions, route


def _rule_values(run: RunData, rows: pl.DataFrame, conditions: list[Any],
                 route: pl.Expr | None) -> dict[str, dict[str, str]]:
    """Per example (`rows`, with the columns the rule compares): each signal of the rule
    that rejected it, with the test it failed (`0.42 (> 0.3)`; the zh threshold for a row
    the rules judged as Chinese)."""
    if not conditions or not rows.height:
        return {}
    zh = rows.select(route.fill_null(False)).to_series() if route is not None \
        else pl.Series([False] * rows.height)
    found: dict[str, dict[str, str]] = {}
    for values, is_zh in zip(rows.iter_rows(named=True), zh, strict=True):
        found[str(values[run.id_column])] = {
            f"{c.signal}:": f"{_value(values.get(c.signal))} ({c.describe(bool(is_zh))})"
            for c in conditions}
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
