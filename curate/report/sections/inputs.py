"""Inputs: what curation kept of each input file and of each source (the values of the
configured `[pipeline] source_column`), and the rejection reasons by language and by source (a
corpus that is mostly Chinese should be judged by what happened to its Chinese documents, a
crawl by what happened to each site)."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.histogram import MISSING, OTHER
from curate.report.html import esc, note, num, pct, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, skipped
from curate.runfolder import shard_of

KEY = "inputs"
TITLE = "By input file, source and language"
MAX_FILES = 50
MAX_REASONS = 20
LANG_COLUMNS = ("lang", "rule_lang", "quality_lang")
MAX_SOURCES = 10  # the most common values of the source column; the rest are "(other)"


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Documents, kept and rejected per input file (added rows counted with the file whose
    shard they were added to); rejection reasons per language; both per value of the
    configured source column (added rows counted with their own value)."""
    files = run.files("stats")
    if not files:
        return skipped("no stats/ files (the run did not finish)")
    names = {i.index: i.name for i in run.manifest.inputs}
    has_reason = "reason" in run.stats_schema
    per_file = []
    for path in files[:MAX_FILES]:
        lf = pl.scan_parquet(path)
        kept = pl.col("reason").is_null().sum() if has_reason else pl.len()
        rows, curated = lf.select(pl.len(), kept).collect().row(0)
        shard = shard_of(path)
        per_file.append({"input": names.get(shard, path.name), "documents": rows,
                         "curated": curated, "rejected": rows - curated,
                         "kept_fraction": curated / rows if rows else None})
    lang = next((c for c in LANG_COLUMNS if c in run.stats_schema), None)
    by_lang: list[dict[str, Any]] = []
    langs: list[str] = []
    lf = run.stats()
    if lang and has_reason and lf is not None:
        counts = (lf.filter(pl.col("reason").is_not_null())
                  .group_by("stage", "reason", pl.col(lang).fill_null("(none)").alias("lang"))
                  .len().collect())
        top = (counts.group_by("lang").agg(pl.col("len").sum())
               .sort(["len", "lang"], descending=[True, False])["lang"].head(4).to_list())
        langs = [*top, "other"] if counts["lang"].n_unique() > len(top) else top
        folded = counts.with_columns(
            pl.when(pl.col("lang").is_in(top)).then(pl.col("lang"))
            .otherwise(pl.lit("other")).alias("group"))
        for stage, reason, per in reasons_by(folded, langs):
            by_lang.append({"stage": stage, "reason": reason, **per})
    return {"files": per_file, "more_files": max(0, len(files) - MAX_FILES),
            "lang_column": lang, "langs": langs, "reasons_by_lang": by_lang,
            **by_source(run, run.pipeline.get("source_column"))}


def by_source(run: RunData, column: str | None) -> dict[str, Any]:
    """Documents, curated, rejected and rejection reasons per value of the source column,
    read from curated/ and rejected/ (stats/ holds no input columns): the MAX_SOURCES most
    common values, the rest as "(other)", nulls as "(none)"."""
    found: dict[str, Any] = {"source_column": column, "sources": [], "distinct_sources": 0,
                             "reasons_by_source": []}
    if column is None:
        return found
    parts = [lf.select(pl.col(column).cast(pl.String).alias("source"),
                       pl.lit(kept).alias("kept"),
                       *(pl.col(c) if c in schema else pl.lit(None, pl.String).alias(c)
                         for c in ("stage", "reason")))
             for lf, schema, kept in ((run.curated(), run.curated_schema, True),
                                      (run.rejected(), run.rejected_schema, False))
             if lf is not None and column in schema]
    if not parts:
        return found
    rows = pl.concat(parts)
    counts = (rows.group_by("source").agg(pl.len().alias("documents"),
                                           pl.col("kept").sum().alias("curated")).collect())
    named = counts.filter(pl.col("source").is_not_null())
    top = named.sort(["documents", "source"], descending=[True, False])["source"].head(
        MAX_SOURCES).to_list()
    folded = (pl.when(pl.col("source").is_null()).then(pl.lit(MISSING))
              .when(pl.col("source").is_in(top)).then(pl.col("source"))
              .otherwise(pl.lit(OTHER)).alias("source"))
    order = [*top, OTHER, MISSING]
    funnel = counts.group_by(folded).agg(pl.col("documents", "curated").sum())
    for source, documents, curated in sorted(funnel.iter_rows(),
                                             key=lambda r: order.index(r[0])):
        found["sources"].append({"source": source, "documents": documents, "curated": curated,
                                 "rejected": documents - curated,
                                 "kept_fraction": curated / documents})
    shown = [s["source"] for s in found["sources"]]
    reasons = (rows.filter(~pl.col("kept")).group_by("stage", "reason", folded.alias("group"))
               .len().collect())
    found["reasons_by_source"] = [{"stage": stage, "reason": reason, "counts": per}
                                  for stage, reason, per in reasons_by(reasons, shown)]
    found["distinct_sources"] = named.height
    return found


def reasons_by(counts: pl.DataFrame, groups: list[str]
               ) -> list[tuple[str, str, dict[str, int]]]:
    """The MAX_REASONS commonest (stage, reason) pairs of a frame of rejected counts (stage,
    reason, group, len), most rejections first, each with its count per group (0 where
    none)."""
    totals = (counts.group_by("stage", "reason").agg(pl.col("len").sum())
              .sort(["len", "stage", "reason"], descending=[True, False, False])
              .head(MAX_REASONS))
    per = {(stage, reason, group): n for stage, reason, group, n in
           counts.group_by("stage", "reason", "group").agg(pl.col("len").sum()).iter_rows()}
    return [(stage, reason, {g: per.get((stage, reason, g), 0) for g in groups})
            for stage, reason, _ in totals.iter_rows()]


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """A chart and a table per input file, and the reasons × languages table."""
    files = data["files"]
    out = [ctx.page.grid([charts.horizontal_stack(
        [f["input"] for f in files],
        {"curated": [f["curated"] for f in files], "rejected": [f["rejected"] for f in files]},
        "Documents per input file", unit="documents")])]
    out.append(table(["input file", "documents", "curated", "rejected", "kept"],
                     [[f["input"], num(f["documents"]), num(f["curated"]), num(f["rejected"]),
                       pct(f["kept_fraction"])] for f in files],
                     numeric=[False, True, True, True, True]))
    if data["more_files"]:
        out.append(note(f"… and {data['more_files']:,} more input files (report.json has "
                        "the first ones only)."))
    if data.get("sources"):
        out.append(render_sources(data, ctx))
    if data["reasons_by_lang"]:
        langs = data["langs"]
        out.append(f"<h3>Rejection reasons by language ({data['lang_column']})</h3>")
        out.append(table(["stage", "reason", *langs],
                         [[r["stage"], r["reason"], *(num(r[c]) for c in langs)]
                          for r in data["reasons_by_lang"]],
                         numeric=[False, False, *([True] * len(langs))]))
    return "".join(out)


def render_sources(data: dict[str, Any], ctx: RenderContext) -> str:
    """The funnel per value of the source column, a chart and a table, and its rejection
    reasons."""
    column, sources = data["source_column"], data["sources"]
    names = [s["source"] for s in sources]
    out = [f"<h3>By source ({esc(column)})</h3>", ctx.page.grid([charts.horizontal_stack(
        names, {"curated": [s["curated"] for s in sources],
                "rejected": [s["rejected"] for s in sources]},
        f"Documents per {column}", unit="documents")])]
    out.append(table([column, "documents", "curated", "rejected", "kept"],
                     [[s["source"], num(s["documents"]), num(s["curated"]), num(s["rejected"]),
                       pct(s["kept_fraction"])] for s in sources],
                     numeric=[False, True, True, True, True]))
    if data["distinct_sources"] > MAX_SOURCES:
        out.append(note(f"The {MAX_SOURCES} most common of {data['distinct_sources']:,} values; "
                        f"the others are counted as {OTHER}."))
    if data["reasons_by_source"]:
        out.append(f"<h3>Rejection reasons by source ({esc(column)})</h3>")
        out.append(table(["stage", "reason", *names],
                         [[r["stage"], r["reason"], *(num(r["counts"][s]) for s in names)]
                          for r in data["reasons_by_source"]],
                         numeric=[False, False, *([True] * len(names))]))
    return "".join(out)
