"""Where a row comes from. Stages that add rows (augment, rebalance, domain_backfill) mark every
row in the `source` column: the corpus's own value where it has one, else "corpus" for input
rows, and the stage's own value ("augment", "upsample", "backfill") for the rows it made; a copy
names the row it was made from in `aug_of`."""

from __future__ import annotations

import polars as pl

ORIGIN = "source"
CORPUS = "corpus"
COPY_OF = "aug_of"


def origin_of(batch: pl.DataFrame) -> pl.Expr:
    """The origin of `batch`'s rows: their own `source`, or "corpus" when it has none."""
    return pl.col(ORIGIN) if ORIGIN in batch.columns else pl.lit(CORPUS)
