"""A tuned run: a new, complete run folder (manifest.json, curated/, rejected/, stats/) made
from a finished run by re-deciding its selection stages, so `curate report`, `curate explain`
and `curate tune` work on it like on any run.

Rows are moved, not recomputed: a document's input columns come from the file it was in
(curated/ or rejected/, its texts converted as curate.engine.texts says), its annotations
(scores) from stats/. Documents rejected before the
first re-run stage keep their rejected/ rows and stats as they were.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl

from curate.engine.texts import as_curated, as_rejected
from curate.errors import ConfigError
from curate.io import SHARD_COLUMN, write_chunked, write_shard
from curate.selection.overrides import TunePlan
from curate.selection.replay import StageOutcome, shard_of

OUTCOME = ("stage", "reason")


def config_hash(canonical: dict[str, Any]) -> str:
    """The config hash as `PipelineConfig.hash` computes it."""
    blob = json.dumps(canonical, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def prepare_output(source: Path, out: Path, overwrite: bool) -> None:
    """Refuse to write over the source run or a non-empty folder (unless `overwrite`)."""
    if out.resolve() == source.resolve():
        raise ConfigError(f"--out {out}: is the run being tuned; choose another folder")
    if out.exists() and (out.is_file() or any(out.iterdir())):
        if not overwrite:
            raise ConfigError(f"--out {out}: exists and is not empty; use --overwrite")
        if not (out / "manifest.json").is_file():
            raise ConfigError(f"--out {out}: is not a run folder; refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _files(run: Path, folder: str) -> dict[int, list[Path]]:
    found: dict[int, list[Path]] = {}
    for path in sorted((run / folder).glob("part-*.parquet")):
        found.setdefault(shard_of(path), []).append(path)
    return found


def _read(paths: list[Path]) -> pl.DataFrame | None:
    return pl.concat([pl.read_parquet(p) for p in paths], how="diagonal_relaxed") \
        if paths else None


def _schema(paths: dict[int, list[Path]]) -> list[str] | None:
    for files in paths.values():
        return list(pl.read_parquet_schema(files[0]))
    return None


def write_tuned_run(source: Path, out: Path, manifest: dict[str, Any], plan: TunePlan,
                    docs: pl.DataFrame, reached: pl.Series, outcomes: list[StageOutcome],
                    started: float) -> dict[str, Any]:
    """Write the tuned run folder and return its manifest (`started`: the tune's
    time.perf_counter() at its start, for the manifest's wall time)."""
    pipeline = manifest["config"]["pipeline"]
    id_col = pipeline["id_column"]
    text_column = pipeline.get("text_column", "text")
    keep_original = bool(pipeline.get("keep_original", False))
    max_rows = pipeline.get("max_rows_per_shard", 100_000)
    replayed = {s["name"] for s in plan.replayed}
    curated_files, rejected_files = _files(source, "curated"), _files(source, "rejected")
    stats_files = {shard_of(p): p for p in sorted((source / "stats").glob("part-*.parquet"))}
    stats_columns = set(docs.columns)
    curated_schema = _schema(curated_files)
    rejected_schema = _schema(rejected_files)
    decided = docs.filter(reached)

    for shard, stats_path in stats_files.items():
        stats = pl.read_parquet(stats_path)
        mine = decided.filter(pl.col(SHARD_COLUMN) == shard)
        updates = [c for c in ("q_overall", *OUTCOME) if c in mine.columns]
        new_stats = _update_stats(stats, mine.select(id_col, *updates), id_col)
        write_shard(new_stats, out / "stats" / stats_path.name)

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
                write_chunked(_conform(kept, columns), out / "curated", f"part-{shard:05d}",
                              max_rows)
            rejected_columns = rejected_schema or [*(c for c in columns if c not in
                                                     stats_columns or c == id_col), *OUTCOME]
            parts = [kept_rejected] if kept_rejected is not None else []
            parts.append(_conform(as_rejected(newly_rejected, text_column), rejected_columns))
            kept_rejected = pl.concat(parts, how="diagonal_relaxed")
        if kept_rejected is not None and kept_rejected.height:
            write_chunked(kept_rejected, out / "rejected", f"part-{shard:05d}-tuned", max_rows)

    seconds = time.perf_counter() - started
    new_manifest = tuned_manifest(source, out, manifest, plan, outcomes, seconds, docs)
    (out / "manifest.json").write_text(json.dumps(new_manifest, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
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
    """Stats rows with new stage, reason and q_overall for the re-decided documents."""
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


def tuned_manifest(source: Path, out: Path, manifest: dict[str, Any], plan: TunePlan,
                   outcomes: list[StageOutcome], seconds: float,
                   docs: pl.DataFrame) -> dict[str, Any]:
    """The source manifest with the new config, its hash, re-counted stages and totals, and
    where it was tuned from."""
    new = copy.deepcopy(manifest)
    config = new["config"]
    config["stages"] = plan.stages
    config["pipeline"]["output"] = str(out)
    new["config_hash"] = config_hash(config)
    new["status"] = "complete"
    new["started"] = new["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    new["tuned_from"] = {"run": str(source), "config_hash": manifest["config_hash"],
                         "changes": plan.changes}
    by_name = {o.stage: o for o in outcomes}
    stages = []
    for s in new.get("stages", []):
        o = by_name.get(s["stage"])
        if o is not None:
            s = {"stage": o.stage, "in": o.rows_in, "kept": o.kept, "rejected": o.rejected,
                 "seconds": round(o.seconds, 4)}
        stages.append(s)
    new["stages"] = stages
    totals = new.setdefault("totals", {})
    totals["curated_rows"] = int(docs["stage"].is_null().sum())
    totals["rejected_rows"] = int(docs["stage"].is_not_null().sum())
    totals["wall_seconds"] = round(seconds, 3)
    return new
