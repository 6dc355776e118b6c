"""A tuned run: a new, complete run folder (manifest, curated/, rejected/, stats/) made
from a finished run by re-deciding its selection stages, so `curate report`, `curate explain`
and `curate tune` work on it like on any run.

Rows are moved, not recomputed: a document's input columns come from the file it was in
(curated/ or rejected/, its texts converted as curate.engine.texts says), its annotations
(scores) from stats/. Documents rejected before the
first re-run stage keep their rejected/ rows and stats as they were.
"""

from __future__ import annotations

import copy
import shutil
import time
from pathlib import Path

import polars as pl

from curate.config import config_hash
from curate.engine.texts import as_curated, as_rejected
from curate.errors import ConfigError
from curate.io import SHARD_COLUMN, write_chunked, write_shard
from curate.runfolder import Manifest, Run, RunLayout, is_run_folder, shard_stem
from curate.runfolder.export import export_jsonl
from curate.runfolder.manifest import StageTotal, Totals, TunedFrom, now
from curate.selection.overrides import TunePlan
from curate.selection.replay import StageOutcome

OUTCOME = ("stage", "reason")


def prepare_output(source: Path, out: Path, overwrite: bool) -> None:
    """Refuse to write over the source run or a non-empty folder (unless `overwrite`)."""
    if out.resolve() == source.resolve():
        raise ConfigError(f"--out {out}: is the run being tuned; choose another folder")
    if out.exists() and (out.is_file() or any(out.iterdir())):
        if not overwrite:
            raise ConfigError(f"--out {out}: exists and is not empty; use --overwrite")
        if not is_run_folder(out):
            raise ConfigError(f"--out {out}: is not a run folder; refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _read(paths: list[Path]) -> pl.DataFrame | None:
    return pl.concat([pl.read_parquet(p) for p in paths], how="diagonal_relaxed") \
        if paths else None


def _schema(paths: dict[int, list[Path]]) -> list[str] | None:
    for files in paths.values():
        return list(pl.read_parquet_schema(files[0]))
    return None


def write_tuned_run(source: Run, out: Path, plan: TunePlan, docs: pl.DataFrame,
                    reached: pl.Series, outcomes: list[StageOutcome],
                    started: float) -> Manifest:
    """Write the tuned run folder and return its manifest (`started`: the tune's
    time.perf_counter() at its start, for the manifest's wall time)."""
    pipeline = source.pipeline
    id_col, text_column = source.id_column, source.text_column
    keep_original = bool(pipeline.get("keep_original", False))
    max_rows = pipeline.get("max_rows_per_shard", 100_000)
    replayed = {s["name"] for s in plan.replayed}
    layout, target = source.layout, RunLayout(out)
    curated_files = layout.files_by_shard("curated")
    rejected_files = layout.files_by_shard("rejected")
    stats_files = {shard: paths[0] for shard, paths in layout.files_by_shard("stats").items()}
    stats_columns = set(docs.columns)
    curated_schema = _schema(curated_files)
    rejected_schema = _schema(rejected_files)
    decided = docs.filter(reached)
    recomputed = [c for o in outcomes for c in o.recomputed]

    for shard, stats_path in stats_files.items():
        stats = pl.read_parquet(stats_path)
        mine = decided.filter(pl.col(SHARD_COLUMN) == shard)
        updates = [c for c in dict.fromkeys([*recomputed, *OUTCOME]) if c in mine.columns]
        new_stats = _update_stats(stats, mine.select(id_col, *updates), id_col)
        write_shard(new_stats, target.stats_shard(shard))

        old_curated = _read(curated_files.get(shard, []))
        old_rejected = _read(rejected_files.get(shard, []))
        undecided = _from_replayed(old_rejected, replayed)
        if undecided is not None:  # in curated/'s form, until decided again
            undecided = as_curated(undecided, text_column, keep_original)
        moved = [f for f in (old_curated, undecided) if f is not None]
        rows = pl.concat(moved, how="diagonal_relaxed") if moved else None
        kept_rejected = None
        if old_rejected is not None:
            kept_rejected = old_rejected.filter(~pl.col("stage").is_in(list(replayed)))
        if rows is not None and rows.height:
            rows = rows.drop([c for c in rows.columns if c in stats_columns and c != id_col]
                             + [c for c in OUTCOME if c in rows.columns], strict=False)
            rows = rows.join(mine, on=id_col, how="inner").sort("row")
            kept = rows.filter(pl.col("stage").is_null())
            newly_rejected = rows.filter(pl.col("stage").is_not_null())
            columns = curated_schema or [c for c in rows.columns
                                         if not c.startswith("__") and c not in OUTCOME]
            if kept.height:
                write_chunked(_conform(kept, columns), target.curated, shard_stem(shard),
                              max_rows)
            rejected_columns = rejected_schema or [*(c for c in columns if c not in
                                                     stats_columns or c == id_col), *OUTCOME]
            parts = [kept_rejected] if kept_rejected is not None else []
            parts.append(_conform(as_rejected(newly_rejected, text_column), rejected_columns))
            kept_rejected = pl.concat(parts, how="diagonal_relaxed")
        if kept_rejected is not None and kept_rejected.height:
            write_chunked(kept_rejected, target.rejected, f"{shard_stem(shard)}-tuned",
                          max_rows)

    export_jsonl(target, pipeline.get("output_format", "parquet"))
    seconds = time.perf_counter() - started
    new_manifest = tuned_manifest(source, out, plan, outcomes, seconds, docs)
    new_manifest.path = target.manifest
    new_manifest.save()
    return new_manifest


def _from_replayed(rejected: pl.DataFrame | None, replayed: set[str]) -> pl.DataFrame | None:
    if rejected is None:
        return None
    return rejected.filter(pl.col("stage").is_in(list(replayed)))


def _conform(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`frame` with exactly `columns`, in order (absent ones null)."""
    return frame.select(
        pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c)
        for c in columns
    )


def _update_stats(stats: pl.DataFrame, decided: pl.DataFrame, id_col: str) -> pl.DataFrame:
    """Stats rows with the new stage, reason and recomputed columns of the re-decided
    documents."""
    for column in OUTCOME:
        if column not in stats.columns:
            stats = stats.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    if not decided.height:
        return stats
    new = decided.rename({c: f"__new_{c}" for c in decided.columns if c != id_col})
    joined = stats.join(new.with_columns(pl.lit(True).alias("__hit")), on=id_col, how="left",
                        maintain_order="left")
    hit = pl.col("__hit").fill_null(False)
    replaced = [
        pl.when(hit).then(pl.col(f"__new_{c}")).otherwise(pl.col(c)).alias(c)
        for c in decided.columns if c != id_col and c in stats.columns
    ]
    return joined.with_columns(replaced).select(stats.columns)


def tuned_manifest(source: Run, out: Path, plan: TunePlan,
                   outcomes: list[StageOutcome], seconds: float, docs: pl.DataFrame) -> Manifest:
    """The source manifest with the new config, its hash, re-counted stages and totals, and
    where it was tuned from."""
    new = copy.deepcopy(source.manifest)
    new.config["stages"] = plan.stages
    new.config["pipeline"]["output"] = str(out)
    new.config_hash = config_hash(new.config)
    new.status = "complete"
    new.started = new.finished = now()
    new.tuned_from = TunedFrom(str(source.root), source.manifest.config_hash, plan.changes)
    by_name = {o.stage: o for o in outcomes}
    new.stages = [
        StageTotal(o.stage, o.rows_in, o.kept, o.rejected, round(o.seconds, 4))
        if (o := by_name.get(s.stage)) is not None else s
        for s in new.stages
    ]
    totals = new.totals or Totals()
    totals.curated_rows = int(docs["stage"].is_null().sum())
    totals.rejected_rows = int(docs["stage"].is_not_null().sum())
    totals.wall_seconds = round(seconds, 3)
    new.totals = totals
    return new
