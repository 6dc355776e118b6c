"""The ablation: train every arm with identical settings over several seeds, compare on one
fixed evaluation set, and write ablation.json."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from curate.io.atomic import atomic_write_text
from finetune.backends import TrainResult, get_backend
from finetune.config import FinetuneConfig
from finetune.data import (
    Examples,
    keep_labels,
    label_set,
    load_evaluation,
    load_examples,
    sample,
    stratified_split,
)
from finetune.metrics import classification_metrics, log_loss, mean_ci

log = logging.getLogger("finetune")

RANDOM_ARM = "random"
# The training curves of every arm and seed, beside ablation.json (JSON lines: arm, seed, step,
# train_loss or eval_loss and eval_accuracy), when the backend logs them.
CURVES_FILE = "ablation/curves.jsonl"
# Metrics summarised per arm (mean ± 95 % CI over seeds) and compared between arms.
SUMMARY_METRICS = [
    "accuracy",
    "macro_f1",
    "log_loss",
    "train_seconds",
    "train_examples_per_s",
    "predict_examples_per_s",
]
DIFFERENCE_METRICS = ["accuracy", "macro_f1", "log_loss"]
# Paired differences reported when both arms ran: (minuend, subtrahend).
COMPARISONS = [("curated", "raw"), ("curated", RANDOM_ARM), (RANDOM_ARM, "raw"),
               ("oracle", "raw"), ("oracle", "curated")]


def run_ablation(
    cfg: FinetuneConfig,
    arms: dict[str, str | Path],
    out_path: Path,
    progress: bool = True,
) -> dict:
    """Train each arm of cfg.arms once per seed of cfg.seeds, evaluate on the fixed
    evaluation set, write the results to ablation.json and return them.

    `arms` maps arm names to corpora (e.g. {"raw": input path, "curated": run/curated}).
    The "random" arm is always derived: a seeded random subset of raw the size of curated,
    drawn anew for each seed.
    `out_path` is the JSON file to write, or a folder to write ablation.json into (saved
    models go beside it under models/ when cfg.save_models).
    """
    started = time.perf_counter()
    out_file = out_path if out_path.suffix == ".json" else out_path / "ablation.json"
    say = _printer(progress)

    data = _load_arms(cfg, arms)
    labels = _labels(*data.values())
    evaluation, validation = load_evaluation(cfg, list(arms.values()))
    evaluation, dropped = keep_labels(evaluation, labels)
    if dropped:
        log.warning("%d evaluation examples have labels no arm has; they are left out", dropped)
    if not len(evaluation):
        raise ValueError("no evaluation example has a label seen in the training arms")
    if validation is not None:
        validation, _ = keep_labels(validation, labels)

    backend = get_backend(cfg.backend)(cfg)
    setup = backend.prepare([text for arm in data.values() for text in arm.texts])
    say(
        f"ablation: backend {cfg.backend}, {len(labels)} labels, "
        f"{len(evaluation)} evaluation examples, arms "
        + ", ".join(f"{name} ({_arm_size(name, data)})" for name in cfg.arms)
    )

    runs: dict[str, list[dict]] = {name: [] for name in cfg.arms}
    curves: list[dict] = []
    for seed in cfg.seeds:
        for name in cfg.arms:
            train_set = _training_set(cfg, name, data, seed)
            val = validation
            if val is None and (cfg.early_stopping_patience > 0 or cfg.eval_steps > 0) \
                    and backend.validates:
                val, train_set = stratified_split(train_set, cfg.validation_fraction, seed)
            tracking = out_file.parent / "ablation" / "tracking" / f"{name}-seed{seed}"
            run_cfg = dataclasses.replace(cfg, tracking_dir=str(tracking)) \
                if cfg.report_to != "none" else cfg
            result = get_backend(cfg.backend)(run_cfg).train(
                setup, train_set, val, labels, seed, progress, f"{name} · seed {seed}")
            curves += [{"arm": name, "seed": seed, **point} for point in result.curve]
            run = _evaluate(result, evaluation, labels)
            run = {"seed": seed, "examples": len(train_set), **run}
            runs[name].append(run)
            say(
                f"  {name:<8} seed {seed}: accuracy {run['accuracy']:.4f}  "
                f"macro-F1 {run['macro_f1']:.4f}  {run['train_seconds']:.1f} s  "
                f"{run['train_examples_per_s']:.0f} examples/s"
            )
            if cfg.save_models:
                result.classifier.save(out_file.parent / "models" / f"{name}-seed{seed}")
            del result
            gc.collect()

    report = {
        "backend": cfg.backend,
        "model": backend.model_name(),
        "device": backend.device(),
        "labels": labels,
        "seeds": list(cfg.seeds),
        "eval": {
            "source": cfg.eval_path or cfg.clean_path,
            "examples": len(evaluation),
            "dropped_unknown_labels": dropped,
            "label_counts": evaluation.label_counts(),
        },
        "validation_examples": len(validation) if validation is not None else None,
        "unk_rate": backend.setup_report(setup),
        "arms": {
            name: {
                "source": _arm_source(name, arms),
                "examples": _arm_size(name, data),
                "label_counts": data[name].label_counts() if name in data else None,
                "runs": runs[name],
                "summary": _summarise(runs[name]),
            }
            for name in cfg.arms
        },
        "differences": _differences(runs),
        "config": asdict(cfg),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": time.perf_counter() - started,
    }
    _write_json(out_file, report)
    _write_curves(out_file.parent / CURVES_FILE, curves)
    for key, diff in report["differences"].items():
        acc, f1 = diff["accuracy"], diff["macro_f1"]
        say(f"  {key}: accuracy {_pm(acc)}  macro-F1 {_pm(f1)}")
    say(f"wrote {out_file}")
    return report


def train_single(
    cfg: FinetuneConfig,
    train_path: str | Path,
    out_dir: Path,
    seed: int = 0,
    progress: bool = True,
) -> dict:
    """Train one model on the corpus at `train_path`, save it to `out_dir` (loadable by
    `finetune predict`), evaluate it on the evaluation set, and write and return
    `out_dir/metrics.json`."""
    say = _printer(progress)
    train_set = load_examples(train_path, cfg.text_column, cfg.label_column)
    if not len(train_set):
        raise ValueError(f"{train_path}: no labelled examples")
    labels = _labels(train_set)
    evaluation, validation = load_evaluation(cfg, [train_path])
    evaluation, dropped = keep_labels(evaluation, labels)
    if not len(evaluation):
        raise ValueError("no evaluation example has a label seen in the training set")
    if validation is not None:
        validation, _ = keep_labels(validation, labels)
    backend = get_backend(cfg.backend)(cfg)
    if validation is None and (cfg.early_stopping_patience > 0 or cfg.eval_steps > 0) \
            and backend.validates:
        validation, train_set = stratified_split(train_set, cfg.validation_fraction, seed)
    setup = backend.prepare(train_set.texts)
    result = backend.train(setup, train_set, validation, labels, seed, progress)
    result.classifier.save(out_dir)
    run = {"seed": seed, "examples": len(train_set), **_evaluate(result, evaluation, labels)}
    report = {
        "backend": cfg.backend,
        "model": backend.model_name(),
        "device": backend.device(),
        "labels": labels,
        "train": str(train_path),
        "eval": {
            "source": cfg.eval_path or cfg.clean_path,
            "examples": len(evaluation),
            "dropped_unknown_labels": dropped,
        },
        "unk_rate": backend.setup_report(setup),
        "run": run,
        "config": asdict(cfg),
    }
    _write_json(out_dir / "metrics.json", report)
    say(
        f"accuracy {run['accuracy']:.4f}  macro-F1 {run['macro_f1']:.4f}  "
        f"{run['train_seconds']:.1f} s  {run['train_examples_per_s']:.0f} examples/s; "
        f"model saved to {out_dir}"
    )
    return report


def _labels(*arms: Examples) -> list[str]:
    """The label set of the arms; a classifier needs two labels at least."""
    labels = label_set(*arms)
    if len(labels) < 2:
        raise ValueError(f"the training data has {len(labels)} label(s); a classifier needs 2+")
    return labels


def _load_arms(cfg: FinetuneConfig, arms: dict[str, str | Path]) -> dict[str, Examples]:
    """The labelled examples of every arm to train (the random arm needs raw and curated)."""
    if not cfg.arms:
        raise ValueError("no arms to train")
    if not cfg.seeds:
        raise ValueError("no seeds")
    needed = [name for name in cfg.arms if name != RANDOM_ARM]
    if RANDOM_ARM in cfg.arms:
        needed += [name for name in ("raw", "curated") if name not in needed]
    missing = [name for name in needed if name not in arms]
    if missing:
        raise ValueError(f"no corpus given for arm(s): {', '.join(missing)}")
    data = {}
    for name in needed:
        examples = load_examples(arms[name], cfg.text_column, cfg.label_column)
        if not len(examples):
            raise ValueError(f"arm {name} ({arms[name]}): no labelled examples")
        data[name] = examples
    return data


def _arm_size(name: str, data: dict[str, Examples]) -> int:
    if name == RANDOM_ARM:
        return min(len(data["curated"]), len(data["raw"]))
    return len(data[name])


def _arm_source(name: str, arms: dict[str, str | Path]) -> str:
    if name == RANDOM_ARM:
        return "random subset of raw, the size of curated (one per seed)"
    return str(arms[name])


def _training_set(cfg: FinetuneConfig, name: str, data: dict[str, Examples], seed: int) -> Examples:
    """The examples arm `name` trains on for `seed`."""
    examples = sample(data["raw"], len(data["curated"]), seed) if name == RANDOM_ARM else data[name]
    if cfg.max_train_examples > 0:
        examples = sample(examples, cfg.max_train_examples, seed)
    return examples


def _evaluate(result: TrainResult, evaluation: Examples, labels: list[str]) -> dict:
    """Metrics of a trained model on the evaluation set, with its speed figures."""
    start = time.perf_counter()
    probs = result.classifier.predict_proba(evaluation.texts)
    predict_seconds = time.perf_counter() - start
    predictions = [result.classifier.labels[i] for i in probs.argmax(axis=1)]
    metrics = classification_metrics(evaluation.labels, predictions, labels)
    return {
        "accuracy": metrics["accuracy"],
        "macro_f1": metrics["macro_f1"],
        "log_loss": log_loss(probs, evaluation.labels, result.classifier.labels),
        "per_class_f1": metrics["per_class_f1"],
        "confusion_matrix": metrics["confusion_matrix"],
        "train_seconds": result.train_seconds,
        "train_examples_per_s": result.examples_per_s,
        "predict_examples_per_s": len(evaluation) / predict_seconds if predict_seconds else 0.0,
        "steps": result.steps,
        "train_loss": result.train_loss,
        "best_step": result.best_step,
    }


def _summarise(runs: list[dict]) -> dict:
    """Mean ± 95 % CI over seeds of every summary metric and of each class's F1."""
    summary = {metric: mean_ci([run[metric] for run in runs]) for metric in SUMMARY_METRICS}
    per_class = {}
    for label in runs[0]["per_class_f1"]:
        values = [run["per_class_f1"][label] for run in runs]
        values = [v for v in values if v is not None]
        per_class[label] = mean_ci(values) if values else None
    summary["per_class_f1"] = per_class
    return summary


def _differences(runs: dict[str, list[dict]]) -> dict:
    """Paired differences between arms, seed by seed, as mean ± 95 % CI."""
    differences = {}
    for a, b in COMPARISONS:
        if a not in runs or b not in runs:
            continue
        by_seed_b = {run["seed"]: run for run in runs[b]}
        entry = {}
        for metric in DIFFERENCE_METRICS:
            per_seed = [run[metric] - by_seed_b[run["seed"]][metric] for run in runs[a]]
            entry[metric] = {**mean_ci(per_seed), "per_seed": per_seed}
        differences[f"{a}-{b}"] = entry
    return differences


def _pm(stats: dict) -> str:
    if stats["ci95"] is None:
        return f"{stats['mean']:+.4f}"
    return f"{stats['mean']:+.4f} ± {stats['ci95']:.4f}"


def _printer(progress: bool):
    def say(message: str) -> None:
        if progress:
            print(message, file=sys.stderr, flush=True)

    return say


def _write_curves(path: Path, points: list[dict]) -> None:
    """Write the curve points as JSON lines (nothing, and no stale file, when there are none)."""
    if not points:
        path.unlink(missing_ok=True)
        return
    atomic_write_text(path, "".join(json.dumps(p) + "\n" for p in points))


def _write_json(path: Path, payload: dict) -> None:
    """Write `payload` as JSON to `path` atomically."""
    atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
