"""`label_audit` on a corpus larger than `max_train_rows`: the fold models learn from a bounded,
seeded sample, every row is still judged out of fold, and neither the sample nor a verdict
depends on how the corpus is sharded or which engine runs it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import curate.ops.augment.label_audit as label_audit
from curate.engine import run_pipeline
from curate.errors import ConfigError, CurateError
from curate.io import ROW_COLUMN
from curate.ops.augment.label_audit import (
    KEY,
    LINE,
    MODEL,
    LabelAudit,
    LabelAuditParams,
)
from curate.ops.base import FitContext, StageContext
from tests.augment.test_label_audit import toy_corpus
from tests.conftest import make_config, read_dir

SAMPLE = 200  # max_train_rows of these tests: a third of the 600-row corpus
PER_CLASS = 200
VERDICT = ["id", "label_issue", "label_suggested", "label_given_prob"]


def audit(**params: object) -> LabelAudit:
    return LabelAudit(LabelAuditParams(**params), StageContext(stage="label_audit"))


def shards_of(folder: Path) -> list[pl.DataFrame]:
    """The corpus' shards as the engine hands them to an operator (with row numbers)."""
    return [pl.read_parquet(path).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW_COLUMN))
        for path in sorted(folder.glob("*.parquet"))]


def observe(op: LabelAudit, batches: list[pl.DataFrame], folder: Path) -> list[Path]:
    """Each shard's observation written where the engine would put it; their paths."""
    folder.mkdir(parents=True)
    paths = [folder / f"observe-{i:05d}.parquet" for i in range(len(batches))]
    for shard, (batch, path) in enumerate(zip(batches, paths, strict=True)):
        op.observe(batch, shard).write_parquet(path)
    return paths


def smallest_keys(frame: pl.DataFrame, k: int) -> list[int]:
    """The k smallest seeded id hashes of the corpus: the sample label_audit trains on."""
    return sorted(frame["id"].hash(0).to_list())[:k]


def scores(curated: pl.DataFrame, flipped: set[str]) -> tuple[float, float]:
    suspect = set(curated.filter(pl.col("label_issue"))["id"])
    found = len(suspect & flipped)
    return found / len(flipped), found / max(len(suspect), 1)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A 600-row corpus in two shards of 300 (each larger than the sample), and its flips."""
    root = tmp_path_factory.mktemp("large")
    return root, toy_corpus(root / "in", per_class=PER_CLASS, shards=2)


def test_a_corpus_larger_than_the_sample_is_audited_row_by_row(large, tmp_path: Path) -> None:
    root, flipped = large
    config = make_config(tmp_path, [{"op": "label_audit", "max_train_rows": SAMPLE}],
                         input_dir=str(root / "in"))
    outcomes = run_pipeline(config).to_dict()["outcomes"]["label_audit"]
    curated = read_dir(tmp_path / "run" / "curated")
    assert curated.height == 3 * PER_CLASS
    assert curated["label_given_prob"].null_count() == 0  # every labelled row was judged
    recall, precision = scores(curated, flipped)
    assert len(flipped) >= 50 and recall >= 0.85 and precision >= 0.85
    # Rows outside the sample, which no model trained on, are caught as well as sampled ones.
    sampled = set(smallest_keys(curated, SAMPLE))
    unseen = curated.filter(~pl.col("id").hash(0).is_in(list(sampled)))
    assert unseen.height == 3 * PER_CLASS - SAMPLE
    assert scores(unseen, flipped & set(unseen["id"]))[0] >= 0.85
    assert outcomes["audited"] == 3 * PER_CLASS and outcomes["sampled"] == SAMPLE
    assert outcomes["suspect_is_estimate"]
    assert outcomes["suspect"] == pytest.approx(curated["label_issue"].sum(), rel=0.35)


def test_observations_and_the_fit_hold_at_most_the_sample_s_texts(large,
                                                                   tmp_path: Path) -> None:
    root, _ = large
    op = audit(max_train_rows=SAMPLE)
    batches = shards_of(root / "in")
    assert all(b.height > SAMPLE for b in batches)
    summaries = observe(op, batches, tmp_path / "observed")
    for path in summaries:
        summary = pl.read_parquet(path)
        assert summary[LINE].drop_nulls().len() == SAMPLE  # the shard's own smallest keys
        assert summary.height == SAMPLE + 3  # and one count per label, no row without text
    context = FitContext(summaries, tmp_path / "work")
    state = op.fit(context)
    # The fit reads the texts of the sample only: the global smallest keys, found among the
    # shards' candidates.
    sample = pl.read_parquet(tmp_path / "work" / "sample.parquet")
    corpus = pl.concat(batches)
    assert sample[KEY].to_list() == smallest_keys(corpus, SAMPLE)
    # The state holds a threshold per class and a model per fold, nothing per row.
    assert state.height == 3 + 5
    assert state[MODEL].drop_nulls().len() == 5
    assert all(Path(m).is_file() for m in state[MODEL].drop_nulls())
    assert context.outcomes["audited"] == corpus.height
    assert context.outcomes["sampled"] == SAMPLE
    # Rows without a label are not judged.
    unlabelled = batches[0].with_columns(pl.when(pl.col(ROW_COLUMN) % 2 == 0)
                                         .then(pl.col("label")).alias("label"))
    judged = op.transform(unlabelled, state, 0)
    assert judged["label_given_prob"].is_null().to_list() == unlabelled["label"].is_null()\
        .to_list()
    assert judged.drop("label_issue", "label_suggested", "label_given_prob").equals(unlabelled)
    assert op.transform(batches[0].drop("label"), state, 0)["label_issue"].null_count() \
        == batches[0].height


def test_a_small_corpus_is_its_own_sample(tmp_path: Path) -> None:
    toy_corpus(tmp_path / "in")  # 180 rows
    op = audit()
    context = FitContext(observe(op, shards_of(tmp_path / "in"), tmp_path / "observed"),
                         tmp_path / "work")
    op.fit(context)
    assert context.outcomes["sampled"] == context.outcomes["audited"] == 180
    assert not context.outcomes["suspect_is_estimate"]
    assert context.outcomes["suspect"] == context.outcomes["suspect_in_sample"]


def test_neither_sample_nor_verdicts_depend_on_sharding(large, tmp_path: Path) -> None:
    root, _ = large
    corpus = pl.concat(shards_of(root / "in")).drop(ROW_COLUMN)
    numbered = lambda frame: frame.with_columns(  # noqa: E731
        pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW_COLUMN))
    one = [numbered(corpus)]
    three = [numbered(corpus.gather_every(3, i)) for i in range(3)]
    op = audit(max_train_rows=SAMPLE)
    state = op.fit(FitContext(observe(op, one, tmp_path / "o1"), tmp_path / "w1"))
    op.fit(FitContext(observe(op, three, tmp_path / "o3"), tmp_path / "w3"))
    assert pl.read_parquet(tmp_path / "w1" / "sample.parquet").equals(
        pl.read_parquet(tmp_path / "w3" / "sample.parquet"))
    # Given one state, a row's verdict is the same whichever shard it is in, and in a worker
    # that loads the models afresh from the state's paths.
    whole = op.transform(one[0], state, 0).select(VERDICT)
    label_audit._MODELS.clear()
    split = pl.concat(op.transform(b, state, i) for i, b in enumerate(three)).select(VERDICT)
    assert whole.sort("id").equals(split.sort("id"))
    assert whole["label_issue"].sum() > 0


def test_local_and_ray_runs_of_different_shardings_agree(tmp_path: Path) -> None:
    """Hogwild training makes two fits differ a little, so the runs agree up to a few rows."""
    flipped = toy_corpus(tmp_path / "one", per_class=PER_CLASS, shards=1)
    assert toy_corpus(tmp_path / "three", per_class=PER_CLASS, shards=3) == flipped
    verdicts = []
    for name, engine in (("one", {"kind": "local"}),
                         ("three", {"kind": "ray", "num_cpus": 2})):
        config = make_config(tmp_path, [{"op": "label_audit", "max_train_rows": SAMPLE}],
                             input_dir=name, output=f"run-{name}", engine=engine)
        run_pipeline(config)
        curated = read_dir(tmp_path / f"run-{name}" / "curated")
        recall, precision = scores(curated, flipped)
        assert recall >= 0.85 and precision >= 0.85
        verdicts.append(curated.select("id", "label_issue").sort("id"))
    assert verdicts[0]["id"].equals(verdicts[1]["id"])
    assert (verdicts[0]["label_issue"] == verdicts[1]["label_issue"]).mean() >= 0.97


def test_a_resumed_run_reuses_the_fitted_models(large, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root, flipped = large
    trained = []
    train_fold = label_audit.train_fold
    monkeypatch.setattr(label_audit, "train_fold",
                        lambda *a: trained.append(a[3]) or train_fold(*a))  # a[3]: the fold
    transform = LabelAudit.transform
    failed = []

    def fail_once(self: LabelAudit, batch: pl.DataFrame, state: pl.DataFrame,
                  shard: int) -> pl.DataFrame:
        if shard == 1 and not failed:
            failed.append(shard)
            raise CurateError("killed")
        return transform(self, batch, state, shard)

    monkeypatch.setattr(LabelAudit, "transform", fail_once)
    config = make_config(tmp_path, [{"op": "label_audit", "max_train_rows": SAMPLE}],
                         input_dir=str(root / "in"))
    with pytest.raises(CurateError, match="killed"):
        run_pipeline(config)
    label_audit._MODELS.clear()  # the resumed run is a new process
    run_pipeline(config, resume=True)
    assert sorted(trained) == list(range(5))  # fitted once, before the failure
    recall, precision = scores(read_dir(tmp_path / "run" / "curated"), flipped)
    assert recall >= 0.85 and precision >= 0.85


def test_max_train_rows_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="max_train_rows"):
        make_config(tmp_path, [{"op": "label_audit", "max_train_rows": 1}])


def test_explicit_thresholds_replace_the_class_means() -> None:
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.35, 0.65]])
    given = np.array([0, 1, 0])
    issue, best = label_audit.confident_issues(probs, given, 0.2, np.array([0.5, 0.7]))
    assert issue.tolist() == [False, False, False] and best.tolist() == [0, 1, -1]
    issue, _ = label_audit.confident_issues(probs, given, 0.2, np.array([0.5, 0.6]))
    assert issue.tolist() == [False, False, True]
