"""Chinese word statistics of jieba's dictionary-only segmentation (`jieba.cut(text,
HMM=False)`, whitespace and punctuation tokens dropped): word, character, alphabetic-word and
stop-word counts, and sums of a lexicon's values, counted in a numba kernel over the compiled
cut (`curate.text.zh_cut`) without building word lists. The counts are identical to jieba's
(tests compare them).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from curate.text import zh_cut
from curate.text.zh_cut import ALPHA, H0, HAN, WORD, P, find, jit


def zh_word_counts(
    texts: Iterable[str], stopwords: Iterable[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(words, characters in words, words holding a letter, stop-word occurrences) of each
    text, by jieba's dictionary-only segmentation without whitespace/punctuation tokens."""
    counts, _ = _segment(list(texts), frozenset(stopwords), None)
    return counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3]


class Lexicon:
    """Words with a value each (a Zipf frequency, say), for look-ups during segmentation: the
    words' hashes (`zh_cut.word_hash`), sorted, and their values."""

    def __init__(self, hashes: np.ndarray, values: np.ndarray) -> None:
        self.hashes = hashes
        self.values = values

    @classmethod
    def of(cls, values: dict[str, float]) -> Lexicon:
        """The lexicon of a {word: value} table."""
        words = list(values)
        hashes = zh_cut.word_hashes(words)
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], np.array([values[w] for w in words], dtype=np.float64)[order])

    def table(self) -> pl.DataFrame:
        """The lexicon as a (hash, value) frame (`from_table` reads it back)."""
        return pl.DataFrame({"hash": self.hashes, "value": self.values})

    @classmethod
    def from_table(cls, table: pl.DataFrame) -> Lexicon:
        """The lexicon `table` wrote."""
        return cls(table["hash"].to_numpy(), table["value"].to_numpy())


def zh_word_values(texts: Iterable[str], lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """(sum of the lexicon values of the words holding an ideograph, number of those words)
    of each text, by the same segmentation as `zh_word_counts`; a word the lexicon lacks
    counts with value 0."""
    _, values = _segment(list(texts), frozenset(), lexicon)
    return values[:, 0], values[:, 1].astype(np.int64)


def _segment(texts: list[str], stop: frozenset[str], lexicon: Lexicon | None
             ) -> tuple[np.ndarray, np.ndarray]:
    """Word counts (n x 4) and lexicon sums (n x 2) of each text."""
    stop_hashes = np.array(sorted(zh_cut.word_hash(w) for w in stop), dtype=np.uint64)
    lex_hashes = lexicon.hashes if lexicon is not None else np.zeros(0, dtype=np.uint64)
    lex_values = lexicon.values if lexicon is not None else np.zeros(0, dtype=np.float64)
    out = np.zeros((len(texts), 4), dtype=np.int64)
    values = np.zeros((len(texts), 2), dtype=np.float64)
    done = 0
    for cut in zh_cut.chunks(texts):
        n = len(cut.lengths)
        _count(cut.codes, cut.cls, cut.starts, cut.ends, cut.first, stop_hashes, lex_hashes,
               lex_values, out[done:done + n], values[done:done + n])
        done += n
    return out, values


@jit
def _count(codes: np.ndarray, cls: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           first: np.ndarray, stop_hashes: np.ndarray, lex_hashes: np.ndarray,
           lex_values: np.ndarray, out: np.ndarray,
           values: np.ndarray) -> None:  # pragma: no cover
    for d in range(len(first) - 1):
        row = out[d]
        for t in range(first[d], first[d + 1]):
            s = starts[t]
            e = ends[t]
            word = False
            alpha = False
            han = False
            h = H0
            for k in range(s, e):
                word = word or (cls[k] & WORD) != 0
                alpha = alpha or (cls[k] & ALPHA) != 0
                han = han or (cls[k] & HAN) != 0
                h = h * P + codes[k]
            if not word:
                continue
            row[0] += 1
            row[1] += e - s
            if alpha:
                row[2] += 1
            if len(stop_hashes) and find(stop_hashes, h) >= 0:
                row[3] += 1
            if han and len(lex_hashes):
                pos = find(lex_hashes, h)
                if pos >= 0:
                    values[d, 0] += lex_values[pos]
                values[d, 1] += 1.0
