"""N-grams of tokens (words or characters), and the repeated n-grams of many documents found
at once with polars (no Python loop per document or per n-gram).

Repeated n-grams are found by shrinking candidate sets: an n-gram can occur twice in a document
only where its leading (n-1)-gram does, so each order looks only at the positions whose
(n-1)-gram repeated. Natural text repeats few long n-grams, so the work after the first orders
is small.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import polars as pl

T = TypeVar("T")

DOC = "doc"  # row index of the document in its batch
POS = "pos"  # token position in the exploded token table
KEY = "key"  # hash of (document, n-gram)
CHARS = "chars"  # characters in the n-gram's tokens
_MULT = 0x100000001B3  # FNV prime: folds one more token hash into an n-gram hash
_DOC_SALT = 0x9E3779B97F4A7C15


def ngrams(tokens: Sequence[T], n: int) -> list[tuple[T, ...]]:
    """The n-grams of a token sequence, in order."""
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def token_table(tokens: pl.Series) -> pl.DataFrame:
    """One row per token of a list column: `doc` (row index), `pos`, its hash and length.

    Rows are in document order, and tokens in text order within a document.
    """
    frame = pl.DataFrame(
        {DOC: pl.int_range(tokens.len(), dtype=pl.UInt32, eager=True), "tok": tokens}
    )
    return (
        frame.explode("tok")
        .drop_nulls("tok")
        .select(
            DOC,
            pl.col("tok").hash().alias("h"),
            pl.col("tok").str.len_chars().cast(pl.UInt32).alias("len"),
        )
        .with_row_index(POS)
    )


def repeated_ngrams(
    table: pl.DataFrame, max_n: int, min_n: int = 1
) -> Iterator[tuple[int, pl.DataFrame]]:
    """For n = min_n .. max_n: (n, frame of the positions whose n-gram occurs at least twice
    in its document), the frame holding `pos`, `doc`, `key` (equal for equal n-grams of one
    document) and `chars` (characters in the n-gram's tokens).

    Orders below `min_n` are not filtered (cheaper when almost every short n-gram repeats,
    as single characters do)."""
    hashes, lengths, docs = table["h"], table["len"], table[DOC]
    size = table.height
    cand = table.select(
        POS,
        DOC,
        (pl.col("h") ^ (pl.col(DOC).cast(pl.UInt64) * _DOC_SALT)).alias(KEY),
        pl.col("len").alias(CHARS),
    )
    for n in range(1, max_n + 1):
        if n > 1:
            nxt = cand[POS].cast(pl.Int64) + (n - 1)
            inside = nxt < size
            cand, nxt = cand.filter(inside), nxt.filter(inside)
            same_doc = docs.gather(nxt) == cand[DOC]
            cand, nxt = cand.filter(same_doc), nxt.filter(same_doc)
            cand = cand.with_columns(
                (cand[KEY] * _MULT + hashes.gather(nxt)).alias(KEY),
                (cand[CHARS] + lengths.gather(nxt)).alias(CHARS),
            )
        if n >= min_n:
            cand = cand.filter(pl.col(KEY).is_duplicated())
            yield n, cand


def per_doc(n_docs: int, frame: pl.DataFrame, column: str, default: float = 0) -> pl.Series:
    """A (doc, column) frame spread to one value per document row (default where absent)."""
    full = pl.DataFrame({DOC: pl.int_range(n_docs, dtype=pl.UInt32, eager=True)})
    joined = full.join(frame.select(DOC, column), on=DOC, how="left", maintain_order="left")
    return joined[column].fill_null(default)


def duplicate_pieces(pieces: pl.Series) -> pl.DataFrame:
    """Per row of a list column of text pieces (lines, paragraphs): how many non-blank pieces
    there are (`n`), how many repeat an earlier piece of the same row (`dup`), and the
    characters of each (`chars`, `dup_chars`), pieces compared and measured stripped."""
    n_docs = pieces.len()
    table = (
        pl.DataFrame({DOC: pl.int_range(n_docs, dtype=pl.UInt32, eager=True), "p": pieces})
        .explode("p")
        .with_columns(pl.col("p").str.strip_chars())
        .filter(pl.col("p").is_not_null() & (pl.col("p") != ""))
        .with_columns(
            (~pl.struct(DOC, "p").is_first_distinct()).alias("d"),
            pl.col("p").str.len_chars().cast(pl.Int64).alias("c"),
        )
        .group_by(DOC)
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("d").sum().cast(pl.Int64).alias("dup"),
            pl.col("c").sum().alias("chars"),
            pl.col("c").filter(pl.col("d")).sum().alias("dup_chars"),
        )
    )
    return pl.DataFrame(
        {name: per_doc(n_docs, table, name) for name in ("n", "dup", "chars", "dup_chars")}
    )
