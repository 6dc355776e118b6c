"""Foundation benchmark: normalize + length_filter + exact_dedup on the sample generator's
corpus. Rows/s on `ray` vs `local` at 100k documents, and peak RSS at 100k vs 400k documents
(memory should not grow with the corpus beyond exact dedup's hash set).

    python bench/pipeline.py [--sizes 100000 400000] [--work /tmp/curate-bench]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    cleaning_stages,
    make_sample_corpus,
    run_pipeline_measured,
    write_results,
)

PIPELINE = """
[pipeline]
name = "bench-foundation"
input = "{input}"
output = "run-{engine}-{size}"
[engine]
kind = "{engine}"
""" + cleaning_stages(20) + """[[stage]]
op = "exact_dedup"
"""


def main() -> None:
    """Run the series and write bench/results/pipeline.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/curate-bench"))
    args = parser.parse_args()

    runs = []
    for size in args.sizes:
        raw = make_sample_corpus(args.work / f"corpus-{size}", size)
        for engine in ("local", "ray"):
            toml = args.work / f"pipeline-{engine}-{size}.toml"
            toml.write_text(PIPELINE.format(input=raw, engine=engine, size=size))
            figures = run_pipeline_measured(toml, engine)
            figures["docs"] = size
            runs.append(figures)
            print(f"{size:>8,} docs  {engine:<5}  {figures['rows_per_s']:>10,.0f} rows/s  "
                  f"{figures['mb_per_s']:>6.1f} MB/s  peak RSS {figures['peak_rss_mb']:,.0f} MB",
                  flush=True)

    first = args.sizes[0]
    by = {(r["docs"], r["engine"]): r for r in runs}
    summary = {
        "ray_vs_local_rows_per_s": round(by[first, "ray"]["rows_per_s"]
                                         / by[first, "local"]["rows_per_s"], 3),
    }
    if len(args.sizes) > 1:
        last = args.sizes[-1]
        for engine in ("local", "ray"):
            summary[f"peak_rss_ratio_{last}_vs_{first}_{engine}"] = round(
                by[last, engine]["peak_rss_mb"] / by[first, engine]["peak_rss_mb"], 3)
    write_results("pipeline", {"summary": summary, "runs": runs})


if __name__ == "__main__":
    main()
