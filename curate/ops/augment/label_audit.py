"""`label_audit`: flag training rows whose label looks wrong, confident-learning style
(Northcutt et al. 2021, "Confident Learning: Estimating Uncertainty in Dataset Labels"): every
row gets out-of-fold class probabilities from linear models (logistic regression on hashed
n-grams, see curate.models.linear: unlike fastText's Hogwild training they come out the same
every run, so the run's output does too) trained on the other folds; a class's threshold is the
mean probability of that class over the rows labelled with it, and a row's confident class the
most probable class that reaches its threshold. Two ways to decide from there:

- `margin` (the default): a row is suspect when its confident class is another one and beats
  the given label's probability by at least `margin`;
- `noise_rate` (confident learning's prune-by-noise-rate): the confident joint (rows given
  class i whose confident class is j), scaled to the label counts, estimates how many rows
  given i truly belong to j; for every such pair that many rows given i are suspect, those
  with the largest margin p_j - p_i. The state keeps each pair's cut-off margin, so every row
  is judged on its own.

On AG News with 25 % of the labels flipped (bench/efficacy.py), noise_rate finds 67 % of the
wrong rows at 76 % precision, margin 0.3 finds 38 % at 88 % and margin 0.1 55 % at 78 %; a
fastText model trained on what is left scores 0.827, 0.824 and 0.831: the clean rows a wider
net removes are the hard, informative ones. `pipelines/label_noise.toml` uses margin 0.1.

Memory stays bounded as the corpus grows:

- Every labelled row's fold is its seeded id-hash key mod `folds`, so folds do not depend on
  sharding. The fold models train on a sample of at most `max_train_rows` labelled rows: those
  with the smallest keys (the whole corpus when it has no more rows than that).
- `observe` sends, per shard, only its own `max_train_rows` smallest-key rows with their text
  (already made token lines, so each is segmented once for all folds) and a count of its
  labelled rows per label. The global smallest-k rows are among the union of the per-shard
  smallest-k, so `fit` finds the sample by reading keys, then reads the texts of at most
  `max_train_rows` rows.
- `fit` trains fold model k (a task of the fit's map, in parallel where the engine can) on the
  sample rows not in fold k, saves it in the fit's work folder, and predicts the sample rows of
  fold k. The thresholds are those out-of-fold probabilities' class means over the sample (an
  estimate of the means over all rows). The state holds the class thresholds and the model
  files' paths, nothing per row.
- `transform` predicts every labelled row of its shard with the model of the row's fold, which
  never saw it (out of fold for sampled and unsampled rows alike), and judges it with the
  thresholds. Each worker process loads the models once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import sparse

from curate.errors import CurateError
from curate.io import ROW_COLUMN, SHARD_COLUMN, write_shard
from curate.models.classifier import fasttext_lines
from curate.models.linear import (
    LinearClassifier,
    LinearOptions,
    hashed_features,
    load_features,
    options_for,
    save_features,
)
from curate.ops.base import FitContext, GlobalOperator, register
from curate.params import param

KEY = "__key"
LABEL = "__label"
LINE = "__line"
COUNT = "__count"
THRESHOLD = "__threshold"
FOLD = "__fold"
MODEL = "__model"
OTHER = "__other"
CUTOFF = "__cutoff"
ISSUE = "label_issue"
SUGGESTED = "label_suggested"
GIVEN_PROB = "label_given_prob"
ORIGINAL = "label_original"
REASON_SUSPECT = "suspect_label"
AUDIT_OPTIONS = LinearOptions()
HASH_ROWS = 20_000  # sample lines hashed by one task of the fit

# An observation: a shard's sample candidates (row, key, label, fastText line; count null),
# then one row per label with the number of the shard's rows given it (row, key, line null).
SUMMARY_SCHEMA = {SHARD_COLUMN: pl.Int64, ROW_COLUMN: pl.Int64, KEY: pl.UInt64, LABEL: pl.String,
                  LINE: pl.String, COUNT: pl.Int64}
# The state: one row per class (label, threshold), one per fold (fold, model file; the model is
# null when the fold's training rows had fewer than two labels), and with `noise_rate` one per
# pair of classes (given label, other class, the margin from which a row is suspect).
STATE_SCHEMA = {LABEL: pl.String, THRESHOLD: pl.Float64, FOLD: pl.Int64, MODEL: pl.String,
                OTHER: pl.String, CUTOFF: pl.Float64}


@dataclass
class LabelAuditParams:
    column: str = param("label", "the label column to audit")
    mode: Literal["annotate", "reject", "relabel"] = param(
        "annotate", "annotate: mark suspect rows (label_issue, label_suggested); reject: also "
        "remove them; relabel: give them the suggested label (the given one kept in "
        "label_original)")
    method: Literal["margin", "noise_rate"] = param(
        "margin", "margin: the confident class must beat the label by `margin`; noise_rate: as "
        "many suspects per pair of classes as confident learning estimates are mislabelled "
        "(prune by noise rate: more found, less surely)")
    folds: int = param(5, "cross-validation folds")
    margin: float = param(0.3, "method margin: how far the suggested label's out-of-fold "
                          "probability must exceed the given label's")
    max_chars: int = param(2000, "characters of each document the classifiers read")
    max_train_rows: int = param(
        100_000, "labelled rows the fold models and thresholds learn from at most: a seeded "
        "sample (the smallest id hashes) when the corpus has more; bounds the fit's memory and "
        "time, while every row is still judged out of fold")

    def validate(self) -> tuple[str, str] | None:
        """Check ranges."""
        if self.folds < 2:
            return "folds", f"must be >= 2, got {self.folds}"
        if not 0.0 <= self.margin < 1.0:
            return "margin", f"must be in [0, 1), got {self.margin}"
        if self.max_chars < 1:
            return "max_chars", f"must be >= 1, got {self.max_chars}"
        if self.max_train_rows < 2:
            return "max_train_rows", f"must be >= 2, got {self.max_train_rows}"
        return None


def class_thresholds(probs: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Each class's mean probability over the rows given it (1.0 for a class no row has)."""
    return np.array([probs[given == c, c].mean() if (given == c).any() else 1.0
                     for c in range(probs.shape[1])])


def confident_issues(probs: np.ndarray, given: np.ndarray, margin: float,
                     thresholds: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(suspect rows, the confident class of each row or -1): the confident class is the most
    probable one among those reaching their threshold (by default the mean probability of the
    class over rows given it, `class_thresholds`); a row is suspect when that class is not its
    given one and beats it by `margin`."""
    if thresholds is None:
        thresholds = class_thresholds(probs, given)
    confident = np.where(probs >= thresholds, probs, -1.0)
    best = confident.argmax(axis=1)
    best = np.where(confident.max(axis=1) >= 0, best, -1)
    rows = np.arange(len(given))
    p_given = probs[rows, given]
    p_best = np.where(best >= 0, probs[rows, np.maximum(best, 0)], 0.0)
    issue = (best >= 0) & (best != given) & (p_best - p_given >= margin)
    return issue, best


def noise_rate_cutoffs(probs: np.ndarray, given: np.ndarray,
                       thresholds: np.ndarray | None = None) -> np.ndarray:
    """Per pair (given i, class j != i): the margin p_j - p_i from which a row given i is
    suspect (inf where none is): confident learning's prune-by-noise-rate. The confident
    joint counts the rows given i whose confident class is j; scaled so that each row sums to
    the number of rows given i, its (i, j) cell is how many rows given i belong to j, and the
    cut-off is the margin of the row ranked that far among the rows given i."""
    if thresholds is None:
        thresholds = class_thresholds(probs, given)
    k = probs.shape[1]
    confident = np.where(probs >= thresholds, probs, -1.0)
    best = confident.argmax(axis=1)
    has = confident.max(axis=1) >= 0
    joint = np.zeros((k, k))
    np.add.at(joint, (given[has], best[has]), 1.0)
    counts = np.bincount(given, minlength=k).astype(np.float64)
    scaled = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1.0) * counts[:, None]
    cutoffs = np.full((k, k), np.inf)
    for i in range(k):
        rows = np.flatnonzero(given == i)
        for j in range(k):
            n = round(scaled[i, j])
            if j == i or n < 1 or not len(rows):
                continue
            margins = np.sort(probs[rows, j] - probs[rows, i])[::-1]
            cutoffs[i, j] = max(margins[min(n, len(rows)) - 1], np.finfo(float).tiny)
    return cutoffs


def noise_rate_issues(probs: np.ndarray, given: np.ndarray, cutoffs: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(suspect rows, suggested class or -1): a row given i is suspect when its margin
    p_j - p_i towards some class j reaches the pair's cut-off; the suggestion is the class of
    the largest margin among those."""
    rows = np.arange(len(given))
    margins = probs - probs[rows, given][:, None]
    over = margins >= cutoffs[given]
    over[rows, given] = False
    issue = over.any(axis=1)
    best = np.where(over, margins, -np.inf).argmax(axis=1)
    return issue, np.where(issue, best, -1)


def fold_options(sample: Path, folds: int) -> list[LinearOptions]:
    """Each fold model's feature options: char n-grams too when the fold's training lines are
    short (`options_for`)."""
    rows = pl.read_parquet(sample, columns=[KEY, LINE])
    lines = rows[LINE].to_list()
    fold_of = (rows[KEY] % folds).to_numpy()
    return [options_for([line for line, f in zip(lines, fold_of, strict=True) if f != fold],
                        AUDIT_OPTIONS) for fold in range(folds)]


def hash_sample(sample: Path, options: LinearOptions, start: int, stop: int, out: Path) -> Path:
    """Task: the hashed features of sample lines start .. stop - 1, hashed once for all folds
    (a line's features do not depend on the other lines), saved to `out`."""
    lines = pl.read_parquet(sample, columns=[LINE])[LINE].slice(start, stop - start).to_list()
    return save_features(hashed_features(lines, options), out)


def train_fold(sample: Path, features: list[Path], options: LinearOptions, fold: int,
               folds: int, names: list[str], seed: int,
               out: Path) -> tuple[str | None, np.ndarray]:
    """Task: train fold `fold`'s model on the sample rows of the other folds (their rows of
    the sample's hashed `features`, saved in consecutive parts) and save it to `out`; return
    its path (None when those rows have fewer than two labels) and its class probabilities
    (columns in `names` order) of the sample rows of fold `fold`, in file order."""
    rows = pl.read_parquet(sample, columns=[KEY, LABEL])
    held_out = (rows[KEY] % folds == fold).to_numpy()
    train, test = np.flatnonzero(~held_out), np.flatnonzero(held_out)
    labels = rows[LABEL].gather(train)
    if labels.n_unique() < 2:
        return None, np.zeros((len(test), len(names)))
    parts = [load_features(path) for path in features]
    model = LinearClassifier.train_features(select_rows(parts, train), labels.to_list(), options)
    path = model.save(out).resolve()
    found = model.predict_proba_features(select_rows(parts, test))
    return str(path), in_order(model, found, names)


def select_rows(parts: list[sparse.csr_matrix], rows: np.ndarray) -> sparse.csr_matrix:
    """Rows `rows` (sorted) of the matrix whose consecutive row blocks are `parts`, copying
    only those rows out of each (memory-mapped) part."""
    bounds = np.cumsum([0, *(part.shape[0] for part in parts)])
    pieces = [part[rows[(rows >= lo) & (rows < hi)] - lo]
              for part, lo, hi in zip(parts, bounds[:-1], bounds[1:], strict=True)]
    return sparse.vstack(pieces, format="csr")


def in_order(model: LinearClassifier, found: np.ndarray, names: list[str]) -> np.ndarray:
    """The model's class probabilities `found` with columns in `names` order (0 for a class
    its training rows lacked)."""
    probs = np.zeros((found.shape[0], len(names)))
    column = {name: i for i, name in enumerate(names)}
    for j, label in enumerate(model.labels):
        probs[:, column[label]] = found[:, j]
    return probs


# Fold models of the state a worker process last applied, by (path, mtime, size): each is
# loaded once per process, and a later state's models replace them.
_MODELS: dict[tuple[str, int, int], LinearClassifier] = {}


def fold_models(paths: list[str | None]) -> list[LinearClassifier | None]:
    """The classifiers saved at `paths` (None stays None)."""
    keys = []
    for path in paths:
        if path is None:
            keys.append(None)
            continue
        try:
            stat = os.stat(path)
        except OSError as exc:
            raise CurateError(f"label_audit: the fold model {path} is gone ({exc}); run the "
                              "pipeline again with --overwrite") from exc
        keys.append((path, stat.st_mtime_ns, stat.st_size))
    for stale in set(_MODELS) - set(keys):
        del _MODELS[stale]
    for key in keys:
        if key is not None and key not in _MODELS:
            _MODELS[key] = LinearClassifier.load(key[0])
    return [None if key is None else _MODELS[key] for key in keys]


@register
class LabelAudit(GlobalOperator[LabelAuditParams]):
    """Flag rows whose label looks wrong (cross-validated linear models, confident learning).

    Annotates label_issue, label_suggested and label_given_prob; mode = "reject" also
    removes the suspect rows."""

    name = "label_audit"
    annotations = (ISSUE, SUGGESTED, GIVEN_PROB, ORIGINAL)

    @property
    def key(self) -> pl.Expr:
        """The seeded id hash that picks each row's fold and the training sample."""
        return pl.col(self.context.id_column).hash(self.context.seed)

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """The shard's `max_train_rows` labelled rows of smallest key, with the fastText line
        of the part of their text the classifiers read; and its labelled rows per label."""
        p = self.params
        if p.column not in batch.columns:
            return pl.DataFrame(schema=SUMMARY_SCHEMA)
        labelled = batch.filter(pl.col(p.column).is_not_null()).select(
            pl.lit(shard, dtype=pl.Int64).alias(SHARD_COLUMN), ROW_COLUMN, self.key.alias(KEY),
            pl.col(p.column).cast(pl.String).alias(LABEL), self.text.alias("__text"))
        candidates = labelled.bottom_k(p.max_train_rows, by=[KEY, ROW_COLUMN]).sort(
            KEY, ROW_COLUMN)
        lines = fasttext_lines(
            candidates["__text"].fill_null("").str.slice(0, p.max_chars).to_list())
        counts = labelled.group_by(LABEL).agg(pl.len().cast(pl.Int64).alias(COUNT)).sort(LABEL)
        return pl.concat([
            candidates.select(SHARD_COLUMN, ROW_COLUMN, KEY, LABEL).with_columns(
                pl.Series(LINE, lines, dtype=pl.String), pl.lit(None, pl.Int64).alias(COUNT)),
            counts.select(pl.lit(shard, dtype=pl.Int64).alias(SHARD_COLUMN),
                          pl.lit(None, pl.Int64).alias(ROW_COLUMN),
                          pl.lit(None, pl.UInt64).alias(KEY), LABEL,
                          pl.lit(None, pl.String).alias(LINE), COUNT),
        ]).cast(SUMMARY_SCHEMA)  # type: ignore[arg-type]

    def fit(self, context: FitContext) -> pl.DataFrame:
        """Train the fold models on the sample; the class thresholds and the models' paths."""
        p = self.params
        counts = self._label_counts(context.summaries)
        audited = sum(counts.values())
        names = sorted(counts)
        outcomes: dict[str, Any] = {"column": p.column, "mode": p.mode, "audited": audited}
        if len(names) < 2:
            context.outcomes.update({**outcomes, "sampled": 0, "suspect": 0})
            return pl.DataFrame(schema=STATE_SCHEMA)
        sample_path = self._write_sample(context.summaries, context.work_dir / "sample.parquet")
        sample = pl.read_parquet(sample_path, columns=[KEY, LABEL])
        folds = (sample[KEY] % p.folds).to_numpy()
        options = fold_options(sample_path, p.folds)
        distinct = list(dict.fromkeys(options))
        parts = [(o, start, min(start + HASH_ROWS, sample.height))
                 for o in distinct for start in range(0, sample.height, HASH_ROWS)]
        hashed = context.map(hash_sample, [
            (sample_path, o, start, stop, context.work_dir / f"features-{i}")
            for i, (o, start, stop) in enumerate(parts)])
        features = [[path for path, (o, _, _) in zip(hashed, parts, strict=True)
                     if o == options[fold]] for fold in range(p.folds)]
        trained = context.map(train_fold, [
            (sample_path, features[fold], options[fold], fold, p.folds,
             names, self.context.seed, context.work_dir / f"fold-{fold}.npz")
            for fold in range(p.folds)])
        probs = np.zeros((sample.height, len(names)))
        for fold, (_, found) in enumerate(trained):
            probs[folds == fold] = found
        given = sample[LABEL].replace_strict({n: i for i, n in enumerate(names)},
                                             return_dtype=pl.Int64).to_numpy()
        thresholds = class_thresholds(probs, given)
        parts = [pl.DataFrame({LABEL: names, THRESHOLD: thresholds}),
                 pl.DataFrame({FOLD: list(range(p.folds)), MODEL: [path for path, _ in trained]})]
        if p.method == "noise_rate":
            cutoffs = noise_rate_cutoffs(probs, given, thresholds)
            issue, best = noise_rate_issues(probs, given, cutoffs)
            pairs = [(names[i], names[j], float(cutoffs[i, j]))
                     for i in range(len(names)) for j in range(len(names))
                     if np.isfinite(cutoffs[i, j])]
            parts.append(pl.DataFrame(pairs, schema={LABEL: pl.String, OTHER: pl.String,
                                                     CUTOFF: pl.Float64}, orient="row"))
        else:
            issue, best = confident_issues(probs, given, p.margin, thresholds)
        context.outcomes.update({**outcomes, **self._outcomes(sample, issue, best, names,
                                                              audited)})
        state = pl.concat(parts, how="diagonal")
        return state.select(
            (pl.col(c) if c in state.columns else pl.lit(None)).cast(t).alias(c)
            for c, t in STATE_SCHEMA.items())

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Judge every labelled row with its fold's model and the thresholds; in reject mode,
        reject the suspect ones."""
        p = self.params
        classes = state.filter(pl.col(THRESHOLD).is_not_null()).sort(LABEL)
        names = classes[LABEL].to_list()
        issue, suggested, given_prob = (
            pl.repeat(None, batch.height, dtype=dtype, eager=True).alias(name)
            for name, dtype in ((ISSUE, pl.Boolean), (SUGGESTED, pl.String),
                                (GIVEN_PROB, pl.Float64)))
        if names and p.column in batch.columns:
            audited = batch.select(
                pl.int_range(pl.len(), dtype=pl.Int64).alias("__at"), self.key.alias(KEY),
                pl.col(p.column).cast(pl.String).replace_strict(
                    {n: i for i, n in enumerate(names)}, default=None,
                    return_dtype=pl.Int64).alias(LABEL),
                self.text.fill_null("").str.slice(0, p.max_chars).alias("__text"),
            ).filter(pl.col(LABEL).is_not_null())
            probs = self._out_of_fold(audited, state, names)
            given = audited[LABEL].to_numpy()
            if p.method == "noise_rate":
                flagged, best = noise_rate_issues(probs, given, self._cutoffs(state, names))
            else:
                flagged, best = confident_issues(probs, given, p.margin,
                                                 classes[THRESHOLD].to_numpy())
            at = audited["__at"]
            issue = issue.scatter(at, pl.Series(flagged, dtype=pl.Boolean))
            suggested = suggested.scatter(at, pl.Series(
                [names[b] if f else None for b, f in zip(best, flagged, strict=True)],
                dtype=pl.String))
            given_prob = given_prob.scatter(at, pl.Series(
                probs[np.arange(len(given)), given], dtype=pl.Float64))
        out = batch.with_columns(issue, suggested, given_prob)
        if p.mode == "reject":
            out = out.with_columns(self.reject_when(pl.col(ISSUE).fill_null(False),
                                                    REASON_SUSPECT))
        elif p.mode == "relabel":
            relabel = pl.col(ISSUE).fill_null(False) & pl.col(SUGGESTED).is_not_null()
            out = out.with_columns(
                pl.when(relabel).then(pl.col(p.column).cast(pl.String)).alias(ORIGINAL),
                pl.when(relabel).then(pl.col(SUGGESTED)).otherwise(pl.col(p.column).cast(
                    pl.String)).alias(p.column))
        return out

    @staticmethod
    def _cutoffs(state: pl.DataFrame, names: list[str]) -> np.ndarray:
        """The state's pair cut-offs as a matrix (inf where the state has none)."""
        cutoffs = np.full((len(names), len(names)), np.inf)
        index = {name: i for i, name in enumerate(names)}
        for label, other, cutoff in state.filter(pl.col(CUTOFF).is_not_null()).select(
                LABEL, OTHER, CUTOFF).iter_rows():
            cutoffs[index[label], index[other]] = cutoff
        return cutoffs

    def _out_of_fold(self, audited: pl.DataFrame, state: pl.DataFrame,
                     names: list[str]) -> np.ndarray:
        """Class probabilities of each audited row from the model of its fold."""
        folds = state.filter(pl.col(FOLD).is_not_null()).sort(FOLD)
        models = fold_models(folds[MODEL].to_list())
        fold_of = (audited[KEY] % self.params.folds).to_numpy()
        lines = fasttext_lines(audited["__text"].to_list())
        probs = np.zeros((audited.height, len(names)))
        for fold, model in enumerate(models):
            rows = np.flatnonzero(fold_of == fold)
            if model is not None and len(rows):
                found = model.predict_proba_lines([lines[i] for i in rows])
                probs[rows] = in_order(model, found, names)
        return probs

    @staticmethod
    def _label_counts(summaries: list[Path]) -> dict[str, int]:
        """Labelled rows per label over every shard."""
        if not summaries:
            return {}
        counts = (pl.scan_parquet(summaries).filter(pl.col(COUNT).is_not_null())
                  .group_by(LABEL).agg(pl.col(COUNT).sum()).collect(engine="streaming"))
        return dict(counts.iter_rows())

    def _write_sample(self, summaries: list[Path], out: Path) -> Path:
        """Write the `max_train_rows` candidates of smallest (key, shard, row) over every shard
        (key, label, fastText line) to `out`, in that order: keys first, then the lines of the
        chosen rows only, a shard at a time, so at most the sample's texts are held."""
        order = [KEY, SHARD_COLUMN, ROW_COLUMN]
        chosen = (pl.scan_parquet(summaries).filter(pl.col(ROW_COLUMN).is_not_null())
                  .select(order).bottom_k(self.params.max_train_rows, by=order)
                  .collect(engine="streaming"))
        cutoff = chosen[KEY].max()
        parts = [pl.scan_parquet(path).filter(pl.col(ROW_COLUMN).is_not_null()
                                              & (pl.col(KEY) <= cutoff))
                 .join(chosen.lazy(), on=[SHARD_COLUMN, ROW_COLUMN], how="semi")
                 .select(*order, LABEL, LINE).collect() for path in summaries]
        sample = pl.concat(parts).sort(order)
        write_shard(sample.select(KEY, LABEL, LINE), out)
        return out

    def _outcomes(self, sample: pl.DataFrame, issue: np.ndarray, best: np.ndarray,
                  names: list[str], audited: int) -> dict[str, Any]:
        """What the audit found on the sample (every row when the sample is the corpus; else
        `suspect` scales the sample's count up to the corpus and is marked an estimate)."""
        flagged = sample.with_columns(
            pl.Series(ISSUE, issue, dtype=pl.Boolean),
            pl.Series(SUGGESTED, [names[b] if f else None for b, f in zip(best, issue,
                                                                          strict=True)],
                      dtype=pl.String)).filter(ISSUE)
        exhaustive = sample.height == audited
        return {
            "sampled": sample.height,
            "suspect": flagged.height if exhaustive
            else round(flagged.height * audited / max(sample.height, 1)),
            "suspect_is_estimate": not exhaustive,
            "suspect_in_sample": flagged.height,
            "suspect_by_label": dict(sorted(flagged.group_by(LABEL).len().iter_rows())),
            "suggested": dict(sorted(flagged.group_by(SUGGESTED).len().iter_rows())),
        }
