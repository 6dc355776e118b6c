"""Specification of `label_audit`: confident learning over out-of-fold fastText predictions."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.engine import run_pipeline
from curate.ops.augment.label_audit import (
    confident_issues,
    noise_rate_cutoffs,
    noise_rate_issues,
)
from tests.conftest import REPO, make_config, read_dir

VOCAB = {
    "sports": "match goal team coach league striker season score referee stadium",
    "finance": "stock market shares investor bank profit bond dividend trader inflation",
    "cooking": "recipe oven flour sugar bake butter salt dish simmer garlic",
}
FILLER = "the a of and to in is was for on with".split()


def toy_corpus(folder: Path, per_class: int = 60, flip_share: float = 0.1,
               shards: int = 2) -> set[str]:
    """Documents of three clearly separate topics in `shards` shards, a tenth of them given a
    wrong label; returns the ids of the flipped ones."""
    rng = random.Random(0)
    rows, flipped = [], set()
    for label, words in VOCAB.items():
        for i in range(per_class):
            text = " ".join(rng.choice(words.split()) if j % 2 else rng.choice(FILLER)
                            for j in range(24))
            doc_id = f"{label}-{i:03d}"
            given = label
            if rng.random() < flip_share:
                given = rng.choice([other for other in VOCAB if other != label])
                flipped.add(doc_id)
            rows.append({"id": doc_id, "text": text, "label": given})
    frame = pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=0)
    folder.mkdir(parents=True)
    for shard in range(shards):
        frame.gather_every(shards, shard).write_parquet(folder / f"part-{shard}.parquet")
    return flipped


def test_a_row_is_suspect_when_a_confident_other_class_beats_its_label() -> None:
    # Thresholds: class 0 -> mean(0.9, 0.8, 0.1) = 0.6, class 1 -> mean(0.7, 0.9) = 0.8.
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.3, 0.7], [0.05, 0.95]])
    given = np.array([0, 0, 0, 1, 1])
    issue, best = confident_issues(probs, given, margin=0.3)
    assert issue.tolist() == [False, False, True, False, False]
    assert best.tolist() == [0, 0, 1, -1, 1]  # row 3 reaches no threshold


def test_the_margin_spares_close_calls() -> None:
    # Thresholds: class 0 -> 0.675, class 1 -> 0.55; row 1 is 0.55 sure of class 1.
    probs = np.array([[0.9, 0.1], [0.45, 0.55], [0.5, 0.5], [0.4, 0.6]])
    given = np.array([0, 0, 1, 1])
    assert confident_issues(probs, given, margin=0.0)[0].tolist() == [False, True, False, False]
    assert confident_issues(probs, given, margin=0.3)[0].tolist() == [False, False, False, False]


def test_noise_rate_flags_as_many_rows_as_the_confident_joint_estimates() -> None:
    # Thresholds: class 0 the mean p0 of rows given 0 (0.5), class 1 the mean p1 of rows given
    # 1 (0.875). Confident classes of the rows given 0: 0, 0, 0, none, none, 1.
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.2, 0.8], [0.3, 0.7],
                      [0.1, 0.9], [0.1, 0.9], [0.15, 0.85]])
    given = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    cutoffs = noise_rate_cutoffs(probs, given)
    # Rows given 0: confident joint {0: 3, 1: 1}, scaled to the 6 rows: 4.5 and 1.5, so 2 rows
    # belong to class 1: those of largest margin p1 - p0 (row 5: 0.8, row 3: 0.6).
    assert cutoffs[0, 1] == pytest.approx(0.6)
    assert np.isinf(cutoffs[1, 0])  # rows given 1 are all confidently 1
    issue, best = noise_rate_issues(probs, given, cutoffs)
    assert issue.tolist() == [False, False, False, True, False, True, False, False]
    assert best.tolist() == [-1, -1, -1, 1, -1, 1, -1, -1]


def test_relabel_mode_gives_suspect_rows_the_suggested_label(tmp_path: Path) -> None:
    flipped = toy_corpus(tmp_path / "in")
    run_pipeline(make_config(tmp_path, [{"op": "label_audit", "mode": "relabel"}]))
    curated = read_dir(tmp_path / "run" / "curated")
    assert curated.height == 180  # nothing removed
    changed = curated.filter(pl.col("label_original").is_not_null())
    assert changed.height == curated["label_issue"].sum()
    assert (changed["label"] == changed["label_suggested"]).all()
    assert (changed["label"] == changed["id"].str.extract(r"^(\w+)-")).mean() >= 0.9
    assert len(set(changed["id"]) & flipped) / len(flipped) >= 0.9


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, set[str], dict]:
    root = tmp_path_factory.mktemp("audit")
    flipped = toy_corpus(root / "in")
    manifest = run_pipeline(make_config(root, [{"op": "label_audit"}]))
    return read_dir(root / "run" / "curated"), flipped, manifest.to_dict()


def test_flipped_labels_are_found_and_annotated(audited) -> None:
    curated, flipped, manifest = audited
    suspect = set(curated.filter(pl.col("label_issue"))["id"])
    assert len(flipped) == 19
    assert len(suspect & flipped) / len(flipped) >= 0.9
    assert len(suspect & flipped) / len(suspect) >= 0.9
    issues = curated.filter(pl.col("label_issue"))
    assert (issues["label_suggested"] == issues["id"].str.extract(r"^(\w+)-")).mean() >= 0.9
    assert curated.height == 180  # annotate mode keeps every row
    assert manifest["outcomes"]["label_audit"]["suspect"] == len(suspect)


def test_reject_mode_removes_suspect_rows(tmp_path: Path) -> None:
    flipped = toy_corpus(tmp_path / "in")
    run_pipeline(make_config(tmp_path, [{"op": "label_audit", "mode": "reject"}]))
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert set(rejected["reason"]) == {"suspect_label"}
    assert len(set(rejected["id"]) & flipped) / len(flipped) >= 0.9


@pytest.mark.slow
def test_sample_corpus_label_flips_are_found(tmp_path: Path) -> None:
    """Acceptance: 10% of the sample corpus' labelled documents get a random wrong label;
    label_audit finds at least 70% of them with at least 70% precision."""
    # Start from true labels (the generator's domains: the sample's own label noise would
    # count against precision), then flip a tenth.
    rows = pl.read_parquet(REPO / "sample_data" / "raw" / "*.parquet").filter(
        pl.col("domain").is_not_null()).with_columns(pl.col("domain").alias("label"))
    rng = np.random.default_rng(0)
    labels = sorted(rows["label"].unique())
    flip = rng.random(rows.height) < 0.1
    given = [rng.choice([x for x in labels if x != label]) if f else label
             for label, f in zip(rows["label"], flip, strict=True)]
    rows = rows.with_columns(pl.Series("label", given), pl.Series("flipped", flip))
    (tmp_path / "in").mkdir()
    for shard in range(2):
        rows.gather_every(2, shard).write_parquet(tmp_path / "in" / f"part-{shard}.parquet")
    run_pipeline(make_config(tmp_path, [{"op": "label_audit"}]))
    curated = read_dir(tmp_path / "run" / "curated")
    found = (curated["label_issue"] & curated["flipped"]).sum()
    recall, precision = found / curated["flipped"].sum(), found / curated["label_issue"].sum()
    print(f"label_audit on the sample corpus: recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= 0.7 and precision >= 0.7


def test_rows_selected_from_features_hashed_in_parts_equal_rows_of_the_whole(
        tmp_path: Path) -> None:
    from curate.models.linear import LinearOptions, hashed_features, load_features, save_features
    from curate.ops.augment.label_audit import select_rows

    lines = [f"word{i % 11} other{i % 5} 中 文{i % 3}" for i in range(50)]
    options = LinearOptions()
    whole = hashed_features(lines, options)
    parts = [load_features(save_features(hashed_features(lines[a:b], options), tmp_path / str(a)))
             for a, b in ((0, 20), (20, 40), (40, 50))]
    rows = np.array([0, 3, 19, 20, 21, 39, 40, 49])
    picked = select_rows(parts, rows)
    assert (picked != whole[rows]).nnz == 0
    assert picked.indices.tolist() == whole[rows].indices.tolist()
