"""Shards whose schemas differ: extra and missing columns are unified, a missing or mistyped
text column (or id column) is an error naming the shard, before anything is written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.errors import DataError
from curate.io import read_corpus
from tests.hostile.conftest import (
    assert_conserved,
    error_line,
    good_shard,
    outcome,
    run_cli,
    write_lines,
    write_parquet,
)


def test_extra_and_missing_columns_are_unified(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    good_shard(tmp_path / "in")
    write_parquet(tmp_path / "in" / "b.parquet",
                  {"id": ["b0"], "text": ["a third document"], "source": ["web"], "n": [7]})
    write_lines(tmp_path / "in" / "c.jsonl", ['{"id": "c0", "text": "from jsonl", "n": "x"}'])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    assert_conserved(tmp_path / "run", ["a0", "a1", "b0", "c0"])
    curated = read_corpus(tmp_path / "run").sort("id")
    assert curated.select("id", "source", "n").rows() == [
        ("a0", None, None), ("a1", None, None), ("b0", "web", "7"), ("c0", None, "x")]


def test_pandas_index_column_is_dropped(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_parquet(tmp_path / "in" / "a.parquet",
                  {"text": ["a pandas document"], "__index_level_0__": [5]})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    assert pl.read_parquet(tmp_path / "run" / "curated" / "*.parquet").columns == [
        "text", "id", "text_original"]  # the stages include a cleaner


def test_categorical_text_is_read_as_strings(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    write_parquet(tmp_path / "in" / "a.parquet", {"id": ["a0"], "text": ["same words"]},
                  schema={"id": pl.String, "text": pl.Categorical})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    assert outcome(tmp_path / "run") == (["a0"], [])


@pytest.mark.parametrize(
    ("columns", "detail"),
    [
        ({"text": [1, 2]}, "column 'text' has type int64, expected a string column"),
        ({"body": ["x"]},
         "no text column 'text' (columns: body); set [pipeline] text_column = \"body\""),
        ({"text": ["x"], "id": [[1]]},
         "id column 'id' has type large_list<element: int64>, expected strings or integers"),
    ],
    ids=["int-text", "no-text", "list-id"],
)
def test_a_parquet_shard_of_another_schema_fails_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], columns: dict, detail: str
) -> None:
    good_shard(tmp_path / "in")
    bad = write_parquet(tmp_path / "in" / "b.parquet", columns)
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"{bad}: {detail}"
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('{"text": 42}', "'text' is a number, expected a string"),
        ('{"text": ["a", "b"]}', "'text' is an array, expected a string"),
        ('{"text": true}', "'text' is a boolean, expected a string"),
        ('{"text": {"t": "x"}}', "'text' is an object, expected a string"),
    ],
    ids=["number", "array", "boolean", "object"],
)
def test_a_jsonl_text_that_is_not_a_string_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, detail: str
) -> None:
    bad = write_lines(tmp_path / "in" / "b.jsonl", ['{"text": "a good line"}', line])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"{bad}:2: {detail}"


@pytest.mark.parametrize("escape", ["", "\\ud800"], ids=["fast-reader", "careful-reader"])
def test_a_jsonl_column_mixing_objects_and_strings_becomes_json_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], escape: str
) -> None:
    write_lines(tmp_path / "in" / "b.jsonl", [
        f'{{"id": "b0", "text": "one document{escape}", "meta": "plain"}}',
        '{"id": "b1", "text": "two documents", "meta": {"k": 1}}',
        '{"id": "b2", "text": "three documents", "meta": null}'])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    curated = read_corpus(tmp_path / "run").sort("id")
    assert curated["meta"].to_list() == ["plain", '{"k": 1}', None]


@pytest.mark.parametrize("column", ["reason", "stage"])
def test_an_input_column_named_like_an_engine_column_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    bad = write_parquet(tmp_path / "in" / "a.parquet", {"text": ["some text"], column: ["x"]})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (f"{bad}: column {column!r} is reserved (curate writes it into "
                               "rejected/ and stats/); rename or drop it")


def test_reading_shards_whose_column_types_cannot_be_combined(tmp_path: Path) -> None:
    write_lines(tmp_path / "a.jsonl", ['{"text": "x", "title": "plain"}'])
    write_lines(tmp_path / "b.jsonl", ['{"text": "y", "title": ["a", "list"]}'])
    with pytest.raises(DataError) as caught:
        read_corpus(tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'b.jsonl'}: column 'title' has type "
                                 f"List(String), but String in {tmp_path / 'a.jsonl'}")

