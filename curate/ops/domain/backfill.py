"""`domain_backfill`: recall reserve documents for the domains the curated corpus is short of
(the iterative fastText recall of DeepSeekMath): the reserve goes through the pipeline's own
row stages, is deduplicated against the corpus and itself, and the documents with the highest
probability of a short domain are added until its target is met or the reserve runs dry.

With `rounds > 1` the recall is spread over rounds and the domain model is retrained between
them with the recalled documents as new examples of their domain. Targets, what was recalled
and every shortfall go to the manifest (`outcomes.<stage>`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import ConfigError, CurateError
from curate.io import SHARD_COLUMN
from curate.io.corpus import named_shards
from curate.models import load_classifier
from curate.models.store import save_atomically
from curate.ops.base import FitContext, GlobalOperator, register
from curate.ops.domain.classify import domain_model
from curate.ops.domain.recall_dedup import HASHES, NEAR, drop_duplicates, row_keys
from curate.ops.domain.reserve import (
    Upstream,
    key_reference_shard,
    prepare_reserve_shard,
    reserve_pieces,
    score_reserve_shard,
)
from curate.ops.domain.targets import are_shares, check_targets, rows_to_add
from curate.ops.domain.training import (
    LABEL_COLUMN,
    MAX_CHARS,
    fit_domain_classifier,
    read_labelled,
)
from curate.ops.origin import ORIGIN, origin_of
from curate.params import REQUIRED, param

BACKFILL = "backfill"  # the origin of recalled rows
ROUND = "backfill_round"
SCORE = "domain_score"


@dataclass
class DomainBackfillParams:
    reserve: str = param(REQUIRED, "reserve pool to recall from (folder, glob or run folder, "
                         "relative to the pipeline file)")
    targets: dict[str, float] = param(
        REQUIRED, "per domain: its share of the corpus (shares sum to at most 1) or its rows")
    model: str | None = param(None, "domain model (default: the model of the domain_classify "
                              "stage before this one)")
    column: str = param(LABEL_COLUMN, "column holding each document's domain")
    min_score: float = param(0.5, "least probability of its domain a recalled document needs")
    rounds: int = param(1, "recall rounds; between rounds the domain model is retrained with "
                        "the recalled documents as new examples")
    retrain_from: list[str] = param(
        [], "labelled corpora the model is retrained on between rounds, with the recalled "
        "documents (default: the domain_classify stage's train_from)")
    label_column: str | None = param(None, "label column of retrain_from (default: the "
                                     "domain_classify stage's, else domain)")
    max_chars: int | None = param(None, "characters of each document the model reads "
                                  "(default: the domain_classify stage's, else 2000)")
    near_dedup: bool = param(True, "when the pipeline runs minhash_dedup, also drop recalled "
                             "documents that are near-duplicates of the corpus or of each other")

    def validate(self) -> tuple[str, str] | None:
        """Check targets and ranges."""
        problem = check_targets(self.targets)
        if problem:
            return "targets", problem
        if not 0.0 <= self.min_score <= 1.0:
            return "min_score", f"must be between 0 and 1, got {self.min_score}"
        if self.rounds < 1:
            return "rounds", f"must be >= 1, got {self.rounds}"
        if self.max_chars is not None and self.max_chars < 1:
            return "max_chars", f"must be >= 1, got {self.max_chars}"
        return None


@dataclass
class ModelSettings:
    """The domain model a backfill recalls with, and how to retrain it."""

    model: Path
    max_chars: int
    retrain_from: list[str]
    label_column: str


@register
class DomainBackfill(GlobalOperator[DomainBackfillParams]):
    """Recall reserve documents for the domains under their target, best domain score first.

    The reserve passes the pipeline's own filters and dedup first; recalled rows get
    source = "backfill" and their round; shortfalls go to the manifest."""

    name = "domain_backfill"
    annotations = (ORIGIN, ROUND)
    file_params = ("model",)
    state_per_shard = True

    def _upstream(self) -> Upstream:
        return Upstream.of(self.context, self.params.near_dedup)

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Id, domain and dedup keys of every curated document."""
        column = self.params.column
        if column not in batch.columns:
            raise CurateError(f"{self.context.stage}: no column {column!r} to count domains "
                              "by; run domain_classify before this stage or set column")
        keyed = self._upstream().dedup.keys(batch, shard, self.context)
        near = [c for c in NEAR if c in keyed.columns]
        return keyed.select(pl.col(self.context.id_column).alias("__id"),
                            pl.col(column).cast(pl.String).alias("__domain"), *HASHES, *near)

    def fit(self, context: FitContext) -> pl.DataFrame:
        """Plan and recall, round by round; the state is the recalled rows, each with the
        shard it joins."""
        p = self.params
        upstream = self._upstream()
        settings = self._model_settings(upstream)
        self._check_labels(settings.model)
        counts: dict[str | None, int] = dict(
            pl.scan_parquet(context.summaries).group_by("__domain").len().collect().iter_rows()
        ) if context.summaries else {}
        current = {d: counts.get(d, 0) for d in p.targets}
        others = sum(n for d, n in counts.items() if d not in p.targets)
        before = dict(current)
        frames, reserve = self._prepare_reserve(context, upstream)
        seen = list(context.summaries) + self._reference_keys(context, upstream)
        keys = _candidate_keys(frames, self.context.id_column)
        taken = keys.clear().with_columns(pl.lit(None, pl.String).alias("__pred"),
                                          pl.lit(None, pl.Float64).alias("__score"),
                                          pl.lit(None, pl.Int64).alias("__round"))
        retrain = None
        model = settings.model
        rounds: list[dict[str, Any]] = []
        wanted: dict[str, int] = {}
        added: dict[str, int] = {}
        for number in range(1, p.rounds + 1):
            scores = _scores(context, frames, model, settings.max_chars,
                             self.context.text_column, number)
            candidates = (
                keys.with_columns(scores)
                .filter(pl.col("__pred").is_in(list(p.targets)),
                        pl.col("__score") >= p.min_score,
                        ~pl.col("__key").is_in(taken["__key"].implode()))
                .sort(["__score", "__id", "__key"], descending=[True, False, False])
            )
            candidates, dropped = drop_duplicates(candidates, taken, frames, seen,
                                                  upstream.dedup.near)
            available = dict(candidates.group_by("__pred").len().iter_rows())
            added, wanted = rows_to_add({**counts, **current}, p.targets, available)
            share = {d: math.ceil(n / (p.rounds - number + 1)) for d, n in added.items()}
            chosen = candidates.filter(
                pl.int_range(pl.len()).over("__pred")
                < pl.col("__pred").replace_strict(share, default=0, return_dtype=pl.Int64))
            taken = pl.concat([taken, chosen.with_columns(pl.lit(number).alias("__round"))],
                              how="vertical_relaxed")
            recalled = dict(chosen.group_by("__pred").len().iter_rows())
            for domain, n in recalled.items():
                current[domain] += n
            rounds.append({"round": number, "model": str(model),
                           "candidates": dict(sorted(available.items())),
                           "recalled": dict(sorted(recalled.items())),
                           "dropped_as_duplicates": dropped})
            if sum(added.values()) == sum(recalled.values()):
                break
            if number < p.rounds:
                if retrain is None:
                    retrain = read_labelled(settings.retrain_from, settings.label_column,
                                            Path(self.context.config_dir),
                                            self.context.text_column)
                model = _retrain(retrain, frames, taken, settings, self.context.text_column,
                                 context.work_dir / f"domain-round{number + 1}.bin")
        shortfall = {d: wanted[d] - added[d] for d in p.targets if wanted[d] > added[d]}
        context.outcomes.update(self._outcomes(before, current, others, wanted, shortfall,
                                               reserve, rounds))
        return _recalled_rows(frames, taken, p.column, len(context.summaries))

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Mark the shard's rows with their origin and append the recalled rows it gets."""
        marked = batch.with_columns(origin_of(batch).alias(ORIGIN),
                                    pl.lit(None, pl.Int64).alias(ROUND))
        return self.with_added(marked, state)

    def _model_settings(self, upstream: Upstream) -> ModelSettings:
        p, base = self.params, Path(self.context.config_dir)
        classify = upstream.classify
        if p.model is not None:
            model = base / p.model
            if not model.is_file():
                raise CurateError(f"{self.context.stage}.model: no such model file {model}")
        elif classify is not None:
            model = domain_model(classify, base, self.context.seed)
        else:
            raise ConfigError(f"{self.context.stage}: no domain model; set model or run "
                              "domain_classify before this stage")
        settings = ModelSettings(
            model=model,
            max_chars=p.max_chars or (classify.max_chars if classify else MAX_CHARS),
            retrain_from=p.retrain_from or (classify.train_from if classify else []),
            label_column=p.label_column or (classify.label_column if classify
                                            else LABEL_COLUMN),
        )
        if p.rounds > 1 and not settings.retrain_from:
            raise ConfigError(f"{self.context.stage}.retrain_from: rounds > 1 retrains the "
                              "domain model; name the labelled corpora to retrain it on")
        return settings

    def _check_labels(self, model: Path) -> None:
        labels = load_classifier(model).labels
        for domain in self.params.targets:
            if domain not in labels:
                raise ConfigError(f"{self.context.stage}.targets.{domain}: the domain model "
                                  f"{model} has no such label (labels: {', '.join(labels)})")

    def _prepare_reserve(self, context: FitContext, upstream: Upstream,
                         ) -> tuple[list[Path], dict[str, Any]]:
        """Filter and key every reserve shard in parallel; the prepared files and counts."""
        # Each shard in consecutive pieces, one task each: the prepared files in shard and
        # row order, so the keys (`row_keys`) sort as the reserve's rows do.
        pieces = [(shard, name, (i, n)) for shard, name in
                  named_shards(self.params.reserve, Path(self.context.config_dir))
                  for n in [reserve_pieces(shard)] for i in range(n)]
        out = context.work_dir / "reserve"
        frames = [out / f"part-{i:05d}.parquet" for i in range(len(pieces))]
        states = context.work_dir.parent  # the run's work folder, holding fitted states
        tasks = [(shard, name, len(context.summaries) + i, self.context,
                  self.params.near_dedup, states, frame, piece)
                 for i, ((shard, name, piece), frame) in enumerate(zip(pieces, frames,
                                                                       strict=True))]
        reports = context.map(prepare_reserve_shard, tasks)
        rejected: dict[str, int] = {}
        for report in reports:
            for reason, n in report["rejected"].items():
                rejected[reason] = rejected.get(reason, 0) + n
        return frames, {"rows": sum(r["rows"] for r in reports),
                        "passed": sum(r["passed"] for r in reports),
                        "rejected": dict(sorted(rejected.items())),
                        "not_applied": upstream.not_applied}

    def _reference_keys(self, context: FitContext, upstream: Upstream) -> list[Path]:
        """Dedup keys of the dedup stages' reference corpora (e.g. an eval split the corpus
        was decontaminated against), so recalled documents are held to them too."""
        tasks = []
        for number, reference in enumerate(upstream.references):
            shards = named_shards(reference, Path(self.context.config_dir))
            for i, (shard, name) in enumerate(shards):
                out = context.work_dir / "reference" / f"{number:03d}-{i:05d}.parquet"
                tasks.append((shard, name, (1 << 20) + len(tasks), self.context,
                              self.params.near_dedup, out))
        return [Path(p) for p in context.map(key_reference_shard, tasks)]

    def _outcomes(self, before: dict[str, int], after: dict[str, int], others: int,
                  wanted: dict[str, int], shortfall: dict[str, int], reserve: dict[str, Any],
                  rounds: list[dict[str, Any]]) -> dict[str, Any]:
        total = sum(after.values()) + others
        targets = self.params.targets
        return {
            "column": self.params.column,
            "targets": dict(targets),
            "target_kind": "shares" if are_shares(targets) else "rows",
            "before": before,
            "recalled": {d: after[d] - before[d] for d in targets},
            "after": after,
            "other_rows": others,
            "share_after": {d: round(after[d] / total, 4) if total else 0.0 for d in targets},
            "shortfall": shortfall,
            "still_wanted": {d: wanted[d] for d in targets},
            "reserve": reserve,
            "rounds": rounds,
        }


def _candidate_keys(frames: list[Path], id_column: str) -> pl.DataFrame:
    """Every prepared reserve document: file, position, key (`row_keys`), id and dedup keys
    (LSH bands, not shingle sets: those are read back only for the pairs that need them)."""
    parts = []
    for number, frame in enumerate(frames):
        bands = ["__bands"] if "__bands" in pl.read_parquet_schema(frame) else []
        parts.append(pl.scan_parquet(frame).select(
            pl.lit(number, dtype=pl.Int64).alias("__file"),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("__i"),
            pl.col(id_column).cast(pl.String).alias("__id"), *HASHES, *bands, row_keys(number)))
    if not parts:
        return pl.DataFrame(schema={"__file": pl.Int64, "__i": pl.Int64, "__id": pl.String,
                                    "__h1": pl.UInt64, "__h2": pl.UInt64, "__key": pl.Int64})
    return pl.concat(parts, how="diagonal_relaxed").collect()


def _scores(context: FitContext, frames: list[Path], model: Path, max_chars: int,
            text_column: str, number: int) -> list[pl.Series]:
    """Each prepared reserve document's most probable domain and its probability."""
    out = context.work_dir / f"scores-round{number}"
    tasks = [(frame, model, max_chars, text_column, out / frame.name) for frame in frames]
    paths = context.map(score_reserve_shard, tasks)
    if not paths:
        return [pl.Series("__pred", [], pl.String), pl.Series("__score", [], pl.Float64)]
    scored = pl.concat([pl.read_parquet(p) for p in paths])
    return [scored["__pred"], scored["__score"]]


def _taken_rows(frames: list[Path], taken: pl.DataFrame) -> pl.DataFrame:
    """The prepared rows of the recalled documents (their columns, not the dedup keys the
    reserve files also hold), with their recall columns, in recall order (round, domain,
    rank)."""
    order = taken.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("__order"))
    parts = []
    for number, frame in enumerate(frames):
        mine = order.filter(pl.col("__file") == number).select(
            "__i", "__pred", "__score", "__round", "__order")
        if mine.height:
            rows = (pl.scan_parquet(frame).select(pl.exclude("^__.*$"))
                    .with_row_index("__i").with_columns(pl.col("__i").cast(pl.Int64))
                    .join(mine.lazy(), on="__i").collect())
            parts.append(rows)
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="diagonal_relaxed").sort("__order")


def _retrain(labelled: tuple[list[str], list[str]], frames: list[Path], taken: pl.DataFrame,
             settings: ModelSettings, text_column: str, out: Path) -> Path:
    """A domain model retrained on the labelled corpora plus every recalled document as an
    example of the domain it was recalled for."""
    recalled = _taken_rows(frames, taken)
    texts = labelled[0] + recalled[text_column].to_list()
    labels = labelled[1] + recalled["__pred"].to_list()
    return save_atomically(fit_domain_classifier(texts, labels, settings.max_chars), out)


def _recalled_rows(frames: list[Path], taken: pl.DataFrame, column: str,
                   shards: int) -> pl.DataFrame:
    """The state: recalled rows without internal columns, their domain set to the one they were
    recalled for, with origin, round and the shard they join (round-robin in recall order)."""
    rows = _taken_rows(frames, taken)
    if rows.height == 0 or shards == 0:
        return pl.DataFrame(schema={SHARD_COLUMN: pl.Int64, ORIGIN: pl.String, ROUND: pl.Int64})
    public = [c for c in rows.columns if not c.startswith("__")]
    return rows.select(*public).with_columns(
        rows["__pred"].alias(column),
        rows["__score"].alias(SCORE),
        pl.lit(BACKFILL).alias(ORIGIN),
        rows["__round"].alias(ROUND),
        (pl.int_range(pl.len(), dtype=pl.Int64) % shards).alias(SHARD_COLUMN),
    )
