"""A synthetic finished run folder with every optional report input: language, quality
scores, domains with targets, near-duplicate clusters, ablation.json. Written directly with
numpy and polars (no pipeline run), so the report can be tested and benchmarked at any size.

Stages, in order: read (null text), normalize, length_filter, language_filter, minhash_dedup,
quality_filter, domain_mix; the last two use operators curate may not register, which the
report must handle too.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

LANGS = np.array(["zh", "en", "ja", "fr"])
LANG_P = [0.55, 0.40, 0.03, 0.02]
DOMAINS = np.array(["news", "tech", "finance", "sports", "education", "other"])
DOMAIN_P = [0.35, 0.22, 0.15, 0.12, 0.06, 0.10]
TARGETS = {"news": 0.2, "tech": 0.2, "finance": 0.2, "sports": 0.2, "education": 0.2}
ZH = "数据质量决定模型上限。我们清洗语料，去掉重复与噪声，保留信息密度高的文档。" * 40
EN = ("Clean data makes better models. We remove duplicates and noise, and keep documents "
      "dense with information. ") * 30
SCRIPT = "<script>alert(1)</script>"
STAGES = [
    {"name": "normalize", "op": "normalize", "params": {"form": "NFKC"}},
    {"name": "length_filter", "op": "length_filter",
     "params": {"min_chars": 50, "max_chars": None, "min_words": 0, "max_words": None}},
    {"name": "language_filter", "op": "language_filter",
     "params": {"keep": ["zh", "en"], "min_lang_score": 0.5}},
    {"name": "minhash_dedup", "op": "minhash_dedup", "params": {"threshold": 0.8, "ngram": 5}},
    {"name": "quality_filter", "op": "quality_filter", "params": {"min_overall": 0.45}},
    {"name": "domain_mix", "op": "domain_mix", "params": {"targets": TARGETS}},
]


def _reasons(rng: np.random.Generator, n: int, n_chars: np.ndarray, lang: np.ndarray,
             lang_score: np.ndarray, dup: np.ndarray, q: np.ndarray) -> tuple[list, list]:
    """(stage, reason) per document: the first stage that rejects it, else (None, None)."""
    stage = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    rules = [
        ("read", "null_text", rng.random(n) < 0.005),
        ("length_filter", "too_few_chars", n_chars < 50),
        ("language_filter", "wrong_language", ~np.isin(lang, ["zh", "en"])),
        ("language_filter", "low_language_score", lang_score < 0.5),
        ("minhash_dedup", "near_duplicate", dup),
        ("quality_filter", "low_quality", q < 0.45),
    ]
    for name, why, hit in rules:
        fresh = hit & (reason == None)  # noqa: E711 - elementwise on an object array
        stage[fresh], reason[fresh] = name, why
    return stage.tolist(), reason.tolist()


def write_run_folder(root: Path, rows: int, shards: int = 4, seed: int = 0,
                     ablation: bool = True, pools: tuple[str, str] = (ZH, EN),
                     max_text_chars: int = 300) -> Path:
    """Write a complete synthetic run folder of `rows` documents in `shards` shards.

    Each text is a slice of a Chinese or English pool of text (`pools`) at a random offset,
    as long as its n_chars up to `max_text_chars`.
    """
    rng = np.random.default_rng(seed)
    for sub in ("stats", "curated", "rejected"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    ids = np.char.add("doc-", np.arange(rows).astype(str))
    lang = rng.choice(LANGS, rows, p=LANG_P)
    n_chars = np.maximum(rng.lognormal(6.3, 1.0, rows).astype(np.int64), 1)
    n_words = np.where(lang == "zh", n_chars, np.maximum(n_chars // 5, 1))
    q_text, q_info, q_density = rng.beta(5, 2, rows), rng.beta(2, 2, rows), rng.beta(3, 3, rows)
    q_overall = (q_text + q_info + q_density) / 3
    lang_score = np.clip(rng.beta(8, 1.5, rows), 0, 1)
    # Near-duplicate clusters: ~8 % of documents copy a survivor; a few survivors are copied
    # often (heavy-tailed cluster sizes).
    is_dup = rng.random(rows) < 0.08
    candidates = np.flatnonzero(~is_dup)
    pick = np.minimum((rng.pareto(1.1, rows) * 20).astype(np.int64), len(candidates) - 1)
    survivor = np.where(is_dup, candidates[pick], -1)
    stage, reason = _reasons(rng, rows, n_chars, lang, lang_score, is_dup, q_overall)
    is_dup &= np.array(reason, dtype=object) == "near_duplicate"
    survivor[~is_dup] = -1
    cluster = survivor.copy()
    members = np.bincount(cluster[cluster >= 0], minlength=rows)
    cluster[members > 0] = np.flatnonzero(members > 0)
    size = np.where(cluster >= 0, members[np.maximum(cluster, 0)] + 1, 0)
    frame = pl.DataFrame({
        "id": ids, "row": np.arange(rows, dtype=np.int64), "n_chars": n_chars,
        "n_words": n_words.astype(np.int64),
        "normalize_chars_removed": rng.poisson(0.3, rows).astype(np.uint32),
        "lang": lang, "lang_score": lang_score.round(4),
        "dup_cluster": pl.Series(cluster).replace(-1, None),
        "dup_cluster_size": pl.Series(size).replace(0, None),
        "q_text": q_text.round(4), "q_info": q_info.round(4), "q_density": q_density.round(4),
        "q_overall": q_overall.round(4),
        "domain": rng.choice(DOMAINS, rows, p=DOMAIN_P),
        "stage": pl.Series(stage, dtype=pl.String), "reason": pl.Series(reason, dtype=pl.String),
        "dup_of": pl.Series(np.char.add("doc-", survivor.astype(str))).set(
            pl.Series(~is_dup), None),
        "label": rng.choice(np.array(["a", "b", "c"]), rows),
    })
    stage_pos = pl.col("stage").replace_strict(
        {s: i for i, s in enumerate(["read", "normalize", "length_filter", "language_filter",
                                     "minhash_dedup", "quality_filter", "domain_mix"])},
        default=99)
    # Signals are absent for documents rejected before the stage that measures them.
    frame = frame.with_columns(
        *[pl.when(stage_pos < 2).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("n_chars", "n_words", "normalize_chars_removed")],
        *[pl.when(stage_pos < 4).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("dup_cluster", "dup_cluster_size")],
        *[pl.when(stage_pos < 5).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("q_text", "q_info", "q_density", "q_overall")],
    )
    offsets = rng.integers(0, 2**31, rows)
    lengths = np.clip(np.nan_to_num(frame["n_chars"].to_numpy(), nan=1), 1, max_text_chars)
    spans = [len(p) - max_text_chars for p in pools]
    texts: list[str | None] = []
    for o, n, is_zh in zip(offsets.tolist(), lengths.astype(int).tolist(),
                           (lang == "zh").tolist(), strict=True):
        pool, span = (pools[0], spans[0]) if is_zh else (pools[1], spans[1])
        start = o % span
        texts.append(pool[start:start + n])
    for i in range(0, rows, 997):
        texts[i] = SCRIPT + " bold <b>claim</b> & more"
    text = pl.when(pl.col("stage") == "read").then(None).otherwise(pl.Series(texts))
    frame = frame.with_columns(text.alias("text"))
    stats_cols = ["id", "row", "n_chars", "n_words", "normalize_chars_removed", "lang",
                  "lang_score", "dup_cluster", "dup_cluster_size", "q_text", "q_info",
                  "q_density", "q_overall", "domain", "stage", "reason"]
    bounds = np.linspace(0, rows, shards + 1).astype(int)
    passes = {}
    for s in range(shards):
        part = frame.slice(bounds[s], bounds[s + 1] - bounds[s])
        part.select(stats_cols).write_parquet(root / "stats" / f"part-{s:05d}.parquet")
        kept = part.filter(pl.col("reason").is_null())
        kept.select("id", "text", "label", "domain").write_parquet(
            root / "curated" / f"part-{s:05d}-000.parquet")
        part.filter(pl.col("reason").is_not_null()).select(
            "id", "text", "label", "reason", "stage", "dup_of").write_parquet(
            root / "rejected" / f"part-{s:05d}-p0-000.parquet")
        passes[str(s)] = {"pass_index": 0, "shard": s, "counts": [], "rows_in": part.height,
                          "rows_out": kept.height, "bytes_in": 0,
                          "seconds": round(part.height / 20_000, 3), "peak_rss_mb": 900.0}
    _write_manifest(root, frame, passes, rows, shards)
    if ablation:
        _write_ablation(root)
    return root


def _write_manifest(root: Path, frame: pl.DataFrame, passes: dict, rows: int,
                    shards: int) -> None:
    """The manifest a run of these stages would have written."""
    rejected = dict(frame.group_by("stage").len().drop_nulls().iter_rows())
    stages, left = [], rows
    for name in ["read", *[s["name"] for s in STAGES]]:
        out = rejected.get(name, 0)
        stages.append({"stage": name, "in": left, "kept": left - out, "rejected": out,
                       "seconds": round(left / 150_000, 4)})
        left -= out
    manifest = {
        "status": "complete", "config_file": str(root.parent / "synthetic.toml"),
        "config_hash": "0123456789abcdef",
        "config": {"pipeline": {"input": "raw", "output": root.name, "name": "synthetic",
                                "text_column": "text", "id_column": "id", "seed": 0,
                                "max_rows_per_shard": 100_000},
                   "stages": STAGES},
        "engine": {"kind": "ray"}, "versions": {"curate": "0.1.0"},
        "started": "2026-01-01T00:00:00+0000", "finished": "2026-01-01T00:01:00+0000",
        "inputs": [{"index": s, "path": f"raw/part-{s}.parquet", "name": f"part-{s}.parquet",
                    "bytes": 1} for s in range(shards)],
        "passes": [{"index": 0, "stages": [s["name"] for s in STAGES], "shards": passes}],
        "fits": {"minhash_dedup": {"seconds": 3.2}},
        "stages": stages,
        "totals": {"input_rows": rows, "curated_rows": left, "rejected_rows": rows - left,
                   "input_bytes": rows * 300, "wall_seconds": 60.0},
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _write_ablation(root: Path) -> None:
    """An ablation.json shaped like finetune.ablation writes it."""
    def stat(m: float, ci: float = 0.02) -> dict:
        return {"mean": m, "std": 0.01, "ci95": ci, "low": m - ci, "high": m + ci, "n": 3}

    def arm(examples: int, acc: float, f1: float, counts: dict[str, int]) -> dict:
        return {"source": "x", "examples": examples, "runs": [], "label_counts": counts,
                "summary": {"accuracy": stat(acc), "macro_f1": stat(f1),
                            "log_loss": stat(1.0 - acc)}}
    ablation = {
        "backend": "fasttext", "model": None, "device": "cpu", "labels": ["a", "b", "c"],
        "seeds": [0, 1, 2], "eval": {"examples": 2000},
        "arms": {"raw": arm(10_000, 0.71, 0.69, {"a": 4000, "b": 3000, "c": 3000}),
                 "curated": arm(7_000, 0.76, 0.74, {"a": 2100, "b": 2450, "c": 2450}),
                 "random": arm(7_000, 0.70, 0.68, {"a": 2800, "b": 2100, "c": 2100})},
        "differences": {
            "curated-raw": {"accuracy": stat(0.05, 0.015), "macro_f1": stat(0.05),
                            "log_loss": stat(-0.05)},
            "curated-random": {"accuracy": stat(0.01, 0.015), "macro_f1": stat(0.01),
                               "log_loss": stat(-0.01)}},
    }
    (root / "ablation.json").write_text(json.dumps(ablation, indent=1), encoding="utf-8")
    (root / "ablation").mkdir()
    (root / "ablation" / "curves.jsonl").write_text("".join(
        json.dumps({"arm": a, "seed": s, "step": step, "train_loss": 1.0 / step}) + "\n"
        for a in ("raw", "curated") for s in (0, 1) for step in (1, 2, 3)), encoding="utf-8")
