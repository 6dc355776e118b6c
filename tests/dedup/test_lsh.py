"""LSH: the same bands × rows as datasketch's MinHashLSH, and the same candidate pairs."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from datasketch import MinHash, MinHashLSH

from curate.ops.dedup.lsh import EDGE_SCHEMA, bucket_edges, optimal_bands, shuffle_band_keys
from curate.ops.dedup.signatures import MinHasher, band_keys
from curate.ops.dedup.spill import read_partition
from curate.text.shingles import shingle_hashes


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.85, 0.9, 0.95])
@pytest.mark.parametrize("num_perm", [64, 128])
def test_band_layout_equals_datasketch(threshold: float, num_perm: int) -> None:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert optimal_bands(threshold, num_perm) == (lsh.b, lsh.r)


@pytest.mark.parametrize("weights", [(0.3, 0.7), (0.1, 0.9)])
def test_weighted_band_layout_equals_datasketch(weights: tuple[float, float]) -> None:
    lsh = MinHashLSH(threshold=0.8, num_perm=128, weights=weights)
    assert optimal_bands(0.8, 128, weights) == (lsh.b, lsh.r)


def test_candidate_pairs_equal_datasketch_queries() -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    texts = []
    for _ in range(60):
        base = list(rng.choice(words, 40))
        texts.append(" ".join(base))
        for _ in range(2):  # two variants with a few words changed
            variant = list(base)
            for i in rng.choice(40, int(rng.integers(1, 8)), replace=False):
                variant[i] = str(rng.choice(words))
            texts.append(" ".join(variant))
    num_perm, threshold = 64, 0.6
    bands, rows = optimal_bands(threshold, num_perm)
    signatures = MinHasher(num_perm, 1).signatures(*shingle_hashes(pl.Series(texts), 3))
    keys = band_keys(signatures, bands, rows)

    mine = {
        (a, b)
        for j in range(bands)
        for group in pl.DataFrame({"key": keys[:, j], "doc": range(len(texts))})
        .group_by("key").agg("doc")["doc"].to_list()
        for a, b in itertools.combinations(sorted(group), 2)
    }
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = [MinHash(num_perm=num_perm, seed=1, hashvalues=s, scheme="affine32")
                for s in signatures]
    for d, sketch in enumerate(sketches):
        lsh.insert(d, sketch)
    theirs = {(min(d, o), max(d, o)) for d, s in enumerate(sketches)
              for o in lsh.query(s) if o != d}
    assert len(theirs) > 40
    assert mine == theirs


def test_buckets_become_stars_rooted_at_their_smallest_node(tmp_path: Path) -> None:
    keys = np.array([[7, 100], [7, 200], [8, 200], [9, 300], [10, 7]], dtype=np.uint64)
    nodes = [5, 3, 9, 4, (1 << 32) + 2]  # the last from source 1
    summary = tmp_path / "summary.parquet"
    pl.DataFrame({"__node": nodes, "__bands": keys}).write_parquet(summary)
    assert shuffle_band_keys(summary, tmp_path / "buckets", 0, partitions=3) == 10
    found = sum(bucket_edges(tmp_path / "buckets", p, tmp_path / "edges") for p in range(3))
    # 5 and 3 share band 0's key 7; 3 and 9 share band 1's key 200; 7 in band 1 is another
    # bucket than 7 in band 0.
    assert found == 2
    edges = read_partition(tmp_path / "edges", 0, EDGE_SCHEMA)
    assert sorted(edges.rows()) == [(3, 5), (3, 9)]
    assert read_partition(tmp_path / "edges", 1, EDGE_SCHEMA).height == 0
