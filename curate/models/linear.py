"""A deterministic linear text classifier: multinomial logistic regression on hashed word
unigrams and bigrams, fitted with L-BFGS.

fastText trains with Hogwild threads (and must use at least INIT_THREADS of them here), so two
trainings on the same data differ; models a pipeline trains once and keeps as files are fine,
but a model a run trains for itself (the folds of `label_audit`) must come out the same every
time, or the run's output would depend on thread timing. This one does: features are hashed
with a fixed seed, products with the sparse features are scipy's sequential loops, and dot
products avoid BLAS (whose result bits depend on its thread count, and a Ray worker runs with
fewer threads than the driver).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

from curate.errors import CurateError
from curate.io.atomic import atomic_write

HASH_SEED = 0x5EED  # fixed: feature columns must not depend on the pipeline's seed


@dataclass(frozen=True)
class LinearOptions:
    """Features and fitting of a LinearClassifier."""

    buckets: int = 2**18  # hashed feature columns
    bigrams: bool = True
    l2: float = 1e-4  # L2 penalty on the weights, per training example
    max_iter: int = 30  # L-BFGS iterations
    # Also the character n-grams of each token, of 1 .. this many characters (0: none); short
    # texts such as titles gain from them (fastText's minn / maxn).
    char_ngrams: int = 0


FEATURE_CHUNK = 2048  # lines whose tokens are tabled at once (bounds the memory used)
# Texts whose median length is under this many characters (titles, headlines, short answers)
# are short: their models also read each word's character n-grams (SHORT_TEXT_CHAR_NGRAMS).
# Measured: THUCNews sports titles recalled from a mixed reserve, precision 0.86 -> 0.89 (with
# fastText); label_audit on THUCNews titles with 25 % of labels flipped, fastText accuracy after
# curation 0.759 -> 0.781 (bench/efficacy.py). Long documents do not gain (sample corpus).
SHORT_TEXT_CHARS = 64
SHORT_TEXT_CHAR_NGRAMS = 2


def options_for(texts: Sequence[str], base: LinearOptions) -> LinearOptions:
    """`base`, with character n-grams when the texts are short (median under
    SHORT_TEXT_CHARS characters)."""
    lengths = sorted(len(t) for t in texts)
    if lengths and lengths[len(lengths) // 2] < SHORT_TEXT_CHARS:
        return dataclasses.replace(base, char_ngrams=max(base.char_ngrams,
                                                         SHORT_TEXT_CHAR_NGRAMS))
    return base


def hashed_features(lines: Sequence[str], options: LinearOptions) -> sparse.csr_matrix:
    """One row per line of space-separated tokens: sublinear counts (1 + log tf) of hashed
    unigrams (and bigrams), each row scaled to unit length."""
    if len(lines) <= FEATURE_CHUNK:
        return _hashed_chunk(lines, options)
    return sparse.vstack([_hashed_chunk(lines[i:i + FEATURE_CHUNK], options)
                          for i in range(0, len(lines), FEATURE_CHUNK)], format="csr")


def _hashed_chunk(lines: Sequence[str], options: LinearOptions) -> sparse.csr_matrix:
    n = len(lines)
    if n == 0:
        return sparse.csr_matrix((0, options.buckets), dtype=np.float64)
    tokens = (pl.DataFrame({"line": list(lines)})
              .with_row_index("doc")
              .select("doc", pl.col("line").str.split(" ").alias("token"))
              .explode("token")
              .filter(pl.col("token").is_not_null() & (pl.col("token") != "")))
    grams = [tokens.select("doc", pl.col("token").alias("gram"))]
    if options.bigrams:
        following = pl.col("token").shift(-1).over("doc")
        grams.append(tokens.select("doc", (pl.col("token") + " " + following).alias("gram"))
                     .drop_nulls("gram"))
    if options.char_ngrams:
        grams += _char_grams(tokens, options.char_ngrams)
    counts = (pl.concat(grams)
              .select("doc", (pl.col("gram").hash(HASH_SEED) % options.buckets)
                      .cast(pl.Int64).alias("column"))
              .group_by("doc", "column").len()
              .with_columns((1.0 + pl.col("len").cast(pl.Float64).log()).alias("value")))
    matrix = sparse.csr_matrix(
        (counts["value"].to_numpy(), (counts["doc"].to_numpy(), counts["column"].to_numpy())),
        shape=(n, options.buckets))
    matrix.sort_indices()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix


def save_features(x: sparse.csr_matrix, folder: Path) -> Path:
    """Write a `hashed_features` matrix to `folder` (its three arrays as .npy files, which
    `load_features` maps rather than reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"data": x.data, "indices": x.indices, "indptr": x.indptr,
              "shape": np.array(x.shape)}
    for name, array in arrays.items():
        atomic_write(folder / f"{name}.npy", functools.partial(_save_array, array))
    return folder


def _save_array(array: np.ndarray, tmp: Path) -> None:
    with tmp.open("wb") as out:  # a file object: np.save adds no ".npy"
        np.save(out, array)


def load_features(folder: Path) -> sparse.csr_matrix:
    """A matrix `save_features` wrote, its arrays memory-mapped (selected rows are copied)."""
    arrays = [np.load(folder / f"{name}.npy", mmap_mode="r")
              for name in ("data", "indices", "indptr")]
    shape = tuple(int(v) for v in np.load(folder / "shape.npy"))
    return sparse.csr_matrix(tuple(arrays), shape=shape, copy=False)


def _char_grams(tokens: pl.DataFrame, longest: int) -> list[pl.DataFrame]:
    """(doc, gram) frames of the tokens' character n-grams, n = 1 .. longest, marked so that
    no gram equals a word."""
    chars = (tokens.with_row_index("tok")
             .select("doc", "tok", pl.col("token").str.split("").alias("char"))
             .explode("char"))
    out = []
    for n in range(1, longest + 1):
        gram = pl.concat_str([pl.col("char").shift(-k).over("tok") for k in range(n)])
        out.append(chars.select("doc", (pl.lit(f"\x01{n}") + gram).alias("gram"))
                   .drop_nulls("gram"))
    return out


def _dot(a: np.ndarray, b: np.ndarray, scratch: np.ndarray | None = None) -> float:
    """a·b by numpy's own pairwise summation: the same bits whatever BLAS threads exist
    (`scratch`, an array like `a`, saves allocating the products)."""
    return float(np.multiply(a, b, out=scratch).sum())


def lbfgs(objective: Callable[[np.ndarray], tuple[float, np.ndarray]], start: np.ndarray,
          max_iter: int, memory: int = 10) -> np.ndarray:
    """Minimise a smooth function given as (value, gradient) with L-BFGS (Nocedal & Wright,
    Numerical Optimization, algorithm 7.4) and a backtracking Armijo line search.

    Plain numpy, so it costs little per step on a million parameters (scipy's L-BFGS-B spends
    most of its time in bound handling there) and is reproducible. The two-loop recursion
    works in place on two scratch vectors: the same operations in the same order, without a
    fresh million-element array per step."""
    x = start
    loss, grad = objective(x)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []  # (s, y, 1 / y.s)
    direction, scratch = np.empty_like(x), np.empty_like(x)

    def dot(a: np.ndarray, b: np.ndarray) -> float:
        return _dot(a, b, scratch)

    for _ in range(max_iter):
        np.negative(grad, out=direction)
        coefficients = []
        for s, y, rho in reversed(steps):
            a = rho * dot(s, direction)
            direction -= np.multiply(a, y, out=scratch)
            coefficients.append(a)
        if steps:
            s, y, _ = steps[-1]
            direction *= dot(s, y) / dot(y, y)
        for (s, y, rho), a in zip(steps, reversed(coefficients), strict=True):
            direction += np.multiply(a - rho * dot(y, direction), s, out=scratch)
        slope = dot(grad, direction)
        if slope >= 0:  # not a descent direction: start the memory afresh
            steps.clear()
            np.negative(grad, out=direction)
            slope = -dot(grad, grad)
        step = 1.0
        while True:
            trial = x + np.multiply(step, direction, out=scratch)
            trial_loss, trial_grad = objective(trial)
            if trial_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = trial - x, trial_grad - grad
        sy = dot(s, y)
        if sy > 1e-12:
            steps.append((s, y, 1.0 / sy))
            del steps[:-memory]
        x, loss, grad = trial, trial_loss, trial_grad
        if max(float(grad.max()), -float(grad.min())) < 1e-7:
            break
    return x


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


class LinearClassifier:
    """Multinomial logistic regression over hashed n-grams (see module docstring)."""

    def __init__(self, labels: list[str], weights: np.ndarray, bias: np.ndarray,
                 options: LinearOptions) -> None:
        self.labels = labels
        self.weights = weights
        self.bias = bias
        self.options = options

    @classmethod
    def train_lines(cls, lines: Sequence[str], labels: Sequence[str],
                    options: LinearOptions | None = None) -> LinearClassifier:
        """Fit on token lines and their labels; the same data always gives the same model."""
        options = options or LinearOptions()
        return cls.train_features(hashed_features(lines, options), labels, options)

    @classmethod
    def train_features(cls, x: sparse.csr_matrix, labels: Sequence[str],
                       options: LinearOptions) -> LinearClassifier:
        """Fit on rows of `hashed_features` (made with `options`) and their labels: a row's
        features do not depend on the other rows, so callers training several models on
        overlapping rows hash each line once and pass row selections."""
        names = sorted(set(labels))
        if len(names) < 2:
            raise CurateError(f"a classifier needs two labels at least, got {len(names)}")
        # x.T as its own CSR matrix: the same sums in the same order as x.T @ r over x's CSC
        # view, written row by row instead of scattered over the gradient.
        xt = x.T.tocsr()
        index = {name: i for i, name in enumerate(names)}
        y = np.array([index[label] for label in labels])
        n, classes = x.shape[0], len(names)
        onehot = np.zeros((n, classes))
        onehot[np.arange(n), y] = 1.0
        size = options.buckets * classes

        def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = flat[:size].reshape(options.buckets, classes), flat[size:]
            scores = x @ w + b
            top = scores.max(axis=1, keepdims=True)
            log_norm = top.ravel() + np.log(np.exp(scores - top).sum(axis=1))
            loss = (log_norm - scores[np.arange(n), y]).mean()
            loss += 0.5 * options.l2 * _dot(flat[:size], flat[:size])
            residual = (_softmax(scores) - onehot) / n
            grad_w = np.asarray(xt @ residual) + options.l2 * w
            return loss, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

        flat = lbfgs(loss_and_gradient, np.zeros(size + classes), options.max_iter)
        return cls(names, flat[:size].reshape(options.buckets, classes).astype(np.float32),
                   flat[size:].astype(np.float32), options)

    def predict_proba_lines(self, lines: Sequence[str]) -> np.ndarray:
        """Class probabilities of token lines, columns in `labels` order."""
        if not lines:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.predict_proba_features(hashed_features(lines, self.options))

    def predict_proba_features(self, x: sparse.csr_matrix) -> np.ndarray:
        """Class probabilities of rows of `hashed_features` made with this model's options."""
        if x.shape[0] == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return _softmax(np.asarray(x @ self.weights.astype(np.float64)) + self.bias)

    def save(self, path: str | Path) -> Path:
        """Write the model as .npz (no pickle), atomically."""
        o = self.options

        def write(tmp: Path) -> None:
            with tmp.open("wb") as out:  # a file object: np.savez adds no ".npz"
                np.savez(out, weights=self.weights, bias=self.bias,
                         labels=np.array(self.labels),
                         options=np.array([o.buckets, int(o.bigrams), o.l2, o.max_iter,
                                           o.char_ngrams]))

        return atomic_write(path, write)

    @classmethod
    def load(cls, path: str | Path) -> LinearClassifier:
        """Load a model written by `save`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                buckets, bigrams, l2, max_iter, *rest = data["options"].tolist()
                options = LinearOptions(int(buckets), bool(bigrams), float(l2), int(max_iter),
                                        int(rest[0]) if rest else 0)
                return cls([str(v) for v in data["labels"]], data["weights"], data["bias"],
                           options)
        except (OSError, KeyError, ValueError) as exc:
            raise CurateError(f"{path}: not a linear classifier file ({exc})") from exc
