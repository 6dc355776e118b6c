"""Inputs: what curation kept of each input file, and the rejection reasons by language (a
corpus that is mostly Chinese should be judged by what happened to its Chinese documents)."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.html import note, num, pct, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, skipped
from curate.runfolder import shard_of

KEY = "inputs"
TITLE = "By input file and language"
MAX_FILES = 50
MAX_REASONS = 20
LANG_COLUMNS = ("lang", "rule_lang", "quality_lang")


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Documents, kept and rejected per input file (added rows counted with the file whose
    shard they were added to); rejection reasons per language."""
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
            .otherwise(pl.lit("other")).alias("lang"))
        wide = (folded.group_by("stage", "reason", "lang").agg(pl.col("len").sum())
                .pivot(on="lang", index=["stage", "reason"], values="len").fill_null(0))
        wide = wide.with_columns(pl.sum_horizontal(*[c for c in langs if c in wide.columns])
                                 .alias("__total")).sort(["__total", "stage", "reason"],
                                                         descending=[True, False, False])
        for row in wide.head(MAX_REASONS).iter_rows(named=True):
            by_lang.append({"stage": row["stage"], "reason": row["reason"],
                            **{c: row.get(c, 0) for c in langs}})
    return {"files": per_file, "more_files": max(0, len(files) - MAX_FILES),
            "lang_column": lang, "langs": langs, "reasons_by_lang": by_lang}


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
    if data["reasons_by_lang"]:
        langs = data["langs"]
        out.append(f"<h3>Rejection reasons by language ({data['lang_column']})</h3>")
        out.append(table(["stage", "reason", *langs],
                         [[r["stage"], r["reason"], *(num(r[c]) for c in langs)]
                          for r in data["reasons_by_lang"]],
                         numeric=[False, False, *([True] * len(langs))]))
    return "".join(out)
