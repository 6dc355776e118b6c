"""Re-deciding a finished run's selection stages from stats/: which documents reach the first
re-run stage, and what each re-run stage decides for them with its (new) parameters.

Nothing is recomputed from text: `select` reads stored scores, `select_top` ranks them,
`quality_score` only recombines its stored dimensions into q_overall.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import CurateError
from curate.io import SHARD_COLUMN
from curate.ops import REGISTRY
from curate.ops.base import REASON
from curate.ops.quality.score import overall
from curate.params import build
from curate.selection.overrides import TunePlan
from curate.selection.thresholds import threshold_reason
from curate.selection.top_fraction import fit_cutoffs, ranked, within_cutoff

_SHARD_IN_NAME = re.compile(r"^part-(\d+)")


@dataclass
class StageOutcome:
    """Rows in, kept and rejected by one re-run stage."""

    stage: str
    rows_in: int
    kept: int
    rejected: int
    seconds: float = 0.0


def shard_of(path: Path) -> int:
    """The input shard number in a run file's name (`part-00003-...` -> 3)."""
    match = _SHARD_IN_NAME.match(path.name)
    if match is None:
        raise CurateError(f"{path}: not a run output file (expected part-NNNNN-...)")
    return int(match.group(1))


def read_stats(run: Path) -> pl.DataFrame:
    """Every stats/ file of a run, with its shard number in `__shard`."""
    files = sorted((run / "stats").glob("part-*.parquet"))
    if not files:
        raise CurateError(f"{run}: no stats/ files (is the run finished?)")
    frames = [pl.read_parquet(f).with_columns(
        pl.lit(shard_of(f), dtype=pl.Int64).alias(SHARD_COLUMN)) for f in files]
    stats = pl.concat(frames, how="diagonal_relaxed")
    for column in ("stage", "reason"):
        if column not in stats.columns:
            stats = stats.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return stats


def read_columns(run: Path, columns: list[str], id_column: str,
                 stages: set[str]) -> pl.DataFrame:
    """Input columns that stats/ lacks (e.g. `domain` for select_top's `by`), with shard and
    id, for the documents kept or rejected by one of `stages`."""
    frames = []
    for folder in ("curated", "rejected"):
        for path in sorted((run / folder).glob("part-*.parquet")):
            names = pl.read_parquet_schema(path)
            missing = [c for c in columns if c not in names]
            if missing:
                raise CurateError(f"{path}: no column {missing[0]!r} to select by")
            frame = pl.read_parquet(path, columns=[id_column, *columns,
                                                   *(["stage"] if folder == "rejected" else [])])
            if folder == "rejected":
                frame = frame.filter(pl.col("stage").is_in(list(stages))).drop("stage")
            frames.append(frame.with_columns(
                pl.lit(shard_of(path), dtype=pl.Int64).alias(SHARD_COLUMN)))
    schema = {SHARD_COLUMN: pl.Int64, id_column: pl.String}
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(schema=schema)


def population(stats: pl.DataFrame, plan: TunePlan) -> pl.Series:
    """Whether each stats row reached the first re-run stage: kept, or rejected by a re-run
    stage (everything rejected earlier keeps its fate)."""
    replayed = [s["name"] for s in plan.replayed]
    return stats.select(
        pl.col("stage").is_null() | pl.col("stage").is_in(replayed)
    ).to_series()


def check_unique_ids(docs: pl.DataFrame, id_column: str) -> None:
    """tune joins stats and rows by (shard, id): ids must be unique within a shard."""
    dup = docs.filter(pl.struct(SHARD_COLUMN, id_column).is_duplicated())
    if dup.height:
        row = dup.row(0, named=True)
        raise CurateError(f"shard {row[SHARD_COLUMN]}: id {row[id_column]!r} occurs more than "
                          "once; tune needs unique ids")


def load_documents(run: Path, plan: TunePlan, id_column: str) -> tuple[pl.DataFrame, pl.Series]:
    """All stats rows (with the columns select_top ranks and groups by added where stats lacks
    them: input columns such as `domain`) and the mask of those that reached the first re-run
    stage."""
    stats = read_stats(run)
    reached = population(stats, plan)
    needed = {c for s in plan.replayed if s["op"] == "select_top"
              for c in (s["params"]["score"], *s["params"]["by"])}
    missing = sorted(needed - set(stats.columns))
    if missing:
        check_unique_ids(stats.filter(reached), id_column)
        extra = read_columns(run, missing, id_column, {s["name"] for s in plan.replayed})
        stats = stats.join(extra, on=[SHARD_COLUMN, id_column], how="left", maintain_order="left")
    return stats, reached


def replay(docs: pl.DataFrame, reached: pl.Series, plan: TunePlan,
           id_column: str) -> tuple[pl.DataFrame, list[StageOutcome]]:
    """Re-run the plan's stages over the documents that reached them. Returns the documents
    with `stage`, `reason` (and q_overall where recombined) updated, and per-stage counts."""
    docs = docs.with_columns(
        pl.when(pl.lit(reached)).then(None).otherwise(pl.col("stage")).alias("stage"),
        pl.when(pl.lit(reached)).then(None).otherwise(pl.col("reason")).alias("reason"),
    )
    alive = reached
    outcomes = []
    for stage in plan.replayed:
        start = time.perf_counter()
        params = build(REGISTRY[stage["op"]].Params, stage["params"], stage["name"])
        survivors = docs.filter(alive)
        decision = _decide(stage["op"], params, survivors, id_column)
        if isinstance(decision, dict):  # recombined columns, nothing rejected
            docs = _update(docs, alive, decision)
            outcomes.append(StageOutcome(stage["name"], survivors.height, survivors.height, 0,
                                         time.perf_counter() - start))
            continue
        rejected = decision.is_not_null()
        full_reason = _spread(alive, decision)
        docs = docs.with_columns(
            pl.when(pl.lit(full_reason).is_not_null()).then(pl.lit(stage["name"]))
            .otherwise(pl.col("stage")).alias("stage"),
            pl.when(pl.lit(full_reason).is_not_null()).then(pl.lit(full_reason))
            .otherwise(pl.col("reason")).alias("reason"),
        )
        alive = alive & full_reason.is_null()
        n_rejected = int(rejected.sum())
        outcomes.append(StageOutcome(stage["name"], survivors.height,
                                     survivors.height - n_rejected, n_rejected,
                                     time.perf_counter() - start))
    return docs, outcomes


def _decide(op: str, params: Any, survivors: pl.DataFrame,
            id_column: str) -> pl.Series | dict[str, pl.Series]:
    """A stage's rejection reasons for the survivors (null = kept), or for quality_score the
    recombined q_overall."""
    if op == "quality_score":
        return {"q_overall": survivors.select(overall(params.weights)).to_series()}
    if op == "select":
        minimums = params.minimums()
        missing = [c for c, m in minimums.items() if m is not None and c not in survivors.columns]
        if missing:
            raise CurateError(f"stats/ has no column {missing[0]!r} to select on")
        return survivors.select(threshold_reason(minimums)).to_series().alias(REASON)
    if op == "select_top":
        missing = [c for c in [params.score, *params.by] if c not in survivors.columns]
        if missing:
            raise CurateError(f"stats/ has no column {missing[0]!r} to select on")
        keys = ranked(survivors, params.score, id_column, pl.col(SHARD_COLUMN), "row", params.by)
        state = fit_cutoffs(keys.lazy(), params.by, params.fraction)
        kept = within_cutoff(keys, state, params.by)
        return pl.select(
            pl.when(pl.lit(kept)).then(None).otherwise(pl.lit("below_top_fraction"))
            .cast(pl.String)
        ).to_series().alias(REASON)
    raise CurateError(f"tune cannot re-run operator {op!r}")


def _spread(mask: pl.Series, values: pl.Series) -> pl.Series:
    """`values` (one per True of `mask`) spread to the full length, null elsewhere."""
    full = pl.Series(values.name, [None] * mask.len(), dtype=values.dtype)
    return full.scatter(mask.arg_true(), values) if values.len() else full


def _update(docs: pl.DataFrame, mask: pl.Series, columns: dict[str, pl.Series]) -> pl.DataFrame:
    """Replace the masked rows of some columns."""
    out = []
    for name, values in columns.items():
        old = docs[name] if name in docs.columns else pl.Series(name, [None] * docs.height,
                                                                  dtype=values.dtype)
        out.append(old.cast(values.dtype).scatter(mask.arg_true(), values).alias(name))
    return docs.with_columns(out)
