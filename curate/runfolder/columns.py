"""One schema for every shard of an output folder. Shards of inputs with different columns
(one file has `title`, another not) are rewritten with the union of the columns, a column a
shard lacks being null in it, so that any reader (polars, pyarrow, pandas, duckdb) reads the
folder as one table. Shards that already share a schema are left untouched."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.io import write_shard


def unify_columns(files: list[Path]) -> int:
    """Rewrite the shards whose columns differ from the union (in first-seen order); returns
    how many were rewritten. A column with two types across shards is left as it is (a reader
    must cast it)."""
    schemas = [pl.read_parquet_schema(f) for f in files]
    union: dict[str, pl.DataType] = {}
    for schema in schemas:
        for name, dtype in schema.items():
            union.setdefault(name, dtype)
    rewritten = 0
    for path, schema in zip(files, schemas, strict=True):
        if list(schema) == list(union):
            continue
        frame = pl.read_parquet(path)
        frame = frame.select(
            pl.col(name) if name in schema else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in union.items())
        write_shard(frame, path)
        rewritten += 1
    return rewritten
