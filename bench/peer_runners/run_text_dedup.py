"""text-dedup's MinHash command (`python -m text_dedup.minhash`), called in-process with the
matched settings on the corpus's Parquet shards; removed = input ids the output lacks.
`--min_length 1`: its default 5 drops documents of fewer than 5 tokens from the output."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import arguments, read_jsonl, write_lines


def main() -> None:
    """Dedup the corpus; write the removed ids."""
    from datasets import load_from_disk
    from text_dedup.minhash import main as minhash

    task, corpus, out, s = arguments()
    assert task == "dedup", task
    work = Path(s["work"])
    args = ["--path", "parquet", "--data_dir", str(corpus / "in"), "--split", "train",
            "--cache_dir", str(work / "cache"), "--output", str(work / "out"),
            "--column", "text", "--num_perm", str(s["num_perm"]), "--ngram", str(s["ngram"]),
            "--threshold", str(s["threshold"]), "--min_length", "1",
            "--num_proc", str(s["num_proc"])]
    minhash(args, standalone_mode=False)
    kept = set(load_from_disk(str(work / "out"))["id"])
    write_lines(out, [d["id"] for d in read_jsonl(corpus / "jsonl") if d["id"] not in kept])


if __name__ == "__main__":
    main()
