"""`clean_html`: markup and page chrome removed from text extracted with its HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.clean.common import apply_where
from curate.params import param

# Whole elements that are never body text: scripts, styles, and the page chrome (navigation,
# headers, footers, side bars, forms) that boilerplate removal drops.
NON_CONTENT = [
    rf"(?is)<{tag}(?-u:\b).*?</{tag}\s*>"
    for tag in ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
]
CHROME = [
    rf"(?is)<{tag}(?-u:\b).*?</{tag}\s*>"
    for tag in ("nav", "header", "footer", "aside", "form", "menu", "button", "select")
]
COMMENT = r"(?s)<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!DOCTYPE[^>]*>"
BLOCK_TAG = (
    r"(?i)</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|table|thead|tbody|section|article|"
    r"main|blockquote|pre|figure|figcaption|caption)(?-u:\b)[^<>]*>"
)
ANY_TAG = r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>"
ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
# A text worth cleaning holds at least one tag, comment or entity.
HTML_HINT = rf"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--|{ENTITY}"
# Markup that was escaped in the source (`&lt;b&gt;`, `&lt;A HREF="..."&gt;`: feed items and
# scraped descriptions, e.g. in AG News) shows only once entities are decoded. Only tags of
# inline and text elements are taken then, so that a literal "a < b" or "<T>" stays.
ESCAPED_TAG = (
    r"(?i)</?(?:a|abbr|b|big|blockquote|br|center|cite|code|div|em|font|h[1-6]|hr|i|img|li|"
    r"ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|td|th|tr|tt|u|ul)"
    r"(?:\s[^<>]*)?/?>"
)


def strip_markup(text: pl.Series, drop_chrome: bool = True,
                 decode_entities: bool = True) -> pl.Series:
    """The texts with scripts, styles, comments (and page chrome) dropped, block tags turned
    into line breaks, other tags removed and entities decoded; texts without any markup are
    returned as they are."""
    hint = text.str.contains(HTML_HINT).fill_null(False)
    if not hint.any():
        return text
    patterns = [*NON_CONTENT, COMMENT, *(CHROME if drop_chrome else [])]
    cleaned = text
    for pattern in patterns:
        cleaned = cleaned.str.replace_all(pattern, "\n")
    cleaned = cleaned.str.replace_all(BLOCK_TAG, "\n").str.replace_all(ANY_TAG, "")
    if decode_entities:
        escaped = cleaned.str.contains(ENTITY).fill_null(False)
        cleaned = apply_where(cleaned, escaped, html.unescape)
        revealed = cleaned.str.replace_all(BLOCK_TAG, "\n").str.replace_all(ESCAPED_TAG, "")
        cleaned = pl.select(pl.when(pl.lit(escaped)).then(pl.lit(revealed))
                            .otherwise(pl.lit(cleaned))).to_series()
    cleaned = (
        cleaned.str.replace_all("\u00a0", " ")
        .str.replace_all(r"[^\S\n]+\n", "\n")
        .str.replace_all(r"\n[^\S\n]+", "\n")
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
    )
    return pl.select(pl.when(pl.lit(hint)).then(pl.lit(cleaned)).otherwise(pl.lit(text))
                     ).to_series().alias(text.name)


@dataclass
class CleanHtmlParams:
    drop_chrome: bool = param(True, "drop <nav>, <header>, <footer>, <aside>, <form> elements")
    decode_entities: bool = param(True, "decode HTML entities (&amp; &nbsp; &#8217; ...)")


@register
class CleanHtml(RowOperator[CleanHtmlParams]):
    """Strip HTML: scripts, styles, comments and page chrome dropped, tags removed (block
    tags become line breaks), entities decoded."""

    name = "clean_html"
    rewrites_text = True
    signals = ("html_chars_removed",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        before = batch[col].str.len_chars()
        text = strip_markup(batch[col], p.drop_chrome, p.decode_entities)
        removed = (before.cast(pl.Int64) - text.str.len_chars().cast(pl.Int64)).fill_null(0)
        return batch.with_columns(text, removed.alias("html_chars_removed"))
