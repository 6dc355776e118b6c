"""`curate tune RUN --set STAGE.PARAM=VALUE ... [--dry-run] [--out DIR]`: re-decide the
stages of a finished run from its stored stats, in seconds, with nothing recomputed.

Without --dry-run it writes a new run folder (default: RUN-tuned) that is a complete run:
the manifest (the config with the overrides, its hash, re-counted stages, `tuned_from`),
curated/, rejected/ and stats/. With --dry-run it only prints how many documents each re-run
stage keeps, before and after.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from curate.cli import first_paragraph
from curate.runfolder import Manifest, Run
from curate.selection.overrides import Assignment, TunePlan, plan_tune
from curate.selection.replay import StageOutcome, load_documents, replay
from curate.selection.tuned_run import prepare_output, write_tuned_run


def add_parser(subparsers: Any) -> None:
    """Register `curate tune`."""
    tune = subparsers.add_parser(
        "tune", help="re-decide a finished run with other thresholds, from its stored signals",
        description=first_paragraph(__doc__),
    )
    tune.add_argument("run", type=Path, help="a finished run folder")
    tune.add_argument("--set", dest="assignments", action="append", default=[],
                      metavar="STAGE.PARAM=VALUE",
                      help="new parameter value, e.g. select_top.fraction=0.3 (repeatable)")
    tune.add_argument("--dry-run", action="store_true",
                      help="print survival counts only; write nothing")
    tune.add_argument("--out", type=Path, help="run folder to write (default: RUN-tuned)")
    tune.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    tune.set_defaults(handler=run_tune)


def tune(run: Path, assignments: list[str], out: Path | None = None, dry_run: bool = False,
         overwrite: bool = False) -> tuple[TunePlan, list[StageOutcome], Manifest | None]:
    """Re-decide the run's selection with the assignments; write the tuned run unless
    `dry_run`. Returns the plan, per-stage outcomes and the new manifest (None on a dry run)."""
    start = time.perf_counter()
    source = Run.open(run, complete=True)
    plan = plan_tune(source.stage_configs, [Assignment.parse(a) for a in assignments])
    id_col = source.id_column
    if not dry_run:
        out = out or run.with_name(f"{run.name}-tuned")
        prepare_output(run, out, overwrite)
    docs, reached = load_documents(source, plan)
    docs, outcomes = replay(docs, reached, plan, id_col)
    if dry_run:
        return plan, outcomes, None
    assert out is not None
    new = write_tuned_run(source, out, plan, docs, reached, outcomes, start)
    return plan, outcomes, new


def run_tune(args: argparse.Namespace, console: Console) -> int:
    """Handler of `curate tune`."""
    start = time.perf_counter()
    manifest = Run.open(args.run, complete=True).manifest
    plan, outcomes, new = tune(args.run, args.assignments, args.out, args.dry_run,
                               args.overwrite)
    before = {s.stage: s.kept for s in manifest.stages}
    table = Table(title="re-run stages", box=None, padding=(0, 2))
    for column in ("stage", "in", "kept (was)", "kept (now)", "rejected (now)"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for o in outcomes:
        was = before.get(o.stage)
        table.add_row(o.stage, f"{o.rows_in:,}", "-" if was is None else f"{was:,}",
                      f"{o.kept:,}", f"{o.rejected:,}")
    console.print(table)
    for name, changed in plan.changes.items():
        for key, value in changed.items():
            console.print(f"  {name}.{key} = {value!r}")
    was_total = manifest.totals.curated_rows if manifest.totals else 0
    now_total = outcomes[-1].kept if outcomes else was_total
    seconds = time.perf_counter() - start
    if new is None:
        console.print(f"dry run: {was_total:,} → {now_total:,} curated documents "
                      f"({seconds:.2f} s); nothing written")
    else:
        assert new.totals is not None and new.path is not None
        console.print(f"wrote {new.pipeline['output']}: {was_total:,} → "
                      f"{new.totals.curated_rows:,} curated documents ({seconds:.2f} s)")
        from curate.report import build_report

        try:
            console.print(f"report: {build_report(new.path.parent)}")
        except Exception as exc:  # a report problem must not fail a finished tune
            print(f"warning: report.html not written: {exc}", file=sys.stderr)
    return 0
