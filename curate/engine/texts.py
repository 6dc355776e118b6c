"""The text columns of a run's outputs, so that every input row can be recovered exactly.

Cleaners rewrite the text; filters judge the rewritten text. So:

- a curated/ row holds the cleaned text in TEXT, and its input text in TEXT_original where a
  cleaner changed it (null where TEXT is the input text; with `keep_original` on every row);
- a rejected/ row holds its input text in TEXT, and the text the rules judged in TEXT_cleaned
  where a cleaner changed it (null elsewhere).

The engine knows a row's input text from INPUT_TEXT, which it sets at the first stage that
rewrote the row (null while none has). `curate tune`, which moves rows between the two folders,
converts them with `as_curated` and `as_rejected`.
"""

from __future__ import annotations

import polars as pl

from curate.ops.base import INPUT_TEXT


def original_column(text_column: str) -> str:
    """curated/'s column of input texts."""
    return f"{text_column}_original"


def cleaned_column(text_column: str) -> str:
    """rejected/'s column of cleaned texts."""
    return f"{text_column}_cleaned"


def _input(batch: pl.DataFrame) -> pl.Expr:
    return pl.col(INPUT_TEXT) if INPUT_TEXT in batch.columns else pl.lit(None, pl.String)


def curated_texts(batch: pl.DataFrame, text_column: str, keep_original: bool) -> pl.Expr:
    """TEXT_original of rows of a batch the engine holds (INPUT_TEXT still present)."""
    original = _input(batch)
    if keep_original:
        original = pl.coalesce(original, pl.col(text_column))
    return original.cast(pl.String).alias(original_column(text_column))


def rejected_texts(batch: pl.DataFrame, text_column: str) -> list[pl.Expr]:
    """TEXT (the input text) and TEXT_cleaned of rows of a batch the engine holds."""
    text, original = pl.col(text_column), _input(batch)
    return [pl.coalesce(original, text).alias(text_column),
            pl.when(original.is_not_null()).then(text).cast(pl.String)
            .alias(cleaned_column(text_column))]


def as_rejected(curated: pl.DataFrame, text_column: str) -> pl.DataFrame:
    """curated/ rows as rejected/ holds them: input text in TEXT, the cleaned one beside it."""
    original = original_column(text_column)
    if original not in curated.columns:
        return curated.with_columns(pl.lit(None, pl.String).alias(cleaned_column(text_column)))
    was = pl.col(original)
    changed = was.is_not_null() & (was != pl.col(text_column))
    return curated.with_columns(
        pl.coalesce(was, pl.col(text_column)).alias(text_column),
        pl.when(changed).then(pl.col(text_column)).cast(pl.String)
        .alias(cleaned_column(text_column)),
    ).drop(original)


def as_curated(rejected: pl.DataFrame, text_column: str, keep_original: bool) -> pl.DataFrame:
    """rejected/ rows as curated/ holds them: cleaned text in TEXT, the input one beside it."""
    cleaned = cleaned_column(text_column)
    now = pl.col(cleaned) if cleaned in rejected.columns else pl.lit(None, pl.String)
    original = pl.when(now.is_not_null()).then(pl.col(text_column))
    if keep_original:
        original = pl.col(text_column)
    return rejected.with_columns(
        pl.coalesce(now, pl.col(text_column)).alias(text_column),
        original.cast(pl.String).alias(original_column(text_column)),
    ).drop(cleaned, strict=False)
