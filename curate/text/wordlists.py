"""Word lists shipped with curate (`curate/text/data/*.txt`): stopwords and flagged words
per language. Lines starting with `#` are comments."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Literal

Lang = Literal["zh", "en"]


@cache
def load_words(name: str) -> tuple[str, ...]:
    """The entries of `data/NAME.txt`, in file order, without comments or blank lines."""
    text = files("curate.text").joinpath("data", f"{name}.txt").read_text(encoding="utf-8")
    entries = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(e for e in entries if e and not e.startswith("#")))


def stopwords(lang: Lang) -> frozenset[str]:
    """The stopword list of a language (lower case for English)."""
    return frozenset(load_words(f"stopwords_{lang}"))


def flagged_words(lang: Lang) -> tuple[str, ...]:
    """Flagged (obscene, gambling, spam) words of a language."""
    return load_words(f"flagged_words_{lang}")
