"""`curate explain RUN ID`: a document's outcome, text, scores, each term of q_text, the
density measures and its other signals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.ops.quality.text_quality import ASPECTS
from tests.conftest import make_config, read_dir, write_corpus
from tests.quality.documents import EN_CLEAN, EN_SOUP, ZH_CLEAN, ZH_REPEATED

STAGES = [{"op": "gopher_repetition", "max_dup_line_frac": 1.0, "max_dup_para_frac": 1.0,
           "max_dup_line_char_frac": 1.0, "max_dup_para_char_frac": 1.0,
           "max_top_ngram_char_frac": [1.0] * 3, "max_dup_ngram_char_frac": [1.0] * 6,
           "zh_max_top_ngram_char_frac": [1.0] * 3, "zh_max_dup_ngram_char_frac": [1.0] * 6},
          {"op": "quality_score"}, {"op": "select", "min_q_text": 0.5}]


@pytest.fixture
def run(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "in", [[EN_CLEAN, EN_SOUP], [ZH_CLEAN, ZH_REPEATED]])
    run_pipeline(make_config(tmp_path, STAGES))
    return tmp_path / "run"


def test_explains_a_removed_document_term_by_term(
        run: Path, cli: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["explain", str(run), "d1-1"]) == 0
    out = capsys.readouterr().out
    stats = read_dir(run / "stats").filter(pl.col("id") == "d1-1").row(0, named=True)
    assert "d1-1 (input shard 1, row 1): removed by stage select: low_q_text" in out
    assert ZH_REPEATED[:20] in out
    for aspect in ASPECTS:
        assert aspect.name in out
        for check in aspect.checks:
            assert check.name in out
    assert "dup_line_char_frac" in out and "0.75" in out  # 3 of 4 lines repeat
    assert f"{stats['q_text']:.4g}" in out
    for measure in ("compression_ratio", "distinct_word_ratio", "distinct_bigram_ratio",
                    "word_entropy", "coverage"):
        assert measure in out
    assert "gopher_repetition" in out and "top_3gram_char_frac" in out  # other signals


def test_explains_a_kept_document(run: Path, cli: Callable[[list[str]], int],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["explain", str(run), "d0-0"]) == 0
    out = capsys.readouterr().out
    assert "d0-0 (input shard 0, row 0): kept" in out
    assert "q_overall" in out


@pytest.mark.parametrize(("args", "message", "code"), [
    (["d9-9"], "no document with id 'd9-9'", 1),
])
def test_an_unknown_id_is_one_line(run: Path, cli: Callable[[list[str]], int],
                                   capsys: pytest.CaptureFixture[str], args: list[str],
                                   message: str, code: int) -> None:
    assert cli(["explain", str(run), *args]) == code
    assert message in capsys.readouterr().err


def test_a_folder_that_is_not_a_run_is_a_usage_error(
        tmp_path: Path, cli: Callable[[list[str]], int],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["explain", str(tmp_path), "x"]) == 2
    assert "not a run folder" in capsys.readouterr().err


def test_names_the_flagged_words_and_the_threshold_each_rule_compared_with(
        tmp_path: Path, cli: Callable[[list[str]], int],
        capsys: pytest.CaptureFixture[str]) -> None:
    spam = "百家乐和现金网，" * 5 + "".join(ZH_CLEAN)
    write_corpus(tmp_path / "in", [[spam, ZH_CLEAN]])
    run_pipeline(make_config(tmp_path, [{"op": "flagged_words"},
                                        {"op": "length_filter", "min_words": 5}]))
    assert cli(["explain", str(tmp_path / "run"), "d0-0"]) == 0
    out = capsys.readouterr().out
    assert "removed by stage flagged_words: flagged_words" in out
    assert "rules (zh thresholds)" in out
    # each condition of the rule: the document's value, the test, whether it held
    assert "flagged_words_ratio" in out and "> 0.01" in out
    assert "flagged_words_distinct" in out and ">= 2" in out
    assert "yes: rejected" in out
    assert "flagged_words_matched" in out and "百家乐, 现金网" in out
    assert cli(["explain", str(tmp_path / "run"), "d0-1"]) == 0
    kept = capsys.readouterr().out
    assert "too_few_words" in kept and "n_words" in kept and "< 5" in kept
    assert "yes: rejected" not in kept


def test_run_and_validate_warn_once_without_a_quality_model(
        tmp_path: Path, cli: Callable[[list[str]], int],
        capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [[EN_CLEAN]])
    toml = tmp_path / "p.toml"
    toml.write_text('[pipeline]\ninput = "in"\noutput = "run"\n[engine]\nkind = "local"\n'
                    '[[stage]]\nop = "quality_score"\n')
    for command in (["validate", str(toml)], ["run", str(toml)]):
        assert cli(command) == 0
        err = capsys.readouterr().err
        assert err.count("warning: quality_score: no quality model") == 1, command
