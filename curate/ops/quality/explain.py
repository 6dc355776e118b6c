"""What `curate explain` shows for a scored document: the dimension scores and their weights,
q_text aspect by aspect and check by check, and q_density measure by measure, each computed
from the stored signals with the same expressions as the score."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.ops.base import Explanation
from curate.ops.quality import density, text_quality

SCORES = ("q_text", "q_info", "q_density", "q_overall")


def scores(values: dict[str, Any], weights: dict[str, float]) -> Explanation:
    """The dimension scores and how q_overall combines them."""
    rows = [(s, values.get(s), weights.get(s) if s != "q_overall" else None) for s in SCORES]
    return Explanation("scores", ("score", "value", "weight in q_overall"), rows, covers=SCORES)


def q_text(row: pl.DataFrame) -> Explanation:
    """Each aspect of q_text (factor = 1 - weight × its worst badness) and each of its checks:
    signal, value, good → bad, badness."""
    lang = row[text_quality.LANG][0] if text_quality.LANG in row.columns else "en"
    rows: list[tuple[Any, ...]] = []
    product = 1.0
    for aspect in text_quality.explain(row):
        rows.append((aspect.aspect.name, "", "", f"weight {aspect.aspect.weight:g}",
                     f"{aspect.badness:.3g}", f"{aspect.factor:.4g}"))
        for c in aspect.checks:
            anchors = c.check.anchors(lang == "zh")
            span = "not for zh" if anchors is None else f"{anchors[0]:g} → {anchors[1]:g}"
            rows.append((f"  {c.check.name}", c.column or "-", c.value, span, c.badness, ""))
        product *= aspect.factor
    rows.append(("q_text", "", "", "", "", f"{product:.4g}"))
    return Explanation(f"q_text = product of the aspect factors ({lang} values)",
                       ("aspect / check", "signal", "value", "good → bad", "badness", "factor"),
                       rows, caption="signal - : not measured in this run (neutral, badness 0)",
                       covers=(text_quality.LANG, text_quality.MOJIBAKE))


def q_density(row: pl.DataFrame) -> Explanation:
    """The density measures, their norms and normalised values, and the coverage factor."""
    measures, coverage = density.explain(row)
    rows: list[tuple[Any, ...]] = [(m.measure, m.value, f"{m.norm.low:g} → {m.norm.high:g}",
                                    m.normalized) for m in measures]
    words = row[density.WORDS][0] if density.WORDS in row.columns else None
    lang = "zh" if text_quality.LANG in row.columns and row[text_quality.LANG][0] == "zh" \
        else "en"
    rows.append(("coverage", words, f"min(1, words / {density.WINDOWS[lang]})", coverage))
    return Explanation("q_density = mean of the normalised measures × coverage",
                       ("measure", "value", "low → high", "normalised"), rows,
                       covers=(density.WORDS, *density.MEASURES))
