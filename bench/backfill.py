"""Backfill benchmark: recall precision of `domain_backfill` on real news titles, by how many
rows it is asked to add, and what one run costs.

    python bench/backfill.py [--work /tmp/curate-bench-backfill]

Scenario (../shared/data): a domain model learns THUCNews' ten topics from its dev split; the
corpus is that split with only 100 sports titles left; the reserve mixes THUCNews' test split
and every labelled TNEWS headline (15 classes, news_sports among them, 14,293 titles). Sports
targets of 300 ... 1,200 rows; precision = recalled titles that are sports (THUCNews `sports`
or TNEWS `news_sports`; the reserve holds 1,290). The model is trained once, by the first run.
Writes bench/results/backfill.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.harness import SHARED_DATA, write_results  # noqa: E402
from curate.config import parse_config  # noqa: E402
from curate.engine import run_pipeline  # noqa: E402

TARGETS = (300, 600, 900, 1000, 1200)
SPORTS = ("sports", "news_sports")


def prepare(work: Path) -> pl.DataFrame:
    """Write the seed, corpus and reserve; the reserve's labels."""
    thuc = pl.read_parquet(SHARED_DATA / "thucnews_titles" / "thucnews_titles.parquet")
    tnews = pl.read_parquet(SHARED_DATA / "tnews_fewclue" / "tnews_labeled.parquet")
    dev = thuc.filter(pl.col("split") == "dev").select("id", "text", "label")
    for folder in ("corpus", "reserve"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    dev.write_parquet(work / "seed.parquet")
    dev.filter((pl.col("label") != "sports") | (pl.int_range(pl.len()).over("label") < 100)) \
        .write_parquet(work / "corpus" / "part-0.parquet")
    reserve = pl.concat([thuc.filter(pl.col("split") == "test").select("id", "text", "label"),
                         tnews.select("id", "text", "label")])
    reserve.write_parquet(work / "reserve" / "part-0.parquet")
    return reserve


def run_target(work: Path, target: int, reserve: pl.DataFrame) -> dict[str, float]:
    """One backfill run asking for `target` sports rows; precision and time."""
    stages = [
        {"op": "domain_classify", "model": str(work / "thucnews.bin"),
         "train_from": [str(work / "seed.parquet")], "label_column": "label"},
        {"op": "exact_dedup"},
        {"op": "domain_backfill", "reserve": str(work / "reserve"),
         "targets": {"sports": target}},
    ]
    raw = {"pipeline": {"input": str(work / "corpus"), "output": str(work / f"run-{target}")},
           "engine": {"kind": "local"}, "stage": stages}
    start = time.perf_counter()
    manifest = run_pipeline(parse_config(raw, work / "pipeline.toml"), overwrite=True).to_dict()
    seconds = time.perf_counter() - start
    curated = pl.read_parquet(work / f"run-{target}" / "curated" / "*.parquet")
    recalled = curated.filter(pl.col("source") == "backfill").select("id").join(
        reserve.select("id", "label"), on="id")
    stage = next(s for s in manifest["stages"] if s["stage"] == "domain_backfill")
    return {"target": target, "recalled": recalled.height,
            "precision": round(float(recalled["label"].is_in(SPORTS).mean()), 4),
            "shortfall": manifest["outcomes"]["domain_backfill"]["shortfall"].get("sports", 0),
            "run_seconds": round(seconds, 2), "backfill_seconds": stage["seconds"]}


def main() -> None:
    """Run every target and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/curate-bench-backfill"))
    args = parser.parse_args()
    if not (SHARED_DATA / "thucnews_titles").is_dir():
        sys.exit(f"{SHARED_DATA}: no shared data")
    reserve = prepare(args.work)
    (args.work / "thucnews.bin").unlink(missing_ok=True)  # trained by the first run
    runs = [run_target(args.work, target, reserve) for target in TARGETS]
    write_results("backfill", {"scenario": "THUCNews sports from THUCNews test + TNEWS",
                               "reserve_rows": reserve.height,
                               "reserve_sports": int(reserve["label"].is_in(SPORTS).sum()),
                               "runs": runs})


if __name__ == "__main__":
    main()
