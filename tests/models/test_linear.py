"""Specification of the deterministic linear classifier (hashed n-grams, logistic regression)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from curate.models.linear import LinearClassifier, LinearOptions, hashed_features, lbfgs
from tests.conftest import REPO

LINES = ["the match ended with a late goal", "the striker scored a goal in the match",
         "the team won the cup final", "shares fell as the market closed lower",
         "the bank raised interest rates again", "investors sold shares on the market"]
LABELS = ["sports", "sports", "sports", "finance", "finance", "finance"]


def test_features_are_unit_rows_of_hashed_unigrams_and_bigrams() -> None:
    x = hashed_features(["a b a", "", "c"], LinearOptions(buckets=1024))
    assert x.shape == (3, 1024)
    assert np.allclose(np.sqrt(x.multiply(x).sum(axis=1)).A.ravel(), [1, 0, 1])
    assert x[0].nnz == 4  # a, b, "a b", "b a"
    assert x[2].nnz == 1
    assert hashed_features(["c"], LinearOptions(buckets=1024))[0, :].nnz == 1
    without = hashed_features(["a b a"], LinearOptions(buckets=1024, bigrams=False))
    assert without[0].nnz == 2


def test_lbfgs_finds_the_minimum_of_a_quadratic() -> None:
    target = np.array([3.0, -2.0, 0.5])
    scale = np.array([1.0, 10.0, 100.0])

    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        d = x - target
        return float((scale * d * d).sum()), 2 * scale * d

    assert np.allclose(lbfgs(f, np.zeros(3), max_iter=100), target, atol=1e-5)


def test_it_learns_the_classes_and_generalises_to_new_wording() -> None:
    model = LinearClassifier.train_lines(LINES, LABELS)
    assert model.labels == ["finance", "sports"]
    probs = model.predict_proba_lines(["a goal in the final", "the market and shares"])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(axis=1), 1)
    assert [model.labels[i] for i in probs.argmax(axis=1)] == ["sports", "finance"]


def test_the_same_data_gives_the_same_model_bit_for_bit() -> None:
    a = LinearClassifier.train_lines(LINES, LABELS)
    b = LinearClassifier.train_lines(LINES, LABELS)
    assert a.weights.tobytes() == b.weights.tobytes() and a.bias.tobytes() == b.bias.tobytes()


def test_a_saved_model_loads_with_identical_predictions(tmp_path: Path) -> None:
    model = LinearClassifier.train_lines(LINES, LABELS, LinearOptions(buckets=4096))
    loaded = LinearClassifier.load(model.save(tmp_path / "audit.npz"))
    assert loaded.labels == model.labels and loaded.options == model.options
    assert np.array_equal(loaded.predict_proba_lines(LINES), model.predict_proba_lines(LINES))


def test_the_model_does_not_depend_on_the_blas_thread_count() -> None:
    script = (
        "import hashlib, sys; sys.path.insert(0, '.');"
        "from tests.models.test_linear import LINES, LABELS;"
        "from curate.models.linear import LinearClassifier as C;"
        "m = C.train_lines(LINES * 3, LABELS * 3);"
        "print(hashlib.sha256(m.weights.tobytes() + m.bias.tobytes()).hexdigest())")
    digests = set()
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO,
                              capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_features_do_not_depend_on_how_lines_are_chunked(monkeypatch) -> None:
    import curate.models.linear as linear

    lines = [f"word{i % 7} word{i % 5} shared" for i in range(50)]
    whole = hashed_features(lines, LinearOptions(buckets=512))
    monkeypatch.setattr(linear, "FEATURE_CHUNK", 8)
    chunked = hashed_features(lines, LinearOptions(buckets=512))
    assert (whole != chunked).nnz == 0 and whole.shape == chunked.shape


def test_training_on_rows_of_features_hashed_once_equals_training_on_their_lines(
        tmp_path: Path) -> None:
    from curate.models.linear import load_features, save_features

    lines = [f"w{i % 7} w{i % 13} 中 文 x{i}" for i in range(600)]
    labels = [str(i % 3) for i in range(600)]
    options = LinearOptions()
    x = load_features(save_features(hashed_features(lines, options), tmp_path / "features"))
    rows = np.arange(0, 600, 2)
    once = LinearClassifier.train_features(x[rows], [labels[i] for i in rows], options)
    again = LinearClassifier.train_lines([lines[i] for i in rows], [labels[i] for i in rows],
                                         options)
    assert once.weights.tobytes() == again.weights.tobytes()
    assert once.bias.tobytes() == again.bias.tobytes()
    assert np.array_equal(once.predict_proba_features(x[rows[:5]]),
                          again.predict_proba_lines([lines[i] for i in rows[:5]]))
