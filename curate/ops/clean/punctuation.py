"""`normalize_punctuation`: full-width/half-width forms and punctuation made consistent with
the document's language."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.params import param
from curate.text import is_chinese

# Full-width letters and digits (Ａ-Ｚ ａ-ｚ ０-９) and the ideographic space: always half-width.
FULLWIDTH_ALNUM = {chr(0xFF10 + i): str(i) for i in range(10)}
FULLWIDTH_ALNUM |= {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
FULLWIDTH_ALNUM |= {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
# Punctuation pairs (half-width, full-width) that differ between zh and en text.
PUNCT_PAIRS = (
    (",", "，"), ("!", "！"), ("?", "？"), (":", "："), (";", "；"), ("(", "（"), (")", "）"),
)
# Full-width forms of ASCII symbols that are half-width in both languages.
FULLWIDTH_SYMBOLS = {
    "＂": '"', "＃": "#", "＄": "$", "％": "%", "＆": "&", "＇": "'", "＊": "*", "＋": "+",
    "－": "-", "／": "/", "＜": "<", "＝": "=", "＞": ">", "＠": "@", "［": "[", "＼": "\\",
    "］": "]", "＾": "^", "＿": "_", "｀": "`", "｛": "{", "｜": "|", "｝": "}", "～": "~",
}
HAN = r"\p{Han}"


@dataclass
class NormalizePunctuationParams:
    width: bool = param(True, "full-width letters, digits and symbols to half-width")
    by_language: bool = param(
        True, "zh: ,!?:;() next to Chinese characters become ，！？：；（）; en: the reverse"
    )


@register
class NormalizePunctuation(RowOperator[NormalizePunctuationParams]):
    """Half-width letters, digits and symbols; punctuation in the document's language's
    form (zh ，。！？ next to Chinese characters, en ,.!? elsewhere)."""

    name = "normalize_punctuation"
    rewrites_text = True
    signals = ("punct_normalized",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        text = pl.col(col)
        changes = pl.lit(0, dtype=pl.Int64)
        if p.width:
            table = FULLWIDTH_ALNUM | FULLWIDTH_SYMBOLS | {"\u3000": " "}
            pattern = "[" + "".join(table) .replace("\\", "\\\\").replace("[", "\\[").replace(
                "]", "\\]").replace("^", "\\^").replace("-", "\\-") + "]"
            changes = changes + text.str.count_matches(pattern).fill_null(0)
            text = text.str.replace_many(list(table), list(table.values()))
        if p.by_language:
            zh = is_chinese(batch.columns, pl.col(col))
            to_zh, to_zh_count = text, pl.lit(0, dtype=pl.Int64)
            for half, full in PUNCT_PAIRS:
                # Next to a Chinese character on either side (not inside numbers or code).
                h = "\\" + half
                pattern = rf"(\p{{Han}}[”」』）]?){h}|{h}(\p{{Han}}|[“「『（])"
                to_zh_count = to_zh_count + to_zh.str.count_matches(pattern).fill_null(0)
                to_zh = to_zh.str.replace_all(pattern, f"${{1}}{full}${{2}}")
            # A period ending a Chinese sentence: before a space, the end or the next
            # sentence ("关系.认为"). Matches do not overlap, so a second round takes the
            # periods whose ideograph the first round consumed ("甲.乙.丙").
            period = r"(\p{Han}[”」』）]?)\.(\s|$|\p{Han}|[“「『（])"
            for _ in range(2):
                to_zh_count = to_zh_count + to_zh.str.count_matches(period).fill_null(0)
                to_zh = to_zh.str.replace_all(period, "${1}。${2}")
            fulls = [full for _, full in PUNCT_PAIRS] + ["。"]
            halves = [half for half, _ in PUNCT_PAIRS] + ["."]
            en_pattern = "[" + "".join(fulls) + "]"
            to_en_count = text.str.count_matches(en_pattern).fill_null(0)
            # en: full-width punctuation becomes half-width followed by a space where a word
            # follows directly ("Hi，there" -> "Hi, there").
            to_en = text.str.replace_all(r"([，！？：；])(\w)", "${1} ${2}").str.replace_many(
                fulls, halves
            )
            text = pl.when(zh).then(to_zh).otherwise(to_en)
            changes = changes + pl.when(zh).then(to_zh_count).otherwise(to_en_count)
        return batch.with_columns(text.alias(col), changes.cast(pl.Int64).alias("punct_normalized"))
