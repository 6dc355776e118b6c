"""`[pipeline] output_format = "jsonl"` / `"jsonl.gz"`: curated/ and rejected/ also exported as
JSON lines into export/, one file per Parquet shard with the same rows and columns, the same
bytes on every run; the run folder's Parquet is untouched by the option."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from curate.cli.main import main
from curate.cli.tune import tune
from curate.engine import run_pipeline
from curate.errors import ConfigError
from tests.conftest import make_config

STAGES = [{"op": "normalize"}, {"op": "length_filter", "min_chars": 12}]
# Two inputs with different columns; a text normalize changes (the bell), one too short, one
# null, and line separators JSON keeps raw inside a string (a naive line reader splits there).
INPUTS = {
    "a.parquet": {"id": ["a1", "a2", "a3", "a4"],
                  "text": ["first document\u2028with a line separator", "short",
                           "ring the bell\x07 please", None],
                  "title": ["One", "Two", None, "Four"]},
    "b.parquet": {"id": ["b1", "b2"],
                  "text": ["数据质量决定模型上限。\u0085下一行", "another document here"],
                  "url": ["https://b/1", None]},
}


def write_inputs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in INPUTS.items():
        pl.DataFrame(rows).write_parquet(folder / name)


def run(tmp_path: Path, output: str, output_format: str) -> Path:
    if not (tmp_path / "in").exists():
        write_inputs(tmp_path / "in")
    run_pipeline(make_config(tmp_path, STAGES, output=output, output_format=output_format))
    return tmp_path / output


def jsonl_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def read_jsonl(path: Path, schema: pl.Schema) -> pl.DataFrame:
    return pl.read_ndjson(jsonl_bytes(path), schema=schema)


@pytest.mark.parametrize("output_format", ["jsonl", "jsonl.gz"])
def test_each_shard_is_exported_with_the_same_rows(tmp_path: Path, output_format: str) -> None:
    folder = run(tmp_path, "run", output_format)
    for name in ("curated", "rejected"):
        shards = sorted((folder / name).glob("*.parquet"))
        exported = sorted((folder / "export" / name).iterdir())
        assert [p.name for p in exported] == [f"{p.stem}.{output_format}" for p in shards]
        for parquet, jsonl in zip(shards, exported, strict=True):
            rows = pl.read_parquet(parquet)
            assert read_jsonl(jsonl, rows.schema).equals(rows)
            lines = jsonl_bytes(jsonl).decode().splitlines()
            assert len(lines) == rows.height  # a line is a row, for any line reader
    # Every input row is recoverable from the export alone: its id and its input text.
    curated = pl.concat([read_jsonl(p, pl.Schema({"id": pl.String, "text": pl.String,
                                                  "text_original": pl.String}))
                         for p in sorted((folder / "export" / "curated").iterdir())])
    rejected = pl.concat([read_jsonl(p, pl.Schema({"id": pl.String, "text": pl.String}))
                          for p in sorted((folder / "export" / "rejected").iterdir())])
    recovered = pl.concat([
        curated.select("id", pl.coalesce("text_original", "text").alias("text")), rejected])
    assert recovered.sort("id").rows() == [
        (i, t) for rows in INPUTS.values() for i, t in zip(rows["id"], rows["text"], strict=True)]
    assert sorted(rejected["id"]) == ["a2", "a4"]
    assert curated.filter(pl.col("id") == "a3").row(0) == (
        "a3", "ring the bell please", "ring the bell\x07 please")


def test_the_export_is_the_same_bytes_on_every_run(tmp_path: Path) -> None:
    first, second = run(tmp_path, "first", "jsonl.gz"), run(tmp_path, "second", "jsonl.gz")
    files = sorted(p.relative_to(first) for p in (first / "export").rglob("*") if p.is_file())
    assert [p.as_posix() for p in files] == [
        "export/curated/part-00000-000.jsonl.gz", "export/curated/part-00001-000.jsonl.gz",
        "export/rejected/part-00000-p0-000.jsonl.gz"]
    for path in files:
        data = (first / path).read_bytes()
        assert data == (second / path).read_bytes()
        assert data[3] == 0 and data[4:8] == bytes(4)  # no file name, no time in the header
    # The option adds export/ and changes nothing else in the run folder.
    plain = run(tmp_path, "plain", "parquet")
    assert not (plain / "export").exists()
    parquet = sorted(p.relative_to(plain) for p in plain.rglob("*.parquet"))
    assert parquet == sorted(p.relative_to(first) for p in first.rglob("*.parquet"))
    assert all((plain / p).read_bytes() == (first / p).read_bytes() for p in parquet)


def test_a_tuned_run_is_exported_too(tmp_path: Path) -> None:
    folder = run(tmp_path, "run", "jsonl")
    tune(folder, ["length_filter.min_chars=30"], out=tmp_path / "tuned")
    tuned = tmp_path / "tuned"
    for name in ("curated", "rejected"):
        shards = sorted((tuned / name).glob("*.parquet"))
        assert sorted(p.name for p in (tuned / "export" / name).iterdir()) == [
            f"{p.stem}.jsonl" for p in shards]
        for parquet in shards:
            rows = pl.read_parquet(parquet)
            exported = tuned / "export" / name / f"{parquet.stem}.jsonl"
            assert read_jsonl(exported, rows.schema).equals(rows)


def test_an_unknown_format_is_a_config_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    write_inputs(tmp_path / "in")
    (tmp_path / "p.toml").write_text('[pipeline]\ninput = "in"\noutput = "run"\n'
                                     '[[stage]]\nop = "normalize"\n', encoding="utf-8")
    code = main(["validate", str(tmp_path / "p.toml"), "--set", "pipeline.output_format=json"])
    assert code == 2
    assert capsys.readouterr().err == (
        'error: pipeline.output_format: expected "parquet" | "jsonl" | "jsonl.gz", got "json" '
        '(did you mean "jsonl"?)\n')


def test_an_input_glob_that_would_read_the_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data" / "in").mkdir(parents=True)
    (tmp_path / "data" / "in" / "a.jsonl").write_text('{"id": "a", "text": "some words"}\n')
    stages = [{"op": "normalize"}]
    plain = make_config(tmp_path, stages, input_dir="data/**/*.jsonl", output="data/run")
    run_pipeline(plain)  # Parquet output: the glob does not reach it
    exported = make_config(tmp_path, stages, input_dir="data/**/*.jsonl", output="data/run",
                           output_format="jsonl")
    with pytest.raises(ConfigError, match=r"^pipeline.output: run folder .*data/run is inside "
                       r"the input .*data/\*\*/\*.jsonl; its output would be read as input"):
        run_pipeline(exported, overwrite=True)
