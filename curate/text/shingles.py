"""Shingles for near-duplicate detection: token n-grams as 64-bit hashes.

Tokens are those of the script helpers (`WORD_PATTERN`: words, and one token per CJK
character), jieba words, or single characters, lower-cased. A compiled kernel reads the UTF-8
bytes of a whole batch, finds and hashes its tokens, and folds n consecutive token hashes into
one shingle hash, so no Python loop runs per document, token or shingle. A text with fewer
than n tokens is one shingle; a text with no token has none.

`tokens` (polars regex) is the reference definition of the tokens and `token_hash` /
`shingle_hash` the reference definition of the hashes; the kernels are tested against them.
Characters whose lower case is several characters (e.g. U+0130) are kept as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import numba
import numpy as np
import polars as pl
import pyarrow as pa

from curate.io.atomic import atomic_write
from curate.text.ngrams import ngrams
from curate.text.script import CJK_CLASS, WORD_PATTERN
from curate.text.segment import segment_zh

Tokenization = Literal["auto", "word", "char"]
TOKENIZATIONS: tuple[str, ...] = ("auto", "word", "char")

_MASK64 = (1 << 64) - 1
# Fowler–Noll–Vo FNV-1a 64-bit constants (offset basis and prime), applied to code points.
_FNV_BASIS = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
# Character classes of the tokenizer kernel.
_SEPARATOR, _PART, _ALONE = 0, 1, 2


def _save_npz(path: Path, tables: dict[str, np.ndarray]) -> None:
    with path.open("wb") as out:  # a file object: np.savez adds no ".npz"
        np.savez(out, **tables)


def tokens(texts: pl.Series, tokenization: Tokenization = "auto") -> pl.Series:
    """The lower-cased tokens of each text, as a list column.

    - `auto`: words of space-delimited scripts, single characters of CJK text (so Chinese gets
      character n-grams without a segmenter);
    - `word`: the same, but CJK text is segmented into jieba words;
    - `char`: every character that is not white space.
    """
    lowered = texts.fill_null("").str.to_lowercase()
    if tokenization == "char":
        return lowered.str.extract_all(r"\S")
    if tokenization == "word":
        return _with_jieba_words(lowered)
    return lowered.str.extract_all(WORD_PATTERN)


def _with_jieba_words(lowered: pl.Series) -> pl.Series:
    """WORD_PATTERN tokens, except for texts with CJK characters, which jieba segments."""
    has_cjk = lowered.str.contains(f"[{CJK_CLASS}]")
    result = lowered.str.extract_all(WORD_PATTERN)
    if not has_cjk.any():
        return result
    segmented = pl.Series(segment_zh(lowered.filter(has_cjk).to_list()),
                          dtype=pl.List(pl.String))
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    words = pl.DataFrame({"tokens": result}).with_columns(row.alias("row")).filter(~has_cjk)
    cjk = pl.DataFrame({"tokens": segmented, "row": np.flatnonzero(has_cjk.to_numpy())})
    return pl.concat([words, cjk]).sort("row")["tokens"]


def token_hash(token: str, seed: int = 0) -> int:
    """The 64-bit hash of one (lower-cased) token: FNV-1a over its code points, finished with
    fmix64. The reference definition of what the kernel computes."""
    h = _basis(seed)
    for char in token:
        h = ((h ^ ord(char)) * _FNV_PRIME) & _MASK64
    return _fmix64_py(h)


def token_hashes(
    texts: pl.Series, tokenization: Tokenization = "auto", seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, offsets): `token_hash` of every token of every text, flattened, and where each
    text's tokens start (text i owns hashes[offsets[i]:offsets[i + 1]])."""
    if tokenization == "word":
        # jieba yields the words; the kernel then only splits them at the spaces put between.
        texts = tokens(texts, "word").list.join(" ")
        classes = "spaces"
    else:
        classes = tokenization
    data, offsets = _utf8_buffers(texts)
    kind, lower = _class_table(classes), _lower_table()
    counts = _count_tokens(data, offsets, kind)
    token_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=token_offsets[1:])
    hashes = _hash_tokens(data, offsets, kind, lower, np.uint64(_basis(seed)), token_offsets)
    return hashes, token_offsets


def _utf8_buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of all texts and the byte offset where each starts (null = empty)."""
    array = texts.fill_null("").rechunk().to_arrow(compat_level=pl.CompatLevel.oldest())
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[array.offset:
                                                            array.offset + len(array) + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets


@cache
def _class_table(tokenization: str) -> np.ndarray:
    """Each code point's class: _PART of a word, _ALONE (a token by itself) or _SEPARATOR."""
    return _tables()[tokenization]


@cache
def _lower_table() -> np.ndarray:
    """Each code point's lower case (itself when its lower case is several characters)."""
    return _tables()["lower"]


def _tables() -> dict[str, np.ndarray]:
    """The per-code-point tables, built once per polars version and token patterns (they
    define them) and cached next to numba's compiled kernels; built in memory when that
    folder cannot be written."""
    key = hashlib.sha1(f"{pl.__version__}|{WORD_PATTERN}|{CJK_CLASS}".encode()).hexdigest()
    cache_file = Path(__file__).parent / "__pycache__" / f"shingle-tables-{key[:16]}.npz"
    if cache_file.exists():
        with np.load(cache_file) as stored:
            return {name: stored[name] for name in stored.files}
    tables = _build_tables()
    with contextlib.suppress(OSError):  # a read-only install: build the tables each time
        atomic_write(cache_file, lambda tmp: _save_npz(tmp, tables))
    return tables


def _build_tables() -> dict[str, np.ndarray]:
    """Classify every code point with the regexes of `tokens`, and lower-case it as polars."""
    codes = np.arange(0x110000, dtype=np.uint32)
    codes[0xD800:0xE000] = 0x20  # surrogates never occur in UTF-8 text
    chars = pl.Series(codes.view("<U1"))
    space = chars.str.contains(r"^\s$").to_numpy()
    tables = {name: np.zeros(len(codes), dtype=np.uint8) for name in ("auto", "char", "spaces")}
    tables["char"][~space] = _ALONE
    tables["spaces"][~space] = _PART
    tables["auto"][chars.str.contains(f"^{WORD_PATTERN}$").to_numpy()] = _PART
    tables["auto"][chars.str.contains(f"^[{CJK_CLASS}]$").to_numpy()] = _ALONE
    lowered = chars.str.to_lowercase()
    single = (lowered.str.len_chars() == 1).to_numpy()
    first = lowered.to_numpy().astype("<U1").view(np.uint32)
    tables["lower"] = np.where(single, first, codes).astype(np.uint32)
    return tables


def _basis(seed: int) -> int:
    return (_FNV_BASIS ^ (seed * 0x9E3779B97F4A7C15)) & _MASK64


@numba.njit(cache=True, inline="always")
def _decode(data: np.ndarray, i: int) -> tuple[int, int]:
    # One code point of valid UTF-8 (Arrow strings are valid) and the index after it.
    b0 = np.int64(data[i])
    if b0 < 0x80:
        return b0, i + 1
    if b0 < 0xE0:
        return ((b0 & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F), i + 2
    if b0 < 0xF0:
        return (((b0 & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6)
                | (np.int64(data[i + 2]) & 0x3F)), i + 3
    return (((b0 & 0x07) << 18) | ((np.int64(data[i + 1]) & 0x3F) << 12)
            | ((np.int64(data[i + 2]) & 0x3F) << 6) | (np.int64(data[i + 3]) & 0x3F)), i + 4


@numba.njit(cache=True)
def _count_tokens(data, offsets, kind):
    docs = len(offsets) - 1
    counts = np.zeros(docs, dtype=np.int64)
    for d in range(docs):
        i, end, inside, n = offsets[d], offsets[d + 1], False, 0
        while i < end:
            cp, i = _decode(data, i)
            c = kind[cp]
            if c == 1:
                if not inside:
                    n += 1
                    inside = True
            else:
                inside = False
                if c == 2:
                    n += 1
        counts[d] = n
    return counts


@numba.njit(cache=True)
def _hash_tokens(data, offsets, kind, lower, basis, token_offsets):
    out = np.empty(token_offsets[-1], dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    for d in range(len(offsets) - 1):
        i, end, k = offsets[d], offsets[d + 1], token_offsets[d]
        inside, h = False, basis
        while i < end:
            cp, i = _decode(data, i)
            c = kind[cp]
            if c == 1:
                if not inside:
                    h, inside = basis, True
                h = (h ^ np.uint64(lower[cp])) * prime
            else:
                if inside:
                    out[k] = fmix64(h)
                    k += 1
                    inside = False
                if c == 2:
                    out[k] = fmix64((basis ^ np.uint64(lower[cp])) * prime)
                    k += 1
        if inside:
            out[k] = fmix64(h)
    return out


def shingle_hashes(
    texts: pl.Series, ngram: int, tokenization: Tokenization = "auto", seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, offsets) of the `ngram`-token shingles of each text (see `token_hashes`)."""
    return _ngrams(*token_hashes(texts, tokenization, seed), ngram)


def shingle_sets(
    texts: pl.Series, ngram: int, tokenization: Tokenization = "auto", seed: int = 0
) -> pl.Series:
    """Each text's set of shingle hashes, sorted, as a list column (for exact Jaccard)."""
    hashes, offsets = shingle_hashes(texts, ngram, tokenization, seed)
    values, set_offsets = sorted_sets(hashes, offsets)
    return list_series(values, set_offsets)


def list_series(values: np.ndarray, offsets: np.ndarray) -> pl.Series:
    """A polars list column from flat values and offsets, without copying per row."""
    array = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(values))
    return pl.Series(pl.from_arrow(array))


def shingle_hash(token_hashes_of_shingle: Sequence[int]) -> int:
    """The hash of one shingle from its token hashes: the pure-Python definition the compiled
    kernel implements (used by tests to feed datasketch the same hash function)."""
    h = 0
    for t in token_hashes_of_shingle:
        h = _fmix64_py(h ^ ((t + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2)) & _MASK64))
    return h


def shingles_of(tokens_of_text: Sequence[str], ngram: int) -> list[tuple[str, ...]]:
    """The token n-grams of one text in Python (a text shorter than n is one shingle)."""
    return ngrams(tokens_of_text, min(ngram, len(tokens_of_text))) if tokens_of_text else []


def _fmix64_py(h: int) -> int:
    """MurmurHash3's 64-bit finaliser (Appleby, MurmurHash3.cpp, fmix64)."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


@numba.njit(cache=True, inline="always")
def fmix64(h: np.uint64) -> np.uint64:
    """MurmurHash3's 64-bit finaliser: a fast avalanching bijection on 64-bit integers."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@numba.njit(cache=True, inline="always")
def _combine(h: np.uint64, t: np.uint64) -> np.uint64:
    # boost::hash_combine's mixing step, widened to 64 bits and finished with fmix64.
    return fmix64(h ^ (t + np.uint64(0x9E3779B97F4A7C15) + (h << np.uint64(6))
                       + (h >> np.uint64(2))))


@numba.njit(cache=True)
def _ngrams(hashes: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    docs = len(offsets) - 1
    out_offsets = np.zeros(docs + 1, dtype=np.int64)
    for d in range(docs):
        count = offsets[d + 1] - offsets[d]
        out_offsets[d + 1] = out_offsets[d] + (0 if count == 0 else max(count - n + 1, 1))
    out = np.empty(out_offsets[docs], dtype=np.uint64)
    for d in range(docs):
        start, end = offsets[d], offsets[d + 1]
        width = min(n, end - start)
        for i in range(out_offsets[d + 1] - out_offsets[d]):
            h = np.uint64(0)
            for j in range(width):
                h = _combine(h, hashes[start + i + j])
            out[out_offsets[d] + i] = h
    return out, out_offsets


@numba.njit(cache=True)
def sorted_sets(hashes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, offsets): each document's hashes sorted with repeats removed."""
    docs = len(offsets) - 1
    out = np.empty_like(hashes)
    out_offsets = np.zeros(docs + 1, dtype=np.int64)
    k = 0
    for d in range(docs):
        values = np.sort(hashes[offsets[d] : offsets[d + 1]])
        for i in range(len(values)):
            if i == 0 or values[i] != values[i - 1]:
                out[k] = values[i]
                k += 1
        out_offsets[d + 1] = k
    return out[:k].copy(), out_offsets
