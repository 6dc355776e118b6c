"""Measuring near-duplicate removal: inject near-duplicates of known edit rates into real
texts, record each copy's true Jaccard similarity to its original, and score a removal
against that ground truth. Used by the accuracy tests and `bench/dedup.py`."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from curate.ops.dedup.lsh import optimal_bands
from curate.ops.dedup.signatures import MinHasher, band_keys
from curate.text.shingles import shingle_hashes, shingle_sets

# CJK ideographs (the unified block and extension A): enough to tell Chinese text apart.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

EDITS = ("insert", "delete", "substitute", "append")

# Real texts in ../shared/data (see its README), by language: (folder/file, minimum chars).
ENGLISH_SOURCES = ("bbc_news/bbc_news.parquet", "ag_news_test/ag_news_test.parquet",
                   "dclm_human_quality/dclm_human_quality.parquet")
CHINESE_SOURCES = ("cmrc2018_zhwiki_paragraphs/cmrc2018_zhwiki_paragraphs.parquet",
                   "csldcp_fewclue/csldcp.parquet", "iflytek_fewclue/iflytek.parquet",
                   "flagdata_zh_zhihu_qa_demo/flagdata_zh_zhihu_qa_demo.parquet")
SHORT_SOURCES = ("ag_news_test/ag_news_test.parquet",
                 "sms_spam_collection/sms_spam_collection.parquet",
                 "tnews_fewclue/tnews_unlabeled.parquet",
                 "thucnews_titles/thucnews_titles.parquet",
                 "mrpc_paraphrase_pairs/mrpc_pairs.parquet")


def read_texts(data_dir: Path, sources: tuple[str, ...], min_chars: int = 1) -> pl.DataFrame:
    """(id, text) of the given data sets, exact duplicates and short texts removed."""
    frames = [pl.read_parquet(data_dir / s, columns=["id", "text"]) for s in sources
              if (data_dir / s).exists()]
    texts = pl.concat(frames).filter(pl.col("text").str.len_chars() >= min_chars)
    return texts.unique("text", keep="first", maintain_order=True)


def drop_near_duplicates(texts: pl.DataFrame, threshold: float = 0.5, ngram: int = 5,
                         num_perm: int = 128) -> pl.DataFrame:
    """`texts` without the later member of every pair already similar at `threshold` (LSH
    candidates confirmed by exact Jaccard), so injected copies are the only duplicates."""
    shingles, offsets = shingle_hashes(texts["text"], ngram)
    bands, rows = optimal_bands(threshold, num_perm)
    keys = band_keys(MinHasher(num_perm).signatures(shingles, offsets), bands, rows)
    docs = np.arange(texts.height)
    buckets = pl.DataFrame({"doc": np.repeat(docs, bands),
                            "band": np.tile(np.arange(bands), len(docs)),
                            "key": keys.reshape(-1)})
    pairs = (buckets.group_by("band", "key")
             .agg(pl.col("doc").min().alias("a"), pl.col("doc").alias("b"))
             .explode("b").filter(pl.col("a") != pl.col("b")).select("a", "b").unique())
    sets = pl.DataFrame({"set": shingle_sets(texts["text"], ngram)}).with_row_index("doc")
    similar = jaccard_of_pairs(pairs, sets).filter(pl.col("jaccard") >= threshold)
    later = similar["b"].implode()
    return texts.with_row_index("__doc").filter(~pl.col("__doc").is_in(later)).drop("__doc")


def jaccard_of_pairs(pairs: pl.DataFrame, sets: pl.DataFrame) -> pl.DataFrame:
    """Exact Jaccard of each (a, b) pair, given sorted unique sets by `doc`."""
    cast = sets.with_columns(pl.col("doc").cast(pl.Int64))
    joined = (pairs.with_columns(pl.col("a").cast(pl.Int64), pl.col("b").cast(pl.Int64))
              .join(cast.rename({"doc": "a", "set": "set_a"}), on="a")
              .join(cast.rename({"doc": "b", "set": "set_b"}), on="b"))
    common = pl.col("set_a").list.set_intersection("set_b").list.len()
    union = pl.col("set_a").list.len() + pl.col("set_b").list.len() - common
    return joined.select("a", "b", (common / union).alias("jaccard"))


def _units(text: str) -> tuple[list[str], str]:
    """Edit units: characters for CJK text, words otherwise; and the joiner to rebuild it."""
    if len(_HAN.findall(text)) > len(text) / 3:
        return list(text), ""
    return text.split(" "), " "


def near_duplicate(text: str, edit: str, rate: float, rng: random.Random,
                   vocabulary: list[str], filler: str) -> str:
    """A copy of `text` with `rate` of its units (words, or characters of CJK text) inserted,
    deleted or substituted, or with a paragraph of that relative length appended."""
    units, joiner = _units(text)
    count = max(1, round(rate * len(units)))
    if edit == "append":
        extra, _ = _units(filler)
        return text + "\n\n" + joiner.join(extra[:count])
    units = list(units)
    for _ in range(count):
        if edit == "delete" and len(units) > 1:
            del units[rng.randrange(len(units))]
        elif edit == "insert":
            units.insert(rng.randrange(len(units) + 1), rng.choice(vocabulary))
        else:
            units[rng.randrange(len(units))] = rng.choice(vocabulary)
    return joiner.join(units)


@dataclass
class Injection:
    """How many near-duplicates to inject and how far from their originals."""

    copies: int
    rates: tuple[float, ...] = (0.005, 0.01, 0.02, 0.05, 0.1)
    ngram: int = 5
    seed: int = 0


def inject(base: pl.DataFrame, plan: Injection) -> pl.DataFrame:
    """`base` (id, text) plus `plan.copies` near-duplicates of randomly chosen documents.

    Columns: id, text, origin (original id, null for originals), edit, edit_rate and
    true_jaccard (exact Jaccard of the copy's shingles with its original's). A copy's id is
    its original's id + `~ndN`, so the original has the lowest id of its group.
    """
    rng = random.Random(plan.seed)
    texts = base["text"].to_list()
    ids = base["id"].to_list()
    sample = rng.sample(texts, min(len(texts), 500))
    words = [w for t in sample for w in _units(t)[0] if w.strip()]
    rows = []
    for n in range(plan.copies):
        i = rng.randrange(len(texts))
        edit, rate = EDITS[n % len(EDITS)], plan.rates[(n // len(EDITS)) % len(plan.rates)]
        filler = texts[rng.randrange(len(texts))]
        rows.append((f"{ids[i]}~nd{n}", near_duplicate(texts[i], edit, rate, rng, words, filler),
                     ids[i], edit, rate))
    copies = pl.DataFrame(rows, schema=["id", "text", "origin", "edit", "edit_rate"], orient="row")
    used = copies.select(pl.col("origin").alias("id")).unique()
    originals = base.select("id", "text").join(used, on="id", how="semi")
    truth = true_jaccard(copies, originals, plan.ngram)
    untouched = base.select("id", "text").with_columns(
        pl.lit(None, dtype=pl.String).alias("origin"),
        pl.lit(None, dtype=pl.String).alias("edit"),
        pl.lit(None, dtype=pl.Float64).alias("edit_rate"),
        pl.lit(None, dtype=pl.Float64).alias("true_jaccard"),
    )
    return pl.concat([untouched, truth])


def true_jaccard(copies: pl.DataFrame, originals: pl.DataFrame, ngram: int) -> pl.DataFrame:
    """`copies` with the exact shingle Jaccard of each copy to its origin."""
    copy_sets = copies.with_columns(shingle_sets(copies["text"], ngram).alias("set_b"))
    original_sets = originals.select(pl.col("id").alias("origin"),
                                     shingle_sets(originals["text"], ngram).alias("set_a"))
    joined = copy_sets.join(original_sets, on="origin", how="left", maintain_order="left")
    common = pl.col("set_a").list.set_intersection("set_b").list.len()
    union = pl.col("set_a").list.len() + pl.col("set_b").list.len() - common
    return joined.with_columns((common / union).alias("true_jaccard")).drop("set_a", "set_b")


@dataclass
class Score:
    """Precision and recall of removed documents against injected ground truth."""

    precision: float
    recall: float
    removed: int
    must_find: int
    found: int
    wrong: int
    strict_precision: float

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(truth: pl.DataFrame, removed: pl.Series, must_find: float = 0.85,
          threshold: float = 0.8) -> Score:
    """Score the removed ids. Copies with true Jaccard >= `must_find` must be removed;
    originals and untouched documents must not be; copies below `must_find` count for
    neither (the issue's "for pairs whose true Jaccard is >= 0.85"). `strict_precision`
    also counts removed copies below `threshold` as wrong."""
    marked = truth.with_columns(pl.col("id").is_in(removed.implode()).alias("removed"))
    is_copy = pl.col("origin").is_not_null()
    positive = is_copy & (pl.col("true_jaccard") >= must_find)
    counts = marked.select(
        positive.sum().alias("must_find"),
        (positive & pl.col("removed")).sum().alias("found"),
        (~is_copy & pl.col("removed")).sum().alias("wrong"),
        (is_copy & (pl.col("true_jaccard") >= threshold) & pl.col("removed")).sum().alias("ok"),
        (is_copy & (pl.col("true_jaccard") < threshold) & pl.col("removed")).sum().alias("low"),
        pl.col("removed").sum().alias("removed"),
    ).row(0, named=True)
    found, wrong = counts["found"], counts["wrong"]
    strict_wrong = wrong + counts["low"]
    return Score(
        precision=found / (found + wrong) if found + wrong else 1.0,
        recall=found / counts["must_find"] if counts["must_find"] else 1.0,
        removed=counts["removed"], must_find=counts["must_find"], found=found, wrong=wrong,
        strict_precision=(counts["ok"] / (counts["ok"] + strict_wrong)
                          if counts["ok"] + strict_wrong else 1.0),
    )
