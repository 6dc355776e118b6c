"""`augment`'s summaries stay small: observe emits text only for the possible sources and
each shard's share of the skipgram sample, and what the fit makes of them does not depend on
how the corpus is cut into shards."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.io import ROW_COLUMN, SHARD_COLUMN
from curate.ops.augment import augment
from curate.ops.augment.augment import Augment, AugmentParams
from curate.ops.augment.neighbours import Neighbours
from curate.ops.base import FitContext, StageContext

RARE = ("math", "code")
SEED = 3
VECTOR_DOCS = 25


@pytest.fixture(scope="module")
def rows(labelled_corpus: Path) -> pl.DataFrame:
    """The labelled corpus as one frame, in shard and row order."""
    return pl.concat([pl.read_parquet(p) for p in sorted((labelled_corpus / "in").glob("*"))])


@pytest.fixture(scope="module")
def targets(rows: pl.DataFrame) -> dict[str, int]:
    """Three times the rare classes' training rows."""
    training = rows.filter(pl.col("split") != "eval")
    return {c: 3 * training.filter(pl.col("label") == c).height for c in RARE}


class NextWords:
    """A deterministic stand-in for word vectors: each word's neighbours are the next words
    of the texts' sorted vocabulary."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.vocab = sorted({w for t in texts for w in t.lower().split()})
        self.at = {w: i for i, w in enumerate(self.vocab)}

    def neighbours(self, words: Iterable[str], k: int, *_: Any) -> Neighbours:
        """The k words after each known word."""
        return {w: [self.vocab[(self.at[w] + j) % len(self.vocab)] for j in range(1, k + 1)]
                for w in words if w in self.at and len(self.vocab) > k}


@pytest.fixture
def trained_on(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The texts each word-vector model is trained on; the model is a `NextWords`."""
    calls: list[list[str]] = []

    def vectors(texts: Iterable[str], *_: Any, **__: Any) -> NextWords:
        calls.append(list(texts))
        return NextWords(calls[-1])

    monkeypatch.setattr(augment, "corpus_vectors", vectors)
    return calls


def operator(targets: dict[str, int], **params: Any) -> Augment:
    """An augment stage on the labelled corpus' label column."""
    return Augment(AugmentParams(targets=targets, column="label", **params),
                   StageContext(stage="augment", seed=SEED))


def cut(rows: pl.DataFrame, shards: int) -> list[pl.DataFrame]:
    """`rows` in `shards` consecutive shards, each numbered in ROW_COLUMN as the engine does."""
    bounds = [round(i * rows.height / shards) for i in range(shards + 1)]
    return [rows.slice(start, end - start)
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW_COLUMN))
            for start, end in pairwise(bounds)]


def observe_and_fit(op: Augment, rows: pl.DataFrame, shards: int,
                    folder: Path) -> tuple[list[pl.DataFrame], pl.DataFrame, dict]:
    """The per-shard summaries, the fitted state and the fit's outcomes."""
    folder.mkdir(parents=True)
    summaries, paths = [], []
    for shard, batch in enumerate(cut(rows, shards)):
        summaries.append(op.observe(op.prepare(batch), shard))
        paths.append(folder / f"observe-{shard:05d}.parquet")
        summaries[-1].write_parquet(paths[-1])
    context = FitContext(paths, folder)
    return summaries, op.fit(context), context.outcomes


@pytest.mark.parametrize("shards", [1, 3])
def test_observe_emits_only_source_and_sample_texts(rows, targets, trained_on, tmp_path,
                                                    shards) -> None:
    op = operator(targets, vector_docs=VECTOR_DOCS)
    summaries, _, _ = observe_and_fit(op, rows, shards, tmp_path / "run")
    for batch, summary in zip(cut(rows, shards), summaries, strict=True):
        texts = summary["text"].is_not_null().sum()
        sources = summary["__source"].sum()
        assert texts <= VECTOR_DOCS + sources
        assert summary["__sample"].sum() == min(VECTOR_DOCS, batch["text"].is_not_null().sum())
        assert summary.height == batch.height  # every row is still counted and hashed
    assert rows.height > 2 * VECTOR_DOCS + sum(s["__source"].sum() for s in summaries)


def test_without_a_skipgram_model_only_sources_carry_text(rows, targets, tmp_path) -> None:
    op = operator(targets, methods=["swap", "delete"])
    summaries, state, _ = observe_and_fit(op, rows, 2, tmp_path / "run")
    for summary in summaries:
        assert summary["text"].is_not_null().sum() == summary["__source"].sum()
        assert summary["__sample"].sum() == 0
    assert state.height > 0


def test_the_result_does_not_depend_on_the_number_of_shards(rows, targets, trained_on,
                                                            tmp_path) -> None:
    results = []
    for shards in (1, 2, 5):
        _, state, outcomes = observe_and_fit(operator(targets, vector_docs=VECTOR_DOCS), rows,
                                             shards, tmp_path / f"s{shards}")
        results.append((state.drop(SHARD_COLUMN), outcomes))
    assert len(trained_on) == 3
    assert trained_on[0] == trained_on[1] == trained_on[2]
    assert len(trained_on[0]) == VECTOR_DOCS
    first_state, first_outcomes = results[0]
    assert first_state.height > 0
    assert first_outcomes["neighbour_words"] > 0
    for state, outcomes in results[1:]:
        assert state.equals(first_state)
        assert outcomes == first_outcomes


def test_the_sample_is_the_corpus_wide_smallest_keys(rows, targets, trained_on,
                                                     tmp_path) -> None:
    """The word-vector texts: the rows with the smallest keys (the seeded hash of the id) in
    the whole corpus (ties in corpus order), in corpus order."""
    observe_and_fit(operator(targets, vector_docs=VECTOR_DOCS), rows, 3, tmp_path / "run")
    expected = (rows.with_row_index("__at")
                .filter(pl.col("text").is_not_null())
                .with_columns(pl.col("id").hash(SEED).alias("__key"))
                .sort("__key", "__at").head(VECTOR_DOCS).sort("__at")["text"].to_list())
    assert trained_on == [expected]


def test_nothing_to_add_when_every_class_has_its_target(rows, tmp_path) -> None:
    op = operator({"math": 1}, methods=["swap"])
    _, state, outcomes = observe_and_fit(op, rows, 2, tmp_path / "run")
    assert state.height == 0
    assert outcomes["augmented"] == {"math": 0}
    assert outcomes["shortfall"] == {}
    batch = cut(rows, 2)[0]
    out = op.transform(batch, state, 0)
    assert out.height == batch.height
    assert (out["source"] == "corpus").all()


def test_an_empty_corpus_adds_no_rows(targets, tmp_path) -> None:
    op = operator(targets)
    empty = pl.DataFrame(schema={"id": pl.String, "text": pl.String, "label": pl.String,
                                 ROW_COLUMN: pl.Int64})
    _, state, _ = observe_and_fit(op, empty, 1, tmp_path / "run")
    assert op.transform(empty, state, 0).height == 0


def test_only_the_sources_a_class_needs_are_parsed(rows, monkeypatch, tmp_path) -> None:
    """A class needing a few rows reads and parses its sources a chunk at a time, in key
    order, and stops once it has them; the rows made are those a single chunk gives."""
    parsed: list[int] = []
    parse = augment.parse_documents

    def counting(texts: list[str]) -> list:
        parsed.append(len(texts))
        return parse(texts)

    monkeypatch.setattr(augment, "parse_documents", counting)
    training = rows.filter((pl.col("split") != "eval") & (pl.col("label") == "tech")).height
    targets = {"tech": training + 3}
    _, whole, _ = observe_and_fit(operator(targets, methods=["swap"]), rows, 2,
                                  tmp_path / "whole")
    assert parsed == [training]  # one chunk: every source, as before
    parsed.clear()
    monkeypatch.setattr(augment, "CHUNK", 2)
    _, chunked, outcomes = observe_and_fit(operator(targets, methods=["swap"]), rows, 2,
                                           tmp_path / "chunked")
    assert outcomes["augmented"] == {"tech": 3}
    assert parsed == [2, 2]  # 3 rows needed: two chunks of two sources, then done
    assert chunked.equals(whole)
