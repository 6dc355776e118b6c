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


# The engines and CPU counts whose output must be byte-identical.
ENGINES = {
    "local": {"kind": "local"},
    "ray1": {"kind": "ray", "num_cpus": 1},
    "ray2": {"kind": "ray", "num_cpus": 2},
}


def outputs_per_engine(tmp_path: Path, stages: list[dict]) -> dict[str, dict[str, bytes]]:
    """Run `stages` over tmp_path/in with each of ENGINES; each run's output files."""
    outputs = {}
    for name, engine in ENGINES.items():
        run_pipeline(make_config(tmp_path, stages, engine=engine, output=name))
        outputs[name] = output_bytes(tmp_path / name)
    return outputs


def test_engines_and_cpu_counts_give_identical_outputs(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "in", shards=4, rows=300)
    outputs = outputs_per_engine(tmp_path, STAGES)
    assert len(outputs["local"]) >= 12
    assert outputs["local"] == outputs["ray1"] == outputs["ray2"]
