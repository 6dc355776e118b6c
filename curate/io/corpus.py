"""A corpus as the pipeline reads it: its shards with their names (the one naming rule, which
derived ids are made from), and the screen every row passes before an operator sees it. The
input, reference corpora (dedup against an evaluation set) and reserve pools (backfill) are
all read this way, so a document gets the same derived id whichever stage reads it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from curate.io import fs
from curate.io.shards import Shard, corpus_path, discover_shards, read_shard

READ_STAGE = "read"
MAX_JUNK_SHARE = 0.1  # of a text's characters that may be U+FFFD


def is_glob(spec: Path | str) -> bool:
    """Whether an input spec is a glob pattern."""
    return any(c in str(spec) for c in "*?[")


def source_root(spec: Path) -> Path:
    """The folder shard names are taken relative to (for derived ids): the input folder, the
    folder of an input file, or the part of a glob before its first wildcard."""
    if spec.is_dir():
        return spec
    if spec.is_file():
        return spec.parent
    parts = []
    for part in spec.parts:
        if is_glob(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def shard_names(spec: Path | str, shards: Sequence[Shard]) -> list[str]:
    """Each shard's name relative to the corpus root (the source part of derived ids)."""
    if isinstance(spec, str):  # a URI: as for paths, relative to the folder part of the spec
        path = fs.split_uri(spec)[1]
        parts = path.split("/")
        fixed = parts[:next((i for i, part in enumerate(parts) if is_glob(part)), len(parts))]
        if len(fixed) == len(parts) and [fs.split_uri(str(s))[1] for s in shards] == [path]:
            fixed = fixed[:-1]  # the spec names one file
        root = "/".join(fixed)
        rels = [fs.split_uri(str(s))[1] for s in shards]
        return [rel[len(root):].lstrip("/") if rel.startswith(root) else rel for rel in rels]
    root = source_root(spec)
    return [s.relative_to(root).as_posix() if s.is_relative_to(root) else s.name
            for s in shards if isinstance(s, Path)]


def named_shards(spec: str, base: Path) -> list[tuple[Shard, str]]:
    """The shards of a corpus a config names (`spec` relative to `base`; a run folder stands
    for its curated shards), each with its name."""
    path = corpus_path(spec, base)
    shards = discover_shards(path)
    return list(zip(shards, shard_names(path, shards), strict=True))


def screen(text_column: str, max_doc_bytes: int) -> pl.Expr:
    """Why the read stage rejects a row (null when the row goes on): `null_text`, `too_large`
    (more than `max_doc_bytes` UTF-8 bytes) or `binary` (a NUL character, or more than a
    tenth of its characters U+FFFD: bytes that were not text)."""
    text = pl.col(text_column)
    size = text.str.len_bytes()
    replaced = text.str.count_matches("\ufffd", literal=True).cast(pl.Float64)
    binary = text.str.contains("\x00", literal=True) | (
        replaced > MAX_JUNK_SHARE * text.str.len_chars().cast(pl.Float64))
    return (
        pl.when(text.is_null()).then(pl.lit("null_text"))
        .when(size > max_doc_bytes).then(pl.lit("too_large"))
        .when(binary).then(pl.lit("binary"))
        .otherwise(None)
        .alias("reason")
    )


def split_screened(batch: pl.DataFrame, text_column: str, max_doc_bytes: int
                   ) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The rows that pass the screen, and those that do not (with `reason` and `stage`)."""
    reason = batch.select(screen(text_column, max_doc_bytes)).to_series()
    if reason.null_count() == len(reason):
        return batch, None
    keep = reason.is_null()
    rejected = batch.filter(~keep).with_columns(
        reason.filter(~keep), pl.lit(READ_STAGE).alias("stage"))
    return batch.filter(keep), rejected


def read_screened(shard: Shard, name: str, text_column: str, id_column: str,
                  max_doc_bytes: int, piece: tuple[int, int] = (0, 1),
                  ) -> tuple[pl.DataFrame, dict[str, int]]:
    """A reference or reserve shard's rows that pass the screen, and how many did not, per
    `read: REASON`. With `piece` = (i, n), only the i-th of n consecutive equal slices of the
    shard's rows (each keeping its place in the shard, so its derived id)."""
    rows = read_shard(shard, text_column, id_column, name)
    index, count = piece
    if count > 1:
        start = rows.height * index // count
        rows = rows.slice(start, rows.height * (index + 1) // count - start)
    batch, rejected = split_screened(rows, text_column, max_doc_bytes)
    counts: dict[str, int] = {}
    if rejected is not None:
        for reason, n in rejected["reason"].value_counts(sort=True).iter_rows():
            counts[f"{READ_STAGE}: {reason}"] = n
    return batch, counts
