"""The report's sections, in page order. Each is a module with KEY, TITLE,
`compute(run, earlier)` (aggregates for report.json; `earlier` holds the sections computed
before it) and `render(data, ctx)` (HTML); see `base`. Adding a section is adding a module
here."""

from types import ModuleType

from curate.report.sections import (
    ablation,
    distributions,
    duplicates,
    examples,
    funnel,
    inputs,
    outcomes,
    quality,
    summary,
    timing,
)

SECTIONS: list[ModuleType] = [
    summary, funnel, inputs, distributions, quality, duplicates, examples, outcomes, timing,
    ablation,
]

__all__ = ["SECTIONS"]
