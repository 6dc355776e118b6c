"""Ray with 1 and 2 CPUs and the local engine write byte-identical files."""

from __future__ import annotations

from pathlib import Path

from curate.engine import run_pipeline
from tests.conftest import make_config
from tests.engine.corpus import STAGES, write_synthetic


def output_bytes(run: Path) -> dict[str, bytes]:
    return {
        p.relative_to(run).as_posix(): p.read_bytes()
        for folder in ("curated", "rejected", "stats")
        for p in sorted((run / folder).glob("*.parquet"))
    }


def test_engines_and_cpu_counts_give_identical_outputs(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "in", shards=4, rows=300)
    engines = {
        "local": {"kind": "local"},
        "ray1": {"kind": "ray", "num_cpus": 1},
        "ray2": {"kind": "ray", "num_cpus": 2},
    }
    outputs = {}
    for name, engine in engines.items():
        run_pipeline(make_config(tmp_path, STAGES, engine=engine, output=name))
        outputs[name] = output_bytes(tmp_path / name)
    assert len(outputs["local"]) >= 12
    assert outputs["local"] == outputs["ray1"] == outputs["ray2"]
