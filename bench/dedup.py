"""Near-duplicate removal benchmark: curate's `minhash_dedup` against the hand-written baseline
a user would write (datasketch `MinHash` + `MinHashLSH` in one process, same num_perm,
shingles and threshold), on one corpus of short documents built from real texts with injected
near-duplicates of known edit rates. Prints docs/s, peak RSS (whole process tree) and
precision / recall / F1 against the injected ground truth, then a scaling series for curate.

    python bench/dedup.py [--sizes 100000 300000 1000000] [--baseline-size 100000]
                          [--work /tmp/curate-bench-dedup] [--num-cpus 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dedup_eval import SHORT_SOURCES, Injection, inject, read_texts, score
from bench.harness import SHARED_DATA, run_measured, run_pipeline_measured, write_results

THRESHOLD, NUM_PERM, NGRAM = 0.8, 128, 5
DOCS_PER_SHARD = 50_000
PIECES = 3  # real short texts per document

PIPELINE = """
[pipeline]
name = "bench-dedup"
input = "{input}"
output = "{output}"
[engine]
kind = "ray"
[[stage]]
op = "minhash_dedup"
threshold = {threshold}
num_perm = {num_perm}
ngram = {ngram}
{extra}
"""


def make_corpus(folder: Path, docs: int, seed: int = 0) -> pl.DataFrame:
    """`docs` short documents, 90 % made of PIECES real short texts of one language (English or
    Chinese) and 10 % near-duplicates of them; shards in folder/in, ground truth returned."""
    truth_path = folder / "truth.parquet"
    if truth_path.exists():
        return pl.read_parquet(truth_path)
    pieces = read_texts(SHARED_DATA, SHORT_SOURCES, min_chars=10)
    chinese = pieces["text"].str.contains(r"\p{Han}")
    rng = np.random.default_rng(seed)
    originals = docs - docs // 10
    frames = []
    for language, pool in (("en", pieces.filter(~chinese)), ("zh", pieces.filter(chinese))):
        n = originals // 2 if language == "en" else originals - originals // 2
        picks = rng.integers(0, pool.height, size=(n, PIECES))
        columns = {f"p{k}": pool["text"].gather(picks[:, k]) for k in range(PIECES)}
        frames.append(pl.DataFrame(columns).select(
            pl.concat_str([pl.col(f"p{k}") for k in range(PIECES)], separator="\n")
            .alias("text")))
    base = pl.concat(frames).with_columns(
        pl.format("b{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(7)).alias("id"))
    truth = inject(base.select("id", "text"), Injection(copies=docs - originals, seed=seed))
    shuffled = truth.select("id", "text").sample(fraction=1.0, shuffle=True, seed=seed)
    (folder / "in").mkdir(parents=True, exist_ok=True)
    for i, start in enumerate(range(0, shuffled.height, DOCS_PER_SHARD)):
        shuffled.slice(start, DOCS_PER_SHARD).write_parquet(folder / "in" / f"part-{i:04d}.parquet")
    truth.select("id", "origin", "edit", "edit_rate", "true_jaccard").write_parquet(truth_path)
    return truth


def run_curate(folder: Path, name: str, num_cpus: int | None, extra: str,
               engine: str = "ray") -> dict:
    """`curate run` on the corpus in a subprocess; figures and the ids it removed."""
    toml = folder / f"{name}.toml"
    toml.write_text(PIPELINE.format(input=folder / "in", output=folder / name,
                                    threshold=THRESHOLD, num_perm=NUM_PERM, ngram=NGRAM,
                                    extra=extra))
    figures = run_pipeline_measured(toml, engine, num_cpus)
    rejected = folder / name / "rejected"
    files = sorted(rejected.glob("*.parquet"))
    figures["removed_ids"] = (pl.read_parquet(files)["id"] if files
                              else pl.Series([], dtype=pl.String))
    return figures


def baseline(folder: Path, out: Path) -> None:
    """The hand-written baseline: every document's MinHash (datasketch, default sha1 hashing)
    over the same shingles, then one MinHashLSH, documents in id order: a document is removed
    when the index already holds a candidate, else inserted."""
    from datasketch import MinHash, MinHashLSH

    from curate.text.shingles import shingles_of, tokens

    corpus = pl.read_parquet(folder / "in" / "*.parquet").sort("id")
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    removed = []
    token_lists = tokens(corpus["text"]).to_list()
    for doc_id, words in zip(corpus["id"], token_lists, strict=True):
        shingles = shingles_of(words, NGRAM)
        if not shingles:
            continue
        minhash = MinHash(num_perm=NUM_PERM)
        minhash.update_batch([" ".join(s).encode("utf-8") for s in shingles])
        if lsh.query(minhash):
            removed.append(doc_id)
        else:
            lsh.insert(doc_id, minhash)
    pl.DataFrame({"id": removed}, schema={"id": pl.String}).write_parquet(out)


def run_baseline(folder: Path) -> dict:
    """The baseline in a subprocess, measured like curate."""
    out = folder / "baseline-removed.parquet"
    figures = run_measured([sys.executable, __file__, "--baseline-of", str(folder),
                            "--baseline-out", str(out)], cwd=folder)
    figures["removed_ids"] = pl.read_parquet(out)["id"]
    return figures


def accuracy(truth: pl.DataFrame, removed: pl.Series) -> dict:
    """Precision / recall / F1 of removed documents (copies with true Jaccard >= 0.85 must go)."""
    result = score(truth, removed, must_find=0.85, threshold=THRESHOLD)
    return {"precision": round(result.precision, 4), "recall": round(result.recall, 4),
            "f1": round(result.f1, 4), "strict_precision": round(result.strict_precision, 4),
            "removed": result.removed, "must_find": result.must_find}


def summarize(label: str, docs: int, figures: dict, truth: pl.DataFrame) -> dict:
    """One result row, printed as it is measured."""
    row = {"run": label, "docs": docs, "wall_seconds": figures["wall_seconds"],
           "docs_per_s": round(docs / figures["wall_seconds"], 1),
           "peak_rss_mb": figures["peak_rss_mb"], **accuracy(truth, figures["removed_ids"])}
    if "stages" in figures:
        row["stages"] = figures["stages"]
    print(f"{label:<34} {docs:>9,} docs {row['docs_per_s']:>9,.0f} docs/s "
          f"peak RSS {row['peak_rss_mb']:>7,.0f} MB  P {row['precision']:.3f} "
          f"R {row['recall']:.3f} F1 {row['f1']:.3f} (strict P {row['strict_precision']:.3f})",
          flush=True)
    return row


def main() -> None:
    """Build the corpora, run curate (and the baseline on one size), write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--baseline-size", type=int, default=100_000)
    parser.add_argument("--num-cpus", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/curate-bench-dedup"))
    parser.add_argument("--baseline-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_of:
        baseline(args.baseline_of, args.baseline_out)
        return

    # curate's defaults (recall-leaning bands + exact Jaccard check), and datasketch's own band
    # layout for the threshold without the check (what the baseline does).
    configs = {"curate": "",
               "curate, datasketch layout": "false_negative_weight = 0.5\njaccard_check = false"}
    rows = []
    for size in sorted(set(args.sizes) | {args.baseline_size}):
        folder = args.work / f"corpus-{size}"
        t0 = time.perf_counter()
        truth = make_corpus(folder, size)
        print(f"corpus of {size:,} documents ready in {time.perf_counter() - t0:.1f} s",
              flush=True)
        if size == args.baseline_size:
            rows.append(summarize("datasketch baseline (1 process)", size,
                                  run_baseline(folder), truth))
        for label, extra in configs.items():
            if size in args.sizes or size == args.baseline_size:
                name = "run-datasketch-layout" if extra else "run"
                rows.append(summarize(f"{label} (ray, {args.num_cpus} CPUs)", size,
                                      run_curate(folder, name, args.num_cpus, extra), truth))
        if size == args.baseline_size:
            rows.append(summarize("curate local (1 process)", size,
                                  run_curate(folder, "run-local", None, "", "local"), truth))
    by = {(r["run"].split(" (")[0], r["docs"]): r for r in rows}
    base = by.get(("datasketch baseline", args.baseline_size))
    summary = {}
    if base:
        for label in configs:
            mine = by[(label, args.baseline_size)]
            summary[f"{label}: speed-up vs baseline"] = round(mine["docs_per_s"]
                                                               / base["docs_per_s"], 2)
            summary[f"{label}: F1 minus baseline F1"] = round(mine["f1"] - base["f1"], 4)
    for label in configs:
        series = [(d, by[(label, d)]["wall_seconds"]) for d in sorted(args.sizes)
                  if (label, d) in by]
        summary[f"{label}: seconds per 100k docs by size"] = {
            d: round(s / d * 100_000, 2) for d, s in series}
    print(json.dumps(summary, indent=2))
    write_results("dedup", {"summary": summary, "runs": rows,
                            "settings": {"threshold": THRESHOLD, "num_perm": NUM_PERM,
                                         "ngram": NGRAM, "pieces_per_doc": PIECES}})


if __name__ == "__main__":
    main()
