"""Hostile documents: huge, binary, full of control characters or lone surrogates; corpora of
one row and of none. A bad document is rejected with a reason (or repaired, for surrogates),
never crashes the run, and no good document is lost."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import read_dir
from tests.hostile.conftest import (
    assert_conserved,
    error_line,
    manifest,
    outcome,
    pipeline,
    run_cli,
    write_parquet,
)


def test_a_50_mb_document_is_rejected_as_too_large(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    huge = "word " * 10_000_000  # 50 MB
    write_parquet(tmp_path / "in" / "a.parquet",
                  {"id": ["huge", "small", "limit"], "text": [huge, "a small document", "é" * 8]})
    code, _, err = run_cli(tmp_path, capsys, pipeline('max_doc_bytes = 16'))
    assert code == 0, err
    assert outcome(tmp_path / "run") == (["limit", "small"], [("huge", "too_large")])
    assert_conserved(tmp_path / "run", ["huge", "limit", "small"])
    assert manifest(tmp_path / "run")["stages"][0] == {
        "stage": "read", "in": 3, "kept": 2, "rejected": 1,
        "seconds": manifest(tmp_path / "run")["stages"][0]["seconds"]}
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert rejected["text"].str.len_bytes().to_list() == [50_000_000]  # kept whole, not lost


def test_the_default_size_limit_passes_20_mb_and_stops_50_mb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_parquet(tmp_path / "in" / "a.parquet",
                  {"id": ["20mb", "50mb"], "text": ["x" * 20_000_000, "y" * 50_000_000]})
    stages = '[[stage]]\nop = "length_filter"\nmin_chars = 1\nmax_chars = 30_000_000\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 0, err
    assert outcome(tmp_path / "run") == (["20mb"], [("50mb", "too_large")])


def test_binary_junk_is_rejected_as_binary(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    junk = bytes(range(256)) * 4
    write_parquet(tmp_path / "in" / "a.parquet", {
        "id": ["replaced", "nul", "latin1", "one-fffd", "good"],
        "text": [junk.decode("utf-8", errors="replace"),  # mostly U+FFFD
                 "looks like text\x00but holds a NUL",
                 junk.decode("latin-1"),  # every byte a character, NUL included
                 "an ordinary document with one \ufffd in it",
                 "an ordinary document"],
    })
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    assert outcome(tmp_path / "run") == (
        ["good", "one-fffd"], [("latin1", "binary"), ("nul", "binary"), ("replaced", "binary")])
    assert_conserved(tmp_path / "run", ["good", "latin1", "nul", "one-fffd", "replaced"])


def test_control_characters_are_removed_by_normalize(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_parquet(tmp_path / "in" / "a.parquet", {
        "id": ["bell", "only-controls"],
        "text": ["ring\x07 the\x1b bell\x7f", "\x01\x02\x03\x04\x05\x06"],
    })
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    curated = read_dir(tmp_path / "run" / "curated")
    assert curated.select("id", "text").rows() == [("bell", "ring the bell")]
    assert outcome(tmp_path / "run")[1] == [("only-controls", "too_few_chars")]


def test_lone_surrogates_in_jsonl_are_repaired_to_the_replacement_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        r'{"id": "lone", "text": "a lone \ud800 high surrogate"}',
        r'{"id": "low", "text": "a lone \udc00 low surrogate", "meta": "\udfff"}',
        r'{"id": "pair", "text": "a real pair \ud83d\ude00 stays"}',
        r'{"id": "\ud800", "text": "a surrogate in the id"}',
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stages = '[[stage]]\nop = "length_filter"\nmin_chars = 1\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 0, err
    curated = read_dir(tmp_path / "run" / "curated").sort("id")
    assert curated.select("id", "text", "meta").rows() == [
        ("lone", "a lone \ufffd high surrogate", None),
        ("low", "a lone \ufffd low surrogate", "\ufffd"),
        ("pair", "a real pair \U0001f600 stays", None),
        ("\ufffd", "a surrogate in the id", None),
    ]


def test_a_byte_order_mark_and_repeated_keys(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(
        b'\xef\xbb\xbf{"id": "bom", "text": "after a byte order mark"}\n'
        b'{"id": "twice", "text": "the first text", "text": "the second text"}\n')
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    curated = read_dir(tmp_path / "run" / "curated").sort("id")
    assert curated.select("id", "text").rows() == [("bom", "after a byte order mark"),
                                                   ("twice", "the first text")]


def test_a_corpus_of_one_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "one.jsonl").write_text(json.dumps({"text": "the only document"}) + "\n")
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 0, err
    assert outcome(tmp_path / "run") == (["one.jsonl:0"], [])
    assert_conserved(tmp_path / "run", ["one.jsonl:0"])


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"])
def test_a_corpus_of_zero_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               content: bytes) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "none.jsonl").write_bytes(content)
    write_parquet(tmp_path / "in" / "none.parquet", {"text": []}, schema={"text": pl.String})
    code, _, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert error_line(err) == f"{tmp_path / 'in'}: corpus is empty (0 rows in 2 shards)"
    assert manifest(tmp_path / "run")["status"] == "failed"
