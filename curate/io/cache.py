"""Tables derived from installed packages (jieba's dictionary as word hashes, wordfreq's Zipf
frequencies), built once per machine and kept in a cache folder: every worker process of
every run loads them in milliseconds instead of rebuilding them (about a second each).

A table is a Parquet file named after what it is and a key of the package versions and
recipe it came from, so an upgrade builds it afresh. The folder is `$CURATE_CACHE_DIR`, else
`$XDG_CACHE_HOME/curate`, else `~/.cache/curate`; where it cannot be written, tables are
simply built every time. The cache holds nothing a run's output depends on but those
packages: deleting it changes no output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import polars as pl

from curate.io.atomic import atomic_write

CACHE_ENV = "CURATE_CACHE_DIR"


def cache_dir() -> Path:
    """The folder cached tables live in."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "curate"


def package_key(*parts: str) -> str:
    """A short key of `parts`: package names (replaced by "name==version") and recipe tags."""
    described = []
    for part in parts:
        try:
            described.append(f"{part}=={metadata.version(part)}")
        except metadata.PackageNotFoundError:
            described.append(part)
    return hashlib.sha256("\n".join(described).encode()).hexdigest()[:16]


def cached_table(name: str, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """The table `name` for `key`: read from the cache, else built and written there."""
    path = cache_dir() / f"{name}-{key}.parquet"
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        pass  # not cached yet (or a damaged file, rebuilt and replaced)
    table = build()
    with contextlib.suppress(OSError):  # a read-only home: built every time
        atomic_write(path, lambda tmp: table.write_parquet(tmp, compression="lz4"))
    return table
