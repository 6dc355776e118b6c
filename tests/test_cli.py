"""The `curate` command: ops listing, validate, run summary and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.cli.main import main
from curate.ops import REGISTRY
from curate.ops.base import summary_line
from tests.conftest import LOCAL_PIPELINE, write_corpus

PIPELINE = LOCAL_PIPELINE + """[[stage]]
op = "exact_dedup"
"""


def test_ops_lists_every_operator_in_one_whole_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ops"]) == 0
    out = capsys.readouterr().out
    for name, cls in REGISTRY.items():
        assert f"{name} (" in out and summary_line(cls) in out.replace("\n", " ")
    assert "min_chars" not in out  # parameters: `curate ops NAME`
    # A summary that wraps in the docstring is printed whole, not cut at the line break.
    assert "(block tags become line breaks), entities decoded." in summary_line(
        REGISTRY["clean_html"])


def test_ops_name_shows_its_parameters_whole(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ops", "length_filter"]) == 0
    out = capsys.readouterr().out
    assert "min_chars" in out and "fewest characters" in out and "(tunable)" in out


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


def test_validate_prints_every_config_error_on_its_own_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["a b c"]])
    (tmp_path / "p.toml").write_text(PIPELINE.replace('op = "exact_dedup"', 'op = "exact"')
                                     .replace('kind = "local"', 'kind = "lokal"'))
    assert main(["validate", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[:2] for line in err] == [["error", " engine.kind"],
                                                      ["error", " stage[2].op"]]


def test_help_descriptions_are_whole_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Prints its outcome (the stage and reason if removed)" in out
