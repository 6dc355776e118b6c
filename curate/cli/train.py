"""`curate train quality --positive REF... --negative RAW... --out MODEL`: train the quality
classifier behind q_info (logistic regression on hashed word n-grams, Chinese segmented with
jieba; the same bytes on every machine), hold out a stratified split and print its precision,
recall, F1 and ROC-AUC.

Corpora are any supported input (file, folder, glob, run folder); `PATH:COLUMN=VALUE` keeps
only the rows whose COLUMN equals VALUE (e.g. `sms.parquet:label=spam`). The model is written
to --out and a JSON report (inputs, seed, counts, metrics) beside it (`MODEL.json`).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

from rich.console import Console

from curate.cli import first_paragraph
from curate.models.linear import LinearOptions
from curate.ops.quality.training import MAX_CHARS, CorpusSpec, report_path, train_quality_model


def add_parser(subparsers: Any) -> None:
    """Register `curate train` with its model kinds: `quality` (here) and `domain` (from
    curate.cli.train_domain, when that module is present)."""
    train = subparsers.add_parser("train", help="train a classifier curate scores with")
    kinds = train.add_subparsers(dest="model_kind", required=True, metavar="KIND")
    add_quality_parser(kinds)
    if importlib.util.find_spec("curate.cli.train_domain") is not None:
        from curate.cli.train_domain import add_domain_parser

        add_domain_parser(kinds)


def add_quality_parser(kinds: Any) -> None:
    """Register the `quality` model kind under `curate train`."""
    quality = kinds.add_parser(
        "quality", help="the quality classifier (q_info): reference text vs raw text",
        description=first_paragraph(__doc__),
    )
    quality.add_argument("--positive", nargs="+", action="extend", required=True,
                         metavar="CORPUS", help="reference (good) corpora")
    quality.add_argument("--negative", nargs="+", action="extend", required=True,
                         metavar="CORPUS", help="raw or low-quality corpora")
    quality.add_argument("--out", type=Path, required=True, help="model file to write (.bin)")
    quality.add_argument("--random-seed", type=int, default=0,
                         help="seed of the held-out split (default 0)")
    quality.add_argument("--holdout", type=float, default=0.2,
                         help="share of each class held out for the metrics (default 0.2)")
    quality.add_argument("--max-chars", type=int, default=MAX_CHARS,
                         help=f"characters of each document read (default {MAX_CHARS}; "
                         "quality_score's max_chars should match)")
    add_model_options(quality, LinearOptions())
    quality.set_defaults(handler=run_train_quality)


def add_model_options(parser: argparse.ArgumentParser, defaults: LinearOptions,
                      char_note: str = "") -> None:
    """The model options a `curate train` kind takes (unset: the trainer's choice)."""
    for flag, kind, default, note in (
            ("--buckets", int, defaults.buckets, "; hashed n-gram columns, the model grows with "
             "it"),
            ("--l2", float, defaults.l2, "; L2 penalty per training example"),
            ("--max-iter", int, defaults.max_iter, "; L-BFGS iterations"),
            ("--char-ngrams", int, defaults.char_ngrams,
             f"; character n-grams of each word, 1 .. this long{char_note}")):
        parser.add_argument(flag, type=kind, default=None, help=f"default {default}{note}")


def model_options(args: argparse.Namespace, defaults: LinearOptions) -> LinearOptions:
    """`defaults` with the model options given on the command line."""
    given = {name: getattr(args, name) for name in ("buckets", "l2", "max_iter", "char_ngrams")}
    return dataclasses.replace(defaults, **{k: v for k, v in given.items() if v is not None})


def run_train_quality(args: argparse.Namespace, console: Console) -> int:
    """Handler of `curate train quality`."""
    options = model_options(args, LinearOptions())
    with console.status("training the quality classifier"):
        report = train_quality_model(
            [CorpusSpec.parse(p) for p in args.positive],
            [CorpusSpec.parse(n) for n in args.negative],
            args.out, seed=args.random_seed, holdout=args.holdout, max_chars=args.max_chars,
            options=options,
        )
    train, held = report.train_rows, report.heldout_rows
    console.print(f"trained on {train['high']:,} positive + {train['low']:,} negative documents "
                  f"in {report.seconds:.1f} s")
    m = report.metrics
    if m:
        console.print(f"held out {held['high']:,} + {held['low']:,}: precision "
                      f"{m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}  "
                      f"ROC-AUC {m['roc_auc']:.3f}")
    console.print(f"wrote {args.out} and {report_path(args.out)}")
    return 0
