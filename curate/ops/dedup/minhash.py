"""`minhash_dedup`: near-duplicate removal with MinHash LSH, in shard-parallel phases.

observe (per shard): shingles -> MinHash signatures -> LSH band keys (the summary).
fit: [reference corpus summaries] -> band keys shuffled by bucket -> candidate edges per
bucket -> [exact Jaccard check] -> connected components (Large-Star / Small-Star) -> one
survivor per cluster. Every phase is a map over partitions spilled to the fit's work folder.
transform (per shard): reject cluster members other than the survivor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from curate.io import ROW_COLUMN, write_shard
from curate.io.corpus import named_shards, read_screened
from curate.ops.base import FitContext, GlobalOperator, StageContext, register
from curate.ops.dedup.components import connected_components, write_both_ways
from curate.ops.dedup.lsh import bucket_edges, optimal_bands, shuffle_band_keys
from curate.ops.dedup.signatures import MinHasher, band_keys
from curate.ops.dedup.spill import Phases, node_ids, source_of
from curate.ops.dedup.survivors import attach_attributes, choose_survivors, read_state
from curate.ops.dedup.verify import attach_first_set, keep_similar
from curate.params import param
from curate.text.shingles import list_series, shingle_hashes, shingle_sets

# Rows (document × band bucket entries, or directed edges) one partition holds at most:
# about 100 MB in memory.
ROWS_PER_PARTITION = 4_000_000


@dataclass
class MinHashDedupParams:
    threshold: float = param(0.8, "Jaccard similarity from which two documents are duplicates")
    num_perm: int = param(128, "MinHash permutations per document")
    bands: int | None = param(None, "LSH bands (default: datasketch's choice for the threshold)")
    rows: int | None = param(None, "LSH rows per band (set together with bands)")
    false_negative_weight: float = param(
        0.9, "weight of missed pairs against false candidates when choosing bands and rows, "
        "as datasketch's weights = (1 - w, w) (0.5: datasketch's default layout); a high "
        "weight finds more pairs and jaccard_check drops the false ones")
    ngram: int = param(5, "tokens per shingle")
    tokenization: Literal["auto", "word", "char"] = param(
        "auto", "auto: words, and characters for CJK text; word: jieba words for CJK text; "
        "char: every non-space character")
    scheme: Literal["affine32", "affine64", "legacy"] = param(
        "affine32", "datasketch's MinHash permutation scheme")
    jaccard_check: bool = param(
        True, "check candidate pairs' exact Jaccard and drop LSH false positives")
    score_column: str | None = param(
        "q_overall", "the survivor of a cluster has the highest value of this column, "
        "when present (else the lowest id)")
    reference: str | None = param(
        None, "corpus (folder, glob or run folder) to dedup against: documents that are "
        "near-duplicates of a reference document are removed")
    partitions: int | None = param(None, "shuffle partitions (default: from the corpus size)")

    def validate(self) -> tuple[str, str] | None:
        """Check ranges and the band layout."""
        if not 0.0 < self.threshold <= 1.0:
            return "threshold", f"must be in (0, 1], got {self.threshold}"
        if self.num_perm < 2:
            return "num_perm", f"must be >= 2, got {self.num_perm}"
        if self.ngram < 1:
            return "ngram", f"must be >= 1, got {self.ngram}"
        if (self.bands is None) != (self.rows is None):
            return ("rows" if self.rows is None else "bands"), "set bands and rows together"
        if self.bands is not None and self.rows is not None:
            if self.bands < 1 or self.rows < 1:
                return "bands", "bands and rows must be >= 1"
            if self.bands * self.rows > self.num_perm:
                return "bands", (f"bands x rows = {self.bands * self.rows} exceeds "
                                 f"num_perm = {self.num_perm}")
        if not 0.0 <= self.false_negative_weight <= 1.0:
            return "false_negative_weight", f"must be in [0, 1], got {self.false_negative_weight}"
        if self.partitions is not None and self.partitions < 1:
            return "partitions", f"must be >= 1, got {self.partitions}"
        return None

    def band_layout(self) -> tuple[int, int]:
        """(bands, rows): as given, or datasketch's optimum for threshold and num_perm."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        weights = (1.0 - self.false_negative_weight, self.false_negative_weight)
        return optimal_bands(self.threshold, self.num_perm, weights)


def summarize(batch: pl.DataFrame, source: int, params: MinHashDedupParams,
              context: StageContext) -> pl.DataFrame:
    """A source's summary: node id, id, score and LSH band keys of every document with at
    least one shingle (plus its shingle hashes when the exact check is on)."""
    text = batch[context.text_column]
    shingles, offsets = shingle_hashes(text, params.ngram, params.tokenization, context.seed)
    signatures = MinHasher(params.num_perm, context.seed, params.scheme).signatures(
        shingles, offsets)
    bands, rows = params.band_layout()
    score = params.score_column
    columns = [
        node_ids(source, pl.col(ROW_COLUMN)),
        pl.col(context.id_column).cast(pl.String).alias("__id"),
        (pl.col(score).cast(pl.Float64, strict=False) if score and score in batch.columns
         else pl.lit(None, dtype=pl.Float64)).alias("__score"),
    ]
    summary = batch.select(columns).with_columns(
        pl.Series("__bands", band_keys(signatures, bands, rows)),
    )
    if params.jaccard_check:
        # The shingles as 32-bit hashes, as they come (the check makes sets of them): a
        # spurious match between two ~100-shingle sets is ~2e-6 likely, and the lists, the
        # bulk of the summary, are half the size.
        low_bits = (shingles & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        summary = summary.with_columns(list_series(low_bits, offsets).alias("__shingles"))
    return summary.filter(pl.Series(np.diff(offsets) > 0))


def summarize_reference(shard: Path, name: str, source: int, params: MinHashDedupParams,
                        context: StageContext, out: Path) -> str:
    """Task: read one reference shard and write its summary as source `source`."""
    batch, _ = read_screened(shard, name, context.text_column, context.id_column,
                             context.max_doc_bytes)
    write_shard(summarize(batch, source, params, context), out)
    return str(out)


@register
class MinHashDedup(GlobalOperator[MinHashDedupParams]):
    """Remove near-duplicate documents: MinHash LSH, connected components, one survivor each."""

    name = "minhash_dedup"
    reserve_role = "near_dedup"

    def similarity(self, text: str, other: str) -> float | None:
        """The Jaccard similarity of the two texts' shingle sets, as this stage measures it
        (its n-grams and tokenization)."""
        p = self.params
        sets = shingle_sets(pl.Series([text, other]), p.ngram, p.tokenization, self.context.seed)
        a, b = (set(x) for x in sets.to_list())
        return len(a & b) / len(a | b) if a | b else 1.0
    signals = ("dup_cluster", "dup_cluster_size")
    rejection_columns = ("dup_of",)

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Band keys (and ids, scores) of the shard's documents."""
        return summarize(batch, shard, self.params, self.context)

    def fit(self, context: FitContext) -> pl.DataFrame:
        """The cluster of every document that has a near-duplicate, and its survivor."""
        params, work, run = self.params, context.work_dir, context.map
        phases = Phases(work)
        sources = list(context.summaries)
        reference_sources = self._reference_summaries(context, phases, len(sources))
        is_reference = [False] * len(sources) + [True] * len(reference_sources)
        sources += reference_sources
        per_source = list(enumerate(sources))

        # LSH: band keys to bucket partitions, then each bucket to a star of candidate edges.
        buckets, candidates = work / "buckets", work / "candidates"
        partitions = params.partitions or self._bucket_partitions(sources)
        phases.run("lsh-shuffle", lambda: run(
            shuffle_band_keys, [(s, buckets, i, partitions) for i, s in per_source]))
        found = sum(phases.run("lsh-edges", lambda: run(
            bucket_edges, [(buckets, p, candidates) for p in range(partitions)])))
        pairs = candidates
        if found and params.jaccard_check:
            paired, pairs = work / "paired", work / "checked"
            phases.run("check-pair", lambda: run(
                attach_first_set, [(candidates, i, s, paired) for i, s in per_source]))
            found = sum(phases.run("check-jaccard", lambda: run(keep_similar, [
                (paired, i, s, params.threshold, pairs) for i, s in per_source])))
        if not found:
            return read_state(work / "state", 0)

        # Clusters: connected components of the duplicate graph, then a survivor for each.
        edges, members, attributed = work / "edges", work / "members", work / "attributed"
        graph = params.partitions or max(math.ceil(2 * found / ROWS_PER_PARTITION), 1)
        phases.run("cc-edges", lambda: run(
            write_both_ways, [(pairs, i, edges, graph) for i, _ in per_source]))
        connected_components(edges, work / "cc", graph, run, phases, members, source_of)
        phases.run("survivors-attach", lambda: run(attach_attributes, [
            (members, i, s, is_reference[i], attributed, graph) for i, s in per_source]))
        phases.run("survivors-choose", lambda: run(
            choose_survivors, [(attributed, p, work / "state") for p in range(graph)]))
        return read_state(work / "state", graph)

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Reject every clustered document but its cluster's survivor."""
        joined = batch.with_columns(node_ids(shard, pl.col(ROW_COLUMN))).join(
            state, on="__node", how="left", maintain_order="left")
        duplicate = pl.col("__dup_of").is_not_null() & ~pl.col("__survivor")
        reason = pl.when(pl.col("__reference")).then(pl.lit("reference_near_duplicate")) \
            .otherwise(pl.lit("near_duplicate"))
        return joined.with_columns(
            self.reject_when(duplicate, reason),
            pl.when(duplicate).then(pl.col("__dup_of")).otherwise(None).alias("dup_of"),
            pl.col("dup_cluster_size").fill_null(1),
        ).drop("__node", "__survivor", "__reference", "__dup_of")

    def _reference_summaries(self, context: FitContext, phases: Phases,
                             first_source: int) -> list[Path]:
        """Summaries of the reference corpus' shards, as sources after the corpus' own."""
        if self.params.reference is None:
            return []
        shards = named_shards(self.params.reference, Path(self.context.config_dir))
        out = context.work_dir / "reference"
        tasks = [(shard, name, first_source + i, self.params, self.context,
                  out / f"summary-{i:05d}.parquet") for i, (shard, name) in enumerate(shards)]
        paths = phases.run("reference", lambda: context.map(summarize_reference, tasks))
        return [Path(p) for p in paths]

    def _bucket_partitions(self, sources: list[Path]) -> int:
        """Enough partitions that each holds at most ROWS_PER_PARTITION bucket rows, and a
        few more to spread the work (each phase writes producers × partitions files)."""
        documents = pl.scan_parquet(sources).select(pl.len()).collect().item() if sources else 0
        bands, _ = self.params.band_layout()
        return max(math.ceil(documents * bands / ROWS_PER_PARTITION), min(len(sources), 8), 1)
