"""`remove_urls`: URLs and e-mail addresses removed from the text."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.clean.common import count_and_replace
from curate.params import param

# A URL: a scheme or "www.", then anything up to whitespace, quotes, brackets or CJK
# punctuation; a trailing full stop, comma or closing bracket is not part of it.
URL = (
    r"(?i)(?-u:\b)(?:(?:https?|ftp)://|www\.)[^\s<>\"'“”‘’（）【】《》，。！？；：、]+"
    r"[^\s<>\"'“”‘’（）【】《》，。！？；：、.,;:!?)\]]"
)
EMAIL = r"(?i)(?-u:\b)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}(?-u:\b)"


@dataclass
class RemoveUrlsParams:
    urls: bool = param(True, "remove URLs (http(s)://, ftp://, www.)")
    emails: bool = param(True, "remove e-mail addresses")
    replacement: str = param("", "what replaces each removed URL or address")


@register
class RemoveUrls(RowOperator[RemoveUrlsParams]):
    """Remove URLs and e-mail addresses (counted per document)."""

    name = "remove_urls"
    rewrites_text = True
    signals = ("urls_removed", "emails_removed")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        text = batch[col]
        zero = pl.zeros(batch.height, dtype=pl.Int64, eager=True)
        emails = urls = zero
        if p.emails:
            text, emails = count_and_replace(text, EMAIL, p.replacement)
        if p.urls:
            text, urls = count_and_replace(text, URL, p.replacement)
        if p.urls or p.emails:
            text = text.str.replace_all(r"[^\S\n]{2,}", " ")
        return batch.with_columns(
            text.alias(col), urls.alias("urls_removed"), emails.alias("emails_removed")
        )
