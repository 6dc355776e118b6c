"""A global stage's fit resumes at phase granularity: a run killed inside minhash_dedup's fit
resumes it from its first unfinished phase, and one killed after the fit (before the pass that
applies it) does not fit again. Local engine, so it runs in the fast suite; the same on a
cluster is in test_driver_failure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from curate.config import load_config
from curate.engine import run_pipeline
from curate.ops.dedup import minhash
from tests.cluster.drivers import (
    FIT,
    ROWS,
    SHARDS,
    assert_each_id_once,
    curate_driver,
    fits_done,
    kill_driver,
    wait_until,
    write_pipeline,
)
from tests.engine.test_determinism import output_bytes


def counted(fn: Callable[..., Any], calls: Counter[str]) -> Callable[..., Any]:
    def counting(*args: Any) -> Any:
        calls[fn.__name__] += 1
        return fn(*args)
    return counting


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls, in this process, of the fit and of the tasks of three of its phases."""
    made: Counter[str] = Counter()
    for name in ("shuffle_band_keys", "bucket_edges", "attach_attributes"):
        monkeypatch.setattr(minhash, name, counted(getattr(minhash, name), made))
    monkeypatch.setattr(minhash.MinHashDedup, "fit", counted(minhash.MinHashDedup.fit, made))
    return made


def killed_at(corpus: Path, name: str, ready: Callable[[Path], bool]) -> Path:
    """Start a local-engine run, SIGKILL it once `ready(run folder)` holds; its pipeline."""
    pipeline = write_pipeline(corpus, name, name, 'kind = "local"')
    proc = curate_driver("run", pipeline, "--quiet", cwd=corpus)
    wait_until(proc, lambda: ready(corpus / name))
    kill_driver(proc)
    return corpus / pipeline


def test_a_run_killed_inside_a_fit_resumes_from_the_first_unfinished_phase(
    corpus: Path, calls: Counter[str]
) -> None:
    pipeline = killed_at(corpus, "in-fit",
                         lambda run: (run / "work" / f"fit-{FIT}" / "lsh-edges.done.json").exists())
    assert FIT not in fits_done(corpus / "in-fit")

    run_pipeline(load_config(pipeline), resume=True)

    assert output_bytes(corpus / "in-fit") == output_bytes(corpus / "reference")
    assert_each_id_once(corpus / "in-fit", SHARDS * ROWS)
    assert calls == {"fit": 1, "attach_attributes": SHARDS}  # no LSH shuffle, no bucket edges


def test_a_run_killed_after_a_fit_does_not_fit_again(corpus: Path, calls: Counter[str]) -> None:
    pipeline = killed_at(corpus, "after-fit", lambda run: FIT in fits_done(run))
    fitted = fits_done(corpus / "after-fit")[FIT]

    run_pipeline(load_config(pipeline), resume=True)

    assert output_bytes(corpus / "after-fit") == output_bytes(corpus / "reference")
    assert_each_id_once(corpus / "after-fit", SHARDS * ROWS)
    assert calls == {}
    assert fits_done(corpus / "after-fit")[FIT] == fitted
