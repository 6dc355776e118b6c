"""`curate explain RUN ID`: why a document was kept or removed. Prints its outcome (the stage
and reason if removed), the start of its text, every rule of the run's filters with the
document's value and the threshold it was compared with, its scores with q_overall's weighted
sum, every aspect and check of q_text, the density measures behind q_density, and every other
stored signal (the flagged words found among them), grouped by the stage that measured it."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from curate.errors import ConfigError, CurateError
from curate.ops import REGISTRY
from curate.ops.base import Operator
from curate.ops.filters.routing import RULE_LANG
from curate.ops.quality import density, text_quality
from curate.ops.quality.score import DEFAULT_WEIGHTS, DIMENSIONS
from curate.ops.rules import check
from curate.params import build
from curate.selection.replay import shard_of

SNIPPET_CHARS = 400
PIPE_WIDTH = 120  # output to a file or pipe is this wide, so no name is cut
SCORES = (*DIMENSIONS, "q_overall")


def add_parser(subparsers: Any) -> None:
    """Register `curate explain`."""
    explain = subparsers.add_parser(
        "explain", help="why a document was kept or removed: outcome, scores, signals",
        description=__doc__.splitlines()[0] if __doc__ else None,
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


def find_document(run: Path, doc_id: str, id_column: str) -> list[Document]:
    """Every stats row with this id (one, unless ids repeat), with its text."""
    files = sorted((run / "stats").glob("part-*.parquet"))
    if not files:
        raise CurateError(f"{run}: no stats/ files")
    found = []
    for path in files:
        rows = pl.read_parquet(path).filter(pl.col(id_column).cast(pl.String) == doc_id)
        for i in range(rows.height):
            shard = shard_of(path)
            found.append(Document(rows.slice(i, 1), shard,
                                  _text(run, shard, doc_id, id_column)))
    if not found:
        raise CurateError(f"{run}: no document with id {doc_id!r} in stats/")
    return found


def _text(run: Path, shard: int, doc_id: str, id_column: str) -> str | None:
    for folder in ("curated", "rejected"):
        for path in sorted((run / folder).glob(f"part-{shard:05d}-*.parquet")):
            rows = pl.read_parquet(path).filter(pl.col(id_column).cast(pl.String) == doc_id)
            if rows.height and "text" in rows.columns:
                return rows["text"][0]
    return None


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


def rules_table(values: dict[str, Any], stages: list[dict[str, Any]]) -> Table | None:
    """Every rule of the run's filters that measured this document: its value, the test it
    had to pass (zh thresholds for a row the filters judged as Chinese) and whether it held."""
    zh = values.get(RULE_LANG) == "zh"
    table = _table(f"rules ({'zh' if zh else 'en'} thresholds)",
                   ("stage", "rule", "signal", "value", "rejects when", "holds"))
    for stage in stages:
        cls = REGISTRY.get(stage["op"])
        if cls is None or cls.rules is Operator.rules:
            continue
        op = cls(build(cls.Params, stage.get("params", {}), stage["name"]))
        for c in check(op.rules(), values, zh):
            measured = c.condition.signal in values and (
                c.value is not None or c.condition.comparison == "is null")
            if not measured or c.test == "-":
                continue
            fired = c.holds and values.get("stage") == stage["name"] \
                and values.get("reason") == c.rule
            holds = "[red]yes: rejected[/red]" if fired else ("yes" if c.holds else "no")
            table.add_row(stage["name"], c.rule, c.condition.signal, _num(c.value),
                          escape(c.test), holds)
    return table if table.row_count else None


def outcome_line(values: dict[str, Any]) -> str:
    """`kept` or `removed by STAGE: REASON`."""
    if values.get("stage") is None:
        return "[green]kept[/green] (in curated/)"
    return f"[red]removed[/red] by stage [bold]{values['stage']}[/bold]: {values.get('reason')}"


def weights_of(stages: list[dict[str, Any]]) -> dict[str, float]:
    """The q_overall weights of the run's (last) quality_score stage."""
    weights = dict(DEFAULT_WEIGHTS)
    for stage in stages:
        if stage["op"] == "quality_score":
            weights = stage["params"].get("weights", weights)
    return weights


def scores_table(values: dict[str, Any], weights: dict[str, float]) -> Table:
    """The dimension scores and how q_overall combines them."""
    table = _table("scores", ("score", "value", "weight in q_overall"))
    for score in SCORES:
        weight = weights.get(score) if score in DIMENSIONS else None
        table.add_row(score, _num(values.get(score)), _num(weight))
    return table


def q_text_table(row: pl.DataFrame) -> Table:
    """Each aspect of q_text (factor = 1 - weight × its worst badness) and each of its checks:
    signal, value, good → bad, badness."""
    lang = row[text_quality.LANG][0] if text_quality.LANG in row.columns else "en"
    table = _table(f"q_text = product of the aspect factors ({lang} values)",
                   ("aspect / check", "signal", "value", "good → bad", "badness", "factor"))
    product = 1.0
    for aspect in text_quality.explain(row):
        table.add_row(f"[bold]{aspect.aspect.name}[/bold]", "", "",
                      f"weight {aspect.aspect.weight:g}", f"{aspect.badness:.3g}",
                      f"{aspect.factor:.4g}")
        for c in aspect.checks:
            anchors = c.check.anchors(lang == "zh")
            span = "not for zh" if anchors is None else f"{anchors[0]:g} → {anchors[1]:g}"
            table.add_row(f"  {c.check.name}", c.column or "-", _num(c.value), span,
                          _num(c.badness), "")
        product *= aspect.factor
    table.add_row("[bold]q_text[/bold]", "", "", "", "", f"[bold]{product:.4g}[/bold]")
    table.caption = "signal - : not measured in this run (neutral, badness 0)"
    return table


def q_density_table(row: pl.DataFrame) -> Table:
    """The density measures, their norms and normalised values, and the coverage factor."""
    measures, coverage = density.explain(row)
    table = _table("q_density = mean of the normalised measures × coverage",
                   ("measure", "value", "low → high", "normalised"))
    for m in measures:
        table.add_row(m.measure, _num(m.value), f"{m.norm.low:g} → {m.norm.high:g}",
                      _num(m.normalized))
    words = row[density.WORDS][0] if density.WORDS in row.columns else None
    lang = "zh" if text_quality.LANG in row.columns and row[text_quality.LANG][0] == "zh" \
        else "en"
    table.add_row("coverage", _num(words), f"min(1, words / {density.WINDOWS[lang]})",
                  _num(coverage))
    return table


def signals_table(values: dict[str, Any], made_by: dict[str, str], id_column: str) -> Table:
    """Every other stored signal, with the stage that measured it."""
    shown = {id_column, "row", "stage", "reason", *SCORES, text_quality.LANG,
             text_quality.MOJIBAKE, density.WORDS, *density.MEASURES}
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
    path = args.run / "manifest.json"
    if not path.is_file():
        raise ConfigError(f"{args.run}: not a run folder (no manifest.json)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not console.is_terminal:
        console.width = max(console.width, PIPE_WIDTH)
    stages = manifest["config"]["stages"]
    id_column = manifest["config"]["pipeline"]["id_column"]
    for doc in find_document(args.run, args.id, id_column):
        values = doc.values
        console.print(f"[bold]{escape(args.id)}[/bold] (input shard {doc.shard}, row "
                      f"{values.get('row')}): {outcome_line(values)}")
        if doc.text is not None:
            snippet = doc.text[:SNIPPET_CHARS] + ("…" if len(doc.text) > SNIPPET_CHARS else "")
            console.print(f"[dim]{escape(snippet)}[/dim]")
        console.print()
        rules = rules_table(values, stages)
        if rules is not None:
            console.print(rules)
            console.print()
        if any(values.get(s) is not None for s in SCORES):
            for table in (scores_table(values, weights_of(stages)), q_text_table(doc.stats),
                          q_density_table(doc.stats)):
                console.print(table)
                console.print()
        console.print(signals_table(values, producers(stages), id_column))
    return 0
