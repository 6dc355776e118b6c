"""Scale benchmark (issue 9): the full sample pipeline (every stage of pipelines/sample.toml)
on the sample generator's corpus at 100k, 300k and 1M documents on the `ray` engine.

Per size it measures, in a fresh process: wall time, CPU time and peak RSS of the whole process
tree (driver, GCS, raylet, Ray workers), sampled every --interval seconds and attributed to the
phase running at the time (Ray start-up, each pass of fused row stages, each global stage's
fit between passes, shutdown, and the report `curate run` builds at the end); and per-stage
task seconds from the manifest (summed over shards: observe + fit + transform for a global
stage). Cost should grow near-linearly with the corpus and peak RSS stay bounded (every size
is cut into shards of 10k documents); ratios against the smallest size are printed next to the
ideal ones.

    python bench/scale.py [--sizes 100000 300000 1000000] [--quick] [--num-cpus N]
                          [--skip-existing] [--fixed-counts] [--interval 0.2]
                          [--max-rss-gb GB] [--min-available-gb 1.5]

Corpora are generated once under bench/results/data/ and reused by later runs: raw/ in shards
of 10k documents, and eval/ and reserve/ (the decontamination reference and backfill pool;
about 10 % and 50 % of raw) cut into shards of 10k too, as the generator writes each as one
file. Stages run as in pipelines/sample.toml, except that augment's per-class targets (rows,
not shares: 1000 for the 6000 committed documents) are scaled with the corpus, so every stage
does the same work per document at every size (--fixed-counts keeps them). The quality and
domain models are the ones `curate run pipelines/sample.toml` trained into models/; when they
are missing they are trained once into bench/results/models/ before any timing.

Per-size figures go to bench/results/scale-runs/SIZE.json (with an RSS trace SIZE-trace.csv),
the summary to bench/results/scale.json and scale.md. `--skip-existing` reuses per-size
figures already measured, e.g. to add a long 1M run to an earlier 100k/300k series. A run
whose process tree passes --max-rss-gb, or that leaves the machine under --min-available-gb,
is stopped (its figures so far are kept in SIZE.json) and larger sizes are skipped.

Figures are for this machine at the time (see "machine"; load average and the CPU share the
run got are recorded because the machine may be shared), not absolute claims.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from bench.harness import REPO, RESULTS, machine

SAMPLE_PIPELINE = REPO / "pipelines" / "sample.toml"
SAMPLE_DATA = REPO / "sample_data"
MODELS = REPO / "models"
DATA = RESULTS / "data"
RUNS = RESULTS / "scale-runs"
DOCS_PER_SHARD = 10_000
SIZES = [100_000, 300_000, 1_000_000]
QUICK_SIZES = [10_000, 30_000]
# Stage parameters that are absolute row counts, not fractions: scaled with the corpus unless
# --fixed-counts (sample.toml's augment targets of 1000 suit its 6000 documents; at 100k+
# documents every class is far above them and augment has nothing to do).
COUNT_PARAMS = {"augment": ("targets",)}


# ---------------------------------------------------------------------------------------------
# Corpus and pipeline file
# ---------------------------------------------------------------------------------------------


def corpus(size: int) -> Path:
    """The sample generator's corpus (raw/, eval/, reserve/) of `size` documents, generated
    once; a marker file tells a complete corpus from one a killed run left half-written."""
    from curate.sample import generate_sample

    folder = DATA / f"corpus-{size}"
    marker = folder / ".complete.json"
    if marker.is_file():
        done = json.loads(marker.read_text())
        if not done.get("resharded"):
            _reshard_all(folder)
            marker.write_text(json.dumps({**done, "resharded": True}, indent=2, default=str))
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    shards = max(1, size // DOCS_PER_SHARD)
    print(f"generating {size:,} documents in {shards} shards -> {folder}", flush=True)
    t0 = time.perf_counter()
    summary = generate_sample(folder, n_docs=size, seed=0, n_shards=shards)
    _reshard_all(folder)
    seconds = round(time.perf_counter() - t0, 1)
    marker.write_text(json.dumps({"docs": size, "shards": shards, "seconds": seconds,
                                  "resharded": True, "summary": summary}, indent=2,
                                 default=str))
    print(f"  generated in {seconds:.0f} s", flush=True)
    return folder


def _reshard_all(folder: Path) -> None:
    """Cut the generator's single reserve and eval files into DOCS_PER_SHARD-row shards, like
    raw: domain_backfill filters and scores the reserve one Ray task per shard, so one file of
    half the corpus would be one long task holding it all (same rows, same order)."""
    import polars as pl

    for split in ("reserve", "eval"):
        files = sorted((folder / split).glob("*.parquet"))
        if len(files) != 1:
            continue
        frame = pl.read_parquet(files[0])
        if frame.height <= DOCS_PER_SHARD:
            continue
        parts = -(-frame.height // DOCS_PER_SHARD)
        tmp = folder / f".{split}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for i in range(parts):
            frame.slice(i * DOCS_PER_SHARD, DOCS_PER_SHARD).write_parquet(
                tmp / f"part-{i:05d}.parquet", compression="zstd")
        shutil.rmtree(folder / split)
        tmp.rename(folder / split)


def _remap(value: Any, corpus_dir: Path, model_dir: Path) -> Any:
    """A sample.toml value with its paths into sample_data/ and models/ moved to `corpus_dir`
    and `model_dir` (absolute); other values unchanged. Handles PATH:COLUMN=VALUE specs."""
    if isinstance(value, list):
        return [_remap(v, corpus_dir, model_dir) for v in value]
    if not isinstance(value, str):
        return value
    path, sep, select = value.partition(":")
    if not sep or "=" not in select:
        path, sep, select = value, "", ""
    resolved = Path(os.path.normpath(SAMPLE_PIPELINE.parent / path))
    for old, new in ((SAMPLE_DATA, corpus_dir), (MODELS, model_dir)):
        if resolved.is_relative_to(old):
            return str(new / resolved.relative_to(old)) + sep + select
    return value


def _toml(value: Any) -> str:
    """A TOML literal for the values pipeline files use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def sample_docs() -> int:
    """Documents in the committed sample corpus (sample_data/raw) that sample.toml is for."""
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(f).num_rows for f in (SAMPLE_DATA / "raw").glob("*.parquet"))


def scale_counts(stage: dict[str, Any], factor: float) -> dict[str, Any]:
    """A stage with its absolute row-count parameters (COUNT_PARAMS) multiplied by `factor`."""
    keys = COUNT_PARAMS.get(stage.get("op", ""), ())
    return {k: ({c: round(n * factor) for c, n in v.items()} if k in keys and isinstance(v, dict)
                else round(v * factor) if k in keys else v)
            for k, v in stage.items()}


def write_pipeline(path: Path, corpus_dir: Path, model_dir: Path, run_dir: Path,
                   num_cpus: int | None = None, count_factor: float = 1.0) -> Path:
    """pipelines/sample.toml with every stage as it is, reading `corpus_dir`, writing
    `run_dir`, using the models in `model_dir`, on the `ray` engine ([finetune] left out:
    `curate run` only runs it with after_run). `count_factor` scales the parameters that are
    absolute row counts (augment's per-class targets), so each stage does the same work per
    document at every corpus size."""
    sample = tomllib.loads(SAMPLE_PIPELINE.read_text(encoding="utf-8"))
    sample["stage"] = [scale_counts(st, count_factor) for st in sample["stage"]]
    pipeline = {**sample["pipeline"], "name": f"bench-scale-{run_dir.name}",
                "input": _remap(sample["pipeline"]["input"], corpus_dir, model_dir),
                "output": str(run_dir)}
    engine = {**sample.get("engine", {}), "kind": "ray"}
    if num_cpus:
        engine["num_cpus"] = num_cpus
    lines = [f"# Generated by bench/scale.py from {SAMPLE_PIPELINE.relative_to(REPO)}.", ""]
    for name, table in (("pipeline", pipeline), ("engine", engine)):
        lines.append(f"[{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in table.items()]
        lines.append("")
    for stage in sample["stage"]:
        lines.append("[[stage]]")
        lines += [f"{k} = {_toml(_remap(v, corpus_dir, model_dir))}" for k, v in stage.items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def model_dir() -> Path:
    """models/ when it holds every model file sample.toml names, else bench/results/models/
    with the missing ones trained there now from the committed sample_data/ (the same data
    `curate run pipelines/sample.toml` trains them from), so no timed run trains a model."""
    from curate.config import load_config

    probe = write_pipeline(RUNS / "pipeline-models.toml", SAMPLE_DATA, MODELS, RUNS / "unused")
    needed = [Path(_remap(v, SAMPLE_DATA, MODELS)) for s in load_config(probe).stages
              for k, v in vars(s.params).items() if k == "model" and v]
    if all(p.is_file() for p in needed):
        return MODELS
    target = RESULTS / "models"
    config = load_config(write_pipeline(RUNS / "pipeline-models.toml", SAMPLE_DATA, target,
                                        RUNS / "unused"))
    print(f"training the missing models once into {target} (not timed)", flush=True)
    _ensure_models(config)
    return target


def _ensure_models(config: Any) -> None:
    """Train the quality and domain model files of `config` where they do not exist yet."""
    from curate.ops.domain.classify import domain_model
    from curate.ops.quality.training import CorpusSpec, ensure_model

    base, seed = config.path.parent, config.pipeline.seed
    for stage in config.stages:
        p = stage.params
        if stage.op == "quality_score" and p.model:
            ensure_model(base / p.model, [CorpusSpec.parse(s) for s in p.train_positive],
                         [CorpusSpec.parse(s) for s in p.train_negative], seed, p.max_chars,
                         base)
        elif stage.op == "domain_classify":
            domain_model(p, base, seed)


# ---------------------------------------------------------------------------------------------
# Measuring one run (in its own process)
# ---------------------------------------------------------------------------------------------


@dataclass
class Phase:
    """What the process tree did while one phase of the run was going on."""

    key: str
    label: str
    start: float
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0  # summed over the process tree
    peak_proc_rss_mb: float = 0.0  # the largest single process
    peak_proc: str = ""  # which: "driver" or its process name (ray::IDLE, ray::starred ...)
    peak_driver_rss_mb: float = 0.0  # the driver alone (fits run in it)
    peak_pss_mb: float | None = None  # summed PSS, sampled less often (shared pages split)
    max_procs: int = 0
    samples: int = 0
    load_sum: float = 0.0


class TreeSampler:
    """Samples this process and all its descendants (Ray's GCS, raylet and workers are
    started by ray.init in this process) in a background thread: RSS every `interval`
    seconds, PSS every `pss_every` samples, CPU time; attributed to the current phase."""

    def __init__(self, interval: float = 0.2, pss_every: int = 10,
                 limit_mb: float | None = None, min_available_mb: float | None = None,
                 on_limit: Any = None) -> None:
        self.root = psutil.Process()
        self.limit_mb = limit_mb
        self.min_available_mb = min_available_mb
        # Called with a reason (from the sampling thread) once the tree's RSS passes limit_mb
        # or the machine's available memory falls under min_available_mb.
        self.on_limit = on_limit
        self.interval = interval
        self.pss_every = pss_every
        self.phases: list[Phase] = []
        self.trace: list[tuple[float, int, float]] = []
        self._cpu: dict[int, float] = {}  # last CPU seconds seen per pid (also exited ones)
        self._cpu_total = 0.0
        self._count = 0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._t0 = time.perf_counter()

    def start(self, key: str, label: str = "") -> None:
        """Open the first phase and start sampling."""
        self._cpu_total = self._tree_cpu(self._procs())
        self.phases.append(Phase(key, label or key, time.perf_counter()))
        self._thread.start()

    def set_phase(self, key: str, label: str = "") -> None:
        """Close the current phase (with a last sample) and open the next (with a first)."""
        with self._lock:
            self._sample()
            now = time.perf_counter()
            self.phases[-1].wall_s = now - self.phases[-1].start
            self.phases.append(Phase(key, label or key, now))
            self._sample()

    def stop(self) -> None:
        """Take a last sample and stop."""
        self._done.set()
        self._thread.join()
        with self._lock:
            self._sample()
            self.phases[-1].wall_s = time.perf_counter() - self.phases[-1].start

    def _loop(self) -> None:
        while not self._done.wait(self.interval):
            with self._lock:
                rss = self._sample()
                available = psutil.virtual_memory().available / 2**20
                reason = None
                if self.limit_mb and rss > self.limit_mb:
                    reason = f"tree RSS {rss:,.0f} MB passed the limit of {self.limit_mb:,.0f} MB"
                elif self.min_available_mb and available < self.min_available_mb:
                    reason = (f"the machine's available memory fell to {available:,.0f} MB "
                              f"(tree RSS {rss:,.0f} MB)")
                if reason and self.on_limit:
                    self.phases[-1].wall_s = time.perf_counter() - self.phases[-1].start
                    self.on_limit(reason)

    def _procs(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return [self.root]

    def _tree_cpu(self, procs: list[psutil.Process]) -> float:
        for p in procs:
            try:
                t = p.cpu_times()
                self._cpu[p.pid] = t.user + t.system
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return sum(self._cpu.values())

    def _sample(self) -> float:
        phase = self.phases[-1]
        procs = self._procs()
        rss, largest, driver = 0, 0, 0
        largest_proc: psutil.Process | None = None
        pss: int | None = 0 if self._count % self.pss_every == 0 else None
        for p in procs:
            try:
                r = p.memory_info().rss
                if pss is not None:
                    pss += p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            rss += r
            if p.pid == self.root.pid:
                driver = r
            if r > largest:
                largest, largest_proc = r, p
        if largest / 2**20 > phase.peak_proc_rss_mb and largest_proc is not None:
            with contextlib.suppress(psutil.Error):
                phase.peak_proc = ("driver" if largest_proc.pid == self.root.pid
                                   else largest_proc.name())
        phase.peak_driver_rss_mb = max(phase.peak_driver_rss_mb, driver / 2**20)
        cpu = self._tree_cpu(procs)
        phase.cpu_s += cpu - self._cpu_total
        self._cpu_total = cpu
        phase.peak_rss_mb = max(phase.peak_rss_mb, rss / 2**20)
        phase.peak_proc_rss_mb = max(phase.peak_proc_rss_mb, largest / 2**20)
        if pss is not None:
            phase.peak_pss_mb = max(phase.peak_pss_mb or 0.0, pss / 2**20)
        phase.max_procs = max(phase.max_procs, len(procs))
        phase.samples += 1
        phase.load_sum += os.getloadavg()[0]
        self._count += 1
        self.trace.append((round(time.perf_counter() - self._t0, 2), len(self.phases) - 1,
                           round(rss / 2**20, 1)))
        return rss / 2**20


def code_version() -> dict[str, Any]:
    """The commit measured, and the files under curate/ and pipelines/ that differ from it
    (the tree may change between sizes when others work in it)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "curate", "pipelines").splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "changed": [line[3:] for line in changed]}


def pass_label(plan_pass: Any) -> str:
    """A short description of a pass: its first and last stages and how many."""
    names = [s.name for s in plan_pass.stages]
    if plan_pass.observes is not None:
        names.append(f"{plan_pass.observes.name} (observe)")
    if len(names) > 3:
        return f"{names[0]} → … → {names[-2]} → {names[-1]} ({len(names)} stages)"
    return " → ".join(names)


class PhaseReporter:
    """A runner Reporter that switches the sampler's phase at pass boundaries (the runner
    fits a pass's opening global stage between the previous end_pass and its start_pass) and
    prints progress now and then."""

    def __init__(self, sampler: TreeSampler, plan: list[Any], every_s: float = 30.0) -> None:
        self.sampler = sampler
        self.plan = plan
        self.every_s = every_s
        self.index = -1
        self.done = self.shards = 0
        self._last = 0.0
        self._t0 = time.perf_counter()

    def start_pass(self, plan_pass: Any, passes: int, shards: int, done: int) -> None:
        """A pass starts."""
        self.index, self.done, self.shards = plan_pass.index, done, shards
        self.sampler.set_phase(f"pass {plan_pass.index + 1}", pass_label(plan_pass))
        self._say(f"pass {plan_pass.index + 1}/{passes}: {pass_label(plan_pass)}")

    def shard_done(self, result: Any) -> None:
        """A shard of the current pass finished."""
        self.done += 1
        if time.perf_counter() - self._last >= self.every_s:
            self._say(f"  pass {self.index + 1}: {self.done}/{self.shards} shards")

    def end_pass(self) -> None:
        """The current pass ended; what follows is the next pass's fit, or shutdown."""
        following = self.index + 1
        if following < len(self.plan) and self.plan[following].opens_with is not None:
            stage = self.plan[following].opens_with.name
            self.sampler.set_phase(f"fit {stage}", f"{stage} fit (driver + Ray tasks)")
        else:
            self.sampler.set_phase("shutdown", "summarize manifest, stop Ray")

    def _say(self, text: str) -> None:
        self._last = time.perf_counter()
        elapsed = self._last - self._t0
        print(f"[{elapsed:8.1f} s] {text}", flush=True)


ABORTED = 3  # exit status of a measuring process stopped by the memory limit


def _phase_figures(sampler: TreeSampler) -> list[dict[str, Any]]:
    phases = [{**asdict(ph), "mean_load": round(ph.load_sum / max(ph.samples, 1), 2)}
              for ph in sampler.phases]
    for ph in phases:
        del ph["start"], ph["load_sum"]
        for k in ("wall_s", "cpu_s", "peak_rss_mb", "peak_proc_rss_mb", "peak_pss_mb",
                  "peak_driver_rss_mb"):
            if ph[k] is not None:
                ph[k] = round(ph[k], 2 if k.endswith("_s") else 1)
    return phases


def _write_trace(sampler: TreeSampler, out: Path) -> None:
    trace = out.with_name(f"{out.stem}-trace.csv")
    trace.write_text("seconds,phase,rss_mb\n" + "".join(
        f"{t},{sampler.phases[i].key},{r}\n" for t, i, r in sampler.trace))


def measure_one(toml: Path, out: Path, interval: float, limit_mb: float | None,
                min_available_mb: float | None) -> None:
    """Run the pipeline file in this process as `curate run` does (run, then report) and
    write the figures to `out`. Past `limit_mb` of tree RSS, or under `min_available_mb` of
    available memory on the machine, write what was measured so far, kill the run's
    processes and exit with status ABORTED (the machine is shared)."""
    from curate.config import load_config
    from curate.engine import run_pipeline
    from curate.engine.plan import Pass, make_plan
    from curate.ops import REGISTRY, GlobalOperator
    from curate.report import build_report

    config = load_config(toml)
    plan: list[Pass] = make_plan(config)
    load_before = os.getloadavg()
    code = code_version()  # before the run: the tree may change while it goes on

    def abort(reason: str) -> None:
        phases = _phase_figures(sampler)
        reason = f"{reason} in {phases[-1]['key']}"
        out.write_text(json.dumps({"aborted": reason, "phases": phases}, indent=2,
                                  ensure_ascii=False))
        _write_trace(sampler, out)
        print(f"ABORTED: {reason}", flush=True)
        for child in sampler.root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        os._exit(ABORTED)

    sampler = TreeSampler(interval, limit_mb=limit_mb, min_available_mb=min_available_mb,
                          on_limit=abort)
    sampler.start("setup", "discover and check shards, start Ray")
    t0 = time.perf_counter()
    manifest = run_pipeline(config, overwrite=True, reporter=PhaseReporter(sampler, plan))
    run_s = time.perf_counter() - t0
    sampler.set_phase("report", "report.html / report.json")
    t1 = time.perf_counter()
    build_report(config.output_path)
    report_s = time.perf_counter() - t1
    sampler.stop()

    # The manifest's JSON form, from this tree or an older one (a baseline commit).
    data = manifest.to_dict() if hasattr(manifest, "to_dict") else manifest.data
    where: dict[str, str] = {}
    for p in plan:
        for s in p.row_stages:
            where[s.name] = f"pass {p.index + 1}"
        if p.observes is not None:
            where[p.observes.name] = f"pass {p.index + 1}-{p.index + 2}"
    kinds = {s.name: "global" if issubclass(REGISTRY[s.op], GlobalOperator) else "row"
             for s in config.stages}
    stages = [{**s, "kind": kinds.get(s["stage"], "io"), "where": where.get(s["stage"], "pass 1"),
               "fit_seconds": data["fits"].get(s["stage"], {}).get("seconds")}
              for s in data["stages"]]
    passes = [{"pass": p["index"] + 1, "stages": p["stages"],
               "task_seconds": round(sum(s["seconds"] for s in p["shards"].values()), 2),
               "worker_peak_rss_mb": p.get("peak_rss_mb")}
              for p in data["passes"]]
    phases = _phase_figures(sampler)
    totals = data["totals"]
    cpu_s = sum(ph["cpu_s"] for ph in phases)
    wall_s = run_s + report_s
    figures = {
        "docs": None,  # filled in by the caller
        "code": code,
        "shards": len(data["inputs"]),
        "input_rows": totals["input_rows"],
        "input_mb": round(totals["input_bytes"] / 2**20, 1),
        "curated_rows": totals["curated_rows"],
        "run_seconds": round(run_s, 2),
        "report_seconds": round(report_s, 2),
        "wall_seconds": round(wall_s, 2),
        "cpu_seconds": round(cpu_s, 1),
        "cpu_share": round(cpu_s / wall_s / (psutil.cpu_count() or 1), 3),
        "rows_per_s": round(totals["input_rows"] / run_s, 1),
        "peak_rss_mb": max(ph["peak_rss_mb"] for ph in phases),
        "peak_proc_rss_mb": max(ph["peak_proc_rss_mb"] for ph in phases),
        "peak_pss_mb": max((ph["peak_pss_mb"] or 0) for ph in phases),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "mean_load": round(sum(ph["mean_load"] * ph["samples"] for ph in phases)
                           / max(sum(ph["samples"] for ph in phases), 1), 2),
        "engine": data["engine"],
        "config_hash": data["config_hash"],
        "versions": data["versions"],
        "phases": phases,
        "stages": stages,
        "passes": passes,
        "fits": data["fits"],
        "outcomes": data.get("outcomes", {}),
    }
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    _write_trace(sampler, out)


# ---------------------------------------------------------------------------------------------
# The series
# ---------------------------------------------------------------------------------------------


def run_size(size: int, models: Path, num_cpus: int | None, interval: float,
             fixed_counts: bool, limit_gb: float, min_available_gb: float
             ) -> dict[str, Any] | None:
    """Generate (or reuse) the corpus and measure the pipeline on it in a fresh process."""
    folder = corpus(size)
    run_dir = RUNS / f"run-{size}"
    factor = 1.0 if fixed_counts else size / sample_docs()
    toml = write_pipeline(RUNS / f"pipeline-{size}.toml", folder, models, run_dir, num_cpus,
                          factor)
    out = RUNS / f"{size}.json"
    out.unlink(missing_ok=True)
    print(f"running {toml} ({size:,} documents)", flush=True)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    done = subprocess.run([sys.executable, __file__, "--measure", str(toml), str(out),
                           "--interval", str(interval), "--max-rss-gb", str(limit_gb),
                           "--min-available-gb", str(min_available_gb)],
                          cwd=REPO, env=env)
    if done.returncode == ABORTED:
        print(f"  {size:,} docs: {json.loads(out.read_text())['aborted']}", flush=True)
        return None
    if done.returncode != 0:
        sys.exit(f"measuring {size:,} documents failed (exit status {done.returncode})")
    figures = json.loads(out.read_text())
    figures["docs"] = size
    figures["count_factor"] = round(factor, 4)
    figures["generate_seconds"] = json.loads((folder / ".complete.json").read_text())["seconds"]
    figures["machine"] = machine()
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(f"  {size:,} docs: {figures['run_seconds']:,.0f} s run + {figures['report_seconds']:.0f}"
          f" s report, peak RSS {figures['peak_rss_mb']:,.0f} MB (tree), "
          f"{figures['cpu_share']:.0%} of the CPUs, mean load {figures['mean_load']}", flush=True)
    return figures


def short(n: int) -> str:
    """100000 -> 100k, 1000000 -> 1M."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _fmt(v: Any, digits: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _table(header: list[str], rows: list[list[Any]], align: str = "") -> str:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summarize(runs: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """Ratios against the smallest size, and the markdown tables."""
    runs = sorted(runs, key=lambda r: r["docs"])
    base = runs[0]
    others = runs[1:]
    names = [short(r["docs"]) for r in runs]
    ratio_cols = [f"{short(r['docs'])}/{names[0]} (ideal {r['docs'] / base['docs']:g})"
                  for r in others]

    summary: dict[str, Any] = {"base_docs": base["docs"], "ratios": {}}
    for r in others:
        summary["ratios"][str(r["docs"])] = {
            "ideal": round(r["docs"] / base["docs"], 3),
            "run_seconds": _ratio(r["run_seconds"], base["run_seconds"]),
            "wall_seconds": _ratio(r["wall_seconds"], base["wall_seconds"]),
            "cpu_seconds": _ratio(r["cpu_seconds"], base["cpu_seconds"]),
            "stage_seconds": _ratio(sum(s["seconds"] for s in r["stages"]),
                                    sum(s["seconds"] for s in base["stages"])),
            "peak_rss_mb": _ratio(r["peak_rss_mb"], base["peak_rss_mb"]),
            "peak_proc_rss_mb": _ratio(r["peak_proc_rss_mb"], base["peak_proc_rss_mb"]),
        }

    md = []
    md.append("### Totals\n")
    rows = []
    for r in runs:
        rows.append([short(r["docs"]), r["shards"], r["input_mb"], r["curated_rows"],
                     r["run_seconds"], r["report_seconds"], r["cpu_seconds"],
                     r["rows_per_s"], r["peak_rss_mb"], r["peak_proc_rss_mb"],
                     r["peak_pss_mb"], f"{r['cpu_share']:.0%}", r["mean_load"],
                     _code(r)])
    md.append(_table(["docs", "shards", "input MB", "curated rows", "run s", "report s",
                      "CPU s", "rows/s", "peak RSS MB (tree)", "largest process MB",
                      "peak PSS MB", "CPU share", "mean load", "code"], rows,
                     "l" + "r" * 12 + "l"))
    codes = {_code(r) for r in runs if r.get("code")}
    if len(codes) > 1:
        md.append(f"\n**The sizes were measured on different code ({', '.join(sorted(codes))})"
                  "; their ratios mix code changes with growth.**")
    if others:
        md.append("\n### Growth against " + names[0] + "\n")
        rows = []
        for r in others:
            g = summary["ratios"][str(r["docs"])]
            rows.append([f"{short(r['docs'])}/{names[0]}", g["ideal"], g["run_seconds"],
                         g["cpu_seconds"], g["stage_seconds"], g["peak_rss_mb"],
                         g["peak_proc_rss_mb"]])
        md.append(_table(["sizes", "ideal (docs ratio)", "run time", "CPU time",
                          "stage seconds", "peak RSS (tree)", "largest process"], rows))

    md.append("\n### Per pass and global-stage fit: wall seconds\n")
    keys = [ph["key"] for ph in base["phases"]]
    labels = {ph["key"]: ph["label"] for ph in base["phases"]}
    by = [{ph["key"]: ph for ph in r["phases"]} for r in runs]
    rows = []
    for k in keys:
        vals = [b.get(k, {}).get("wall_s") for b in by]
        rows.append([k, labels[k], *vals, *[_ratio(v, vals[0]) for v in vals[1:]]])
    md.append(_table(["phase", "what", *[f"{n} s" for n in names], *ratio_cols], rows,
                     "ll" + "r" * (len(names) + len(others))))

    md.append("\n### Per pass and global-stage fit: CPU seconds of the process tree\n")
    rows = []
    for k in keys:
        vals = [b.get(k, {}).get("cpu_s") for b in by]
        rows.append([k, *vals, *[_ratio(v, vals[0]) for v in vals[1:]]])
    md.append(_table(["phase", *[f"{n} CPU s" for n in names], *ratio_cols], rows))

    md.append("\n### Per pass and global-stage fit: peak RSS of the process tree (MB)\n")
    rows = []
    for k in keys:
        vals = [b.get(k, {}).get("peak_rss_mb") for b in by]
        big = [b.get(k, {}).get("peak_proc_rss_mb") for b in by]
        which = by[-1].get(k, {}).get("peak_proc") or "–"
        rows.append([k, *vals, *[_ratio(v, vals[0]) for v in vals[1:]], *big, which])
    md.append(_table(["phase", *[f"{n} MB" for n in names],
                      *[c.split(" (")[0] for c in ratio_cols],
                      *[f"{n} largest proc MB" for n in names],
                      f"largest proc at {names[-1]}"], rows,
                     "l" + "r" * (2 * len(names) + len(others)) + "l"))

    md.append("\n### Per stage: task seconds (summed over shards; global: observe + fit + "
              "transform)\n")
    stage_by = [{s["stage"]: s for s in r["stages"]} for r in runs]
    rows = []
    for s in base["stages"]:
        vals = [b.get(s["stage"], {}).get("seconds") for b in stage_by]
        fits = [b.get(s["stage"], {}).get("fit_seconds") for b in stage_by]
        rows.append([s["stage"], s["kind"], s["where"], *vals,
                     *[_ratio(v, vals[0]) for v in vals[1:]],
                     " / ".join(_fmt(f, 2) for f in fits) if s["kind"] == "global" else ""])
    md.append(_table(["stage", "kind", "where", *[f"{n} s" for n in names], *ratio_cols,
                      "of which fit s"], rows, "lll" + "r" * (len(names) + len(others) + 1)))
    return summary, "\n".join(md) + "\n"


def _code(run: dict[str, Any]) -> str:
    """The commit a size was measured on, + "+N changed" for uncommitted files; "?" when
    not recorded."""
    code = run.get("code") or {}
    commit = code.get("commit") or "?"
    return commit + (f" +{len(code['changed'])} changed" if code.get("changed") else "")


def describe_machine(runs: list[dict[str, Any]]) -> str:
    """One line on the machine and the conditions."""
    m = runs[-1]["machine"]
    v = runs[-1]["versions"]
    loads = ", ".join(f"{short(r['docs'])} {r['mean_load']}" for r in runs)
    return (f"{m['cpus']} vCPUs ({m['cpu_model']}), {m['memory_gib']} GiB RAM, "
            f"{m['platform']}; Python {v.get('python')}, Ray {v.get('ray')}, polars "
            f"{v.get('polars')}; engine ray with {runs[-1]['engine'].get('num_cpus') or 'all'} "
            f"CPUs. Shared machine: mean 1-minute load average during the runs {loads}.")


def main() -> None:
    """Run the series and write bench/results/scale.json and scale.md."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke check at {', '.join(map(short, QUICK_SIZES))} documents")
    parser.add_argument("--num-cpus", type=int, default=None,
                        help="CPUs for Ray (all when unset)")
    parser.add_argument("--skip-existing", action="store_true",
                        help="reuse bench/results/scale-runs/SIZE.json where it exists")
    parser.add_argument("--interval", type=float, default=0.2, help="RSS sampling interval, s")
    parser.add_argument("--fixed-counts", action="store_true",
                        help="keep sample.toml's absolute row-count targets (augment) as they "
                             "are instead of scaling them with the corpus")
    parser.add_argument("--max-rss-gb", type=float,
                        default=round(0.8 * psutil.virtual_memory().total / 2**30, 1),
                        help="stop a run whose process tree passes this RSS, GiB (default 80%% "
                             "of the machine's memory; 1M documents peak at about 16 GiB); "
                             "larger sizes are then skipped")
    parser.add_argument("--min-available-gb", type=float, default=1.5,
                        help="stop a run when the machine's available memory falls below this")
    parser.add_argument("--measure", nargs=2, metavar=("TOML", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        measure_one(Path(args.measure[0]), Path(args.measure[1]), args.interval,
                    args.max_rss_gb * 1024, args.min_available_gb * 1024)
        return

    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    RUNS.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(RESULTS).free / 2**30
    if free < 0.01 * max(sizes) / 1000 + 5:  # about 10 MB per 1k documents, and a margin
        sys.exit(f"only {free:.0f} GiB free under {RESULTS}; not starting")
    models = model_dir()
    runs = []
    for size in sizes:
        existing = RUNS / f"{size}.json"
        if args.skip_existing and existing.is_file():
            figures = json.loads(existing.read_text())
            if figures.get("docs") == size:
                print(f"reusing {existing}", flush=True)
                runs.append(figures)
                continue
        figures = run_size(size, models, args.num_cpus, args.interval, args.fixed_counts,
                           args.max_rss_gb, args.min_available_gb)
        if figures is None:
            print(f"skipping sizes above {size:,}", flush=True)
            break
        runs.append(figures)
    if not runs:
        sys.exit("no size completed")

    summary, md = summarize(runs)
    text = f"## Scale: the sample pipeline on ray\n\n{describe_machine(runs)}\n\n{md}"
    name = "scale-quick" if args.quick and not args.sizes else "scale"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    payload = {"benchmark": name, "machine": machine(), "pipeline": str(SAMPLE_PIPELINE),
               "docs_per_shard": DOCS_PER_SHARD, "summary": summary,
               "runs": [{k: v for k, v in r.items() if k != "machine"} | {"machine": r["machine"]}
                        for r in runs]}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print("\n" + text)
    print(f"wrote {RESULTS / (name + '.json')} and {RESULTS / (name + '.md')}")


if __name__ == "__main__":
    main()
