"""Ablation: the fine-tune hook's raw vs curated (vs random, vs oracle) results from
ablation.json, read honestly: a verdict in one sentence, the paired differences on an axis that
shows them, a continuous metric (log-loss) beside accuracy and macro-F1, the class mix of each
arm with a warning where it drifts, and the training curves when the backend logs them."""

from __future__ import annotations

import json
from typing import Any

from curate.report import charts
from curate.report.html import note, num, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, skipped

KEY = "ablation"
TITLE = "Fine-tune ablation"
METRICS = ("accuracy", "macro_f1", "log_loss")
NAMES = {"accuracy": "accuracy", "macro_f1": "macro-F1", "log_loss": "log-loss"}
# Higher is better for these; lower for log-loss.
LOWER_IS_BETTER = ("log_loss",)
# Arms whose share of a class differs by more than this are flagged: a difference in accuracy
# may then come from the class mix, not from cleaner data.
MIX_WARNING = 0.05


def _stat(summary: dict[str, Any], metric: str) -> dict[str, Any]:
    value = summary.get(metric) or {}
    return {k: value.get(k) for k in ("mean", "ci95", "low", "high", "n")}


def verdict(differences: dict[str, Any]) -> str:
    """One sentence: did the curated arm win, lose or tie (95 % CI of the paired accuracy
    difference) against raw and against random?"""
    parts = []
    for key, other in (("curated-raw", "raw"), ("curated-random", "a random subset of raw of "
                                                                   "the same size")):
        d = (differences.get(key) or {}).get("accuracy") or {}
        if d.get("mean") is None:
            continue
        low, high = d.get("low"), d.get("high")
        if low is not None and low > 0:
            outcome = "won against"
        elif high is not None and high < 0:
            outcome = "lost to"
        else:
            outcome = "tied with"
        parts.append(f"{outcome} {other} ({d['mean']:+.4f} accuracy"
                     + (f", 95 % CI {low:+.4f} to {high:+.4f})" if low is not None else ")"))
    if not parts:
        return ""
    return "The curated arm " + " and ".join(parts) + "."


def class_mix(arms: dict[str, Any]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Each arm's share of every class, and the classes whose share differs by more than
    MIX_WARNING between two arms."""
    shares = {}
    for name, arm in arms.items():
        counts = arm.get("label_counts") or {}
        total = sum(counts.values())
        if total:
            shares[name] = {label: count / total for label, count in counts.items()}
    labels = sorted({label for s in shares.values() for label in s})
    drifting = [label for label in labels
                if len(shares) > 1 and (max(s.get(label, 0.0) for s in shares.values())
                                        - min(s.get(label, 0.0) for s in shares.values()))
                > MIX_WARNING]
    return shares, drifting


def read_curves(run: RunData) -> list[dict[str, Any]]:
    """The training curves the ablation logged (RUN/ablation/curves.jsonl), if any."""
    from finetune.ablation import CURVES_FILE  # the format's owner

    path = run.root / CURVES_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Per arm: examples, class mix and mean ± 95 % CI of each metric; paired differences,
    the verdict, mix warnings and curves."""
    ab = run.ablation
    if ab is None:
        return skipped("the fine-tune hook did not run (no "
                       f"{run.layout.ablation.name} in the run folder)")
    arm_data = ab.get("arms") or {}
    arms = []
    for name, arm in arm_data.items():
        summary = arm.get("summary") or {}
        arms.append({"arm": name, "examples": arm.get("examples"), "source": arm.get("source"),
                     **{m: _stat(summary, m) for m in METRICS}})
    differences = {
        key: {m: {k: (d.get(m) or {}).get(k) for k in ("mean", "ci95", "low", "high")}
              for m in METRICS}
        for key, d in (ab.get("differences") or {}).items()
    }
    shares, drifting = class_mix(arm_data)
    return {
        "backend": ab.get("backend"), "model": ab.get("model"), "device": ab.get("device"),
        "seeds": ab.get("seeds"), "labels": len(ab.get("labels") or []),
        "eval_examples": (ab.get("eval") or {}).get("examples"),
        "arms": arms, "differences": differences, "verdict": verdict(ab.get("differences") or {}),
        "class_mix": shares, "drifting": drifting, "curves": read_curves(run),
    }


def _pm(stat: dict[str, Any], signed: bool = False) -> str:
    if stat.get("mean") is None:
        return "–"
    ci = stat.get("ci95")
    mean = f"{stat['mean']:+.4f}" if signed else f"{stat['mean']:.4f}"
    return mean + (f" ± {ci:.4f}" if ci is not None else "")


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Verdict, arms table, differences chart and table, class mix, curves."""
    arms = data["arms"]
    out = []
    if data["verdict"]:
        out.append(f"<p><strong>{data['verdict']}</strong></p>")
    heads = [NAMES[m] for m in METRICS]
    out.append(table(["arm", "training examples", "source", *heads],
                     [[a["arm"], num(a["examples"]), a["source"], *[_pm(a[m]) for m in METRICS]]
                      for a in arms],
                     numeric=[False, True, False, True, True, True]))
    out.append(note("log-loss: the mean negative log-probability of the true label on the "
                    "evaluation set (lower is better); it moves before accuracy does."))
    diffs = data["differences"]
    if diffs:
        keys = list(diffs)
        out.append(ctx.page.figure(charts.differences(
            [k.replace("-", " − ") for k in keys], [diffs[k]["accuracy"]["mean"] for k in keys],
            [diffs[k]["accuracy"]["ci95"] for k in keys],
            "Paired accuracy differences (mean ± 95 % CI over seeds)", "accuracy difference")))
        out.append(table(["comparison", *heads],
                         [[k.replace("-", " − "), *[_pm(v[m], signed=True) for m in METRICS]]
                          for k, v in diffs.items()],
                         numeric=[False, True, True, True]))
    shares = data["class_mix"]
    if shares:
        labels = sorted({label for s in shares.values() for label in s})
        out.append("<h3>Class mix per arm</h3>")
        if data["drifting"]:
            out.append(note(f"Warning: the arms' shares of {', '.join(data['drifting'])} differ "
                            f"by more than {MIX_WARNING:.0%}; part of a difference in accuracy "
                            "may come from the class mix, not from cleaner data."))
        out.append(ctx.page.figure(charts.grouped_bars(
            labels, {arm: [s.get(label, 0.0) for label in labels] for arm, s in shares.items()},
            "Share of each class in each arm's training set",
            colors=(charts.ALL, charts.KEPT, charts.OTHER_RUN, charts.TARGET))))
    out.extend(_curves(data["curves"], ctx))
    out.append(note(f"backend {data['backend']}, model {data['model']}, device {data['device']}"
                    f", seeds {data['seeds']}, {data['labels']} labels, "
                    f"{num(data['eval_examples'])} evaluation examples."))
    return "".join(out)


def _curves(points: list[dict[str, Any]], ctx: RenderContext) -> list[str]:
    """One chart per arm and measure (train loss, eval loss, eval accuracy), seeds overlaid."""
    if not points:
        return []
    out = ["<h3>Training curves</h3>"]
    arms = list(dict.fromkeys(p["arm"] for p in points))
    for measure, title in (("train_loss", "training loss"), ("eval_loss", "evaluation loss"),
                           ("eval_accuracy", "evaluation accuracy")):
        for arm in arms:
            series: dict[str, tuple[list[float], list[float]]] = {}
            for p in points:
                if p["arm"] == arm and p.get(measure) is not None:
                    xs, ys = series.setdefault(f"seed {p['seed']}", ([], []))
                    xs.append(p["step"])
                    ys.append(p[measure])
            if series:
                out.append(ctx.page.figure(charts.curves(
                    series, f"{arm}: {title} per step", "optimiser step", title)))
    return out
