"""Selection by stored quality scores: `select` (a minimum per dimension) and `select_top`
(the best fraction, overall or per group, computed across all shards). Both only read score
columns, so `curate tune` can re-run them from stats/ with other parameters."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.errors import CurateError
from curate.io import ROW_COLUMN, SHARD_COLUMN
from curate.ops.base import Decision, FitContext, GlobalOperator, RowOperator, register
from curate.ops.quality.thresholds import threshold_reason
from curate.ops.quality.top_fraction import fit_cutoffs, ranked, within_cutoff
from curate.params import threshold

SCORES = ("q_text", "q_info", "q_density", "q_overall")
BELOW_TOP = "below_top_fraction"


def require_columns(batch: pl.DataFrame, columns: list[str], stage: str) -> None:
    """Raise a one-line error when a column this stage reads is missing."""
    missing = [c for c in columns if c not in batch.columns]
    if missing:
        raise CurateError(f"{stage}: no column {missing[0]!r} to select on; run a stage that "
                          "writes it (e.g. quality_score) before this one")


def _unit(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 1.0


@dataclass
class SelectParams:
    min_q_text: float | None = threshold(None, "least q_text to keep (unset: not checked)")
    min_q_info: float | None = threshold(None, "least q_info to keep (unset: not checked)")
    min_q_density: float | None = threshold(None, "least q_density to keep (unset: not checked)")
    min_q_overall: float | None = threshold(None, "least q_overall to keep (unset: not checked)")

    def validate(self) -> tuple[str, str] | None:
        """Scores are in [0, 1]."""
        for score in SCORES:
            value = getattr(self, f"min_{score}")
            if not _unit(value):
                return f"min_{score}", f"must be between 0 and 1, got {value}"
        return None

    def minimums(self) -> dict[str, float | None]:
        """{score column: minimum} in check order."""
        return {score: getattr(self, f"min_{score}") for score in SCORES}


@register
class Select(RowOperator[SelectParams]):
    """Keep documents whose q_text, q_info, q_density, q_overall reach set minimums.

    The reason `low_<score>` names the first score that does not."""

    name = "select"

    def reads(self) -> list[str]:
        """The scores with a minimum."""
        return [c for c, m in self.params.minimums().items() if m is not None]

    def decide(self, stored: pl.DataFrame) -> Decision:
        """The first score below its minimum."""
        require_columns(stored, self.reads(), self.context.stage)
        return Decision(stored.select(threshold_reason(self.params.minimums())).to_series())

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        require_columns(batch, self.reads(), self.context.stage)
        return batch.with_columns(threshold_reason(self.params.minimums()))


@dataclass
class SelectTopParams:
    fraction: float = threshold(0.5, "share of documents to keep, in (0, 1]")
    score: str = threshold("q_overall", "score column to rank by (higher is better)")
    by: list[str] = threshold([], "keep the fraction within each group of these columns, e.g. "
                          "[\"lang\"] or [\"domain\"] (empty: over the whole corpus)")

    def validate(self) -> tuple[str, str] | None:
        """The fraction is a share."""
        if not 0.0 < self.fraction <= 1.0:
            return "fraction", f"must be in (0, 1], got {self.fraction}"
        if len(set(self.by)) != len(self.by):
            return "by", "lists a column twice"
        return None


@register
class SelectTop(GlobalOperator[SelectTopParams]):
    """Keep the best `fraction` by a score, overall or per group (language, domain).

    Ranked across all shards, ties broken by id, so the result never depends on sharding."""

    name = "select_top"
    # The state is a score cut-off per group, which applies to any document.
    judges_unseen_documents = True

    def reads(self) -> list[str]:
        """The score and the group columns."""
        return [self.params.score, *self.params.by]

    def decide(self, stored: pl.DataFrame) -> Decision:
        """Rank `stored` (its documents across shards, with their shard and row) and keep the
        best fraction of each group, as observe, fit and transform would."""
        p = self.params
        require_columns(stored, self.reads(), self.context.stage)
        keys = ranked(stored, p.score, self.context.id_column, pl.col(SHARD_COLUMN), "row", p.by)
        kept = within_cutoff(keys, fit_cutoffs(keys.lazy(), p.by, p.fraction), p.by)
        return Decision(pl.select(pl.when(pl.lit(kept)).then(None)
                                  .otherwise(pl.lit(BELOW_TOP)).cast(pl.String)).to_series())

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Group columns, score, id, shard and row of every document."""
        p = self.params
        require_columns(batch, [p.score, *p.by], self.context.stage)
        return ranked(batch, p.score, self.context.id_column, shard, ROW_COLUMN, p.by)

    def fit(self, context: FitContext) -> pl.DataFrame:
        """The cut-off of every group."""
        p = self.params
        if not context.summaries:
            raise CurateError(f"{self.context.stage}: nothing observed")
        return fit_cutoffs(pl.scan_parquet(context.summaries), p.by, p.fraction)

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Reject documents after their group's cut-off."""
        p = self.params
        keys = ranked(batch, p.score, self.context.id_column, shard, ROW_COLUMN, p.by)
        kept = within_cutoff(keys, state, p.by)
        return batch.with_columns(self.reject_when(~pl.lit(kept), BELOW_TOP))
