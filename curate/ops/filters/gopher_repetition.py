"""`gopher_repetition`: the repetition rules of Gopher (Rae et al. 2021, appendix A.1.1 and
table A1): duplicate lines and paragraphs, most frequent n-grams, duplicated n-grams."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold
from curate.text import lines, paragraphs, repeated_ngrams, token_table, words
from curate.text.ngrams import CHARS, DOC, POS, duplicate_pieces, per_doc

TOP_NS = (2, 3, 4)
DUP_NS = (5, 6, 7, 8, 9, 10)
# The top n-gram must occur this often to count: twice is a single repeat (a news title
# repeated in its lead), which in a 50-word document is already 16 % of the characters of a
# 4-gram; spam repeats a phrase many times. On real AG News items above the length floor,
# 11 of 771 were rejected for a 4-gram seen twice (bench/realdata.py).
MIN_TOP_COUNT = 3


@dataclass
class GopherRepetitionParams:
    rules: Rules = param("auto", RULES_DOC)
    max_dup_line_frac: float = threshold(0.30, "most share of lines that repeat an earlier one")
    max_dup_para_frac: float = threshold(0.30, "most share of paragraphs that repeat one")
    max_dup_line_char_frac: float = threshold(0.20, "most share of characters in repeated lines")
    max_dup_para_char_frac: float = threshold(
        0.20, "most share of characters in repeated paragraphs")
    max_top_ngram_char_frac: list[float] = threshold(
        [0.20, 0.18, 0.16], "n = 2, 3, 4: most share of characters in the top repeated n-gram"
    )
    max_dup_ngram_char_frac: list[float] = threshold(
        [0.15, 0.14, 0.13, 0.12, 0.11, 0.10],
        "n = 5..10: most share of characters in repeated n-grams",
    )
    zh_max_top_ngram_char_frac: list[float] = threshold(
        [0.20, 0.22, 0.24], "zh (n-grams of characters): as max_top_ngram_char_frac"
    )
    zh_max_dup_ngram_char_frac: list[float] = threshold(
        [0.36, 0.33, 0.30, 0.27, 0.24, 0.22],
        "zh (n-grams of characters): as max_dup_ngram_char_frac",
    )

    def validate(self) -> tuple[str, str] | None:
        """Check one threshold per n."""
        for key, ns in (("max_top_ngram_char_frac", TOP_NS), ("max_dup_ngram_char_frac", DUP_NS),
                        ("zh_max_top_ngram_char_frac", TOP_NS),
                        ("zh_max_dup_ngram_char_frac", DUP_NS)):
            if len(getattr(self, key)) != len(ns):
                return key, f"needs {len(ns)} values (n = {ns[0]}..{ns[-1]})"
        return None


@register
class GopherRepetition(RoutedFilter[GopherRepetitionParams]):
    """Gopher repetition rules: repeated lines, paragraphs and n-grams (zh: character n-grams)."""

    name = "gopher_repetition"
    signals = (
        RULE_LANG, "dup_line_frac", "dup_para_frac", "dup_line_char_frac", "dup_para_char_frac",
        *(f"top_{n}gram_char_frac" for n in TOP_NS),
        *(f"dup_{n}gram_char_frac" for n in DUP_NS),
    )

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        batch = self.with_rule_lang(batch)
        text = batch.select(self.text.fill_null("")).to_series()
        columns = []
        for unit, split in (("line", lines), ("para", paragraphs)):
            d = duplicate_pieces(pl.select(split(pl.lit(text))).to_series())
            columns.append(_frac(d["dup"], d["n"]).alias(f"dup_{unit}_frac"))
            columns.append(_frac(d["dup_chars"], d["chars"]).alias(f"dup_{unit}_char_frac"))
        # Words: whitespace-separated tokens (Gopher); zh: characters (and Latin words).
        tokens = batch.select(
            pl.when(self.zh()).then(words(self.text.fill_null("")))
            .otherwise(self.text.fill_null("").str.extract_all(r"\S+"))
        ).to_series()
        columns += ngram_fractions(tokens)
        return batch.with_columns(columns).with_columns(decide(self.rules(), self.zh()))

    def rules(self) -> list[Rule]:
        """Gopher's repetition rules, in order; Chinese rows compare with the zh_ thresholds
        of the n-gram rules."""
        p = self.params
        rules = [
            rule("dup_lines", "dup_line_frac", ">", p.max_dup_line_frac),
            rule("dup_paragraphs", "dup_para_frac", ">", p.max_dup_para_frac),
            rule("dup_line_chars", "dup_line_char_frac", ">", p.max_dup_line_char_frac),
            rule("dup_paragraph_chars", "dup_para_char_frac", ">", p.max_dup_para_char_frac),
        ]
        for n, zh, en in zip(TOP_NS, p.zh_max_top_ngram_char_frac, p.max_top_ngram_char_frac,
                             strict=True):
            rules.append(rule(f"top_{n}gram", f"top_{n}gram_char_frac", ">", en, zh, True))
        for n, zh, en in zip(DUP_NS, p.zh_max_dup_ngram_char_frac, p.max_dup_ngram_char_frac,
                             strict=True):
            rules.append(rule(f"dup_{n}gram", f"dup_{n}gram_char_frac", ">", en, zh, True))
        return rules


def _frac(num: pl.Series, den: pl.Series) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(den) > 0).then(pl.lit(num) / pl.lit(den)).otherwise(0.0)
    ).to_series()


def ngram_fractions(tokens: pl.Series) -> list[pl.Series]:
    """Per document of a list column of tokens: the character share of the most frequent
    repeated n-gram (n = 2..4) and of all repeated n-gram occurrences (n = 5..10).

    Shares are of the characters in the document's tokens. The top n-gram is the most
    frequent one occurring at least MIN_TOP_COUNT times (ties: the longest), counted at every
    occurrence;
    repeated n-grams are every occurrence after a first, a character counted once however
    many overlapping repeats cover it (Gopher: "not counting characters in overlapping
    n-grams more than once").
    """
    n_docs = tokens.len()
    table = token_table(tokens)
    total = per_doc(n_docs, table.group_by(DOC).agg(pl.col("len").sum().alias("t")), "t")
    out = {}
    for n, cand in repeated_ngrams(table, max(DUP_NS)):
        if n in TOP_NS:
            top = (
                cand.group_by(DOC, "key")
                .agg(pl.len().alias("count"), pl.col(CHARS).first())
                .filter(pl.col("count") >= MIN_TOP_COUNT)
                .sort(DOC, "count", CHARS, descending=[False, True, True])
                .group_by(DOC, maintain_order=True)
                .agg((pl.col("count") * pl.col(CHARS)).first().alias("c"))
            )
            out[f"top_{n}gram_char_frac"] = _frac(per_doc(n_docs, top, "c"), total)
        elif n in DUP_NS:
            starts = cand.filter(~pl.col("key").is_first_distinct())[POS]
            flags = pl.zeros(table.height, dtype=pl.UInt8, eager=True)
            if starts.len():
                flags = flags.scatter(starts, 1)
            covered = pl.DataFrame({
                DOC: table[DOC],
                "c": flags.rolling_max(n, min_samples=1) * table["len"],
            }).group_by(DOC).agg(pl.col("c").sum())
            out[f"dup_{n}gram_char_frac"] = _frac(per_doc(n_docs, covered, "c"), total)
    return [out[name].alias(name) for name in sorted(out, key=_ngram_order)]


def _ngram_order(name: str) -> tuple[int, int]:
    kind, n = name.split("_")[:2]
    return (0 if kind == "top" else 1, int(n.removesuffix("gram")))
