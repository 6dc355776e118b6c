"""q_text: the documented product of aspect factors, term by term; neutral where a signal was
not measured; and the order it gives hand-made documents in English and Chinese."""

from __future__ import annotations

import polars as pl
import pytest

from curate.ops.quality.text_quality import ASPECTS, explain, mojibake_ratio, q_text
from tests.quality.conftest import measure
from tests.quality.documents import ORDERINGS


def score(row: dict[str, object]) -> float:
    frame = pl.DataFrame([row])
    if "quality_lang" not in frame.columns:
        frame = frame.with_columns(pl.lit("en").alias("quality_lang"))
    return frame.select(q_text(frame.columns)).item()


def test_a_document_no_measured_signal_speaks_against_scores_one() -> None:
    assert score({"id": "a"}) == 1.0
    factors = explain(pl.DataFrame({"id": ["a"]}))
    assert [a.factor for a in factors] == [1.0] * len(ASPECTS)
    assert all(c.column is None for a in factors for c in a.checks)


def test_each_aspect_scales_by_its_weight_times_its_worst_check() -> None:
    row = {
        "dup_line_char_frac": 0.225,  # (0.225 - 0.05) / (0.4 - 0.05) = 0.5
        "top_2gram_char_frac": 0.08,  # at `good`: 0
        "fw_line_punct_ratio": 0.3,  # (0.3 - 0.5) / (0.1 - 0.5) = 0.5
        "lang_score": 0.65,  # (0.65 - 0.9) / (0.4 - 0.9) = 0.5
    }
    # (1 - 0.8 * 0.5) * (1 - 0.6 * 0.5) * (1 - 0.5 * 0.5)
    assert score(row) == pytest.approx(0.6 * 0.7 * 0.75)
    by_aspect = {a.aspect.name: a for a in explain(pl.DataFrame([row]))}
    assert by_aspect["repetition"].badness == pytest.approx(0.5)
    assert by_aspect["repetition"].factor == pytest.approx(0.6)
    assert by_aspect["line_structure"].factor == pytest.approx(0.7)
    assert by_aspect["language"].factor == pytest.approx(0.75)
    assert by_aspect["symbols"].factor == 1.0


def test_the_worst_check_decides_an_aspect() -> None:
    both = {"dup_line_char_frac": 0.4, "top_2gram_char_frac": 0.35}  # both badness 1
    one = {"dup_line_char_frac": 0.4, "top_2gram_char_frac": 0.0}
    assert score(both) == score(one) == pytest.approx(1 - 0.8)


def test_badness_is_clipped_to_zero_and_one() -> None:
    assert score({"special_chars_ratio": 0.0}) == 1.0
    assert score({"special_chars_ratio": 0.9}) == pytest.approx(1 - 0.6)


def test_chinese_documents_use_the_chinese_values() -> None:
    assert score({"char_run_ratio": 0.045, "quality_lang": "zh"}) == pytest.approx(
        1 - 0.8 * (0.045 - 0.01) / (0.08 - 0.01))
    assert score({"char_run_ratio": 0.045, "quality_lang": "en"}) == pytest.approx(
        1 - 0.8 * (0.045 - 0.02) / (0.15 - 0.02))


def test_a_null_signal_is_neutral() -> None:
    assert score({"dup_line_char_frac": None, "lang_score": None}) == 1.0


def test_a_check_reads_the_first_signal_present() -> None:
    # No gopher_repetition: FineWeb's share of characters in repeated lines stands in.
    assert score({"fw_dup_line_char_ratio": 0.4}) == pytest.approx(1 - 0.8)


def test_stopword_ratio_is_stop_words_per_word() -> None:
    # en: good 0.25, bad 0.05 stop words per word (curate's stop-word list).
    assert score({"gopher_stopwords": 3, "gopher_words": 20}) == pytest.approx(
        1 - 0.5 * (0.15 - 0.25) / (0.05 - 0.25))
    assert score({"gopher_stopwords": 0, "gopher_words": 0}) == pytest.approx(1 - 0.5)
    assert score({"gopher_stopwords": 0}) == 1.0  # without the word count: not measured


def test_mojibake_ratio_counts_broken_characters() -> None:
    texts = pl.Series(["cafÃ© crÃ¨me", "café crème", "", "a\ufffdb"])
    ratios = pl.select(mojibake_ratio(pl.lit(texts))).to_series().to_list()
    assert ratios == pytest.approx([2 / 12, 0.0, 0.0, 1 / 3])


def test_explain_agrees_with_the_score() -> None:
    frame = measure([ORDERINGS["en"][2][1]])
    product = 1.0
    for aspect in explain(frame):
        product *= aspect.factor
    assert product == pytest.approx(frame["q_text"][0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_q_text_orders_the_hand_made_documents(lang: str) -> None:
    for better, worse in ORDERINGS[lang]:
        scores = measure([better, worse])["q_text"].to_list()
        assert scores[0] > scores[1], (better[:40], worse[:40], scores)
