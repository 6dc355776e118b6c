"""Specification of the pieces of the recalled documents' self-dedup: which pairs are checked
and which documents the greedy pass drops."""

from __future__ import annotations

import polars as pl

from curate.ops.domain.recall_dedup import _greedy_drops, _pool_matches


def test_pool_matches_are_distinct_documents_sharing_a_band_each_pair_once() -> None:
    pool = pl.DataFrame({"__key": [1, 2, 3, 4],
                         "__bands": [[10, 11], [10, 12], [13, 11], [14, None]]},
                        schema={"__key": pl.Int64, "__bands": pl.List(pl.UInt64)})
    pairs = _pool_matches(pool).sort("__key", "__other")
    assert pairs.rows() == [(1, 2), (1, 3)]


def test_pool_matches_of_documents_sharing_several_bands_come_once() -> None:
    pool = pl.DataFrame({"__key": [7, 5], "__bands": [[1, 2, 3], [1, 2, 9]]},
                        schema={"__key": pl.Int64, "__bands": pl.List(pl.UInt64)})
    assert _pool_matches(pool).rows() == [(5, 7)]


def test_greedy_drops_a_document_similar_to_an_earlier_one_still_kept() -> None:
    ranked = pl.Series([40, 10, 30, 20, 50], dtype=pl.Int64)  # 40 was recalled before
    pairs = pl.DataFrame({"__key": [10, 30, 20, 40], "__other": [40, 10, 30, 50]})
    # 10 ~ 40 (kept): dropped. 30 ~ 10 only (dropped): kept. 20 ~ 30 (kept): dropped.
    # 50 ~ 40 (kept): dropped.
    assert _greedy_drops(pairs, ranked, first=1) == [1, 3, 4]


def test_greedy_never_drops_documents_recalled_before() -> None:
    ranked = pl.Series([1, 2, 3], dtype=pl.Int64)
    pairs = pl.DataFrame({"__key": [1, 2], "__other": [2, 3]})
    assert _greedy_drops(pairs, ranked, first=2) == [2]  # 1 ~ 2, both recalled before
    assert _greedy_drops(pairs, ranked, first=0) == [1]  # 2 dropped, so 3 is kept


def test_greedy_without_pairs_drops_nothing() -> None:
    pairs = pl.DataFrame(schema={"__key": pl.Int64, "__other": pl.Int64})
    assert _greedy_drops(pairs, pl.Series([1, 2], dtype=pl.Int64), first=0) == []
