"""The data-quality report of a run: one self-contained HTML page (plotly inlined, works
offline), report.json with the same aggregates, and a short Markdown summary.

Sections are data-driven: each appears when the columns or files it reads exist in the run
folder and says "not run" otherwise, so the report grows with the operators.
"""

from curate.report.build import build_report
from curate.report.markdown import markdown_summary

__all__ = ["build_report", "markdown_summary"]
