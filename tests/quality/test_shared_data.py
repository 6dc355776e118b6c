"""On the real shared data (skipped without ../shared/data): the quality classifier separates
reference text from web junk on a held-out split, and q_overall ranks human-judged good web
documents (dclm_human_quality label 1) above bad ones. The ROC-AUCs are printed (`-s`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from curate.models import roc_auc
from tests.conftest import SHARED_DATA
from tests.quality.conftest import measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not present"),
]


def data(name: str, file: str | None = None) -> str:
    return str(SHARED_DATA / name / f"{file or name}.parquet")


def test_quality_model_on_shared_data(tmp_path: Path, cli: Callable[[list[str]], int],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "quality.bin"
    assert cli([
        "train", "quality",
        "--positive", data("cmrc2018_zhwiki_paragraphs"), data("bbc_news"),
        "--negative", data("flagdata_zh_web_sample"), data("dolma_cc_web_sample"),
        f"{data('sms_spam_collection')}:label=spam",
        "--out", str(model), "--random-seed", "0",
    ]) == 0
    trained = capsys.readouterr().out
    held_out = json.loads(model.with_suffix(".json").read_text())["metrics"]
    assert held_out["roc_auc"] >= 0.9

    dclm = pl.read_parquet(data("dclm_human_quality"))
    scored = measure(dclm["text"].to_list(), model=str(model))
    good = (dclm["label"] == "1").to_numpy()
    aucs = {dim: roc_auc(good, scored[dim].fill_null(0.0).to_numpy())
            for dim in ("q_text", "q_info", "q_density", "q_overall")}
    with capsys.disabled():
        print(f"\n{trained.strip()}")
        print("dclm_human_quality label 1 vs 0, ROC-AUC: "
              + ", ".join(f"{dim} {auc:.3f}" for dim, auc in aucs.items()))
    assert 0.0 <= aucs["q_overall"] <= 1.0  # a figure to improve, not a threshold
