"""Line, paragraph and sentence splitting with Chinese and English punctuation.

The patterns are shared by the polars expressions (used by operators) and the plain-Python
functions (used by tests and by the benchmark's reference loop), so both split alike.
"""

from __future__ import annotations

import re

import polars as pl

# Punctuation that ends a sentence, in English and Chinese (full-width forms included).
SENTENCE_END = ".!?。！？…"
# Closing quotes and brackets that may follow the sentence end: `He said "no."`, `“好。”`.
CLOSERS = "\"'”’」』）)】》"
# A line ending in terminal punctuation (C4's rule: period, exclamation mark, question mark or
# closing quote), extended with the Chinese forms.
TERMINAL_LINE = rf"[{re.escape(SENTENCE_END)}][{re.escape(CLOSERS)}]*\s*$|[”’\"]\s*$"
# A sentence end with more text after it on the same line: a line holding one is prose even
# when it does not end in punctuation (a paragraph written on one line, a title and its lead).
SENTENCE_INSIDE = rf"[{re.escape(SENTENCE_END)}][{re.escape(CLOSERS)}]*\s+\S"
# A line that starts with a bullet point.
BULLET_LINE = r"^\s*[•·●○◦■□▪▫◆◇►▸▶➢➤✓✔\-\*–—]"
# A line that ends with an ellipsis: "...", "…", "……", "。。。".
ELLIPSIS_LINE = r"(?:\.\.\.|…|。。。)\s*$"
# Ideographs as explicit ranges, so that Python's `re` reads the patterns too.
HAN_RANGE = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A Chinese sentence end anywhere in a line (also after NFKC turned ！？ into !?, and the
# half-width period of Chinese written with ASCII punctuation, "关系.认为", common in
# academic abstracts).
ZH_SENTENCE_END = rf"[。！？]|[{HAN_RANGE}][!?]|[{HAN_RANGE}]\.(?:[{HAN_RANGE}]|\s|$)"
# Where a sentence ends: after Chinese sentence punctuation anywhere (and after a half-width
# one that follows an ideograph), after English sentence punctuation when a space or the end
# follows (so "3.5" and "e.g" stay whole), at a newline.
SENTENCE_BREAK = (
    rf"[。！？]+[{re.escape(CLOSERS)}]*"
    rf"|[{HAN_RANGE}][.!?]+[{re.escape(CLOSERS)}]*"
    rf"|[.!?…]+[{re.escape(CLOSERS)}]*(?:\s+|$)"
    r"|\n+"
)
# A period that does not end a sentence although a space follows it (Punkt's two strongest
# cues, Kiss & Strunk 2006): it ends an abbreviation, that is an initial or a letter of a dotted
# acronym ("Charles O. Prince", "the U.S. Treasury", "A.F.C.") or a title, company or month
# form ("Mr.", "Inc.", "Nov."); or the next word starts in lower case ("Brinker International
# Inc. which operates", "apples, pears etc. and more"). Without these, "Gov. James E.
# McGreevey" counted three sentences.
ABBREVIATION_DOT = (
    r"(\b(?:[A-Za-z]|Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|Ft|Gov|Sen|Rep|Gen|Col|Lt|Sgt|Capt|Adm"
    r"|Rev|Hon|Pres|Co|Corp|Inc|Ltd|Bros|vs|No|Nos|Vol|pp|Fig|Jan|Feb|Mar|Apr|Jun|Jul|Aug"
    r"|Sep|Sept|Oct|Nov|Dec)\.)([^\S\n])"
)
LOWER_CASE_NEXT = rf"([.!?…][{re.escape(CLOSERS)}]*)([^\S\n]+[a-z])"
# Two or more newlines (with only spaces between) separate paragraphs.
PARAGRAPH_BREAK = r"\n[^\S\n]*\n\s*"

# A fenced code block of Markdown-style text (what modern HTML extractors emit for <pre>).
CODE_BLOCK = r"(?ms)^[^\S\n]*```.*?(?:^[^\S\n]*```[^\n]*$|\z)"

_SEP = "\x00"
_NO_BREAK = "\x01"  # put after a period that does not end a sentence, taken out after the split
_SENTENCE_BREAK_RE = re.compile(SENTENCE_BREAK)
_ABBREVIATION_DOT_RE = re.compile(ABBREVIATION_DOT)
_LOWER_CASE_NEXT_RE = re.compile(LOWER_CASE_NEXT)
_PARAGRAPH_BREAK_RE = re.compile(PARAGRAPH_BREAK)


def holds_sentence(line: pl.Expr, zh: pl.Expr | bool = False) -> pl.Expr:
    """Whether each line is prose: it ends in terminal punctuation, or holds a sentence end
    with more text after it, or (`zh` rows) holds a Chinese sentence end anywhere."""
    prose = line.str.contains(TERMINAL_LINE) | line.str.contains(SENTENCE_INSIDE)
    zh_expr = pl.lit(zh) if isinstance(zh, bool) else zh
    return prose | (zh_expr & line.str.contains(ZH_SENTENCE_END))


def prose_share(text: pl.Series, zh: pl.Series) -> pl.Series:
    """Per text: the share of its (non-blank, stripped) line characters in lines that hold a
    sentence (see `holds_sentence`); null for a text without any."""
    table = line_table(text.fill_null(""), strip=True, drop_blank=True)
    table = table.with_columns(zh.fill_null(False).gather(table["doc"]).alias("zh"))
    line = pl.col("line")
    agg = per_row(
        text.len(), table, line.str.len_chars().sum().alias("all"),
        line.filter(holds_sentence(line, pl.col("zh"))).str.len_chars().sum().alias("prose"),
    )
    return agg.select(
        pl.when(pl.col("all") > 0).then(pl.col("prose").fill_null(0) / pl.col("all"))
        .alias("prose_share")
    ).to_series()


def without_code_blocks(text: pl.Expr) -> pl.Expr:
    """Each text with its fenced code blocks removed (prose rules skip code)."""
    return text.str.replace_all(CODE_BLOCK, "")


def lines(text: pl.Expr) -> pl.Expr:
    """Each text split into its lines (a list; blank lines included)."""
    return text.str.split("\n")


def paragraphs(text: pl.Expr) -> pl.Expr:
    """Each text split into paragraphs at blank lines (a list)."""
    return text.str.replace_all(PARAGRAPH_BREAK, _SEP).str.split(_SEP)


def sentences(text: pl.Expr) -> pl.Expr:
    """Each text split into stripped, non-empty sentences (a list)."""
    sentence = pl.element().str.replace_all(_NO_BREAK, "", literal=True).str.strip_chars()
    return (
        text.str.replace_all(ABBREVIATION_DOT, "${1}" + _NO_BREAK + "${2}")
        .str.replace_all(LOWER_CASE_NEXT, "${1}" + _NO_BREAK + "${2}")
        .str.replace_all(SENTENCE_BREAK, "$0" + _SEP)
        .str.split(_SEP)
        .list.eval(sentence.filter(sentence != ""))
    )


def sentence_count(text: pl.Expr) -> pl.Expr:
    """Number of sentences of each text."""
    return sentences(text).list.len().fill_null(0).cast(pl.Int64)


def split_lines(text: str) -> list[str]:
    """The lines of a text (blank lines included)."""
    return text.split("\n")


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a text, split at blank lines."""
    return _PARAGRAPH_BREAK_RE.split(text)


def split_sentences(text: str) -> list[str]:
    """The stripped, non-empty sentences of a text."""
    text = _ABBREVIATION_DOT_RE.sub(r"\1" + _NO_BREAK + r"\2", text)
    text = _LOWER_CASE_NEXT_RE.sub(r"\1" + _NO_BREAK + r"\2", text)
    marked = _SENTENCE_BREAK_RE.sub(lambda m: m.group(0) + _SEP, text)
    return [s for s in (part.replace(_NO_BREAK, "").strip() for part in marked.split(_SEP)) if s]


def line_table(text: pl.Series, strip: bool = False, drop_blank: bool = False) -> pl.DataFrame:
    """One row per line of each text: `doc` (row index) and `line`, in text order.

    Line-wise regular expressions run on this flat column once for the whole batch (inside
    `list.eval` polars would compile them again for every row)."""
    table = pl.DataFrame({
        "doc": pl.int_range(text.len(), dtype=pl.UInt32, eager=True),
        "line": text.str.split("\n"),
    }).explode("line")
    if strip:
        table = table.with_columns(pl.col("line").str.strip_chars())
    if drop_blank:
        blank = pl.col("line").is_null() | (pl.col("line").str.strip_chars() == "")
        table = table.filter(~blank)
    return table


def per_row(n_rows: int, table: pl.DataFrame, *aggs: pl.Expr) -> pl.DataFrame:
    """Aggregations of a (doc, ...) table spread back to one row per text (nulls where a text
    has no rows in the table)."""
    grouped = table.group_by("doc").agg(*aggs)
    full = pl.DataFrame({"doc": pl.int_range(n_rows, dtype=pl.UInt32, eager=True)})
    return full.join(grouped, on="doc", how="left", maintain_order="left").drop("doc")
