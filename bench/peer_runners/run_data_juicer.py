"""data-juicer's `document_minhash_deduplicator` op, run as its executor runs an op
(`op.run(dataset)`: hashes with `num_proc` processes, then LSH and union-find) on the
corpus's Parquet shards loaded as its NestedDataset; space tokenization, window 5 (word
5-grams), the matched permutations and threshold; removed = input ids the output lacks."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import arguments, read_jsonl, write_lines


def main() -> None:
    """Dedup the corpus; write the removed ids."""
    import datasets
    from data_juicer.core.data import NestedDataset
    from data_juicer.ops.deduplicator import DocumentMinhashDeduplicator

    task, corpus, out, s = arguments()
    assert task == "dedup", task
    datasets.config.HF_DATASETS_CACHE = Path(s["work"]) / "cache"
    dataset = NestedDataset(datasets.load_dataset(
        "parquet", data_dir=str(corpus / "in"), split="train",
        cache_dir=str(Path(s["work"]) / "cache")))
    op = DocumentMinhashDeduplicator(tokenization="space", window_size=s["ngram"],
                                     num_permutations=s["num_perm"],
                                     jaccard_threshold=s["threshold"], num_proc=s["num_proc"])
    kept = set(op.run(dataset)["id"])
    write_lines(out, [d["id"] for d in read_jsonl(corpus / "jsonl") if d["id"] not in kept])


if __name__ == "__main__":
    main()
