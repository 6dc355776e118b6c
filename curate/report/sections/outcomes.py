"""Backfill, rebalance and augmentation outcomes: target mixes against what the curated
output holds (shortfalls highlighted), rows stages added, and any `outcomes` an operator
recorded in the manifest."""

from __future__ import annotations

from typing import Any

from curate.report.html import Raw, esc, note, num, pct, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext, skipped

KEY = "outcomes"
TITLE = "Backfill, rebalance and augmentation"
ORIGIN_COLUMNS = ("source", "augmented", "origin", "synthetic", "backfilled")
# A target share counts as missed when the curated share falls this far below it.
SHARE_TOLERANCE = 0.005


def _target_rows(category: dict[str, Any]) -> list[dict[str, Any]]:
    """Target against achieved for every value of a categorical column with targets."""
    tg = category["targets"]
    kept = dict(zip(category["values"], category["kept"], strict=True))
    total = category["n_kept"]
    rows = []
    for value, share in tg["shares"].items():
        achieved = kept.get(value, 0)
        achieved_share = achieved / total if total else 0.0
        if tg["absolute"]:
            target_count = tg["values"][value]
            shortfall = achieved < target_count
        else:
            target_count = None
            shortfall = achieved_share < share - SHARE_TOLERANCE
        rows.append({"value": value, "target_share": share, "target_count": target_count,
                     "achieved": achieved, "achieved_share": achieved_share,
                     "shortfall": shortfall})
    return rows


def compute_from(run: RunData, distributions: dict[str, Any]) -> dict[str, Any]:
    """Outcomes from the distributions' category counts, the manifest and stats/."""
    targets = [
        {"column": c["column"], "stage": c["targets"]["stage"], "param": c["targets"]["param"],
         "rows": _target_rows(c)}
        for c in distributions.get("categorical", []) if c.get("targets")
    ]
    added = [
        {"stage": s.stage, **({"added": s.added} if s.added is not None else {})}
        for s in run.manifest.stages if s.added is not None or s.kept > s.rows_in
    ]
    origins = [c for c in distributions.get("categorical", [])
               if c["column"] in ORIGIN_COLUMNS]
    recorded = run.manifest.outcomes
    if not (targets or added or origins or recorded):
        return skipped("no backfill, rebalance or augmentation stage ran (no targets or "
                       "quotas in the stage parameters, no added rows)")
    return {"targets": targets, "added_rows": added,
            "origins": [{"column": c["column"], "values": c["values"], "kept": c["kept"]}
                        for c in origins],
            "recorded": recorded}


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Outcomes, from the distributions section's category counts (computed if absent)."""
    from curate.report.sections import distributions

    counts = earlier.get(distributions.KEY) or distributions.compute(run, earlier)
    return compute_from(run, counts)


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Target tables (shortfalls in red), added rows, origins and recorded outcomes."""
    out = []
    for t in data["targets"]:
        missed = [r["value"] for r in t["rows"] if r["shortfall"]]
        head = f"{t['column']}: targets from {t['stage']}.{t['param']}"
        status = (f'<span class="bad">shortfall in {esc(", ".join(missed))}</span>' if missed
                  else '<span class="good">all targets met</span>')
        out.append(f"<h3>{esc(head)} · {status}</h3>")
        out.append(table(
            ["value", "target share", "target rows", "curated rows", "curated share"],
            [[r["value"], pct(r["target_share"]), num(r["target_count"]), num(r["achieved"]),
              Raw(f'<span class="{"bad" if r["shortfall"] else "good"}">'
                  f'{esc(pct(r["achieved_share"]))}</span>')] for r in t["rows"]],
            numeric=[False, True, True, True, True],
            row_classes=["shortfall" if r["shortfall"] else "" for r in t["rows"]]))
    if data["added_rows"]:
        keys = sorted({k for a in data["added_rows"] for k in a} - {"stage"})
        out.append("<h3>Rows added by stages</h3>")
        out.append(table(["stage", *keys],
                         [[a["stage"], *[num(a.get(k)) if isinstance(a.get(k), int | float)
                                         else a.get(k) for k in keys]]
                          for a in data["added_rows"]],
                         numeric=[False] + [True] * len(keys)))
    for o in data["origins"]:
        out.append(f"<h3>Curated rows by {esc(o['column'])}</h3>")
        out.append(table([o["column"], "curated rows"],
                         [[v, num(k)] for v, k in zip(o["values"], o["kept"], strict=True)],
                         numeric=[False, True]))
    for stage, outcome in data["recorded"].items():
        out.append(f"<h3>Recorded by {esc(stage)}</h3>")
        if isinstance(outcome, dict):
            out.append(table(["", "value"], [[k, v] for k, v in outcome.items()]))
        else:
            out.append(f"<p>{esc(outcome)}</p>")
    out.append(note("Shortfall: a curated share more than 0.5 points below its target share "
                    "(or fewer rows than an absolute quota)."))
    return "".join(out)
