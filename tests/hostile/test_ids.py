"""Document ids key rejected/, stats/, `dup_of` and `curate explain`, so they must be unique:
a duplicate is an error naming the id and both places; a missing id is derived from file and
row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.hostile.conftest import (
    assert_conserved,
    error_line,
    manifest,
    outcome,
    pipeline,
    run_cli,
    write_lines,
    write_parquet,
)

HINT = "; ids must be unique (drop the id column to derive ids from file and row)"


@pytest.mark.parametrize("on_error", ["fail", "quarantine"])
def test_an_id_in_two_shards_is_an_error_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], on_error: str
) -> None:
    a = write_parquet(tmp_path / "in" / "a.parquet",
                      {"id": ["x1", "x2", "x3"], "text": ["one doc", "two docs", "three docs"]})
    b = write_lines(tmp_path / "in" / "b.jsonl", ['{"id": "y1", "text": "four docs"}',
                                                  '{"id": "x2", "text": "five docs"}'])
    code, _, err = run_cli(tmp_path, capsys, pipeline(f'on_error = "{on_error}"'))
    assert code == 1
    assert error_line(err) == f"duplicate id 'x2': {a} row 1 and {b} row 1{HINT}"
    assert manifest(tmp_path / "run")["status"] == "failed"


def test_ids_repeated_within_a_shard_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_parquet(tmp_path / "in" / "a.parquet",
                      {"id": ["k", "j", "k", "j", "i", "h", "h"], "text": ["doc"] * 7})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (f"duplicate id 'k': {a} row 0 and {a} row 2 (2 more ids occur "
                               f"more than once){HINT}")


def test_a_given_id_equal_to_a_derived_one_is_a_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_parquet(tmp_path / "in" / "a.parquet", {"id": ["b.jsonl:0"], "text": ["a doc"]})
    b = write_lines(tmp_path / "in" / "b.jsonl", ['{"text": "another doc"}'])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"duplicate id 'b.jsonl:0': {a} row 0 and {b} row 0{HINT}"


def test_null_ids_are_derived_and_integer_ids_become_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_parquet(tmp_path / "in" / "a.parquet",
                  {"id": ["given", None, None], "text": ["doc one", "doc two", "doc three"]})
    write_parquet(tmp_path / "in" / "sub" / "b.parquet", {"id": [7, 8], "text": ["doc 7", "doc 8"]},
                  schema={"id": pl.Int64, "text": pl.String})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    ids = ["7", "8", "a.parquet:1", "a.parquet:2", "given"]
    assert outcome(tmp_path / "run") == (ids, [])
    assert_conserved(tmp_path / "run", ids)
