"""`[engine]` options of Ray tasks: the CPUs and memory each task reserves, retries after a
worker dies but not after a task's own error, and models loaded once per worker process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curate.config import EngineSection
from curate.engine.executors import RayExecutor
from curate.errors import ConfigError, CurateError
from curate.models import LinearModel
from curate.models.linear import LinearOptions
from tests.cluster import probes
from tests.conftest import make_config


@pytest.fixture(scope="module")
def ray_here() -> Iterator[None]:
    """A Ray with 2 CPUs in this process, started for 2-CPU tasks; executors made while it
    runs share it."""
    starter = RayExecutor(EngineSection(num_cpus=2, task_cpus=2))
    try:
        yield
    finally:
        starter.close()


def engine(tmp_path: Path, **table: object) -> EngineSection:
    (tmp_path / "in").mkdir(exist_ok=True)
    return make_config(tmp_path, [], engine={"kind": "ray", **table}).engine


def test_task_sizes_and_retries_default_to_one_cpu_no_memory_and_three(tmp_path: Path) -> None:
    default = engine(tmp_path)
    assert (default.task_cpus, default.task_memory_mb, default.max_retries) == (1.0, None, 3)
    sized = engine(tmp_path, task_cpus=0.5, task_memory_mb=2048, max_retries=0)
    assert (sized.task_cpus, sized.task_memory_mb, sized.max_retries) == (0.5, 2048, 0)


@pytest.mark.parametrize(("table", "message"), [
    ({"task_cpus": 0}, "engine.task_cpus: must be > 0, got 0.0"),
    ({"task_memory_mb": 0}, "engine.task_memory_mb: must be >= 1, got 0"),
    ({"task_memory_mb": "2GB"}, 'engine.task_memory_mb: expected an integer, got "2GB"'),
    ({"max_retries": -1}, "engine.max_retries: must be >= 0, got -1"),
])
def test_bad_task_sizes_and_retries_are_errors_naming_the_key(
    tmp_path: Path, table: dict, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        engine(tmp_path, **table)
    assert str(error.value) == message


def test_each_task_holds_its_cpus_and_memory_and_as_many_polars_threads(ray_here: None) -> None:
    executor = RayExecutor(EngineSection(task_cpus=2, task_memory_mb=64))
    # 2 CPUs hold one task of 2 CPUs: twice that many in flight.
    assert executor.max_in_flight == 2
    [(held, threads)] = executor(probes.assigned_resources, [(0,)])
    assert held["CPU"] == 2.0 and held["memory"] == 64 * 2**20
    assert threads == "2"


def test_a_pass_reserves_what_its_stages_ask_for(ray_here: None) -> None:
    executor = RayExecutor(EngineSection())
    [(held, _)] = list(executor.map_unordered(probes.assigned_resources, [0],
                                              resources=(2.0, 32)))
    assert held["CPU"] == 2.0 and held["memory"] == 32 * 2**20
    with pytest.raises(CurateError, match=r"^stage\[4\]\.resources\.cpus: 3 per task"):
        executor.check_fits(3, None, "stage[4].resources.")


def test_a_task_larger_than_every_node_is_refused_up_front(ray_here: None) -> None:
    with pytest.raises(CurateError, match=r"engine.task_cpus: 3 per task, but no node of the "
                                          r"Ray cluster has that much \(the largest has 2\)"):
        RayExecutor(EngineSection(task_cpus=3))
    with pytest.raises(CurateError, match=r"^engine\.task_memory_mb: 1000000000 per task"):
        RayExecutor(EngineSection(task_memory_mb=10**9))


def test_models_load_once_per_worker_process(ray_here: None, tmp_path: Path) -> None:
    classifier = LinearModel.train(["球队 在 比赛 中 获胜", "股市 上涨 投资者 收益"] * 20,
                                   ["sports", "finance"] * 20, LinearOptions(buckets=2**16))
    path = str(classifier.save(tmp_path / "domain.bin"))
    executor = RayExecutor(EngineSection(max_in_flight=1))

    seen = list(executor.map_unordered(probes.loaded_models, [path] * 8))

    models: dict[int, set[tuple[int, int, int]]] = {}
    for pid, loaded in seen:
        models.setdefault(pid, set()).add(loaded)
    assert len(models) < len(seen), "Ray reuses worker processes"
    assert all(len(loaded) == 1 for loaded in models.values()), models


def test_a_task_whose_worker_died_runs_again(ray_here: None, tmp_path: Path) -> None:
    executor = RayExecutor(EngineSection(max_retries=1))
    assert executor(probes.die_on_first_try, [(str(tmp_path / "died"),)]) == ["done"]


def test_a_task_whose_worker_died_more_than_max_retries_stops_with_a_curate_error(
    ray_here: None, tmp_path: Path
) -> None:
    executor = RayExecutor(EngineSection(max_retries=0))
    with pytest.raises(CurateError, match=r"^engine: a Ray task failed \(WorkerCrashedError"):
        executor(probes.die_on_first_try, [(str(tmp_path / "died"),)])


def test_a_task_that_raises_a_curate_error_is_not_retried(
    ray_here: None, tmp_path: Path
) -> None:
    executor = RayExecutor(EngineSection(max_retries=3))
    log = tmp_path / "attempts"
    with pytest.raises(CurateError, match=r"^shard 7: not a readable Parquet file$"):
        executor(probes.fail_with_curate_error, [(str(log),)])
    assert log.read_text() == "attempt\n"
