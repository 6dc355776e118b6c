"""Classify a corpus with a saved model (LoRA adapter or fastText)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.io import read_corpus
from curate.io.atomic import atomic_write
from finetune.backends import load_classifier

PREDICTION_COLUMN = "prediction"
CONFIDENCE_COLUMN = "confidence"


def predict_corpus(
    model_dir: str | Path,
    input_path: str | Path,
    out_path: str | Path,
    text_column: str = "text",
    base_model: str | None = None,
    batch_size: int = 64,
) -> pl.DataFrame:
    """Classify every row of the corpus at `input_path` and write it, with the columns
    `prediction` (label) and `confidence` (its probability), to the Parquet file `out_path`.

    Rows with a null text get null predictions. `base_model` overrides the base model folder
    recorded in a LoRA adapter. Returns the written frame.
    """
    classifier = load_classifier(model_dir, model=base_model, batch_size=batch_size)
    df = read_corpus(input_path)
    if text_column not in df.columns:
        raise ValueError(f"{input_path}: no column {text_column!r} (columns: {df.columns})")
    texts = df[text_column].cast(pl.String)
    present = [i for i, text in enumerate(texts.to_list()) if text is not None]
    labels: list[str | None] = [None] * df.height
    scores: list[float | None] = [None] * df.height
    if present:
        probs = classifier.predict_proba([texts[i] for i in present])
        best = probs.argmax(axis=1)
        for row, i in enumerate(present):
            labels[i] = classifier.labels[best[row]]
            scores[i] = float(probs[row, best[row]])
    df = df.with_columns(
        pl.Series(PREDICTION_COLUMN, labels, dtype=pl.String),
        pl.Series(CONFIDENCE_COLUMN, scores, dtype=pl.Float64),
    )
    out_path = Path(out_path)
    atomic_write(out_path, lambda tmp: df.write_parquet(tmp, compression="zstd"))
    return df
