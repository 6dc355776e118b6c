"""Shared helpers for the quality tests: documents measured by the filters that produce
q_text's signals, a small quality model trained once per session through `curate train
quality`, and a `curate` entry point with the train / tune / explain subcommands wired in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from curate.cli import main
from curate.ops.base import REASON
from curate.ops.filters.char_repetition import CharRepetition
from curate.ops.filters.fineweb_rules import FinewebRules
from curate.ops.filters.gopher_quality import GopherQuality
from curate.ops.filters.gopher_repetition import GopherRepetition
from curate.ops.filters.language import Language
from curate.ops.filters.special_characters import SpecialCharacters
from curate.ops.quality.score import QualityScore, QualityScoreParams
from tests.conftest import REPO

SIGNAL_OPS = (Language, GopherRepetition, FinewebRules, GopherQuality, SpecialCharacters,
              CharRepetition)
SAMPLE = REPO / "sample_data"


def measure(texts: list[str], **params: object) -> pl.DataFrame:
    """Texts with every filter's signals (rejections ignored) and then quality_score."""
    batch = pl.DataFrame({"id": [f"d{i}" for i in range(len(texts))], "text": texts})
    for op in SIGNAL_OPS:
        batch = op().transform(batch).drop(REASON)
    return QualityScore(QualityScoreParams(**params)).transform(batch)  # type: ignore[arg-type]


def curate_main(argv: list[str]) -> int:
    """`curate ARGS` in-process."""
    return main.main(argv)


@pytest.fixture
def cli() -> Callable[[list[str]], int]:
    """Run `curate ARGS` in-process; returns the exit code."""
    return curate_main


@pytest.fixture(scope="session")
def quality_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small quality model: the sample's clean evaluation and reserve documents against its
    junk (keyword stuffing, repeated lines, boilerplate, spam, fragments), trained by
    `curate train quality`."""
    out = tmp_path_factory.mktemp("model") / "quality.bin"
    junk = [f"{SAMPLE / 'raw'}:noise={kind}"
            for kind in ("keyword_stuffed", "repeated_lines", "boilerplate", "spam", "short")]
    code = curate_main([
        "train", "quality", "--positive", str(SAMPLE / "eval"),
        f"{SAMPLE / 'reserve'}:noise=clean", "--negative", *junk, "--out", str(out),
        "--buckets", "65536", "--max-iter", "20",
    ])
    assert code == 0
    return out
