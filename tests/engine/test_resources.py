"""Per-stage resources: a `[[stage]] resources` table makes every task of the stage's pass
reserve more CPUs or memory than `[engine]` gives a task."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.engine.plan import make_plan
from curate.errors import ConfigError
from tests.conftest import make_config


def test_a_pass_reserves_the_most_any_of_its_stages_asks_for(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    config = make_config(tmp_path, [
        {"op": "length_filter", "resources": {"memory_mb": 512}},
        {"op": "quality_score", "resources": {"cpus": 2}},
        {"op": "exact_dedup"},
        {"op": "length_filter", "name": "again"},
    ], engine={"kind": "local", "task_memory_mb": 256})
    first, second = make_plan(config)
    assert first.resources(config.engine) == (2.0, 512)  # quality_score's CPUs, filter's memory
    assert second.resources(config.engine) == (1.0, 256)  # the engine's task size


@pytest.mark.parametrize(("resources", "message"), [
    ({"cpus": 0}, "stage[1].resources.cpus: must be > 0, got 0"),
    ({"memory_mb": -5}, "stage[1].resources.memory_mb: must be > 0, got -5"),
    ({"gpus": 1}, "stage[1].resources.gpus: unknown key"),
    (2, "stage[1].resources: expected a table"),
])
def test_bad_resources_name_the_key(tmp_path: Path, resources: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        make_config(tmp_path, [{"op": "length_filter", "resources": resources}])
    assert str(error.value).startswith(message)
