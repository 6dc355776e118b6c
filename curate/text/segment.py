"""Word segmentation: jieba for Chinese (its dictionary loaded once per process), the regex
word splitter (`WORD_PATTERN`) for everything else.

jieba is pure Python (about 1-2 MB/s for plain cutting, 0.4 MB/s with part-of-speech tags),
so operators call it only for the rows that need it, and in batches.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
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
    tokenizer, _ = _load()
    return [w for w in tokenizer.cut(text, HMM=hmm) if _WORDLIKE.search(w)]


def segment_zh(texts: Iterable[str], hmm: bool = False) -> list[list[str]]:
    """jieba words of each text (see `jieba_words`)."""
    tokenizer, _ = _load()
    search = _WORDLIKE.search
    return [[w for w in tokenizer.cut(t, HMM=hmm) if search(w)] for t in texts]


def pos_tag_zh(texts: Iterable[str]) -> list[list[tuple[str, str]]]:
    """(word, jieba part-of-speech tag) pairs of each text, whitespace and punctuation
    dropped. Tags follow jieba/ICTCLAS: nr person, ns place, nt organisation, v verb ..."""
    _, posseg = _load()
    search = _WORDLIKE.search
    return [[(p.word, p.flag) for p in posseg.cut(t) if search(p.word)] for t in texts]
