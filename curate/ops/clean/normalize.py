"""`normalize`: Unicode, HTML and whitespace normalisation of the text column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import ftfy
import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.clean.common import apply_where
from curate.ops.clean.html import strip_markup
from curate.ops.clean.unicode import CONTINUATION
from curate.params import param

# UTF-8 read as Latin-1/cp1252: a Latin-1 letter standing for a lead byte, then a character
# standing for a continuation byte. Only these rows go through ftfy.
MOJIBAKE_HINT = rf"[\xc0-\xff][{CONTINUATION}]"
INVISIBLE = r"[\u200b-\u200d\u2060\ufeff\u00ad]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Punctuation that Chinese text uses as its normal punctuation: the full-width forms
# (，！？：；（）～ ...), the ellipsis (…… is two U+2026) and the full-width currency signs
# (￥ ...). NFKC would turn them into ASCII ("……" into "......"), so they are parked in the
# Private Use Area around the normalisation. Full-width letters and digits are still folded
# to ASCII. (—— and 「」 are not compatibility characters: NFKC leaves them alone.)
CJK_PUNCTUATION = [chr(c) for c in (*range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21),
                                    *range(0xFF3B, 0xFF41), *range(0xFF5B, 0xFF5F),
                                    0x2025, 0x2026, *range(0xFFE0, 0xFFE7))]
PARKED = [chr(0xF0000 + i) for i in range(len(CJK_PUNCTUATION))]


@dataclass
class NormalizeParams:
    form: Literal["NFKC", "NFC", "none"] = param("NFKC", "Unicode normalisation form")
    strip_html: bool = param(True, "remove HTML tags, comments, scripts; decode entities")
    fix_mojibake: bool = param(True, "repair UTF-8 text mis-decoded as latin-1/cp1252 (ftfy)")
    whitespace: bool = param(True, "collapse spaces, trim lines, at most one blank line")
    keep_cjk_punctuation: bool = param(
        True, "keep full-width punctuation (，！？：；), ellipses (……) and full-width currency "
        "signs (￥) as they are")


@register
class Normalize(RowOperator[NormalizeParams]):
    """Unicode NFKC, HTML tags and entities stripped, mojibake repaired, whitespace tidied."""

    name = "normalize"
    rewrites_text = True
    signals = ("normalize_chars_removed",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        before = batch[col].str.len_chars()
        text = batch[col]
        if p.fix_mojibake:
            text = apply_where(text, text.str.contains(MOJIBAKE_HINT).fill_null(False),
                                ftfy.fix_encoding)
        if p.strip_html:
            text = strip_markup(text, drop_chrome=False)
        if p.form != "none":
            if p.keep_cjk_punctuation:
                text = text.str.replace_many(CJK_PUNCTUATION, PARKED)
            text = text.str.normalize(p.form)
            if p.keep_cjk_punctuation:
                text = text.str.replace_many(PARKED, CJK_PUNCTUATION)
        text = text.str.replace_all(INVISIBLE, "")
        if p.whitespace:
            text = (
                text.str.replace_all(r"[^\S\n]+", " ")
                .str.replace_all(r" ?\n ?", "\n")
                .str.replace_all(r"\n{3,}", "\n\n")
                .str.strip_chars()
            )
        return batch.with_columns(
            text.alias(col), (before.cast(pl.Int64) - text.str.len_chars().cast(pl.Int64))
            .alias("normalize_chars_removed")
        )
