"""A run SIGKILLed mid-stage and resumed equals an uninterrupted run: no row lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import read_dir
from tests.engine.corpus import write_synthetic
from tests.engine.test_determinism import output_bytes

PIPELINE = """
[pipeline]
input = "in"
output = "{output}"
[engine]
kind = "{engine}"
num_cpus = 2
[[stage]]
op = "normalize"
[[stage]]
op = "length_filter"
min_words = 5
[[stage]]
op = "exact_dedup"
[[stage]]
op = "length_filter"
name = "long_enough"
min_chars = 40
"""


def curate(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "curate.cli.main", *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def kill_when(proc: subprocess.Popen, ready: callable, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"run ended before the kill point: {proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            pytest.fail("kill point never reached")
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and any Ray processes it started
    assert proc.wait() == -signal.SIGKILL, "the run finished before it could be killed"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resume")
    write_synthetic(root / "in", shards=24, rows=3000, seed=3)
    for engine in ("local", "ray"):
        (root / f"{engine}.toml").write_text(PIPELINE.format(output=f"run-{engine}",
                                                             engine=engine))
        (root / f"ref-{engine}.toml").write_text(PIPELINE.format(output="reference",
                                                                 engine=engine))
    assert curate("run", "ref-local.toml", "--quiet", cwd=root).wait() == 0
    return root


@pytest.mark.parametrize(
    ("engine", "folder", "done"),
    [
        ("local", "work/p0", 3),  # early in the first pass
        ("local", "work/p0", 22),  # late in the first pass
        ("local", "curated", 4),  # in the pass after the global stage
        ("ray", "work/p0", 10),
    ],
)
def test_killed_and_resumed_run_equals_uninterrupted(
    corpus_dir: Path, engine: str, folder: str, done: int
) -> None:
    run = corpus_dir / f"run-{engine}"
    args = (f"{engine}.toml", "--quiet")
    proc = curate("run", *args, "--overwrite", cwd=corpus_dir)
    kill_when(proc, lambda: len(list((run / folder).glob("part-*.parquet"))) >= done)

    resumed = curate("run", *args, "--resume", cwd=corpus_dir)
    assert resumed.wait() == 0, resumed.stderr.read().decode()

    assert output_bytes(run) == output_bytes(corpus_dir / "reference")
    ids = pl.concat([read_dir(run / "curated")["id"], read_dir(run / "rejected")["id"]])
    assert ids.len() == ids.n_unique() == 24 * 3000
