"""Word segmentation: jieba for Chinese (its dictionary loaded once per process), the regex
word splitter (`WORD_PATTERN`) for everything else.

jieba is pure Python (about 1-2 MB/s for plain cutting, 0.4 MB/s with part-of-speech tags),
so its dictionary-only cut, the one every model stage reads Chinese by, runs compiled
(`curate.text.zh_cut`, the same tokens); the HMM and the tagger stay jieba's own.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

_LOCK = threading.Lock()
_JIEBA: Any = None
_POSSEG: Any = None

# A jieba token that is a word (not whitespace or punctuation): it holds a letter or digit.
_WORDLIKE = re.compile(r"[^\W_]")


def _load() -> tuple[Any, Any]:
    """jieba's default tokenizer and POS tagger, initialised once in this process."""
    global _JIEBA, _POSSEG
    if _JIEBA is None:
        with _LOCK:
            if _JIEBA is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                jieba.dt.initialize()
                _POSSEG = jieba.posseg.dt
                _JIEBA = jieba.dt
    return _JIEBA, _POSSEG


def jieba_words(text: str, hmm: bool = False) -> list[str]:
    """The words of a Chinese text by jieba, without whitespace and punctuation tokens.

    `hmm=False` (jieba's dictionary-only mode) is faster and enough for counting words; the
    HMM guesses unknown words (names) and is what the `segment` annotator uses.
    """
    return segment_zh([text], hmm)[0]


def segment_zh(texts: Iterable[str], hmm: bool = False) -> list[list[str]]:
    """jieba words of each text (see `jieba_words`)."""
    if not hmm:  # the compiled cut; a word never holds a space: split the joined lines
        return [line.split(" ") if line else [] for line in words_lines_zh(list(texts))]
    tokenizer, _ = _load()
    search = _WORDLIKE.search
    return [[w for w in tokenizer.cut(t, HMM=hmm) if search(w)] for t in texts]


def words_lines_zh(texts: Sequence[str]) -> list[str]:
    """The jieba words of each text (dictionary-only, see `jieba_words`) joined by spaces."""
    from curate.text import zh_cut

    return zh_cut.words_lines(texts)


def pos_tag_zh(texts: Iterable[str]) -> list[list[tuple[str, str]]]:
    """(word, jieba part-of-speech tag) pairs of each text, whitespace and punctuation
    dropped. Tags follow jieba/ICTCLAS: nr person, ns place, nt organisation, v verb ..."""
    _, posseg = _load()
    search = _WORDLIKE.search
    return [[(p.word, p.flag) for p in posseg.cut(t) if search(p.word)] for t in texts]


def token_bounds(text: str) -> set[int]:
    """Where jieba's dictionary-only tokens of `text` start and end (character offsets)."""
    from curate.text import zh_cut

    cut = zh_cut.Cut([text])
    return {*cut.starts[:cut.first[-1]].tolist(), *cut.ends[:cut.first[-1]].tolist()}


def whole_word_matches(texts: list[str], words: list[str], whole_below: int = 3
                       ) -> list[list[str]]:
    """The occurrences of `words` in each (lower-case) text, in text order, longest word first
    where two start at one place. A word of at least `whole_below` characters counts wherever
    it occurs; a shorter one only where jieba's segmentation starts and ends a word there: a
    two-character Chinese word is too often the edge of two others (性药 in 抗菌性药物)."""
    import polars as pl

    if not texts or not words:
        return [[] for _ in texts]
    candidates = pl.Series(texts, dtype=pl.String).str.extract_many(words).to_list()
    out: list[list[str]] = []
    for text, found in zip(texts, candidates, strict=True):
        if not found:
            out.append([])
            continue
        pattern = re.compile("|".join(re.escape(w) for w in sorted(set(found), key=len,
                                                                     reverse=True)))
        bounds: set[int] | None = None
        kept = []
        for match in pattern.finditer(text):
            if len(match.group()) < whole_below:
                if bounds is None:
                    bounds = token_bounds(text)
                if match.start() not in bounds or match.end() not in bounds:
                    continue
            kept.append(match.group())
        out.append(kept)
    return out
