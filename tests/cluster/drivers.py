"""A small pipeline with a global stage, and `curate` drivers that join a test cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cluster.cluster import LocalCluster
from tests.conftest import read_dir

# Paths are relative (to the pipeline file, and so to the driver's working folder): tasks on
# the worker node must resolve them as the driver does.
PIPELINE = """
[pipeline]
input = "in"
output = "{output}"

[engine]
{engine}

[[stage]]
op = "normalize"

[[stage]]
op = "length_filter"
min_words = 5

[[stage]]
op = "minhash_dedup"

[[stage]]
op = "length_filter"
name = "long_enough"
min_chars = 40
"""
FIT = "minhash_dedup"
# The size of the corpus the tests share (see conftest.corpus).
SHARDS, ROWS = 12, 1000


def write_pipeline(folder: Path, name: str, output: str, engine: str) -> str:
    """Write PIPELINE as `folder/name.toml` with the given `[engine]` lines; its file name."""
    (folder / f"{name}.toml").write_text(PIPELINE.format(output=output, engine=engine))
    return f"{name}.toml"


def curate_driver(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`curate ARGS` in a session of its own (with `env`, e.g. a cluster's environment)."""
    return subprocess.Popen([sys.executable, "-m", "curate.cli.main", *args], cwd=cwd,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def run_curate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    """`curate ARGS` to completion; fails the test with its stderr when it fails."""
    proc = curate_driver(*args, cwd=cwd, env=env)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")


def reached(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 300) -> bool:
    """Poll `ready` until it holds (True) or `proc` ends first (False); fail if time runs
    out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            pytest.fail("the awaited point never came")
        time.sleep(0.005)
    return True


def wait_until(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 300) -> None:
    """Poll `ready` until it holds; fail if `proc` ends first or time runs out."""
    if not reached(proc, ready, timeout):
        pytest.fail(f"the run ended before the awaited point: {proc.stderr.read().decode()}")


def kill_driver(proc: subprocess.Popen) -> None:
    """SIGKILL the driver (it joined the cluster, so it started no Ray processes)."""
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run finished before it could be killed"


def fits_done(run: Path) -> dict[str, dict]:
    """The `fits` entry of a run's manifest ({} while there is none)."""
    try:
        return json.loads((run / "manifest.json").read_text())["fits"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return {}


def assert_each_id_once(run: Path, expected: int) -> None:
    """Conservation, read from the files: every input id is in curated or rejected, once."""
    ids = pl.concat([read_dir(run / "curated")["id"], read_dir(run / "rejected")["id"]])
    assert ids.len() == ids.n_unique() == expected


def corpus_with_reference(root: Path) -> Path:
    """A synthetic corpus of SHARDS x ROWS under `root/in`, and its curated output from the
    local engine under `root/reference`."""
    from curate.config import load_config
    from curate.engine import run_pipeline
    from tests.engine.corpus import write_synthetic

    write_synthetic(root / "in", shards=SHARDS, rows=ROWS, seed=11)
    run_pipeline(load_config(root / write_pipeline(root, "reference", "reference",
                                                   'kind = "local"')))
    return root


def jobs_since(cluster: LocalCluster,
               before: dict[str, dict[str, Counter[str]]]) -> list[dict[str, Counter[str]]]:
    """The tasks each node started for each job (driver) that ran on the cluster since the
    snapshot `before` of `cluster.tasks_started()`."""
    return [tasks for job, tasks in sorted(cluster.tasks_started().items()) if job not in before]


def tasks_of_one_job_since(cluster: LocalCluster,
                           before: dict[str, dict[str, Counter[str]]]) -> dict[str, Counter[str]]:
    """The tasks each node started for the one job that ran on the cluster since `before`."""
    jobs = jobs_since(cluster, before)
    assert len(jobs) == 1, f"{len(jobs)} jobs ran on the cluster, not 1"
    return jobs[0]
