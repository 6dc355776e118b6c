"""Dedup of recalled reserve documents against the curated corpus and against each other,
with the pipeline's own dedup: exact_dedup's text hashes (always) and minhash_dedup's MinHash
LSH signatures with its Jaccard check (when the pipeline runs minhash_dedup)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from curate.io import ROW_COLUMN
from curate.ops.base import StageContext
from curate.ops.dedup.exact import ExactDedup, ExactDedupParams
from curate.ops.dedup.minhash import MinHashDedupParams, summarize
from curate.ops.dedup.spill import node_ids

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


FILE_STRIDE = 1 << 32
# Band-sharing pairs whose shingle sets are compared at a time.
PAIRS_PER_BATCH = 500_000


def _no_pairs() -> pl.DataFrame:
    """An empty list of (`__key`, `__other`) pairs."""
    return pl.DataFrame(schema={"__key": pl.Int64, "__other": pl.Int64})


def row_keys(number: int) -> pl.Expr:
    """`__key` of the rows of the `number`th file of a list: the file's number and the row's
    place in it, so the documents a key names can be read back one file at a time."""
    return (pl.lit(number, dtype=pl.Int64) * FILE_STRIDE
            + pl.int_range(pl.len(), dtype=pl.Int64)).alias("__key")


def shingle_sets(files: list[Path], keys: pl.Series) -> pl.DataFrame:
    """`__key` and `__shingles` of the documents `keys` (`row_keys`) name, read one file at a
    time so no more than one file's sets are ever held beside the ones asked for."""
    wanted = keys.unique()
    parts = [pl.DataFrame(schema={"__key": pl.Int64, "__shingles": pl.List(pl.UInt64)})]
    for number, file in enumerate(files):
        mine = wanted.filter(wanted // FILE_STRIDE == number)
        if mine.len():
            parts.append(pl.scan_parquet(file).select(row_keys(number), "__shingles")
                         .filter(pl.col("__key").is_in(mine.implode())).collect())
    return pl.concat(parts, how="vertical_relaxed")


def _bands(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """One (`__key`, band key) row per LSH band of each document that has them."""
    return frame.select("__key", "__bands").explode("__bands").drop_nulls()


def _band_matches(left: pl.DataFrame, right: pl.LazyFrame) -> pl.DataFrame:
    """(left `__key`, right `__key` as `__other`) pairs sharing an LSH band (`left` is
    `_bands` rows)."""
    return (_bands(right).rename({"__key": "__other"}).join(left.lazy(), on="__bands")
            .select("__key", "__other").unique().collect())


def _pool_matches(pool: pl.DataFrame) -> pl.DataFrame:
    """Each pair of distinct `pool` documents sharing an LSH band, once (`__key` <
    `__other`). Only the bands held by more than one document are joined."""
    shared = _bands(pool.lazy()).filter(pl.len().over("__bands") > 1)
    return (shared.join(shared.rename({"__key": "__other"}), on="__bands")
            .filter(pl.col("__key") < pl.col("__other"))
            .select("__key", "__other").unique().collect())


def _greedy_drops(pairs: pl.DataFrame, ranked: pl.Series, first: int) -> list[int]:
    """The places in `ranked` (keys in rank order) of the documents a greedy pass drops: in
    rank order, a document from place `first` on is dropped when it is similar (`pairs`, in
    either order) to an earlier document that was not dropped; the first `first` never are."""
    rank = pl.DataFrame({"__key": ranked,
                         "__rank": pl.int_range(len(ranked), dtype=pl.Int64, eager=True)})
    later = (pairs.join(rank, on="__key")
             .join(rank.rename({"__key": "__other", "__rank": "__other_rank"}), on="__other")
             .select(pl.max_horizontal("__rank", "__other_rank").alias("__later"),
                     pl.min_horizontal("__rank", "__other_rank").alias("__earlier"))
             .filter(pl.col("__later") >= first)
             .group_by("__later").agg("__earlier").sort("__later"))
    dropped: set[int] = set()
    for place, earlier in later.iter_rows():
        if any(e not in dropped for e in earlier):
            dropped.add(place)
    return sorted(dropped)


def _similar(matched: pl.DataFrame, left: list[Path], right: list[Path],
             threshold: float) -> pl.DataFrame:
    """The `matched` pairs whose shingle sets (read from the `left` and `right` files) reach
    the Jaccard threshold. Each document's set is read once; pairs are checked
    `PAIRS_PER_BATCH` at a time, since band-sharing pairs grow faster than the documents."""
    found = [_no_pairs()]
    if matched.height == 0:
        return found[0]
    if left == right:
        sets_left = sets_right = shingle_sets(left, pl.concat([matched["__key"],
                                                                matched["__other"]]))
    else:
        sets_left = shingle_sets(left, matched["__key"])
        sets_right = shingle_sets(right, matched["__other"])
    sets_left = sets_left.rename({"__shingles": "__a"})
    sets_right = sets_right.rename({"__key": "__other", "__shingles": "__b"})
    common = pl.col("__a").list.set_intersection("__b").list.len()
    union = pl.col("__a").list.n_unique() + pl.col("__b").list.n_unique() - common
    for start in range(0, matched.height, PAIRS_PER_BATCH):
        joined = (matched.slice(start, PAIRS_PER_BATCH).join(sets_left, on="__key")
                  .join(sets_right, on="__other"))
        found.append(joined.filter(common >= threshold * union).select("__key", "__other"))
    return pl.concat(found)


def drop_duplicates(candidates: pl.DataFrame, kept: pl.DataFrame, reserve: list[Path],
                    corpus: list[Path], near: MinHashDedupParams | None,
                    ) -> tuple[pl.DataFrame, dict[str, int]]:
    """The candidates (in rank order, keyed by `row_keys` of the `reserve` files, which hold
    their shingle sets) that duplicate neither a corpus document (the observation files, with
    `__id` and the dedup keys) nor a document recalled before them (`kept`, already recalled,
    first), and the number dropped for each reason. Shingle sets are read only for the pairs
    sharing an LSH band."""
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

    bands = _bands(candidates)
    matched = pl.concat([_no_pairs(),
                         *(_band_matches(bands, pl.scan_parquet(file).select(
                             row_keys(number), "__bands")) for number, file in enumerate(corpus))])
    near_corpus = _similar(matched, reserve, corpus, near.threshold)["__key"]
    candidates = drop(candidates, pl.col("__key").is_in(near_corpus.implode()), NEAR_CURATED)

    # Greedy in rank order: a candidate similar to a recalled one (kept before, or accepted
    # earlier in this pass) is dropped.
    pool = pl.concat([kept.select("__key", "__bands"), candidates.select("__key", "__bands")],
                     how="vertical_relaxed")
    pairs = _similar(_pool_matches(pool), reserve, reserve, near.threshold)
    places = _greedy_drops(pairs, pool["__key"], kept.height)
    in_pool = pl.int_range(pl.len(), dtype=pl.Int64) + kept.height
    candidates = drop(candidates, in_pool.is_in(pl.Series(places, dtype=pl.Int64).implode()),
                      NEAR_RECALLED)
    return candidates, dropped
