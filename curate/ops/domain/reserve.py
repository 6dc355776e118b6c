"""The reserve pool of `domain_backfill`: its documents go through the pipeline's own stages
before the backfill (cleaners, filters, quality scoring, selection by fitted cut-offs, domain
classification), so a recalled document passed what every curated one passed; then they are
keyed for dedup and scored by the domain model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.io import ROW_COLUMN, write_shard
from curate.io.corpus import read_screened
from curate.io.shards import Shard
from curate.models import load_classifier
from curate.ops.apply import apply_stage
from curate.ops.base import GlobalOperator, StageContext
from curate.ops.dedup.exact import ExactDedupParams
from curate.ops.domain.recall_dedup import DedupKeys
from curate.ops.domain.training import domain_view
from curate.runfolder.layout import state_path
from curate.runfolder.state import read_state

# Reserve rows one task prepares at most (each passes every row stage of the pipeline).
RESERVE_TASK_ROWS = 5_000


@dataclass
class Upstream:
    """What the stages before a backfill mean for its reserve: the stages to apply (row
    stages, and global stages whose state judges unseen documents), the dedup to repeat, the
    domain model's stage, and the global stages that cannot be repeated on other documents."""

    applied: list[Any] = field(default_factory=list)
    dedup: DedupKeys = field(default_factory=lambda: DedupKeys(ExactDedupParams(), None))
    classify: Any = None
    not_applied: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # corpora the dedup stages dedup against

    @classmethod
    def of(cls, context: StageContext, near_dedup: bool = True) -> Upstream:
        """Sort the stages before this one (context.upstream) by what they mean here."""
        from curate.ops import REGISTRY

        found = cls()
        exact, near = ExactDedupParams(), None
        for stage in context.upstream:
            action = REGISTRY[stage.op].reserve_action()
            if action == "exact_dedup":
                exact = stage.params
            elif action == "near_dedup":
                near = stage.params if near_dedup else None
            elif action == "skip":
                found.not_applied.append(stage.name)
            else:
                found.applied.append(stage)
                if action == "classify":
                    found.classify = stage.params
        found.dedup = DedupKeys(exact, near)
        found.references = list(dict.fromkeys(
            p.reference for p in (exact, near) if p is not None and p.reference is not None))
        return found


def apply_stages(batch: pl.DataFrame, stages: list[Any], context: StageContext,
                 states: Path, number: int) -> tuple[pl.DataFrame, dict[str, int]]:
    """Run the stages over `batch` as a shard task would (a global one with its fitted state
    from the `states` folder, the batch counting as shard `number`), keeping what they keep;
    also the number rejected per `stage: reason`."""
    from curate.ops import REGISTRY

    rejected: dict[str, int] = {}
    for stage in stages:
        op = REGISTRY[stage.op](stage.params, dataclasses.replace(
            context, stage=stage.name, upstream=())).ready()
        state = None
        if isinstance(op, GlobalOperator):
            state = read_state(state_path(states, stage.name), number, op.state_per_shard)
        applied = apply_stage(op, batch, stage.index, state, number, prepare=True)
        batch = applied.kept
        if applied.rejected is not None:
            for reason, n in applied.rejected["reason"].value_counts(sort=True).iter_rows():
                key = f"{stage.name}: {reason}"
                rejected[key] = rejected.get(key, 0) + n
    return batch, rejected


def reserve_pieces(shard: Shard) -> int:
    """How many tasks prepare a reserve shard: one per RESERVE_TASK_ROWS rows of a local
    Parquet shard (its row count is in the file's footer), one for any other, so the reserve
    spreads over the workers even when it has fewer shards than they are."""
    if not (isinstance(shard, Path) and shard.suffix == ".parquet"):
        return 1
    rows = pl.scan_parquet(shard).select(pl.len()).collect().item()
    return max(1, -(-rows // RESERVE_TASK_ROWS))


def prepare_reserve_shard(shard: Path, name: str, number: int, context: StageContext,
                          near_dedup: bool, states: Path, out: Path,
                          piece: tuple[int, int] = (0, 1)) -> dict[str, Any]:
    """Task: read one reserve shard (or one `piece` of it, see `read_screened`), keep what
    the read screen and the pipeline's stages keep, key it for dedup, and write it to `out`.
    Returns the rows read, passed, and rejected per stage and reason."""
    upstream = Upstream.of(context, near_dedup)
    batch, rejected = read_screened(shard, name, context.text_column, context.id_column,
                                    context.max_doc_bytes, piece)
    rows = batch.height + sum(rejected.values())
    batch, more = apply_stages(batch, upstream.applied, context, states, number)
    rejected.update(more)
    internal = [c for c in batch.columns if c.startswith("__") and c != ROW_COLUMN]
    write_shard(upstream.dedup.keys(batch.drop(internal), number, context), out)
    return {"rows": rows, "passed": batch.height, "rejected": rejected}


def key_reference_shard(shard: Path, name: str, number: int, context: StageContext,
                        near_dedup: bool, out: Path) -> str:
    """Task: the dedup keys of one shard of a dedup stage's reference corpus, shaped like the
    backfill's observation of the corpus (no domain)."""
    keys = Upstream.of(context, near_dedup).dedup
    batch, _ = read_screened(shard, name, context.text_column, context.id_column,
                             context.max_doc_bytes)
    keyed = keys.keys(batch, number, context)
    near = [c for c in ("__bands", "__shingles") if c in keyed.columns]
    write_shard(keyed.select(pl.col(context.id_column).cast(pl.String).alias("__id"),
                             pl.lit(None, pl.String).alias("__domain"), "__h1", "__h2", *near),
                out)
    return str(out)


def score_reserve_shard(frame: Path, model: Path, max_chars: int, text_column: str,
                        out: Path) -> str:
    """Task: the most probable domain of each prepared reserve document and its probability,
    in row order."""
    texts = pl.read_parquet(frame, columns=[text_column])[text_column].to_list()
    labels, scores = load_classifier(model).predict([domain_view(t, max_chars) for t in texts])
    write_shard(pl.DataFrame({"__pred": pl.Series(labels, dtype=pl.String),
                              "__score": pl.Series(scores, dtype=pl.Float64)}), out)
    return str(out)
