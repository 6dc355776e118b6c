"""A synthetic corpus for engine tests: varied texts with duplicates, fragments and nulls."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import write_corpus

WORDS = ("data model train corpus token filter quality news market team score goal "
         "数据 模型 训练 语料 质量 新闻 市场 球队 比赛 经济").split()


def synthetic_shards(shards: int, rows: int, seed: int = 0) -> list[list[str | None]]:
    """Shards of texts: ~10% exact copies of earlier texts, ~5% fragments, a few nulls."""
    rng = random.Random(seed)
    seen: list[str] = []
    out: list[list[str | None]] = []
    for _ in range(shards):
        texts: list[str | None] = []
        for _ in range(rows):
            roll = rng.random()
            if roll < 0.02:
                texts.append(None)
            elif roll < 0.07:
                texts.append(rng.choice(WORDS))
            elif roll < 0.17 and seen:
                texts.append(rng.choice(seen))
            else:
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
                seen.append(text)
                texts.append(text)
        out.append(texts)
    return out


def write_synthetic(folder: Path, shards: int, rows: int, seed: int = 0) -> Path:
    """Write the synthetic corpus as Parquet shards."""
    return write_corpus(folder, synthetic_shards(shards, rows, seed))


STAGES = [
    {"op": "normalize"},
    {"op": "length_filter", "min_words": 5},
    {"op": "exact_dedup"},
    {"op": "length_filter", "name": "long_enough", "min_chars": 40},
]
