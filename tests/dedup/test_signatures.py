"""MinHash signatures equal datasketch's for the same seed, scheme and hash function."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from datasketch import MinHash

from curate.ops.dedup.signatures import SCHEMES, MinHasher, band_keys
from curate.text.shingles import shingle_hash, shingle_hashes, shingles_of, token_hash, tokens

TEXTS = pl.Series([
    "The quick brown fox jumps over the lazy dog, and the dog sleeps on.",
    "Near-duplicate detection with MinHash estimates the Jaccard similarity of shingle sets.",
    "今天天气很好，我们一起去公园散步，然后去图书馆看书。",
    "混合 text 中英文 mixed 内容 with 数字 2024",
    "short",
])


def datasketch_signature(words: list[str], ngram: int, seed: int, scheme: str,
                         num_perm: int) -> np.ndarray:
    """datasketch's MinHash of the text's shingles, hashed by the same shingle hash."""
    bits = 64 if scheme == "affine64" else 32
    hashes = {w: token_hash(w, seed) for w in words}

    def hashfunc(gram: tuple[str, ...]) -> int:
        return shingle_hash([hashes[w] for w in gram]) & ((1 << bits) - 1)

    minhash = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=hashfunc)
    minhash.update_batch(shingles_of(words, ngram))
    return minhash.hashvalues


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("tokenization", ["auto", "word", "char"])
def test_signatures_equal_datasketch(scheme: str, tokenization: str) -> None:
    seed, ngram, num_perm = 7, 3, 64
    mine = MinHasher(num_perm, seed, scheme).signatures(
        *shingle_hashes(TEXTS, ngram, tokenization, seed))
    for d, words in enumerate(tokens(TEXTS, tokenization).to_list()):
        expected = datasketch_signature(words, ngram, seed, scheme, num_perm)
        assert mine[d].dtype == expected.dtype
        assert np.array_equal(mine[d], expected), f"document {d}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_text_without_shingles_has_the_empty_signature(scheme: str) -> None:
    mine = MinHasher(16, 1, scheme).signatures(*shingle_hashes(pl.Series(["!!"]), 5))
    assert np.array_equal(mine[0], MinHash(num_perm=16, seed=1, scheme=scheme).hashvalues)


def test_band_keys_are_equal_exactly_when_band_values_are() -> None:
    signatures = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [9, 2, 3, 4]], dtype=np.uint32)
    keys = band_keys(signatures, bands=2, rows=2)
    assert keys[0, 0] == keys[1, 0] != keys[2, 0]
    assert keys[0, 1] == keys[2, 1] != keys[1, 1]
    with pytest.raises(ValueError, match="exceed"):
        band_keys(signatures, bands=3, rows=2)
