"""jieba's dictionary-only segmentation (`jieba.cut(text, HMM=False)`), compiled.

jieba segments in pure Python (about 1 MB/s), and every model stage reads Chinese as jieba
words. This runs jieba's own steps - blocks of `re_han_default`, the prefix-dictionary DAG,
the maximum-probability route, single Latin letters and digits glued back together, any
other character alone - over jieba's dictionary in a numba kernel, so the tokens are
jieba's (tests compare them on real and generated text) at tens of MB/s.

A token is a span of the text; `Cut` holds every token of a chunk of texts, `words_lines`
the words (tokens holding a letter or digit) of each text joined by single spaces.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numba
import numpy as np
import polars as pl

from curate.io.cache import cached_table, package_key
from curate.text.segment import _load

H0 = np.uint64(0xCBF29CE484222325)
P = np.uint64(0x100000001B3)
FIB = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: spreads hashes over the table
# Per-character class bits.
BLOCK = 1  # in jieba's re_han_default: 一-鿕 a-z A-Z 0-9 + # & . _ % -
ENG = 2  # [a-zA-Z0-9]: single ones are glued into one word
WORD = 4  # alphanumeric: a token holding one is a word
ALPHA = 8  # a letter (not a digit): a word holding one is alphabetic
HAN = 16  # an ideograph in jieba's range: a word holding one is looked up in a lexicon
# Texts are cut in chunks of about this many characters (the token arrays hold 8 bytes per
# character of a chunk).
CHUNK_CHARS = 1 << 22
_LOCK = threading.Lock()
_DICT: Any = None


def word_hash(word: str) -> int:
    """The 64-bit hash the kernels look words up by (FNV-style over code points)."""
    h = int(H0)
    for c in word:
        h = (h * int(P) + ord(c)) & 0xFFFFFFFFFFFFFFFF
    return h


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """`word_hash` of each word, as an array."""
    joined = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    return _hash_words(joined.astype(np.uint64), np.array([len(w) for w in words],
                                                          dtype=np.int64))


def dictionary() -> tuple[np.ndarray, np.ndarray, np.uint64, float]:
    """jieba's prefix dictionary as an open-addressing table of word hashes (`keys`) and
    frequencies (`freqs`; 0 for a prefix that is no word, -1 for an empty slot), the shift
    that maps a hash to its slot (64 - log2 of the table's size), and log(total). Built
    from jieba once per machine (`curate.io.cache`), then loaded without jieba. A look-up
    (`lookup`) is a probe or two where a binary search took twenty."""
    global _DICT
    if _DICT is None:
        with _LOCK:
            if _DICT is None:
                table = cached_table("jieba-dictionary", package_key("jieba", "zh_cut-1"),
                                     _dictionary_table)
                hashes, freqs = table["hash"].to_numpy(), table["freq"].to_numpy()
                bits = max(4, int(2 * len(hashes) - 1).bit_length())  # at most half full
                keys = np.zeros(1 << bits, dtype=np.uint64)
                slots = np.full(1 << bits, -1, dtype=np.int64)
                shift = np.uint64(64 - bits)
                _fill(hashes, freqs, keys, slots, shift)
                _DICT = (keys, slots, shift, math.log(int(table["total"][0])))
    return _DICT


def _dictionary_table() -> pl.DataFrame:
    tokenizer, _ = _load()
    words = list(tokenizer.FREQ.items())
    hashes = word_hashes([w for w, _ in words])
    order = np.argsort(hashes, kind="stable")
    return pl.DataFrame({"hash": hashes[order],
                         "freq": np.array([f for _, f in words], dtype=np.int64)[order]}
                        ).with_columns(pl.lit(tokenizer.total, dtype=pl.Int64).alias("total"))


def classes(codes: np.ndarray) -> np.ndarray:
    """Class bits of each code point."""
    cls = np.zeros(len(codes), dtype=np.uint8)
    han = (codes >= 0x4E00) & (codes <= 0x9FD5)
    upper = (codes >= 0x41) & (codes <= 0x5A)
    lower = (codes >= 0x61) & (codes <= 0x7A)
    digit = (codes >= 0x30) & (codes <= 0x39)
    symbol = np.isin(codes, np.frombuffer("+#&._%-".encode("utf-32-le"), dtype=np.uint32))
    cls |= np.where(han | upper | lower | digit | symbol, BLOCK, 0).astype(np.uint8)
    cls |= np.where(upper | lower | digit, ENG, 0).astype(np.uint8)
    cls |= np.where(han | upper | lower | digit, WORD, 0).astype(np.uint8)
    cls |= np.where(han | upper | lower, ALPHA, 0).astype(np.uint8)
    cls |= np.where(han, HAN, 0).astype(np.uint8)
    # Characters outside the blocks: Python's own notion (str.isalnum / a \w non-digit), as
    # the `[^\W_]` test of a word token.
    other = np.unique(codes[(cls & BLOCK) == 0])
    if len(other):
        chars = [chr(c) for c in other.tolist()]
        word = np.array([c.isalnum() for c in chars], dtype=bool)
        alpha = np.array([c.isalnum() and not c.isdecimal() for c in chars], dtype=bool)
        bits = np.where(word, WORD, 0) | np.where(alpha, ALPHA, 0)
        index = np.searchsorted(other, codes)
        outside = (cls & BLOCK) == 0
        cls[outside] |= bits[index[outside]].astype(np.uint8)
    return cls


class Cut:
    """The tokens of a chunk of texts: the texts' code points and classes, and per text its
    tokens as [start, end) offsets into `codes` (`starts[first[d]:first[d + 1]]`)."""

    def __init__(self, texts: Sequence[str]) -> None:
        keys, freqs, shift, logtotal = dictionary()
        self.lengths = np.array([len(t) for t in texts], dtype=np.int64)
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        self.codes = codes.astype(np.uint64)
        self.cls = classes(codes)
        self.starts = np.empty(len(codes), dtype=np.int64)
        self.ends = np.empty(len(codes), dtype=np.int64)
        self.first = np.zeros(len(texts) + 1, dtype=np.int64)
        if len(codes):
            _cut(self.codes, self.cls, self.lengths, keys, freqs, shift, logtotal, self.starts,
                 self.ends, self.first)


def chunks(texts: Sequence[str], chars: int | None = None) -> Iterator[Cut]:
    """`Cut`s of consecutive runs of `texts` of about `chars` (CHUNK_CHARS) characters each."""
    chars = chars or CHUNK_CHARS
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= chars:
            yield Cut(texts[start:i + 1])
            start, size = i + 1, 0
    if start < len(texts) or not texts:
        yield Cut(texts[start:])


def words_lines(texts: Sequence[str]) -> list[str]:
    """The words of each text (jieba's dictionary-only tokens holding a letter or digit)
    joined by single spaces: `" ".join(jieba_words(text))`, compiled."""
    lines: list[str] = []
    for cut in chunks(texts):
        out = np.empty(2 * len(cut.codes), dtype=np.uint32)
        ends = np.zeros(len(cut.lengths), dtype=np.int64)
        _join_words(cut.codes, cut.cls, cut.starts, cut.ends, cut.first, out, ends)
        joined = out[:ends[-1] if len(ends) else 0].tobytes().decode("utf-32-le")
        begin = 0
        for end in ends.tolist():
            lines.append(joined[begin:end])
            begin = end
    return lines


jit = numba.njit(cache=True, nogil=True)


@jit
def _hash_words(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:  # pragma: no cover
    out = np.empty(len(lengths), dtype=np.uint64)
    pos = 0
    for i in range(len(lengths)):
        h = H0
        for k in range(lengths[i]):
            h = h * P + codes[pos + k]
        out[i] = h
        pos += lengths[i]
    return out


@jit
def find(sorted_hashes: np.ndarray, h: np.uint64) -> int:  # pragma: no cover
    """The index of `h` in `sorted_hashes`, or -1."""
    i = np.searchsorted(sorted_hashes, h)
    if i < len(sorted_hashes) and sorted_hashes[i] == h:
        return i
    return -1


@jit
def _fill(hashes: np.ndarray, freqs: np.ndarray, keys: np.ndarray, slots: np.ndarray,
          shift: np.uint64) -> None:  # pragma: no cover
    mask = len(keys) - 1
    for i in range(len(hashes)):
        s = np.int64((hashes[i] * FIB) >> shift)
        while slots[s] != -1:
            s = (s + 1) & mask
        keys[s] = hashes[i]
        slots[s] = freqs[i]


@jit
def lookup(keys: np.ndarray, freqs: np.ndarray, shift: np.uint64,
           h: np.uint64) -> int:  # pragma: no cover
    """The frequency stored for hash `h` in a `dictionary()` table (`shift`: 64 - log2 of its
    size), or -1."""
    mask = len(keys) - 1
    s = np.int64((h * FIB) >> shift)
    while True:
        f = freqs[s]
        if f == -1 or keys[s] == h:
            return f
        s = (s + 1) & mask


@jit
def _block(codes: np.ndarray, cls: np.ndarray, start: int, end: int, keys: np.ndarray,
           freqs: np.ndarray, shift: np.uint64, logtotal: float, starts: np.ndarray,
           ends: np.ndarray, t: int) -> int:  # pragma: no cover
    """jieba's __cut_DAG_NO_HMM over codes[start:end]: tokens written from index t; returns
    the next free index."""
    n = end - start
    route_p = np.empty(n + 1, dtype=np.float64)
    route_x = np.empty(n + 1, dtype=np.int64)
    route_p[n] = 0.0
    route_x[n] = 0
    for idx in range(n - 1, -1, -1):
        best_p = -np.inf
        best_x = -1
        h = H0
        k = idx
        while k < n:
            h = h * P + codes[start + k]
            f = lookup(keys, freqs, shift, h)
            if f < 0:
                break
            if f > 0:
                p = math.log(f) - logtotal + route_p[k + 1]
                if p > best_p or (p == best_p and k > best_x):
                    best_p = p
                    best_x = k
            k += 1
        if best_x < 0:  # no dictionary word starts here: the character alone
            f = lookup(keys, freqs, shift, H0 * P + codes[start + idx])
            if f <= 0:
                f = 1
            best_p = math.log(f) - logtotal + route_p[idx + 1]
            best_x = idx
        route_p[idx] = best_p
        route_x[idx] = best_x
    x = 0
    buf = 0
    while x < n:
        y = route_x[x] + 1
        if y - x == 1 and (cls[start + x] & ENG) != 0:
            buf += 1
        else:
            if buf:
                starts[t] = start + x - buf
                ends[t] = start + x
                t += 1
                buf = 0
            starts[t] = start + x
            ends[t] = start + y
            t += 1
        x = y
    if buf:
        starts[t] = start + n - buf
        ends[t] = start + n
        t += 1
    return t


@jit
def _cut(codes: np.ndarray, cls: np.ndarray, lengths: np.ndarray, keys: np.ndarray,
         freqs: np.ndarray, shift: np.uint64, logtotal: float, starts: np.ndarray,
         ends: np.ndarray, first: np.ndarray) -> None:  # pragma: no cover
    pos = 0
    t = 0
    for d in range(len(lengths)):
        first[d] = t
        end = pos + lengths[d]
        i = pos
        while i < end:
            if cls[i] & BLOCK:
                j = i
                while j < end and (cls[j] & BLOCK) != 0:
                    j += 1
                t = _block(codes, cls, i, j, keys, freqs, shift, logtotal, starts, ends, t)
                i = j
            else:
                starts[t] = i
                ends[t] = i + 1
                t += 1
                i += 1
        pos = end
    first[len(lengths)] = t


@jit
def is_word(cls: np.ndarray, s: int, e: int) -> bool:  # pragma: no cover
    """Whether the token [s, e) holds a letter or digit."""
    for k in range(s, e):  # noqa: SIM110 - a loop numba compiles, not a generator
        if cls[k] & WORD:
            return True
    return False


@jit
def _join_words(codes: np.ndarray, cls: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                first: np.ndarray, out: np.ndarray,
                line_ends: np.ndarray) -> None:  # pragma: no cover
    o = 0
    for d in range(len(first) - 1):
        begin = o
        for t in range(first[d], first[d + 1]):
            s = starts[t]
            e = ends[t]
            if not is_word(cls, s, e):
                continue
            if o > begin:
                out[o] = 32
                o += 1
            for k in range(s, e):
                out[o] = codes[k]
                o += 1
        line_ends[d] = o
