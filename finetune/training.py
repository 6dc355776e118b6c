"""Supervised training with the transformers Trainer (sequence classifiers and instruction-tuned
causal LMs alike): the schedule, early stopping, the curve of losses it logged, and a rich
progress bar per run with the current loss."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from transformers import (
    DataCollatorWithPadding,
    EarlyStoppingCallback,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    ProgressCallback,
    Trainer,
    TrainerCallback,
    TrainingArguments,
)
from transformers.trainer_callback import PrinterCallback

from finetune.backends import Classifier, TrainResult
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
    curve: list[dict] = dataclasses.field(default_factory=list)

    def result(self, classifier: Classifier) -> TrainResult:
        """The backends' TrainResult for `classifier`, trained as these figures say."""
        return TrainResult(classifier=classifier, train_seconds=self.seconds,
                           examples_seen=self.examples_seen, steps=self.steps,
                           train_loss=self.train_loss, loss_history=self.loss_history,
                           best_step=self.best_step, curve=self.curve)


class RichProgress(TrainerCallback):
    """A rich progress bar per training run: steps done of the total, the latest loss."""

    def __init__(self, title: str) -> None:
        self.title = title or "training"
        self.progress = None
        self.task = None
        self.loss: float | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress("[progress.description]{task.description}", BarColumn(),
                                 MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self.progress.start()
        self.task = self.progress.add_task(self.title, total=state.max_steps)

    def on_step_end(self, args, state, control, **kwargs):
        if self.progress is not None:
            loss = "" if self.loss is None else f" · loss {self.loss:.4f}"
            self.progress.update(self.task, completed=state.global_step,
                                 description=f"{self.title}{loss}")

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.loss = float(logs["loss"])

    def on_train_end(self, args, state, control, **kwargs):
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def curve_of(log_history: list[dict]) -> list[dict]:
    """The Trainer's log as curve points: {step, train_loss} and {step, eval_loss[,
    eval_accuracy]}."""
    points = []
    for entry in log_history:
        if "loss" in entry:
            points.append({"step": entry["step"], "train_loss": float(entry["loss"])})
        if "eval_loss" in entry:
            point = {"step": entry["step"], "eval_loss": float(entry["eval_loss"])}
            if "eval_accuracy" in entry:
                point["eval_accuracy"] = float(entry["eval_accuracy"])
            points.append(point)
    return points


@contextlib.contextmanager
def _tracking_dir(folder: str | None) -> Iterator[None]:
    """TENSORBOARD_LOGGING_DIR set to `folder` while the Trainer (and its tensorboard
    callback) is built; otherwise the logs would go to the temporary checkpoint folder."""
    if folder is None:
        yield
        return
    before = os.environ.get("TENSORBOARD_LOGGING_DIR")
    os.environ["TENSORBOARD_LOGGING_DIR"] = folder
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TENSORBOARD_LOGGING_DIR", None)
        else:
            os.environ["TENSORBOARD_LOGGING_DIR"] = before


def accuracy_metric(prediction) -> dict[str, float]:
    """Trainer compute_metrics for classifiers: accuracy of the argmax class."""
    logits, label_ids = prediction.predictions, prediction.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    return {"accuracy": float((logits.argmax(axis=-1) == label_ids).mean())}


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
    title: str = "",
) -> TrainStats:
    """Train a sequence classifier in place (see `train_model`); evaluations report accuracy
    besides the loss."""
    return train_model(model, DataCollatorWithPadding(tokenizer), train, validation, cfg, seed,
                       progress, title, accuracy_metric)


def train_model(
    model: PreTrainedModel,
    collator: object,
    train: torch.utils.data.Dataset,
    validation: torch.utils.data.Dataset | None,
    cfg: FinetuneConfig,
    seed: int,
    progress: bool = True,
    title: str = "",
    metrics: object = None,
) -> TrainStats:
    """Train `model` in place: AdamW, linear schedule with warm-up, epochs or max_steps,
    gradient accumulation, evaluations on the validation set every `eval_steps` (or per epoch
    / tenth of max_steps with early stopping), optional early stopping on the validation loss
    (the best checkpoint is restored), tracking through `report_to`. Checkpoints live in a
    temporary folder removed afterwards."""
    early_stopping = cfg.early_stopping_patience > 0 and validation is not None
    evaluating = validation is not None and (early_stopping or cfg.eval_steps > 0)
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
        if evaluating:
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
            save_strategy=strategy if early_stopping else "no",
            save_only_model=True,
            save_total_limit=1,
            load_best_model_at_end=early_stopping,
            metric_for_best_model="eval_loss" if early_stopping else None,
            greater_is_better=False if early_stopping else None,
            report_to=cfg.report_to,
            run_name=title or None,
            disable_tqdm=True,  # a rich bar instead (RichProgress)
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
        with _tracking_dir(cfg.tracking_dir):  # read by the tensorboard callback as built
            trainer = Trainer(
                model=model,
                args=args,
                data_collator=collator,
                train_dataset=train,
                eval_dataset=validation if evaluating else None,
                callbacks=callbacks,
                compute_metrics=metrics if evaluating else None,
            )
        # Keep stdout clean: no printed log dictionaries, a rich progress bar when asked.
        trainer.remove_callback(PrinterCallback)
        trainer.remove_callback(ProgressCallback)
        if progress:
            trainer.add_callback(RichProgress(title))
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
        curve=curve_of(state.log_history),
    )
