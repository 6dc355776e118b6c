"""Text quality (`q_text`): how well-formed a document is, from the signals the cleaners and
filters stored (repetition, symbols and numbers, line structure, encoding damage, function
words, shouting, spam words, language ID) and the few that `quality_score` measures itself
(prose share, digit and upper-case shares, mojibake).

The formula, term by term:

    q_text = product over aspects a of (1 - weight_a * badness_a)
    badness_a = max over the checks of aspect a whose signal was measured of badness(check)
    badness(check) = (value - good) / (bad - good), clipped to [0, 1]
    value = the check's signal (or its ratio to another, e.g. stop words per word)

A check's `good` value is where a signal starts to look wrong, its `bad` value where it is
plainly wrong (some checks have Chinese values, used where `quality_lang` is "zh"; a check
marked `zh=False` does not apply to Chinese rows). `good` sits about where the 2 % least
typical reference prose lies (Chinese Wikipedia paragraphs from cmrc2018, BBC articles), so
that ordinary prose is not penalised; `bad` where no prose goes. Only
evidence counts: a check whose signal column is absent (the stage that measures it did not run)
or null is neutral (badness 0), and an aspect with no measured check has factor 1, so q_text is
1 for a document no measured signal speaks against. The worst check of an aspect decides it
(signals of one aspect are correlated; adding them would count one defect several times), and
aspects multiply, so a document that fails in several ways ranks below one that fails in one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# The document language the checks use ("zh" or "en"); written by `quality_score`.
LANG = "quality_lang"
# Share of characters in mojibake (UTF-8 read as Latin-1/cp1252) or replacement characters;
# measured by `quality_score` itself, as no cleaner records what is left after repair.
MOJIBAKE = "mojibake_ratio"
MOJIBAKE_PATTERN = (
    r"[ÂÃâåæçèéäÅÆÇÈÉÄ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|\x{FFFD}"
)
# Shares `quality_score` measures itself, so that q_text speaks even where no filter ran.
PROSE = "prose_share"  # of line characters in lines holding a sentence (20+ words only)
DIGITS = "digit_share"  # of characters that are digits
UPPER = "upper_share"  # of cased letters that are upper case


@dataclass(frozen=True)
class Check:
    """One signal compared with the values where it starts to look wrong and is plainly wrong."""

    name: str
    columns: tuple[str, ...]  # the signal; the first column present is read
    good: float
    bad: float
    zh_good: float | None = None
    zh_bad: float | None = None
    per: str | None = None  # read the signal divided by this column (0 where it is 0)
    zh: bool = True  # False: Chinese rows are not checked (neutral)

    def column(self, available: set[str] | list[str]) -> str | None:
        """The column this check reads in a frame with these columns, if any."""
        if self.per is not None and self.per not in available:
            return None
        return next((c for c in self.columns if c in available), None)

    def value(self, column: str) -> pl.Expr:
        """The checked value: the column, or its ratio to `per`."""
        value = pl.col(column).cast(pl.Float64)
        if self.per is None:
            return value
        per = pl.col(self.per).cast(pl.Float64)
        return pl.when(per > 0).then(value / per).otherwise(0.0)

    def badness(self, value: pl.Expr, zh: pl.Expr) -> pl.Expr:
        """0 at or before `good`, 1 at or beyond `bad`, linear between; null stays null."""
        value = value.cast(pl.Float64)
        en = (value - self.good) / (self.bad - self.good)
        if not self.zh:
            return pl.when(zh).then(pl.lit(0.0)).otherwise(en.clip(0.0, 1.0))
        if self.zh_good is None or self.zh_bad is None:
            return en.clip(0.0, 1.0)
        zh_value = (value - self.zh_good) / (self.zh_bad - self.zh_good)
        return pl.when(zh).then(zh_value).otherwise(en).clip(0.0, 1.0)

    def anchors(self, zh: bool) -> tuple[float, float] | None:
        """(good, bad) for a Chinese or other row; None where the check does not apply."""
        if zh and not self.zh:
            return None
        if zh and self.zh_good is not None and self.zh_bad is not None:
            return self.zh_good, self.zh_bad
        return self.good, self.bad


@dataclass(frozen=True)
class Aspect:
    """A group of checks of one kind of defect; its worst check scales q_text by up to
    `weight`."""

    name: str
    weight: float
    checks: tuple[Check, ...]


ASPECTS: tuple[Aspect, ...] = (
    Aspect("repetition", 0.8, (
        Check("duplicate_lines", ("dup_line_char_frac", "fw_dup_line_char_ratio"), 0.05, 0.4),
        Check("duplicate_paragraphs", ("dup_para_char_frac",), 0.05, 0.4),
        Check("top_bigram", ("top_2gram_char_frac",), 0.08, 0.35),
        Check("repeated_ngrams", ("dup_10gram_char_frac",), 0.05, 0.5, 0.1, 0.6),
        Check("char_repetition", ("char_rep_ratio",), 0.2, 0.6),
        Check("char_runs", ("char_run_ratio",), 0.02, 0.15, 0.01, 0.08),
    )),
    Aspect("symbols", 0.6, (
        Check("special_characters", ("special_chars_ratio",), 0.05, 0.25),
        # '#' and ellipses per word. Informal writing trails off ("ok... see u"); Gopher
        # rejects at 0.1, the middle of this range (it was 0.02 → 0.1, which marked down every
        # short message with one ellipsis).
        Check("symbol_words", ("gopher_symbol_ratio",), 0.05, 0.2),
        # Spec sheets, price lists, phone numbers: 2 % of BBC articles pass 3.5 % digits and
        # 5 % of AG News items 4 %; 2 % of Chinese Wikipedia paragraphs (dates, figures) 18 %.
        Check("digits", (DIGITS,), 0.04, 0.2, 0.18, 0.45),
        Check("alpha_words", ("gopher_alpha_words_ratio",), 0.85, 0.5),
    )),
    Aspect("line_structure", 0.6, (
        Check("prose_share", (PROSE,), 0.8, 0.2),
        Check("line_punctuation", ("fw_line_punct_ratio",), 0.5, 0.1),
        Check("short_lines", ("fw_short_line_ratio",), 0.3, 0.8),
        Check("bullet_lines", ("gopher_bullet_lines_ratio",), 0.5, 0.9),
        Check("ellipsis_lines", ("gopher_ellipsis_lines_ratio",), 0.1, 0.3),
    )),
    Aspect("encoding", 0.8, (
        Check("mojibake", (MOJIBAKE,), 0.0, 0.02),
        # A repaired text was damaged at the source: half as bad as a broken one.
        Check("unicode_repaired", ("unicode_fixed",), 0.0, 2.0),
    )),
    Aspect("function_words", 0.5, (
        # Prose needs function words (Gopher's stop-word rule, with curate's stop-word lists);
        # keyword lists have none. Stop words per word: 2 % of BBC articles are under 0.31,
        # 5 % of AG News items (terse leads) under 0.19; 2 % of Chinese Wikipedia paragraphs
        # under 0.08 (jieba words).
        Check("stopword_ratio", ("gopher_stopwords",), 0.25, 0.05, 0.08, 0.02,
              per="gopher_words"),
    )),
    Aspect("shouting", 0.4, (
        # Upper-case letters: 2 % of BBC articles pass 8 %, 5 % of AG News items (headline
        # case) 14 %; "FREE entry! WIN £1000" ... Chinese text has too few cased letters to
        # say anything.
        Check("upper_case", (UPPER,), 0.1, 0.4, zh=False),
    )),
    Aspect("spam", 0.6, (
        # Gambling, pornography and scam words (curate's lists): three are plainly spam.
        Check("flagged_words", ("flagged_words",), 0.0, 3.0),
    )),
    Aspect("language", 0.5, (
        Check("language_score", ("lang_score",), 0.9, 0.4),
    )),
)


def is_zh() -> pl.Expr:
    """Whether a row is scored as Chinese (from the `quality_lang` column)."""
    return pl.col(LANG) == "zh"


def mojibake_ratio(text: pl.Expr) -> pl.Expr:
    """Share of characters that are mojibake pairs or U+FFFD (0 for an empty text)."""
    chars = text.str.len_chars()
    return (
        pl.when(chars > 0)
        .then(text.str.count_matches(MOJIBAKE_PATTERN) / chars)
        .otherwise(0.0)
        .fill_null(0.0)
    )


def check_badness(check: Check, available: set[str] | list[str]) -> pl.Expr | None:
    """The badness expression of a check, or None when its signal is not available."""
    column = check.column(available)
    if column is None:
        return None
    return check.badness(check.value(column), is_zh())


def aspect_badness(aspect: Aspect, available: set[str] | list[str]) -> pl.Expr:
    """The worst badness of an aspect's measured checks (0 when none was measured)."""
    parts = [b for c in aspect.checks if (b := check_badness(c, available)) is not None]
    if not parts:
        return pl.lit(0.0)
    return pl.max_horizontal(parts).fill_null(0.0)


def q_text(available: set[str] | list[str]) -> pl.Expr:
    """q_text over a frame with the `available` columns (and `quality_lang`)."""
    score = pl.lit(1.0)
    for aspect in ASPECTS:
        score = score * (1.0 - aspect.weight * aspect_badness(aspect, available))
    return score.alias("q_text")


@dataclass(frozen=True)
class CheckValue:
    """A check's signal value and badness for one document (None when not measured)."""

    check: Check
    column: str | None
    value: float | None
    badness: float | None


@dataclass(frozen=True)
class AspectValue:
    """An aspect's checks, worst badness and factor for one document."""

    aspect: Aspect
    checks: list[CheckValue]
    badness: float
    factor: float


def explain(row: pl.DataFrame) -> list[AspectValue]:
    """Each aspect and check of q_text for a one-row frame of stored signals (stats/), computed
    with the same expressions as the score."""
    available = set(row.columns)
    if LANG not in available:
        row = row.with_columns(pl.lit("en").alias(LANG))
    out = []
    for aspect in ASPECTS:
        values = []
        for check in aspect.checks:
            column = check.column(available)
            if column is None:
                values.append(CheckValue(check, None, None, None))
                continue
            value, badness = row.select(
                check.value(column).alias("value"),
                check.badness(check.value(column), is_zh()).alias("badness"),
            ).row(0)
            values.append(CheckValue(check, column, value, badness))
        worst = max((v.badness for v in values if v.badness is not None), default=0.0)
        out.append(AspectValue(aspect, values, worst, 1.0 - aspect.weight * worst))
    return out
