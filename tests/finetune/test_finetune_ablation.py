"""run_ablation and the `finetune` command line, end to end on toy data."""

import json
import random

import polars as pl
import pytest

from finetune.ablation import run_ablation
from finetune.cli import main
from finetune.config import FinetuneConfig

CI_FIELDS = {"mean", "std", "ci95", "low", "high", "n"}


@pytest.fixture(scope="module")
def arms(english_data, tmp_path_factory) -> dict[str, str]:
    """raw: the clean training set plus 60 rows of label noise; curated: the clean set."""
    folder = tmp_path_factory.mktemp("arms")
    clean = pl.read_parquet(english_data["train"])
    rng = random.Random(5)
    labels = sorted(set(clean["label"]))
    noise = clean.with_columns(
        pl.Series("label", [rng.choice(labels) for _ in range(clean.height)])
    ).with_columns(pl.format("noise-{}", pl.col("id")).alias("id"))
    pl.concat([clean, noise]).write_parquet(folder / "raw.parquet")
    clean.write_parquet(folder / "curated.parquet")
    return {"raw": str(folder / "raw.parquet"), "curated": str(folder / "curated.parquet")}


def test_ablation_schema(tiny_bert, english_data, arms, tmp_path):
    cfg = FinetuneConfig(
        model=str(tiny_bert),
        eval_path=str(english_data["eval"]),
        arms=["raw", "curated", "random"],
        seeds=[0, 1],
        max_steps=3,
        batch_size=8,
        lr=3e-2,
        max_length=32,
        tables={"lora": {"r": 4}},
    )
    report = run_ablation(cfg, arms, tmp_path, progress=False)
    assert json.loads((tmp_path / "ablation.json").read_text()) == report

    assert report["backend"] == "lora"
    assert report["model"] == str(tiny_bert)
    assert report["device"] == "cpu"
    assert report["labels"] == ["finance", "science", "sports"]
    assert report["seeds"] == [0, 1]
    assert report["eval"]["examples"] == 30
    assert report["unk_rate"] == {"before": 0.0, "after": 0.0, "added_tokens": 0}
    assert report["config"]["max_steps"] == 3
    assert set(report["arms"]) == {"raw", "curated", "random"}
    assert report["arms"]["raw"]["examples"] == 120
    assert report["arms"]["curated"]["examples"] == 60
    assert report["arms"]["random"]["examples"] == 60
    for arm in report["arms"].values():
        assert [run["seed"] for run in arm["runs"]] == [0, 1]
        for run in arm["runs"]:
            assert 0.0 <= run["accuracy"] <= 1.0
            assert 0.0 <= run["macro_f1"] <= 1.0
            assert set(run["per_class_f1"]) == set(report["labels"])
            assert sum(map(sum, run["confusion_matrix"])) == 30
            assert run["train_seconds"] > 0 and run["train_examples_per_s"] > 0
            assert run["steps"] == 3
        summary = arm["summary"]
        for metric in (
            "accuracy",
            "macro_f1",
            "train_seconds",
            "train_examples_per_s",
            "predict_examples_per_s",
        ):
            assert set(summary[metric]) == CI_FIELDS
            assert summary[metric]["n"] == 2
            assert summary[metric]["low"] <= summary[metric]["mean"] <= summary[metric]["high"]
    assert set(report["differences"]) == {"curated-raw", "curated-random", "random-raw"}
    diff = report["differences"]["curated-raw"]["accuracy"]
    assert set(diff) == CI_FIELDS | {"per_seed"}
    expected = [
        c["accuracy"] - r["accuracy"]
        for c, r in zip(
            report["arms"]["curated"]["runs"], report["arms"]["raw"]["runs"], strict=True
        )
    ]
    assert diff["per_seed"] == pytest.approx(expected)


def test_fasttext_ablation_cli_curated_beats_noisy_raw(english_data, arms, tmp_path):
    out = tmp_path / "ft" / "ablation.json"
    code = main(
        [
            "ablate",
            "--raw",
            arms["raw"],
            "--curated",
            arms["curated"],
            "--random",
            "--eval",
            str(english_data["eval"]),
            "--out",
            str(out),
            "--backend",
            "fasttext",
            "--seeds",
            "0",
            "1",
            "2",
            "--set",
            "fasttext.dim=16",
            "--save-models",
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    assert report["backend"] == "fasttext" and report["unk_rate"] is None
    curated = report["arms"]["curated"]["summary"]["macro_f1"]["mean"]
    raw = report["arms"]["raw"]["summary"]["macro_f1"]["mean"]
    assert curated >= raw
    assert (tmp_path / "ft" / "models" / "curated-seed2" / "model.bin").is_file()


def test_early_stopping_on_a_clean_validation_split(tiny_bert, english_data, arms, tmp_path):
    cfg = FinetuneConfig(
        model=str(tiny_bert),
        clean_path=str(english_data["eval"]),
        eval_fraction=0.5,
        seeds=[0],
        arms=["curated"],
        max_steps=40,
        eval_steps=4,
        early_stopping_patience=1,
        batch_size=8,
        lr=3e-2,
        max_length=32,
        tables={"lora": {"r": 4}},
    )
    report = run_ablation(cfg, {"curated": arms["curated"]}, tmp_path / "a.json", progress=False)
    assert report["eval"]["examples"] == 15
    assert report["validation_examples"] == 15
    run = report["arms"]["curated"]["runs"][0]
    assert run["best_step"] is not None and run["best_step"] % 4 == 0


def test_train_and_predict_cli(english_data, tmp_path):
    model_dir = tmp_path / "model"
    assert (
        main(
            [
                "train",
                "--train",
                str(english_data["train"]),
                "--eval",
                str(english_data["eval"]),
                "--out",
                str(model_dir),
                "--backend",
                "fasttext",
                "--set",
                "fasttext.dim=16",
                "--quiet",
            ]
        )
        == 0
    )
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["run"]["accuracy"] > 0.9
    out = tmp_path / "pred.parquet"
    assert (
        main(
            [
                "predict",
                "--adapter",
                str(model_dir),
                "--input",
                str(english_data["eval"]),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    predictions = pl.read_parquet(out)
    accuracy = (predictions["prediction"] == predictions["label"]).mean()
    assert accuracy == pytest.approx(metrics["run"]["accuracy"])


def test_errors_are_one_line(tmp_path, english_data, capsys):
    code = main(
        [
            "train",
            "--train",
            str(tmp_path / "missing.parquet"),
            "--eval",
            str(english_data["eval"]),
            "--out",
            str(tmp_path / "m"),
        ]
    )
    assert code != 0
    assert "missing.parquet" in capsys.readouterr().err


def test_eval_set_must_not_be_a_training_arm(arms):
    cfg = FinetuneConfig(backend="fasttext", eval_path=arms["raw"])
    with pytest.raises(ValueError, match="also a training arm"):
        run_ablation(cfg, arms, __import__("pathlib").Path("unused"), progress=False)
