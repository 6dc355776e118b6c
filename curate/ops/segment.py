"""`segment`: word segmentation and part-of-speech tags as list columns, and the person,
place and organisation names the tags mark (the preprocessing step of InternLM2-style
recipes). Slow (jieba POS tagging runs at about 0.4 MB/s per core): add it only when
pre-segmented output is wanted."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.params import param
from curate.text import is_chinese, pos_tag_zh, segment_zh, words

# jieba (ICTCLAS) tags that mark names.
PERSON_TAGS = ("nr", "nrfg", "nrt")
PLACE_TAGS = ("ns",)
ORG_TAGS = ("nt",)


@dataclass
class SegmentParams:
    pos: bool = param(True, "zh: part-of-speech tags (jieba posseg) and the names they mark")
    lowercase: bool = param(False, "lower-case the words of non-Chinese text")


@register
class Segment(RowOperator[SegmentParams]):
    """Words (jieba for Chinese, the regex splitter otherwise), POS tags and the persons,
    places and organisations they mark, as list columns."""

    name = "segment"
    annotations = ("words", "pos_tags", "persons", "places", "organizations")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        text = self.text.fill_null("")
        other = words(text.str.to_lowercase() if p.lowercase else text)
        batch = batch.with_columns(other.alias("words"))
        zh = batch.select(is_chinese(batch.columns, self.text)).to_series().fill_null(False)
        columns: dict[str, list] = {"words": batch["words"].to_list()}
        columns |= {name: [None] * batch.height for name in self.annotations[1:]}
        if zh.any():
            idx = zh.arg_true().to_list()
            texts = batch[self.context.text_column].gather(idx).fill_null("").to_list()
            if p.pos:
                tagged = pos_tag_zh(texts)
                found = {
                    "words": [[w for w, _ in t] for t in tagged],
                    "pos_tags": [[f for _, f in t] for t in tagged],
                    "persons": _names(tagged, PERSON_TAGS),
                    "places": _names(tagged, PLACE_TAGS),
                    "organizations": _names(tagged, ORG_TAGS),
                }
            else:
                found = {"words": segment_zh(texts, hmm=True)}
            for name, values in found.items():
                for i, value in zip(idx, values, strict=True):
                    columns[name][i] = value
        return batch.with_columns(
            pl.Series(name, columns[name], dtype=pl.List(pl.String)) for name in self.annotations
        )

def _names(tagged: list[list[tuple[str, str]]], tags: tuple[str, ...]) -> list[list[str]]:
    """The distinct words carrying one of `tags`, in order of first appearance."""
    return [list(dict.fromkeys(w for w, f in t if f in tags)) for t in tagged]
