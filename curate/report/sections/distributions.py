"""Distributions before and after: every numeric signal in stats/ (lengths first) and every
categorical one (language, domain, label ...), all documents against curated ones, with the
configured thresholds and targets marked. A signal whose thresholds depend on the language
(a routed filter's `zh_` thresholds) is drawn per rule set, each panel with its own."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.histogram import approx_distinct, category_counts, numeric_histogram
from curate.report.html import note, num, pct
from curate.report.limits import targets, thresholds
from curate.report.run import NUMERIC, RunData
from curate.report.sections.base import RenderContext

KEY = "distributions"
TITLE = "Distributions before and after"
FIRST = ("n_chars", "n_words", "n_tokens")
# Categorical columns looked for among the input columns when stats/ lacks them.
INPUT_CATEGORIES = ("lang", "language", "domain", "label", "category", "source")
NOT_SIGNALS = {"row", "stage", "reason", "dup_of"}
MAX_CATEGORIES = 100
KEPT = "__kept"
# The rule sets of language-routed filters: rows judged Chinese, and every other row.
RULE_SETS = {"zh": "zh rules (rows judged Chinese)", "en": "en rules (every other row)"}
# The figures a panel repeats from its histogram.
PANEL_KEYS = ("all", "kept", "n_all", "n_kept", "min", "max", "median", "mean_all",
              "mean_kept")


def is_quality(column: str) -> bool:
    """Quality score columns (drawn by the quality section instead)."""
    return column.startswith("q_") or "quality" in column


def numeric_columns(run: RunData) -> list[str]:
    """Numeric signals of stats/ worth a histogram: not ids, hashes, clusters or scores."""
    cols = [
        c for c, t in run.stats_schema.items()
        if isinstance(t, NUMERIC) and t != pl.UInt64 and c not in NOT_SIGNALS
        and c != run.id_column and "hash" not in c and "cluster" not in c and not is_quality(c)
    ]
    return sorted(cols, key=lambda c: (FIRST.index(c) if c in FIRST else len(FIRST)))


def categorical_sources(run: RunData) -> list[tuple[str, pl.LazyFrame, pl.Expr]]:
    """(column, lazy frame, kept expression) for each categorical column: low-cardinality
    string/boolean signals of stats/, and known label columns among the input columns."""
    found: list[tuple[str, pl.LazyFrame, pl.Expr]] = []
    stats = run.stats()
    if stats is not None:
        for col, dtype in run.stats_schema.items():
            if col in NOT_SIGNALS or col == run.id_column or "hash" in col or "cluster" in col:
                continue
            categorical = dtype in (pl.String, pl.Categorical, pl.Boolean) or isinstance(
                dtype, pl.Enum)
            if categorical and approx_distinct(stats, col) <= MAX_CATEGORIES:
                found.append((col, stats, run.kept()))
    seen = {c for c, _, _ in found}
    for col in INPUT_CATEGORIES:
        if col in seen or col not in run.curated_schema | run.rejected_schema:
            continue
        parts = [
            (lf.select((pl.col(col) if col in schema else pl.lit(None)).cast(pl.String),
                       pl.lit(flag).alias(KEPT)))
            for lf, schema, flag in ((run.curated(), run.curated_schema, True),
                                     (run.rejected(), run.rejected_schema, False))
            if lf is not None
        ]
        if parts:
            found.append((col, pl.concat(parts), pl.col(KEPT)))
    return found


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Histograms of numeric signals and counts of categorical ones, all vs curated."""
    numeric, constant = [], []
    stats = run.stats()
    if stats is not None:
        for col in numeric_columns(run):
            integer = run.stats_schema[col].is_integer()
            hist = numeric_histogram(stats, col, run.kept(), integer=integer)
            if hist is None:
                continue
            if hist["min"] == hist["max"]:  # a flat chart says nothing: named in a note
                constant.append({"column": col, "value": hist["min"]})
                continue
            hist["thresholds"] = thresholds(run, col)
            hist["by_rule_lang"] = by_rule_lang(run, stats, hist, integer)
            numeric.append(hist)
    categorical = []
    for col, lf, kept in categorical_sources(run):
        counts = category_counts(lf, col, kept)
        counts["targets"] = targets(run, col, set(counts["values"]))
        categorical.append(counts)
    return {"numeric": numeric, "constant": constant, "categorical": categorical}


def by_rule_lang(run: RunData, stats: pl.LazyFrame, hist: dict[str, Any],
                 integer: bool) -> list[dict[str, Any]]:
    """A signal with language-specific thresholds, per rule set (on the histogram's bins):
    the rows the filter judged Chinese against the zh_ thresholds, the others against theirs
    (thresholds for every row in both); [] for a signal whose thresholds do not depend on the
    language. A rule set without measured rows has no panel."""
    routed = [t for t in hist["thresholds"] if t["rule_lang"] is not None]
    op = run.operator(routed[0]["stage"]) if routed else None
    route = op.rule_route() if op is not None else None
    if route is None or not set(route.meta.root_names()) <= set(run.stats_schema):
        return []
    zh = route.fill_null(False)
    panels = []
    for lang, rows in (("zh", zh), ("en", ~zh)):
        panel = numeric_histogram(stats.filter(rows), hist["column"], run.kept(),
                                  integer=integer, like=hist)
        if panel is not None:
            panels.append({"rule_lang": lang, **{k: panel[k] for k in PANEL_KEYS},
                           "thresholds": [t for t in hist["thresholds"]
                                          if t["rule_lang"] in (lang, None)]})
    return panels


def cuts(h: dict[str, Any]) -> list[dict[str, Any]]:
    """The thresholds of a histogram that can exclude something: a lower bound above the
    smallest value seen or an upper bound below the largest (others are no-ops)."""
    found = []
    for t in h.get("thresholds") or []:
        param = t["param"].removeprefix("zh_")
        upper = param.startswith("max") or param.endswith("_max")
        if (upper and t["value"] < h["max"]) or (not upper and t["value"] > h["min"]):
            found.append(t)
    return found


def marks(h: dict[str, Any]) -> list[tuple[float, str]]:
    """The effective cuts of a histogram (or panel) as (position, label) lines."""
    found = [(t["value"], f"{t['stage']}.{t['param']} = {num(t['value'])}") for t in cuts(h)]
    if h.get("log"):  # a log axis cannot show values below the first edge
        found = [(v, text) for v, text in found if v > 0]
    return found


def histogram_figure(h: dict[str, Any], title: str | None = None) -> Any:
    """The before/after step histogram of one numeric signal, with its effective cuts; per
    rule set, one panel each, where its thresholds depend on the language."""
    x_title = h["column"] + (" (log scale)" if h["log"] else "")
    if h.get("by_rule_lang"):
        return charts.histogram_panels(
            h["edges"], [(f"{RULE_SETS[p['rule_lang']]}: {num(p['n_all'])} measured, "
                          f"{num(p['n_kept'])} curated", {"measured": p["all"],
                                                           "curated": p["kept"]},
                          marks({**p, "log": h["log"]})) for p in h["by_rule_lang"]],
            title or h["column"], log_x=h["log"], x_title=x_title)
    return charts.histogram(
        # "measured": every document with a value, rows stages added included, so it can
        # exceed the input rows.
        h["edges"], {f"measured ({num(h['n_all'])})": h["all"],
                     f"curated ({num(h['n_kept'])})": h["kept"]},
        title or h["column"], log_x=h["log"], thresholds=marks(h), x_title=x_title)


def shares(counts: list[int]) -> list[float]:
    """Counts as fractions of their sum."""
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def category_figure(c: dict[str, Any]) -> Any:
    """Shares of each value, all vs curated, with target shares as markers."""
    values = list(c["values"])
    markers = None
    tg = c.get("targets")
    if tg:
        values += [v for v in tg["shares"] if v not in values]
        markers = {f"target ({tg['stage']}.{tg['param']})": [tg["shares"].get(v)
                                                             for v in values]}
    pad = [0] * (len(values) - len(c["values"]))
    return charts.grouped_bars(
        values, {"all": shares(c["all"]) + pad, "curated": shares(c["kept"]) + pad},
        f"{c['column']} ({c['distinct']} values)", markers=markers)


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Histogram and bar grids."""
    out = []
    if data["numeric"]:
        out.append("<h3>Signals</h3>")
        out.append(ctx.page.grid([histogram_figure(h) for h in data["numeric"]]))
        clipped = [h["column"] for h in data["numeric"] if h["clipped_above"] is not None]
        text = ("All = every document the signal was measured on (documents rejected before "
                "the stage that measures it are absent); curated = documents kept. "
                "Dashed lines mark thresholds from the stage parameters; a signal whose "
                "thresholds depend on the language is drawn per rule set (rule_lang), each "
                "with its own.")
        if clipped:
            text += (" The top 0.5 % of " + ", ".join(clipped) +
                     " are gathered in the last bin.")
        out.append(note(text))
    if data.get("constant"):
        out.append(note("The same value on every document (no chart): " + ", ".join(
            f"{c['column']} = {num(c['value'])}" for c in data["constant"]) + "."))
    if data["categorical"]:
        out.append("<h3>Categories</h3>")
        out.append(ctx.page.grid([category_figure(c) for c in data["categorical"]]))
        kept_note = "; ".join(
            f"{c['column']}: {c['distinct']} values, top {c['values'][0]} "
            f"({pct(shares(c['kept'])[0])} of curated)"
            for c in data["categorical"] if c["values"]
        )
        out.append(note(kept_note))
    if not out:
        out.append(note("stats/ holds no signal columns yet."))
    return "".join(out)
