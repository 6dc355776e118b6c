"""Shard I/O: formats, derived ids, and bad files reported by name and line."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from curate.errors import ConfigError, DataError
from curate.io import ROW_COLUMN, discover_shards, read_corpus, read_shard, write_chunked


def test_discovers_supported_files_sorted(tmp_path: Path) -> None:
    for name in ("b.parquet", "a.jsonl", "c.jsonl.gz", "notes.txt", ".tmp.parquet"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in discover_shards(tmp_path)] == ["a.jsonl", "b.parquet", "c.jsonl.gz"]
    assert [p.name for p in discover_shards(tmp_path / "*.parquet")] == ["b.parquet"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no input shards found"):
        discover_shards(tmp_path)


def test_ids_are_derived_from_source_and_row(tmp_path: Path) -> None:
    pl.DataFrame({"text": ["a", "b"], "meta": [1, 2]}).write_parquet(tmp_path / "s.parquet")
    df = read_shard(tmp_path / "s.parquet", source="sub/s.parquet")
    assert df["id"].to_list() == ["sub/s.parquet:0", "sub/s.parquet:1"]
    assert df[ROW_COLUMN].to_list() == [0, 1]
    assert df["meta"].to_list() == [1, 2]


def test_existing_ids_are_kept_as_strings(tmp_path: Path) -> None:
    pl.DataFrame({"id": [7, 8], "text": ["a", "b"]}).write_parquet(tmp_path / "s.parquet")
    assert read_shard(tmp_path / "s.parquet")["id"].to_list() == ["7", "8"]


def test_jsonl_and_gzip(tmp_path: Path) -> None:
    lines = b'{"text": "one", "x": 1}\n{"text": "two", "x": 2}\n'
    (tmp_path / "a.jsonl").write_bytes(lines)
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(lines))
    for name in ("a.jsonl", "b.jsonl.gz"):
        assert read_shard(tmp_path / name)["text"].to_list() == ["one", "two"]


def test_invalid_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:2: invalid UTF-8"):
        read_shard(path)


def test_jsonl_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: expected a JSON object"):
        read_shard(path)


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pl.DataFrame({"text": ["a"] * 100}).write_parquet(path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match=r"bad.parquet: not a readable Parquet file"):
        read_shard(path)


def test_missing_and_mistyped_text_column(tmp_path: Path) -> None:
    pl.DataFrame({"body": ["a"]}).write_parquet(tmp_path / "a.parquet")
    pl.DataFrame({"text": [1]}).write_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataError, match=r"a.parquet: no text column 'text' \(columns: body\)"):
        read_shard(tmp_path / "a.parquet")
    with pytest.raises(DataError, match=r"b.parquet: column 'text' has type Int64"):
        read_shard(tmp_path / "b.parquet")


def test_chunked_write_bounds_rows(tmp_path: Path) -> None:
    df = pl.DataFrame({"text": [str(i) for i in range(5)]})
    paths = write_chunked(df, tmp_path, "part-00000", max_rows=2)
    assert [p.name for p in paths] == [f"part-00000-00{i}.parquet" for i in range(3)]
    assert [pl.read_parquet(p).height for p in paths] == [2, 2, 1]
    assert not list(tmp_path.glob(".*"))


def test_read_corpus_of_a_run_folder_reads_curated(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "curated").mkdir()
    pl.DataFrame({"text": ["x"]}).write_parquet(tmp_path / "curated" / "part-00000-000.parquet")
    assert read_corpus(tmp_path)["text"].to_list() == ["x"]


def test_csv_tsv_and_json_arrays_are_read_as_written(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text('id,text,n\n1,"a, quoted text",007\n2,,\n',
                                           encoding="utf-8")
    (tmp_path / "in" / "b.tsv").write_text("text\tlabel\ntab, separated\tx\n", encoding="utf-8")
    (tmp_path / "in" / "c.json").write_text('[{"text": "from an array", "id": "c0"}]',
                                            encoding="utf-8")
    shards = discover_shards(tmp_path / "in")
    assert [s.name for s in shards] == ["a.csv", "b.tsv", "c.json"]
    csv = read_shard(shards[0])
    assert csv.select("id", "text", "n").rows() == [("1", "a, quoted text", "007"), ("2", "", "")]
    assert read_shard(shards[1]).select("text", "label").rows() == [("tab, separated", "x")]
    assert read_shard(shards[2]).select("id", "text").rows() == [("c0", "from an array")]


def test_an_explicit_file_of_another_format_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"notes.txt: not a format curate reads"):
        discover_shards(tmp_path / "notes.txt")
