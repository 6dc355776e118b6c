"""`exact_dedup`: remove documents whose normalised text already occurred in the corpus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.io import (
    ROW_COLUMN,
    SHARD_COLUMN,
    write_shard,
)
from curate.io.corpus import named_shards, read_screened
from curate.ops.base import FitContext, GlobalOperator, StageContext, register
from curate.params import param


@dataclass
class ExactDedupParams:
    normalize: bool = param(True, "hash lower-cased text without punctuation and extra spaces")
    reference: str | None = param(
        None, "corpus (folder, glob or run folder) to dedup against: documents whose text "
        "occurs in it are removed")


@register
class ExactDedup(GlobalOperator[ExactDedupParams]):
    """Keep the first occurrence (in corpus order) of each normalised text; reject the rest."""

    name = "exact_dedup"
    reserve_role = "exact_dedup"
    signals = ("text_hash",)
    rejection_columns = ("dup_of",)

    def _key(self) -> pl.Expr:
        text = self.text.fill_null("")
        if self.params.normalize:
            # One regex pass: punctuation, symbols and whitespace runs become one space.
            text = (text.str.to_lowercase().str.replace_all(r"[\p{P}\p{S}\s]+", " ")
                    .str.strip_chars())
        return text

    def prepare(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Two independently seeded 64-bit hashes of the key: collisions are negligible."""
        key = self._key()
        return batch.with_columns(
            key.hash(seed=self.context.seed).alias("__h1"),
            key.hash(seed=self.context.seed + 1).alias("__h2"),
        )

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """(hash, shard, row, id) for every document of the shard."""
        if "__h1" not in batch.columns:
            batch = self.prepare(batch)
        return batch.select(
            "__h1", "__h2", pl.lit(shard, dtype=pl.Int64).alias(SHARD_COLUMN), ROW_COLUMN,
            pl.col(self.context.id_column).alias("__id"),
        )

    def fit(self, context: FitContext) -> pl.DataFrame:
        """The survivor (first in shard, row order; reference documents first) of every hash
        seen more than once."""
        summaries = context.summaries + self._reference_summaries(context)
        if not summaries:
            return pl.DataFrame(schema={"__h1": pl.UInt64, "__h2": pl.UInt64,
                                        SHARD_COLUMN: pl.Int64, ROW_COLUMN: pl.Int64,
                                        "__id": pl.String})
        return (
            pl.scan_parquet(summaries)
            .sort(SHARD_COLUMN, ROW_COLUMN)
            .group_by("__h1", "__h2", maintain_order=True)
            .agg(pl.len().alias("__n"), pl.col(SHARD_COLUMN, ROW_COLUMN, "__id").first(),
                 (pl.col(SHARD_COLUMN) >= 0).any().alias("__in_corpus"))
            .filter((pl.col("__n") > 1) & pl.col("__in_corpus"))
            .drop("__n", "__in_corpus")
            .sort(SHARD_COLUMN, ROW_COLUMN)
            .collect()
        )

    def _reference_summaries(self, context: FitContext) -> list[Path]:
        """Summaries of the reference corpus' shards, numbered -n .. -1 so they sort first."""
        if self.params.reference is None:
            return []
        shards = named_shards(self.params.reference, Path(self.context.config_dir))
        tasks = [(shard, name, i - len(shards), self.params, self.context,
                  context.work_dir / f"reference-{i:05d}.parquet")
                 for i, (shard, name) in enumerate(shards)]
        return [Path(p) for p in context.map(_summarize_reference, tasks)]

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Reject every row whose hash has a survivor other than itself."""
        hashed = batch if "__h1" in batch.columns else self.prepare(batch)
        # Internal names, so an input column named like the output (`dup_of`) cannot collide.
        survivors = state.rename({SHARD_COLUMN: "__s_shard", ROW_COLUMN: "__s_row",
                                  "__id": "__dup_of"})
        joined = hashed.join(survivors, on=["__h1", "__h2"], how="left", maintain_order="left")
        is_copy = pl.col("__dup_of").is_not_null() & (
            (pl.col("__s_shard") != shard) | (pl.col("__s_row") != pl.col(ROW_COLUMN))
        )
        reason = pl.when(pl.col("__s_shard") < 0).then(pl.lit("reference_duplicate")) \
            .otherwise(pl.lit("exact_duplicate"))
        return joined.with_columns(
            pl.col("__h1").alias("text_hash"),
            self.reject_when(is_copy, reason),
            pl.when(is_copy).then(pl.col("__dup_of")).otherwise(None).alias("dup_of"),
        ).drop("__h1", "__h2", "__s_shard", "__s_row", "__dup_of")


def _summarize_reference(shard: Path, name: str, number: int, params: ExactDedupParams,
                         context: StageContext, out: Path) -> str:
    """Task: hash one reference shard's texts as (negative) shard `number`."""
    batch, _ = read_screened(shard, name, context.text_column, context.id_column,
                             context.max_doc_bytes)
    write_shard(ExactDedup(params, context).observe(batch, number), out)
    return str(out)
