"""q_density: windowed distinct word and bigram ratios, word entropy and compressibility,
normalised per language, and the order it gives hand-made documents."""

from __future__ import annotations

import math

import polars as pl
import pytest

from curate.ops.quality.density import (
    NORMS,
    WINDOWS,
    compression_ratio,
    density_measures,
    q_density,
)
from curate.ops.quality.score import QualityScore
from tests.conftest import REPO
from tests.quality.conftest import measure
from tests.quality.documents import ORDERINGS


def measures(texts: list[str], zh: bool = False) -> list[dict[str, object]]:
    frame = density_measures(pl.Series(texts), pl.Series([zh] * len(texts)))
    return frame.to_dicts()


def test_measures_of_a_tiny_english_text() -> None:
    (m,) = measures(["A b a B"])
    assert m["density_words"] == 4
    assert m["distinct_word_ratio"] == 0.5  # {a, b} of 4 (case folded)
    assert m["distinct_bigram_ratio"] == pytest.approx(2 / 3)  # ab ba ab
    assert m["word_entropy"] == pytest.approx(1.0)


def test_a_chinese_character_is_a_word() -> None:
    (m,) = measures(["好好学习。"], zh=True)
    assert m["density_words"] == 4
    assert m["distinct_word_ratio"] == 0.75
    assert m["distinct_bigram_ratio"] == 1.0  # 好好 好学 学习
    assert m["word_entropy"] == pytest.approx(1.5)  # counts 2, 1, 1


def test_measures_are_averaged_over_full_windows() -> None:
    window = [f"w{i}" for i in range(WINDOWS["en"])]
    twice = " ".join(window * 2)
    (m,) = measures([twice])
    assert m["density_words"] == 128
    assert m["distinct_word_ratio"] == 1.0  # per window; over the whole text it is 0.5
    assert m["word_entropy"] == pytest.approx(math.log2(64))
    # A partial last window is left out: it would measure fewer words than the others.
    (m,) = measures([twice + " w0 w0 w0"])
    assert m["distinct_word_ratio"] == 1.0


def test_a_text_without_words_has_no_measures() -> None:
    (m,) = measures(["... !!!"])
    assert m["density_words"] == 0
    assert m["distinct_word_ratio"] is None and m["word_entropy"] is None


def test_compression_ratio_is_per_block() -> None:
    assert compression_ratio("") is None
    assert compression_ratio(None) is None
    repeated = "the same words again " * 200
    assert compression_ratio(repeated) < 0.05
    # Two full 1 KiB blocks of different text average the two ratios; a shorter tail is ignored.
    a, b = "x" * 1024, "".join(chr(65 + (i * 7919) % 26) for i in range(1024))
    assert compression_ratio(a + b + "tail") == pytest.approx(
        (compression_ratio(a) + compression_ratio(b)) / 2)  # type: ignore[operator]


def test_q_density_normalises_per_language_and_scales_by_coverage() -> None:
    rows = []
    for lang in ("en", "zh"):
        high = {m: n.high for m, n in NORMS[lang].items()}
        low = {m: n.low for m, n in NORMS[lang].items()}
        window = WINDOWS[lang]
        rows += [{"quality_lang": lang, "density_words": window, **high},
                 {"quality_lang": lang, "density_words": window, **low},
                 {"quality_lang": lang, "density_words": window // 2, **high},
                 {"quality_lang": lang, "density_words": 0, **{m: None for m in high}}]
    frame = pl.DataFrame(rows)
    scores = frame.select(q_density(pl.col("quality_lang") == "zh")).to_series().to_list()
    assert scores == pytest.approx([1.0, 0.0, 0.5, 0.0] * 2)


def test_chinese_and_english_reference_text_land_on_one_scale() -> None:
    # The sample's clean evaluation documents: comparable text in both languages.
    texts = pl.read_parquet(REPO / "sample_data" / "eval" / "eval.parquet")
    scored = QualityScore().transform(texts.select("id", "text"))
    means = scored.group_by("quality_lang").agg(pl.col("q_density").mean())
    by_lang = dict(zip(means["quality_lang"], means["q_density"], strict=True))
    assert abs(by_lang["zh"] - by_lang["en"]) < 0.1
    assert min(by_lang.values()) > 0.8


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_q_density_orders_the_hand_made_documents(lang: str) -> None:
    for better, worse in ORDERINGS[lang]:
        scores = measure([better, worse])["q_density"].to_list()
        assert scores[0] > scores[1], (better[:40], worse[:40], scores)
