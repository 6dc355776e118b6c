"""Shared benchmark machinery: make a corpus, run a pipeline in a subprocess while sampling the
memory of its whole process tree, and write the figures as JSON.

Figures are for comparing configurations within one run on one machine, not absolute claims.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SHARED_DATA = REPO.parent / "shared" / "data"



def cleaning_stages(min_words: int) -> str:
    """The stages every bench pipeline opens with (TOML): normalize, then a word floor."""
    return ('[[stage]]\nop = "normalize"\n'
            f'[[stage]]\nop = "length_filter"\nmin_words = {min_words}\n')


def make_sample_corpus(out: Path, n_docs: int, docs_per_shard: int = 10_000,
                       seed: int = 0) -> Path:
    """The sample generator's raw/ split with `n_docs` documents; returns the raw folder."""
    from curate.sample import generate_sample

    raw = out / "raw"
    if not raw.exists():
        generate_sample(out, n_docs=n_docs, seed=seed,
                        n_shards=max(1, n_docs // docs_per_shard))
    return raw


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(args: list[str], cwd: Path, interval: float = 0.05) -> dict[str, Any]:
    """Run a command, sampling the summed RSS of its process tree; wall time and peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"})
    watched = psutil.Process(proc.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.NoSuchProcess:
                return
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {err.decode().strip()}")
    return {"wall_seconds": round(time.perf_counter() - start, 3),
            "peak_rss_mb": round(peak / 2**20, 1)}


def run_pipeline_measured(toml: Path, engine: str, num_cpus: int | None = None
                          ) -> dict[str, Any]:
    """`curate run` a pipeline file in a subprocess; wall time, peak RSS and per-stage rates."""
    args = [sys.executable, "-m", "curate.cli.main", "run", str(toml), "--quiet",
            "--overwrite", "--engine", engine]
    if num_cpus:
        args += ["--num-cpus", str(num_cpus)]
    figures = run_measured(args, cwd=toml.parent)
    manifest = json.loads(_run_dir(toml).joinpath("manifest.json").read_text())
    totals = manifest["totals"]
    wall = figures["wall_seconds"]
    figures.update({
        "engine": engine,
        "num_cpus": num_cpus,
        "input_rows": totals["input_rows"],
        "curated_rows": totals["curated_rows"],
        "rows_per_s": round(totals["input_rows"] / wall, 1),
        "mb_per_s": round(totals["input_bytes"] / 2**20 / wall, 2),
        "run_seconds": totals["wall_seconds"],
        "stages": [
            {**s, "rows_per_s": round(s["in"] / s["seconds"], 1) if s["seconds"] else None}
            for s in manifest["stages"]
        ],
        "pass_peak_rss_mb": [p.get("peak_rss_mb") for p in manifest["passes"]],
    })
    return figures


def _run_dir(toml: Path) -> Path:
    import tomllib

    output = tomllib.loads(toml.read_text())["pipeline"]["output"]
    return toml.parent / output


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {"cpus": os.cpu_count(), "cpu_model": _cpu_model(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or platform.processor() elsewhere."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """Write figures to bench/results/NAME.json and print them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), **figures}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"wrote {path}")
    return path
