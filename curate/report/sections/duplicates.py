"""Duplicates: rows each dedup stage removed, cluster sizes, and a few duplicate pairs side by
side with their Jaccard similarity."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report import charts
from curate.report.html import document, esc, note, num, table
from curate.report.run import RunData
from curate.report.sample import fetch_documents, first_by_hash, truncate
from curate.report.sections.base import RenderContext, skipped
from curate.text import words
from curate.text.ngrams import ngrams

KEY = "duplicates"
TITLE = "Duplicates"
DUP_OF = "dup_of"
PAIRS_PER_STAGE = 3
SIMILARITY_COLUMNS = ("jaccard", "dup_jaccard", "similarity")
# Cluster sizes shown one by one up to 10, then in ranges.
SIZE_BUCKETS = [(n, n, str(n)) for n in range(2, 11)] + [
    (11, 20, "11–20"), (21, 50, "21–50"), (51, 100, "51–100"), (101, 1000, "101–1000"),
    (1001, 10**12, ">1000")]


def jaccard(a: str, b: str, ngram: int) -> float:
    """Jaccard similarity of two texts' `ngram`-token shingles (words, CJK characters)."""
    tokens = pl.select(words(pl.Series([a, b]).str.to_lowercase())).to_series().to_list()
    sets = []
    for toks in tokens:
        toks = toks or []
        sets.append(set(ngrams(toks, ngram)) if len(toks) > ngram else {tuple(toks)})
    union = sets[0] | sets[1]
    return len(sets[0] & sets[1]) / len(union) if union else 1.0


def cluster_sizes(rejected: pl.LazyFrame, stage: str) -> dict[str, Any]:
    """Clusters per size bucket: a survivor plus the documents rejected as its copies."""
    sizes = (
        rejected.filter((pl.col("stage") == stage) & pl.col(DUP_OF).is_not_null())
        .group_by(DUP_OF).agg((pl.len() + 1).alias("size"))
        .group_by("size").agg(pl.len().alias("clusters"))
        .collect()
    )
    by_size = dict(sizes.iter_rows())
    buckets = [sum(c for s, c in by_size.items() if lo <= s <= hi) for lo, hi, _ in SIZE_BUCKETS]
    last = max((i for i, b in enumerate(buckets) if b), default=0)
    return {
        "sizes": [name for _, _, name in SIZE_BUCKETS[: last + 1]],
        "clusters": buckets[: last + 1],
        "total_clusters": sum(buckets),
        "largest": max(by_size, default=0),
    }


def _pairs(run: RunData, rejected: pl.LazyFrame, stage: dict[str, Any]) -> list[dict[str, Any]]:
    """A few (duplicate, survivor) pairs of a stage with their Jaccard similarity."""
    sim_col = next((c for c in SIMILARITY_COLUMNS if c in run.rejected_schema), None)
    picked = first_by_hash(
        rejected.filter((pl.col("stage") == stage["name"]) & pl.col(DUP_OF).is_not_null()),
        run.id_column, [DUP_OF, *([sim_col] if sim_col else [])], PAIRS_PER_STAGE)
    ids = [str(i) for i in picked[run.id_column]] + [str(i) for i in picked[DUP_OF]]
    docs = fetch_documents(run, ids, limit=None)
    ngram = int((stage.get("params") or {}).get("ngram") or 5)
    pairs = []
    for row in picked.iter_rows(named=True):
        dup, kept = docs.get(str(row[run.id_column])), docs.get(str(row[DUP_OF]))
        if dup is None:
            continue
        similarity = row.get(sim_col) if sim_col else None
        if similarity is None and kept and dup["text"] is not None and kept["text"] is not None:
            similarity = round(jaccard(dup["text"], kept["text"], ngram), 4)
        shown = [None if d is None else {**d, "text": truncate(d["text"])} for d in (dup, kept)]
        pairs.append({"stage": stage["name"], "duplicate": shown[0], "survivor": shown[1],
                      "survivor_id": str(row[DUP_OF]), "jaccard": similarity,
                      "jaccard_source": sim_col or f"{ngram}-token shingles"})
    return pairs


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Per dedup stage: rows removed, cluster-size counts and example pairs."""
    names = run.stages_rejecting_with(DUP_OF)
    rejected = run.rejected()
    if not names or rejected is None or DUP_OF not in run.rejected_schema:
        return skipped("no deduplication stage (an operator rejecting rows with dup_of) ran")
    counts = {s.stage: s for s in run.manifest.stages}
    stages = []
    for stage in run.stage_configs:
        if stage["name"] not in names:
            continue
        count = counts.get(stage["name"])
        entry = {"stage": stage["name"], "op": stage["op"],
                 "removed": count.rejected if count else None,
                 "rows_in": count.rows_in if count else None}
        entry.update(cluster_sizes(rejected, stage["name"]))
        entry["pairs"] = _pairs(run, rejected, stage)
        stages.append(entry)
    return {"stages": stages}


def _pair_html(pair: dict[str, Any], run_dir: str) -> str:
    sim = pair["jaccard"]
    head = (f'<div class="pair-head">Jaccard {esc(num(sim)) if sim is not None else "–"} '
            f'<span class="muted">({esc(pair["jaccard_source"])})</span></div>')
    survivor = pair["survivor"] or {"id": pair["survivor_id"], "text": None}
    return head + ('<div class="pair">' + document(pair["duplicate"], run_dir)
                   + document(survivor, run_dir) + "</div>")


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Per stage: the size histogram and the pairs."""
    out = [table(
        ["stage", "operator", "rows in", "removed", "clusters", "largest cluster"],
        [[s["stage"], s["op"], num(s["rows_in"]), num(s["removed"]), num(s["total_clusters"]),
          num(s["largest"])] for s in data["stages"]],
        numeric=[False, False, True, True, True, True])]
    figures = [charts.grouped_bars(s["sizes"], {"clusters": s["clusters"]},
                                   f"Cluster sizes · {s['stage']}", colors=(charts.KEPT,),
                                   percent=False, x_title="documents in the cluster",
                                   y_title="clusters")
               for s in data["stages"] if s["clusters"]]
    if figures:
        out.append(ctx.page.grid(figures))
    for s in data["stages"]:
        if s["pairs"]:
            out.append(f"<h3>Pairs · {esc(s['stage'])} (removed left, kept survivor right)</h3>")
            out.extend(_pair_html(p, ctx.run_dir) for p in s["pairs"])
    out.append(note("A cluster is a kept survivor and the documents removed as its copies."))
    return "".join(out)
