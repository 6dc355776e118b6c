"""`[pipeline] source_column`: the report counts documents, curated, rejected and rejection
reasons per value of an input column (the most common values, the rest as "(other)", nulls as
"(none)"); a column no input shard has is an error before any work."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.cli.main import main
from curate.engine import run_pipeline
from curate.report import build_report
from curate.report.sections import inputs
from tests.conftest import make_config

STAGES = [{"op": "length_filter", "min_chars": 12}, {"op": "exact_dedup"}]
COPY = "a long enough document one"


def write_inputs(folder: Path) -> None:
    """Seven documents with a source (web, news, books), one without; a second file has no
    source column at all (its documents count as "(none)")."""
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({
        "id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        "text": [COPY, "tiny", "another long enough document", "short",
                 "news document long enough here", "x", "a book passage long enough", COPY],
        "source": ["web", "web", "web", "news", "news", None, "books", "news"],
    }).write_parquet(folder / "a.parquet")
    pl.DataFrame({"id": ["b1", "b2"], "text": ["document from the other file", "bad"]}
                 ).write_parquet(folder / "b.parquet")


def test_the_funnel_and_reasons_per_source(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_SOURCES", 2)
    write_inputs(tmp_path / "in")
    run_pipeline(make_config(tmp_path, STAGES, source_column="source"))
    build_report(tmp_path / "run")
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    section = report["sections"]["inputs"]
    assert section["source_column"] == "source" and section["distinct_sources"] == 3
    assert section["sources"] == [
        {"source": "news", "documents": 3, "curated": 1, "rejected": 2, "kept_fraction": 1 / 3},
        {"source": "web", "documents": 3, "curated": 2, "rejected": 1, "kept_fraction": 2 / 3},
        {"source": "(other)", "documents": 1, "curated": 1, "rejected": 0,
         "kept_fraction": 1.0},
        {"source": "(none)", "documents": 3, "curated": 1, "rejected": 2,
         "kept_fraction": 1 / 3},
    ]
    assert section["reasons_by_source"] == [
        {"stage": "length_filter", "reason": "too_few_chars",
         "counts": {"news": 1, "web": 1, "(other)": 0, "(none)": 2}},
        {"stage": "exact_dedup", "reason": "exact_duplicate",
         "counts": {"news": 1, "web": 0, "(other)": 0, "(none)": 0}},
    ]
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "By source (source)" in html and "Documents per source" in html
    assert "The 2 most common of 3 values; the others are counted as (other)." in html


def test_without_a_source_column_the_report_has_no_per_source_part(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in")
    run_pipeline(make_config(tmp_path, STAGES))
    build_report(tmp_path / "run")
    section = json.loads((tmp_path / "run" / "report.json").read_text())["sections"]["inputs"]
    assert (section["source_column"], section["sources"]) == (None, [])
    assert "By source" not in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


def test_a_source_column_no_input_has_is_an_error_before_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_inputs(tmp_path / "in")
    (tmp_path / "p.toml").write_text(
        '[pipeline]\ninput = "in"\noutput = "run"\nsource_column = "sorce"\n'
        '[engine]\nkind = "local"\n[[stage]]\nop = "normalize"\n', encoding="utf-8")
    assert main(["run", str(tmp_path / "p.toml"), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        'error: pipeline.source_column: no input shard has a column "sorce" (did you mean '
        '"source"?) (columns: id, text, source)\n')
    assert not (tmp_path / "run").exists()
