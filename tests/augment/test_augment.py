"""Specification of `augment`: new training rows for classes below a target count."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.engine import run_pipeline
from tests.conftest import make_config, read_dir

RARE = ("math", "code")


def augmented_run(root: Path, name: str, **params: Any) -> tuple[pl.DataFrame, dict]:
    stage = {"op": "augment", **params}
    manifest = run_pipeline(make_config(root, [stage], output=name), overwrite=True)
    return read_dir(root / name / "curated"), manifest.to_dict()


def training_counts(rows: pl.DataFrame) -> dict[str, int]:
    training = rows.filter(pl.col("split") != "eval")
    return dict(training["label"].value_counts().iter_rows())


@pytest.fixture(scope="module")
def before(labelled_corpus: Path) -> dict[str, int]:
    """Training rows per label in the input."""
    return training_counts(read_dir(labelled_corpus / "in"))


@pytest.fixture(scope="module")
def targets(before: dict[str, int]) -> dict[str, int]:
    """Three times the rare classes' rows: two augmented rows per source."""
    return {label: 3 * before[label] for label in RARE}


@pytest.fixture(scope="module")
def edited(labelled_corpus: Path, targets) -> tuple[pl.DataFrame, dict]:
    """Augmented with the methods that need no neighbours."""
    return augmented_run(labelled_corpus, "edited", targets=targets,
                         methods=["swap", "delete", "reorder"])


def test_classes_below_target_reach_it(edited, before, targets) -> None:
    curated, manifest = edited
    after = training_counts(curated)
    assert {label: after[label] for label in RARE} == targets
    assert {k: v for k, v in after.items() if k not in RARE} == \
        {k: v for k, v in before.items() if k not in RARE}
    outcome = manifest["outcomes"]["augment"]
    assert outcome["before"] == {label: before[label] for label in RARE}
    assert outcome["after"] == targets
    assert outcome["shortfall"] == {}
    assert set(outcome["methods"]) == {"swap", "delete", "reorder"}


def test_augmented_rows_keep_the_source_label_and_lineage(edited) -> None:
    curated, _ = edited
    augmented = curated.filter(pl.col("source") == "augment")
    originals = curated.filter(pl.col("source") == "corpus")
    assert originals["aug_of"].null_count() == originals.height
    pairs = augmented.join(originals, left_on="aug_of", right_on="id", suffix="_src")
    assert pairs.height == augmented.height  # every aug_of names an original row
    assert (pairs["label"] == pairs["label_src"]).all()
    assert (pairs["lang"] == pairs["lang_src"]).all()
    assert augmented["id"].str.contains(r"~a\d+$").all()
    assert (augmented["id"].str.replace(r"~a\d+$", "") == augmented["aug_of"]).all()
    assert set(augmented["lang"]) == {"zh", "en"}


def test_augmented_texts_differ_from_sources_and_each_other(edited) -> None:
    curated, _ = edited
    augmented = curated.filter(pl.col("source") == "augment")
    source_text = dict(zip(curated["id"], curated["text"], strict=True))
    assert all(text != source_text[src]
               for text, src in zip(augmented["text"], augmented["aug_of"], strict=True))
    assert curated["text"].n_unique() == curated.height


def test_no_augmented_row_in_an_eval_split(edited) -> None:
    curated, _ = edited
    augmented = curated.filter(pl.col("source") == "augment")
    eval_ids = set(curated.filter(pl.col("split") == "eval")["id"])
    assert set(augmented["split"]) == {"train"}
    assert not set(augmented["aug_of"]) & eval_ids


def test_the_manifest_counts_augmented_rows_as_added(edited) -> None:
    curated, manifest = edited
    stage = manifest["stages"][-1]
    assert stage["stage"] == "augment"
    assert stage["added"] == curated.filter(pl.col("source") == "augment").height
    assert stage["in"] + stage["added"] == stage["kept"] + stage["rejected"]


def test_too_few_sources_leave_an_exact_shortfall(labelled_corpus, before) -> None:
    curated, manifest = augmented_run(labelled_corpus, "short", methods=["swap"],
                                      max_per_source=1, targets={"math": 100})
    outcome = manifest["outcomes"]["augment"]
    has = training_counts(curated)["math"]
    assert outcome["after"] == {"math": has}
    assert outcome["shortfall"] == {"math": 100 - has}
    assert outcome["augmented"]["math"] == before["math"]  # one per source


def test_neighbours_from_a_skipgram_model_of_the_corpus(labelled_corpus, targets) -> None:
    curated, manifest = augmented_run(labelled_corpus, "vectors", targets=targets,
                                      methods=["synonym", "insert"], min_similarity=0.3)
    augmented = curated.filter(pl.col("source") == "augment")
    assert manifest["outcomes"]["augment"]["neighbour_words"] > 100
    assert set(augmented["aug_method"]) == {"synonym", "insert"}
    assert training_counts(curated)["code"] == targets["code"]


def test_neighbours_from_a_synonym_file(labelled_corpus, before, tmp_path) -> None:
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# word, then its synonyms\nfunction routine procedure\n"
                        "例 例子\n", encoding="utf-8")
    root = tmp_path / "run"
    shutil.copytree(labelled_corpus / "in", root / "in")
    curated, _ = augmented_run(root, "synonyms", methods=["synonym"],
                               synonyms=str(synonyms),
                               targets={label: 2 * before[label] for label in RARE})
    augmented = curated.filter(pl.col("source") == "augment")
    assert augmented.height > 0
    assert augmented["text"].str.contains("routine|procedure|例子").all()
