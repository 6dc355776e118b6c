"""Supervised training of a sequence classifier with the transformers Trainer."""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass

import torch
from transformers import (
    DataCollatorWithPadding,
    EarlyStoppingCallback,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    ProgressCallback,
    Trainer,
    TrainingArguments,
)
from transformers.trainer_callback import PrinterCallback

from finetune.config import FinetuneConfig


class TokenizedDataset(torch.utils.data.Dataset):
    """Tokenized texts with integer labels, padded per batch by the collator."""

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        texts: list[str],
        label_ids: list[int] | None,
        max_length: int,
    ):
        self.encodings = tokenizer(texts, truncation=True, max_length=max_length)
        self.label_ids = label_ids

    def __len__(self) -> int:
        return len(self.encodings["input_ids"])

    def __getitem__(self, i: int) -> dict:
        item = {key: values[i] for key, values in self.encodings.items()}
        if self.label_ids is not None:
            item["labels"] = self.label_ids[i]
        return item


@dataclass
class TrainStats:
    """What a training run did."""

    seconds: float
    examples_seen: float
    steps: int
    train_loss: float | None
    loss_history: list[float]
    best_step: int | None


class _QuietProgress(ProgressCallback):
    """Progress bars without the printed log dictionaries."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        pass


def precision_flags(precision: str) -> dict[str, bool]:
    """TrainingArguments bf16/fp16 flags for `precision` on this machine (CUDA only)."""
    cuda = torch.cuda.is_available()
    if precision in ("bf16", "fp16") and not cuda:
        raise ValueError(f"precision {precision!r} needs a CUDA device; use 'auto' or 'fp32'")
    if precision == "auto" and cuda:
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {"bf16": precision == "bf16", "fp16": precision == "fp16"}


def autocast_dtype() -> torch.dtype | None:
    """The mixed-precision type for inference: bf16 (or fp16) on CUDA, None (fp32) on CPU."""
    if not torch.cuda.is_available():
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def train_classifier(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train: TokenizedDataset,
    validation: TokenizedDataset | None,
    cfg: FinetuneConfig,
    seed: int,
    progress: bool = True,
) -> TrainStats:
    """Train `model` in place: AdamW, linear schedule with warm-up, epochs or max_steps,
    gradient accumulation, optional early stopping on the validation loss (the best
    checkpoint is restored). Checkpoints live in a temporary folder removed afterwards."""
    early_stopping = cfg.early_stopping_patience > 0 and validation is not None
    effective_batch = cfg.batch_size * cfg.grad_accum
    total_steps = (
        cfg.max_steps
        if cfg.max_steps > 0
        else max(1, math.ceil(cfg.epochs * math.ceil(len(train) / effective_batch)))
    )
    logging_steps = max(1, total_steps // 20)
    with tempfile.TemporaryDirectory(prefix="finetune-") as scratch:
        strategy = "no"
        interval: dict = {}
        if early_stopping:
            if cfg.eval_steps > 0 or cfg.max_steps > 0:
                strategy = "steps"
                every = cfg.eval_steps or max(1, cfg.max_steps // 10)
                interval = {"eval_steps": every, "save_steps": every}
            else:
                strategy = "epoch"
        args = TrainingArguments(
            output_dir=scratch,
            per_device_train_batch_size=cfg.batch_size,
            per_device_eval_batch_size=cfg.predict_batch_size,
            gradient_accumulation_steps=cfg.grad_accum,
            num_train_epochs=cfg.epochs,
            max_steps=cfg.max_steps if cfg.max_steps > 0 else -1,
            learning_rate=cfg.lr,
            weight_decay=cfg.weight_decay,
            lr_scheduler_type="linear",
            warmup_steps=cfg.warmup_ratio,  # a float below 1 is a share of the total steps
            seed=seed,
            data_seed=seed,
            logging_strategy="steps",
            logging_steps=logging_steps,
            eval_strategy=strategy,
            save_strategy=strategy,
            save_only_model=True,
            save_total_limit=1,
            load_best_model_at_end=early_stopping,
            metric_for_best_model="eval_loss" if early_stopping else None,
            greater_is_better=False if early_stopping else None,
            report_to=cfg.report_to,
            disable_tqdm=not progress,
            log_level="error",
            use_cpu=not torch.cuda.is_available(),
            dataloader_pin_memory=torch.cuda.is_available(),
            **interval,
            **precision_flags(cfg.precision),
        )
        callbacks = (
            [EarlyStoppingCallback(early_stopping_patience=cfg.early_stopping_patience)]
            if early_stopping
            else []
        )
        trainer = Trainer(
            model=model,
            args=args,
            data_collator=DataCollatorWithPadding(tokenizer),
            train_dataset=train,
            eval_dataset=validation if early_stopping else None,
            callbacks=callbacks,
        )
        # Keep stdout clean: no printed log dictionaries, progress bars only when asked.
        trainer.remove_callback(PrinterCallback)
        trainer.remove_callback(ProgressCallback)
        if progress:
            trainer.add_callback(_QuietProgress())
        start = time.perf_counter()
        output = trainer.train()
        seconds = time.perf_counter() - start
        state = trainer.state
    losses = [entry["loss"] for entry in state.log_history if "loss" in entry]
    best_step = None
    if early_stopping and state.best_model_checkpoint:
        best_step = int(state.best_model_checkpoint.rsplit("-", 1)[-1])
    return TrainStats(
        seconds=seconds,
        examples_seen=float(state.epoch or 0.0) * len(train),
        steps=state.global_step,
        train_loss=output.training_loss,
        loss_history=losses,
        best_step=best_step,
    )
