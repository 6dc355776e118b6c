"""Deterministic PPMI-SVD word vectors: vocabulary, co-occurrence counts, PPMI, the SVD, the
neighbours they give, and the same bytes run after run and whatever the BLAS threads."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from curate.models.cooccurrence import (
    CooccurrenceOptions,
    build_vocabulary,
    cooccurrence_matrix,
    ppmi,
    symmetric_eigen,
    train_cooccurrence_vectors,
    truncated_svd,
)
from curate.models.vectors import WordVectors, load_word_vectors

ROOT = Path(__file__).resolve().parents[2]
# Two pets and two assets, each pair seen in the same frames and never in the other's.
FRAMES = {"pet": ["my {} sleeps on the sofa", "the {} eats fish at home",
                  "we took the {} to the vet"],
          "asset": ["the {} price fell sharply", "traders sold the {} today",
                    "the {} market opened higher"]}
FILLERS = {"pet": ["cat", "dog"], "asset": ["stock", "bond"]}


def frame_lines(repeat: int = 20) -> list[str]:
    return [frame.format(word) for _ in range(repeat) for kind, frames in FRAMES.items()
            for frame in frames for word in FILLERS[kind]]


def topic_lines(count: int = 3000, seed: int = 0) -> list[str]:
    """Lines of 12 words, each line from one of 8 topics of 60 words (plus shared words)."""
    rng = random.Random(seed)
    topics = [[f"t{t}w{i}" for i in range(60)] for t in range(8)]
    shared = [f"s{i}" for i in range(40)]
    return [" ".join(rng.choice(topics[n % 8] if rng.random() < 0.8 else shared)
                     for _ in range(12)) for n in range(count)]


def test_words_in_the_same_contexts_are_nearest() -> None:
    vectors = train_cooccurrence_vectors(frame_lines())
    near = vectors.neighbours(["cat", "stock", "unseen"], k=1, min_similarity=0.0)
    assert near == {"cat": ["dog"], "stock": ["bond"]}
    sims = vectors.similarities([vectors.index["cat"]])[0]
    assert sims[vectors.index["dog"]] > 0.9 > sims[vectors.index["stock"]]


def test_topic_neighbours_stay_in_their_topic() -> None:
    vectors = train_cooccurrence_vectors(topic_lines(), CooccurrenceOptions(dim=32))
    near = vectors.neighbours([f"t{t}w0" for t in range(8)], k=5, min_similarity=0.0)
    assert len(near) == 8
    for word, words in near.items():
        topic = word.split("w")[0]
        assert all(w.startswith(f"{topic}w") for w in words), (word, words)


def test_training_twice_gives_the_same_bytes() -> None:
    lines = topic_lines(1500)
    first = train_cooccurrence_vectors(lines, CooccurrenceOptions(dim=24), seed=3)
    second = train_cooccurrence_vectors(lines, CooccurrenceOptions(dim=24), seed=3)
    assert first.words == second.words
    assert first.unit.tobytes() == second.unit.tobytes()
    chunked = train_cooccurrence_vectors(lines, CooccurrenceOptions(dim=24, chunk_tokens=1000),
                                         seed=3)
    assert chunked.unit.tobytes() == first.unit.tobytes()  # chunks add up to the same counts
    other_seed = train_cooccurrence_vectors(lines, CooccurrenceOptions(dim=24), seed=4)
    assert other_seed.unit.tobytes() != first.unit.tobytes()


TRAIN_AND_HASH = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.models.test_cooccurrence import topic_lines
from curate.models.cooccurrence import CooccurrenceOptions, train_cooccurrence_vectors
vectors = train_cooccurrence_vectors(topic_lines(2000), CooccurrenceOptions(dim=48))
near = vectors.neighbours(vectors.words, k=5, min_similarity=0.2)
print(hashlib.sha256(vectors.unit.tobytes() + repr(sorted(near.items())).encode()).hexdigest())
"""


def test_vectors_and_neighbours_do_not_depend_on_blas_threads() -> None:
    """OpenBLAS gives other last bits with one thread than with two; no BLAS result reaches
    the vectors, and the neighbour search's products are exact."""
    digests = set()
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads}
        done = subprocess.run([sys.executable, "-c", TRAIN_AND_HASH.format(root=str(ROOT))],
                              env=env, capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_vocabulary_by_count_then_word_with_min_count_and_cap() -> None:
    lines = ["b a c b", "a d b e", "c a e"]  # a: 3, b: 3, c: 2, e: 2, d: 1
    assert build_vocabulary(lines, min_count=1) == ["a", "b", "c", "e", "d"]
    assert build_vocabulary(lines, min_count=2) == ["a", "b", "c", "e"]
    assert build_vocabulary(lines, min_count=1, max_vocab=3) == ["a", "b", "c"]
    capped = train_cooccurrence_vectors(lines * 5, CooccurrenceOptions(min_count=1, max_vocab=3))
    assert capped.words == ["a", "b", "c"]
    assert capped.unit.shape[0] == 3


def test_counts_are_symmetric_weighted_by_distance_and_stay_in_their_line() -> None:
    counts = cooccurrence_matrix(["a b c", "c a"], ["a", "b", "c"], window=2).toarray()
    # a-b at distance 1 (weight 2), a-c at 2 (weight 1) and at 1 in the second line (2).
    assert counts.tolist() == [[0, 2, 3], [2, 0, 2], [3, 2, 0]]
    assert cooccurrence_matrix(["a b", "c"], ["a", "b", "c"], window=5).toarray()[1, 2] == 0
    flat = cooccurrence_matrix(["a b c"], ["a", "b", "c"], window=2, distance_weighted=False)
    assert flat.toarray().tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def test_words_outside_the_vocabulary_keep_their_place_and_chunks_add_up() -> None:
    assert cooccurrence_matrix(["a x b"], ["a", "b"], window=1).nnz == 0
    assert cooccurrence_matrix(["a x b"], ["a", "b"], window=2).toarray()[0, 1] == 1
    lines = topic_lines(200)
    vocabulary = build_vocabulary(lines)
    whole = cooccurrence_matrix(lines, vocabulary)
    chunked = cooccurrence_matrix(lines, vocabulary, chunk_tokens=7)
    assert (whole != chunked).nnz == 0


def test_ppmi_smooths_the_context_distribution() -> None:
    counts = np.array([[0, 4, 1, 0], [4, 0, 2, 3], [1, 2, 0, 5], [0, 3, 5, 0]], dtype=float)
    alpha = 0.75
    smoothed = counts.sum(axis=0) ** alpha
    with np.errstate(divide="ignore"):
        expected = np.log(counts * smoothed.sum()
                          / (counts.sum(axis=1, keepdims=True) * smoothed[None, :]))
    expected = np.maximum(expected, 0.0)
    got = ppmi(sparse.csr_array(counts), alpha)
    assert np.allclose(got.toarray(), expected, rtol=1e-12, atol=1e-12)
    assert (got.data > 0).all()  # no stored zeros


def test_truncated_svd_finds_the_leading_singular_pairs() -> None:
    rng = np.random.default_rng(0)
    left = np.linalg.qr(rng.standard_normal((300, 8)))[0]
    right = np.linalg.qr(rng.standard_normal((200, 8)))[0]
    values = np.array([50.0, 40, 30, 20, 10, 5, 2, 1])
    matrix = sparse.csr_array(left @ np.diag(values) @ right.T)
    vectors, found = truncated_svd(matrix, 5, seed=1, oversample=5)
    assert np.allclose(found, values[:5], rtol=1e-9)
    assert np.allclose(np.abs(vectors.T @ left[:, :5]), np.eye(5), atol=1e-8)
    assert (vectors[np.abs(vectors).argmax(axis=0), range(5)] > 0).all()
    small, few = truncated_svd(sparse.csr_array(np.diag([3.0, 1.0])), 10)
    assert small.shape == (2, 2) and np.allclose(few, [3.0, 1.0])


def test_symmetric_eigen_matches_lapack() -> None:
    rng = np.random.default_rng(2)
    for size in (1, 2, 5, 40):
        half = rng.standard_normal((size, size))
        matrix = half + half.T
        values, vectors = symmetric_eigen(matrix)
        assert np.allclose(np.sort(values), np.linalg.eigvalsh(matrix), atol=1e-12)
        assert np.allclose(matrix @ vectors, vectors * values, atol=1e-12)
        assert np.allclose(vectors.T @ vectors, np.eye(size), atol=1e-12)


def test_too_little_text_gives_no_words_and_no_neighbours() -> None:
    empty = train_cooccurrence_vectors(["", "a", "b c"])  # nothing occurs twice
    assert empty.words == [] and empty.unit.shape[0] == 0
    assert empty.neighbours(["a"]) == {}


def test_saved_vectors_load_back_to_the_same_neighbours(tmp_path: Path) -> None:
    vectors = train_cooccurrence_vectors(frame_lines())
    first = vectors.save(tmp_path / "a.bin")
    second = vectors.save(tmp_path / "b.bin")
    assert hashlib.sha256(first.read_bytes()).digest() == \
        hashlib.sha256(second.read_bytes()).digest()  # same vectors, same bytes
    loaded = load_word_vectors(first)
    assert loaded.words == vectors.words
    assert loaded.unit.tobytes() == vectors.unit.tobytes()
    assert loaded.neighbours(vectors.words, k=3, min_similarity=0.0) == \
        vectors.neighbours(vectors.words, k=3, min_similarity=0.0)


def test_equally_near_words_come_in_vocabulary_order() -> None:
    vectors = WordVectors(["x", "b", "a", "c"], np.array([[1.0, 0], [1, 1], [1, 1], [0, 1]]))
    sims = vectors.similarities([0])[0]
    assert sims[1] == sims[2]  # exact: the same vector, the same similarity
    assert vectors.neighbours(["x"], k=2, min_similarity=0.0) == {"x": ["b", "a"]}
    assert vectors.neighbours(["x"], k=1, min_similarity=0.0) == {"x": ["b"]}


@pytest.mark.parametrize("bad", [{"dim": 0}, {"window": 0}, {"alpha": 0.0}, {"alpha": 1.5},
                                 {"max_vocab": 0}, {"power_iterations": -1}])
def test_options_out_of_range_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        CooccurrenceOptions(**bad)
