"""Word vectors and the nearest neighbours of words among them (what `augment` replaces and
inserts words with).

`WordVectors` is a vocabulary with unit-length vectors and the one neighbour search, whatever
trained the vectors: the deterministic PPMI-SVD trainer `augment` uses on the corpus in a run
(curate.models.cooccurrence), or a fastText skipgram model (`train_word_vectors`, or any
fastText .bin loaded by `load_word_vectors`).

fastText training reads one line of space-separated tokens per document (Chinese segmented by
jieba beforehand); like the classifiers, it is not bit-reproducible (it needs many Hogwild
threads, see INIT_THREADS), so a pipeline trains it once and keeps the file.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.errors import CurateError
from curate.io.atomic import atomic_write

# fastText initialises its input matrix in blocks of a tenth, one block per training thread
# (DenseMatrix::uniformThread): with one thread nine tenths keep whatever the memory held
# (mostly ~0, now and then NaN: "Encountered NaN" at once in about half the single-thread runs
# on the sample corpus), and even with ten the last (size mod 10) values stay garbage, which
# can blow every vector up. An eleventh thread's block covers that remainder.
INIT_THREADS = 11
NAN_RETRIES = 3
_WORDLIKE = re.compile(r"[^\W\d_]")  # a neighbour must hold a letter (not only digits)
END_OF_LINE = "</s>"  # fastText's token for the end of a line, in every vocabulary
# The file `WordVectors.save` writes: a zip (fixed member dates, so the same vectors give the
# same bytes) of the words, one a line, and their unit vectors as a float32 .npy.
_WORDS_MEMBER = "words.txt"
_VECTORS_MEMBER = "vectors.npy"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_MAGIC = b"PK\x03\x04"
_GRID = float(2**24)  # unit-vector components are compared as multiples of 2^-24


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
    """Words and their unit-length vectors (rows of `unit`, float32; a word without a usable
    vector gets zeros), with the nearest-neighbour search over them."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray, *,
                 normalised: bool = False) -> None:
        """`vectors` holds one row per word; rows are scaled to unit length (in float64,
        then stored as float32) unless `normalised` says they already are, as
        `load_word_vectors` reads them back."""
        self.words: list[str] = list(words)
        vectors = np.asarray(vectors, dtype=np.float32 if normalised else np.float64)
        if vectors.ndim != 2 or vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words, vectors of shape {vectors.shape}")
        if normalised:
            self.unit = vectors
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                norms = np.sqrt(np.sum(vectors * vectors, axis=1, keepdims=True))
                usable = np.isfinite(norms) & (norms > 0)
                self.unit = np.where(usable, vectors / np.where(usable, norms, 1.0),
                                     0.0).astype(np.float32)
        self.index = {w: i for i, w in enumerate(self.words)}
        self._grid: np.ndarray | None = None

    def similarities(self, rows: Sequence[int]) -> np.ndarray:
        """Cosine similarities of the words at `rows` with every word (one row each), on a
        grid of 2^-48: the unit vectors rounded to multiples of 2^-24 are whole numbers whose
        products and sums stay below 2^53, so float64 BLAS computes them exactly, in any
        order and with any thread count. Equal vectors give equal similarities, and the same
        vectors the same neighbours on any machine."""
        if self._grid is None:
            self._grid = np.rint(self.unit.astype(np.float64) * _GRID)
        return (self._grid[list(rows)] @ self._grid.T) / (_GRID * _GRID)

    def neighbours(self, words: Iterable[str], k: int = 5, min_similarity: float = 0.6,
                   chunk: int = 256) -> dict[str, list[str]]:
        """Up to `k` nearest words (cosine similarity at least `min_similarity`, holding a
        letter, not the word itself) of each word in the vocabulary, nearest first; equally
        near words in vocabulary order. Words outside the vocabulary, and words with none,
        are left out."""
        known = sorted({w for w in words if w in self.index})
        found: dict[str, list[str]] = {}
        for start in range(0, len(known), chunk):
            batch = known[start:start + chunk]
            sims = self.similarities([self.index[w] for w in batch])
            for word, row in zip(batch, sims, strict=True):
                top = min(k + 1, len(row))
                # The k + 1 nearest, and every word as near as the last of them (so ties are
                # broken by vocabulary order, not by the partition).
                last = row[np.argpartition(-row, top - 1)[top - 1]]
                best = np.flatnonzero((row >= last) & (row >= min_similarity))
                best = best[np.lexsort((best, -row[best]))][:top]
                near = [self.words[j] for j in best
                        if j != self.index[word] and self.words[j] != END_OF_LINE
                        and _WORDLIKE.search(self.words[j])][:k]
                if near:
                    found[word] = near
        return found

    def save(self, path: str | Path) -> Path:
        """Write the words and unit vectors atomically (the same vectors, the same bytes);
        `load_word_vectors` reads the file back."""
        if any("\n" in w for w in self.words):
            raise ValueError("a word holds a line break: the words file has one a line")
        words = "".join(f"{w}\n" for w in self.words).encode("utf-8")
        array = io.BytesIO()
        np.lib.format.write_array(array, np.ascontiguousarray(self.unit), allow_pickle=False)

        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
                for name, data in ((_WORDS_MEMBER, words), (_VECTORS_MEMBER, array.getvalue())):
                    archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), data)

        return atomic_write(path, write)


class FastTextVectors(WordVectors):
    """The words of a fastText model (skipgram or any other .bin) and their vectors; `save`
    writes the model itself."""

    def __init__(self, model: object) -> None:
        """Read every word's vector out of `model` (a fastText `_FastText`)."""
        self.model = model
        words: list[str] = list(model.get_words())  # type: ignore[attr-defined]
        vectors = np.array([model.get_word_vector(w) for w in words],  # type: ignore[attr-defined]
                           dtype=np.float32).reshape(len(words), -1)
        super().__init__(words, vectors)

    def save(self, path: str | Path) -> Path:
        """Write the model (a fastText .bin) atomically."""
        return atomic_write(
            path, lambda tmp: self.model.save_model(str(tmp)))  # type: ignore[attr-defined]


def train_word_vectors(token_lines: Sequence[str], seed: int = 0,
                       options: VectorOptions | None = None) -> FastTextVectors:
    """A fastText skipgram model of the tokens in `token_lines` (one document per line); not
    reproducible run to run (curate.models.cooccurrence trains deterministic vectors)."""
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
    return FastTextVectors(model)


def load_word_vectors(path: str | Path) -> WordVectors:
    """Load vectors saved by `WordVectors.save`, or any fastText .bin model."""
    path = Path(path)
    if not path.is_file():
        raise CurateError(f"{path}: no such word-vector model file")
    with path.open("rb") as handle:
        magic = handle.read(len(_ZIP_MAGIC))
    if magic == _ZIP_MAGIC:
        return _load_saved(path)
    import fasttext

    try:
        return FastTextVectors(fasttext.load_model(str(path)))
    except ValueError as exc:
        raise CurateError(f"{path}: not a fastText model ({exc})") from exc


def _load_saved(path: Path) -> WordVectors:
    """The words and unit vectors of a file `WordVectors.save` wrote."""
    try:
        with zipfile.ZipFile(path) as archive:
            words = archive.read(_WORDS_MEMBER).decode("utf-8").split("\n")[:-1]
            with archive.open(_VECTORS_MEMBER) as member:
                unit = np.lib.format.read_array(member, allow_pickle=False)
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise CurateError(f"{path}: not a saved word-vector file ({exc})") from exc
    if unit.ndim != 2 or unit.shape[0] != len(words) or unit.dtype != np.float32:
        raise CurateError(f"{path}: not a saved word-vector file ({len(words)} words, "
                          f"vectors of shape {unit.shape} and type {unit.dtype})")
    return WordVectors(words, unit, normalised=True)
