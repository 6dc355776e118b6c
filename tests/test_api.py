"""curate as a library: `curate.run` does what `curate run` does and returns the finished run,
readable as polars frames and a typed manifest."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import curate
from curate.errors import ConfigError
from tests.conftest import make_config, write_toml


def test_run_returns_the_finished_run_with_its_rows_manifest_and_report(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    texts = ["a long enough text", "short", "another long text"]
    pl.DataFrame({"id": ["a", "b", "c"], "text": texts}).write_parquet(
        tmp_path / "in" / "part-0.parquet")
    warnings: list[str] = []
    run = curate.run(make_config(tmp_path, [{"op": "length_filter", "min_chars": 10}]),
                     on_warning=warnings.append)
    assert isinstance(run, curate.Run)
    assert sorted(run.curated_rows()["id"]) == ["a", "c"]
    rejected = run.rejected_rows()
    assert rejected.select("id", "stage", "reason").rows() == [
        ("b", "length_filter", "too_few_chars")]
    assert run.manifest.complete and run.manifest.totals is not None
    assert run.manifest.totals.curated_rows == 2
    assert run.layout.report_html.is_file() and warnings == []
    assert curate.Run.open(tmp_path / "run").curated_rows().equals(run.curated_rows())


def test_run_takes_a_pipeline_file_and_reports_config_errors(tmp_path: Path) -> None:
    toml = write_toml(tmp_path / "p.toml", "[pipeline]\ninput = \"in\"\noutput = \"run\"\n"
                      "[[stage]]\nop = \"nope\"\n")
    with pytest.raises(ConfigError, match="nope"):
        curate.run(toml)


def test_a_quiet_run_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from curate.cli.main import main

    (tmp_path / "in").mkdir()
    pl.DataFrame({"text": ["a long enough text", "short"]}).write_parquet(
        tmp_path / "in" / "part-0.parquet")
    toml = write_toml(tmp_path / "p.toml", '[pipeline]\nname = "tiny"\ninput = "in"\n'
                      'output = "run"\n[engine]\nkind = "local"\n[[stage]]\n'
                      'op = "length_filter"\nmin_chars = 10\n')
    assert main(["run", str(toml), "--quiet", "--output", "elsewhere"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("tiny: 2 rows in → 1 curated, 1 rejected in ")
    assert out.endswith(f"report: {tmp_path / 'elsewhere' / 'report.html'}") and "\n" not in out
