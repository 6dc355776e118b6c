"""Sections driven by the data: a synthetic run folder holding language, quality scores,
domain targets, near-duplicate clusters and ablation.json gets every section; the helpers
behind them (histograms, thresholds, targets) on tiny frames."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.report import build_report
from curate.report.build import aggregate
from curate.report.histogram import category_counts, numeric_histogram
from curate.report.limits import targets, thresholds
from curate.report.run import RunData
from curate.report.sections import SECTIONS, examples
from curate.runfolder import Manifest
from tests.report.run_folder import write_run_folder


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = write_run_folder(tmp_path_factory.mktemp("synthetic") / "run", rows=6000, shards=3)
    build_report(run)
    return run


def sections(run: Path) -> dict:
    return json.loads((run / "report.json").read_text())["sections"]


def test_every_section_applies_when_its_columns_exist(full_run: Path) -> None:
    found = sections(full_run)
    for s in SECTIONS:
        assert "not_run" not in found[s.KEY] and "section_error" not in found[s.KEY], s.KEY
    html = (full_run / "report.html").read_text(encoding="utf-8")
    assert "not run" not in html and "could not be built" not in html


def test_quality_scores_with_their_threshold_and_a_scatter(full_run: Path) -> None:
    quality = sections(full_run)["quality"]
    assert quality["dimensions"] == ["q_overall", "q_text", "q_info", "q_density"]
    overall = quality["histograms"][0]
    assert overall["thresholds"] == [{"stage": "quality_filter", "param": "min_overall",
                                      "value": 0.45, "rule_lang": None}]
    # No curated document sits below the quality threshold.
    below = [k for k, lo in zip(overall["kept"], overall["edges"], strict=False) if lo < 0.4]
    assert sum(below) == 0
    scatter = quality["scatter"]
    assert (scatter["x"], scatter["y"]) == ("q_text", "q_info")
    assert 0 < len(scatter["kept"][0]) + len(scatter["rejected"][0]) <= 2000


def test_domain_targets_flag_shortfalls(full_run: Path) -> None:
    found = sections(full_run)
    domain = next(c for c in found["distributions"]["categorical"] if c["column"] == "domain")
    assert domain["targets"]["shares"]["education"] == pytest.approx(0.2)
    rows = {r["value"]: r for r in found["outcomes"]["targets"][0]["rows"]}
    assert rows["education"]["shortfall"] and not rows["news"]["shortfall"]
    assert 'class="shortfall"' in (full_run / "report.html").read_text(encoding="utf-8")


def test_near_duplicate_clusters_and_ablation(full_run: Path) -> None:
    found = sections(full_run)
    dup = found["duplicates"]["stages"][0]
    assert dup["stage"] == "minhash_dedup" and dup["total_clusters"] > 0
    assert sum(dup["clusters"]) == dup["total_clusters"]
    assert all(p["survivor"] is not None for p in dup["pairs"])
    assert [a["arm"] for a in found["ablation"]["arms"]] == ["raw", "curated", "random"]
    assert found["ablation"]["arms"][1]["accuracy"]["mean"] == 0.76


def test_the_ablation_is_read_honestly(full_run: Path) -> None:
    ablation = sections(full_run)["ablation"]
    # curated - raw: +0.05 ± 0.015 is a win; curated - random: +0.01 ± 0.015 a tie.
    assert ablation["verdict"] == (
        "The curated arm won against raw (+0.0500 accuracy, 95 % CI +0.0350 to +0.0650) and "
        "tied with a random subset of raw of the same size (+0.0100 accuracy, 95 % CI "
        "-0.0050 to +0.0250).")
    assert ablation["arms"][0]["log_loss"]["mean"] == pytest.approx(0.29)
    # class a: 40 % of raw, 30 % of curated: more than 5 points apart
    assert ablation["class_mix"]["curated"]["a"] == pytest.approx(0.3)
    assert ablation["drifting"] == ["a"]  # b and c move by 5 points exactly
    assert len(ablation["curves"]) == 12
    page = (full_run / "report.html").read_text(encoding="utf-8")
    for text in ("won against raw", "Paired accuracy differences", "log-loss",
                 "Class mix per arm", "Warning: the arms", "raw: training loss per step"):
        assert text in page, text


def test_examples_cover_every_reason_and_the_quality_deciles(full_run: Path) -> None:
    groups = sections(full_run)["examples"]["groups"]
    kinds = [g["kind"] for g in groups]
    assert kinds.count("reason") == 6 and kinds.count("quality") == 2
    for g in groups:
        assert len(g["examples"]) == min(3, g["documents"] or 3)
    # A rule's rejections show the value measured against the threshold that rejected them.
    short = next(g for g in groups if g["title"] == "rejected: too_few_chars · length_filter")
    for example in short["examples"]:
        value, test = example["extra"]["n_chars:"].split(" ", 1)
        assert int(value) < 50 and test == "(< 50)"


def test_a_failing_section_does_not_stop_the_report(full_run: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(run: RunData, earlier: dict) -> dict:
        raise ValueError("odd column\nsecond line")

    monkeypatch.setattr(examples, "compute", broken)
    found = aggregate(RunData.open(full_run))
    assert found["examples"] == {"section_error": "ValueError: odd column"}
    assert "quality" in found and "section_error" not in found["timing"]


def test_numeric_histogram_counts_all_and_kept() -> None:
    lf = pl.LazyFrame({"x": [1, 2, 2, 3, None, 10], "reason": [None, "r", None, None, "r", None]})
    h = numeric_histogram(lf, "x", pl.col("reason").is_null(), integer=True, bins=40)
    assert h is not None
    assert (h["n_all"], h["n_kept"]) == (5, 4)
    assert h["edges"][0] == 0.5 and len(h["all"]) == len(h["edges"]) - 1 == 10
    assert h["all"][:3] == [1, 2, 1] and h["kept"][:3] == [1, 1, 1]
    assert h["mean_kept"] == pytest.approx(4.0)


def test_category_counts_fold_the_tail_into_other() -> None:
    lf = pl.LazyFrame({"lang": ["zh"] * 5 + ["en"] * 3 + ["fr", "de", None],
                       "kept": [True] * 11})
    c = category_counts(lf, "lang", pl.col("kept"), top=2)
    assert c["values"] == ["zh", "en", "(other)"] and c["all"] == [5, 3, 3]
    assert c["distinct"] == 5


def test_thresholds_and_targets_come_from_the_stage_params(tmp_path: Path) -> None:
    run = RunData(tmp_path, Manifest(config={"stages": [
        {"name": "short", "op": "length_filter", "params": {"min_chars": 50, "max_words": None}},
        {"name": "mix", "op": "not_installed", "params": {"quotas": {"news": 30, "tech": 10}}},
    ]}))
    assert thresholds(run, "n_chars") == [{"stage": "short", "param": "min_chars", "value": 50,
                                           "rule_lang": None}]
    assert thresholds(run, "n_words") == []
    routed = RunData(tmp_path, Manifest(config={"stages": [
        {"name": "gq", "op": "gopher_quality",
         "params": {"min_mean_word_length": 3.0, "zh_min_mean_word_length": 1.3}}]}))
    assert thresholds(routed, "gopher_mean_word_length") == [  # both rule sets, each its rows
        {"stage": "gq", "param": "min_mean_word_length", "value": 3.0, "rule_lang": "en"},
        {"stage": "gq", "param": "zh_min_mean_word_length", "value": 1.3, "rule_lang": "zh"}]
    mix = targets(run, "domain", {"news", "sport"})
    assert mix is not None and mix["absolute"] and mix["shares"] == {"news": 0.75, "tech": 0.25}
    assert targets(run, "lang", {"zh", "en"}) is None


def test_inputs_break_down_by_file_and_reasons_by_language(full_run: Path) -> None:
    found = sections(full_run)
    inputs, summary = found["inputs"], found["summary"]
    assert len(inputs["files"]) == summary["input_shards"]
    assert sum(f["documents"] for f in inputs["files"]) == summary["stats_rows"]
    assert sum(f["curated"] for f in inputs["files"]) == summary["curated_rows"]
    assert inputs["lang_column"] == "lang" and {"zh", "en"} <= set(inputs["langs"])
    rejected = sum(sum(r[c] for c in inputs["langs"]) for r in inputs["reasons_by_lang"])
    assert rejected == summary["stats_rows"] - summary["curated_rows"]


def test_a_signal_with_one_value_everywhere_is_named_not_charted(tmp_path: Path) -> None:
    from curate.report.sections import distributions

    (tmp_path / "stats").mkdir()
    pl.DataFrame({"id": ["a", "b", "c"], "n_chars": [10, 200, 3000],
                  "pii_emails": [0, 0, 0]}).write_parquet(tmp_path / "stats" / "part-00000.parquet")
    found = distributions.compute(RunData(tmp_path, Manifest()), {})
    assert [h["column"] for h in found["numeric"]] == ["n_chars"]
    assert found["constant"] == [{"column": "pii_emails", "value": 0}]
