"""`exact_dedup`: remove documents whose normalised text already occurred in the corpus."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.io import ROW_COLUMN
from curate.ops.base import FitContext, GlobalOperator, register
from curate.params import param

SHARD = "__shard"


@dataclass
class ExactDedupParams:
    normalize: bool = param(True, "hash lower-cased text without punctuation and extra spaces")


@register
class ExactDedup(GlobalOperator):
    """Keep the first occurrence (in corpus order) of each normalised text; reject the rest."""

    name = "exact_dedup"
    Params = ExactDedupParams
    signals = ("text_hash",)
    rejection_columns = ("dup_of",)

    def _key(self) -> pl.Expr:
        text = self.text.fill_null("")
        if self.params.normalize:
            text = (
                text.str.to_lowercase()
                .str.replace_all(r"[\p{P}\p{S}]+", "")
                .str.replace_all(r"\s+", " ")
                .str.strip_chars()
            )
        return text

    def _with_hashes(self, batch: pl.DataFrame) -> pl.DataFrame:
        # Two independently seeded 64-bit hashes: a 128-bit key makes collisions negligible.
        key = self._key()
        return batch.with_columns(
            key.hash(seed=self.context.seed).alias("__h1"),
            key.hash(seed=self.context.seed + 1).alias("__h2"),
        )

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """(hash, shard, row, id) for every document of the shard."""
        return self._with_hashes(batch).select(
            "__h1", "__h2", pl.lit(shard, dtype=pl.Int64).alias(SHARD), ROW_COLUMN,
            pl.col(self.context.id_column).alias("__id"),
        )

    def fit(self, context: FitContext) -> pl.DataFrame:
        """The survivor (first in shard, row order) of every hash seen more than once."""
        if not context.summaries:
            return pl.DataFrame(schema={"__h1": pl.UInt64, "__h2": pl.UInt64, SHARD: pl.Int64,
                                        ROW_COLUMN: pl.Int64, "__id": pl.String})
        return (
            pl.scan_parquet(context.summaries)
            .sort(SHARD, ROW_COLUMN)
            .group_by("__h1", "__h2", maintain_order=True)
            .agg(pl.len().alias("__n"), pl.col(SHARD, ROW_COLUMN, "__id").first())
            .filter(pl.col("__n") > 1)
            .drop("__n")
            .sort(SHARD, ROW_COLUMN)
            .collect()
        )

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Reject every row whose hash has a survivor other than itself."""
        hashed = self._with_hashes(batch)
        survivors = state.rename({SHARD: "__s_shard", ROW_COLUMN: "__s_row", "__id": "dup_of"})
        joined = hashed.join(survivors, on=["__h1", "__h2"], how="left", maintain_order="left")
        is_copy = pl.col("dup_of").is_not_null() & (
            (pl.col("__s_shard") != shard) | (pl.col("__s_row") != pl.col(ROW_COLUMN))
        )
        return joined.with_columns(
            pl.col("__h1").alias("text_hash"),
            self.reject_when(is_copy, "exact_duplicate"),
            pl.when(is_copy).then(pl.col("dup_of")).otherwise(None).alias("dup_of"),
        ).drop("__h1", "__h2", "__s_shard", "__s_row")
