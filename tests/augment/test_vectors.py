"""Word vectors for augmentation: the corpus' own (deterministic PPMI-SVD) vectors, fastText
skipgram models saved and loaded, nearest neighbours, synonym files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from curate.errors import CurateError
from curate.models.vectors import (
    FastTextVectors,
    VectorOptions,
    load_word_vectors,
    train_word_vectors,
)
from curate.ops.augment.neighbours import corpus_neighbours, read_synonyms, token_lines

TOPICS = [["cat", "dog", "kitten", "puppy", "pet", "fur"],
          ["stock", "bond", "market", "price", "trader", "profit"]]


def topic_lines(count: int = 400) -> list[str]:
    rng = random.Random(0)
    return [" ".join(rng.choice(TOPICS[i % 2]) for _ in range(12)) for i in range(count)]


def test_corpus_neighbours_are_deterministic_and_from_the_same_topic(tmp_path: Path) -> None:
    texts = [line.upper() for line in topic_lines()]
    words = ["cat", "stock", "unseen"]
    near = corpus_neighbours(texts, words, 3, 0.3, seed=0, save_to=tmp_path / "v.bin")
    assert set(near) == {"cat", "stock"}
    assert set(near["cat"]) <= set(TOPICS[0]) - {"cat"}
    assert set(near["stock"]) <= set(TOPICS[1]) - {"stock"}
    assert corpus_neighbours(texts, words, 3, 0.3, seed=0) == near  # no randomness left
    # `augment` still passes the skipgram options: window and min_count carry over.
    assert corpus_neighbours(texts, words, 3, 0.3, VectorOptions(), 0) == near
    saved = (tmp_path / "v.bin").read_bytes()
    corpus_neighbours(texts, words, 3, 0.3, seed=0, save_to=tmp_path / "v.bin")
    assert (tmp_path / "v.bin").read_bytes() == saved
    assert load_word_vectors(tmp_path / "v.bin").neighbours(words, 3, 0.3) == near


def test_neighbours_come_from_the_same_topic_and_survive_saving(tmp_path: Path) -> None:
    vectors = train_word_vectors(topic_lines(), options=VectorOptions(dim=16, epoch=20))
    near = vectors.neighbours(["cat", "stock", "unseen"], k=3, min_similarity=0.0)
    assert set(near) == {"cat", "stock"}  # words outside the vocabulary have none
    assert set(near["cat"]) <= set(TOPICS[0]) - {"cat"}
    assert set(near["stock"]) <= set(TOPICS[1]) - {"stock"}
    loaded = load_word_vectors(vectors.save(tmp_path / "vectors.bin"))
    assert isinstance(loaded, FastTextVectors)  # a fastText .bin, as `vectors = ...` names
    assert loaded.neighbours(["cat"], k=3, min_similarity=0.0) == {"cat": near["cat"]}
    assert vectors.neighbours(["cat"], k=3, min_similarity=1.01) == {}


def test_files_that_are_no_vectors_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CurateError, match="no such word-vector model file"):
        load_word_vectors(tmp_path / "missing.bin")
    (tmp_path / "zip.bin").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CurateError, match="not a saved word-vector file"):
        load_word_vectors(tmp_path / "zip.bin")
    (tmp_path / "text.bin").write_text("hello", encoding="utf-8")
    with pytest.raises(CurateError, match="not a fastText model"):
        load_word_vectors(tmp_path / "text.bin")


def test_token_lines_segment_chinese_and_lower_case_the_rest() -> None:
    assert token_lines(["The Team WON, 3-1!", "球队赢得了比赛。"]) == [
        "the team won 3 1", "球队 赢得 了 比赛"]


def test_synonym_files_map_lower_cased_words(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# comment line\nQuick fast rapid\nquick speedy\n比赛\t赛事 竞赛\nlonely\n",
                    encoding="utf-8")
    assert read_synonyms(path) == {"quick": ["fast", "rapid", "speedy"], "比赛": ["赛事", "竞赛"]}
