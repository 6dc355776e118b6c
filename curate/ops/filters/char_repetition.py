"""`char_repetition`: character n-gram repetition (BigScience ROOTS, Laurençon et al. 2022;
Data-Juicer's character_repetition_filter) and, the Chinese counterpart of word repetition,
runs of one repeated character (哈哈哈哈哈, ！！！！！, aaaaaa).

A run of a rule or pause character (------, ======, ……, 。。。。) is layout, a separator line
or an ellipsis, not repetition, and does not count: on real Zhihu answers every document the
run rule rejected was rejected for one separator line (bench/realdata.py)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold
from curate.text import repeated_ngrams, token_table
from curate.text.ngrams import DOC, KEY, per_doc


@dataclass
class CharRepetitionParams:
    rules: Rules = param("auto", RULES_DOC)
    rep_len: int = param(10, "length of the character n-grams (ROOTS: 10)")
    max_rep_ratio: float = threshold(
        0.5, "most share of n-gram occurrences in the top sqrt(#distinct) repeated n-grams"
    )
    zh_max_rep_ratio: float = threshold(0.5, "zh: as max_rep_ratio")
    min_run: int = param(
        5, "a run of at least this many equal characters counts as a run (separator and "
        "ellipsis characters such as - = _ ~ … — 。 do not)")
    max_run_ratio: float = threshold(0.1, "most share of non-space characters inside runs")
    zh_max_run_ratio: float = threshold(0.05, "zh: most share of characters inside runs")

    def validate(self) -> tuple[str, str] | None:
        """Check the lengths."""
        for key in ("rep_len", "min_run"):
            if getattr(self, key) < 2:
                return key, f"must be >= 2, got {getattr(self, key)}"
        return None


@register
class CharRepetition(RoutedFilter[CharRepetitionParams]):
    """Reject documents dominated by repeated character n-grams or runs of one character."""

    name = "char_repetition"
    signals = (RULE_LANG, "char_rep_ratio", "char_run_ratio")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        batch = self.with_rule_lang(batch)
        chars = batch.select(self.text.fill_null("").str.split("")).to_series()
        rep, run = char_repetition(chars, p.rep_len, p.min_run)
        batch = batch.with_columns(rep.alias("char_rep_ratio"), run.alias("char_run_ratio"))
        return batch.with_columns(decide(self.rules(), self.zh()))

    def rules(self) -> list[Rule]:
        """Repeated character n-grams, then runs of one character."""
        p = self.params
        return [
            rule("char_repetition", "char_rep_ratio", ">", p.max_rep_ratio, p.zh_max_rep_ratio,
                 True),
            rule("char_runs", "char_run_ratio", ">", p.max_run_ratio, p.zh_max_run_ratio, True),
        ]


def char_repetition(chars: pl.Series, rep_len: int, min_run: int) -> tuple[pl.Series, pl.Series]:
    """Per document (a list of its characters): the ROOTS repetition ratio of character
    `rep_len`-grams, and the share of non-space characters in runs of `min_run`+ equal ones.

    Repetition ratio: with the n-grams counted, the occurrences of the k most frequent ones,
    k = min(floor(sqrt(#distinct n-grams)), #n-grams occurring more than once), divided by
    all occurrences.
    """
    n_docs = chars.len()
    table = token_table(chars)
    non_space = table.filter(~pl.col("h").is_in(_space_hashes().implode()))
    total_chars = per_doc(n_docs, non_space.group_by(DOC).len(), "len")
    runs = (
        non_space.with_columns(pl.struct(DOC, "h").rle_id().alias("run"))
        .with_columns(pl.len().over("run").alias("run_len"))
        .filter((pl.col("run_len") >= min_run) & ~pl.col("h").is_in(_separator_hashes().implode()))
        .group_by(DOC).len()
    )
    run_ratio = _div(per_doc(n_docs, runs, "len"), total_chars)

    per_len = table.group_by(DOC).len()
    positions = per_doc(n_docs, per_len, "len") - (rep_len - 1)
    positions = positions.clip(lower_bound=0)
    groups = None
    for n, cand in repeated_ngrams(table, rep_len, min_n=rep_len):
        if n == rep_len:
            groups = cand.group_by(DOC, KEY).agg(pl.len().alias("count"))
    assert groups is not None
    per_group = groups.with_columns(
        # distinct n-grams = positions - sum(count - 1) over repeated n-grams
        (pl.col("count") - 1).sum().over(DOC).alias("extra"),
        pl.len().over(DOC).alias("n_rep"),
    )
    per_group = per_group.join(
        pl.DataFrame({DOC: pl.int_range(n_docs, dtype=pl.UInt32, eager=True),
                      "positions": positions}), on=DOC, how="left",
    ).with_columns(
        pl.min_horizontal(
            (pl.col("positions") - pl.col("extra")).cast(pl.Float64).sqrt().floor(),
            pl.col("n_rep"),
        ).alias("k")
    )
    top = (
        per_group.sort(DOC, "count", descending=[False, True])
        .with_columns(pl.int_range(pl.len()).over(DOC).alias("rank"))
        .filter(pl.col("rank") < pl.col("k"))
        .group_by(DOC).agg(pl.col("count").sum().alias("top"))
    )
    rep_ratio = _div(per_doc(n_docs, top, "top"), positions)
    return rep_ratio, run_ratio


# Characters that draw rules and pauses when repeated (Markdown's ---, *** and ___ among them).
SEPARATORS = "-_=~*+#.·•…—–―─━═～－＝＿＊。"


def _separator_hashes() -> pl.Series:
    return pl.Series(list(SEPARATORS)).hash()


def _space_hashes() -> pl.Series:
    return pl.Series([" ", "\n", "\t", "\r", "\u3000", "\xa0"]).hash()


def _div(num: pl.Series, den: pl.Series) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(den) > 0).then(pl.lit(num) / pl.lit(den)).otherwise(0.0)
    ).to_series()
