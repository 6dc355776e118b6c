"""Compare: this run and another side by side (e.g. two threshold settings): headline
figures, config differences, rows per stage, rejection reasons, and curated distributions
drawn on the same bins."""

from __future__ import annotations

from typing import Any

from curate.report import charts
from curate.report.histogram import numeric_histogram
from curate.report.html import note, num, pct, seconds, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, is_skipped
from curate.report.sections.distributions import shares

KEY = "compare"
TITLE = "Comparison with another run"
HEADLINES = [
    ("input_rows", "input rows", num), ("curated_rows", "curated rows", num),
    ("kept_fraction", "kept fraction", pct), ("rejected_rows", "rejected rows", num),
    ("chars_out", "curated characters", num), ("tokens_out", "curated tokens", num),
    ("wall_seconds", "run time", seconds),
]
IGNORED_CONFIG = {"pipeline.input", "pipeline.output", "pipeline.name"}
MAX_REASONS = 15


def flatten_config(config: dict[str, Any]) -> dict[str, Any]:
    """The canonical config as `pipeline.key` and `stage_name.param` entries."""
    flat = {f"pipeline.{k}": v for k, v in (config.get("pipeline") or {}).items()}
    for stage in config.get("stages") or []:
        flat[f"{stage['name']}.op"] = stage["op"]
        for k, v in (stage.get("params") or {}).items():
            flat[f"{stage['name']}.{k}"] = v
    return flat


def config_diff(mine: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, Any]]:
    """Config entries that differ between the runs (absent on one side shows as None)."""
    a, b = flatten_config(mine), flatten_config(theirs)
    keys = list(dict.fromkeys([*a, *b]))
    return [{"key": k, "this": a.get(k), "other": b.get(k)} for k in keys
            if k not in IGNORED_CONFIG and a.get(k) != b.get(k)]


def _by_stage(funnel: dict[str, Any]) -> dict[str, int]:
    return {s["stage"]: s["kept"] for s in funnel.get("stages", [])}


def _by_reason(funnel: dict[str, Any]) -> dict[str, int]:
    return {f"{r['reason']} · {r['stage']}": r["rows"] for r in funnel.get("reasons", [])}


def _numeric(run: RunData, other: RunData, mine: dict[str, Any]) -> list[dict[str, Any]]:
    """Curated histograms of both runs on this run's bins, for signals both runs have."""
    found = []
    hists = list((mine.get("distributions") or {}).get("numeric", []))
    if not is_skipped(mine.get("quality")):
        hists += mine["quality"]["histograms"]
    lf = other.stats()
    for h in hists:
        if lf is None or h["column"] not in other.stats_schema:
            continue
        theirs = numeric_histogram(lf, h["column"], other.kept(), like=h)
        if theirs is None:
            continue
        found.append({"column": h["column"], "edges": h["edges"], "log": h["log"],
                      "this": h["kept"], "other": theirs["kept"],
                      "mean_this": h["mean_kept"], "mean_other": theirs["mean_kept"]})
    return found


def _categorical(mine: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, Any]]:
    """Curated shares of each categorical column both runs have."""
    other_by_col = {c["column"]: c for c in (theirs.get("distributions") or {})
                    .get("categorical", [])}
    found = []
    for c in (mine.get("distributions") or {}).get("categorical", []):
        o = other_by_col.get(c["column"])
        if o is None:
            continue
        values = list(dict.fromkeys([*c["values"], *o["values"]]))
        this_share = dict(zip(c["values"], shares(c["kept"]), strict=True))
        other_share = dict(zip(o["values"], shares(o["kept"]), strict=True))
        found.append({"column": c["column"], "values": values,
                      "this": [this_share.get(v, 0.0) for v in values],
                      "other": [other_share.get(v, 0.0) for v in values]})
    return found


def compute(run: RunData, other: RunData, mine: dict[str, Any],
            theirs: dict[str, Any]) -> dict[str, Any]:
    """Side-by-side aggregates of this run (`mine`: its sections) and `other` (`theirs`)."""
    a, b = mine["summary"], theirs["summary"]
    headlines = [{"key": k, "label": lbl, "this": a.get(k), "other": b.get(k)}
                 for k, lbl, _ in HEADLINES]
    stages_a, stages_b = _by_stage(mine["funnel"]), _by_stage(theirs["funnel"])
    reasons_a, reasons_b = _by_reason(mine["funnel"]), _by_reason(theirs["funnel"])
    reasons = sorted(set(reasons_a) | set(reasons_b),
                     key=lambda r: -(reasons_a.get(r, 0) + reasons_b.get(r, 0)))[:MAX_REASONS]
    # Two runs of one pipeline share its name: tell them apart by their folders.
    same = run.name == other.name
    return {
        "this": {"run_dir": str(run.root), "name": run.root.name if same else run.name,
                 "config_hash": a["config_hash"], "tuned": run.manifest.tuned_from is not None},
        "other": {"run_dir": str(other.root), "name": other.root.name if same else other.name,
                  "config_hash": b["config_hash"],
                  "tuned": other.manifest.tuned_from is not None},
        "headlines": headlines,
        "config_diff": config_diff(run.manifest.config, other.manifest.config),
        "stages": [{"stage": s, "this": stages_a.get(s), "other": stages_b.get(s)}
                   for s in dict.fromkeys([*stages_a, *stages_b])],
        "reasons": [{"reason": r, "this": reasons_a.get(r, 0), "other": reasons_b.get(r, 0)}
                    for r in reasons],
        "numeric": _numeric(run, other, mine),
        "categorical": _categorical(mine, theirs),
    }


def _delta(key: str, this: Any, other: Any) -> str:
    """this − other in the row's unit: percentage points for a fraction, seconds for a time."""
    if not isinstance(this, int | float) or not isinstance(other, int | float):
        return "–"
    diff = this - other
    if key == "kept_fraction":
        return f"{100 * diff:+.1f} points"
    if key == "wall_seconds":
        return f"{diff:+,.1f} s"
    return f"{diff:+,.4g}" if isinstance(diff, float) else f"{diff:+,}"


def _value(key: str, value: Any, side: dict[str, Any]) -> str:
    """A headline value; a tuned run's time is the tune's, and says so."""
    shown = dict((k, f) for k, _, f in HEADLINES)[key](value)
    return f"{shown} (tune)" if key == "wall_seconds" and side.get("tuned") else shown


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Headline and config tables, and paired charts."""
    this, other = data["this"], data["other"]
    name_a, name_b = f"this ({this['name']})", f"other ({other['name']})"
    out = [table(
        ["", name_a, name_b, "this − other"],
        [[h["label"], _value(h["key"], h["this"], this), _value(h["key"], h["other"], other),
          _delta(h["key"], h["this"], h["other"])] for h in data["headlines"]],
        numeric=[False, True, True, True])]
    out.append(note(f"other run: {other['run_dir']} (config {other['config_hash']})"))
    if data["config_diff"]:
        out.append("<h3>Config differences</h3>")
        out.append(table(["setting", name_a, name_b],
                         [[d["key"], repr(d["this"]), repr(d["other"])]
                          for d in data["config_diff"]]))
    else:
        out.append(note("The two runs have the same stage settings."))
    colors = (charts.KEPT, charts.OTHER_RUN)
    figures = [
        charts.grouped_bars([s["stage"] for s in data["stages"]],
                            {name_a: [s["this"] for s in data["stages"]],
                             name_b: [s["other"] for s in data["stages"]]},
                            "Rows kept after each stage", colors=colors, percent=False),
    ]
    if data["reasons"]:
        figures.append(charts.grouped_bars(
            [r["reason"] for r in data["reasons"]],
            {name_a: [r["this"] for r in data["reasons"]],
             name_b: [r["other"] for r in data["reasons"]]},
            "Documents rejected, by reason", colors=(charts.REJECTED, charts.OTHER_RUN),
            percent=False))
    for h in data["numeric"]:
        figures.append(charts.histogram(
            h["edges"], {f"curated · {name_a}": h["this"], f"curated · {name_b}": h["other"]},
            f"{h['column']}: curated documents", log_x=h["log"], colors=colors,
            x_title=h["column"]))
    for c in data["categorical"]:
        figures.append(charts.grouped_bars(
            c["values"], {name_a: c["this"], name_b: c["other"]},
            f"{c['column']}: share of curated documents", colors=colors))
    out.append(ctx.page.grid(figures))
    out.append(note("Histograms use this run's bins; the other run's values outside them are "
                    "counted in the first or last bin."))
    return "".join(out)
