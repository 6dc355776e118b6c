"""Ablation: the fine-tune hook's raw vs curated (vs random) results from ablation.json."""

from __future__ import annotations

from typing import Any

from curate.report import charts
from curate.report.html import note, num, table
from curate.report.run import ABLATION_FILE, RunData
from curate.report.sections.base import RenderContext, skipped

KEY = "ablation"
TITLE = "Fine-tune ablation"
METRICS = ("accuracy", "macro_f1")


def _stat(summary: dict[str, Any], metric: str) -> dict[str, Any]:
    value = summary.get(metric) or {}
    return {"mean": value.get("mean"), "ci95": value.get("ci95"), "n": value.get("n")}


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Per arm: examples and mean ± 95 % CI of each metric; paired differences."""
    ab = run.ablation
    if ab is None:
        return skipped(f"the fine-tune hook did not run (no {ABLATION_FILE} in the run folder)")
    arms = []
    for name, arm in (ab.get("arms") or {}).items():
        summary = arm.get("summary") or {}
        arms.append({"arm": name, "examples": arm.get("examples"), "source": arm.get("source"),
                     **{m: _stat(summary, m) for m in METRICS}})
    differences = {
        key: {m: {"mean": (d.get(m) or {}).get("mean"), "ci95": (d.get(m) or {}).get("ci95")}
              for m in METRICS}
        for key, d in (ab.get("differences") or {}).items()
    }
    return {
        "backend": ab.get("backend"), "model": ab.get("model"), "device": ab.get("device"),
        "seeds": ab.get("seeds"), "labels": len(ab.get("labels") or []),
        "eval_examples": (ab.get("eval") or {}).get("examples"),
        "arms": arms, "differences": differences,
    }


def _pm(stat: dict[str, Any]) -> str:
    if stat.get("mean") is None:
        return "–"
    ci = stat.get("ci95")
    return f"{stat['mean']:.4f}" + (f" ± {ci:.4f}" if ci is not None else "")


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Arms table and chart, and the paired differences."""
    arms = data["arms"]
    out = [table(["arm", "training examples", "source", *METRICS],
                 [[a["arm"], num(a["examples"]), a["source"], *[_pm(a[m]) for m in METRICS]]
                  for a in arms],
                 numeric=[False, True, False, True, True])]
    if arms:
        out.append(ctx.page.figure(charts.bars_with_errors(
            list(METRICS), {a["arm"]: [a[m]["mean"] for m in METRICS] for a in arms},
            {a["arm"]: [a[m]["ci95"] for m in METRICS] for a in arms},
            "Evaluation metrics per arm (mean ± 95 % CI over seeds)")))
    if data["differences"]:
        out.append("<h3>Paired differences</h3>")
        out.append(table(["comparison", *METRICS],
                         [[k, *[_pm(v[m]) for m in METRICS]]
                          for k, v in data["differences"].items()],
                         numeric=[False, True, True]))
    out.append(note(f"backend {data['backend']}, model {data['model']}, device {data['device']}"
                    f", seeds {data['seeds']}, {data['labels']} labels, "
                    f"{num(data['eval_examples'])} evaluation examples."))
    return "".join(out)
