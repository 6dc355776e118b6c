"""Chinese word statistics by jieba's own algorithm, compiled: word, character, alphabetic-word
and stop-word counts of jieba's dictionary-only segmentation (`jieba.cut(text, HMM=False)`,
whitespace and punctuation tokens dropped), without building the word lists.

jieba segments in pure Python (about 1 MB/s). This runs the same steps - blocks of
`re_han_default`, the prefix-dictionary DAG, the maximum-probability route, single Latin
letters and digits glued back together - over jieba's loaded dictionary in a numba kernel,
so the counts are identical to jieba's (tests compare them), several times faster. Without numba
the counts come from jieba itself.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from curate.text.segment import _load, segment_zh

try:  # numba is optional: the pure-jieba path gives the same numbers, slower
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is absent
    njit = None

_H0 = np.uint64(0xCBF29CE484222325)
_P = np.uint64(0x100000001B3)
# Per-character class bits.
_BLOCK = 1  # in jieba's re_han_default: 一-鿕 a-z A-Z 0-9 + # & . _ % -
_ENG = 2  # [a-zA-Z0-9]: single ones are glued into one word
_WORD = 4  # alphanumeric: a token holding one is a word
_ALPHA = 8  # a letter (not a digit): a word holding one is alphabetic
_HAN = 16  # an ideograph in jieba's range: a word holding one is looked up in a lexicon
_LOCK = threading.Lock()
_DICT: Any = None


def _hash(codes: Sequence[int]) -> int:
    h = int(_H0)
    for c in codes:
        h = (h * int(_P) + c) & 0xFFFFFFFFFFFFFFFF
    return h


def _dictionary() -> tuple[np.ndarray, np.ndarray, float]:
    """jieba's prefix dictionary as sorted word hashes and frequencies, and log(total)."""
    global _DICT
    if _DICT is None:
        with _LOCK:
            if _DICT is None:
                tokenizer, _ = _load()
                words = list(tokenizer.FREQ.items())
                joined = np.frombuffer("".join(w for w, _ in words).encode("utf-32-le"),
                                       dtype=np.uint32)
                lengths = np.array([len(w) for w, _ in words], dtype=np.int64)
                hashes = _hash_words(joined.astype(np.uint64), lengths)
                freqs = np.array([f for _, f in words], dtype=np.int64)
                order = np.argsort(hashes, kind="stable")
                _DICT = (hashes[order], freqs[order], math.log(tokenizer.total))
    return _DICT


def _classes(codes: np.ndarray) -> np.ndarray:
    """Class bits of each code point."""
    cls = np.zeros(len(codes), dtype=np.uint8)
    han = (codes >= 0x4E00) & (codes <= 0x9FD5)
    upper = (codes >= 0x41) & (codes <= 0x5A)
    lower = (codes >= 0x61) & (codes <= 0x7A)
    digit = (codes >= 0x30) & (codes <= 0x39)
    symbol = np.isin(codes, np.frombuffer("+#&._%-".encode("utf-32-le"), dtype=np.uint32))
    cls |= np.where(han | upper | lower | digit | symbol, _BLOCK, 0).astype(np.uint8)
    cls |= np.where(upper | lower | digit, _ENG, 0).astype(np.uint8)
    cls |= np.where(han | upper | lower | digit, _WORD, 0).astype(np.uint8)
    cls |= np.where(han | upper | lower, _ALPHA, 0).astype(np.uint8)
    cls |= np.where(han, _HAN, 0).astype(np.uint8)
    # Characters outside the blocks: Python's own notion (str.isalnum / a \w non-digit).
    other = np.unique(codes[(cls & _BLOCK) == 0])
    if len(other):
        chars = [chr(c) for c in other.tolist()]
        word = np.array([c.isalnum() for c in chars], dtype=bool)
        alpha = np.array([c.isalnum() and not c.isdecimal() for c in chars], dtype=bool)
        bits = np.where(word, _WORD, 0) | np.where(alpha, _ALPHA, 0)
        index = np.searchsorted(other, codes)
        outside = (cls & _BLOCK) == 0
        cls[outside] |= bits[index[outside]].astype(np.uint8)
    return cls


def zh_word_counts(
    texts: Iterable[str], stopwords: Iterable[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(words, characters in words, words holding a letter, stop-word occurrences) of each
    text, by jieba's dictionary-only segmentation without whitespace/punctuation tokens."""
    counts, _ = _segment(list(texts), frozenset(stopwords), None)
    return counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3]


class Lexicon:
    """Words with a value each (a Zipf frequency, say), for look-ups during segmentation."""

    def __init__(self, values: dict[str, float]) -> None:
        words = list(values)
        joined = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
        hashes = _hash_words(joined.astype(np.uint64),
                             np.array([len(w) for w in words], dtype=np.int64))
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.values = np.array([values[w] for w in words], dtype=np.float64)[order]
        self.words = values


def zh_word_values(texts: Iterable[str], lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """(sum of the lexicon values of the words holding an ideograph, number of those words)
    of each text, by the same segmentation as `zh_word_counts`; a word the lexicon lacks
    counts with value 0."""
    _, values = _segment(list(texts), frozenset(), lexicon)
    return values[:, 0], values[:, 1].astype(np.int64)


def _segment(texts: list[str], stop: frozenset[str], lexicon: Lexicon | None
             ) -> tuple[np.ndarray, np.ndarray]:
    """Word counts (n x 4) and lexicon sums (n x 2) of each text."""
    if njit is None:
        return _by_jieba(texts, stop, lexicon)
    hashes, freqs, logtotal = _dictionary()
    stop_hashes = np.array(sorted(_hash([ord(c) for c in w]) for w in stop), dtype=np.uint64)
    lex_hashes = lexicon.hashes if lexicon is not None else np.zeros(0, dtype=np.uint64)
    lex_values = lexicon.values if lexicon is not None else np.zeros(0, dtype=np.float64)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    out = np.zeros((len(texts), 4), dtype=np.int64)
    values = np.zeros((len(texts), 2), dtype=np.float64)
    if len(codes):
        _count(codes.astype(np.uint64), _classes(codes), lengths, hashes, freqs, logtotal,
               stop_hashes, lex_hashes, lex_values, out, values)
    return out, values


def _by_jieba(texts: list[str], stop: frozenset[str], lexicon: Lexicon | None
              ) -> tuple[np.ndarray, np.ndarray]:
    import re

    letter = re.compile(r"[^\W\d_]").search
    han = re.compile(r"[\u4e00-\u9fd5]").search
    segmented = segment_zh(texts)
    rows = [(len(ws), sum(map(len, ws)), sum(1 for w in ws if letter(w)),
             sum(1 for w in ws if w in stop)) for ws in segmented]
    out = np.array(rows, dtype=np.int64).reshape(len(texts), 4)
    words = lexicon.words if lexicon is not None else {}
    sums = [[(words.get(w, 0.0), 1.0) for w in ws if han(w)] for ws in segmented]
    values = np.array([[sum(v for v, _ in s), float(len(s))] for s in sums],
                      dtype=np.float64).reshape(len(texts), 2)
    return out, values


def _identity(fn: Any) -> Any:
    return fn


_jit = njit(cache=True, nogil=True) if njit is not None else _identity


@_jit
def _hash_words(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:  # pragma: no cover
    out = np.empty(len(lengths), dtype=np.uint64)
    pos = 0
    for i in range(len(lengths)):
        h = _H0
        for k in range(lengths[i]):
            h = h * _P + codes[pos + k]
        out[i] = h
        pos += lengths[i]
    return out


@_jit
def _find(sorted_hashes: np.ndarray, h: np.uint64) -> int:  # pragma: no cover
    i = np.searchsorted(sorted_hashes, h)
    if i < len(sorted_hashes) and sorted_hashes[i] == h:
        return i
    return -1


@_jit
def _emit(codes: np.ndarray, cls: np.ndarray, s: int, e: int, stop_hashes: np.ndarray,
          lex_hashes: np.ndarray, lex_values: np.ndarray, row: np.ndarray,
          values: np.ndarray) -> None:  # pragma: no cover
    word = False
    alpha = False
    han = False
    h = _H0
    for k in range(s, e):
        word = word or (cls[k] & _WORD) != 0
        alpha = alpha or (cls[k] & _ALPHA) != 0
        han = han or (cls[k] & _HAN) != 0
        h = h * _P + codes[k]
    if not word:
        return
    row[0] += 1
    row[1] += e - s
    if alpha:
        row[2] += 1
    if len(stop_hashes) and _find(stop_hashes, h) >= 0:
        row[3] += 1
    if han and len(lex_hashes):
        pos = _find(lex_hashes, h)
        if pos >= 0:
            values[0] += lex_values[pos]
        values[1] += 1.0


@_jit
def _block(codes: np.ndarray, cls: np.ndarray, start: int, end: int, hashes: np.ndarray,
           freqs: np.ndarray, logtotal: float, stop_hashes: np.ndarray, lex_hashes: np.ndarray,
           lex_values: np.ndarray, row: np.ndarray,
           values: np.ndarray) -> None:  # pragma: no cover
    n = end - start
    route_p = np.empty(n + 1, dtype=np.float64)
    route_x = np.empty(n + 1, dtype=np.int64)
    route_p[n] = 0.0
    route_x[n] = 0
    for idx in range(n - 1, -1, -1):
        best_p = -np.inf
        best_x = -1
        h = _H0
        k = idx
        while k < n:
            h = h * _P + codes[start + k]
            pos = _find(hashes, h)
            if pos < 0:
                break
            f = freqs[pos]
            if f > 0:
                p = math.log(f) - logtotal + route_p[k + 1]
                if p > best_p or (p == best_p and k > best_x):
                    best_p = p
                    best_x = k
            k += 1
        if best_x < 0:  # no dictionary word starts here: the character alone
            pos = _find(hashes, _H0 * _P + codes[start + idx])
            f = freqs[pos] if pos >= 0 else 0
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
        if y - x == 1 and (cls[start + x] & _ENG) != 0:
            buf += 1
        else:
            if buf:
                _emit(codes, cls, start + x - buf, start + x, stop_hashes, lex_hashes,
                      lex_values, row, values)
                buf = 0
            _emit(codes, cls, start + x, start + y, stop_hashes, lex_hashes, lex_values, row,
                  values)
        x = y
    if buf:
        _emit(codes, cls, start + n - buf, start + n, stop_hashes, lex_hashes, lex_values, row,
              values)


@_jit
def _count(codes: np.ndarray, cls: np.ndarray, lengths: np.ndarray, hashes: np.ndarray,
           freqs: np.ndarray, logtotal: float, stop_hashes: np.ndarray, lex_hashes: np.ndarray,
           lex_values: np.ndarray, out: np.ndarray,
           values: np.ndarray) -> None:  # pragma: no cover
    pos = 0
    for d in range(len(lengths)):
        end = pos + lengths[d]
        i = pos
        while i < end:
            if cls[i] & _BLOCK:
                j = i
                while j < end and (cls[j] & _BLOCK) != 0:
                    j += 1
                _block(codes, cls, i, j, hashes, freqs, logtotal, stop_hashes, lex_hashes,
                       lex_values, out[d], values[d])
                i = j
            else:
                _emit(codes, cls, i, i + 1, stop_hashes, lex_hashes, lex_values, out[d],
                      values[d])
                i += 1
        pos = end
