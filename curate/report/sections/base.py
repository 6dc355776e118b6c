"""What every report section shares: the render context and the "not run" convention.

A section is a module with `KEY`, `TITLE`, `compute(run) -> dict` (the JSON-ready aggregates
written to report.json) and `render(data, ctx) -> str` (an HTML fragment). When the
operators a section reads did not run, `compute` returns `skipped(why)` and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curate.report.html import Page

NOT_RUN = "not_run"
# Key of a section whose computation failed (the message is shown on the page).
SECTION_ERROR = "section_error"


def skipped(why: str) -> dict[str, Any]:
    """The aggregates of a section that does not apply to this run."""
    return {NOT_RUN: why}


def is_skipped(data: dict[str, Any] | None) -> bool:
    """Whether a section's aggregates say it did not apply."""
    return data is None or NOT_RUN in data


@dataclass
class RenderContext:
    """What render functions need beyond their own aggregates."""

    page: Page
    run_dir: str
    sections: dict[str, Any]
