"""The `curate` command: ops listing, validate, run summary and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.cli.main import main
from curate.ops import REGISTRY
from tests.conftest import LOCAL_PIPELINE, write_corpus

PIPELINE = LOCAL_PIPELINE + """[[stage]]
op = "exact_dedup"
"""


def test_ops_lists_every_operator_with_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ops"]) == 0
    out = capsys.readouterr().out
    for name in REGISTRY:
        assert name in out
    assert "min_chars" in out and "fewest characters" in out


def test_ops_unknown_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ops", "normalise"]) == 2
    assert 'did you mean "normalize"' in capsys.readouterr().err


def test_validate_shows_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["a b c"], ["d e f"]])
    (tmp_path / "p.toml").write_text(PIPELINE)
    assert main(["validate", str(tmp_path / "p.toml")]) == 0
    out = capsys.readouterr().out
    assert "2 stages, 2 input shards" in out
    assert "pass 1: normalize → exact_dedup (observe)" in out
    assert "pass 2: exact_dedup" in out
    assert not (tmp_path / "run").exists()


def test_run_prints_summary_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["same text", "same text", "other text"]])
    (tmp_path / "p.toml").write_text(PIPELINE)
    assert main(["run", str(tmp_path / "p.toml")]) == 0
    out = capsys.readouterr().out
    assert "exact_dedup" in out and "3 rows in → 2 curated" in out
    assert (tmp_path / "run" / "report.html").exists()


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run"])
    assert info.value.code == 2
