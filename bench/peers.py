"""Peers benchmark (issue 18, item 1): curate against the tools a user would pick instead, on one
corpus with matched settings.

    python bench/peers.py                         # 20k documents, every peer, both tasks
    python bench/peers.py --docs 2000             # a quick run
    python bench/peers.py --only dedup --peers datasketch,text-dedup
    python bench/peers.py --only filters --peers datatrove --engines local

Each peer is installed once into its own virtualenv under bench/results/peers/venvs/NAME
(`python3.11 -m venv` + pip from PyPI; a complete one, marked by a file, is reused; a peer
that does not install is recorded with pip's last error line) and called through a small
runner script (bench/peer_runners/run_NAME.py) executed with that venv's python: the peers'
own code is called, never copied here.

The corpus (bench/results/peers/corpus-N/): real texts of ../shared/data, half English, half
Chinese (whole articles and web pages where there are enough, the rest documents of three
short real texts), pre-existing near-duplicates removed, then 8 % near copies of known edit
rates (bench/dedup_eval.inject) and 2 % exact copies; as Parquet (in/) and JSON lines
(jsonl/), and its English part alone (en/) for the filters.

Tasks, each run in a subprocess whose whole process tree's RSS is sampled (bench/harness):
- dedup: MinHash with 128 permutations, word 5-grams, Jaccard threshold 0.8 (peers with an LSH
  layout to choose get datasketch's for 0.8/128); curate's `minhash_dedup` with its defaults
  at that threshold. Precision / recall / F1 against the injected ground truth (copies with
  true Jaccard >= 0.85 must go, originals must stay: bench/dedup.accuracy), on the whole
  corpus and on its English part.
- filters: Gopher repetition, Gopher quality, C4 and FineWeb rules, in that order, on the
  English documents, without language ID, thresholds matched (see FILTER_SETTINGS);
  document-level agreement with curate's keep/reject decisions.

Prints one table and writes bench/results/peers.md and bench/results/peers.json. Figures are
from one run on a possibly shared machine: read ratios, not absolute rates.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dedup import NGRAM, NUM_PERM, THRESHOLD, accuracy, run_curate
from bench.dedup_eval import (
    CHINESE_SOURCES,
    ENGLISH_SOURCES,
    SHORT_SOURCES,
    Injection,
    drop_near_duplicates,
    inject,
    read_texts,
)
from bench.harness import RESULTS, SHARED_DATA, machine, run_measured, run_pipeline_measured
from bench.peer_runners.venvs import PEERS, VENVS, ensure_venv, python_of
from curate.ops.dedup.lsh import optimal_bands

WORK = RESULTS / "peers"
RUNNERS = Path(__file__).resolve().parent / "peer_runners"
SHARDS = 2  # files per format: two tasks for the tools that parallelise over files
PIECES = 3  # short real texts per composed document
NEAR_SHARE, EXACT_SHARE = 0.08, 0.02
LONG_EN = (*ENGLISH_SOURCES, "dolma_cc_web_sample/dolma_cc_web_sample.parquet")
LONG_ZH = (*CHINESE_SOURCES, "flagdata_zh_web_sample/flagdata_zh_web_sample.parquet")
GOPHER_STOPWORDS = ["the", "be", "to", "of", "and", "that", "have", "with"]

# Matched filter settings: the published thresholds, which are both tools' defaults except
# where named. curate: Gopher's 8 stop words (its default list is longer); FineWeb's line
# shares on every document (default: 3+ lines) and code blocks counted as lines, as datatrove
# does. datatrove: C4 as in the paper (3 sentences, 5 words a line; its defaults are 5 and 3)
# and FineWeb's duplicated-line characters at 0.1 (its default 0.01).
FILTER_SETTINGS = {
    "curate": {
        "gopher_repetition": {"rules": "en"},
        "gopher_quality": {"rules": "en", "stopwords": GOPHER_STOPWORDS},
        "c4_rules": {"rules": "en"},
        "fineweb_rules": {"rules": "en", "min_lines": 1, "skip_code_blocks": False},
    },
    "datatrove_c4": {"min_num_sentences": 3, "min_words_per_line": 5},
    "datatrove_fineweb": {"char_duplicates_ratio": 0.1},
}

NOTES = {
    "datasketch": "the loop a user writes (MinHash + MinHashLSH, one process); no filters",
    "text-dedup": ("`text_dedup.minhash` with `--min_length 1` (its default 5 drops documents "
                   "under 5 tokens); tokens split on non-word characters, so unspaced Chinese "
                   "is one token per clause; no filters"),
    "datatrove": ("LocalPipelineExecutor, 2 tasks on 2 workers; MinHash with datasketch's "
                  "bands x rows for 0.8/128; filters run without language ID: its "
                  "LanguageFilter downloads fastText's lid.176 model at run time, which this "
                  "machine cannot; English tokenizer is spaCy's blank `en` (no model "
                  "download). Its Gopher alpha rule divides by all tokens of its tokenizer, "
                  "punctuation tokens included (curate: words are runs of letters/digits), so "
                  "punctuation-heavy documents fall under 0.8 where curate keeps them (its "
                  "own length rules count only the tokens that are not all punctuation). The "
                  "row 'datatrove' runs it as datatrove ships it, and the documents it "
                  "explains are counted under 'differ' below (gopher_below_alpha_threshold); "
                  "the row 'datatrove (alpha rule over words)' is the matched rule: the same "
                  "pipeline with that rule applied to the tokens its length rules count (a "
                  "small filter of the runner on datatrove's tokenizer and punctuation set, "
                  "the built-in one switched off). Its stop-word rule counts distinct "
                  "stop words (curate: occurrences); C4 counts sentences with its spaCy "
                  "sentence splitter"),
    "data-juicer": ("`document_minhash_deduplicator` (space tokenization, window 5) on its "
                    "NestedDataset. A document of fewer than 5 whitespace tokens (unspaced "
                    "Chinese) gets an empty shingle set, so all of them hash alike and are "
                    "removed as one cluster: its precision on Chinese; its docs recommend "
                    "`character` tokenization for Chinese, which would not be word 5-grams. It "
                    "has no Gopher/C4/FineWeb rule sets (its own "
                    "word-repetition, stop-word and flagged-word filters download word lists "
                    "at run time), so no filters row"),
    "curate": ("`curate run` in a subprocess (local: one process; ray: --num-cpus); dedup "
               "keeps the lowest id of a group"),
}


# ------------------------------------------------------------------------------ the corpus


def _composed(pool: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.Series:
    """`n` documents of PIECES random short texts of `pool` each, one a line."""
    picks = rng.integers(0, pool.height, size=(n, PIECES))
    frame = pl.DataFrame({f"p{k}": pool["text"].gather(picks[:, k]) for k in range(PIECES)})
    return frame.select(pl.concat_str(pl.all(), separator="\n").alias("text"))["text"]


def _originals(docs: int, rng: np.random.Generator) -> pl.DataFrame:
    """(text, lang) of `docs` originals: half English, half Chinese; per language up to half
    whole real documents, the rest composed of short real texts."""
    short = read_texts(SHARED_DATA, SHORT_SOURCES, min_chars=10)
    short_zh = short["text"].str.contains(r"\p{Han}")
    frames = []
    for lang, sources, pool in (("en", LONG_EN, short.filter(~short_zh)),
                                ("zh", LONG_ZH, short.filter(short_zh))):
        n = docs // 2 if lang == "en" else docs - docs // 2
        long = read_texts(SHARED_DATA, sources, min_chars=200)
        whole = long.sample(min(long.height, n // 2), seed=int(rng.integers(1 << 31)))["text"]
        texts = pl.concat([whole, _composed(pool, n - whole.len(), rng)])
        frames.append(pl.DataFrame({"text": texts, "lang": lang}))
    mixed = pl.concat(frames).sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
    return mixed.unique("text", keep="first", maintain_order=True)


def make_corpus(docs: int, seed: int = 0) -> tuple[Path, pl.DataFrame]:
    """The corpus folder of about `docs` documents and its ground truth (built once: the
    truth file is written last and marks a complete corpus)."""
    folder = WORK / f"corpus-{docs}"
    truth_path = folder / "truth.parquet"
    if truth_path.exists():
        return folder, pl.read_parquet(truth_path)
    shutil.rmtree(folder, ignore_errors=True)
    rng = np.random.default_rng(seed)
    copies = round(docs * (NEAR_SHARE + EXACT_SHARE))
    originals = _originals(docs - copies, rng)
    base = drop_near_duplicates(originals.select("text")).join(originals, on="text")
    base = base.with_columns(
        pl.format("d{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(7)).alias("id"))
    n_exact = round(docs * EXACT_SHARE)
    truth = inject(base.select("id", "text"), Injection(copies=copies - n_exact, seed=seed))
    exact = base.sample(n_exact, seed=seed, with_replacement=True).with_row_index("k").select(
        pl.format("{}~ex{}", "id", "k").alias("id"), "text", pl.col("id").alias("origin"),
        pl.lit("exact").alias("edit"), pl.lit(0.0).alias("edit_rate"),
        pl.lit(1.0).alias("true_jaccard"))
    truth = pl.concat([truth, exact])
    lang_of = base.select(pl.col("id").alias("key"), "lang")
    truth = (truth.with_columns(pl.coalesce("origin", "id").alias("key"))
             .join(lang_of, on="key", how="left").drop("key").sort("id"))
    # Id order: an original comes before its copies, so every tool that keeps the first of a
    # group (and curate, which keeps the lowest id) keeps the original.
    _write(folder, truth.select("id", "text"))
    _write(folder / "en", truth.filter(pl.col("lang") == "en").select("id", "text"))
    truth.drop("text").write_parquet(truth_path)
    return folder, truth.drop("text")


def _write(folder: Path, frame: pl.DataFrame) -> None:
    """`frame` as SHARDS Parquet files in folder/in and as many JSON-lines files in
    folder/jsonl, in order."""
    (folder / "in").mkdir(parents=True, exist_ok=True)
    (folder / "jsonl").mkdir(parents=True, exist_ok=True)
    size = -(-frame.height // SHARDS)
    for i in range(SHARDS):
        part = frame.slice(i * size, size)
        part.write_parquet(folder / "in" / f"part-{i:04d}.parquet")
        part.write_ndjson(folder / "jsonl" / f"part-{i:04d}.jsonl")


# ------------------------------------------------------------------------------ running


def run_peer(peer: str, task: str, corpus: Path, settings: dict[str, Any]) -> dict[str, Any]:
    """A peer's runner in its venv, measured; wall time, peak RSS and its output lines."""
    work = WORK / "work" / f"{peer}-{task}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = work / "result.jsonl"
    runner = RUNNERS / f"run_{peer.replace('-', '_')}.py"
    args = [str(python_of(peer)), str(runner), task, str(corpus), str(out),
            json.dumps({**settings, "work": str(work)})]
    figures = run_measured(args, cwd=work)
    figures["output"] = [json.loads(x) for x in out.read_text().splitlines()]
    return figures


def curate_filters(corpus: Path, engine: str, num_cpus: int | None) -> dict[str, Any]:
    """`curate run` of the four rule sets on the English documents; figures and decisions."""
    lines = ["[pipeline]", 'name = "bench-peers-filters"', f'input = "{corpus / "in"}"',
             f'output = "{corpus / f"curate-filters-{engine}"}"', "[engine]", 'kind = "ray"']
    for op, params in FILTER_SETTINGS["curate"].items():
        lines += ["[[stage]]", f'op = "{op}"']
        lines += [f"{k} = {json.dumps(v)}" for k, v in params.items()]
    toml = corpus / f"curate-filters-{engine}.toml"
    toml.write_text("\n".join(lines) + "\n")
    figures = run_pipeline_measured(toml, engine, num_cpus)
    run = corpus / f"curate-filters-{engine}"
    kept = pl.read_parquet(sorted((run / "curated").glob("*.parquet")), columns=["id"])
    rejected = pl.read_parquet(sorted((run / "rejected").glob("*.parquet")),
                               columns=["id", "stage", "reason"])
    figures["output"] = ([{"id": i, "keep": True, "stage": None, "reason": None}
                          for i in kept["id"]]
                         + [{**r, "keep": False} for r in rejected.iter_rows(named=True)])
    return figures


def survivor_neutral(truth: pl.DataFrame, removed: pl.Series) -> tuple[pl.Series, int]:
    """`removed` with each removed original of a group that kept one of its copies swapped
    for that copy (the most similar one), so a tool is not scored on which member of a group
    survives (text-dedup's union-find keeps a later one; curate keeps the lowest id); and how
    many were swapped."""
    marked = truth.with_columns(pl.col("id").is_in(removed.implode()).alias("removed"),
                                pl.coalesce("origin", "id").alias("group"))
    originals = marked.filter(pl.col("origin").is_null() & pl.col("removed")).select("group")
    kept_copies = (marked.filter(pl.col("origin").is_not_null() & ~pl.col("removed"))
                   .sort("true_jaccard", descending=True)
                   .group_by("group", maintain_order=True).first().select("group", "id"))
    swaps = originals.join(kept_copies, on="group")
    swapped = removed.filter(~removed.is_in(swaps["group"].implode()))
    return pl.concat([swapped, swaps["id"]]), swaps.height


def dedup_row(tool: str, figures: dict[str, Any], truth: pl.DataFrame) -> dict[str, Any]:
    """One dedup result: speed, memory and accuracy (survivor-neutral) on the whole corpus and
    on English."""
    removed, swaps = survivor_neutral(truth, pl.Series(figures["removed_ids"], dtype=pl.String))
    english = truth.filter(pl.col("lang") == "en")
    return {"tool": tool, "task": "dedup", "docs": truth.height,
            "wall_seconds": figures["wall_seconds"],
            "docs_per_s": round(truth.height / figures["wall_seconds"], 1),
            "peak_rss_mb": figures["peak_rss_mb"], **accuracy(truth, removed),
            "f1_en": accuracy(english, removed)["f1"], "survivor_swaps": swaps}


def filter_row(tool: str, figures: dict[str, Any], reference: dict[str, dict] | None,
               docs: int) -> dict[str, Any]:
    """One filters result: speed, memory, documents kept and agreement with curate."""
    decisions = {r["id"]: r for r in figures["output"]}
    row = {"tool": tool, "task": "filters", "docs": docs,
           "wall_seconds": figures["wall_seconds"],
           "docs_per_s": round(docs / figures["wall_seconds"], 1),
           "peak_rss_mb": figures["peak_rss_mb"],
           "kept": sum(r["keep"] for r in decisions.values()),
           "rejected_by": dict(Counter(r["stage"] for r in decisions.values() if not r["keep"]))}
    if reference is not None:
        same = sum(decisions.get(i, {}).get("keep") == r["keep"] for i, r in reference.items())
        row["agreement"] = round(same / len(reference), 4)
        disagreements = Counter(
            f"curate {_decision(r)} / {tool} {_decision(d)}"
            for i, r in reference.items()
            if (d := decisions.get(i, {})).get("keep") != r["keep"])
        row["disagreements"] = dict(disagreements.most_common(10))
    return row


def _decision(row: dict) -> str:
    """'keeps', 'stage:reason' or 'missing' for one document's decision."""
    if not row:
        return "missing"
    return "keeps" if row["keep"] else f"{row['stage']}:{row['reason']}"


# ------------------------------------------------------------------------------ the table


def table(rows: list[dict[str, Any]], skipped: dict[str, str]) -> str:
    """The results as one Markdown table, with the notes on each peer and what was skipped."""
    head = ("| tool | task | docs | docs/s | peak RSS MB | precision | recall | F1 | F1 (en) "
            "| kept | agreement with curate (en) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        dedup = r["task"] == "dedup"
        cells = [r["tool"], r["task"], f"{r['docs']:,}", f"{r['docs_per_s']:,.0f}",
                 f"{r['peak_rss_mb']:,.0f}",
                 *([f"{r[k]:.3f}" for k in ("precision", "recall", "f1", "f1_en")] if dedup
                   else ["", "", "", ""]),
                 "" if dedup else f"{r['kept']:,}",
                 "" if dedup else (f"{r['agreement']:.1%}" if "agreement" in r else "(reference)")]
        lines.append("| " + " | ".join(cells) + " |")
    differences = [f"- {r['tool']}: " + "; ".join(f"{k}: {v}" for k, v in
                                                   r["disagreements"].items())
                   for r in rows if r.get("disagreements")]
    tools = sorted({r["tool"].split(" (")[0] for r in rows} | set(skipped))
    notes = [f"- **{t}**: {NOTES.get(t, '')}" + (f" Not run: {skipped[t]}" if t in skipped
                                                  else "") for t in tools]
    text = "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"
    if differences:
        text += ("\nFilter decisions that differ from curate's (curate's stage:reason / the "
                 "peer's, documents):\n\n" + "\n".join(differences) + "\n")
    return text


def write_report(rows: list[dict[str, Any]], skipped: dict[str, str], settings: dict,
                 command: str) -> str:
    """bench/results/peers.md and peers.json; returns the Markdown."""
    text = table(rows, skipped)
    md = (f"# Peers benchmark\n\n`{command}`\n\n{machine()}\n\n{text}\n"
          "Dedup: copies with true Jaccard >= 0.85 must be removed and one member of each group "
          "kept (survivor-neutral: a tool that kept a copy and removed its original is scored "
          "as if it had removed that copy; `survivor_swaps` in the JSON); F1 (en) on the "
          "English documents only. Filters: Gopher repetition, Gopher quality, C4, FineWeb "
          "rules on the English documents, no language ID; agreement = share of documents "
          "whose keep/reject decision equals curate's (local engine where run).\n")
    (RESULTS / "peers.md").write_text(md, encoding="utf-8")
    (RESULTS / "peers.json").write_text(json.dumps(
        {"benchmark": "peers", "command": command, "machine": machine(), "settings": settings,
         "skipped": skipped, "rows": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
    return text


# ------------------------------------------------------------------------------ main


def main() -> None:
    """Install the peers, build the corpus, run every tool on each task, write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--only", choices=["dedup", "filters"])
    parser.add_argument("--peers", default=",".join(PEERS),
                        help=f"comma-separated, of {', '.join(PEERS)}")
    parser.add_argument("--engines", default="local,ray",
                        help="curate's engines, comma-separated (ray runs on --num-cpus)")
    parser.add_argument("--num-cpus", type=int, default=2)
    args = parser.parse_args()
    tasks = [args.only] if args.only else ["dedup", "filters"]
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        parser.error(f"unknown peers {unknown}; known: {', '.join(PEERS)}")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]

    skipped: dict[str, str] = {}
    for name in peers:
        if any(t in PEERS[name].tasks for t in tasks):
            why = ensure_venv(PEERS[name], WORK / "logs" / f"install-{name}.log")
            if why:
                skipped[name] = f"did not install ({why})"
                print(f"{name}: not installed: {why}", flush=True)

    t0 = time.perf_counter()
    corpus, truth = make_corpus(args.docs)
    n_en = truth.filter(pl.col("lang") == "en").height
    print(f"corpus: {truth.height:,} documents ({n_en:,} English), "
          f"{truth['origin'].is_not_null().sum():,} copies, in {corpus} "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    bands, rows_per_band = optimal_bands(THRESHOLD, NUM_PERM)
    settings = {"threshold": THRESHOLD, "num_perm": NUM_PERM, "ngram": NGRAM, "bands": bands,
                "rows": rows_per_band, "num_proc": args.num_cpus, **FILTER_SETTINGS}
    rows: list[dict[str, Any]] = []

    def show(row: dict[str, Any]) -> None:
        rows.append(row)
        extra = (f"P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} "
                 f"F1(en) {row['f1_en']:.3f}" if row["task"] == "dedup"
                 else f"kept {row['kept']:,} agreement {row.get('agreement', '-')}")
        print(f"{row['tool']:<22} {row['task']:<8} {row['docs_per_s']:>8,.0f} docs/s "
              f"{row['peak_rss_mb']:>7,.0f} MB  {extra}", flush=True)

    def peer_rows(task: str) -> list[str]:
        return [p for p in peers if task in PEERS[p].tasks and p not in skipped]

    if "dedup" in tasks:
        for engine in engines:
            figures = run_curate(corpus, f"curate-dedup-{engine}",
                                 args.num_cpus if engine == "ray" else None, "", engine)
            show(dedup_row(f"curate ({engine})", figures, truth))
        for peer in peer_rows("dedup"):
            try:
                figures = run_peer(peer, "dedup", corpus, settings)
            except RuntimeError as error:
                skipped[peer] = f"dedup failed: {str(error).splitlines()[-1][:300]}"
                print(f"{peer}: {skipped[peer]}", flush=True)
                continue
            figures["removed_ids"] = figures.pop("output")
            show(dedup_row(peer, figures, truth))

    if "filters" in tasks:
        reference = None
        for engine in engines:
            figures = curate_filters(corpus / "en", engine,
                                     args.num_cpus if engine == "ray" else None)
            if reference is None:
                reference = {r["id"]: r for r in figures["output"]}
                show(filter_row(f"curate ({engine})", figures, None, n_en))
            else:
                show(filter_row(f"curate ({engine})", figures, reference, n_en))
        for peer in peer_rows("filters"):
            try:
                figures = run_peer(peer, "filters", corpus / "en", settings)
            except RuntimeError as error:
                skipped[peer] = f"filters failed: {str(error).splitlines()[-1][:300]}"
                print(f"{peer}: {skipped[peer]}", flush=True)
                continue
            show(filter_row(peer, figures, reference, n_en))
            if peer == "datatrove":  # and with its Gopher alpha rule counting words as curate
                figures = run_peer(peer, "filters", corpus / "en",
                                   {**settings, "alpha_over_words": True})
                show(filter_row(f"{peer} (alpha rule over words)", figures, reference, n_en))

    command = "python bench/peers.py " + " ".join(sys.argv[1:])
    print()
    print(write_report(rows, skipped, settings, command.strip()))
    print(f"wrote {RESULTS / 'peers.md'} and {RESULTS / 'peers.json'}; venvs in {VENVS}")


if __name__ == "__main__":
    main()
