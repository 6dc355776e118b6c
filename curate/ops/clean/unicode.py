"""`fix_unicode`: mojibake and other Unicode damage repaired with ftfy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import ftfy
import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.clean.common import apply_where
from curate.params import param

# Rows ftfy may change: UTF-8 read as Latin-1/cp1252 (a Latin-1 letter standing for a UTF-8
# lead byte, then a character standing for a continuation byte 0x80-0xBF), C0/C1 control
# characters, replacement characters and Latin ligatures. ftfy itself decides what to do with
# them; the other rows skip the (Python) repair entirely.
CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
NEEDS_FIX = (
    rf"[\xc0-\xff][{CONTINUATION}]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\ufffd"
    r"|[\ufb00-\ufb06]"
)


@dataclass
class FixUnicodeParams:
    normalization: Literal["NFC", "NFKC", "none"] = param(
        "NFC", "Unicode normalisation ftfy applies to the rows it fixes"
    )
    uncurl_quotes: bool = param(False, "turn curly quotes into straight ones (off: zh uses “”)")


@register
class FixUnicode(RowOperator[FixUnicodeParams]):
    """Repair mojibake (UTF-8 read as Latin-1/cp1252) and other Unicode damage with ftfy."""

    name = "fix_unicode"
    rewrites_text = True
    signals = ("unicode_fixed",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        text = batch[col]
        config = ftfy.TextFixerConfig(
            uncurl_quotes=p.uncurl_quotes,
            fix_character_width=False,  # full/half width: `normalize_punctuation`'s job
            unescape_html=False,  # HTML: `clean_html`'s job
            normalization=None if p.normalization == "none" else p.normalization,
            explain=False,
        )
        candidates = text.str.contains(NEEDS_FIX).fill_null(False)
        fixed = apply_where(text, candidates, lambda s: ftfy.fix_text(s, config=config))
        changed = (fixed != text).fill_null(False)
        return batch.with_columns(fixed.alias(col), changed.alias("unicode_fixed"))
