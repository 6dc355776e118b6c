"""Deterministic word vectors: positive PMI of a windowed co-occurrence matrix, reduced by a
seeded truncated SVD (the count-based "PPMI-SVD" model).

Training reads one line of space-separated tokens per document (Chinese segmented by jieba
beforehand), as fastText's skipgram did, but every step is a fixed sequence of arithmetic: no
threads race (fastText needs eleven Hogwild threads, see curate.models.vectors), the one
random matrix comes from the seed, the counts are sums of small whole numbers (exact in any
order), and no BLAS call reaches the vectors (OpenBLAS rounds differently with one thread than
with two): the same lines, options and seed give the same vector bytes, run after run and
whatever the thread settings. (Another CPU or numpy build may round differently; the neighbour
search is exact, so only a last-bit difference in the vectors themselves could show.)

The recipe, and its hyper-parameters, follow Levy, Goldberg & Dagan (2015), "Improving
distributional similarity with lessons learned from word embeddings", TACL 3:211-225:
co-occurrences in a window weighted as word2vec's dynamic window weighs them on average
(`window + 1 - distance`), PMI with the context distribution smoothed by alpha = 0.75
(word2vec's negative-sampling distribution), negative values clipped to 0 (PPMI), and word
vectors U * S^0.5 of the truncated SVD (their "eigenvalue weighting" p = 0.5), compared by
cosine. Like the skipgram it replaces, it gives words that share contexts (same-domain words,
often of the same kind) similar vectors.

Memory is bounded by the vocabulary, not the corpus's length: a count per distinct token, the
`max_vocab` most frequent words, a sparse matrix of their co-occurrences (windowed
`chunk_tokens` at a time and added up), and a few dense (words x (dim + oversample)) float64
matrices for the SVD (50,000 words: 52 MB each).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from curate.models.vectors import WordVectors


@dataclass
class CooccurrenceOptions:
    """PPMI-SVD hyper-parameters (defaults after Levy, Goldberg & Dagan 2015).

    dim: vector size (the SVD's rank); window: words either side that count as a word's
    context; min_count: least occurrences of a word in the vocabulary; max_vocab: most words
    kept (the most frequent); distance_weighted: weigh a context word at distance d by
    window + 1 - d (else 1); alpha: exponent smoothing the context distribution;
    eigen_weight: power of the singular values in the vectors (U * S^eigen_weight);
    oversample and power_iterations: accuracy of the randomised SVD; chunk_tokens: tokens
    windowed at a time."""

    dim: int = 100
    window: int = 5
    min_count: int = 2
    max_vocab: int = 50_000
    distance_weighted: bool = True
    alpha: float = 0.75
    eigen_weight: float = 0.5
    oversample: int = 30
    power_iterations: int = 6
    chunk_tokens: int = 500_000

    def __post_init__(self) -> None:
        for name in ("dim", "window", "min_count", "max_vocab", "chunk_tokens"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.oversample < 0 or self.power_iterations < 0:
            raise ValueError("oversample and power_iterations must be >= 0")
        if not 0.0 < self.alpha <= 1.0:
            raise ValueError(f"alpha must be in (0, 1], got {self.alpha}")


def build_vocabulary(lines: Iterable[str], min_count: int = 2,
                     max_vocab: int = 50_000) -> list[str]:
    """The words of `lines` (space-separated tokens) occurring at least `min_count` times,
    most frequent first, ties in code-point order; at most `max_vocab` of them."""
    counts: Counter[str] = Counter()
    for line in lines:
        counts.update(line.split())
    kept = sorted((item for item in counts.items() if item[1] >= min_count),
                  key=lambda item: (-item[1], item[0]))
    return [word for word, _ in kept[:max_vocab]]


def cooccurrence_matrix(lines: Iterable[str], vocabulary: Sequence[str], window: int = 5,
                        distance_weighted: bool = True,
                        chunk_tokens: int = 500_000) -> sparse.csr_array:
    """The symmetric (words x words) co-occurrence counts of `vocabulary` in `lines`: each
    pair of vocabulary words at most `window` tokens apart in a line adds window + 1 - their
    distance (1 when not `distance_weighted`) to both its cells. Words outside the vocabulary
    keep their places (they are not contexts, but still stand between words). Whole lines
    are windowed about `chunk_tokens` tokens at a time and the chunks' matrices added up."""
    index = {word: i for i, word in enumerate(vocabulary)}
    size = len(vocabulary)
    gap = [-1] * window  # between lines: no window reaches across one
    total = sparse.csr_array((size, size), dtype=np.float64)
    ids: list[int] = []
    for line in lines:
        ids.extend([index.get(token, -1) for token in line.split()])
        ids.extend(gap)
        if len(ids) >= chunk_tokens:
            total = total + _window_counts(ids, size, window, distance_weighted)
            ids = []
    if ids:
        total = total + _window_counts(ids, size, window, distance_weighted)
    symmetric = (total + total.T).tocsr()
    symmetric.sum_duplicates()
    symmetric.sort_indices()
    return symmetric


def _window_counts(ids: list[int], size: int, window: int,
                   distance_weighted: bool) -> sparse.csr_array:
    """Counts of (word, a later word within `window`) in one chunk of token ids (-1: no
    vocabulary word)."""
    tokens = np.asarray(ids, dtype=np.int64)
    rows, cols, weights = [], [], []
    for distance in range(1, min(window, len(tokens) - 1) + 1):
        left, right = tokens[:-distance], tokens[distance:]
        both = (left >= 0) & (right >= 0)
        rows.append(left[both])
        cols.append(right[both])
        weight = window + 1 - distance if distance_weighted else 1
        weights.append(np.full(rows[-1].size, weight, dtype=np.float64))
    if not rows:
        return sparse.csr_array((size, size), dtype=np.float64)
    pairs = sparse.coo_array((np.concatenate(weights),
                              (np.concatenate(rows), np.concatenate(cols))),
                             shape=(size, size))
    return pairs.tocsr()  # sums the duplicates: whole numbers, exact in any order


def ppmi(counts: sparse.csr_array, alpha: float = 0.75) -> sparse.csr_array:
    """Positive pointwise mutual information of a (words x contexts) count matrix, the
    context distribution smoothed by `alpha` (Levy, Goldberg & Dagan 2015):
    max(0, log(#(w,c) * sum_c' #c'^alpha / (#w * #c^alpha)))."""
    counts = sparse.csr_array(counts, dtype=np.float64)
    word = np.asarray(counts.sum(axis=1)).ravel()
    smoothed = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    with np.errstate(divide="ignore"):
        pmi = (np.log(counts.data) - np.log(word[rows]) - np.log(smoothed[counts.indices])
               + np.log(smoothed.sum()))
    positive = sparse.csr_array((np.maximum(pmi, 0.0), counts.indices.copy(),
                                 counts.indptr.copy()), shape=counts.shape)
    positive.eliminate_zeros()
    return positive


def truncated_svd(matrix: sparse.csr_array, rank: int, seed: int = 0, oversample: int = 30,
                  power_iterations: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """The `rank` leading left singular vectors (columns, each with its largest-magnitude
    entry positive) and singular values of `matrix`, by a randomised SVD (Halko, Martinsson &
    Tropp 2011, "Finding structure with randomness", algorithms 4.4 and 5.1): a Gaussian test
    matrix drawn with `seed`, `power_iterations` products with matrix @ matrix.T (each on an
    orthonormal basis of the last), and the eigenvectors of the final basis' small Gram
    matrix. Fewer when the matrix has a lower rank.

    Bit-reproducible whatever the BLAS threads: the sparse products are scipy's sequential
    loops, the dense ones numpy's einsum loops (no BLAS: OpenBLAS gives other last bits with
    one thread than with two), and the small eigenproblems `symmetric_eigen`'s rotations; and
    unlike ARPACK, nothing draws from a generator that lives on across calls."""
    rows, cols = matrix.shape
    rank = min(rank, rows, cols)
    if rank == 0:
        return np.zeros((rows, 0)), np.zeros(0)
    width = min(rank + oversample, rows, cols)
    transposed = matrix.T.tocsr()
    rng = np.random.default_rng(seed & 0xFFFF_FFFF_FFFF_FFFF)
    basis = matrix @ rng.standard_normal((cols, width))
    for _ in range(power_iterations):
        basis = matrix @ (transposed @ _orthonormal(basis))
    basis = _orthonormal(_orthonormal(basis))  # twice: orthogonal to rounding
    projected = transposed @ basis  # (basis.T @ matrix).T
    squares, rotation = symmetric_eigen(_gram(projected))
    order = np.argsort(-squares, kind="stable")[:rank]
    vectors = np.einsum("ij,jk->ik", basis, rotation[:, order], optimize=False)
    columns = np.arange(vectors.shape[1])
    peaks = np.abs(vectors).argmax(axis=0)
    signs = np.where(vectors[peaks, columns] < 0, -1.0, 1.0)
    return vectors * signs, np.sqrt(np.maximum(squares[order], 0.0))


def _gram(tall: np.ndarray) -> np.ndarray:
    """tall.T @ tall, summed in a fixed order (numpy's einsum loops, not BLAS)."""
    return np.einsum("ij,ik->jk", tall, tall, optimize=False)


def _orthonormal(tall: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of `tall`: its left singular vectors, from the
    eigenvectors of its Gram matrix (directions with a negligible singular value dropped).
    Orthogonal up to eps * cond(tall)^2, so well-conditioned input (one power step from an
    orthonormal basis) or a second call."""
    squares, rotation = symmetric_eigen(_gram(tall))
    order = np.argsort(-squares, kind="stable")
    floor = np.finfo(np.float64).eps * len(squares) * max(float(squares.max(initial=0.0)), 0.0)
    keep = order[squares[order] > floor]
    return np.einsum("ij,jk->ik", tall, rotation[:, keep] / np.sqrt(squares[keep]),
                     optimize=False)


def symmetric_eigen(matrix: np.ndarray, max_sweeps: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (unordered) and eigenvectors (columns) of a small symmetric matrix, by
    cyclic Jacobi rotations (Golub & Van Loan, "Matrix Computations", 8.5), each sweep in the
    round-robin order whose rounds rotate disjoint pairs at once.

    Elementwise arithmetic only, in a fixed order: the same bits on any machine, where LAPACK's
    eigh differs in the last bits with the BLAS thread count."""
    a = np.array(matrix, dtype=np.float64)
    size = a.shape[0]
    vectors = np.eye(size)
    tolerance = size * np.finfo(np.float64).eps
    for _ in range(max_sweeps):
        rotated = False
        for p, q in _round_robin(size):
            pq = a[p, q]
            # Rotate only where the pair is not yet negligible: a sweep without a rotation
            # ends the loop (de Rijk's and LAPACK's test, relative accuracy included).
            rotate = np.abs(pq) > tolerance * np.sqrt(np.abs(a[p, p] * a[q, q]))
            if not rotate.any():
                continue
            rotated = True
            with np.errstate(over="ignore"):  # a tiny pq: tau = inf, tangent = 0
                tau = (a[q, q] - a[p, p]) / (2.0 * np.where(rotate, pq, 1.0))
                tangent = np.where(tau >= 0.0, 1.0, -1.0) / (np.abs(tau)
                                                             + np.sqrt(1.0 + tau * tau))
            cos = 1.0 / np.sqrt(1.0 + tangent * tangent)
            sin = np.where(rotate, tangent * cos, 0.0)
            cos = np.where(rotate, cos, 1.0)
            row_p, row_q = a[p, :], a[q, :]
            a[p, :] = cos[:, None] * row_p - sin[:, None] * row_q
            a[q, :] = sin[:, None] * row_p + cos[:, None] * row_q
            for m in (a, vectors):  # columns: a @ J, and the rotations so far
                col_p, col_q = m[:, p], m[:, q]
                m[:, p] = col_p * cos - col_q * sin
                m[:, q] = col_p * sin + col_q * cos
        if not rotated:
            break
    return np.diagonal(a).copy(), vectors


@functools.cache
def _round_robin(size: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The rounds of a round-robin tournament of `size` indices: every pair (p < q) once,
    each round's pairs disjoint."""
    players = list(range(size + size % 2))  # a bye when size is odd
    rounds = []
    for _ in range(len(players) - 1):
        half = len(players) // 2
        pairs = sorted((min(a, b), max(a, b)) for a, b in zip(players[:half],
                                                              players[::-1][:half],
                                                              strict=True)
                       if max(a, b) < size)
        rounds.append((np.array([p for p, _ in pairs], dtype=np.intp),
                       np.array([q for _, q in pairs], dtype=np.intp)))
        players = [players[0], players[-1], *players[1:-1]]
    return tuple(rounds)


def train_cooccurrence_vectors(token_lines: Sequence[str],
                               options: CooccurrenceOptions | None = None,
                               seed: int = 0) -> WordVectors:
    """PPMI-SVD vectors of the words in `token_lines` (one document per line, tokens split
    by spaces); the same lines, options and seed give the same vectors, to the bit."""
    options = options or CooccurrenceOptions()
    vocabulary = build_vocabulary(token_lines, options.min_count, options.max_vocab)
    counts = cooccurrence_matrix(token_lines, vocabulary, options.window,
                                 options.distance_weighted, options.chunk_tokens)
    vectors, values = truncated_svd(ppmi(counts, options.alpha), options.dim, seed,
                                    options.oversample, options.power_iterations)
    return WordVectors(vocabulary, vectors * values ** options.eigen_weight)
