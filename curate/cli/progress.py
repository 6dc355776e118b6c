"""Rich progress bars and the closing summary table of `curate run`."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from curate.engine.plan import Pass
from curate.runfolder import Manifest, ShardResult


class RichReporter:
    """One progress bar per pass: shards done, rows/s."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.rows = 0
        self.t0 = 0.0

    def start_pass(self, plan_pass: Pass, passes: int, shards: int, done: int) -> None:
        """Open a bar for the pass."""
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("shards · {task.fields[rate]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        label = f"pass {plan_pass.index + 1}/{passes}: {plan_pass.describe()}"
        self.task = self.progress.add_task(label, total=shards, completed=done, rate="")
        self.rows, self.t0 = 0, time.perf_counter()

    def shard_done(self, result: ShardResult) -> None:
        """Advance the bar and the rows/s figure."""
        assert self.progress is not None and self.task is not None
        self.rows += result.rows_in
        rate = self.rows / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, advance=1, rate=f"{rate:,.0f} rows/s")

    def end_pass(self) -> None:
        """Close the bar."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def summary_table(manifest: Manifest) -> Table:
    """Stage, in, kept, rejected, seconds: the table printed when a run ends."""
    table = Table(title=f"run {manifest.path.parent if manifest.path else ''}",
                  title_justify="left")
    for name in ("stage", "in", "kept", "rejected", "seconds"):
        table.add_column(name, justify="left" if name == "stage" else "right")
    for s in manifest.stages:
        table.add_row(s.stage, f"{s.rows_in:,}", f"{s.kept:,}", f"{s.rejected:,}",
                      f"{s.seconds:.2f}")
    totals = manifest.totals
    if totals is not None:
        table.caption = (
            f"{totals.input_rows:,} rows in, {totals.curated_rows:,} curated, "
            f"{totals.rejected_rows:,} rejected, {totals.wall_seconds:.1f} s"
        )
    return table
