"""Corpus file I/O: discovering, reading and writing shards."""

from curate.io.shards import (
    ROW_COLUMN,
    SHARD_COLUMN,
    check_shard,
    corpus_path,
    discover_shards,
    read_corpus,
    read_shard,
    write_chunked,
    write_shard,
)

__all__ = [
    "ROW_COLUMN",
    "SHARD_COLUMN",
    "check_shard",
    "corpus_path",
    "discover_shards",
    "read_corpus",
    "read_shard",
    "write_chunked",
    "write_shard",
]
