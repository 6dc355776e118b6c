"""The LoRA backend on tiny random BERT and Qwen2 models."""

import logging

import numpy as np
import polars as pl
import pytest

from finetune.backends import get_backend, load_classifier, lora, predict
from finetune.cli import main
from finetune.config import FinetuneConfig
from finetune.data import Examples, label_set, load_examples
from finetune.vocab import unk_rate

LABELS = ["finance", "science", "sports"]


def examples(df: pl.DataFrame) -> Examples:
    return Examples(df["text"].to_list(), df["label"].to_list())


# Parameters of the [finetune.lora] and [finetune.sft] tables (the rest are shared settings).
ADAPTER_KEYS = {"full", "r", "alpha", "dropout", "target_modules", "extend_vocab",
                "unk_warn_rate", "prompt_template"}


def tiny_cfg(model, **overrides) -> FinetuneConfig:
    """A tiny training budget; adapter parameters go to the backend's own table."""
    settings = dict(model=str(model), max_steps=30, batch_size=8, lr=3e-2, warmup_ratio=0.1,
                    max_length=32)
    adapter = {"r": 4, "alpha": 8, "dropout": 0.0}
    adapter |= {k: overrides.pop(k) for k in list(overrides) if k in ADAPTER_KEYS}
    settings |= overrides
    return FinetuneConfig(**settings, tables={settings.get("backend", "lora"): adapter})


def train(cfg, data, seed=0):
    backend = get_backend(cfg.backend)(cfg)
    setup = backend.prepare(data.texts)
    return setup, backend.train(setup, data, None, label_set(data), seed, progress=False)


def test_training_reduces_loss_and_learns(tiny_bert, english_data):
    data = load_examples(english_data["train"])
    _, result = train(tiny_cfg(tiny_bert), data)
    losses = result.loss_history
    assert result.steps == 30
    assert len(losses) >= 10
    assert np.mean(losses[-3:]) < 0.8 * np.mean(losses[:3])
    evaluation = load_examples(english_data["eval"])
    accuracy = np.mean(np.array(predict(result.classifier, evaluation.texts)) == evaluation.labels)
    assert accuracy > 0.6  # chance is 1/3
    assert result.examples_seen == pytest.approx(30 * 8, rel=0.1)  # 60 examples, batches of 8
    assert result.examples_per_s > 0


def test_adapter_saves_and_reloads_with_identical_predictions(tiny_bert, english_data, tmp_path):
    data = load_examples(english_data["train"])
    _, result = train(tiny_cfg(tiny_bert, max_steps=5), data)
    texts = load_examples(english_data["eval"]).texts
    before = result.classifier.predict_proba(texts)
    result.classifier.save(tmp_path / "adapter")
    reloaded = load_classifier(tmp_path / "adapter")
    assert reloaded.labels == LABELS
    np.testing.assert_allclose(reloaded.predict_proba(texts), before, atol=1e-5)

    # The same through the CLI, with a null text in the corpus.
    corpus = pl.DataFrame({"id": ["a", "b", "c"], "text": [texts[0], None, texts[1]]})
    corpus.write_parquet(tmp_path / "in.parquet")
    out = tmp_path / "pred.parquet"
    assert (
        main(
            [
                "predict",
                "--adapter",
                str(tmp_path / "adapter"),
                "--input",
                str(tmp_path / "in.parquet"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    written = pl.read_parquet(out)
    assert written["id"].to_list() == ["a", "b", "c"]
    expected = [LABELS[i] for i in before[:2].argmax(axis=1)]
    assert written["prediction"].to_list() == [expected[0], None, expected[1]]
    assert written["confidence"][0] == pytest.approx(float(before[0].max()), abs=1e-5)


def test_seeds_make_runs_reproducible(tiny_bert, english_data):
    data = load_examples(english_data["train"])
    cfg = tiny_cfg(tiny_bert, max_steps=4)
    texts = data.texts[:8]
    a = train(cfg, data, seed=3)[1].classifier.predict_proba(texts)
    b = train(cfg, data, seed=3)[1].classifier.predict_proba(texts)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_target_modules_follow_the_architecture(tiny_bert, tiny_qwen2):
    from transformers import AutoModelForSequenceClassification

    bert = AutoModelForSequenceClassification.from_pretrained(tiny_bert, num_labels=2)
    qwen = AutoModelForSequenceClassification.from_pretrained(tiny_qwen2, num_labels=2)
    assert lora.target_modules(bert) == ["query", "value"]
    assert lora.target_modules(qwen) == ["q_proj", "k_proj", "v_proj", "o_proj"]


def test_qwen2_decoder_trains_saves_and_reloads(tiny_qwen2, english_data, tmp_path):
    data = load_examples(english_data["train"])
    cfg = tiny_cfg(tiny_qwen2, max_steps=20)
    setup, result = train(cfg, data)
    assert result.classifier.model.config.pad_token_id == setup.tokenizer.pad_token_id
    assert np.mean(result.loss_history[-3:]) < np.mean(result.loss_history[:3])
    texts = load_examples(english_data["eval"]).texts
    # Batched (padded) and one-by-one predictions agree: padding is handled.
    batched = result.classifier.predict_proba(texts[:6])
    single = np.vstack([result.classifier.predict_proba([t]) for t in texts[:6]])
    np.testing.assert_allclose(batched, single, atol=1e-4)
    result.classifier.save(tmp_path / "qwen-adapter")
    reloaded = load_classifier(tmp_path / "qwen-adapter")
    np.testing.assert_allclose(reloaded.predict_proba(texts[:6]), batched, atol=1e-5)


def test_extend_vocab_reads_chinese_and_trains(tiny_bert, zh_corpus, tmp_path, caplog):
    data = examples(zh_corpus)
    with caplog.at_level(logging.WARNING, logger="finetune"):
        plain = get_backend("lora")(tiny_cfg(tiny_bert)).prepare(data.texts)
    assert plain.unk_rate_before > 0.9
    assert "[UNK]" in caplog.text

    cfg = tiny_cfg(tiny_bert, extend_vocab=True, max_steps=30)
    setup, result = train(cfg, data)
    assert setup.unk_rate_before > 0.9
    assert setup.unk_rate_after == 0.0
    assert sorted(setup.added_tokens) == sorted({ch for text in data.texts for ch in text})
    assert np.mean(result.loss_history[-3:]) < np.mean(result.loss_history[:3])
    assert np.mean(np.array(predict(result.classifier, data.texts)) == data.labels) > 0.8

    # The new embeddings travel with the adapter.
    result.classifier.save(tmp_path / "zh-adapter")
    reloaded = load_classifier(tmp_path / "zh-adapter")
    np.testing.assert_allclose(
        reloaded.predict_proba(data.texts[:8]),
        result.classifier.predict_proba(data.texts[:8]),
        atol=1e-5,
    )


def test_a_chinese_character_vocabulary_has_no_unk(zh_bert_tokenizer_dir, zh_corpus):
    tokenizer = lora.load_tokenizer(zh_bert_tokenizer_dir)
    assert unk_rate(tokenizer, zh_corpus["text"].to_list()) == 0.0
