"""First-use costs paid ahead: every numba kernel compiled (numba caches the machine code
beside its module) and every per-machine word table built (`curate.io.cache`), so the first
run of a fresh install does not pay them in each of its worker processes at once.
`scripts/setup.sh` calls `warm()` after installing; whatever it leaves is done on first use."""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl

# Chinese and English, a run of one character, an empty text: every kernel path.
TEXTS = ["我们在北京大学学习，天气很好！今天是2024年。", "The cat sat on the mat. The cat sat.",
         "哈哈哈哈哈哈 aaaaaa ------", ""]


def steps() -> list[tuple[str, Callable[[], object]]]:
    """(name, call) of each first-use cost, in order."""
    from curate.ops.dedup.signatures import MinHasher, band_keys
    from curate.ops.filters.char_repetition import char_repetition
    from curate.text import zh_cut
    from curate.text.frequency import mean_zipf
    from curate.text.shingles import shingle_hashes
    from curate.text.zh_count import zh_word_counts

    texts = pl.Series(TEXTS, dtype=pl.String)
    zh = texts.str.contains(r"\p{Han}")

    def minhash() -> None:
        for tokenization in ("auto", "char"):
            shingles, offsets = shingle_hashes(texts, 2, tokenization)
            for scheme in ("affine32", "affine64", "legacy"):
                band_keys(MinHasher(num_perm=8, scheme=scheme).signatures(shingles, offsets),
                          2, 4)

    return [
        ("Chinese word cut", lambda: zh_cut.words_lines(TEXTS)),
        ("Chinese word counts", lambda: zh_word_counts(TEXTS, ["的"])),
        ("word frequency tables", lambda: mean_zipf(texts, zh)),
        ("character repetition", lambda: char_repetition(texts, 10, 5)),
        ("MinHash signatures", minhash),
    ]


def warm() -> list[tuple[str, float]]:
    """Run every step; (name, seconds) of each."""
    done = []
    for name, call in steps():
        start = time.perf_counter()
        call()
        done.append((name, time.perf_counter() - start))
    return done


def main() -> None:
    """`python -m curate.warm`: warm, and say what took how long."""
    for name, seconds in warm():
        print(f"{name}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
