"""`curate train domain --seed CORPUS... --out MODEL`: train the domain classifier.

Multi-class, from corpora with a `domain` column (or any label column); a stratified split is
held out and its accuracy, macro F1 and per-domain precision and recall are printed.

The model is written to --out and a JSON report (inputs, seed, counts, metrics) beside it
(`MODEL.json`). `domain_classify` and `domain_backfill` read the model.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from curate.cli import first_paragraph
from curate.cli.train import add_model_options
from curate.ops.domain.training import (
    DOMAIN_OPTIONS,
    LABEL_COLUMN,
    MAX_CHARS,
    SHORT_TEXT_OPTIONS,
    train_domain_model,
)
from curate.ops.quality.training import report_path

# Model options a flag may set (unset: the trainer's choice for the texts).
OPTION_FLAGS = ("buckets", "l2", "max_iter", "char_ngrams")


def add_domain_parser(train_subparsers: Any) -> None:
    """Register the `domain` model kind under `curate train`."""
    domain = train_subparsers.add_parser(
        "domain", help="the domain classifier (domain_classify, domain_backfill)",
        description=first_paragraph(__doc__),
    )
    domain.add_argument("--seed", nargs="+", action="extend", required=True, metavar="CORPUS",
                        help="labelled seed corpora (file, folder, glob or run folder)")
    domain.add_argument("--out", type=Path, required=True, help="model file to write (.bin)")
    domain.add_argument("--label-column", default=LABEL_COLUMN,
                        help=f"column holding each document's domain (default {LABEL_COLUMN})")
    domain.add_argument("--random-seed", type=int, default=0,
                        help="seed of the held-out split (default 0)")
    domain.add_argument("--holdout", type=float, default=0.2,
                        help="share of each domain held out for the metrics (default 0.2)")
    domain.add_argument("--max-chars", type=int, default=MAX_CHARS,
                        help=f"characters of each document read (default {MAX_CHARS}; "
                        "domain_classify's max_chars should match)")
    add_model_options(domain, DOMAIN_OPTIONS,
                      f"; {SHORT_TEXT_OPTIONS.char_ngrams} for short texts")
    domain.set_defaults(handler=run_train_domain)


def run_train_domain(args: argparse.Namespace, console: Console) -> int:
    """Handler of `curate train domain`."""
    given = {name: getattr(args, name) for name in OPTION_FLAGS}
    with console.status("training the domain classifier"):
        report = train_domain_model(
            args.seed, args.out, args.label_column, args.random_seed, args.holdout,
            args.max_chars, overrides={k: v for k, v in given.items() if v is not None})
    console.print(f"trained on {sum(report.train_rows.values()):,} documents in "
                  f"{len(report.train_rows)} domains in {report.seconds:.1f} s")
    m = report.metrics
    if m:
        console.print(f"held out {sum(report.heldout_rows.values()):,}: accuracy "
                      f"{m['accuracy']:.3f}  macro F1 {m['macro_f1']:.3f}")
        table = Table(box=None, padding=(0, 2))
        for column in ("domain", "precision", "recall", "F1", "held out"):
            table.add_column(column, justify="left" if column == "domain" else "right")
        for label, row in m["labels"].items():  # type: ignore[attr-defined]
            table.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                          f"{row['f1']:.3f}", f"{row['support']:,}")
        console.print(table)
    console.print(f"wrote {args.out} and {report_path(args.out)}")
    return 0
