"""Checks made before a run does any work, and the corpus-wide id check after its first pass.

They keep a run from touching what it reads: the run folder never holds or sits among the
input, a model trained on first use never lands on or among the input, and a missing model is
reported by its TOML key before any shard is read.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import polars as pl

from curate.config import PipelineConfig
from curate.errors import ConfigError, CurateError, DataError, ShardError
from curate.io import check_shard, fs, write_shard
from curate.io.corpus import is_glob
from curate.io.shards import Shard, shard_columns
from curate.ops import REGISTRY, Operator
from curate.params import suggest
from curate.runfolder import InputShard, RunLayout


def glob_matches(pattern: str, path: str) -> bool:
    """Whether `glob.glob(pattern, recursive=True)` would list `path` (both absolute)."""
    def match(pat: tuple[str, ...], parts: tuple[str, ...]) -> bool:
        if not pat:
            return not parts
        if pat[0] == "**":
            return any(match(pat[1:], parts[i:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatch.fnmatchcase(parts[0], pat[0]) and match(pat[1:], parts[1:])
    return match(Path(pattern).parts, Path(path).parts)


def _inside_input(config: PipelineConfig, path: Path) -> Path | None:
    """The input folder (or glob) `path` lies in, where the next discovery would find files
    written there; None when it does not."""
    spec = config.input_path
    if isinstance(spec, str):  # a URI: nothing local lies in it
        return None
    if spec.is_dir():
        return spec if path.resolve().is_relative_to(spec.resolve()) else None
    if is_glob(spec):
        pattern = os.path.abspath(spec)
        return spec if glob_matches(pattern, os.path.abspath(path)) else None
    return None


def check_all(config: PipelineConfig, shards: list[Shard]) -> dict[int, str]:
    """Every check that can be made before work: the run folder, the files stages name, the
    columns stages read, each input shard's footer and columns. All problems are reported at
    once, one line each (a ConfigError when any is about the config). Returns the shards to
    quarantine (on_error = "quarantine")."""
    found: list[CurateError] = []
    for check in (check_run_folder, check_stage_files, check_stage_columns,
                  check_source_column):
        try:
            check(config, shards)
        except CurateError as exc:
            found.append(exc)
    unreadable: dict[int, str] = {}
    try:
        unreadable = check_shards(config, shards)
    except CurateError as exc:
        found.append(exc)
    if len(found) == 1:
        raise found[0]
    if found:
        kind = ConfigError if any(isinstance(e, ConfigError) for e in found) else DataError
        raise kind("\n".join(str(e) for e in found))
    return unreadable


def check_run_folder(config: PipelineConfig, shards: list[Shard]) -> None:
    """Refuse a run folder that holds an input shard or the pipeline file, whose output the
    input spec would read, or whose path has glob characters. Raises ConfigError naming
    `pipeline.output`."""
    run_dir = config.output_path
    out = run_dir.resolve()
    if is_glob(out):
        raise ConfigError(f"pipeline.output: run folder {out} has a glob character (*, ? or [) "
                          "in its path, which the Parquet readers would expand; rename it")
    if config.output_uri and isinstance(config.input_path, str) and fs.overlaps(
            config.output_uri, config.input_path.split("?")[0].split("*")[0]):
        raise ConfigError(f"pipeline.output: {config.output_uri} overlaps the input "
                          f"{config.input_path}")
    for shard in shards:
        if isinstance(shard, Path) and shard.resolve().is_relative_to(out):
            raise ConfigError(f"pipeline.output: run folder {run_dir} contains input {shard}")
    if config.path.resolve().is_relative_to(out):
        raise ConfigError(f"pipeline.output: run folder {run_dir} contains the pipeline file "
                          f"{config.path}")
    for written in RunLayout(run_dir).written_examples(config.pipeline.output_format):
        where = _inside_input(config, written)
        if where is not None:
            raise ConfigError(f"pipeline.output: run folder {run_dir} is inside the input "
                              f"{where}; its output would be read as input by the next run")


def check_stage_files(config: PipelineConfig, shards: list[Shard]) -> None:
    """Every file a stage reads exists, or (a `model` with training corpora) will be trained
    somewhere that is not input. Raises ConfigError naming `stage[N].KEY`."""
    check_installed(config)
    inputs = {s.resolve() for s in shards if isinstance(s, Path)}
    for stage in config.stages:
        op = REGISTRY[stage.op]
        for key in op.file_params:
            value = getattr(stage.params, key, None)
            if not isinstance(value, str):
                continue
            name = f"stage[{stage.index}].{key}"
            path = Path(os.path.normpath(config.path.parent / value))
            if path.resolve() in inputs:
                raise ConfigError(f"{name}: {path} is an input shard, not a {key} file")
            if path.is_file():
                continue
            trained = key == op.trainable_file and any(
                getattr(stage.params, f) for f in op.train_params)
            if not trained:
                raise ConfigError(f"{name}: {path}: no such {key} file"
                                  + _training_hint(op, key))
            where = _inside_input(config, path)
            if where is not None:
                raise ConfigError(f"{name}: {path} is inside the input {where}; a model trained "
                                  "there would change the input (put it elsewhere)")


def check_stage_columns(config: PipelineConfig, shards: list[Shard]) -> None:
    """Every column a stage decides from is in the input or written by an earlier stage
    (`select_top` before any `quality_score` has no q_overall). Skipped when an input shard's
    columns cannot be known before reading it. Raises ConfigError naming the stage."""
    columns = [shard_columns(s) for s in shards]
    if any(c is None for c in columns):
        return
    available = {config.pipeline.id_column, *(c for cs in columns for c in cs or [])}
    for stage in config.stages:
        cls = REGISTRY[stage.op]
        own = {*cls.signals, *cls.annotations}
        missing = [c for c in stage.operator(config).reads() if c not in own | available]
        if missing:
            writers = [name for name, op in sorted(REGISTRY.items())
                       if missing[0] in (*op.signals, *op.annotations)]
            hint = f"; add a {' or '.join(writers)} stage before it" if writers else ""
            raise ConfigError(f"stage[{stage.index}] ({stage.name}): needs column "
                              f"{missing[0]!r}, which neither the input nor an earlier stage "
                              f"has{hint}")
        available |= own


def check_source_column(config: PipelineConfig, shards: list[Shard]) -> None:
    """The `source_column` the report counts by is a column of the input (of at least one
    shard: in the others it is null). Skipped when an input shard's columns cannot be known
    before reading it. Raises ConfigError naming `pipeline.source_column`."""
    column = config.pipeline.source_column
    if column is None:
        return
    columns = [shard_columns(s) for s in shards]
    if any(c is None for c in columns):
        return
    names = list(dict.fromkeys(c for cs in columns for c in cs or []))
    if column not in names:
        raise ConfigError(f'pipeline.source_column: no input shard has a column "{column}"'
                          f"{suggest(column, names)} (columns: {', '.join(names)})")


def check_installed(config: PipelineConfig) -> None:
    """What the stages need that comes installed with a package (lid.176 for `language`) is
    there. Raises ConfigError naming `stage[N]`."""
    for stage in config.stages:
        try:
            stage.operator(config).check_installed()
        except CurateError as exc:
            raise ConfigError(f"stage[{stage.index}]: {exc}") from exc


def _training_hint(op: type[Operator], key: str) -> str:
    """`; train one with `curate train quality` or set train_positive and train_negative`."""
    if key != op.trainable_file:
        return ""
    ways = [f"train one with `{op.train_command}`"] if op.train_command else []
    if op.train_params:
        ways.append("set " + " and ".join(op.train_params))
    return "; " + " or ".join(ways) if ways else ""


def check_shards(config: PipelineConfig, shards: list[Shard]) -> dict[int, str]:
    """Pre-flight check of every Parquet shard's footer and columns. A bad shard raises
    ShardError, or under `on_error = "quarantine"` is returned: {shard index: reason}."""
    p = config.pipeline
    bad: dict[int, str] = {}
    for i, shard in enumerate(shards):
        try:
            check_shard(shard, p.text_column, p.id_column)
        except ShardError as exc:
            if p.on_error != "quarantine":
                raise
            bad[i] = exc.reason
    return bad


def check_unique_ids(layout: RunLayout, inputs: list[InputShard], id_column: str) -> None:
    """Raise DataError naming the first id that two input rows share (with both places).

    Reads the (id, shard, row) files the read stage wrote: 64-bit hashes of the ids are
    counted first, so only the rare candidates' ids are compared as strings.
    """
    files = [layout.ids(i) for i in range(len(inputs)) if layout.ids(i).exists()]
    if not files:
        return
    ids = pl.scan_parquet(files, glob=False)
    twice = (ids.select(pl.col("id").hash(seed=0).alias("h")).group_by("h").len()
             .filter(pl.col("len") > 1).select("h").collect(engine="streaming"))
    if twice.height == 0:
        return
    rows = (ids.filter(pl.col("id").hash(seed=0).is_in(twice["h"].implode()))
            .filter(pl.len().over("id") > 1).sort("shard", "row").collect())
    if rows.height == 0:
        return
    doc_id = rows["id"][0]
    first, second = rows.filter(pl.col("id") == doc_id).head(2).iter_rows(named=True)
    where = [f"{inputs[r['shard']].path} row {r['row']}" for r in (first, second)]
    others = rows["id"].n_unique() - 1
    more = f" ({others} more id{'s' if others > 1 else ''} occur more than once)" if others else ""
    raise DataError(f"duplicate {id_column} {doc_id!r}: {where[0]} and {where[1]}{more}; ids "
                    "must be unique (drop the id column to derive ids from file and row)")


def stand_in_summaries(layout: RunLayout, pass_index: int, quarantined: set[int],
                       shards: int) -> None:
    """Write an empty observation for each quarantined shard, shaped like the others', so a
    global fit sees one summary per shard, in shard order."""
    if not quarantined:
        return
    present = [layout.summary(pass_index, s) for s in range(shards) if s not in quarantined]
    present = [p for p in present if p.exists()]
    if not present:
        return
    empty = pl.DataFrame(schema=pl.read_parquet_schema(present[0]))
    for s in sorted(quarantined):
        if not layout.summary(pass_index, s).exists():
            write_shard(empty, layout.summary(pass_index, s))
