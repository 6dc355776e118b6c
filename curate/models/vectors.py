"""Word vectors: a fastText skipgram model trained on a corpus' own words, and the nearest
neighbours of words in it (what `augment` replaces and inserts words with).

Training reads one line of space-separated tokens per document (Chinese segmented by jieba
beforehand); like the classifiers, it is not bit-reproducible, so a pipeline trains it once
and keeps the file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.errors import CurateError

# fastText initialises its input matrix in blocks of a tenth, one block per training thread
# (DenseMatrix::uniformThread): with one thread nine tenths keep whatever the memory held
# (mostly ~0, now and then NaN: "Encountered NaN" at once in about half the single-thread runs
# on the sample corpus), and even with ten the last (size mod 10) values stay garbage, which
# can blow every vector up. An eleventh thread's block covers that remainder.
INIT_THREADS = 11
NAN_RETRIES = 3
_WORDLIKE = re.compile(r"[^\W\d_]")  # a neighbour must hold a letter (not only digits)
END_OF_LINE = "</s>"  # fastText's token for the end of a line, in every vocabulary


@dataclass
class VectorOptions:
    """Skipgram hyper-parameters: words only (no character n-grams); three epochs (about 15 s
    for the sample corpus' million words here, against 27 s for fastText's five)."""

    dim: int = 50
    epoch: int = 3
    min_count: int = 2
    window: int = 5
    threads: int = INIT_THREADS


class WordVectors:
    """A trained skipgram model: its vocabulary and unit-length vectors."""

    def __init__(self, model: object) -> None:
        self.model = model
        self.words: list[str] = list(model.get_words())  # type: ignore[attr-defined]
        vectors = np.array([model.get_word_vector(w) for w in self.words],  # type: ignore[attr-defined]
                           dtype=np.float32).reshape(len(self.words), -1)
        with np.errstate(over="ignore", invalid="ignore"):
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            usable = np.isfinite(norms) & (norms > 0)
            self.unit = np.where(usable, vectors / np.where(usable, norms, 1.0), 0.0)
        self.index = {w: i for i, w in enumerate(self.words)}

    def neighbours(self, words: Iterable[str], k: int = 5, min_similarity: float = 0.6,
                   chunk: int = 1024) -> dict[str, list[str]]:
        """Up to `k` nearest words (cosine similarity at least `min_similarity`, holding a
        letter, not the word itself) of each word in the vocabulary, nearest first."""
        known = sorted({w for w in words if w in self.index})
        found: dict[str, list[str]] = {}
        for start in range(0, len(known), chunk):
            batch = known[start:start + chunk]
            sims = self.unit[[self.index[w] for w in batch]] @ self.unit.T
            for word, row in zip(batch, sims, strict=True):
                top = min(k + 1, len(row))
                best = np.argpartition(-row, top - 1)[:top]
                best = best[np.lexsort((best, -row[best]))]  # by similarity, ties by index
                near = [self.words[j] for j in best
                        if j != self.index[word] and row[j] >= min_similarity
                        and self.words[j] != END_OF_LINE and _WORDLIKE.search(self.words[j])][:k]
                if near:
                    found[word] = near
        return found

    def save(self, path: str | Path) -> Path:
        """Write the model (a fastText .bin) atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.model.save_model(str(tmp))  # type: ignore[attr-defined]
        os.replace(tmp, path)
        return path


def train_word_vectors(token_lines: Sequence[str], seed: int = 0,
                       options: VectorOptions | None = None) -> WordVectors:
    """A skipgram model of the tokens in `token_lines` (one document per line)."""
    import fasttext

    options = options or VectorOptions()
    with tempfile.TemporaryDirectory(prefix="curate-vec-") as scratch:
        path = Path(scratch) / "corpus.txt"
        path.write_text("".join(line.replace("\n", " ") + "\n" for line in token_lines),
                        encoding="utf-8")
        for attempt in range(NAN_RETRIES + 1):
            try:
                model = fasttext.train_unsupervised(
                    input=str(path), model="skipgram", dim=options.dim, epoch=options.epoch,
                    minCount=options.min_count, ws=options.window, minn=0, maxn=0,
                    thread=max(options.threads, INIT_THREADS), verbose=0)
                break
            except RuntimeError as exc:
                if "NaN" not in str(exc) or attempt == NAN_RETRIES:
                    raise CurateError(f"word-vector training failed ({exc})") from exc
    del seed  # this fastText binding does not take a seed for unsupervised training
    return WordVectors(model)


def load_word_vectors(path: str | Path) -> WordVectors:
    """Load a model saved by `WordVectors.save` (or any fastText .bin)."""
    import fasttext

    path = Path(path)
    if not path.is_file():
        raise CurateError(f"{path}: no such word-vector model file")
    try:
        return WordVectors(fasttext.load_model(str(path)))
    except ValueError as exc:
        raise CurateError(f"{path}: not a fastText model ({exc})") from exc
