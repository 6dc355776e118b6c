"""`curate tune`: re-deciding stages from stored stats (selection, quality_score weights, a
filter's thresholds) gives exactly what a full run with the new parameters gives, writes a
complete run folder (or nothing with --dry-run), and refuses changes that would need signals
recomputed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.cli.tune import tune
from curate.engine import run_pipeline
from curate.errors import ConfigError, CurateError
from curate.ops.quality.score import DEFAULT_WEIGHTS
from tests.conftest import REPO, make_config, read_dir

STAGES: list[dict[str, Any]] = [
    {"op": "normalize"},  # a cleaner: rows moving between curated/ and rejected/ change texts
    {"op": "gopher_repetition"},
    {"op": "quality_score", "name": "quality"},
    {"op": "select", "min_q_text": 0.3},
    {"op": "select_top", "fraction": 0.6, "by": ["lang"]},
]
CHANGES = ["select.min_q_text=0.9", "select_top.fraction=0.4", 'select_top.by=["domain"]',
           "quality.weights.q_density=1.0"]


def with_changes(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    new = [dict(s) for s in stages]
    new[2]["weights"] = {**DEFAULT_WEIGHTS, "q_density": 1.0}
    new[3]["min_q_text"] = 0.9
    new[4].update(fraction=0.4, by=["domain"])
    return new


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's first 600 raw documents in 3 shards, run with STAGES ("run") and with
    the changed parameters ("full")."""
    root = tmp_path_factory.mktemp("tune")
    raw = pl.read_parquet(REPO / "sample_data" / "raw" / "part-00000.parquet").head(600)
    (root / "in").mkdir()
    for i in range(3):
        raw.slice(200 * i, 200).write_parquet(root / "in" / f"part-{i}.parquet")
    run_pipeline(make_config(root, STAGES, output="run"))
    run_pipeline(make_config(root, with_changes(STAGES), output="full"))
    return root


def test_tuned_rows_keep_their_texts_lossless(runs: Path) -> None:
    tune(runs / "run", CHANGES, out=runs / "lossless")
    raw = pl.concat([pl.read_parquet(p) for p in sorted((runs / "in").glob("*.parquet"))])
    inputs = dict(zip(raw["id"], raw["text"], strict=True))
    rejected = read_dir(runs / "lossless" / "rejected")
    curated = read_dir(runs / "lossless" / "curated")
    assert all(inputs[i] == t for i, t in zip(rejected["id"], rejected["text"], strict=True))
    restored = curated.select("id", pl.coalesce("text_original", "text"))
    assert all(inputs[i] == t for i, t in restored.iter_rows())
    assert (curated["text_original"].is_not_null()).any()  # normalize changed some texts


def by_id(folder: Path) -> pl.DataFrame:
    return read_dir(folder).sort("id")


def test_tune_gives_what_a_full_run_with_the_new_parameters_gives(runs: Path) -> None:
    tune(runs / "run", CHANGES, out=runs / "tuned")
    for folder in ("curated", "rejected", "stats"):
        tuned, full = by_id(runs / "tuned" / folder), by_id(runs / "full" / folder)
        assert tuned.select(sorted(tuned.columns)).equals(full.select(sorted(full.columns))), \
            folder
    tuned_manifest = json.loads((runs / "tuned" / "manifest.json").read_text())
    full_manifest = json.loads((runs / "full" / "manifest.json").read_text())

    def counts(m: dict[str, Any]) -> list[tuple]:
        return [(s["stage"], s["in"], s["kept"], s["rejected"]) for s in m["stages"]]

    assert counts(tuned_manifest) == counts(full_manifest)
    assert tuned_manifest["totals"]["curated_rows"] == full_manifest["totals"]["curated_rows"]
    assert tuned_manifest["config"]["stages"] == full_manifest["config"]["stages"]
    assert tuned_manifest["tuned_from"]["changes"]["select_top"] == {
        "fraction": 0.4, "by": ["domain"]}


def test_a_dry_run_counts_survivors_and_writes_nothing(runs: Path) -> None:
    _, outcomes, manifest = tune(runs / "run", ["select_top.fraction=0.5"], dry_run=True,
                                    out=runs / "dry")
    assert manifest is None and not (runs / "dry").exists()
    assert [o.stage for o in outcomes] == ["select_top"]
    (top,) = outcomes
    assert top.rows_in == top.kept + top.rejected
    stats = read_dir(runs / "run" / "stats").join(read_dir(runs / "in").select("id", "lang"),
                                                  on="id")
    reached = stats.filter(pl.col("stage").is_null() | (pl.col("stage") == "select_top"))
    assert top.rows_in == reached.height
    per_lang = reached.group_by("lang").len()["len"].to_list()
    assert top.kept == sum(int(n * 0.5 + 0.5) for n in per_lang)


def test_the_tuned_run_is_a_run_folder(runs: Path, cli: Callable[[list[str]], int],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = runs / "tuned-cli"
    assert cli(["tune", str(runs / "run"), "--set", "select_top.fraction=0.3", "--out",
                str(out)]) == 0
    assert "select_top" in capsys.readouterr().out
    assert (out / "report.html").is_file()  # a tuned run is a run, report included
    from curate.report import build_report

    html = build_report(out, runs / "run").read_text(encoding="utf-8")
    assert "(tune)" in html  # its time is the tune's, not a run's
    again = runs / "tuned-twice"
    assert cli(["tune", str(out), "--set", "select_top.fraction=0.6", "--out", str(again)]) == 0
    # Tuning back to the original parameters gives the original curated set.
    assert by_id(again / "curated").equals(by_id(runs / "run" / "curated"))
    doc = read_dir(out / "stats").filter(pl.col("stage") == "select_top")["id"][0]
    assert cli(["explain", str(out), doc]) == 0
    assert "below_top_fraction" in capsys.readouterr().out


def test_dry_run_prints_counts(runs: Path, cli: Callable[[list[str]], int],
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["tune", str(runs / "run"), "--set", "select_top.fraction=0.5",
                "--dry-run"]) == 0
    assert "dry run:" in capsys.readouterr().out
    assert not (runs / "run-tuned").exists()


@pytest.mark.parametrize(("changes", "message"), [
    (["selct_top.fraction=0.5"], 'no such stage (did you mean "select_top"?)'),
    (["select_top.fractoin=0.5"], 'select_top.fractoin: unknown key (did you mean "fraction"?)'),
    (["select_top.fraction=2"], "select_top.fraction: must be in (0, 1]"),
    (["select_top.fraction"], "expected STAGE.PARAM=VALUE"),
    (["quality.max_chars=100"], "quality.max_chars: changing it means recomputing signals"),
    (['gopher_repetition.rules="zh"'],
     "gopher_repetition.rules: changing it means recomputing signals"),
    ([], "nothing to tune"),
])
def test_tune_refuses_what_it_cannot_do(runs: Path, changes: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        tune(runs / "run", changes, dry_run=True)
    assert message in str(err.value)


def test_tune_refuses_when_a_stage_that_cannot_decide_from_stats_follows(
        tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    pl.DataFrame({"id": ["a", "b"], "text": ["one two three", "four five six"]}).write_parquet(
        tmp_path / "in" / "part-0.parquet")
    run_pipeline(make_config(tmp_path, [{"op": "quality_score"}, {"op": "select_top"},
                                        {"op": "exact_dedup"}]))
    with pytest.raises(ConfigError, match="exact_dedup: this exact_dedup stage comes after"):
        tune(tmp_path / "run", ["select_top.fraction=0.2"], dry_run=True)


def test_a_filter_threshold_tunes_to_what_a_full_run_gives(runs: Path) -> None:
    # Tighter than the run's 0.30: every document it now sees was measured by each later stage.
    tune(runs / "run", ["gopher_repetition.max_dup_line_frac=0.05"], out=runs / "tight")
    stages = [dict(s) for s in STAGES]
    stages[1]["max_dup_line_frac"] = 0.05
    run_pipeline(make_config(runs, stages, output="tight-full"))
    for folder in ("curated", "rejected"):
        tuned, full = by_id(runs / "tight" / folder), by_id(runs / "tight-full" / folder)
        assert tuned.select(sorted(tuned.columns)).equals(full.select(sorted(full.columns))), \
            folder
    # stats/: the same outcomes and signals; the tuned run also keeps the quality scores the
    # first run measured for documents it now rejects earlier (the full run never did).
    tuned, full = by_id(runs / "tight" / "stats"), by_id(runs / "tight-full" / "stats")
    assert tuned.select("id", "stage", "reason").equals(full.select("id", "stage", "reason"))
    for column in full.columns:
        same = full[column].is_null() | (tuned[column] == full[column]).fill_null(False)
        assert same.all(), column
    rejected = read_dir(runs / "tight" / "stats").filter(pl.col("reason") == "dup_lines")
    assert rejected.height > read_dir(runs / "run" / "stats").filter(
        pl.col("reason") == "dup_lines").height


def test_a_looser_filter_cannot_pass_documents_later_stages_never_measured(runs: Path) -> None:
    # Documents the run rejected for repetition never got quality scores.
    with pytest.raises(CurateError, match=r"quality: .* never measured them"):
        tune(runs / "run", [f"gopher_repetition.{key}=0.99" for key in (
            "max_dup_line_frac", "max_dup_para_frac", "max_dup_line_char_frac",
            "max_dup_para_char_frac")], dry_run=True)


def test_tune_writes_next_to_the_run_and_never_over_it(runs: Path) -> None:
    with pytest.raises(ConfigError, match="is the run being tuned"):
        tune(runs / "run", ["select_top.fraction=0.5"], out=runs / "run")
    tune(runs / "run", ["select_top.fraction=0.5"])
    assert (runs / "run-tuned" / "manifest.json").is_file()
    with pytest.raises(ConfigError, match="exists and is not empty; use --overwrite"):
        tune(runs / "run", ["select_top.fraction=0.5"])
    tune(runs / "run", ["select_top.fraction=0.5"], overwrite=True)
