"""Line-level cleaners: lines repeated inside a document, and known boilerplate lines (cookie
banners, "read more", copyright, navigation) in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.params import param
from curate.text import line_table, per_row

# Boilerplate lines, matched anywhere in a short line, case-insensitively.
BOILERPLATE_EN = (
    r"\b(?:use|uses|using|accept)\b.*\bcookies?\b"
    r"|\bcookies?\b.*\b(?:consent|settings|preferences|policy)\b"
    r"|\b(?:accept|manage|reject) (?:all )?(?:cookies|preferences)\b"
    r"|^\W*(?:read|see|show|load|view) more\W*$|\bcontinue reading\b|\bclick here\b"
    r"|\ball rights reserved\b|^\W*(?:copyright|©|\(c\))\s*(?:\d{4}|©)|©\s*\d{4}"
    r"|\bprivacy policy\b|\bterms (?:of|and) (?:use|service|conditions)\b|\bsitemap\b"
    r"|\bskip to (?:main )?content\b|\bback to top\b|^\W*(?:home|menu|search)\W*$"
    r"|^\W*(?:sign|log) ?(?:in|up|out)\b|\bsubscribe to (?:our|the) newsletter\b"
    r"|\bshare (?:this|on)\b|\bfollow us\b|\b(?:previous|next) (?:post|article|page)\b"
    r"|\bpowered by\b|\bposted in\b|\bleave a (?:comment|reply)\b"
    r"|^\W*related (?:articles|posts)"
    r"|^\W*tags?:\s"
)
BOILERPLATE_ZH = (
    r"版权所有|保留所有权利|未经(?:授权|许可).{0,6}(?:转载|复制)|转载请注明|ICP备|ICP证"
    r"|阅读全文|阅读更多|查看更多|点击查看|展开全文|^\W*更多\W*$|加载中"
    r"|上一篇|下一篇|上一页|下一页|返回顶部|返回首页|返回列表|^\W*首页\W*(?:>|$)|当前位置"
    r"|分享到|扫一扫|扫码关注|关注(?:我们|微信公众号)|微信公众号|相关阅读|相关推荐|热门推荐"
    r"|点击排行|网站地图|联系我们|关于我们|隐私政策|免责声明|责任编辑|^\W*来源[:：]"
    r"|使用cookie|我知道了|登录\s*[|｜/]\s*注册|打印本页|关闭窗口|发表评论|暂无评论"
)
# ASCII word boundaries: Unicode ones make the regex engine slow on CJK text.
_ASCII_EN = BOILERPLATE_EN.replace(r"\b", r"(?-u:\b)")
BOILERPLATE = rf"(?i)(?:{_ASCII_EN}|{BOILERPLATE_ZH})"


@dataclass
class RemoveBoilerplateLinesParams:
    max_line_chars: int = param(
        200, "only lines of at most this many characters can be boilerplate"
    )
    extra_patterns: list[str] = param([], "more regular expressions marking boilerplate lines")


@register
class RemoveBoilerplateLines(RowOperator[RemoveBoilerplateLinesParams]):
    """Drop known boilerplate lines: cookie banners, read more, copyright, navigation,
    share/follow, 上一篇/下一篇, 版权所有, 扫一扫 ... (short lines only)."""

    name = "remove_boilerplate_lines"
    rewrites_text = True
    signals = ("boilerplate_lines_removed",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        pattern = BOILERPLATE
        if p.extra_patterns:
            pattern = "|".join([pattern, *(f"(?:{x})" for x in p.extra_patterns)])
        text = batch[col]
        table = line_table(text).with_columns(
            (pl.col("line").str.contains(pattern) & (pl.col("line").str.len_chars()
                                                      <= p.max_line_chars)).alias("boiler")
        )
        agg = per_row(
            batch.height, table,
            pl.col("line").filter(~pl.col("boiler")).str.join("\n").alias("kept"),
            pl.col("boiler").sum().cast(pl.Int64).alias("removed"),
        )
        kept = pl.select(
            pl.when(pl.lit(text).is_null()).then(None)
            .otherwise(pl.lit(agg["kept"]).fill_null("").str.strip_chars("\n"))
        ).to_series()
        return batch.with_columns(
            kept.alias(col), agg["removed"].fill_null(0).alias("boilerplate_lines_removed")
        )


@dataclass
class RemoveRepeatedLinesParams:
    min_chars: int = param(1, "lines shorter than this (stripped) are never removed")


@register
class RemoveRepeatedLines(RowOperator[RemoveRepeatedLinesParams]):
    """Drop every line that repeats an earlier line of the same document (compared
    stripped; blank lines kept)."""

    name = "remove_repeated_lines"
    rewrites_text = True
    signals = ("repeated_lines_removed",)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        el = pl.element()
        stripped = el.str.strip_chars()
        lines = pl.col(col).str.split("\n")
        repeat = (
            ~stripped.is_first_distinct()
            & (stripped.str.len_chars() >= max(p.min_chars, 1))
        )
        kept = lines.list.eval(el.filter(~repeat))
        return batch.with_columns(
            kept.list.join("\n").alias(col),
            (lines.list.len() - kept.list.len()).fill_null(0).cast(pl.Int64)
            .alias("repeated_lines_removed"),
        )
