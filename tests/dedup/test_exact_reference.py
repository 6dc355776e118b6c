"""`exact_dedup` against a reference corpus (decontamination): texts found in the reference
are removed, whatever their order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.engine import run_pipeline
from tests.conftest import make_config, read_dir, write_corpus


def test_texts_found_in_the_reference_are_removed(tmp_path: Path) -> None:
    (tmp_path / "eval").mkdir()
    pl.DataFrame({"id": ["q1", "q2"], "text": ["What is 2 + 2?", "Name a prime."]}).write_parquet(
        tmp_path / "eval" / "eval.parquet")
    write_corpus(tmp_path / "in", [["what is 2 2", "unique text", "Unique text!"],
                                   ["Name a prime", "another text"]])
    run_pipeline(make_config(tmp_path, [{"op": "exact_dedup", "reference": "eval"}]))
    kept = read_dir(tmp_path / "run" / "curated")
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert kept["id"].to_list() == ["d0-1", "d1-1"]
    assert sorted(zip(rejected["id"], rejected["dup_of"], rejected["reason"], strict=True)) == [
        ("d0-0", "q1", "reference_duplicate"),
        ("d0-2", "d0-1", "exact_duplicate"),
        ("d1-0", "q2", "reference_duplicate"),
    ]


def test_the_reference_can_be_an_earlier_run(tmp_path: Path) -> None:
    write_corpus(tmp_path / "old", [["released text", "another released text"]])
    run_pipeline(make_config(tmp_path, [{"op": "exact_dedup"}], input_dir="old",
                             output="release-1"))
    write_corpus(tmp_path / "in", [["released text", "brand new text"]])
    run_pipeline(make_config(tmp_path, [{"op": "exact_dedup", "reference": "release-1"}]))
    assert read_dir(tmp_path / "run" / "curated")["id"].to_list() == ["d0-1"]


def test_an_input_column_named_dup_of_does_not_collide(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    pl.DataFrame({"id": ["a", "b", "c"], "text": ["same", "same", "other"],
                  "dup_of": [None, "a", None]}).write_parquet(tmp_path / "in" / "p.parquet")
    stages = [{"op": "exact_dedup"}, {"op": "minhash_dedup"}]
    run_pipeline(make_config(tmp_path, stages))
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert "dup_of_right" not in rejected.columns
    assert rejected.select("id", "dup_of", "reason").rows() == [("b", "a", "exact_duplicate")]
