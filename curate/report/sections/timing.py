"""Per-stage time and rows/s, per-pass wall time and memory, from the manifest."""

from __future__ import annotations

from typing import Any

from curate.report import charts
from curate.report.html import note, num, pct, seconds, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, skipped

KEY = "timing"
TITLE = "Time per stage"


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Seconds and rows/s per stage; shard tasks, busiest shard and peak RSS per pass."""
    m = run.manifest
    if not m.stages:
        return skipped("the manifest records no stage timings (the run did not finish)")
    busy = sum(s.seconds for s in m.stages)
    out_stages = [
        {"stage": s.stage, "rows_in": s.rows_in, "seconds": s.seconds,
         "share": s.seconds / busy if busy else None,
         "rows_per_second": s.rows_in / s.seconds if s.seconds else None}
        for s in m.stages
    ]
    passes = []
    for p in m.passes:
        shards = list(p.shards.values())
        passes.append({
            "index": p.index, "stages": p.stages, "shards": len(shards),
            "task_seconds": sum(s.seconds for s in shards),
            "slowest_shard_seconds": max((s.seconds for s in shards), default=None),
            "rows_in": sum(s.rows_in for s in shards),
            "peak_rss_mb": max((s.peak_rss_mb for s in shards), default=None),
        })
    return {
        "wall_seconds": m.totals.wall_seconds if m.totals else None,
        "stage_seconds": busy,
        "stages": out_stages,
        "passes": passes,
        "fits": {stage: {"seconds": s} for stage, s in m.fits.items()},
    }


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Seconds and rows/s bars, the stage table and the pass table."""
    stages = [s for s in data["stages"] if s["seconds"]]
    names = [s["stage"] for s in stages]
    figures = [
        charts.horizontal_stack(names, {"seconds": [s["seconds"] for s in stages]},
                                "Seconds per stage (summed over shards)", unit="s"),
        charts.horizontal_stack(names, {"rows/s": [s["rows_per_second"] for s in stages]},
                                "Rows per second per stage (one worker)", unit="rows/s"),
    ]
    out = [ctx.page.grid(figures) if stages else ""]
    out.append(table(
        ["stage", "rows in", "seconds", "share of stage time", "rows / s"],
        [[s["stage"], num(s["rows_in"]), seconds(s["seconds"]), pct(s["share"]),
          num(s["rows_per_second"])] for s in data["stages"]],
        numeric=[False, True, True, True, True]))
    if data["passes"]:
        out.append("<h3>Passes</h3>")
        out.append(table(
            ["pass", "stages", "shard tasks", "task seconds", "slowest shard", "rows in",
             "peak RSS (MB)"],
            [[p["index"] + 1, ", ".join(p["stages"] or []), p["shards"],
              seconds(p["task_seconds"]), seconds(p["slowest_shard_seconds"]),
              num(p["rows_in"]), num(p["peak_rss_mb"])] for p in data["passes"]],
            numeric=[True, False, True, True, True, True, True]))
    fits = data["fits"]
    text = f"Run wall time {seconds(data['wall_seconds'])}."
    if fits:
        text += " Global stages' fit time (included above): " + ", ".join(
            f"{k} {seconds(v.get('seconds'))}" for k, v in fits.items()) + "."
    out.append(note(text + " Stage seconds add up the time of every shard task, so with "
                    "several workers they exceed the wall time."))
    return "".join(out)
