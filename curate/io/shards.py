"""Shard discovery, reading and atomic writing: the one home for corpus file I/O."""

from __future__ import annotations

import glob
import gzip
import json
import os
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from curate.errors import ConfigError, DataError

PARQUET_SUFFIXES = (".parquet",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
SUPPORTED_SUFFIXES = PARQUET_SUFFIXES + JSONL_SUFFIXES

# Internal column holding each row's position inside its input shard.
ROW_COLUMN = "__row"


def is_supported(path: Path) -> bool:
    """Whether `path` names a shard format curate reads."""
    return path.name.endswith(SUPPORTED_SUFFIXES)


def discover_shards(spec: str | Path) -> list[Path]:
    """The shard files named by `spec`: a file, a folder (searched recursively) or a glob.

    Returned sorted, so shard numbering is stable. Raises ConfigError when nothing matches.
    """
    path = Path(spec)
    if path.is_file():
        found = [path]
    elif path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p))
    else:
        found = sorted(Path(p) for p in glob.glob(str(spec), recursive=True))
        found = [p for p in found if p.is_file() and is_supported(p)]
    found = [p for p in found if not p.name.startswith(".")]  # temporary files of writers
    if not found:
        kind = "folder" if path.is_dir() else "path"
        raise ConfigError(
            f"{spec}: no input shards found in this {kind} "
            f"(looked for {', '.join(SUPPORTED_SUFFIXES)})"
        )
    return found


def read_shard(
    path: Path,
    text_column: str = "text",
    id_column: str = "id",
    source: str | None = None,
) -> pl.DataFrame:
    """Read one shard, check its text column and make sure every row has a string `id`.

    When the id column is absent, ids are derived stably as `SOURCE:ROW` (SOURCE defaults to
    the file name). The row's position in the shard is kept in the internal ROW_COLUMN.
    """
    df = _read_parquet(path) if path.name.endswith(PARQUET_SUFFIXES) else _read_jsonl(path)
    if text_column not in df.columns:
        if df.height == 0 and not df.columns:
            df = pl.DataFrame({text_column: pl.Series([], dtype=pl.String)})
        else:
            raise DataError(
                f"{path}: no text column {text_column!r} (columns: {', '.join(df.columns)})"
            )
    dtype = df.schema[text_column]
    if dtype == pl.Null:
        df = df.with_columns(pl.col(text_column).cast(pl.String))
    elif dtype != pl.String:
        raise DataError(
            f"{path}: column {text_column!r} has type {dtype}, expected a string column"
        )
    df = df.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW_COLUMN))
    if id_column in df.columns:
        df = df.with_columns(pl.col(id_column).cast(pl.String))
    else:
        prefix = f"{source or path.name}:"
        df = df.with_columns((pl.lit(prefix) + pl.col(ROW_COLUMN).cast(pl.String)).alias(id_column))
    return df


def check_shard(path: Path, text_column: str = "text") -> None:
    """Cheap pre-flight check of a Parquet shard's footer and text column (JSONL shards are
    checked when read). Raises DataError naming the file."""
    if not path.name.endswith(PARQUET_SUFFIXES):
        return
    try:
        schema = pq.read_schema(path)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: not a readable Parquet file ({reason})") from exc
    if text_column not in schema.names:
        raise DataError(
            f"{path}: no text column {text_column!r} (columns: {', '.join(schema.names)})"
        )
    dtype = schema.field(text_column).type
    if not (pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
            or pa.types.is_string_view(dtype) or pa.types.is_null(dtype)):
        raise DataError(f"{path}: column {text_column!r} has type {dtype}, expected a string "
                        "column")


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        return pl.from_arrow(pq.read_table(path), rechunk=False)  # type: ignore[return-value]
    except Exception as exc:  # pyarrow raises several types for damaged files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: not a readable Parquet file ({reason})") from exc


def _read_jsonl(path: Path) -> pl.DataFrame:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{path}:{line}: invalid UTF-8 (byte {raw[exc.start]:#04x})") from exc
    if not raw.strip():
        return pl.DataFrame()
    try:
        return pl.read_ndjson(raw, infer_schema_length=None)
    except Exception:
        return _read_jsonl_slowly(path, raw)


def _read_jsonl_slowly(path: Path, raw: bytes) -> pl.DataFrame:
    """Parse line by line to name the offending line when polars rejects the file."""
    rows = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise DataError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
        rows.append(row)
    try:
        return pl.from_dicts(rows, infer_schema_length=None)
    except Exception as exc:
        raise DataError(f"{path}: rows disagree on column types ({exc})") from exc


def write_shard(df: pl.DataFrame, path: Path) -> None:
    """Write `df` to `path` as zstd Parquet, atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.write_parquet(tmp, compression="zstd", statistics=False)
    os.replace(tmp, path)


def write_chunked(df: pl.DataFrame, folder: Path, stem: str, max_rows: int) -> list[Path]:
    """Write `df` as `stem-000.parquet`, `stem-001.parquet`, ... of at most `max_rows` rows.

    An empty frame writes no file.
    """
    paths = []
    for chunk, start in enumerate(range(0, df.height, max_rows)):
        path = folder / f"{stem}-{chunk:03d}.parquet"
        write_shard(df.slice(start, max_rows), path)
        paths.append(path)
    return paths


def corpus_path(spec: str | Path, base: Path = Path(".")) -> Path:
    """Where a corpus named in a config lives: `spec` resolved against `base`, and a run
    folder (one holding manifest.json) stands for its curated shards."""
    path = base / spec
    return path / "curated" if (path / "manifest.json").is_file() else path


def read_corpus(path: str | Path, columns: list[str] | None = None) -> pl.DataFrame:
    """Read a whole corpus into memory: a shard, a folder or glob of shards, or a run folder.

    For a run folder (one holding manifest.json) the curated shards are read. Meant for
    small corpora (training sets, evaluation sets); pipelines stream shard by shard instead.
    """
    path = corpus_path(path)
    frames = []
    for shard in discover_shards(path):
        df = _read_parquet(shard) if shard.name.endswith(PARQUET_SUFFIXES) else _read_jsonl(shard)
        if columns is not None:
            missing = [c for c in columns if c not in df.columns]
            if missing:
                raise DataError(f"{shard}: missing column(s) {', '.join(map(repr, missing))}")
            df = df.select(columns)
        frames.append(df)
    return pl.concat(frames, how="diagonal_relaxed")
