"""Helpers the cleaners share."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


def apply_where(texts: pl.Series, mask: pl.Series, fn: Callable[[str], str]) -> pl.Series:
    """Apply a Python string function only to the rows where `mask` holds (a library that
    has no vectorised form, run on the few rows that need it)."""
    if not mask.any():
        return texts
    values = texts.to_list()
    for i in mask.arg_true().to_list():
        if values[i] is not None:
            values[i] = fn(values[i])
    return pl.Series(texts.name, values, dtype=pl.String)


def count_and_replace(
    text: pl.Series, pattern: str, replacement: str
) -> tuple[pl.Series, pl.Series]:
    """(text with every match of `pattern` replaced, number of matches per row)."""
    counts = text.str.count_matches(pattern).fill_null(0).cast(pl.Int64)
    if not (counts > 0).any():
        return text, counts
    return text.str.replace_all(pattern, replacement), counts
