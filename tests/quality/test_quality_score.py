"""`quality_score` in a pipeline: where its columns go, q_overall's weighted mean, its
parameter checks, and training its model on first use."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.errors import ConfigError, CurateError
from tests.conftest import make_config, read_dir, write_corpus
from tests.quality.documents import EN_CLEAN, EN_REPEATED, EN_SOUP, ZH_CLEAN, ZH_SOUP
from tests.quality.test_q_info import toy_corpora

TEXTS = [EN_CLEAN, EN_REPEATED, EN_SOUP, ZH_CLEAN, ZH_SOUP]
SIGNALS = ["quality_lang", "mojibake_ratio", "density_words", "compression_ratio",
           "distinct_word_ratio", "distinct_bigram_ratio", "word_entropy"]
SCORES = ["q_text", "q_info", "q_density", "q_overall"]


def test_scores_go_to_curated_and_stats_signals_to_stats_only(
        tmp_path: Path, quality_model: Path) -> None:
    write_corpus(tmp_path / "in", [TEXTS])
    run_pipeline(make_config(tmp_path, [{"op": "quality_score", "model": str(quality_model)}]))
    curated, stats = read_dir(tmp_path / "run" / "curated"), read_dir(tmp_path / "run" / "stats")
    assert curated.columns == ["id", "text", "q_text", "q_density", "q_info", "q_overall"]
    assert set(SIGNALS + SCORES) <= set(stats.columns)
    assert stats["quality_lang"].to_list() == ["en", "en", "en", "zh", "zh"]
    for score in SCORES:
        assert stats[score].is_between(0.0, 1.0).all()


def test_q_overall_is_the_weighted_mean_of_the_scored_dimensions(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [TEXTS])
    weights = {"q_text": 1.0, "q_info": 5.0, "q_density": 3.0}
    run_pipeline(make_config(tmp_path, [{"op": "quality_score", "weights": weights}]))
    stats = read_dir(tmp_path / "run" / "stats")
    assert stats["q_info"].null_count() == 0  # no model: the vocabulary estimate
    expected = (stats["q_text"] + 5 * stats["q_info"] + 3 * stats["q_density"]) / 9
    assert stats["q_overall"].to_list() == pytest.approx(expected.to_list())


@pytest.mark.parametrize(("params", "message"), [
    ({"weights": {"q_txt": 1.0}},
     "stage[1].weights: unknown dimension 'q_txt' (dimensions: q_text, q_info, q_density)"),
    ({"weights": {"q_text": -1.0}}, "stage[1].weights: must be >= 0 with a positive sum"),
    ({"weights": {"q_text": 0.0}}, "stage[1].weights: must be >= 0 with a positive sum"),
    ({"model": "m.bin", "train_positive": ["ref"]},
     "stage[1].train_negative: train_positive and train_negative go together"),
    ({"train_positive": ["ref"], "train_negative": ["raw"]},
     "stage[1].model: set the model file the training corpora train"),
    ({"max_chars": 0}, "stage[1].max_chars: must be >= 1, got 0"),
])
def test_parameters_are_checked(tmp_path: Path, params: dict, message: str) -> None:
    write_corpus(tmp_path / "in", [["x"]])
    with pytest.raises(ConfigError) as err:
        make_config(tmp_path, [{"op": "quality_score", **params}])
    assert str(err.value) == message


def test_the_model_is_trained_on_first_use_and_reused(tmp_path: Path) -> None:
    toy_corpora(tmp_path)
    write_corpus(tmp_path / "in", [TEXTS[:3], TEXTS[3:]])
    stage = {"op": "quality_score", "model": "models/q.bin", "train_positive": ["pos.parquet"],
             "train_negative": ["neg.parquet"]}
    run_pipeline(make_config(tmp_path, [stage]))
    model = tmp_path / "models" / "q.bin"
    assert model.is_file()
    stamp = model.stat().st_mtime_ns
    first = pl.read_parquet(tmp_path / "run" / "stats" / "part-00000.parquet")
    run_pipeline(make_config(tmp_path, [stage], output="again"))
    assert model.stat().st_mtime_ns == stamp
    again = pl.read_parquet(tmp_path / "again" / "stats" / "part-00000.parquet")
    assert first.equals(again)  # deterministic given the model file


def test_a_missing_model_stops_the_run_with_one_line(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [["some text"]])
    config = make_config(tmp_path, [{"op": "quality_score", "model": "none.bin"}])
    with pytest.raises(CurateError, match=r"none\.bin: no such model file"):
        run_pipeline(config)
