"""Damaged files: a truncated Parquet footer, invalid UTF-8 inside Parquet, a broken gzip, JSONL
lines that are not objects. Each is one line naming the file (and line, column, row), exit 1,
the input untouched; under the default on_error = "fail" nothing is written before the error
when the damage shows in the Parquet footer."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.hostile.conftest import (
    corrupt_data_pages,
    error_line,
    good_shard,
    manifest,
    run_cli,
    snapshot,
    write_lines,
)


def test_a_truncated_parquet_footer_fails_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    bad = good_shard(tmp_path / "in", "b.parquet", "b")
    bad.write_bytes(bad.read_bytes()[:-12])
    before = snapshot(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (
        f"{bad}: not a readable Parquet file (Parquet magic bytes not found in footer. Either "
        "the file is corrupted or this is not a parquet file.)")
    assert not (tmp_path / "run").exists()
    assert snapshot(tmp_path / "in") == before


def test_invalid_utf8_inside_parquet_names_column_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    values = pa.array([b"fine text", b"caf\xe9 latin-1"], type=pa.binary()).view(pa.string())
    bad = tmp_path / "in" / "b.parquet"
    pq.write_table(pa.table({"text": values}), bad)
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"{bad}: invalid UTF-8 in column 'text', row 1 (byte 0xe9)"


def test_a_broken_gzip_names_the_file(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "in" / "b.jsonl.gz"
    bad.parent.mkdir()
    bad.write_bytes(gzip.compress(b'{"text": "a good line"}\n' * 50)[:30])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (f"{bad}: cannot read (Compressed file ended before the "
                               "end-of-stream marker was reached)")


@pytest.mark.parametrize(
    ("line", "kind"),
    [("[1, 2]", "an array"), ('"just a string"', "a string"), ("42", "a number"),
     ("null", "null"), ("true", "a boolean")],
)
def test_a_jsonl_line_that_is_not_an_object_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, kind: str
) -> None:
    good_shard(tmp_path / "in")
    bad = write_lines(tmp_path / "in" / "b.jsonl", ['{"text": "a good line"}', "", line])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"{bad}:3: expected a JSON object, got {kind}"


def test_a_line_that_is_not_json_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_lines(tmp_path / "in" / "b.jsonl", ['{"text": "a good line"}',
                                                    '{"text": "cut off'])
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (f"{bad}:2: not valid JSON (Unterminated string starting at)")


def test_a_failed_run_keeps_the_good_shards_outputs_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    write_lines(tmp_path / "in" / "b.jsonl", ["[1, 2]"])
    code, _, _ = run_cli(tmp_path, capsys)
    assert code == 1
    run = tmp_path / "run"
    assert sorted(p.name for p in (run / "curated").iterdir()) == ["part-00000-000.parquet"]
    assert not list(run.rglob("*.tmp"))
    assert manifest(run)["status"] == "failed"
    assert manifest(run)["error"] == f"{tmp_path / 'in' / 'b.jsonl'}:1: expected a JSON object, " \
        "got an array"


def test_corrupt_data_behind_a_good_footer_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    bad = corrupt_data_pages(tmp_path / "in" / "b.parquet")
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == (f"{bad}: not a readable Parquet file (ZSTD decompression failed: "
                               "Data corruption detected)")
