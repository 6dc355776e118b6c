"""`curate explain RUN ID`: why a document was kept or removed. Prints its outcome (the stage
and reason if removed), the start of its text, every rule of the run's filters with the
document's value and the threshold it was compared with, its scores with q_overall's weighted
sum, every aspect and check of q_text, the density measures behind q_density, and every other
stored signal (the flagged words found among them), grouped by the stage that measured it."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from curate.cli import first_paragraph
from curate.errors import CurateError
from curate.ops import REGISTRY
from curate.ops.base import Explanation, Operator, StageContext
from curate.ops.rules import check
from curate.params import build
from curate.runfolder import Run, shard_of

SNIPPET_CHARS = 400
PIPE_WIDTH = 120  # output to a file or pipe is this wide, so no name is cut


def add_parser(subparsers: Any) -> None:
    """Register `curate explain`."""
    explain = subparsers.add_parser(
        "explain", help="why a document was kept or removed: outcome, scores, signals",
        description=first_paragraph(__doc__),
    )
    explain.add_argument("run", type=Path, help="a run folder")
    explain.add_argument("id", help="the document id")
    explain.set_defaults(handler=run_explain)


@dataclass
class Document:
    """One document's stored record: its stats row, shard and text (if found)."""

    stats: pl.DataFrame  # one row
    shard: int
    text: str | None

    @property
    def values(self) -> dict[str, Any]:
        """The stats row as a dict."""
        return self.stats.row(0, named=True)


def find_document(run: Run, doc_id: str) -> list[Document]:
    """Every stats row with this id (one, unless ids repeat), with its text."""
    files = run.files("stats")
    if not files:
        raise CurateError(f"{run.root}: no stats/ files")
    found = []
    for path in files:
        rows = pl.read_parquet(path).filter(pl.col(run.id_column).cast(pl.String) == doc_id)
        for i in range(rows.height):
            shard = shard_of(path)
            found.append(Document(rows.slice(i, 1), shard, _text(run, shard, doc_id)))
    if not found:
        raise CurateError(f"{run.root}: no document with id {doc_id!r} in stats/")
    return found


def _text(run: Run, shard: int | None, doc_id: str, column: str | None = None) -> Any:
    """A document's text (or another column of its row) from curated/ or rejected/: in its
    input shard's files, or with `shard` None in any."""
    column = column or run.text_column
    for folder in ("curated", "rejected"):
        by_shard = run.layout.files_by_shard(folder)
        paths = by_shard.get(shard, []) if shard is not None else \
            [p for files in by_shard.values() for p in files]
        for path in paths:
            rows = pl.read_parquet(path).filter(pl.col(run.id_column).cast(pl.String) == doc_id)
            if rows.height and column in rows.columns:
                return rows[column][0]
    return None


DUP_OF = "dup_of"


def duplicate_line(run: Run, doc: Document, operators: list[tuple[str, Operator]]) -> str | None:
    """For a document a dedup stage removed: its survivor and how alike the two are by that
    stage's own measure."""
    values = doc.values
    survivor = _text(run, doc.shard, str(values.get(run.id_column)), DUP_OF)
    op = dict(operators).get(values.get("stage"))
    if survivor is None or op is None or doc.text is None:
        return None
    other = _text(run, None, str(survivor))
    similarity = op.similarity(doc.text, other) if other is not None else None
    if similarity is None:
        return f"a duplicate of [bold]{escape(str(survivor))}[/bold], which was kept"
    return (f"a duplicate of [bold]{escape(str(survivor))}[/bold] (similarity "
            f"{similarity:.3f} by {values['stage']}'s own measure), which was kept")


def producers(stages: list[dict[str, Any]]) -> dict[str, str]:
    """Column -> the (last) stage that writes it, from the run's config."""
    made: dict[str, str] = {}
    for stage in stages:
        op = REGISTRY.get(stage["op"])
        if op is not None:
            for column in (*op.signals, *op.annotations):
                made[column] = stage["name"]
    return made


def _table(title: str, columns: tuple[str, ...]) -> Table:
    """A borderless table with a left-aligned title."""
    table = Table(title=title, box=None, padding=(0, 2), title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return escape(", ".join(map(str, value))) if value else "none"
    return escape(str(value))


def stage_operators(stages: list[dict[str, Any]]) -> list[tuple[str, Operator]]:
    """(stage name, operator) of each configured stage whose operator is installed here."""
    found = []
    for stage in stages:
        cls = REGISTRY.get(stage["op"])
        if cls is not None:
            params = build(cls.Params, stage.get("params", {}), stage["name"])
            found.append((stage["name"], cls(params, StageContext(stage=stage["name"]))))
    return found


def _routes_zh(op: Operator, row: pl.DataFrame) -> bool:
    """Whether the operator's rules took their Chinese thresholds for this document."""
    route = op.rule_route()
    if route is None:
        return False
    try:
        return bool(row.select(route.fill_null(False)).item())
    except pl.exceptions.ColumnNotFoundError:
        return False


def rules_table(row: pl.DataFrame, operators: list[tuple[str, Operator]]) -> Table | None:
    """Every rule of the run's filters that measured this document: its value, the test it
    had to pass (zh thresholds for a row the filters judged as Chinese) and whether it held."""
    values = row.row(0, named=True)
    lines, any_zh = [], False
    for name, op in operators:
        zh = _routes_zh(op, row)
        for c in check(op.rules(), values, zh):
            measured = c.condition.signal in values and (
                c.value is not None or c.condition.comparison == "is null")
            if not measured or c.test == "-":
                continue
            any_zh = any_zh or (zh and c.condition.routed)
            fired = c.holds and values.get("stage") == name and values.get("reason") == c.rule
            holds = "[red]yes: rejected[/red]" if fired else ("yes" if c.holds else "no")
            lines.append((name, c.rule, c.condition.signal, _num(c.value), escape(c.test), holds))
    if not lines:
        return None
    table = _table(f"rules ({'zh' if any_zh else 'en'} thresholds)",
                   ("stage", "rule", "signal", "value", "rejects when", "holds"))
    for line in lines:
        table.add_row(*line)
    return table


def outcome_line(values: dict[str, Any]) -> str:
    """`kept` or `removed by STAGE: REASON`."""
    if values.get("stage") is None:
        return "[green]kept[/green] (in curated/)"
    return f"[red]removed[/red] by stage [bold]{values['stage']}[/bold]: {values.get('reason')}"


def explanation_table(explanation: Explanation) -> Table:
    """An operator's explanation as a table."""
    table = _table(explanation.title, explanation.columns)
    for row in explanation.rows:
        table.add_row(*(_num(v) if not isinstance(v, str) else escape(v) for v in row))
    table.caption = explanation.caption
    return table


def signals_table(values: dict[str, Any], made_by: dict[str, str], shown: set[str]) -> Table:
    """Every other stored signal, with the stage that measured it."""
    table = _table("signals", ("stage", "signal", "value"))
    order = list(dict.fromkeys(made_by.values()))
    rows = [(made_by.get(c, "?"), c, v) for c, v in values.items()
            if c not in shown and v is not None]
    rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    for stage, column, value in rows:
        table.add_row(stage, column, _num(value))
    return table


def run_explain(args: argparse.Namespace, console: Console) -> int:
    """Handler of `curate explain`."""
    run = Run.open(args.run)
    if not console.is_terminal:
        console.width = max(console.width, PIPE_WIDTH)
    stages, id_column = run.stage_configs, run.id_column
    operators = stage_operators(stages)
    for doc in find_document(run, args.id):
        values = doc.values
        console.print(f"[bold]{escape(args.id)}[/bold] (input shard {doc.shard}, row "
                      f"{values.get('row')}): {outcome_line(values)}")
        if doc.text is not None:
            snippet = doc.text[:SNIPPET_CHARS] + ("…" if len(doc.text) > SNIPPET_CHARS else "")
            console.print(f"[dim]{escape(snippet)}[/dim]")
        duplicate = duplicate_line(run, doc, operators)
        if duplicate is not None:
            console.print(duplicate)
        console.print()
        rules = rules_table(doc.stats, operators)
        if rules is not None:
            console.print(rules)
            console.print()
        shown = {id_column, "row", "stage", "reason"}
        for _, op in operators:
            for explanation in op.explain(doc.stats):
                console.print(explanation_table(explanation))
                console.print()
                shown.update(explanation.covers)
        console.print(signals_table(values, producers(stages), shown))
    return 0
