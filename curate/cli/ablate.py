"""`curate ablate PIPELINE`: fine-tune on the raw input and on the curated output of a
finished run, side by side (the `[finetune]` table of the pipeline sets the arms, backend,
budget and seeds), and write RUN/ablation.json plus its section of report.html."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from curate.config import PipelineConfig, load_config
from curate.errors import ConfigError, CurateError
from curate.params import build
from curate.report.sections.ablation import verdict
from curate.runfolder import RunFolder, RunLayout

# Keys of the [finetune] table that curate reads itself (not FinetuneConfig fields).
OWN_KEYS = ("after_run",)
# FinetuneConfig fields holding paths, resolved against the pipeline file's folder.
PATH_FIELDS = ("eval_path", "clean_path", "model", "oracle_path")


def finetune_config(config: PipelineConfig) -> Any:
    """The validated `[finetune]` table as a finetune.FinetuneConfig."""
    try:
        from finetune.config import FinetuneConfig
    except ImportError as exc:
        raise CurateError("the fine-tune stack is not installed: pip install -e '.[finetune]'"
                          f" ({exc})") from exc
    try:
        cfg = build(FinetuneConfig, config.finetune, "finetune", ignore=OWN_KEYS)
    except ValueError as exc:
        raise ConfigError(str(exc).removeprefix("[finetune] ").join(("finetune.", ""))) from exc
    for name in PATH_FIELDS:
        value = getattr(cfg, name)
        if value and (config.path.parent / value).exists():
            setattr(cfg, name, str(config.path.parent / value))
    return cfg


def runs_after(config: PipelineConfig) -> bool:
    """Whether `curate run` runs the ablation as a hook when the run completes."""
    return bool(config.finetune.get("after_run", False))


def ablate(config: PipelineConfig, console: Console, progress: bool = True) -> dict:
    """Run the ablation of a finished run and rebuild its report; returns ablation.json."""
    from curate.report import build_report
    from finetune.ablation import run_ablation

    cfg = finetune_config(config)
    layout = RunLayout(config.output_path)
    try:
        RunFolder.open(layout.root, complete=True)
    except ConfigError as exc:
        raise CurateError(f"{exc}: no finished run to ablate; run `curate run {config.path}`"
                          ) from exc
    arms = {"raw": config.input_path, "curated": layout.curated}
    if cfg.oracle_path:
        arms["oracle"] = Path(cfg.oracle_path)
    try:
        result = run_ablation(cfg, arms, layout.ablation, progress=progress)
    except ValueError as exc:
        raise CurateError(f"finetune: {exc}") from exc
    build_report(layout.root)
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
    parser.add_argument("--backend", choices=["lora", "sft", "fasttext"],
                        help="override [finetune].backend")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(handler=_cmd_ablate)

