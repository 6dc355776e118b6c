"""Training arms and the evaluation set: reading, cleaning, label sets and stratified splits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.io import read_corpus
from finetune.config import FinetuneConfig


@dataclass
class Examples:
    """Texts and their string labels, aligned."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def label_counts(self) -> dict[str, int]:
        """Examples per label, most frequent first."""
        return dict(Counter(self.labels).most_common())

    def subset(self, indices: list[int]) -> Examples:
        """The examples at `indices`, in that order."""
        return Examples([self.texts[i] for i in indices], [self.labels[i] for i in indices])


def load_examples(
    path: str | Path, text_column: str = "text", label_column: str = "label"
) -> Examples:
    """Read a corpus (Parquet, JSONL, folder, glob or run folder) as labelled examples.

    Rows whose text is null or blank, or whose label is null, are dropped. Labels are compared
    as strings, so integer and string labels mix.
    """
    df = read_corpus(path, columns=[text_column, label_column])
    df = df.select(
        pl.col(text_column).cast(pl.String).alias("text"),
        pl.col(label_column).cast(pl.String).alias("label"),
    ).filter(
        pl.col("text").is_not_null()
        & (pl.col("text").str.strip_chars() != "")
        & pl.col("label").is_not_null()
    )
    return Examples(df["text"].to_list(), df["label"].to_list())


def label_set(*arms: Examples) -> list[str]:
    """The sorted union of the labels of `arms`."""
    return sorted({label for arm in arms for label in arm.labels})


def keep_labels(examples: Examples, labels: list[str]) -> tuple[Examples, int]:
    """The examples whose label is in `labels`, and how many were dropped."""
    known = set(labels)
    indices = [i for i, label in enumerate(examples.labels) if label in known]
    return examples.subset(indices), len(examples) - len(indices)


def stratified_split(examples: Examples, fraction: float, seed: int) -> tuple[Examples, Examples]:
    """Split into (first, rest) with `fraction` of every label in `first`, seeded.

    Each label with at least two examples keeps at least one on each side.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"split fraction must be between 0 and 1, got {fraction}")
    df = pl.DataFrame({"label": examples.labels}).with_row_index("i")
    df = df.sample(fraction=1.0, shuffle=True, seed=seed)
    df = df.with_columns(
        rank=pl.int_range(pl.len()).over("label"), size=pl.len().over("label")
    ).with_columns(
        take=(pl.col("size") * fraction)
        .round()
        .clip(pl.min_horizontal(pl.col("size") - 1, 1), pl.max_horizontal(pl.col("size") - 1, 1))
    )
    first = df.filter(pl.col("rank") < pl.col("take"))["i"].sort().to_list()
    rest = df.filter(pl.col("rank") >= pl.col("take"))["i"].sort().to_list()
    return examples.subset(first), examples.subset(rest)


def sample(examples: Examples, n: int, seed: int) -> Examples:
    """A seeded uniform random sample of `n` examples (all of them when n ≥ len)."""
    if n >= len(examples):
        return examples
    df = pl.DataFrame({"i": range(len(examples))}).sample(n=n, seed=seed)
    return examples.subset(sorted(df["i"].to_list()))


def load_evaluation(
    cfg: FinetuneConfig, arm_paths: list[str | Path] = ()
) -> tuple[Examples, Examples | None]:
    """The fixed evaluation set, and the validation set when one comes with it.

    From cfg.eval_path (used whole; no validation set), else a stratified cfg.eval_fraction
    of cfg.clean_path (the rest is the validation set). The evaluation set is never one of
    `arm_paths`.
    """
    source = cfg.eval_path or cfg.clean_path
    if source is None:
        raise ValueError(
            "no evaluation set: set eval_path (a fixed labelled set) or clean_path (a clean "
            "labelled set to split); it is never drawn from a training arm"
        )
    if any(_same_path(source, arm) for arm in arm_paths):
        raise ValueError(f"{source}: the evaluation set is also a training arm")
    examples = load_examples(source, cfg.text_column, cfg.label_column)
    if not len(examples):
        raise ValueError(f"{source}: no labelled examples")
    if cfg.eval_path:
        return examples, None
    evaluation, validation = stratified_split(examples, cfg.eval_fraction, seed=0)
    return evaluation, validation


def _same_path(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
