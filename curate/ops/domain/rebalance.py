"""`rebalance`: set the mix of a categorical column (domain, label, language) to target
proportions by deterministic down-sampling, and optionally up-sampling with a cap on repeats.

Which rows stay is decided by a seeded hash of their id, so the choice does not depend on
shard boundaries or engines. The realised mix goes to the manifest beside the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.io import ROW_COLUMN, SHARD_COLUMN
from curate.ops.base import FitContext, GlobalOperator, register
from curate.ops.domain.targets import are_shares, check_targets, quotas
from curate.ops.origin import COPY_OF, ORIGIN, origin_of
from curate.params import REQUIRED, param

UPSAMPLE = "upsample"
REASON_DOWNSAMPLED = "rebalance_downsampled"


@dataclass
class RebalanceParams:
    targets: dict[str, float] = param(
        REQUIRED, "per value: its share (shares sum to at most 1; other values share the rest) "
        "or its rows")
    column: str = param("domain", "column whose mix is set (a domain, label or language)")
    upsample: bool = param(False, "repeat rows of values short of their target")
    max_repeats: int = param(2, "when up-sampling, most times one row may appear (itself "
                             "included)")
    total: int | None = param(None, "rows to aim at (default: the most the targets allow, at "
                              "most the current size)")

    def validate(self) -> tuple[str, str] | None:
        """Check targets and ranges."""
        problem = check_targets(self.targets)
        if problem:
            return "targets", problem
        if self.max_repeats < 1:
            return "max_repeats", f"must be >= 1, got {self.max_repeats}"
        if self.total is not None and self.total < 1:
            return "total", f"must be >= 1, got {self.total}"
        return None


@register
class Rebalance(GlobalOperator[RebalanceParams]):
    """Set a column's mix (domain, label, language) to target shares by deterministic sampling.

    Down-samples, and optionally up-samples with a cap on repeats, choosing rows by a seeded
    hash of their id."""

    name = "rebalance"
    annotations = (ORIGIN, COPY_OF)
    state_per_shard = True

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Value and ordering key of every row."""
        id_col = self.context.id_column
        return batch.select(
            pl.lit(shard, dtype=pl.Int64).alias(SHARD_COLUMN), ROW_COLUMN,
            (pl.col(self.params.column).cast(pl.String) if self.params.column in batch.columns
             else pl.lit(None, pl.String)).alias("__value"),
            pl.col(id_col).hash(self.context.seed).alias("__key"))

    def fit(self, context: FitContext) -> pl.DataFrame:
        """How many times each row appears: 0 (down-sampled) or more than once (repeated);
        rows that appear once are left out of the state."""
        p = self.params
        rows = (pl.scan_parquet(context.summaries).collect() if context.summaries
                else pl.DataFrame(schema={SHARD_COLUMN: pl.Int64, ROW_COLUMN: pl.Int64,
                                          "__value": pl.String, "__key": pl.UInt64}))
        counts: dict[str | None, int] = dict(rows.group_by("__value").len().iter_rows())
        keep = quotas(counts, p.targets, p.max_repeats if p.upsample else 1, p.total)
        ranked = rows.sort("__key", SHARD_COLUMN, ROW_COLUMN).with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).over("__value").alias("__rank"),
            pl.len().over("__value").cast(pl.Int64).alias("__count"),
            pl.col("__value").replace_strict({k: v for k, v in keep.items() if k is not None},
                                             default=None, return_dtype=pl.Int64)
            .alias("__keep"))
        # The row of rank i appears ceil((keep - i) / count) times (0 when i >= keep).
        copies = ((pl.col("__keep") - pl.col("__rank") + pl.col("__count") - 1)
                  // pl.col("__count")).clip(lower_bound=0)
        if None in keep:
            copies = pl.when(pl.col("__value").is_null()).then(
                ((keep[None] - pl.col("__rank") + pl.col("__count") - 1)
                 // pl.col("__count")).clip(lower_bound=0)).otherwise(copies)
        state = ranked.with_columns(copies.alias("__copies")).filter(pl.col("__copies") != 1)
        context.outcomes.update(self._outcomes(counts, keep))
        return state.select(SHARD_COLUMN, ROW_COLUMN, "__copies").sort(SHARD_COLUMN, ROW_COLUMN)

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Reject down-sampled rows; append the repeats of up-sampled ones."""
        mine = state.drop(SHARD_COLUMN)
        joined = batch.join(mine, on=ROW_COLUMN, how="left", maintain_order="left")
        copies = pl.col("__copies").fill_null(1)
        out = joined.with_columns(self.reject_when(copies == 0, REASON_DOWNSAMPLED))
        if not self.params.upsample:
            return out.drop("__copies")
        out = out.with_columns(origin_of(batch).alias(ORIGIN),
                               pl.lit(None, pl.String).alias(COPY_OF))
        repeats = self._repeats(out.filter(copies > 1))
        return self.with_added(out.drop("__copies"), repeats)

    def _repeats(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Copies 1 .. n-1 of each row that appears n times: id `ID~rJ`, lineage in aug_of."""
        id_col = self.context.id_column
        repeated = rows.with_columns(
            pl.int_ranges(1, pl.col("__copies"), dtype=pl.Int64).alias("__copy")
        ).explode("__copy")
        return repeated.with_columns(
            (pl.col(id_col) + pl.lit("~r") + pl.col("__copy").cast(pl.String)).alias(id_col),
            pl.col(id_col).alias(COPY_OF), pl.lit(UPSAMPLE).alias(ORIGIN),
        ).drop("__copy", "__copies")

    def _outcomes(self, counts: dict[str | None, int], keep: dict[str | None, int],
                  ) -> dict[str, Any]:
        targets = self.params.targets
        total = sum(keep.values())

        def named(table: dict[str | None, int]) -> dict[str, int]:
            return {("null" if k is None else k): v for k, v in sorted(
                table.items(), key=lambda kv: str(kv[0]))}

        return {
            "column": self.params.column,
            "targets": dict(targets),
            "target_kind": "shares" if are_shares(targets) else "rows",
            "before": named(counts),
            "after": named(keep),
            "share_after": {k: round(v / total, 4) if total else 0.0
                            for k, v in named(keep).items()},
            "rows_before": sum(counts.values()),
            "rows_after": total,
        }
