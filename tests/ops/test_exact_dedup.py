"""`exact_dedup` end to end: the first occurrence in corpus order survives."""

from __future__ import annotations

from pathlib import Path

from curate.engine import run_pipeline
from tests.conftest import make_config, read_dir, write_corpus


def test_keeps_first_occurrence_across_shards(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [
        ["Hello, world!", "unique one", "hello world"],
        ["HELLO   WORLD", "unique two", "unique one"],
    ])
    run_pipeline(make_config(tmp_path, [{"op": "exact_dedup"}]))
    kept = read_dir(tmp_path / "run" / "curated")
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert kept["id"].to_list() == ["d0-0", "d0-1", "d1-1"]
    assert sorted(zip(rejected["id"], rejected["dup_of"], rejected["reason"], strict=True)) == [
        ("d0-2", "d0-0", "exact_duplicate"),
        ("d1-0", "d0-0", "exact_duplicate"),
        ("d1-2", "d0-1", "exact_duplicate"),
    ]


def test_without_normalisation_only_identical_texts_match(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [["Hello, world!", "hello world", "Hello, world!"]])
    run_pipeline(make_config(tmp_path, [{"op": "exact_dedup", "normalize": False}]))
    assert read_dir(tmp_path / "run" / "curated")["id"].to_list() == ["d0-0", "d0-1"]
