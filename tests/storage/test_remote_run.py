"""A pipeline whose input and output are S3 URIs (a local moto server): shards are read from
the object store by the tasks, the run is built in its staging folder and uploaded when it
completes, and the result equals a run on local files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from curate.cli.main import main
from curate.io import fs, read_corpus
from tests.conftest import write_corpus
from tests.storage.s3 import s3_endpoint

SHARDS = [["a tidy first document with enough words in it", "short", None],
          ["a tidy first document with enough words in it", "another fine document of words"]]

PIPELINE = """[pipeline]
input = "{input}"
output = "{output}"
staging = "staging"
[engine]
kind = "{engine}"
num_cpus = 1
[[stage]]
op = "normalize"
[[stage]]
op = "length_filter"
min_words = 3
[[stage]]
op = "exact_dedup"
"""


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The S3 options; the corpus is uploaded to s3://corpus/in/."""
    local = write_corpus(tmp_path_factory.mktemp("s3-corpus") / "in", SHARDS)
    with s3_endpoint("corpus") as options:
        fs.upload(local, f"s3://corpus/in?{options}")
        yield options


def run(tmp_path: Path, input: str, output: str, engine: str = "local", *flags: str) -> int:
    toml = tmp_path / "p.toml"
    toml.write_text(PIPELINE.format(input=input, output=output, engine=engine))
    return main(["run", str(toml), "--quiet", *flags])


def outcome(run_dir: str | Path) -> tuple[list[str], list[tuple[str, str]]]:
    curated = read_corpus(f"{run_dir}/curated" if isinstance(run_dir, Path) else
                          fs.join(str(run_dir), "curated"))
    rejected = read_corpus(f"{run_dir}/rejected" if isinstance(run_dir, Path) else
                           fs.join(str(run_dir), "rejected"))
    return (sorted(curated["id"]),
            sorted(zip(rejected["id"], rejected["reason"], strict=True)))


@pytest.fixture(scope="module")
def local_outcome(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    root = tmp_path_factory.mktemp("local-run")
    write_corpus(root / "in", SHARDS)
    assert run(root, "in/*.parquet", "run") == 0
    return outcome(root / "run")


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_an_s3_corpus_curated_into_s3_equals_the_local_run(tmp_path: Path, s3: str,
                                                           local_outcome: tuple,
                                                           engine: str) -> None:
    out = f"s3://corpus/runs/{engine}?{s3}"
    assert run(tmp_path, f"s3://corpus/in/*.parquet?{s3}", out, engine) == 0

    assert outcome(out) == local_outcome
    assert local_outcome == (["d0-0", "d1-1"], [("d0-1", "too_few_words"),
                                                ("d0-2", "null_text"),
                                                ("d1-0", "exact_duplicate")])
    manifest = pl.read_json(fs.open_input(fs.join(out, "manifest.json")).read())
    assert manifest["status"].item() == "complete"
    assert not any("/work/" in f for f in fs.list_files(out))  # scratch stays in staging
    assert (tmp_path / "staging" / "manifest.json").is_file()


def test_a_finished_s3_run_is_not_replaced_without_overwrite(tmp_path: Path, s3: str,
                                                             capsys: pytest.CaptureFixture,
                                                             ) -> None:
    out = f"s3://corpus/runs/again?{s3}"
    assert run(tmp_path, f"s3://corpus/in?{s3}", out) == 0
    capsys.readouterr()
    assert run(tmp_path, f"s3://corpus/in?{s3}", out) == 2
    assert "already holds a run; use --overwrite" in capsys.readouterr().err
    assert run(tmp_path, f"s3://corpus/in?{s3}", out, "local", "--overwrite") == 0


def test_an_output_inside_the_s3_input_is_refused(tmp_path: Path, s3: str,
                                                  capsys: pytest.CaptureFixture) -> None:
    assert run(tmp_path, f"s3://corpus/in?{s3}", f"s3://corpus/in/run?{s3}") == 2
    assert "overlaps the input" in capsys.readouterr().err
