"""`augment`: new training rows for classes below a target count, made from the class's own
documents by EDA-style edits (near-neighbour word replacement and insertion, word swap and
deletion, sentence reordering; jieba words for Chinese).

Each augmented row keeps its source's columns (label and split included), gets the id
`SOURCE~aN`, `aug_of` = the source id, `aug_method`, and `source` = "augment", and joins its
source's shard. Rows of evaluation splits are never sources, so no augmented row lands in one.
Augmented texts are deduplicated (exact_dedup's hashing) against every original and each
other. Counts, what was made and any shortfall go to the manifest.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.io import ROW_COLUMN, SHARD_COLUMN
from curate.models.vectors import WordVectors, load_word_vectors
from curate.ops.augment.methods import BY_NAME, METHODS, Document, parse_documents
from curate.ops.augment.neighbours import (
    Neighbours,
    corpus_vectors,
    read_synonyms,
    stop_words,
)
from curate.ops.base import FitContext, GlobalOperator, register
from curate.ops.dedup.exact import ExactDedup, ExactDedupParams
from curate.ops.domain.targets import check_targets
from curate.ops.origin import COPY_OF, ORIGIN, origin_of
from curate.params import REQUIRED, param

AUGMENT = "augment"
AUG_METHOD = "aug_method"
# Internal summary columns: in the word-vector sample, and the sample key (source and sample rows).
SAMPLE = "__sample"
KEY = "__key"
# Sources read, parsed and edited at a time: the documents the driver holds at once.
CHUNK = 4096
EVAL_SPLITS = ["eval", "test", "dev", "validation", "valid"]


@dataclass
class AugmentParams:
    targets: dict[str, float] = param(REQUIRED, "per class: the training rows it should have "
                                      "(classes with fewer get augmented rows)")
    column: str = param("label", "the class column")
    methods: list[str] = param(list(METHODS), "augmentation methods, used in turn: synonym, "
                               "insert, swap, delete, reorder")
    alpha: float = param(0.1, "share of a document's words a word-level method changes")
    max_per_source: int = param(4, "most augmented rows made from one document")
    synonyms: str | None = param(None, "synonym file (`WORD SYN1 SYN2 ...` per line) instead "
                                 "of word vectors")
    vectors: str | None = param(None, "saved fastText word-vector model for neighbours "
                                "(default: PPMI-SVD vectors trained on the corpus in the run)")
    neighbours: int = param(5, "near neighbours a word may be replaced with")
    min_similarity: float = param(0.5, "least cosine similarity of a near neighbour")
    vector_docs: int = param(20_000, "most documents the word vectors are trained on (a "
                             "seeded sample of the corpus)")
    split_column: str = param("split", "column naming each row's split")
    eval_splits: list[str] = param(EVAL_SPLITS, "splits never augmented (nor counted)")

    def validate(self) -> tuple[str, str] | None:
        """Check targets, methods and ranges."""
        problem = check_targets(self.targets)
        if problem:
            return "targets", problem
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or not self.methods:
            return "methods", (f"unknown method {unknown[0]!r}" if unknown else "is empty") + \
                f" (methods: {', '.join(METHODS)})"
        if not 0.0 < self.alpha <= 1.0:
            return "alpha", f"must be in (0, 1], got {self.alpha}"
        if self.max_per_source < 1:
            return "max_per_source", f"must be >= 1, got {self.max_per_source}"
        if self.synonyms is not None and self.vectors is not None:
            return "vectors", "set synonyms or vectors, not both"
        if self.vector_docs < 1:
            return "vector_docs", f"must be >= 1, got {self.vector_docs}"
        return None

    def uses_neighbours(self) -> bool:
        """Whether a method needs near neighbours of words."""
        return bool({"synonym", "insert"} & set(self.methods))


@register
class Augment(GlobalOperator[AugmentParams]):
    """Add augmented training rows to the classes below a target count (EDA-style edits).

    Near-neighbour replacement and insertion, word swap and deletion, sentence reordering;
    lineage in aug_of and aug_method."""

    name = "augment"
    annotations = (ORIGIN, COPY_OF, AUG_METHOD)
    file_params = ("synonyms", "vectors")
    state_per_shard = True

    def _trains_vectors(self) -> bool:
        p = self.params
        return p.uses_neighbours() and p.synonyms is None and p.vectors is None

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Every row's text hashes, class and whether it is a training row; the full row of
        possible sources (training rows of targeted classes); when the word-vector model is
        trained on the corpus, the text and sample key of the shard's `vector_docs` rows with
        the smallest keys (the corpus-wide sample `fit` draws is among them), and no other
        text, so the summaries do not hold the corpus."""
        p = self.params
        keyed = ExactDedup(ExactDedupParams(), self.context).prepare(batch)
        cls = (pl.col(p.column).cast(pl.String) if p.column in batch.columns
               else pl.lit(None, pl.String))
        training = (~pl.col(p.split_column).cast(pl.String).is_in(p.eval_splits)).fill_null(True) \
            if p.split_column in batch.columns else pl.lit(True)
        source = cls.is_in(list(p.targets)).fill_null(False) & training
        text = self.context.text_column
        key = pl.col(self.context.id_column).hash(self.context.seed)  # seeded, shard-free
        sample = self._shard_sample(keyed, key) if self._trains_vectors() else pl.lit(False)
        public = [
            pl.when((source | sample) if c == text else source).then(pl.col(c))
            .otherwise(None).alias(c)
            for c in batch.columns if not c.startswith("__")
        ]
        return keyed.select(pl.lit(shard, dtype=pl.Int64).alias(SHARD_COLUMN), ROW_COLUMN, "__h1",
                            "__h2", cls.alias("__class"), training.alias("__training"),
                            source.alias("__source"), sample.alias(SAMPLE),
                            pl.when(source | sample).then(key).otherwise(None).alias(KEY),
                            *public)

    def _shard_sample(self, batch: pl.DataFrame, key: pl.Expr) -> pl.Expr:
        """True on the shard's `vector_docs` rows with a text and the smallest (key, row): the
        corpus-wide smallest (key, shard, row) are a subset of the shards' own smallest."""
        text = self.context.text_column
        chosen = (batch.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("__i"),
                               key.alias(KEY), ROW_COLUMN, text)
                  .filter(pl.col(text).is_not_null())
                  .sort(KEY, ROW_COLUMN).head(self.params.vector_docs)["__i"])
        return pl.int_range(pl.len(), dtype=pl.Int64).is_in(chosen.implode())

    def fit(self, context: FitContext) -> pl.DataFrame:
        """Augmented rows for every class below its target, each with its source's shard.

        The summaries are scanned lazily, each query loading only the columns and rows it
        needs: per-class counts and the sources' keys (no text), the word-vector sample's
        texts, and, `CHUNK` sources at a time, their rows and the original hashes equal to
        the new texts'. Only the sources a class needs are read and parsed, so the driver
        holds the rows it makes, not the classes' documents."""
        p = self.params
        empty = pl.DataFrame(schema={SHARD_COLUMN: pl.Int64})
        if not context.summaries:
            return empty
        seen = pl.concat([pl.scan_parquet(s) for s in context.summaries], how="diagonal_relaxed")
        if seen.select(pl.len()).collect().item() == 0:
            return empty
        counts = dict(seen.filter(pl.col("__training")).group_by("__class").len()
                      .collect().iter_rows())
        need = {c: max(0, int(t) - counts.get(c, 0)) for c, t in p.targets.items()}
        # The sources of the classes short of their target in key order, each with its
        # place in its class (which method it starts with).
        index = (seen.filter(pl.col("__source") & pl.col("__class").is_in(
            [c for c, n in need.items() if n > 0]))
            .select(KEY, SHARD_COLUMN, ROW_COLUMN, "__class")
            .sort(KEY, SHARD_COLUMN, ROW_COLUMN).collect()
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("__class")
                          .alias("__order")))
        lookup = NeighbourLookup(self._neighbour_finder(seen, context.work_dir)
                                 if p.uses_neighbours() else None)
        made = self._generate(seen, index, need, lookup)
        per_class = dict(made.group_by("__class").len().iter_rows()) if made.height else {}
        context.outcomes.update({
            "column": p.column,
            "targets": dict(p.targets),
            "before": {c: counts.get(c, 0) for c in p.targets},
            "augmented": {c: per_class.get(c, 0) for c in p.targets},
            "after": {c: counts.get(c, 0) + per_class.get(c, 0) for c in p.targets},
            "shortfall": {c: n - per_class.get(c, 0) for c, n in need.items()
                          if n > per_class.get(c, 0)},
            "methods": dict(sorted(made.group_by(AUG_METHOD).len().iter_rows()))
            if made.height else {},
            "neighbour_words": len(lookup.table),
        })
        if made.height == 0:  # every class at its target, or no edit applied: nothing to add
            return empty
        public = [c for c in seen.collect_schema() if not c.startswith("__")]
        lineage = [c for c in (ORIGIN, COPY_OF, AUG_METHOD) if c not in public]
        return made.select(SHARD_COLUMN, *public, *lineage)

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Mark the shard's rows as originals and append the augmented rows made from them."""
        marked = batch.with_columns(origin_of(batch).alias(ORIGIN),
                                    pl.lit(None, pl.String).alias(COPY_OF),
                                    pl.lit(None, pl.String).alias(AUG_METHOD))
        if SHARD_COLUMN not in state.columns:  # nothing to add anywhere
            return marked
        return self.with_added(marked, state)

    def _neighbour_finder(self, seen: pl.LazyFrame,
                          work: Path) -> Callable[[set[str]], Neighbours]:
        """Where near neighbours come from: the synonym file, the saved vectors, or vectors
        trained on the corpus sample (on first use, so a fit with no source trains none)."""
        p = self.params
        base = Path(self.context.config_dir)
        if p.synonyms is not None:
            table = read_synonyms(base / p.synonyms)
            return lambda words: {w: table[w] for w in words if w in table}
        trained: list[WordVectors] = []

        def find(words: set[str]) -> Neighbours:
            if not trained:
                trained.append(load_word_vectors(base / p.vectors) if p.vectors is not None
                               else corpus_vectors(self._vector_texts(seen), None,
                                                   self.context.seed, work / "vectors.bin"))
            return trained[0].neighbours(words, p.neighbours, p.min_similarity)

        return find

    def _vector_texts(self, seen: pl.LazyFrame) -> list[str]:
        """The word-vector model's training texts: the `vector_docs` sampled rows with the
        smallest (key, shard, row), in shard and row order.

        Two queries keep the driver at `vector_docs` texts whatever the corpus size: the last
        (key, shard, row) taken, from the keys alone; then the texts up to it, a predicate the
        Parquet scans apply (a join or top-k over the texts would keep every text's buffer)."""
        text = self.context.text_column
        order = [KEY, SHARD_COLUMN, ROW_COLUMN]
        sampled = seen.filter(pl.col(SAMPLE))
        last = sampled.select(order).sort(order).slice(self.params.vector_docs - 1, 1).collect()
        if last.height:  # more sampled rows than vector_docs: those up to the last one taken
            up_to = pl.lit(True)
            for column, value in reversed(list(zip(order, last.row(0), strict=True))):
                bound = pl.lit(value, dtype=last.schema[column])
                up_to = (pl.col(column) < bound) | (pl.col(column) == bound) & up_to
            sampled = sampled.filter(up_to)
        order = [SHARD_COLUMN, ROW_COLUMN]
        return sampled.select(*order, text).sort(order).collect()[text].to_list()

    def _generate(self, seen: pl.LazyFrame, index: pl.DataFrame, need: dict[str, int],
                  lookup: NeighbourLookup) -> pl.DataFrame:
        """Waves of one new text per source (methods in turn, the next one when a method
        does not apply) until each class has what it needs or every source made
        max_per_source rows. Each wave visits the sources in key order, `CHUNK` at a time,
        only those of classes still short; a new text equal to an original or to one kept
        before is dropped, and a class takes its new texts in order until it has enough.

        Per chunk, the summaries are scanned for the chunk's rows and for the original
        hashes equal to its new texts', so neither the corpus's texts nor its hashes are
        ever all held."""
        p, id_col, text = self.params, self.context.id_column, self.context.text_column
        stop = stop_words()
        originals = seen.select("__h1", "__h2")
        made: list[pl.DataFrame] = []
        kept = pl.DataFrame(schema=originals.collect_schema())
        have = dict.fromkeys(need, 0)
        for wave in range(1, p.max_per_source + 1):
            wrote = False
            for start in range(0, index.height, CHUNK):
                short = [c for c in need if have[c] < need[c]]
                chunk = index.slice(start, CHUNK).filter(pl.col("__class").is_in(short))
                if chunk.height == 0:
                    continue
                sources = self._source_rows(seen, chunk)
                docs = parse_documents(sources[text].to_list())
                lookup.add(docs)
                rows: list[tuple[int, str, str]] = []
                for i, (doc, source, order) in enumerate(zip(
                        docs, sources[id_col].to_list(), sources["__order"], strict=True)):
                    rng = random.Random(f"{self.context.seed}:{source}:{wave}")
                    for step in range(len(p.methods)):
                        method = p.methods[(order + wave - 1 + step) % len(p.methods)]
                        new = BY_NAME[method](doc, rng, p.alpha, lookup.table, stop)
                        if new is not None and new != doc.text:
                            rows.append((i, new, method))
                            break
                if not rows:
                    continue
                wrote = True
                fresh = self._fresh(rows, sources["__class"], originals, kept, need, have)
                for c, n in fresh.group_by("__class").len().iter_rows():
                    have[c] += n
                kept = pl.concat([kept, fresh.select("__h1", "__h2")])
                made.append(fresh.select("__i", text, AUG_METHOD).join(
                    sources.drop(text, "__class").with_row_index("__i").with_columns(
                        pl.col("__i").cast(pl.Int64)), on="__i", maintain_order="left")
                    .with_columns(
                        (pl.col(id_col).cast(pl.String) + f"~a{wave}").alias(id_col),
                        pl.col(id_col).cast(pl.String).alias(COPY_OF),
                        pl.lit(AUGMENT).alias(ORIGIN), pl.lit(wave).alias("__wave"),
                        fresh["__class"]))
            if not wrote or all(have[c] >= need[c] for c in need):
                break
        if not made:
            return pl.DataFrame(schema={SHARD_COLUMN: pl.Int64, "__class": pl.String,
                                        AUG_METHOD: pl.String})
        return pl.concat(made, how="diagonal_relaxed").sort(SHARD_COLUMN, ROW_COLUMN, "__wave")

    def _source_rows(self, seen: pl.LazyFrame, chunk: pl.DataFrame) -> pl.DataFrame:
        """The summary rows of `chunk`'s sources, in the chunk's order, with their place in
        their class (a key predicate the Parquet scans apply, then the exact shard and row)."""
        rows = (seen.filter(pl.col("__source") & pl.col(KEY).is_in(chunk[KEY].implode()))
                .drop(SAMPLE, KEY, "__class").collect())
        return chunk.select(SHARD_COLUMN, ROW_COLUMN, "__class", "__order").join(
            rows, on=[SHARD_COLUMN, ROW_COLUMN], how="inner", maintain_order="left")

    def _fresh(self, rows: list[tuple[int, str, str]], classes: pl.Series,
               originals: pl.LazyFrame, kept: pl.DataFrame, need: dict[str, int],
               have: dict[str, int]) -> pl.DataFrame:
        """The new texts (source position, text, method) equal to no original, no text kept
        before and no earlier one of theirs, the first each class still needs, with their
        class and hashes."""
        text = self.context.text_column
        new = pl.DataFrame(
            {"__i": [r[0] for r in rows], text: [r[1] for r in rows],
             AUG_METHOD: [r[2] for r in rows]},
            schema={"__i": pl.Int64, text: pl.String, AUG_METHOD: pl.String})
        hashed = ExactDedup(ExactDedupParams(), self.context).prepare(new)
        clashes = originals.filter(pl.col("__h1").is_in(hashed["__h1"].implode())).collect()
        fresh = hashed.join(pl.concat([kept, clashes]), on=["__h1", "__h2"], how="anti",
                            maintain_order="left")
        fresh = fresh.filter(pl.struct("__h1", "__h2").is_first_distinct()).with_columns(
            classes.gather(fresh["__i"]).alias("__class"))
        return fresh.filter(pl.int_range(pl.len()).over("__class") < pl.col("__class")
                            .replace_strict({c: need[c] - have[c] for c in need},
                                            return_dtype=pl.Int64))


class NeighbourLookup:
    """Near neighbours of the words of the documents seen so far, found once per word."""

    def __init__(self, find: Callable[[set[str]], Neighbours] | None) -> None:
        self.find = find
        self.table: Neighbours = {}
        self._asked: set[str] = set()

    def add(self, docs: list[Document]) -> None:
        """Look up the words of `docs` not looked up before."""
        if self.find is None:
            return
        words = {w.lower() for d in docs for s in d.sentences for w in s.words} - self._asked
        if words:
            self.table.update(self.find(words))
            self._asked |= words
