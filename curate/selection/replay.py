"""Re-deciding a finished run's stages from stats/: which documents reach the first re-run
stage, and what each re-run stage decides for them with its (new) parameters.

Nothing is recomputed from text: each operator's `decide` reads stored columns only (a filter
compares its stored signals with its thresholds, `select` and `select_top` read scores,
`quality_score` recombines its stored dimensions into q_overall).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.errors import CurateError
from curate.io import SHARD_COLUMN
from curate.ops import REGISTRY
from curate.ops.base import Operator, StageContext
from curate.params import build
from curate.runfolder import Run, shard_of
from curate.selection.overrides import TunePlan


@dataclass
class StageOutcome:
    """Rows in, kept and rejected by one re-run stage."""

    stage: str
    rows_in: int
    kept: int
    rejected: int
    seconds: float = 0.0
    recomputed: tuple[str, ...] = ()  # stored columns the stage computed anew (q_overall)


def read_stats(run: Run) -> pl.DataFrame:
    """Every stats/ file of a run, with its shard number in `__shard`."""
    files = run.files("stats")
    if not files:
        raise CurateError(f"{run.root}: no stats/ files (is the run finished?)")
    frames = [pl.read_parquet(f).with_columns(
        pl.lit(shard_of(f), dtype=pl.Int64).alias(SHARD_COLUMN)) for f in files]
    stats = pl.concat(frames, how="diagonal_relaxed")
    for column in ("stage", "reason"):
        if column not in stats.columns:
            stats = stats.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return stats


def read_columns(run: Run, columns: list[str], id_column: str,
                 stages: set[str]) -> pl.DataFrame:
    """Input columns that stats/ lacks (e.g. `domain` for select_top's `by`), with shard and
    id, for the documents kept or rejected by one of `stages`."""
    frames = []
    for folder in ("curated", "rejected"):
        for path in run.files(folder):
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


def operator_of(stage: dict[str, Any], id_column: str) -> Operator:
    """The operator of a recorded stage, with its (overridden) parameters."""
    cls = REGISTRY[stage["op"]]
    params = build(cls.Params, stage["params"], stage["name"])
    return cls(params, StageContext(stage=stage["name"], id_column=id_column))


def load_documents(run: Run, plan: TunePlan) -> tuple[pl.DataFrame, pl.Series]:
    """All stats rows (with the columns the re-run stages read added where stats lacks them:
    input columns such as `domain`) and the mask of those that reached the first re-run
    stage."""
    id_column = run.id_column
    stats = read_stats(run)
    reached = population(stats, plan)
    needed = {c for s in plan.replayed for c in operator_of(s, id_column).reads()}
    missing = sorted(needed - set(stats.columns))
    if missing:
        check_unique_ids(stats.filter(reached), id_column)
        extra = read_columns(run, missing, id_column, {s["name"] for s in plan.replayed})
        stats = stats.join(extra, on=[SHARD_COLUMN, id_column], how="left", maintain_order="left")
    return stats, reached


def replay(docs: pl.DataFrame, reached: pl.Series, plan: TunePlan,
           id_column: str) -> tuple[pl.DataFrame, list[StageOutcome]]:
    """Re-run the plan's stages over the documents that reached them. Returns the documents
    with `stage`, `reason` (and the columns a stage recomputes) updated, and per-stage
    counts."""
    order = {s["name"]: i for i, s in enumerate(plan.stages)}
    was = docs["stage"].replace_strict(order, default=len(order), return_dtype=pl.Int64)
    docs = docs.with_columns(
        pl.when(pl.lit(reached)).then(None).otherwise(pl.col("stage")).alias("stage"),
        pl.when(pl.lit(reached)).then(None).otherwise(pl.col("reason")).alias("reason"),
    )
    alive = reached
    outcomes = []
    for index, stage in enumerate(plan.replayed, start=plan.first):
        start = time.perf_counter()
        op = operator_of(stage, id_column)
        _check_measured(op, stage["name"], docs.filter(alive & (was < index)), plan)
        survivors = docs.filter(alive)
        try:
            decision = op.decide(survivors)
        except NotImplementedError as exc:
            raise CurateError(f"tune cannot re-run operator {stage['op']!r}") from exc
        if decision.columns:
            docs = _update(docs, alive, decision.columns)
        if decision.reasons is None:
            outcomes.append(StageOutcome(stage["name"], survivors.height, survivors.height, 0,
                                         time.perf_counter() - start, tuple(decision.columns)))
            continue
        full_reason = _spread(alive, decision.reasons)
        docs = docs.with_columns(
            pl.when(pl.lit(full_reason).is_not_null()).then(pl.lit(stage["name"]))
            .otherwise(pl.col("stage")).alias("stage"),
            pl.when(pl.lit(full_reason).is_not_null()).then(pl.lit(full_reason))
            .otherwise(pl.col("reason")).alias("reason"),
        )
        alive = alive & full_reason.is_null()
        n_rejected = int(decision.reasons.is_not_null().sum())
        outcomes.append(StageOutcome(stage["name"], survivors.height,
                                     survivors.height - n_rejected, n_rejected,
                                     time.perf_counter() - start, tuple(decision.columns)))
    return docs, outcomes


def _check_measured(op: Operator, name: str, newcomers: pl.DataFrame, plan: TunePlan) -> None:
    """A stage that decides from its own signals cannot judge documents the run rejected before
    they reached it (it never measured them): loosening an earlier stage lets them through."""
    own = set(type(op).signals) | set(type(op).annotations)
    if newcomers.height == 0 or not own & set(op.reads()):
        return
    tuned = plan.stages[plan.first]["name"]
    raise CurateError(
        f"{name}: {newcomers.height:,} documents would now reach this stage, which never "
        f"measured them (the run rejected them before it); tune {tuned} within what the run "
        "measured, or edit the pipeline and `curate run` it")


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
