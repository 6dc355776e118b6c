"""`[pipeline] on_error = "quarantine"`: unreadable shards are recorded and skipped (the input
files stay as they are), the run goes on with the good ones, and the manifest, the report and
the CLI list what was skipped and why."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.report import markdown_summary
from tests.engine.test_determinism import output_bytes
from tests.hostile.conftest import (
    assert_conserved,
    corrupt_data_pages,
    error_line,
    manifest,
    outcome,
    pipeline,
    run_cli,
    snapshot,
    write_lines,
    write_parquet,
)

# exact_dedup is global: the run has two passes and a fit between them.
STAGES = """
[[stage]]
op = "normalize"
[[stage]]
op = "exact_dedup"
[[stage]]
op = "length_filter"
min_chars = 3
"""
QUARANTINE = 'on_error = "quarantine"'
FOOTER = ("not a readable Parquet file (Parquet magic bytes not found in footer. Either the file "
          "is corrupted or this is not a parquet file.)")


def hostile_corpus(folder: Path) -> dict[str, Path]:
    """Two good shards around three bad ones: a truncated footer and a wrong text type (found
    before the run) and a JSONL line that is an array (found while reading)."""
    shards = {
        "a": write_parquet(folder / "a.parquet", {"id": ["a0", "a1", "a2"],
                                                  "text": ["shared words", "own words", None]}),
        "b": write_parquet(folder / "b.parquet", {"id": ["b0"], "text": ["lost words"]}),
        "c": write_lines(folder / "c.jsonl", ['{"id": "c0", "text": "fine line"}', "[1, 2]"]),
        "d": write_parquet(folder / "d.parquet", {"id": ["d0"], "text": [5]}),
        "e": write_lines(folder / "e.jsonl", ['{"id": "e0", "text": "Shared words!"}',
                                              '{"id": "e1", "text": "ok"}',
                                              '{"id": "e2", "text": "more words"}']),
    }
    shards["b"].write_bytes(shards["b"].read_bytes()[:-12])
    return shards


def expected_quarantine(shards: dict[str, Path]) -> list[dict[str, object]]:
    return [
        {"shard": 1, "path": str(shards["b"]), "name": "b.parquet", "reason": FOOTER,
         "bytes": shards["b"].stat().st_size},
        {"shard": 2, "path": str(shards["c"]), "name": "c.jsonl",
         "reason": "line 2: expected a JSON object, got an array",
         "bytes": shards["c"].stat().st_size},
        {"shard": 3, "path": str(shards["d"]), "name": "d.parquet",
         "reason": "column 'text' has type int64, expected a string column",
         "bytes": shards["d"].stat().st_size},
    ]


@pytest.fixture
def quarantined_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                    ) -> tuple[Path, dict[str, Path], str]:
    shards = hostile_corpus(tmp_path / "in")
    before = snapshot(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys, pipeline(QUARANTINE, STAGES))
    assert code == 0, err
    assert snapshot(tmp_path / "in") == before  # quarantine never moves or edits input
    return tmp_path / "run", shards, err


def test_bad_shards_are_skipped_and_good_rows_all_accounted_for(quarantined_run) -> None:
    run, _, _ = quarantined_run
    assert outcome(run) == (
        ["a0", "a1", "e2"],
        [("a2", "null_text"), ("e0", "exact_duplicate"), ("e1", "too_few_chars")])
    assert_conserved(run, ["a0", "a1", "a2", "e0", "e1", "e2"])
    assert sorted(p.name for p in (run / "stats").iterdir()) == ["part-00000.parquet",
                                                                 "part-00004.parquet"]


def test_the_manifest_lists_the_quarantined_shards(quarantined_run) -> None:
    run, shards, _ = quarantined_run
    m = manifest(run)
    assert m["status"] == "complete" and m["on_error"] == "quarantine"
    assert m["quarantined"] == expected_quarantine(shards)
    totals = m["totals"]
    assert totals["input_rows"] == 6 and totals["quarantined_shards"] == 3
    assert totals["input_bytes"] == shards["a"].stat().st_size + shards["e"].stat().st_size
    assert totals["quarantined_bytes"] == sum(shards[k].stat().st_size for k in "bcd")
    assert totals["note"] == ("input rows, bytes and every stage count leave out the 3 "
                              "quarantined input shard(s), which were not read (see "
                              "`quarantined`)")


def test_the_cli_warns_and_the_report_lists_them(quarantined_run) -> None:
    run, shards, err = quarantined_run
    assert err.splitlines() == [f"warning: quarantined {q['path']}: {q['reason']}"
                                for q in expected_quarantine(shards)]
    summary = json.loads((run / "report.json").read_text())["sections"]["summary"]
    assert summary["quarantined"] == [{k: q[k] for k in ("path", "reason", "bytes")}
                                      for q in expected_quarantine(shards)]
    html = (run / "report.html").read_text()
    assert "3 input shard(s) could not be read and were quarantined" in html
    assert all(f'<td class="">{shards[k]}</td>' in html for k in "bcd")
    text = markdown_summary(run)
    assert "**Quarantined** 3 unreadable input shard(s), left out of every count:" in text
    assert f"- `{shards['c']}`: line 2: expected a JSON object, got an array" in text


def test_a_finished_quarantined_run_resumes_to_itself(quarantined_run,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    run, shards, _ = quarantined_run
    before = output_bytes(run)
    code, _, err = run_cli(run.parent, capsys, pipeline(QUARANTINE, STAGES), "--resume")
    assert code == 0, err
    assert output_bytes(run) == before
    assert manifest(run)["quarantined"] == expected_quarantine(shards)


def test_fail_is_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shards = hostile_corpus(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=STAGES))
    assert code == 1
    assert error_line(err) == f"{shards['b']}: {FOOTER}"


def test_a_corpus_of_only_bad_shards_is_an_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_lines(tmp_path / "in" / "a.jsonl", ['"not an object"'])
    write_lines(tmp_path / "in" / "b.jsonl", ["[]"])
    code, _, err = run_cli(tmp_path, capsys, pipeline(QUARANTINE))
    assert code == 1
    assert err.splitlines()[-1] == (f"error: {tmp_path / 'in'}: every input shard was "
                                    f"quarantined (2; the first, {bad}: line 1: expected a "
                                    "JSON object, got a string)")
    assert manifest(tmp_path / "run")["status"] == "failed"


def test_a_corpus_of_only_unreadable_parquet_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_parquet(tmp_path / "in" / "a.parquet", {"text": [1]})
    code, _, err = run_cli(tmp_path, capsys, pipeline(QUARANTINE))
    assert code == 1
    assert error_line(err) == (f"{tmp_path / 'in'}: every input shard is unreadable (1; the "
                               f"first, {bad}: column 'text' has type int64, expected a "
                               "string column)")
    assert not (tmp_path / "run").exists()


def test_ray_quarantines_like_local(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {}
    for engine in ("local", "ray"):
        root = tmp_path / engine
        hostile_corpus(root / "in")
        toml = pipeline(QUARANTINE, STAGES).replace('kind = "local"',
                                                   f'kind = "{engine}"\nnum_cpus = 1')
        code, _, err = run_cli(root, capsys, toml)
        assert code == 0, err
        outputs[engine] = output_bytes(root / "run")
        quarantined = manifest(root / "run")["quarantined"]
        assert [(q["name"], q["reason"]) for q in quarantined] == [
            (q["name"], q["reason"]) for q in expected_quarantine(hostile_corpus(root / "in"))]
    assert outputs["local"] == outputs["ray"]
    assert pl.read_parquet(tmp_path / "ray" / "run" / "curated" / "*.parquet").height == 3


def test_damage_found_while_reading_quarantines_the_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_parquet(tmp_path / "in" / "a.parquet", {"id": ["a0"], "text": ["a good document"]})
    bad = corrupt_data_pages(tmp_path / "in" / "b.parquet")
    code, _, err = run_cli(tmp_path, capsys, pipeline(QUARANTINE))
    assert code == 0, err
    reason = "not a readable Parquet file (ZSTD decompression failed: Data corruption detected)"
    assert err == f"warning: quarantined {bad}: {reason}\n"
    assert [(q["name"], q["reason"]) for q in manifest(tmp_path / "run")["quarantined"]] == [
        ("b.parquet", reason)]
    assert_conserved(tmp_path / "run", ["a0"])
