"""Scoring benchmark: `quality_score` (with the classifier) at 100k documents, and
`curate tune` against the full run it re-decides.

    python bench/scoring.py [--docs 100000] [--engine ray] [--work /tmp/curate-bench-scoring]

Steps: the sample generator's corpus (`--docs` documents in shards of 10k); a quality model
trained once from the committed sample_data (reserve against raw; its time is reported apart
from the run); a full `curate run` of normalize -> length_filter -> quality_score ->
select_top (0.7 per language) in a subprocess; then, on that run, `curate tune --set
select_top.fraction=0.5` and the same with --dry-run, each in a subprocess (interpreter start
included, as a user sees it). Also the share of quality_score's time each part takes, on the
first shard in this process. Writes bench/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.harness import (  # noqa: E402
    cleaning_stages,
    make_sample_corpus,
    run_measured,
    run_pipeline_measured,
    write_results,
)

PIPELINE = """
[pipeline]
name = "bench-scoring"
input = "{input}"
output = "run-{engine}-{docs}"
[engine]
kind = "{engine}"
""" + cleaning_stages(10) + """[[stage]]
op = "quality_score"
model = "{model}"
[[stage]]
op = "select_top"
fraction = 0.7
by = ["lang"]
"""


def curate_command() -> list[str]:
    """How to call `curate` with the tune subcommand (this file's --cli mode until main.py
    registers it)."""
    from curate.cli.main import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    if "tune" in commands:
        return [sys.executable, "-m", "curate.cli.main"]
    return [sys.executable, str(Path(__file__).resolve()), "--cli"]


def cli(argv: list[str]) -> int:
    """`curate ARGV` with train, tune and explain registered."""
    from curate.cli import explain, main, train, tune

    parser = main.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for module in (train, tune, explain):
        if module.__name__.rsplit(".", 1)[1] not in sub.choices:
            module.add_parser(sub)
    main.build_parser = lambda: parser
    return main.main(argv)


def train_model(work: Path) -> tuple[Path, float, dict[str, float]]:
    """The quality model (trained once; reused by later benchmark runs)."""
    from curate.ops.quality.training import CorpusSpec, train_quality_model

    model = work / "quality.bin"
    report_file = model.with_suffix(".json")
    if not model.is_file():
        train_quality_model([CorpusSpec(str(REPO / "sample_data" / "reserve"))],
                            [CorpusSpec(str(REPO / "sample_data" / "raw"))], model, seed=0)
    report = json.loads(report_file.read_text())
    return model, report["seconds"], report["metrics"]


def breakdown(shard: Path, model: Path) -> dict[str, float]:
    """Seconds of each part of quality_score on one shard, in this process."""
    from curate.models import load_classifier
    from curate.ops.quality.density import density_measures
    from curate.ops.quality.training import classifier_view
    from curate.text import is_chinese

    texts = pl.read_parquet(shard)["text"].fill_null("")
    zh = pl.select(is_chinese([], pl.lit(texts))).to_series()
    clf = load_classifier(model)
    clf.probability_of(["warm up jieba 预热"], "high")
    out = {"docs": texts.len()}
    start = time.perf_counter()
    density_measures(texts, zh)
    out["density_seconds"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    clf.probability_of([classifier_view(t) for t in texts.to_list()], "high")
    out["classifier_seconds"] = round(time.perf_counter() - start, 3)
    return out


def main() -> None:
    """Run the benchmark and write bench/results/scoring.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--engine", choices=["ray", "local"], default="ray")
    parser.add_argument("--work", type=Path, default=Path("/tmp/curate-bench-scoring"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    raw = make_sample_corpus(args.work / f"corpus-{args.docs}", args.docs)
    model, train_seconds, train_metrics = train_model(args.work)
    toml = args.work / f"pipeline-{args.engine}-{args.docs}.toml"
    toml.write_text(PIPELINE.format(input=raw, engine=args.engine, docs=args.docs, model=model))
    run = run_pipeline_measured(toml, args.engine)
    run_dir = args.work / f"run-{args.engine}-{args.docs}"
    stage = next(s for s in run["stages"] if s["stage"] == "quality_score")
    print(f"full run: {run['wall_seconds']:.1f} s, {run['rows_per_s']:,.0f} rows/s; "
          f"quality_score {stage['rows_per_s']:,.0f} rows/s per core", flush=True)

    tuned = args.work / f"tuned-{args.engine}-{args.docs}"
    base = [*curate_command(), "tune", str(run_dir), "--set", "select_top.fraction=0.5"]
    tune = run_measured([*base, "--out", str(tuned), "--overwrite"], cwd=args.work)
    dry = run_measured([*base, "--dry-run"], cwd=args.work)
    recorded = json.loads((tuned / "manifest.json").read_text())["totals"]["wall_seconds"]
    print(f"tune: {tune['wall_seconds']:.2f} s ({recorded:.2f} s without interpreter start), "
          f"dry run {dry['wall_seconds']:.2f} s", flush=True)

    parts = breakdown(sorted(raw.glob("*.parquet"))[0], model)
    write_results("scoring", {
        "docs": args.docs,
        "engine": args.engine,
        "model": {"training_seconds": train_seconds, "heldout": train_metrics},
        "run": run,
        "quality_score": {
            "rows_in": stage["in"], "task_seconds": stage["seconds"],
            "rows_per_s_per_core": stage["rows_per_s"], "parts_on_one_shard": parts,
        },
        "tune": {**tune, "recorded_seconds": recorded},
        "tune_dry_run": dry,
        "tune_vs_run": round(tune["wall_seconds"] / run["wall_seconds"], 4),
        "tune_dry_run_vs_run": round(dry["wall_seconds"] / run["wall_seconds"], 4),
    })


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--cli":
        sys.exit(cli(sys.argv[2:]))
    main()
