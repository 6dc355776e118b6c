"""Reading a corpus the way the pipeline does, wherever it is read (input, reference, reserve):
one naming rule for shards, and the read stage's screen."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.io.corpus import named_shards, read_screened
from curate.ops.base import StageContext
from curate.ops.domain import reserve
from curate.ops.domain.reserve import prepare_reserve_shard, reserve_pieces


def write(path: Path, texts: list[str | None]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({"text": texts}, schema={"text": pl.String}).write_parquet(path)
    return path


def test_shards_are_named_relative_to_the_corpus_root_and_a_run_folder_reads_curated(
        tmp_path: Path) -> None:
    write(tmp_path / "pool" / "a" / "part-0.parquet", ["x"])
    write(tmp_path / "pool" / "b" / "part-0.parquet", ["y"])
    assert [name for _, name in named_shards("pool", tmp_path)] == ["a/part-0.parquet",
                                                                    "b/part-0.parquet"]
    (tmp_path / "run" / "manifest.json").parent.mkdir()
    (tmp_path / "run" / "manifest.json").write_text("{}")
    write(tmp_path / "run" / "curated" / "part-00000-000.parquet", ["z"])
    assert [name for _, name in named_shards("run", tmp_path)] == ["part-00000-000.parquet"]


def test_the_screen_drops_null_oversized_and_binary_rows_and_counts_them(tmp_path: Path) -> None:
    shard = write(tmp_path / "part-0.parquet", ["fine", None, "x" * 50, "bad\x00bytes"])
    batch, rejected = read_screened(shard, "part-0.parquet", "text", "id", max_doc_bytes=20)
    assert batch["text"].to_list() == ["fine"]
    assert batch["id"].to_list() == ["part-0.parquet:0"]  # derived from the shard's name
    assert rejected == {"read: null_text": 1, "read: too_large": 1, "read: binary": 1}


def test_a_reserve_shard_gets_the_read_screen(tmp_path: Path) -> None:
    shard = write(tmp_path / "reserve" / "part-0.parquet", ["a reserve document", "y" * 64])
    context = StageContext(stage="backfill", max_doc_bytes=32)
    report = prepare_reserve_shard(shard, "part-0.parquet", 7, context, False, tmp_path,
                                   tmp_path / "out.parquet")
    assert report == {"rows": 2, "passed": 1, "rejected": {"read: too_large": 1}}
    assert pl.read_parquet(tmp_path / "out.parquet").height == 1


def test_a_shard_read_in_pieces_gives_its_rows_once_each_with_their_ids(tmp_path: Path) -> None:
    shard = write(tmp_path / "part-0.parquet", ["a", None, "b", "c", "d", "x" * 50, "e"])
    pieces = [read_screened(shard, "part-0.parquet", "text", "id", 20, (i, 3))
              for i in range(3)]
    whole, rejected = read_screened(shard, "part-0.parquet", "text", "id", 20)
    assert pl.concat([batch for batch, _ in pieces]).equals(whole)
    assert [batch["id"].to_list() for batch, _ in pieces] == [
        ["part-0.parquet:0"], ["part-0.parquet:2", "part-0.parquet:3"],
        ["part-0.parquet:4", "part-0.parquet:6"]]
    assert [r for _, r in pieces] == [{"read: null_text": 1}, {}, {"read: too_large": 1}]
    assert rejected == {"read: null_text": 1, "read: too_large": 1}


def test_a_large_reserve_shard_is_prepared_by_several_tasks(tmp_path: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(reserve, "RESERVE_TASK_ROWS", 2)
    assert reserve_pieces(write(tmp_path / "five.parquet", list("abcde"))) == 3
    assert reserve_pieces(write(tmp_path / "two.parquet", list("ab"))) == 1
    assert reserve_pieces(write(tmp_path / "none.parquet", [])) == 1
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n')
    assert reserve_pieces(jsonl) == 1  # no footer to count rows from: one task
