"""What every language-routed filter shares: a Chinese and an English rule set, one of them
chosen per row (see `curate.text.is_chinese`), and the chosen set recorded as `rule_lang`."""

from __future__ import annotations

from typing import Literal

import polars as pl

from curate.ops.base import P, RowOperator
from curate.text import is_chinese

Rules = Literal["auto", "zh", "en"]
RULE_LANG = "rule_lang"
RULES_DOC = "rule set: auto (by `lang`, else by CJK share), zh or en for every row"
# A share of one or two lines is 0, 0.5 or 1: it says nothing about a page's layout. On real
# text above the length floor, FineWeb's and Gopher's line rules rejected 52 of 771 AG News
# items (a title and a cut-off lead: 0 of 2 lines punctuated) and 26 of 689 Zhihu answers (one
# line ending in "……": 100 % ellipsis lines) for that alone (bench/realdata.py).
MIN_LINES_DOC = ("line shares are measured on documents of at least this many non-blank lines "
                 "(null below, no rejection)")


class RoutedFilter(RowOperator[P]):
    """A filter whose thresholds depend on the row's language (zh or en rules)."""

    def with_rule_lang(self, batch: pl.DataFrame) -> pl.DataFrame:
        """The batch with the `rule_lang` column ("zh" or "en") for this filter's rules."""
        mode = self.params.rules
        if mode == "auto":
            zh = is_chinese(batch.columns, self.text)
            expr = pl.when(zh).then(pl.lit("zh")).otherwise(pl.lit("en"))
        else:
            expr = pl.lit(mode)
        return batch.with_columns(expr.cast(pl.String).alias(RULE_LANG))

    @staticmethod
    def zh() -> pl.Expr:
        """Whether the row gets the Chinese rules (needs `with_rule_lang` first)."""
        return pl.col(RULE_LANG) == "zh"

    def rule_route(self) -> pl.Expr:
        """Chinese rows (by the stored `rule_lang`) take the Chinese thresholds."""
        return self.zh()

    def reads(self) -> list[str]:
        """The rules' signals and `rule_lang`."""
        return [RULE_LANG, *super().reads()]

    @staticmethod
    def ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
        """num / den as a float, 0 where den is 0."""
        return pl.when(den > 0).then(num.cast(pl.Float64) / den).otherwise(0.0)

    @staticmethod
    def line_share(num: pl.Expr, lines: pl.Expr, min_lines: int) -> pl.Expr:
        """num / lines as a float, null (not measured) for a document of fewer than
        `min_lines` lines: the share of one or two lines says nothing about a page's layout
        (a one-paragraph answer ending in "……" would be 100 % ellipsis lines)."""
        return pl.when(lines >= max(min_lines, 1)).then(num.cast(pl.Float64) / lines)
