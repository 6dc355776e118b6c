"""The fastText backend: a fast proxy classifier."""

import numpy as np
import pytest

from curate.models import fasttext_line
from finetune.backends import get_backend, load_classifier, predict
from finetune.config import FinetuneConfig
from finetune.data import Examples, label_set, load_examples

TINY = {"bucket": 100_000, "dim": 16, "epoch": 20}


def fit(cfg: FinetuneConfig, data: Examples, seed: int = 0):
    backend = get_backend("fasttext")(cfg)
    return backend.train(backend.prepare(data.texts), data, None, label_set(data), seed)


def tiny(**params) -> FinetuneConfig:
    return FinetuneConfig(backend="fasttext", tables={"fasttext": {**TINY, **params}})


def accuracy(classifier, examples: Examples) -> float:
    return float(np.mean(np.array(predict(classifier, examples.texts)) == examples.labels))


def test_fasttext_beats_chance_and_reloads(english_data, tmp_path):
    cfg = tiny()
    train = load_examples(english_data["train"])
    evaluation = load_examples(english_data["eval"])
    result = fit(cfg, train)
    assert accuracy(result.classifier, evaluation) > 0.9  # chance is 1/3
    assert result.examples_per_s > 0
    probs = result.classifier.predict_proba(evaluation.texts)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-3)

    result.classifier.save(tmp_path / "ft")
    reloaded = load_classifier(tmp_path / "ft")
    np.testing.assert_allclose(reloaded.predict_proba(evaluation.texts), probs, atol=1e-6)


def test_fasttext_segments_chinese(zh_corpus):
    assert fasttext_line("我爱北京天安门\nHello  World") == "我 爱 北京 天安门 hello world"
    cfg = tiny()
    data = Examples(zh_corpus["text"].to_list(), zh_corpus["label"].to_list())
    result = fit(cfg, data)
    assert accuracy(result.classifier, data) > 0.9


def test_divergence_is_reported_as_a_config_problem(zh_corpus, monkeypatch):
    def diverge(**_):
        raise RuntimeError("Encountered NaN.")

    import fasttext

    monkeypatch.setattr(fasttext, "train_supervised", diverge)
    cfg = tiny()
    data = Examples(zh_corpus["text"].to_list(), zh_corpus["label"].to_list())
    with pytest.raises(ValueError, match=r"fastText training failed.*finetune.fasttext.lr is"):
        fit(cfg, data)


def test_training_initialises_every_weight(english_data):
    """With fewer than 10 threads fastText leaves most of its input matrix uninitialised."""
    cfg = tiny(threads=1, epoch=1, lr=1e-9)
    train = load_examples(english_data["train"])
    result = fit(cfg, train)
    matrix = result.classifier.model.model.get_input_matrix()
    assert (np.abs(matrix) > 0).mean() > 0.99
