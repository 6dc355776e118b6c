"""The report of a real small run: every section there, figures equal to the manifest,
documents and labels escaped, the same bytes on a rebuild, a comparison, the summary."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from curate.errors import ConfigError
from curate.report import build_report, markdown_summary
from curate.report.sections import SECTIONS
from tests.conftest import read_dir
from tests.report.conftest import XSS, XSS_LABEL, make_run

APPLIES = {"summary", "funnel", "distributions", "duplicates", "examples", "timing"}
NOT_RUN = {"quality", "outcomes", "ablation"}


class TagCounter(HTMLParser):
    """Counts start tags and collects section ids (script bodies are not parsed as HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "section":
            self.sections.append(dict(attrs)["id"] or "")


def parse(html: str) -> TagCounter:
    counter = TagCounter()
    counter.feed(html)
    return counter


def load(run: Path) -> tuple[dict, dict, str]:
    manifest = json.loads((run / "manifest.json").read_text())
    report = json.loads((run / "report.json").read_text())
    return manifest, report, (run / "report.html").read_text(encoding="utf-8")


def test_every_section_is_on_the_page_and_the_absent_ones_say_not_run(small_run: Path) -> None:
    _, report, html = load(small_run)
    sections = report["sections"]
    assert list(sections) == [s.KEY for s in SECTIONS]
    assert parse(html).sections == [s.KEY for s in SECTIONS]
    for key in APPLIES:
        assert "not_run" not in sections[key] and "section_error" not in sections[key], key
    for key in NOT_RUN:
        assert sections[key]["not_run"], key
    assert html.count('<span class="badge">not run</span>') == len(NOT_RUN)
    assert "plotly" in html[:10_000] and "cdn" not in html[:2_000].lower()


def test_figures_equal_the_manifest(small_run: Path) -> None:
    manifest, report, html = load(small_run)
    summary, funnel = report["sections"]["summary"], report["sections"]["funnel"]
    totals = manifest["totals"]
    assert summary["input_rows"] == totals["input_rows"] == 452
    assert summary["curated_rows"] == totals["curated_rows"]
    assert summary["rejected_rows"] == totals["rejected_rows"]
    assert summary["kept_fraction"] == pytest.approx(totals["curated_rows"] / 452)
    assert summary["config_hash"] == manifest["config_hash"]
    assert summary["stats_rows"] == totals["input_rows"]
    assert [{k: s[k] for k in ("stage", "in", "kept", "rejected")} for s in funnel["stages"]] \
        == [{k: s[k] for k in ("stage", "in", "kept", "rejected")} for s in manifest["stages"]]
    by_stage: dict[str, int] = {}
    for r in funnel["reasons"]:
        by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + r["rows"]
    assert by_stage == {s["stage"]: s["rejected"] for s in manifest["stages"] if s["rejected"]}
    assert funnel["stats_match_manifest"]
    # Characters out = the curated texts' lengths (n_chars is measured on the final text).
    curated = read_dir(small_run / "curated")
    assert summary["chars_out"] == curated["text"].str.len_chars().sum()
    assert funnel["stages"][-1]["chars_kept"] == summary["chars_out"]
    # The page shows the same figures.
    for value in (totals["input_rows"], totals["curated_rows"], totals["rejected_rows"]):
        assert f'<div class="v">{value:,}</div>' in html
    assert manifest["config_hash"] in html


def test_duplicates_and_examples_come_from_the_run(small_run: Path) -> None:
    _, report, _ = load(small_run)
    dup = report["sections"]["duplicates"]["stages"][0]
    rejected = read_dir(small_run / "rejected")
    copies = rejected.filter(pl.col("stage") == "exact_dedup")
    assert dup["removed"] == copies.height
    assert dup["total_clusters"] == copies["dup_of"].n_unique()
    assert dup["pairs"] and all(p["jaccard"] == 1.0 for p in dup["pairs"])
    groups = {g["title"]: g for g in report["sections"]["examples"]["groups"]}
    long_group = groups["rejected: too_many_chars · length_filter"]
    assert [d["id"] for d in long_group["examples"]] == ["xss-long"]
    assert long_group["examples"][0]["text"].endswith(" …")  # truncated
    assert len(long_group["examples"][0]["text"]) <= 602
    labels = report["sections"]["distributions"]["categorical"]
    assert [c["column"] for c in labels] == ["rule_lang", "label"]
    assert XSS_LABEL in labels[1]["values"]


def test_a_signal_with_language_thresholds_is_drawn_per_rule_set(small_run: Path) -> None:
    _, report, _ = load(small_run)
    numeric = {h["column"]: h for h in report["sections"]["distributions"]["numeric"]}
    assert numeric["n_chars"]["by_rule_lang"] == []  # one threshold for every row: one chart
    repetition = numeric["char_rep_ratio"]
    assert repetition["thresholds"] == [
        {"stage": "char_repetition", "param": "max_rep_ratio", "value": 0.5, "rule_lang": "en"},
        {"stage": "char_repetition", "param": "zh_max_rep_ratio", "value": 0.5,
         "rule_lang": "zh"}]
    zh, en = repetition["by_rule_lang"]
    assert (zh["rule_lang"], zh["n_all"], zh["n_kept"]) == ("zh", 14, 14)
    assert (en["rule_lang"], en["n_all"], en["n_kept"]) == ("en", 348, 348)
    assert zh["thresholds"] == repetition["thresholds"][1:]
    assert en["thresholds"] == repetition["thresholds"][:1]
    # The panels split the histogram's documents, bin by bin.
    assert [a + b for a, b in zip(zh["all"], en["all"], strict=True)] == repetition["all"]


def test_documents_and_labels_are_escaped(small_run: Path) -> None:
    html = (small_run / "report.html").read_text(encoding="utf-8")
    assert XSS not in html and XSS_LABEL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    figures = html.count('class="plotly-graph-div"')
    assert figures >= 8
    # Only plotly's own scripts: the library, one per figure, the resize hook.
    assert parse(html).tags["script"] == figures + 2


def test_rebuilding_gives_the_same_bytes(small_run: Path) -> None:
    before = [(small_run / f).read_bytes() for f in ("report.html", "report.json")]
    build_report(small_run)
    assert [(small_run / f).read_bytes() for f in ("report.html", "report.json")] == before


def test_compare_shows_two_runs_side_by_side(small_run: Path) -> None:
    other = make_run(small_run.parent, output="strict", min_chars=120)
    html_path = build_report(small_run, other)
    _, report, html = load(small_run)
    compare = report["compare"]
    assert {"key": "long_enough.min_chars", "this": 40, "other": 120} in compare["config_diff"]
    headline = {h["key"]: h for h in compare["headlines"]}
    strict = json.loads((other / "manifest.json").read_text())["totals"]["curated_rows"]
    assert headline["curated_rows"]["other"] == strict < headline["curated_rows"]["this"]
    assert {h["column"] for h in compare["numeric"]} >= {"n_chars", "n_words"}
    # One pipeline, two folders: the columns are named by folder, a fraction differs in points.
    assert (compare["this"]["name"], compare["other"]["name"]) == (small_run.name, "strict")
    kept = headline["kept_fraction"]
    assert f"{100 * (kept['this'] - kept['other']):+.1f} points" in html
    assert parse(html).sections[:2] == ["summary", "compare"]
    assert html_path == small_run / "report.html"
    build_report(small_run)  # leave the plain report for the other tests


def test_markdown_summary(small_run: Path) -> None:
    manifest, _, _ = load(small_run)
    text = markdown_summary(small_run)
    totals = manifest["totals"]
    assert f"{totals['input_rows']:,} rows in → {totals['curated_rows']:,} curated" in text
    assert "| exact_dedup |" in text and "Top rejection reasons: exact_duplicate" in text
    assert str(small_run / "report.html") in text
    assert len(text.splitlines()) < 20


def test_an_unfinished_run_still_gets_a_report(small_run: Path, tmp_path: Path) -> None:
    manifest = json.loads((small_run / "manifest.json").read_text())
    manifest.update(status="running", stages=[], totals={})
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "stats").mkdir()
    html = build_report(tmp_path).read_text(encoding="utf-8")
    sections = json.loads((tmp_path / "report.json").read_text())["sections"]
    assert all("section_error" not in s for s in sections.values())
    assert "no stage counts" in html and sections["timing"]["not_run"]


def test_a_folder_without_manifest_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a run folder"):
        build_report(tmp_path)
