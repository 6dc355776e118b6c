"""Dedup of recalled reserve documents against the curated corpus and against each other,
with the pipeline's own dedup: exact_dedup's text hashes (always) and minhash_dedup's MinHash
LSH signatures with its Jaccard check (when the pipeline runs minhash_dedup)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from curate.io import ROW_COLUMN
from curate.ops.base import StageContext
from curate.ops.dedup.minhash import MinHashDedupParams, summarize
from curate.ops.dedup.spill import node_ids
from curate.ops.exact_dedup import ExactDedup, ExactDedupParams

HASHES = ["__h1", "__h2"]
NEAR = ["__bands", "__shingles"]
# Why a candidate was not recalled.
ID_TAKEN = "id_in_corpus"
EXACT_CURATED = "exact_duplicate_of_corpus"
NEAR_CURATED = "near_duplicate_of_corpus"
EXACT_RECALLED = "exact_duplicate_of_recalled"
NEAR_RECALLED = "near_duplicate_of_recalled"


@dataclasses.dataclass(frozen=True)
class DedupKeys:
    """How documents are keyed for dedup: exact_dedup's parameters, and minhash_dedup's when
    near-duplicates are checked too."""

    exact: ExactDedupParams
    near: MinHashDedupParams | None

    def keys(self, batch: pl.DataFrame, source: int, context: StageContext) -> pl.DataFrame:
        """`batch` with its exact hashes (`__h1`, `__h2`) and, when near-duplicates are
        checked, its LSH band keys and shingle hashes (`__bands`, `__shingles`; null for a
        document too short to shingle)."""
        keyed = ExactDedup(self.exact, context).prepare(batch)
        if self.near is None:
            return keyed
        params = dataclasses.replace(self.near, jaccard_check=True, score_column=None)
        signed = summarize(keyed, source, params, context).select("__node", *NEAR)
        return (keyed.with_columns(node_ids(source, pl.col(ROW_COLUMN)))
                .join(signed, on="__node", how="left", maintain_order="left").drop("__node"))


def _similar_pairs(left: pl.DataFrame, right: pl.LazyFrame, threshold: float) -> pl.DataFrame:
    """(left `__key`, right `__key`) pairs sharing an LSH band whose shingle sets reach the
    Jaccard threshold."""
    bands = left.select("__key", "__bands").explode("__bands").drop_nulls()
    matched = (right.select(pl.col("__key").alias("__other"), "__bands").explode("__bands")
               .join(bands.lazy(), on="__bands").select("__key", "__other").unique().collect())
    if matched.height == 0:
        return pl.DataFrame(schema={"__key": pl.Int64, "__other": pl.Int64})
    sets_left = left.select("__key", pl.col("__shingles").alias("__a"))
    sets_right = right.select(pl.col("__key").alias("__other"), pl.col("__shingles").alias("__b"))
    joined = (matched.join(sets_left, on="__key")
              .join(sets_right.join(matched.lazy().select("__other").unique(), on="__other")
                    .collect(), on="__other"))
    common = pl.col("__a").list.set_intersection("__b").list.len()
    union = pl.col("__a").list.n_unique() + pl.col("__b").list.n_unique() - common
    return joined.filter(common >= threshold * union).select("__key", "__other")


def drop_duplicates(candidates: pl.DataFrame, kept: pl.DataFrame, corpus: list[Path],
                    near: MinHashDedupParams | None) -> tuple[pl.DataFrame, dict[str, int]]:
    """The candidates (in rank order, keyed by `__key`) that duplicate neither a corpus
    document (the observation files, with `__id` and the dedup keys) nor a document recalled
    before them (`kept`, already recalled, first), and the number dropped for each reason."""
    dropped: dict[str, int] = {}

    def drop(frame: pl.DataFrame, mask: pl.Series | pl.Expr, reason: str) -> pl.DataFrame:
        out = frame.filter(~mask)
        if frame.height - out.height:
            dropped[reason] = dropped.get(reason, 0) + frame.height - out.height
        return out

    seen = pl.scan_parquet(corpus)
    ids = seen.select("__id").join(candidates.lazy().select("__id"), on="__id").collect()
    candidates = drop(candidates, pl.col("__id").is_in(ids["__id"].implode()), ID_TAKEN)
    hashes = (seen.select(*HASHES).join(candidates.lazy().select(*HASHES), on=HASHES)
              .unique().collect())
    in_corpus = candidates.join(hashes.with_columns(pl.lit(True).alias("__hit")), on=HASHES,
                                how="left", maintain_order="left")["__hit"].fill_null(False)
    candidates = drop(candidates, in_corpus, EXACT_CURATED)
    earlier = pl.concat([kept.select(*HASHES, pl.lit(True).alias("__kept")),
                         candidates.select(*HASHES, pl.lit(False).alias("__kept"))])
    first = earlier.with_columns(
        pl.int_range(pl.len()).over(*HASHES).alias("__nth"),
        pl.col("__kept").any().over(*HASHES).alias("__any_kept"))
    repeat = first.filter(~pl.col("__kept"))
    candidates = drop(candidates, (repeat["__nth"] > 0) | repeat["__any_kept"], EXACT_RECALLED)
    if near is None or candidates.height == 0:
        return candidates, dropped

    scannable = candidates.filter(pl.col("__bands").is_not_null())
    corpus_keys = seen.filter(pl.col("__bands").is_not_null()).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("__key"))
    near_corpus = _similar_pairs(scannable, corpus_keys, near.threshold)["__key"]
    candidates = drop(candidates, pl.col("__key").is_in(near_corpus.implode()), NEAR_CURATED)

    # Greedy in rank order: a candidate similar to a recalled one (kept before, or accepted
    # earlier in this pass) is dropped.
    pool = pl.concat([kept.select("__key", *NEAR), candidates.select("__key", *NEAR)],
                     how="vertical_relaxed").filter(pl.col("__bands").is_not_null())
    pairs = _similar_pairs(pool, pool.lazy(), near.threshold).filter(
        pl.col("__key") != pl.col("__other"))
    partners: dict[int, set[int]] = {}
    for a, b in pairs.iter_rows():
        partners.setdefault(a, set()).add(b)
    accepted = set(kept["__key"].to_list())
    rank = {k: i for i, k in enumerate(kept["__key"].to_list() + candidates["__key"].to_list())}
    rejected: set[int] = set()
    for key in candidates["__key"].to_list():
        if any(rank[o] < rank[key] and o in accepted for o in partners.get(key, ())):
            rejected.add(key)
        else:
            accepted.add(key)
    candidates = drop(candidates, pl.col("__key").is_in(list(rejected)), NEAR_RECALLED)
    return candidates, dropped
