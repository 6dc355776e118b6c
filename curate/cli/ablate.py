"""`curate ablate PIPELINE`: fine-tune on the raw input and on the curated output of a
finished run, side by side (the `[finetune]` table of the pipeline sets the arms, backend,
budget and seeds), and write RUN/ablation.json plus its section of report.html."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from curate import api
from curate.config import PipelineConfig, load_config
from curate.report.sections.ablation import verdict


def ablate(config: PipelineConfig, console: Console, progress: bool = True) -> dict:
    """Run the ablation of a finished run (curate.api.ablate) and print its results."""
    result = api.ablate(config, progress=progress)
    console.print(results_table(result))
    console.print(verdict(result["differences"]))
    return result


def results_table(result: dict) -> Table:
    """Mean ± 95 % CI per arm for accuracy, macro-F1 and log-loss, and the paired differences."""
    table = Table(title="fine-tune ablation (mean ± 95 % CI over seeds)", title_justify="left")
    for column in ("arm", "train rows", "accuracy", "macro-F1", "log-loss"):
        table.add_column(column, justify="left" if column == "arm" else "right")
    metrics = ("accuracy", "macro_f1", "log_loss")
    for arm, data in result["arms"].items():
        summary = data["summary"]
        table.add_row(arm, f"{data['examples']:,}", *(_mean_ci(summary.get(m)) for m in metrics))
    for key, diff in result["differences"].items():
        table.add_row(key.replace("-", " − "), "", *(_mean_ci(diff.get(m)) for m in metrics))
    return table


def _mean_ci(stat: dict | None) -> str:
    if not stat:
        return ""
    return f"{stat['mean']:.4f} ± {stat.get('ci95') or 0:.4f}"


def _cmd_ablate(args: argparse.Namespace, console: Console) -> int:
    config = load_config(args.pipeline)
    if args.backend:
        config.finetune = {**config.finetune, "backend": args.backend}
    ablate(config, console, progress=not args.quiet)
    return 0


def add_parser(subparsers: Any) -> None:
    """Register `curate ablate`."""
    parser = subparsers.add_parser(
        "ablate", help="fine-tune on raw vs curated data of a finished run, side by side")
    parser.add_argument("pipeline", type=Path)
    parser.add_argument("--backend", help="override [finetune].backend (lora, sft, fasttext "
                        "or another module of finetune/backends)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(handler=_cmd_ablate)

