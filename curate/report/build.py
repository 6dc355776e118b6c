"""Build report.json (the aggregates) and report.html (the page) for a run folder."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from curate.io.atomic import atomic_write_text
from curate.report.html import Page, not_run, note, render_page, section
from curate.report.run import RunData
from curate.report.sections import SECTIONS
from curate.report.sections import compare as comparison
from curate.report.sections.base import NOT_RUN, SECTION_ERROR, RenderContext, is_skipped

log = logging.getLogger(__name__)

REPORT_VERSION = 1
# The sections a comparison reads from the other run.
COMPARED = ("summary", "funnel", "distributions", "quality")


def aggregate(run: RunData, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Every section's aggregates, in page order. A section that fails is recorded with its
    error (and logged) so one new operator's odd column cannot stop the whole report."""
    done: dict[str, Any] = {}
    for module in SECTIONS:
        if only is not None and module.KEY not in only:
            continue
        try:
            done[module.KEY] = module.compute(run, done)
        except Exception as exc:
            first = (str(exc).splitlines() or [""])[0]
            log.warning("report section %s failed: %s: %s", module.KEY, type(exc).__name__,
                        first)
            log.debug("report section %s", module.KEY, exc_info=True)
            done[module.KEY] = {SECTION_ERROR: f"{type(exc).__name__}: {first}"}
    return done


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, tuples lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def render_report(report: dict[str, Any]) -> str:
    """The HTML page of a report.json dict."""
    sections = report["sections"]
    ctx = RenderContext(Page(), report["run_dir"], sections)
    order = list(SECTIONS)
    if "compare" in report:
        order.insert(1, comparison)
    nav, parts = [], []
    for module in order:
        data = report["compare"] if module is comparison else sections.get(module.KEY)
        if data is None:
            continue
        if SECTION_ERROR in data:
            body = note(f"This section could not be built: {data[SECTION_ERROR]}")
        elif is_skipped(data):
            body = not_run(data[NOT_RUN])
        else:
            body = module.render(data, ctx)
        nav.append((module.KEY, module.TITLE, not is_skipped(data) and SECTION_ERROR not in data))
        parts.append(section(module.KEY, module.TITLE, body))
    s = sections.get("summary") or {}
    title = f"curate report · {s.get('pipeline', Path(report['run_dir']).name)}"
    subtitle = (f"{report['run_dir']} · {s.get('status')} · finished {s.get('finished')} · "
                f"config {s.get('config_hash')}")
    return render_page(title, subtitle, nav, parts)


def build_report(run_dir: Path, compare: Path | None = None) -> Path:
    """Write run_dir/report.json and run_dir/report.html; return the HTML path.

    Reads the manifest, stats/ (a few columns at a time) and a handful of documents from
    curated/ and rejected/, so it stays fast for runs of millions of rows. With `compare`,
    another run folder is shown side by side (e.g. the same corpus at other thresholds).
    Raises ConfigError when a folder is not a run folder.
    """
    run_dir = Path(run_dir)
    run = RunData.open(run_dir)
    report: dict[str, Any] = {"report_version": REPORT_VERSION, "run_dir": str(run_dir),
                              "sections": aggregate(run)}
    if compare is not None:
        other = RunData.open(Path(compare))
        theirs = aggregate(other, only=COMPARED)
        report["compare"] = comparison.compute(run, other, report["sections"], theirs)
    report = _clean(report)
    # Atomic writes: a reader never sees half a report.
    atomic_write_text(run.layout.report_json,
                      json.dumps(report, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    return atomic_write_text(run.layout.report_html, render_report(report))
