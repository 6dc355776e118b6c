"""Plain datasketch, the loop a user writes: each document's MinHash over its word 5-grams
(lower-cased words; a CJK character is a word), one MinHashLSH; a document is removed when
the index already holds a candidate, else inserted."""

from __future__ import annotations

import re

from common import arguments, read_jsonl, write_lines
from datasketch import MinHash, MinHashLSH

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
WORD = re.compile(f"[{CJK}]|[^\\W{CJK}]+")


def main() -> None:
    """Dedup the corpus's JSON lines; write the removed ids."""
    task, corpus, out, s = arguments()
    assert task == "dedup", task
    n = s["ngram"]
    lsh = MinHashLSH(threshold=s["threshold"], num_perm=s["num_perm"])
    removed = []
    for doc in read_jsonl(corpus / "jsonl"):
        words = WORD.findall(doc["text"].lower())
        shingles = {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
        minhash = MinHash(num_perm=s["num_perm"])
        minhash.update_batch([x.encode("utf-8") for x in shingles])
        if lsh.query(minhash):
            removed.append(doc["id"])
        else:
            lsh.insert(doc["id"], minhash)
    write_lines(out, removed)


if __name__ == "__main__":
    main()
