"""Instruction-tuning backend: a causal language model (any local Hugging Face folder: Qwen2,
Llama, GPT-2 ...) fine-tuned with LoRA to answer with the label, as the Qwen2 recipe does it.

Each example becomes `prompt_template` filled with the text and the label set, followed by the
label and the end-of-text token; the loss counts the answer tokens only. A model answers by
scoring every label's continuation of the prompt (the sum of its tokens' log-probabilities):
the probabilities over the label set are the softmax of those scores, so it never answers
outside the label set and needs no free generation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import transformers
from peft import PeftModel, TaskType, get_peft_model
from transformers import AutoModelForCausalLM, DataCollatorForSeq2Seq, PreTrainedTokenizerBase

from curate.params import param
from finetune.backends import META_FILE, Backend, TrainResult, register, write_meta
from finetune.backends.lora import AdapterParams, Lora, _quiet, load_tokenizer, resolve_model
from finetune.data import Examples
from finetune.training import autocast_dtype, train_model

IGNORE = -100  # label id the loss skips (the prompt's tokens)


def prompt(template: str, text: str, labels: list[str]) -> str:
    """The prompt of one example: the template with {text} and {labels} filled in."""
    return template.replace("{labels}", ", ".join(labels)).replace("{text}", text)


class AnswerDataset(torch.utils.data.Dataset):
    """Prompt + answer token ids, with the prompt's positions masked out of the loss. The
    text is cut so that prompt and answer fit in `max_length` tokens."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase, texts: list[str], answers: list[str],
                 labels: list[str], template: str, max_length: int) -> None:
        self.items = []
        eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
        for text, answer in zip(texts, answers, strict=True):
            answer_ids = tokenizer(answer, add_special_tokens=False)["input_ids"] + eos
            prompt_ids = prompt_tokens(tokenizer, template, text, labels,
                                       max_length - len(answer_ids))
            ids = prompt_ids + answer_ids
            self.items.append({"input_ids": ids, "attention_mask": [1] * len(ids),
                               "labels": [IGNORE] * len(prompt_ids) + answer_ids})

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


def prompt_tokens(tokenizer: PreTrainedTokenizerBase, template: str, text: str,
                  labels: list[str], budget: int) -> list[int]:
    """The prompt's token ids, the text shortened (from its end) to fit `budget` tokens; the
    template itself is never cut (ValueError when it alone does not fit)."""
    ids = tokenizer(prompt(template, text, labels), add_special_tokens=False)["input_ids"]
    if len(ids) <= budget:
        return ids
    overhead = len(tokenizer(prompt(template, "", labels), add_special_tokens=False)["input_ids"])
    if overhead >= budget:
        raise ValueError(f"max_length: the prompt template with the label set takes {overhead} "
                         f"tokens, and the text and the answer need room too; raise max_length")
    text_ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    keep = min(len(text_ids), budget - overhead)
    while keep > 0:
        ids = tokenizer(prompt(template, tokenizer.decode(text_ids[:keep]), labels),
                        add_special_tokens=False)["input_ids"]
        if len(ids) <= budget:
            return ids
        keep -= len(ids) - budget
    return tokenizer(prompt(template, "", labels), add_special_tokens=False)["input_ids"]


@dataclass
class SftSetup:
    """The tokenizer shared by every arm and seed."""

    model_path: str
    tokenizer: PreTrainedTokenizerBase

    def report(self) -> None:
        """A causal LM's byte-level tokenizer has no [UNK]."""
        return None


@dataclass
class SftParams(AdapterParams):
    """The `[finetune.sft]` table."""

    prompt_template: str = param(
        "Classify the text into one of these categories: {labels}.\nText: {text}\nCategory: ",
        "the prompt; {text} and {labels} (comma-separated) are filled in, and the answer, the "
        "label, follows it")

    def validate(self) -> tuple[str, str] | None:
        """The template holds the text."""
        if "{text}" not in self.prompt_template:
            return "prompt_template", "must hold {text}"
        return super().validate()


def build_model(model_path: str, tokenizer: PreTrainedTokenizerBase,
                params: AdapterParams) -> torch.nn.Module:
    """The causal LM at `model_path`, wrapped with LoRA (or all weights trainable with
    `full`). Seed the run first: the LoRA weights are random."""
    with _quiet():
        model = AutoModelForCausalLM.from_pretrained(model_path, local_files_only=True,
                                                     dtype=torch.float32)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if params.full:
        return model
    config = params.lora_config(TaskType.CAUSAL_LM, model)
    with _quiet():
        return get_peft_model(model, config)


class SftClassifier:
    """A causal LM that classifies by scoring each label's continuation of the prompt."""

    def __init__(self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase,
                 labels: list[str], meta: dict, batch_size: int = 16) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.labels = labels
        self.meta = meta
        self.batch_size = batch_size

    def label_scores(self, texts: list[str]) -> np.ndarray:
        """Sum of the log-probabilities of each label's tokens (and end of text) after each
        text's prompt, shape (len(texts), len(labels))."""
        device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(device).eval()
        dtype = autocast_dtype()
        eos = [self.tokenizer.eos_token_id] if self.tokenizer.eos_token_id is not None else []
        answers = [self.tokenizer(label, add_special_tokens=False)["input_ids"] + eos
                   for label in self.labels]
        longest = max(len(a) for a in answers)
        pairs = []
        for i, text in enumerate(texts):
            head = prompt_tokens(self.tokenizer, self.meta["template"], text, self.labels,
                                 self.meta["max_length"] - longest)
            pairs += [(i, j, head, answer) for j, answer in enumerate(answers)]
        scores = np.zeros((len(texts), len(self.labels)))
        pad = self.tokenizer.pad_token_id
        with torch.no_grad():
            for start in range(0, len(pairs), self.batch_size):
                batch = pairs[start:start + self.batch_size]
                width = max(len(h) + len(a) for _, _, h, a in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (_, _, head, answer) in enumerate(batch):
                    seq = head + answer
                    ids[row, :len(seq)] = torch.tensor(seq)
                    mask[row, :len(seq)] = 1
                with torch.autocast(device, dtype=dtype, enabled=dtype is not None):
                    logits = self.model(input_ids=ids.to(device),
                                        attention_mask=mask.to(device)).logits
                logp = torch.log_softmax(logits.float(), dim=-1).cpu()
                for row, (i, j, head, answer) in enumerate(batch):
                    positions = torch.arange(len(head) - 1, len(head) + len(answer) - 1)
                    scores[i, j] = float(logp[row, positions, torch.tensor(answer)].sum())
        return scores

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Softmax of the label scores: probabilities over the label set only."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        scores = self.label_scores(texts)
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        return (probs / probs.sum(axis=1, keepdims=True)).astype(np.float32)

    def save(self, folder: Path) -> None:
        """Write the adapter (or the whole model), tokenizer and META_FILE."""
        folder = Path(folder)
        self.model.save_pretrained(folder)
        self.tokenizer.save_pretrained(folder)
        write_meta(folder, self.meta)


@register
class Sft(Backend):
    """A causal LM instruction-tuned with LoRA to answer with the label."""

    name = "sft"
    Params = SftParams

    def prepare(self, texts: list[str]) -> SftSetup:
        """The tokenizer of the model folder."""
        path = resolve_model(self.cfg.model)
        return SftSetup(path, load_tokenizer(path))

    def train(self, setup: SftSetup, train_set: Examples, validation: Examples | None,
              labels: list[str], seed: int, progress: bool = True,
              title: str = "") -> TrainResult:
        """Instruction-tune a fresh adapter on `train_set` with seed `seed`."""
        cfg, params = self.cfg, self.params
        transformers.set_seed(seed)
        model = build_model(setup.model_path, setup.tokenizer, params)

        def dataset(examples: Examples) -> AnswerDataset:
            return AnswerDataset(setup.tokenizer, examples.texts, examples.labels, labels,
                                 params.prompt_template, cfg.max_length)

        collator = DataCollatorForSeq2Seq(setup.tokenizer, label_pad_token_id=IGNORE,
                                          padding=True)
        stats = train_model(model, collator, dataset(train_set),
                            dataset(validation) if validation is not None and len(validation)
                            else None, cfg, seed, progress, title)
        meta = {"backend": "sft", "model": cfg.model, "labels": labels, "lora": not params.full,
                "template": params.prompt_template, "max_length": cfg.max_length}
        classifier = SftClassifier(model, setup.tokenizer, labels, meta, cfg.predict_batch_size)
        return stats.result(classifier)

    @classmethod
    def load(cls, folder: Path, model: str | None = None, batch_size: int = 16) -> SftClassifier:
        """Load a classifier saved by SftClassifier.save (`model`: the base model folder, when it
        moved)."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text())
        tokenizer = load_tokenizer(folder)
        if meta.get("lora", True):
            with _quiet():
                base = AutoModelForCausalLM.from_pretrained(resolve_model(model or meta["model"]),
                                                            local_files_only=True,
                                                            dtype=torch.float32)
                adapted = PeftModel.from_pretrained(base, folder)
        else:
            with _quiet():
                adapted = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True,
                                                               dtype=torch.float32)
        return SftClassifier(adapted, tokenizer, meta["labels"], meta, batch_size)

    model_name = Lora.model_name
    device = Lora.device
