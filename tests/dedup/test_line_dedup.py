"""`line_dedup`: lines found in at least `min_count` documents are cut from every document."""

from __future__ import annotations

from pathlib import Path

from curate.engine import run_pipeline
from tests.conftest import make_config, read_dir, write_corpus

NAV = "Home | News | Contact us"
COOKIE = "We use cookies to improve your experience. Accept?"


def run(tmp_path: Path, shards: list[list[str]], **params: object) -> tuple:
    write_corpus(tmp_path / "in", shards)
    run_pipeline(make_config(tmp_path, [{"op": "line_dedup", **params}]))
    folder = tmp_path / "run"
    return read_dir(folder / "curated"), read_dir(folder / "rejected"), read_dir(folder / "stats")


def test_boilerplate_lines_are_removed_from_every_document(tmp_path: Path) -> None:
    kept, rejected, stats = run(tmp_path, [
        [f"{NAV}\nThe harvest was early this year.\n{COOKIE}",
         f"{NAV}\nPrices rose in the spring."],
        [f"home | NEWS | contact US!\nA new bridge opened.\n{COOKIE}",
         "A line that repeats.\nA line that repeats.\nOnly here."],
    ], min_count=3)
    assert rejected.height == 0
    assert kept.sort("id")["text"].to_list() == [
        f"The harvest was early this year.\n{COOKIE}",  # the cookie line is in 2 documents only
        "Prices rose in the spring.",
        f"A new bridge opened.\n{COOKIE}",
        "A line that repeats.\nA line that repeats.\nOnly here.",  # one document, not 3
    ]
    assert stats.sort("id")["boilerplate_lines"].to_list() == [1, 1, 1, 0]


def test_normalisation_ignores_case_digits_and_punctuation(tmp_path: Path) -> None:
    kept, _, _ = run(tmp_path, [[
        "Copyright 2023 Example Ltd.\nFirst story.",
        "copyright 2024, example ltd\nSecond story.",
    ]], min_count=2)
    assert kept["text"].to_list() == ["First story.", "Second story."]


def test_a_document_of_boilerplate_only_is_rejected(tmp_path: Path) -> None:
    kept, rejected, _ = run(tmp_path, [[f"{NAV}\n\n{COOKIE}", f"{NAV}\nReal news.\n{COOKIE}"]],
                            min_count=2)
    assert kept["text"].to_list() == ["Real news."]
    assert list(zip(rejected["id"], rejected["reason"], strict=True)) == [
        ("d0-0", "boilerplate_only")]


def test_paragraph_unit_compares_blank_line_separated_blocks(tmp_path: Path) -> None:
    footer = "Subscribe to our newsletter\nfor weekly updates"
    kept, _, _ = run(tmp_path, [[
        f"Story one.\n\n{footer}", f"Story two,\nin two lines.\n\n{footer}", "Story three."
    ]], min_count=2, unit="paragraph")
    assert kept.sort("id")["text"].to_list() == [
        "Story one.", "Story two,\nin two lines.", "Story three."]
