"""Tokenizer coverage: the [UNK] rate of a corpus and extending a vocabulary with characters."""

from __future__ import annotations

import random
from collections import Counter

from transformers import PreTrainedTokenizerBase

# Texts sampled to measure the [UNK] rate: enough for a stable figure, fast on large arms.
UNK_SAMPLE = 5_000


def unk_rate(tokenizer: PreTrainedTokenizerBase, texts: list[str], seed: int = 0) -> float:
    """Share of the tokens of `texts` (special tokens excluded) that are the unknown token.

    Measured on a seeded sample of at most UNK_SAMPLE texts. 0.0 for tokenizers without an
    unknown token (byte-level BPE).
    """
    unk_id = tokenizer.unk_token_id
    if unk_id is None or not texts:
        return 0.0
    if len(texts) > UNK_SAMPLE:
        texts = random.Random(seed).sample(texts, UNK_SAMPLE)
    ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
    total = sum(len(row) for row in ids)
    unknown = sum(row.count(unk_id) for row in ids)
    return unknown / total if total else 0.0


def missing_characters(tokenizer: PreTrainedTokenizerBase, texts: list[str]) -> list[str]:
    """The characters of `texts` that the tokenizer turns into its unknown token, most frequent
    first. Empty for tokenizers without an unknown token."""
    unk_id = tokenizer.unk_token_id
    if unk_id is None:
        return []
    counts = Counter(ch for text in texts for ch in text if not ch.isspace())
    chars = list(dict.fromkeys(_normalize(tokenizer, ch) for ch, _ in counts.most_common()))
    chars = [ch for ch in chars if ch and not ch.isspace()]
    if not chars:
        return []
    ids = tokenizer(chars, add_special_tokens=False)["input_ids"]
    return [ch for ch, row in zip(chars, ids, strict=True) if unk_id in row]


def extend_vocabulary(tokenizer: PreTrainedTokenizerBase, texts: list[str]) -> list[str]:
    """Add the characters of `texts` that come out as [UNK] to `tokenizer` as new tokens.

    Returns the characters added. The model's embeddings must then be resized to
    `len(tokenizer)`.
    """
    chars = missing_characters(tokenizer, texts)
    if chars:
        tokenizer.add_tokens(chars)
    return chars


def _normalize(tokenizer: PreTrainedTokenizerBase, ch: str) -> str:
    """`ch` as the tokenizer's normaliser leaves it (lower-cased, accents stripped, ...):
    added tokens are matched against normalised text."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    normalizer = backend.normalizer if backend is not None else None
    return normalizer.normalize_str(ch).strip() if normalizer is not None else ch
