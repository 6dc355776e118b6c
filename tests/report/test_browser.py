"""report.html in a real browser: headless Chromium opens it from disk with the network off;
the charts render (plotly's SVG), nothing errors, no request leaves the page, and the hostile
document does not run. A screenshot is saved in the run folder, and copied with the page into
$CURATE_ARTIFACTS when that is set (for CI to keep)."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest

from tests.report.browser import find_chromium, load_page

SCREENSHOT = "report-screenshot.png"
PROBE = """({
  plots: document.querySelectorAll('.js-plotly-plot').length,
  drawn: Array.from(document.querySelectorAll('.js-plotly-plot'))
           .filter(p => p.querySelector('svg.main-svg .trace') !== null).length,
  traces: document.querySelectorAll('svg.main-svg g.trace').length,
  sections: document.querySelectorAll('section').length,
  perSource: document.querySelector('section#inputs .js-plotly-plot') !== null,
  perRuleSet: Array.from(document.querySelectorAll('section#distributions .js-plotly-plot'))
    .filter(p => p.querySelectorAll('g.cartesianlayer > g.subplot').length > 1)
    .map(p => Array.from(p.querySelectorAll('text.annotation-text'), t => t.textContent)),
  cards: Array.from(document.querySelectorAll('section#summary .card')).map(
    c => [c.querySelector('.k').textContent, c.querySelector('.v').textContent]),
  alerted: window.__alerted === true,
})"""


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_report_renders_offline_in_chromium(small_run: Path) -> None:
    chromium = os.environ.get("CURATE_CHROMIUM") or find_chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    html = small_run / "report.html"
    # A hostile script would call alert(); record it instead of blocking on a dialog.
    page = html.with_name("report-probe.html")
    page.write_text(html.read_text(encoding="utf-8").replace(
        "<head>", "<head><script>window.alert = () => { window.__alerted = true; };</script>", 1),
        encoding="utf-8")
    shot = small_run / SCREENSHOT
    result = load_page(chromium, page, shot, PROBE)
    page.unlink()

    assert result.exceptions == []
    assert result.console_errors == []
    assert result.requests == []  # self-contained: no CDN, no fonts, nothing fetched
    value = result.value
    assert value["plots"] >= 8 and value["drawn"] == value["plots"]
    assert value["traces"] >= value["plots"]
    assert value["sections"] == 10
    assert value["perSource"]  # documents per input file, drawn
    # char_repetition's thresholds depend on the language: one chart, a panel per rule set.
    assert value["perRuleSet"] == [["zh rules (rows judged Chinese): 14 measured, 14 curated",
                                    "en rules (every other row): 348 measured, 348 curated"]]
    cards = {k: v for k, v in value["cards"]}
    rows = {k: int(v.replace(",", "")) for k, v in cards.items() if k.endswith("rows")}
    added = next((int(v.replace(",", "")) for k, v in cards.items() if k.startswith("added")), 0)
    assert rows["input rows"] + added == rows["curated rows"] + rows["rejected rows"]
    assert value["alerted"] is False
    width, height = png_size(shot)
    assert width == 1280 and height > 2000
    artifacts = os.environ.get("CURATE_ARTIFACTS")
    if artifacts:  # CI keeps the screenshot and the page it shows
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / SCREENSHOT)
        shutil.copy(html, Path(artifacts) / "report.html")
