"""The instruction-tuning backend (`sft`) on a tiny random Qwen2, full fine-tuning of an encoder
(`[finetune.lora] full = true`), and the training curves an ablation writes and the report draws."""

import json

import numpy as np
import pytest

from finetune.ablation import CURVES_FILE, run_ablation
from finetune.backends import get_backend, load_classifier, predict, sft
from finetune.config import FinetuneConfig
from finetune.data import load_examples
from tests.finetune.test_finetune_lora import tiny_cfg
from tests.finetune.test_finetune_lora import train as train_lora
from tests.finetune.test_finetune_lora import train as train_sft

LABELS = ["finance", "science", "sports"]


def sft_cfg(model, **overrides) -> FinetuneConfig:
    return tiny_cfg(model, backend="sft", max_length=160, lr=2e-2, **overrides)


def test_the_prompt_holds_the_text_and_the_label_set() -> None:
    template = sft.SftParams().prompt_template
    text = sft.prompt(template, "goal in the final", LABELS)
    assert "goal in the final" in text and "finance, science, sports" in text


def test_only_the_answer_tokens_count_in_the_loss(tiny_qwen2_lm) -> None:
    setup = get_backend("sft")(sft_cfg(tiny_qwen2_lm)).prepare([])
    data = sft.AnswerDataset(setup.tokenizer, ["team win goal " * 40], ["sports"], LABELS,
                             sft.SftParams().prompt_template, 160)
    item = data[0]
    answer = setup.tokenizer("sports", add_special_tokens=False)["input_ids"] + [
        setup.tokenizer.eos_token_id]
    counted = [t for t in item["labels"] if t != sft.IGNORE]
    assert counted == answer
    assert item["input_ids"][-len(answer):] == answer
    assert len(item["input_ids"]) <= 160  # the long text was cut, the template kept
    prompt_text = setup.tokenizer.decode(item["input_ids"][:-len(answer)])
    assert prompt_text.startswith("Classify the text") and prompt_text.endswith("Category: ")
    with pytest.raises(ValueError, match="max_length: the prompt template"):
        sft.AnswerDataset(setup.tokenizer, ["x"], ["sports"], LABELS,
                          sft.SftParams().prompt_template, 20)


def test_sft_trains_saves_reloads_and_answers_within_the_label_set(
        tiny_qwen2_lm, english_data, tmp_path) -> None:
    data = load_examples(english_data["train"])
    cfg = sft_cfg(tiny_qwen2_lm, max_steps=25)
    _, result = train_sft(cfg, data)
    losses = result.loss_history
    assert result.steps == 25
    assert np.mean(losses[-3:]) < np.mean(losses[:3])  # the loss falls
    evaluation = load_examples(english_data["eval"])
    probs = result.classifier.predict_proba(evaluation.texts)
    assert probs.shape == (len(evaluation), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert set(predict(result.classifier, evaluation.texts)) <= set(LABELS)  # never outside
    result.classifier.save(tmp_path / "sft")
    reloaded = load_classifier(tmp_path / "sft")
    assert reloaded.labels == LABELS
    np.testing.assert_allclose(reloaded.predict_proba(evaluation.texts[:6]), probs[:6],
                               atol=1e-4)


def test_sft_learns_the_toy_task(tiny_qwen2_lm, english_data) -> None:
    data = load_examples(english_data["train"])
    _, result = train_sft(sft_cfg(tiny_qwen2_lm, max_steps=60), data)
    evaluation = load_examples(english_data["eval"])
    accuracy = np.mean(np.array(predict(result.classifier, evaluation.texts))
                       == evaluation.labels)
    assert accuracy > 0.6  # chance is 1/3


def test_full_fine_tuning_trains_every_weight_and_reloads(tiny_bert, english_data,
                                                           tmp_path) -> None:
    data = load_examples(english_data["train"])
    _, result = train_lora(tiny_cfg(tiny_bert, full=True, max_steps=20, lr=3e-3), data)
    model = result.classifier.model
    assert all(p.requires_grad for p in model.parameters())
    assert np.mean(result.loss_history[-3:]) < np.mean(result.loss_history[:3])
    texts = load_examples(english_data["eval"]).texts[:6]
    result.classifier.save(tmp_path / "full")
    reloaded = load_classifier(tmp_path / "full")
    np.testing.assert_allclose(reloaded.predict_proba(texts),
                               result.classifier.predict_proba(texts), atol=1e-5)


def test_an_ablation_writes_the_training_curves(tiny_bert, english_data, tmp_path) -> None:
    cfg = tiny_cfg(tiny_bert, max_steps=20, eval_steps=5, eval_path=str(english_data["eval"]),
                   arms=["raw", "curated"], seeds=[0, 1], validation_fraction=0.2)
    run_ablation(cfg, {"raw": english_data["train"], "curated": english_data["train"]},
                 tmp_path, progress=False)
    points = [json.loads(line) for line in
              (tmp_path / CURVES_FILE).read_text().splitlines()]
    assert {(p["arm"], p["seed"]) for p in points} == {("raw", 0), ("raw", 1), ("curated", 0),
                                                       ("curated", 1)}
    train_points = [p for p in points if "train_loss" in p]
    eval_points = [p for p in points if "eval_loss" in p]
    assert train_points and eval_points
    assert all(0.0 <= p["eval_accuracy"] <= 1.0 for p in eval_points)
    assert sorted({p["step"] for p in eval_points}) == [5, 10, 15, 20]


@pytest.mark.parametrize("backend", ["fasttext"])
def test_a_backend_without_curves_writes_no_curve_file(backend, english_data, tmp_path) -> None:
    cfg = FinetuneConfig(backend=backend, eval_path=str(english_data["eval"]), seeds=[0])
    run_ablation(cfg, {"raw": english_data["train"], "curated": english_data["train"]},
                 tmp_path, progress=False)
    assert not (tmp_path / CURVES_FILE).exists()
