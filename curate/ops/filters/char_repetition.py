"""`char_repetition`: character n-gram repetition (BigScience ROOTS, Laurençon et al. 2022;
Data-Juicer's character_repetition_filter) and, the Chinese counterpart of word repetition,
runs of one repeated character (哈哈哈哈哈, ！！！！！, aaaaaa).

A run of a rule or pause character (------, ======, ……, 。。。。) is layout, a separator line
or an ellipsis, not repetition, and does not count: on real Zhihu answers every document the
run rule rejected was rejected for one separator line (bench/realdata.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold


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
        rep, run = char_repetition(batch.select(self.text).to_series(), p.rep_len, p.min_run)
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


def char_repetition(texts: pl.Series, rep_len: int, min_run: int) -> tuple[pl.Series, pl.Series]:
    """Per text: the ROOTS repetition ratio of character `rep_len`-grams, and the share of
    non-space characters in runs of `min_run`+ equal ones (spaces skipped: "a a a a a" is a
    run; separator characters' runs do not count).

    Repetition ratio: with the n-grams counted, the occurrences of the k most frequent ones,
    k = min(floor(sqrt(#distinct n-grams)), #n-grams occurring more than once), divided by
    all occurrences. Counted per text in a compiled loop over code points.
    """
    values = texts.fill_null("").to_list()
    lengths = np.array([len(t) for t in values], dtype=np.int64)
    codes = np.frombuffer("".join(values).encode("utf-32-le"), dtype=np.uint32)
    rep = np.zeros(len(values))
    run = np.zeros(len(values))
    if len(codes):
        space = np.isin(codes, _codes(SPACES))
        separator = np.isin(codes, _codes(SEPARATORS))
        _measure(codes.astype(np.uint64), lengths, space, separator, rep_len, min_run, rep, run)
    return pl.Series(rep, dtype=pl.Float64), pl.Series(run, dtype=pl.Float64)


# Characters that draw rules and pauses when repeated (Markdown's ---, *** and ___ among them).
SEPARATORS = "-_=~*+#.·•…—–―─━═～－＝＿＊。"
# FNV-1a over code points: the key of a character n-gram.
_H0 = np.uint64(0xCBF29CE484222325)
_P = np.uint64(0x100000001B3)


SPACES = " \n\t\r\u3000\xa0"  # not part of a run, nor between its characters


def _codes(chars: str) -> np.ndarray:
    return np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)


@numba.njit(cache=True, nogil=True)
def _measure(codes: np.ndarray, lengths: np.ndarray, space: np.ndarray, separator: np.ndarray,
             rep_len: int, min_run: int, rep: np.ndarray,
             run: np.ndarray) -> None:  # pragma: no cover
    start = 0
    for d in range(len(lengths)):
        end = start + lengths[d]
        # Runs of one character among the non-space characters.
        total = 0
        inside = 0
        length = 0
        last = -1
        for k in range(start, end + 1):
            if k < end and space[k]:
                continue
            if k < end and length and codes[k] == codes[last]:
                length += 1
            else:
                if length >= min_run and not separator[last]:
                    inside += length
                length = 1
            if k < end:
                total += 1
                last = k
        run[d] = inside / total if total > 0 else 0.0
        # Repeated character n-grams (spaces included).
        positions = lengths[d] - rep_len + 1
        if positions > 0:
            keys = np.empty(positions, dtype=np.uint64)
            for i in range(positions):
                h = _H0
                for k in range(start + i, start + i + rep_len):
                    h = (h ^ codes[k]) * _P
                keys[i] = h
            keys.sort()
            counts = np.empty(positions, dtype=np.int64)
            repeated = 0
            extra = 0
            i = 0
            while i < positions:
                j = i + 1
                while j < positions and keys[j] == keys[i]:
                    j += 1
                if j - i > 1:
                    counts[repeated] = j - i
                    repeated += 1
                    extra += j - i - 1
                i = j
            top = 0
            if repeated:
                top_k = min(math.floor(math.sqrt(float(positions - extra))), repeated)
                best = np.sort(counts[:repeated])[::-1]
                for r in range(top_k):
                    top += best[r]
            rep[d] = top / positions
        start = end
