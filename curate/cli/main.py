"""`curate`: run, validate and inspect curation pipelines.

Exit codes: 0 success, 1 the run failed (bad data, internal error), 2 usage or config error.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from curate.cli import first_paragraph
from curate.errors import ConfigError, CurateError

if TYPE_CHECKING:
    from curate.config import PipelineConfig
    from curate.runfolder import Run

Handler = Callable[[argparse.Namespace, Console], int]


def print_warnings(config: PipelineConfig) -> None:
    """Each stage's warnings about its configuration, once, on stderr."""
    for stage in config.stages:
        for line in stage.operator(config).warnings():
            print(f"warning: {line}", file=sys.stderr)


def _cmd_run(args: argparse.Namespace, console: Console) -> int:
    from rich.markdown import Markdown

    from curate import api
    from curate.cli.ablate import results_table
    from curate.cli.progress import RichReporter, summary_table
    from curate.config import load_config
    from curate.report import markdown_summary
    from curate.report.sections.ablation import verdict

    sets = [*args.sets, *([f"pipeline.output={args.output}"] if args.output else [])]
    config = load_config(args.pipeline, sets=sets)
    reporter = None if args.quiet else RichReporter(console)
    run = api.run(config, resume=args.resume, overwrite=args.overwrite, engine=args.engine,
                  num_cpus=args.num_cpus, reporter=reporter, progress=not args.quiet,
                  on_warning=lambda line: print(f"warning: {line}", file=sys.stderr))
    if args.quiet:
        console.print(one_line_summary(run), highlight=False)
        return 0
    if run.ablation is not None and api.runs_after(config):
        console.print(results_table(run.ablation))
        console.print(verdict(run.ablation["differences"]))
    if run.uploaded:
        console.print(f"uploaded the run to {run.uploaded}")
    if run.layout.report_html.is_file():
        console.print(Markdown(markdown_summary(run.root)))
    else:
        console.print(summary_table(run.manifest))
    return 0


def one_line_summary(run: Run) -> str:
    """`NAME: 6,000 rows in → 4,779 curated, 3,018 rejected (1,797 added) in 77.1 s; report:
    PATH`, what `curate run --quiet` prints."""
    totals = run.manifest.totals
    if totals is None:
        return f"{run.name}: {run.manifest.status}"
    added = f" ({totals.added_rows:,} added)" if totals.added_rows else ""
    report = f"; report: {run.layout.report_html}" if run.layout.report_html.is_file() else ""
    return (f"{run.name}: {totals.input_rows:,} rows in → {totals.curated_rows:,} curated, "
            f"{totals.rejected_rows:,} rejected{added} in {totals.wall_seconds:.1f} s{report}")


def _cmd_report(args: argparse.Namespace, console: Console) -> int:
    from curate.report import build_report
    from curate.runfolder import RunLayout

    path = build_report(args.run, args.compare)
    console.print(f"wrote {path} and {RunLayout(path.parent).report_json}")
    return 0


def _cmd_validate(args: argparse.Namespace, console: Console) -> int:
    from curate.config import load_config
    from curate.engine.plan import make_plan
    from curate.engine.preflight import check_all
    from curate.io import discover_shards

    config = load_config(args.pipeline, sets=args.sets)
    shards = discover_shards(config.input_path)
    print_warnings(config)
    for i, reason in check_all(config, shards).items():
        console.print(f"[yellow]will quarantine[/yellow] {shards[i]}: {reason}")
    console.print(f"[green]ok[/green] {args.pipeline}: {len(config.stages)} stages, "
                  f"{len(shards)} input shards, config hash {config.hash()}")
    for p in make_plan(config):
        console.print(f"  pass {p.index + 1}: {p.describe()}")
    return 0


def _cmd_ops(args: argparse.Namespace, console: Console) -> int:
    from rich.markup import escape
    from rich.table import Table

    from curate.ops import REGISTRY, GlobalOperator
    from curate.ops.base import summary_line
    from curate.params import field_docs, suggest

    names = sorted(REGISTRY)
    if args.name and args.name not in REGISTRY:
        raise ConfigError(f'unknown operator "{args.name}"{suggest(args.name, names)}')
    if not args.name:  # the catalogue: one line each; `curate ops NAME` for the parameters
        for name in names:
            cls = REGISTRY[name]
            kind = "global" if issubclass(cls, GlobalOperator) else "row"
            console.print(f"[bold cyan]{name}[/bold cyan] ({kind}): "
                          f"{escape(summary_line(cls))}")
        console.print("\n`curate ops NAME` shows an operator's parameters.")
        return 0
    cls = REGISTRY[args.name]
    kind = "global" if issubclass(cls, GlobalOperator) else "row"
    console.print(f"[bold cyan]{args.name}[/bold cyan] ({kind}): {escape(summary_line(cls))}")
    rows = field_docs(cls.Params)
    if rows:
        table = Table(show_header=True, box=None, padding=(0, 2), pad_edge=True)
        table.add_column("parameter", no_wrap=True)
        table.add_column("type", no_wrap=True)
        table.add_column("default", overflow="fold")
        table.add_column("meaning", ratio=1)
        for pname, ptype, default, doc in rows:
            mark = " (tunable)" if pname in cls.tunable else ""
            table.add_row(pname, ptype, escape(repr(default)), escape(doc) + mark)
        console.print(table)
    return 0


def _cmd_sample(args: argparse.Namespace, console: Console) -> int:
    from curate.sample import generate_sample

    summary = generate_sample(args.out, n_docs=args.docs, seed=args.seed, n_shards=args.shards)
    console.print(f"wrote sample corpus to {args.out}")
    for key in ("split", "noise", "lang"):
        if key in summary:
            console.print(f"  {key}: {summary[key]}")
    return 0


def _add_sets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", dest="sets", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a value of the pipeline file: pipeline.output=runs/b, "
                        "engine.kind=local, or STAGE.PARAM=VALUE (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="curate", description=first_paragraph(__doc__))
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a pipeline into its run folder")
    run.add_argument("pipeline", type=Path)
    run.add_argument("--resume", action="store_true", help="continue a killed run")
    run.add_argument("--overwrite", action="store_true", help="replace an existing run folder")
    run.add_argument("--engine", choices=["ray", "local"], help="override [engine].kind")
    run.add_argument("--num-cpus", type=int, help="override [engine].num_cpus")
    run.add_argument("--output", help="the run folder (as --set pipeline.output=...)")
    run.add_argument("--quiet", action="store_true",
                     help="no progress bars; a one-line summary instead of the table")
    _add_sets(run)
    run.set_defaults(handler=_cmd_run)

    report = sub.add_parser("report", help="rebuild report.html and report.json of a run")
    report.add_argument("run", type=Path)
    report.add_argument("--compare", type=Path, metavar="OTHER_RUN",
                        help="show another run side by side")
    report.set_defaults(handler=_cmd_report)

    validate = sub.add_parser("validate", help="check a pipeline file without running it")
    validate.add_argument("pipeline", type=Path)
    _add_sets(validate)
    validate.set_defaults(handler=_cmd_validate)

    ops = sub.add_parser("ops", help="list operators; with a NAME, its parameters and defaults")
    ops.add_argument("name", nargs="?")
    ops.set_defaults(handler=_cmd_ops)

    sample = sub.add_parser("sample", help="generate the synthetic sample corpus")
    sample.add_argument("out", type=Path)
    sample.add_argument("--docs", type=int, default=6000)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--shards", type=int, default=4)
    sample.set_defaults(handler=_cmd_sample)

    from curate.cli import ablate, explain, train, tune

    ablate.add_parser(sub)
    train.add_parser(sub)
    tune.add_parser(sub)
    explain.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `curate` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    console = Console(soft_wrap=True)
    try:
        return args.handler(args, console)
    except CurateError as exc:
        if args.debug:
            traceback.print_exc()
        for line in str(exc).splitlines() or [""]:
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: internal error: {type(exc).__name__}: {first} (rerun with --debug)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
