"""Benchmark: cleaners + rule filters + language ID (the `web_zh_en` recipe) on a mixed zh/en
corpus, against a plain-Python baseline applying the same rules document by document.

    python bench/filters.py                      # 100k documents, baseline on 5k
    python bench/filters.py --docs 20000 --baseline-docs 2000

Both sides run in this one process on one core (POLARS_MAX_THREADS=1), so the figures are per
core. The corpus is the synthetic sample (`curate sample`), 20k documents rendered and tiled
to the requested size (filters work document by document, so tiling changes no cost). The
baseline is too slow for the whole corpus: it runs on the first `--baseline-docs` documents and
is compared per document. Linearity: the per-document cost over the whole corpus against
that over its first quarter.
Prints a table and writes bench/results/filters.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse
import html
import json
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import polars as pl
import regex

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from curate.config import load_config  # noqa: E402
from curate.ops.base import REASON  # noqa: E402
from curate.sample import generate_sample  # noqa: E402

RECIPE = REPO / "pipelines" / "web_zh_en.toml"
BATCH = 10_000


# ------------------------------------------------------------------------------ the corpus


def make_corpus(n_docs: int, seed: int) -> pl.DataFrame:
    """n_docs sample documents (zh/en with the generator's noise), tiled from 20k rendered."""
    rendered = min(n_docs, 20_000)
    with tempfile.TemporaryDirectory() as tmp:
        generate_sample(Path(tmp), n_docs=rendered, seed=seed, n_shards=1)
        base = pl.read_parquet(Path(tmp) / "raw" / "*.parquet").select("text").drop_nulls()
    copies = math.ceil(n_docs / base.height)
    corpus = pl.concat([base] * copies).head(n_docs)
    return corpus.with_columns(pl.format("d{}", pl.int_range(pl.len())).alias("id"))


# ------------------------------------------------------------------------ the recipe (polars)


def run_recipe(corpus: pl.DataFrame) -> tuple[list[float], dict[str, float], int]:
    """Seconds per BATCH-row shard for the recipe's stages, per-stage seconds, rows kept."""
    config = load_config(RECIPE)
    ops = [(s.name, s.operator(config)) for s in config.stages]
    per_stage = dict.fromkeys((name for name, _ in ops), 0.0)
    kept = 0
    batch_seconds = []
    for offset in range(0, corpus.height, BATCH):
        start = time.perf_counter()
        batch = corpus.slice(offset, BATCH)
        for name, op in ops:
            t0 = time.perf_counter()
            batch = op.transform(batch)
            if REASON in batch.columns:
                batch = batch.filter(pl.col(REASON).is_null()).drop(REASON)
            per_stage[name] += time.perf_counter() - t0
        kept += batch.height
        batch_seconds.append(time.perf_counter() - start)
    return batch_seconds, per_stage, kept


# ----------------------------------------------------------------- the plain-Python baseline


class Baseline:
    """The recipe's rules written the direct way: one document at a time, Python strings,
    `regex`/`re`, Counter, jieba and fastText called per document. Same definitions and
    thresholds as the operators (defaults of web_zh_en.toml)."""

    def __init__(self) -> None:
        import ftfy

        from curate.ops.clean import html as h
        from curate.ops.clean import lines as ln
        from curate.ops.clean import pii
        from curate.ops.clean import unicode as uni
        from curate.ops.filters import c4_rules as c4
        from curate.ops.filters import special_characters as sc
        from curate.ops.filters.char_repetition import SEPARATORS
        from curate.ops.filters.gopher_quality import ALPHA_WORD, EN_STOPWORDS, ZH_STOPWORDS
        from curate.ops.filters.language import load_lid_model
        from curate.text import flagged_words, split
        from curate.text.script import CJK_CLASS, WORD_PATTERN
        from curate.text.segment import _load
        from curate.text.variants import to_simplified

        v1 = regex.V1
        self.ftfy, self.cfg = ftfy, ftfy.TextFixerConfig(
            uncurl_quotes=False, fix_character_width=False, unescape_html=False,
            normalization="NFC", explain=False)
        self.needs_fix = regex.compile(uni.NEEDS_FIX, v1)
        self.html_hint = regex.compile(h.HTML_HINT, v1)
        self.html_drop = [regex.compile(p, v1) for p in (*h.NON_CONTENT, h.COMMENT, *h.CHROME)]
        self.block, self.tag = regex.compile(h.BLOCK_TAG, v1), regex.compile(h.ANY_TAG, v1)
        self.escaped_tag = regex.compile(h.ESCAPED_TAG, v1)
        self.entity = regex.compile(h.ENTITY, v1)
        self.boiler = regex.compile(ln.BOILERPLATE, v1)
        self.pii = [(regex.compile(p, v1), r) for p, r in (
            (pii.EMAIL, "[EMAIL]"), (pii.IPV6, "[IP]"), (pii.IPV4, "[IP]"),
            (pii.CN_MOBILE, "[PHONE]"), (pii.CN_LANDLINE, "[PHONE]"), (pii.INTL_PHONE, "[PHONE]"))]
        self.word = regex.compile(WORD_PATTERN, v1)
        self.alpha = regex.compile(ALPHA_WORD, v1)
        self.cjk = regex.compile(f"[{CJK_CLASS}]", v1)
        self.han = regex.compile(r"\p{Han}")
        self.kana = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
        self.terminal = regex.compile(split.TERMINAL_LINE)
        self.inside = regex.compile(split.SENTENCE_INSIDE)
        self.zh_end = regex.compile(split.ZH_SENTENCE_END)
        self.bullet, self.ellipsis_line = regex.compile(split.BULLET_LINE), regex.compile(
            split.ELLIPSIS_LINE)
        self.code = regex.compile(split.CODE_BLOCK.replace("\\z", "\\Z"))
        self.para = regex.compile(split.PARAGRAPH_BREAK)
        self.special_re = regex.compile(sc.SPECIAL)
        self.policy, self.js = regex.compile(c4.POLICY), regex.compile(c4.JAVASCRIPT)
        en = sorted(flagged_words("en"), key=len, reverse=True)
        self.flag_en = regex.compile(r"\b(?:" + "|".join(map(regex.escape, en)) + r")\b")
        self.flag_zh = sorted((w.lower() for w in flagged_words("zh")), key=len, reverse=True)
        self.en_stop = regex.compile(
            r"\b(?:" + "|".join(map(regex.escape, sorted(EN_STOPWORDS, key=len, reverse=True)))
            + r")\b")
        self.zh_stop = frozenset(ZH_STOPWORDS)
        self.to_simplified = to_simplified
        self.separators = frozenset(SEPARATORS)
        self.jieba = _load()[0]
        self.lid = load_lid_model()
        self.sentence_break = regex.compile(split.SENTENCE_BREAK)

    # --- cleaners

    def clean(self, t: str) -> str:
        if self.needs_fix.search(t):
            t = self.ftfy.fix_text(t, config=self.cfg)
        if self.html_hint.search(t):
            for p in self.html_drop:
                t = p.sub("\n", t)
            t = self.tag.sub("", self.block.sub("\n", t))
            if self.entity.search(t):
                t = self.escaped_tag.sub("", self.block.sub("\n", html.unescape(t)))
            t = t.replace("\xa0", " ")
            t = regex.sub(r"\n{3,}", "\n\n", regex.sub(r"\n[^\S\n]+|[^\S\n]+\n", "\n", t)).strip()
        t = "\n".join(x for x in t.split("\n")
                      if not (len(x) <= 200 and self.boiler.search(x))).strip("\n")
        for p, r in self.pii:
            t = p.sub(r, t)
        return t

    # --- language ID

    def language(self, t: str) -> tuple[str | None, float]:
        s = " ".join(regex.sub(r"(\p{Han})", r" \1 ", t[:2000]).split())
        if not s:
            return None, 0.0
        (label,), (prob,) = self.lid.predict(s, k=1)
        lang = label.removeprefix("__label__")
        if lang == "ja" and self.han.search(t) and not self.kana.search(t):
            lang = "zh"
        return lang, float(prob)

    # --- filters: each returns a reason or None

    @staticmethod
    def dup_pieces(pieces: list[str]) -> tuple[int, int, int, int]:
        seen: set[str] = set()
        n = dup = chars = dup_chars = 0
        for p in pieces:
            p = p.strip()
            if not p:
                continue
            n += 1
            chars += len(p)
            if p in seen:
                dup += 1
                dup_chars += len(p)
            seen.add(p)
        return n, dup, chars, dup_chars

    def gopher_repetition(self, t: str, zh: bool) -> str | None:
        n, d, c, dc = self.dup_pieces(t.split("\n"))
        if n and d / n > 0.3:
            return "dup_lines"
        pn, pd, pc, pdc = self.dup_pieces(self.para.split(t))
        if pn and pd / pn > 0.3:
            return "dup_paragraphs"
        if c and dc / c > 0.2:
            return "dup_line_chars"
        if pc and pdc / pc > 0.2:
            return "dup_paragraph_chars"
        words = self.word.findall(t) if zh else t.split()
        total = sum(map(len, words)) or 1
        tops = (0.20, 0.22, 0.24) if zh else (0.20, 0.18, 0.16)
        for n, limit in zip((2, 3, 4), tops, strict=True):
            grams = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
            if grams:
                best = max(grams.values())
                if best >= 3:  # a single repeat is not a dominant n-gram
                    chars = max(sum(map(len, g)) for g, k in grams.items() if k == best)
                    if best * chars / total > limit:
                        return f"top_{n}gram"
        dups = (0.36, 0.33, 0.30, 0.27, 0.24, 0.22) if zh else (0.15, 0.14, 0.13, 0.12, 0.11,
                                                                 0.10)
        for n, limit in zip(range(5, 11), dups, strict=True):
            seen: set[tuple[str, ...]] = set()
            covered = [False] * len(words)
            for i in range(len(words) - n + 1):
                g = tuple(words[i:i + n])
                if g in seen:
                    covered[i:i + n] = [True] * n
                else:
                    seen.add(g)
            if sum(len(w) for w, c in zip(words, covered, strict=True) if c) / total > limit:
                return f"dup_{n}gram"
        return None

    def fineweb(self, t: str, zh: bool) -> str | None:
        prose = self.code.sub("", t)
        lines = [x.strip() for x in prose.split("\n") if x.strip()]
        n = len(lines)
        if n >= 3:  # line shares of one or two lines are not measured
            punct = sum(1 for x in lines if self.terminal.search(x) or self.inside.search(x)
                        or (zh and self.zh_end.search(x)))
            if punct / n <= (0.45 if zh else 0.12):
                return "line_punct_ratio"
            short = sum(1 for x in lines if len(x) <= (15 if zh else 30))
            if short / n >= (0.3 if zh else 0.67):
                return "short_line_ratio"
        _, _, chars, dup_chars = self.dup_pieces(lines)
        if chars and dup_chars / chars >= 0.1:
            return "dup_line_char_ratio"
        words = len(self.word.findall(prose))
        if words and prose.count("\n") / words > 0.3:
            return "newline_ratio"
        return None

    def gopher_quality(self, t: str, zh: bool) -> str | None:
        prose = self.code.sub("", t)
        if zh:
            simplified = self.to_simplified([prose])[0]
            ws = [w for w in self.jieba.cut(simplified, HMM=False)
                  if regex.search(r"[^\W_]", w)]
            n, chars = len(ws), sum(map(len, ws))
            alpha = sum(1 for w in ws if regex.search(r"[^\W\d_]", w))
            stops = sum(1 for w in ws if w in self.zh_stop)
        else:
            ws = self.word.findall(prose)
            n, chars = len(ws), sum(map(len, ws))
            alpha = len(self.alpha.findall(prose))
            stops = len(self.en_stop.findall(prose.lower()))
        if n < 50:
            return "too_few_words"
        if n > 100_000:
            return "too_many_words"
        mean = chars / n
        if not ((1.2 if zh else 3.0) <= mean <= (3.5 if zh else 10.0)):
            return "mean_word_length"
        if max(prose.count("#"), len(regex.findall(r"\.\.\.|…+", prose))) / n > 0.1:
            return "symbol_ratio"
        lines = [x for x in prose.split("\n") if x.strip()]
        if len(lines) >= 3:  # line shares of one or two lines are not measured
            if sum(1 for x in lines if self.bullet.search(x)) / len(lines) > 0.9:
                return "bullet_lines"
            cut = sum(1 for x in lines[:-1] if self.ellipsis_line.search(x))  # not the last
            if cut / len(lines) > 0.3:
                return "ellipsis_lines"
        if alpha / n < (0.7 if zh else 0.8):
            return "alpha_words"
        if stops < 2:
            return "stopwords"
        non_space = len(prose) - sum(1 for c in prose if c.isspace())
        if zh and non_space and len(self.cjk.findall(prose)) / non_space < 0.3:
            return "cjk_ratio"
        return None

    def c4(self, t: str, zh: bool) -> str | None:
        if regex.search(r"(?i)lorem ipsum", t):
            return "lorem_ipsum"
        t = regex.sub(r"\[(?:\d{1,3}|citation needed|edit|编辑)\]", "", t)
        kept = []
        for line in (x.strip() for x in t.split("\n")):
            if not line or self.js.search(line) or self.policy.search(line):
                continue
            if len(self.word.findall(line)) >= (8 if zh else 5):
                kept.append(line)
        marked = self.sentence_break.sub(lambda m: m.group(0) + "\x00", "\n".join(kept))
        if sum(1 for s in marked.split("\x00") if s.strip()) < 1:  # the recipe's floor
            return "too_few_sentences"
        return None

    def flagged(self, t: str, zh: bool) -> str | None:
        if zh:
            low = self.to_simplified([t.lower()])[0]
            bounds: set[int] | None = None
            found, i = [], 0
            # leftmost, longest first; a two-character word only where jieba makes it a word
            while i < len(low):
                for w in self.flag_zh:
                    if low.startswith(w, i):
                        if len(w) < 3:
                            if bounds is None:
                                bounds = {b for _, s, e in self.jieba.tokenize(low, HMM=False)
                                          for b in (s, e)}
                            if i not in bounds or i + len(w) not in bounds:
                                continue
                        found.append(w)
                        i += len(w)
                        break
                else:
                    i += 1
            words = sum(1 for c in t if c.isalnum())
            ratio = sum(map(len, found)) / words if words else 0.0
            return "flagged_words" if ratio > 0.01 and len(set(found)) >= 2 else None
        found = self.flag_en.findall(t.lower())
        words = len(self.word.findall(t))
        ratio = len(found) / words if words else 0.0
        return "flagged_words" if ratio > 0.045 and len(set(found)) >= 2 else None

    def special(self, t: str) -> str | None:
        ratio = len(self.special_re.findall(t)) / len(t) if t else 0.0
        return "special_characters" if ratio > 0.25 else None

    def char_repetition(self, t: str, zh: bool) -> str | None:
        grams = Counter(t[i:i + 10] for i in range(len(t) - 9))
        if grams:
            counts = sorted(grams.values(), reverse=True)
            k = min(int(math.sqrt(len(counts))), sum(1 for c in counts if c > 1))
            if sum(counts[:k]) / sum(counts) > 0.5:
                return "char_repetition"
        chars = [c for c in t if not c.isspace()]
        in_runs, run = 0, 1
        for i in range(1, len(chars) + 1):
            if i < len(chars) and chars[i] == chars[i - 1]:
                run += 1
                continue
            if run >= 5 and chars[i - 1] not in self.separators:
                in_runs += run
            run = 1
        if chars and in_runs / len(chars) > (0.05 if zh else 0.1):
            return "char_runs"
        return None

    def document(self, t: str) -> str | None:
        """The reason the recipe rejects a document, or None when it keeps it."""
        t = self.clean(t)
        lang, score = self.language(t)
        if lang not in ("zh", "en"):
            return "language"
        if score < 0.5:
            return "language_score"
        zh = lang == "zh"
        for rule in (self.gopher_repetition, self.fineweb, self.gopher_quality, self.c4,
                     self.flagged):
            reason = rule(t, zh)
            if reason:
                return reason
        return self.special(t) or self.char_repetition(t, zh)


def run_baseline(texts: list[str]) -> tuple[float, int]:
    base = Baseline()
    base.document("warm up jieba and fastText 预热")
    start = time.perf_counter()
    kept = sum(1 for t in texts if base.document(t) is None)
    return time.perf_counter() - start, kept


# ----------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--baseline-docs", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "filters.json")
    args = parser.parse_args()

    t0 = time.perf_counter()
    corpus = make_corpus(args.docs, args.seed)
    mb = corpus["text"].str.len_bytes().sum() / 1e6
    zh_share = (corpus["text"].str.count_matches(r"\p{Han}")
                / corpus["text"].str.len_chars().clip(1) > 0.3).mean()
    print(f"corpus: {corpus.height:,} docs, {mb:.1f} MB, {zh_share:.0%} Chinese "
          f"(built in {time.perf_counter() - t0:.0f} s)")

    # Warm up (jieba dictionary, fastText model, regex compilation) outside the timings.
    run_recipe(corpus.head(200))
    batch_seconds, per_stage, kept = run_recipe(corpus)
    secs = sum(batch_seconds)
    quarter_batches = max(1, len(batch_seconds) // 4)
    q_secs = sum(batch_seconds[:quarter_batches])
    q_docs = min(corpus.height, quarter_batches * BATCH)
    sub = corpus.head(args.baseline_docs)
    b_secs, b_kept = run_baseline(sub["text"].to_list())
    _, _, s_kept = run_recipe(sub)  # agreement check: same documents kept as the baseline

    sub_mb = sub["text"].str.len_bytes().sum() / 1e6
    result = {
        "docs": corpus.height,
        "mb": round(mb, 2),
        "recipe_seconds": round(secs, 2),
        "recipe_docs_per_s": round(corpus.height / secs),
        "recipe_mb_per_s": round(mb / secs, 3),
        "recipe_kept": kept,
        "quarter_seconds": round(q_secs, 2),
        "linearity_per_doc_cost_ratio_full_vs_quarter": round(
            (secs / corpus.height) / (q_secs / q_docs), 3),
        "baseline_docs": sub.height,
        "baseline_seconds": round(b_secs, 2),
        "baseline_docs_per_s": round(sub.height / b_secs),
        "baseline_mb_per_s": round(sub_mb / b_secs, 3),
        "baseline_kept": b_kept,
        "recipe_on_baseline_docs_kept": s_kept,
        "speedup_vs_baseline": round((corpus.height / secs) / (sub.height / b_secs), 2),
        "per_stage_seconds": {k: round(v, 2) for k, v in per_stage.items()},
        "polars_threads": os.environ.get("POLARS_MAX_THREADS"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"recipe  : {result['recipe_docs_per_s']:>8,} docs/s  {result['recipe_mb_per_s']:.2f} "
          f"MB/s per core  ({secs:.1f} s for {corpus.height:,}; kept {kept:,})")
    print(f"baseline: {result['baseline_docs_per_s']:>8,} docs/s  "
          f"{result['baseline_mb_per_s']:.2f} MB/s per core  ({b_secs:.1f} s for {sub.height:,}; "
          f"kept {b_kept:,} vs recipe {s_kept:,})")
    print(f"speed-up: {result['speedup_vs_baseline']}x; per-document cost at full size / at a "
          f"quarter: {result['linearity_per_doc_cost_ratio_full_vs_quarter']}")
    print("per stage (s):", result["per_stage_seconds"])
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
