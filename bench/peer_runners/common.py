"""What every runner shares (stdlib only: runners run in the peers' own virtualenvs, without
curate): the command line and the corpus as JSON lines.

    VENV/bin/python bench/peer_runners/PEER.py TASK CORPUS_DIR OUT_FILE SETTINGS_JSON

TASK is dedup (write the ids the peer removed, one JSON string a line) or filters (write
{"id", "keep", "reason"} per document). CORPUS_DIR holds the corpus as JSON lines (jsonl/)
and Parquet (parquet/); SETTINGS_JSON the matched settings."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path


def arguments() -> tuple[str, Path, Path, dict]:
    """(task, corpus folder, output file, settings) from the command line."""
    task, corpus, out, settings = sys.argv[1:5]
    return task, Path(corpus), Path(out), json.loads(settings)


def read_jsonl(folder: Path) -> Iterator[dict]:
    """Every document of the JSON-lines files of `folder`, in file order."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


def write_lines(out: Path, rows: Iterable[object]) -> None:
    """One JSON value per line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
