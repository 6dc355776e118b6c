"""Where `augment` finds near neighbours of words: a synonym file, a saved word-vector model,
or word vectors trained on the corpus itself during the run (PPMI-SVD, deterministic: the same
texts and seed give the same neighbours, so the same augmented rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from curate.errors import CurateError
from curate.models.cooccurrence import CooccurrenceOptions, train_cooccurrence_vectors
from curate.models.vectors import VectorOptions, WordVectors
from curate.text import WORD_PATTERN, has_han, segment_zh, stopwords

Neighbours = dict[str, list[str]]


def read_synonyms(path: Path) -> Neighbours:
    """A synonym file: one line per word, `WORD SYN1 SYN2 ...` (tabs or spaces; `#` starts a
    comment line). Words are matched lower-cased."""
    if not path.is_file():
        raise CurateError(f"{path}: no such synonym file")
    table: Neighbours = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#"):
            table.setdefault(parts[0].lower(), []).extend(p for p in parts[1:]
                                                          if p.lower() != parts[0].lower())
    return {w: list(dict.fromkeys(s)) for w, s in table.items() if s}


def token_lines(texts: Sequence[str]) -> list[str]:
    """Each text as one line of lower-cased words (jieba for Chinese), for word-vector
    training."""
    chinese = pl.DataFrame({"t": list(texts)}, schema={"t": pl.String}).select(
        has_han(pl.col("t")))["t"].to_list()
    lines = [""] * len(texts)
    zh = [i for i, c in enumerate(chinese) if c]
    for i, words in zip(zh, segment_zh(texts[i] for i in zh), strict=True):
        lines[i] = " ".join(words).lower()
    other = [i for i, c in enumerate(chinese) if not c]
    if other:
        joined = (pl.Series([texts[i] for i in other]).str.to_lowercase()
                  .str.extract_all(WORD_PATTERN).list.join(" ").to_list())
        for i, line in zip(other, joined, strict=True):
            lines[i] = line or ""
    return lines


def corpus_vectors(texts: Sequence[str],
                   options: CooccurrenceOptions | VectorOptions | None = None, seed: int = 0,
                   save_to: Path | None = None) -> WordVectors:
    """PPMI-SVD word vectors of `texts` (kept at `save_to`, a file `vectors = ...` can name).
    Skipgram `VectorOptions` are still taken: their window and min_count carry over, the rest
    (dimension, epochs, threads) is the skipgram's own."""
    if isinstance(options, VectorOptions):
        options = CooccurrenceOptions(window=options.window, min_count=options.min_count)
    vectors = train_cooccurrence_vectors(token_lines(texts), options, seed)
    if save_to is not None:
        vectors.save(save_to)
    return vectors


def corpus_neighbours(texts: Sequence[str], words: Iterable[str], k: int,
                      min_similarity: float,
                      options: CooccurrenceOptions | VectorOptions | None = None, seed: int = 0,
                      save_to: Path | None = None) -> Neighbours:
    """Neighbours of `words` in the `corpus_vectors` of `texts`."""
    return corpus_vectors(texts, options, seed, save_to).neighbours(words, k, min_similarity)


def stop_words() -> frozenset[str]:
    """Words never replaced: the Chinese and English stopword lists."""
    return stopwords("zh") | stopwords("en")
