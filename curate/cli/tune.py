"""`curate tune RUN --set STAGE.PARAM=VALUE ... [--dry-run] [--out DIR]`: re-run only the
selection stages of a finished run from its stored stats, in seconds, with nothing recomputed.

Without --dry-run it writes a new run folder (default: RUN-tuned) that is a complete run:
manifest.json (the config with the overrides, its hash, re-counted stages, `tuned_from`),
curated/, rejected/ and stats/. With --dry-run it only prints how many documents each re-run
stage keeps, before and after.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from curate.errors import ConfigError
from curate.selection.overrides import Assignment, TunePlan, plan_tune
from curate.selection.replay import StageOutcome, load_documents, replay
from curate.selection.tuned_run import prepare_output, write_tuned_run


def add_parser(subparsers: Any) -> None:
    """Register `curate tune`."""
    tune = subparsers.add_parser(
        "tune", help="re-run selection of a finished run with other thresholds (no recompute)",
        description=__doc__.splitlines()[0] if __doc__ else None,
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


def load_manifest(run: Path) -> dict[str, Any]:
    """A finished run's manifest; ConfigError when RUN is not one."""
    path = run / "manifest.json"
    if not path.is_file():
        raise ConfigError(f"{run}: not a run folder (no manifest.json)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("status") != "complete":
        raise ConfigError(f"{run}: the run is not complete (status {manifest.get('status')!r})")
    return manifest


def tune(run: Path, assignments: list[str], out: Path | None = None, dry_run: bool = False,
         overwrite: bool = False) -> tuple[TunePlan, list[StageOutcome], dict[str, Any] | None]:
    """Re-decide the run's selection with the assignments; write the tuned run unless
    `dry_run`. Returns the plan, per-stage outcomes and the new manifest (None on a dry run)."""
    start = time.perf_counter()
    manifest = load_manifest(run)
    plan = plan_tune(manifest["config"]["stages"], [Assignment.parse(a) for a in assignments])
    id_col = manifest["config"]["pipeline"]["id_column"]
    if not dry_run:
        out = out or run.with_name(f"{run.name}-tuned")
        prepare_output(run, out, overwrite)
    docs, reached = load_documents(run, plan, id_col)
    docs, outcomes = replay(docs, reached, plan, id_col)
    if dry_run:
        return plan, outcomes, None
    assert out is not None
    new = write_tuned_run(run, out, manifest, plan, docs, reached, outcomes, start)
    return plan, outcomes, new


def run_tune(args: argparse.Namespace, console: Console) -> int:
    """Handler of `curate tune`."""
    start = time.perf_counter()
    manifest = load_manifest(args.run)
    plan, outcomes, new = tune(args.run, args.assignments, args.out, args.dry_run,
                               args.overwrite)
    before = {s["stage"]: s for s in manifest.get("stages", [])}
    table = Table(title="re-run stages", box=None, padding=(0, 2))
    for column in ("stage", "in", "kept (was)", "kept (now)", "rejected (now)"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for o in outcomes:
        was = before.get(o.stage, {}).get("kept")
        table.add_row(o.stage, f"{o.rows_in:,}", "-" if was is None else f"{was:,}",
                      f"{o.kept:,}", f"{o.rejected:,}")
    console.print(table)
    for name, changed in plan.changes.items():
        for key, value in changed.items():
            console.print(f"  {name}.{key} = {value!r}")
    was_total = manifest.get("totals", {}).get("curated_rows")
    now_total = outcomes[-1].kept if outcomes else was_total
    seconds = time.perf_counter() - start
    if new is None:
        console.print(f"dry run: {was_total:,} → {now_total:,} curated documents "
                      f"({seconds:.2f} s); nothing written")
    else:
        out = new["config"]["pipeline"]["output"]
        console.print(f"wrote {out}: {was_total:,} → {new['totals']['curated_rows']:,} curated "
                      f"documents ({seconds:.2f} s)")
    return 0
