"""JSON-lines copies of a finished run's curated/ and rejected/ (`[pipeline] output_format =
"jsonl"` or `"jsonl.gz"`), for tools that do not read Parquet. The run folder itself stays
Parquet (the report, `curate explain`, `curate tune`, `--resume` and `curate.Run` read it):
export/curated/part-00042-000.jsonl.gz holds the rows of curated/part-00042-000.parquet, in
order, with the folder's one schema (written after `unify_columns`)."""

from __future__ import annotations

import polars as pl

from curate.io.shards import write_jsonl
from curate.runfolder.layout import EXPORTED_FOLDERS, RunLayout

FORMATS = ("jsonl", "jsonl.gz")


def export_jsonl(layout: RunLayout, output_format: str) -> int:
    """Write the JSON-lines copy of every curated/ and rejected/ shard (nothing for
    "parquet") and remove any other file of export/ (left by an earlier attempt or format);
    returns how many files were written."""
    if output_format not in FORMATS:
        return 0
    written = 0
    for folder in EXPORTED_FOLDERS:
        wanted = set()
        for parquet in layout.files(folder):
            target = layout.exported(parquet, output_format)
            write_jsonl(pl.read_parquet(parquet), target)
            wanted.add(target)
            written += 1
        stale = layout.export / folder
        for path in sorted(stale.iterdir()) if stale.is_dir() else []:
            if path not in wanted:
                path.unlink()
    return written
