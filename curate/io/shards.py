"""Shard discovery, reading and atomic writing: the one home for corpus file I/O."""

from __future__ import annotations

import difflib
import glob
import gzip
import io
import itertools
import json
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from curate.errors import ConfigError, DataError, ShardError
from curate.io import fs
from curate.io.atomic import atomic_write

PARQUET_SUFFIXES = (".parquet",)
# JSON lines; a .json file may also hold one array of objects.
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz")
# Delimited text with a header row; every value is read as a string, exactly as written.
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
SUPPORTED_SUFFIXES = PARQUET_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES

# Internal column holding each row's position inside its input shard.
ROW_COLUMN = "__row"
# Internal column naming the shard a summary or state row belongs to.
SHARD_COLUMN = "__shard"

# A shard: a local file, or the URI of a file on a pyarrow filesystem (see curate.io.fs).
Shard = Path | str


def shard_name(shard: Shard) -> str:
    """The file name of a shard."""
    return fs.name_of(shard) if isinstance(shard, str) else shard.name


def shard_size(shard: Shard) -> int:
    """Bytes in a shard's file."""
    return fs.size_of(shard) if isinstance(shard, str) else shard.stat().st_size


def _read_bytes(shard: Shard) -> bytes:
    if isinstance(shard, str):
        with fs.open_input(shard) as f:
            return f.read()
    return shard.read_bytes()


def is_supported(path: Shard) -> bool:
    """Whether `path` names a shard format curate reads."""
    return shard_name(path).endswith(SUPPORTED_SUFFIXES)


def discover_shards(spec: str | Path) -> list[Shard]:
    """The shard files named by `spec`: a file, a folder (searched recursively) or a glob,
    local or a URI (then the shards are URIs too).

    Returned sorted, so shard numbering is stable. Raises ConfigError when nothing matches.
    """
    if fs.is_uri(spec):
        assert isinstance(spec, str)
        remote = [u for u in fs.list_files(spec)
                  if is_supported(u) and not fs.name_of(u).startswith(".")]
        if not remote:
            raise ConfigError(f"{spec}: no input shards found "
                              f"(looked for {', '.join(SUPPORTED_SUFFIXES)})")
        return list(remote)
    path = Path(spec)
    if path.is_file():
        if not is_supported(path):
            raise ConfigError(f"{spec}: not a format curate reads (it reads "
                              f"{', '.join(SUPPORTED_SUFFIXES)})")
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
    path: Shard,
    text_column: str = "text",
    id_column: str = "id",
    source: str | None = None,
) -> pl.DataFrame:
    """Read one shard, check its text column and make sure every row has a string `id`.

    When the id column is absent, ids are derived stably as `SOURCE:ROW` (SOURCE defaults to
    the file name); a row whose id is null gets its derived id too. The row's position in the
    shard is kept in the internal ROW_COLUMN. Columns whose names start with `__` are curate's
    namespace and are dropped (e.g. pandas' `__index_level_0__`). Raises ShardError naming the
    file (and line) when the shard cannot be used.
    """
    df = _read_any(path, text_column)
    internal = [c for c in df.columns if c.startswith("__")]
    if internal:
        df = df.drop(internal)
    if text_column not in df.columns:
        if df.height == 0:
            df = df.with_columns(pl.Series(text_column, [], dtype=pl.String))
        else:
            raise missing_text_column(path, text_column, df.columns)
    dtype = df.schema[text_column]
    if dtype == pl.Null or isinstance(dtype, pl.Categorical | pl.Enum):
        df = df.with_columns(pl.col(text_column).cast(pl.String))
    elif dtype != pl.String:
        raise ShardError(path, f"column {text_column!r} has type {dtype}, expected a string "
                               "column")
    df = df.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW_COLUMN))
    derived = pl.lit(f"{source or shard_name(path)}:") + pl.col(ROW_COLUMN).cast(pl.String)
    if id_column in df.columns:
        dtype = df.schema[id_column]
        if not (dtype in (pl.String, pl.Null) or dtype.is_integer()
                or isinstance(dtype, pl.Categorical | pl.Enum)):
            raise ShardError(path, f"id column {id_column!r} has type {dtype}, expected strings "
                                   "or integers")
        derived = pl.col(id_column).cast(pl.String).fill_null(derived)
    return df.with_columns(derived.alias(id_column))


def check_shard(path: Shard, text_column: str = "text", id_column: str = "id") -> None:
    """Cheap pre-flight check of a Parquet shard's footer, text and id columns, or of the
    first records of a local JSONL shard (the rest is checked when read). Raises ShardError
    naming the file."""
    if not shard_name(path).endswith(PARQUET_SUFFIXES):
        if isinstance(path, Path) and path.name.endswith(CSV_SUFFIXES):
            names = _read_csv(path).columns  # a header row, and every value a string
            if text_column not in names:
                raise missing_text_column(path, text_column, names)
        elif isinstance(path, Path):
            _check_jsonl_head(path, text_column)
        return
    if isinstance(path, str):  # a remote file: read only its footer
        with fs.open_input(path) as f:
            _check_schema(path, _footer(path, f), text_column, id_column)
        return
    _check_schema(path, _footer(path, path), text_column, id_column)


# Records of a JSONL shard read before the run: a text column none of them has is missing.
JSONL_HEAD = 100
# Column names that usually hold the text, for the hint when the text column is missing.
TEXT_LIKE = ("text", "content", "body", "article", "document", "passage", "sentence", "review",
             "comment", "raw_content", "text_content")


def missing_text_column(path: Shard, text_column: str, names: list[str]) -> ShardError:
    """The error for a shard without the text column: its columns, and the key to set."""
    close = difflib.get_close_matches(text_column, names, n=1, cutoff=0.6)
    likely = close or [n for n in TEXT_LIKE if n in names]
    hint = f'; set [pipeline] text_column = "{likely[0]}"' if likely else \
        "; set [pipeline] text_column to the column holding the text"
    return ShardError(path, f"no text column {text_column!r} (columns: {', '.join(names)})"
                            + hint)


def shard_columns(path: Shard) -> list[str] | None:
    """The columns of a shard as far as they can be known without reading it: a Parquet
    footer, a CSV header, the first records of a local JSONL file (None: not known)."""
    name = shard_name(path)
    try:
        if name.endswith(PARQUET_SUFFIXES):
            if isinstance(path, str):
                with fs.open_input(path) as f:
                    return list(_footer(path, f).schema.to_arrow_schema().names)
            return list(_footer(path, path).schema.to_arrow_schema().names)
        if isinstance(path, Path) and name.endswith(CSV_SUFFIXES):
            return list(_read_csv(path).columns)
        if isinstance(path, Path):
            return list(_jsonl_head_keys(path) or [])
    except (ShardError, OSError, ValueError):
        return None
    return None


def _jsonl_head_keys(path: Path) -> dict[str, None] | None:
    """The keys of the first records of a local JSONL file (None when they do not parse)."""
    keys: dict[str, None] = {}
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for line in itertools.islice((ln for ln in handle if ln.strip()), JSONL_HEAD):
                row = json.loads(line)
                if not isinstance(row, dict):
                    return None
                keys.update(dict.fromkeys(row))
    except (OSError, EOFError, ValueError, zlib.error):
        return None
    return keys


def _check_jsonl_head(path: Path, text_column: str) -> None:
    """The first records of a JSONL shard hold the text column (when they parse at all: a bad
    line is named when the shard is read)."""
    names = _jsonl_head_keys(path)
    if names and text_column not in names:
        raise missing_text_column(path, text_column, list(names))


def _footer(path: Shard, source: object) -> pq.FileMetaData:
    try:
        return pq.read_metadata(source)
    except Exception as exc:
        raise ShardError(path, f"not a readable Parquet file ({_first_line(exc)})") from exc


def _check_schema(path: Shard, meta: pq.FileMetaData, text_column: str, id_column: str,
                  ) -> None:
    try:
        schema = meta.schema.to_arrow_schema()
    except Exception as exc:
        raise ShardError(path, f"not a readable Parquet file ({_first_line(exc)})") from exc
    if text_column not in schema.names:
        if meta.num_rows == 0:
            return
        raise missing_text_column(path, text_column, schema.names)
    dtype = schema.field(text_column).type
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    if not (_is_arrow_string(dtype) or pa.types.is_null(dtype)):
        raise ShardError(path, f"column {text_column!r} has type {dtype}, expected a string "
                               "column")
    if id_column in schema.names:
        dtype = schema.field(id_column).type
        if pa.types.is_dictionary(dtype):
            dtype = dtype.value_type
        if not (_is_arrow_string(dtype) or pa.types.is_integer(dtype)
                or pa.types.is_null(dtype)):
            raise ShardError(path, f"id column {id_column!r} has type {dtype}, expected "
                                   "strings or integers")


def _is_arrow_string(dtype: pa.DataType) -> bool:
    return (pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
            or pa.types.is_string_view(dtype))


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type name."""
    text = str(exc)
    return text.splitlines()[0] if text.strip() else type(exc).__name__


def _read_any(path: Shard, text_column: str = "text") -> pl.DataFrame:
    """A shard of any supported format, as read (no checks of its columns)."""
    name = shard_name(path)
    if name.endswith(PARQUET_SUFFIXES):
        return _read_parquet(path)
    if name.endswith(CSV_SUFFIXES):
        return _read_csv(path)
    return _read_jsonl(path, text_column)


def _read_csv(path: Shard) -> pl.DataFrame:
    """A CSV or TSV file with a header row, every column a string as written (an empty field
    is an empty string)."""
    name = shard_name(path)
    try:
        raw = _read_bytes(path)
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        return pl.read_csv(raw, separator="\t" if ".tsv" in name else ",", infer_schema=False,
                           empty_string_is_null=False)
    except (OSError, EOFError, zlib.error, pl.exceptions.PolarsError) as exc:
        raise ShardError(path, f"not a readable CSV file ({_first_line(exc)})") from exc


def _read_parquet(path: Shard) -> pl.DataFrame:
    """Read a Parquet file with polars' reader (fast, and it checks that strings are valid
    UTF-8), or with pyarrow's for what polars' cannot read. A remote file is fetched whole."""
    if isinstance(path, str):
        raw = _read_bytes(path)
        return _parse_parquet(path, lambda: io.BytesIO(raw))
    return _parse_parquet(path, lambda: path)


def _parse_parquet(path: Shard, source: Callable[[], Any]) -> pl.DataFrame:
    try:
        return pl.read_parquet(source(), glob=False)
    except Exception as exc:  # the readers raise several types for damaged files
        if "utf-8" in str(exc).lower():
            raise ShardError(path, _invalid_utf8(source()) or "invalid UTF-8 in a string "
                             "column") from exc
    try:
        table = pq.read_table(source())
        table.validate(full=True)  # polars would panic on invalid UTF-8 later
        return pl.from_arrow(table, rechunk=False)  # type: ignore[return-value]
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower().replace("-", ""):
            raise ShardError(path, _invalid_utf8(source()) or "invalid UTF-8 in a string "
                             "column") from exc
        raise ShardError(path, f"not a readable Parquet file ({_first_line(exc)})") from exc
    except Exception as exc:
        raise ShardError(path, f"not a readable Parquet file ({_first_line(exc)})") from exc


def _invalid_utf8(source: Any) -> str | None:
    """Which column and row of a Parquet file hold invalid UTF-8 (error path only)."""
    try:
        table = pq.read_table(source)
    except Exception:
        return None
    for name in table.column_names:
        column = table.column(name)
        if not _is_arrow_string(column.type):
            continue
        offset = 0
        for chunk in column.chunks:
            try:
                chunk.validate(full=True)
            except pa.ArrowInvalid:
                for i, value in enumerate(chunk.cast(pa.large_binary()).to_pylist()):
                    try:
                        if value is not None:
                            value.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        return (f"invalid UTF-8 in column {name!r}, row {offset + i} "
                                f"(byte {value[exc.start]:#04x})")
            offset += len(chunk)
    return None


# A `\uD800`-`\uDFFF` escape: half of a UTF-16 surrogate pair, which is not a character on
# its own; polars' JSON reader mangles lone ones, so files holding such escapes take the
# line-by-line reader that repairs them.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"


def _read_jsonl(path: Shard, text_column: str = "text") -> pl.DataFrame:
    """Read a JSONL file: polars' fast reader, or the careful line-by-line reader when the
    file has something the fast reader would coerce or mangle (a text value that is not a
    string, lone surrogate escapes) or rejects (it then names the offending line)."""
    try:
        raw = _read_bytes(path)
        if shard_name(path).endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ShardError(path, f"cannot read ({exc})") from exc
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ShardError(path, f"invalid UTF-8 (byte {raw[exc.start]:#04x})", line) from exc
    if not raw.strip():
        return pl.DataFrame()
    if shard_name(path).endswith((".json", ".json.gz")) and raw.lstrip()[:1] == b"[":
        raw = _array_as_lines(path, raw)  # a .json file holding one array of objects
    key = re.escape(json.dumps(text_column, ensure_ascii=False).encode())
    not_a_string = re.compile(key + rb"\s*:\s*(?![\s\"]|null\b)")
    if _SURROGATE_ESCAPE.search(raw) or not_a_string.search(raw):
        return _read_jsonl_slowly(path, raw, text_column)
    try:
        return pl.read_ndjson(raw, infer_schema_length=None)
    except Exception:
        return _read_jsonl_slowly(path, raw, text_column)


def _array_as_lines(path: Shard, raw: bytes) -> bytes:
    """A JSON array of objects as JSON lines."""
    try:
        rows = json.loads(raw)
    except ValueError as exc:
        raise ShardError(path, f"not valid JSON ({exc})") from exc
    if not all(isinstance(row, dict) for row in rows):
        raise ShardError(path, "a JSON array of something other than objects")
    return b"\n".join(json.dumps(row, ensure_ascii=False).encode() for row in rows)


def _first_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose repeated keys keep their first value, as polars' reader does."""
    obj: dict[str, Any] = {}
    for k, v in pairs:
        obj.setdefault(k, v)
    return obj


def _repair(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (and keys) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_repair(k): _repair(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_repair(v) for v in value]
    return value


def _kind(value: Any) -> str:
    """The JSON kind of a value, as named in errors."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "an array", str: "a string"}.get(type(value), "null")


def _read_jsonl_slowly(path: Path, raw: bytes, text_column: str = "text") -> pl.DataFrame:
    """Parse line by line: name the offending line of a bad file, repair lone surrogates."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line, object_pairs_hook=_first_wins)
        except json.JSONDecodeError as exc:
            raise ShardError(path, f"not valid JSON ({exc.msg})", number) from exc
        except RecursionError as exc:
            raise ShardError(path, "not valid JSON (nested too deeply)", number) from exc
        if not isinstance(row, dict):
            raise ShardError(path, f"expected a JSON object, got {_kind(row)}", number)
        text = row.get(text_column)
        if text is not None and not isinstance(text, str):
            raise ShardError(path, f"{text_column!r} is {_kind(text)}, expected a string",
                             number)
        if _SURROGATE_ESCAPE.search(line.encode()):
            row = _repair(row)
        rows.append(row)
    try:
        return pl.from_dicts(rows, infer_schema_length=None)
    except Exception:
        pass
    try:  # as polars' fast reader does, a column mixing objects, arrays and scalars is text
        return pl.from_dicts(_mixed_as_json_text(rows), infer_schema_length=None)
    except Exception as exc:
        raise ShardError(path, f"rows disagree on column types ({_first_line(exc)})") from exc


def _mixed_as_json_text(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` with every value of a column that mixes JSON objects, arrays and scalars turned
    into its JSON text (strings stay as they are)."""
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for key, value in row.items():
            if value is not None:
                kinds.setdefault(key, set()).add(
                    dict if isinstance(value, dict) else list if isinstance(value, list) else str)
    mixed = {key for key, seen in kinds.items() if len(seen) > 1}
    return [{k: json.dumps(v, ensure_ascii=False) if k in mixed and v is not None
             and not isinstance(v, str) else v for k, v in row.items()} for row in rows]


def write_shard(df: pl.DataFrame, path: Path, row_group_size: int | None = None) -> None:
    """Write `df` to `path` as zstd Parquet, atomically (temporary name, then rename). With
    `row_group_size`, in row groups of that many rows with statistics, so a filtered scan
    reads only the row groups that can hold matching rows."""
    if row_group_size is None:
        atomic_write(path, lambda tmp: df.write_parquet(tmp, compression="zstd",
                                                        statistics=False))
    else:
        atomic_write(path, lambda tmp: df.write_parquet(tmp, compression="zstd",
                                                        statistics=True,
                                                        row_group_size=row_group_size))


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


# Rows serialized at a time by `write_jsonl` (the shard is never held twice as JSON text).
JSONL_CHUNK_ROWS = 10_000
# Characters JSON allows raw inside a string that Python's str.splitlines() (and so a naive
# line reader) takes for line ends: written escaped, so a line is always one row.
LINE_BREAKS_IN_STRINGS = {"\u0085": b"\\u0085", "\u2028": b"\\u2028", "\u2029": b"\\u2029"}


def write_jsonl(df: pl.DataFrame, path: Path) -> None:
    """Write `df` to `path` as JSON lines, one object per row with every column (null where
    missing; NaN and infinities as null, binary columns as base64 text), gzip-compressed when
    the name ends in .gz; atomically, and the same bytes for the same frame (a gzip header
    without file name or time)."""
    binary = [c for c, t in df.schema.items() if t == pl.Binary]
    df = df.with_columns(pl.col(binary).bin.encode("base64")) if binary else df

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as raw:
            gzipped = path.name.endswith(".gz")
            out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6,
                                mtime=0) if gzipped else raw
            for chunk in df.iter_slices(JSONL_CHUNK_ROWS):
                buffer = io.BytesIO()
                chunk.write_ndjson(buffer)
                data = buffer.getvalue()
                for char, escaped in LINE_BREAKS_IN_STRINGS.items():
                    data = data.replace(char.encode(), escaped)
                out.write(data)
            if gzipped:
                out.close()

    atomic_write(path, write)


def corpus_path(spec: str | Path, base: Path = Path(".")) -> Path:
    """Where a corpus named in a config lives: `spec` resolved against `base`, and a run
    folder stands for its curated shards."""
    from curate.runfolder import RunLayout, is_run_folder  # the run folder imports this module

    path = base / spec
    return RunLayout(path).curated if is_run_folder(path) else path


def read_corpus(path: str | Path, columns: list[str] | None = None) -> pl.DataFrame:
    """Read a whole corpus into memory: a shard, a folder or glob of shards, or a run folder.

    For a run folder the curated shards are read. Meant for
    small corpora (training sets, evaluation sets); pipelines stream shard by shard instead.
    """
    path = path if fs.is_uri(path) else corpus_path(path)
    frames: list[pl.DataFrame] = []
    shards = discover_shards(path)
    for shard in shards:
        df = _read_any(shard)
        if columns is not None:
            missing = [c for c in columns if c not in df.columns]
            if missing:
                raise DataError(f"{shard}: missing column(s) {', '.join(map(repr, missing))}")
            df = df.select(columns)
        frames.append(df)
    try:
        return pl.concat(frames, how="diagonal_relaxed")
    except Exception as exc:
        raise DataError(_type_clash(frames, shards) or f"{path}: shards disagree on column "
                        f"types ({_first_line(exc)})") from exc


def _type_clash(frames: list[pl.DataFrame], shards: list[Shard]) -> str | None:
    """`B: column 'x' has type list[str], but str in A` for the first column whose types
    across shards cannot be combined (error path only)."""
    first: dict[str, tuple[pl.DataFrame, Shard]] = {}
    for df, shard in zip(frames, shards, strict=True):
        for name in df.columns:
            if name not in first:
                first[name] = (df, shard)
                continue
            other, where = first[name]
            try:
                pl.concat([other.select(name), df.select(name)], how="vertical_relaxed")
            except Exception:
                return (f"{shard}: column {name!r} has type {df.schema[name]}, but "
                        f"{other.schema[name]} in {where}")
    return None
