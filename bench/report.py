"""Report benchmark: build report.html / report.json for a synthetic run folder of N documents
(every optional section present: language, quality, domain targets, near-duplicate clusters,
ablation), written directly with polars rather than by running a pipeline. Prints build time,
peak RSS and file sizes; the issue asks for under a minute and under 10 MB at 1M rows.

    python bench/report.py [--rows 1000000] [--shards 10] [--max-text-chars 2000]
                           [--work /tmp/curate-bench-report] [--compare]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from bench.harness import SHARED_DATA, write_results
from tests.report.run_folder import write_run_folder

# Real text to cut document texts from, so the text columns compress like a real corpus.
ZH_SOURCES = ["csldcp_fewclue", "cmrc2018_zhwiki_paragraphs", "flagdata_zh_zhihu_qa_demo"]
EN_SOURCES = ["dolma_cc_web_sample", "bbc_news"]
BUILD = """
import json, sys, time
from pathlib import Path
from curate.report import build_report, markdown_summary
run = Path(sys.argv[1]); other = Path(sys.argv[2]) if len(sys.argv) > 2 else None
t0 = time.perf_counter(); html = build_report(run, other); build = time.perf_counter() - t0
t0 = time.perf_counter(); markdown_summary(run); md = time.perf_counter() - t0
# VmHWM, not ru_maxrss: after fork + exec, ru_maxrss still counts the parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(json.dumps({"seconds": build, "markdown_seconds": md, "html_bytes": html.stat().st_size,
                  "peak_rss_mb": hwm / 1024}))
"""


def text_pools() -> tuple[str, str]:
    """All Chinese and all English texts of a few shared data sets, each joined into one."""
    def pool(names: list[str]) -> str:
        texts = []
        for name in names:
            for f in sorted((SHARED_DATA / name).glob("*.parquet")):
                texts += pl.read_parquet(f, columns=["text"])["text"].drop_nulls().to_list()
        return "\n".join(texts)
    return pool(ZH_SOURCES), pool(EN_SOURCES)


def build(run: Path, other: Path | None = None) -> dict:
    """Build the report in a fresh process; its time, peak RSS and HTML size."""
    args = [sys.executable, "-c", BUILD, str(run), *([str(other)] if other else [])]
    done = subprocess.run(args, check=True, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def folder_bytes(folder: Path) -> int:
    """Total size of the files under a folder."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def main() -> None:
    """Write the run folder, time the report, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/curate-bench-report"))
    parser.add_argument("--max-text-chars", type=int, default=2000,
                        help="longest document text written (n_chars is drawn first)")
    parser.add_argument("--compare", action="store_true",
                        help="also time a build compared with a second run folder")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    pools = text_pools()
    t0 = time.perf_counter()
    run = write_run_folder(args.work / "run", args.rows, args.shards, seed=0, pools=pools,
                           max_text_chars=args.max_text_chars)
    figures: dict = {"rows": args.rows, "shards": args.shards,
                     "max_text_chars": args.max_text_chars,
                     "run_folder_mb": round(folder_bytes(run) / 2**20, 1),
                     "write_run_folder_seconds": round(time.perf_counter() - t0, 1)}
    result = build(run)
    figures.update({
        "build_seconds": round(result["seconds"], 2),
        "build_peak_rss_mb": round(result["peak_rss_mb"]),
        "html_mb": round(result["html_bytes"] / 2**20, 2),
        "json_kb": round((run / "report.json").stat().st_size / 2**10, 1),
        "markdown_summary_seconds": round(result["markdown_seconds"], 3),
    })
    if args.compare:
        other = write_run_folder(args.work / "other", args.rows, args.shards, seed=1,
                                 ablation=False, pools=pools,
                                 max_text_chars=args.max_text_chars)
        result = build(run, other)
        figures.update({"build_compare_seconds": round(result["seconds"], 2),
                        "build_compare_peak_rss_mb": round(result["peak_rss_mb"]),
                        "html_compare_mb": round(result["html_bytes"] / 2**20, 2)})
    write_results("report", figures)


if __name__ == "__main__":
    main()
