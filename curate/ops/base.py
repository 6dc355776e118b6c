"""The operator contract and the registry every operator joins.

Row operators take a batch (a polars DataFrame) and return it rewritten, annotated and/or with
rows marked for rejection. Global operators see the whole corpus through a sklearn-like
contract: `observe` each shard into a small summary, `fit` the summaries into a state,
`transform` each shard with that state. Operators never read or write files themselves.
"""

from __future__ import annotations

import dataclasses
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import polars as pl

from curate.params import deciding

if TYPE_CHECKING:
    from curate.ops.rules import Rule

# The default of `[pipeline] max_doc_bytes`: larger texts are rejected on read as too_large.
MAX_DOC_BYTES = 32 * 2**20
# Internal column: the rejection reason of a row (null while the row is kept).
REASON = "__reason"
# Internal column: true on rows a stage added (backfill, augmentation, up-sampling). The engine
# counts and numbers them, so that for every stage in + added = kept + rejected.
ADDED = "__added"
# Internal column: a row's input text, kept by the engine from the first stage that rewrote
# the text (null while no stage has), so that rejected/ holds every row's input text.
INPUT_TEXT = "__input"


@dataclass(frozen=True)
class StageContext:
    """What an operator knows about where it runs: its stage, the text column, the seed."""

    stage: str = "stage"
    text_column: str = "text"
    id_column: str = "id"
    seed: int = 0
    config_dir: Path = Path(".")
    max_doc_bytes: int = MAX_DOC_BYTES  # the read screen's bound, for other corpora a stage reads
    # The pipeline's stages before this one (config.Stage objects), for operators that apply
    # them again to other documents (domain_backfill filters its reserve pool with them).
    upstream: tuple[Any, ...] = dataclasses.field(default=(), compare=False, repr=False)


@dataclass
class Explanation:
    """A table for `curate explain`: a title, column names and rows of values; `covers` names
    the stored columns it shows (left out of explain's table of other signals)."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    caption: str | None = None
    covers: tuple[str, ...] = ()


@dataclass
class NoParams:
    """Parameters of an operator that takes none."""


@dataclass
class Decision:
    """What a stage decides for documents from their stored columns alone: a rejection reason
    per row (null = kept; None when it rejects nothing) and/or stored columns it recomputes
    (quality_score's q_overall from its stored dimensions)."""

    reasons: pl.Series | None = None
    columns: dict[str, pl.Series] = dataclasses.field(default_factory=dict)


P = TypeVar("P")


class Operator(ABC, Generic[P]):
    """Base of all operators: a name, typed parameters (`RowOperator[XParams]`: `Params` is
    XParams) and a one-line docstring."""

    name: ClassVar[str]
    Params: ClassVar[type] = NoParams
    params: P
    # Per-document measurements written to stats/ (not to curated/).
    signals: ClassVar[tuple[str, ...]] = ()
    # Columns kept in curated/ output (scores, labels the operator adds).
    annotations: ClassVar[tuple[str, ...]] = ()
    # Columns that only rejected rows carry (e.g. `dup_of`); dropped from kept rows.
    rejection_columns: ClassVar[tuple[str, ...]] = ()
    # True for operators that may rewrite the text column (cleaners): the engine then keeps
    # the input text of the rows they change.
    rewrites_text: ClassVar[bool] = False
    # Parameters naming a file the stage reads, checked before any work.
    file_params: ClassVar[tuple[str, ...]] = ()
    # The file parameter a run may train on first use from the `train_params` corpora, and the
    # command that trains one by hand (named in the error when neither is there).
    trainable_file: ClassVar[str | None] = None
    train_params: ClassVar[tuple[str, ...]] = ()
    train_command: ClassVar[str | None] = None
    # Measure, then decide: parameters that change only the decision made from stored
    # columns (`decide`), so `curate tune` can re-decide a finished run with other values
    # without recomputing anything: those its Params declare with `curate.params.threshold`.
    # Empty: the stage cannot be re-decided.
    tunable: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """`Params` is the parameter dataclass of `Operator[XParams]`; `tunable`, the
        parameters it declares with `threshold`."""
        super().__init_subclass__(**kwargs)
        for base in cls.__dict__.get("__orig_bases__", ()):
            for arg in typing.get_args(base):
                if "Params" not in cls.__dict__ and dataclasses.is_dataclass(arg):
                    cls.Params = arg  # type: ignore[assignment]
        if "tunable" not in cls.__dict__ and dataclasses.is_dataclass(cls.Params):
            cls.tunable = deciding(cls.Params)
    # What a domain_backfill's reserve pass does with this stage: apply it to the reserve's
    # documents ("apply"), repeat its deduplication against the corpus ("exact_dedup",
    # "near_dedup"), apply it and take the domain model from it ("classify"), or leave it
    # out ("skip"). None: "apply" for row operators and for global operators that judge
    # unseen documents, else "skip".
    reserve_role: ClassVar[str | None] = None

    def __init__(self, params: P | None = None, context: StageContext | None = None) -> None:
        self.params = params if params is not None else self.Params()
        self.context = context or StageContext()

    @property
    def text(self) -> pl.Expr:
        """The text column as a polars expression."""
        return pl.col(self.context.text_column)

    def setup(self) -> None:
        """Load what the stage needs before it reads a batch (a model). The engine runs it once
        per worker process, on the instance it then reuses for every shard there (`ready`).
        Nothing by default."""
        return None

    def ready(self) -> Operator[P]:
        """This operator, with `setup` done (once per instance)."""
        if not self.__dict__.get("_set_up", False):
            self.setup()
            self._set_up = True
        return self

    def warnings(self) -> list[str]:
        """What a user should know about this configuration before a run (`curate run` and
        `curate validate` print each once)."""
        return []

    def rules(self) -> list[Rule]:
        """The rejection rules this operator decides by, as data (filters declare theirs;
        `curate explain` shows them against a document's signals)."""
        return []

    def rule_route(self) -> pl.Expr | None:
        """For rules with a Chinese threshold: whether a row gets it (from stored columns)."""
        return None

    def check_installed(self) -> None:
        """Raise CurateError when something the stage needs that comes installed with a
        package (a bundled model) is missing. Called before any work."""
        return None

    @classmethod
    def reserve_action(cls) -> str:
        """What a reserve pass does with this stage (see `reserve_role`)."""
        return cls.reserve_role or "apply"

    def reads(self) -> list[str]:
        """The stored columns `decide` reads."""
        return list(dict.fromkeys(c.signal for r in self.rules() for c in r.conditions))

    def decide(self, stored: pl.DataFrame) -> Decision:
        """The decision half of measure-then-decide: what this stage decides for the rows of
        `stored` (its documents' stored columns, from stats/ and the input) without measuring
        anything. A filter decides by its rules; other operators that are `tunable` override
        this."""
        from curate.ops.rules import decide

        if not self.rules():
            raise NotImplementedError(f"{self.name} does not decide from stored columns")
        return Decision(stored.select(decide(self.rules(), self.rule_route())).to_series())

    def similarity(self, text: str, other: str) -> float | None:
        """How alike two documents are by this stage's own measure (a dedup stage: the one it
        compared), for `curate explain` to show a duplicate beside its survivor. None: the
        stage does not compare documents."""
        return None

    def explain(self, stored: pl.DataFrame) -> list[Explanation]:
        """Tables `curate explain` shows for one document (`stored`: its stats/ row), beyond
        the rules and signals it shows for every stage."""
        return []

    @staticmethod
    def reject_when(condition: pl.Expr, reason: str | pl.Expr) -> pl.Expr:
        """An expression giving `reason` where `condition` holds and null elsewhere."""
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        return pl.when(condition).then(reason_expr).otherwise(None).cast(pl.String).alias(REASON)

    @staticmethod
    def with_added(batch: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
        """`batch` with `rows` appended and marked in ADDED: `rows` take the batch's columns
        and types (a column they lack is null), so every shard keeps one schema."""
        if rows.height == 0:  # (a select of literals alone would make one row of nothing)
            return batch.with_columns(pl.lit(False).alias(ADDED))
        added = rows.select(
            (pl.col(c).cast(t, strict=False) if c in rows.columns else pl.lit(None, t)).alias(c)
            for c, t in batch.schema.items() if c != ADDED
        ).with_columns(pl.lit(True).alias(ADDED))
        return pl.concat([batch.with_columns(pl.lit(False).alias(ADDED)), added])

    @staticmethod
    def first_reason(*rules: tuple[pl.Expr, str]) -> pl.Expr:
        """The reason of the first rule whose condition holds, null if none does."""
        expr = pl.lit(None, dtype=pl.String)
        for condition, reason in reversed(rules):
            expr = pl.when(condition).then(pl.lit(reason)).otherwise(expr)
        return expr.alias(REASON)


class RowOperator(Operator[P]):
    """A pure batch -> batch step: cleaners rewrite text, annotators add columns, filters
    set the REASON column (null = kept). Consecutive row operators are fused into one pass."""

    @abstractmethod
    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Return the batch rewritten, annotated or with rejected rows marked in REASON."""


class MapFn:
    """Runs a function over a list of argument tuples, in parallel where the engine can."""

    def __call__(self, fn: Callable[..., Any], args: Iterable[tuple]) -> list[Any]:
        return [fn(*a) for a in args]


@dataclass
class FitContext:
    """What `fit` gets: the per-shard summary files, a scratch folder and a parallel map."""

    summaries: list[Path]
    work_dir: Path
    map: MapFn = dataclasses.field(default_factory=MapFn)
    # What the fit wants on record (targets, shortfalls ...): JSON-ready, stored in the
    # manifest under `outcomes.<stage>`.
    outcomes: dict[str, Any] = dataclasses.field(default_factory=dict)


class GlobalOperator(Operator[P]):
    """An operator that needs the whole corpus: observe shards, fit a state, transform shards.

    `observe` output and `fit` state are small polars frames the engine spills to the run
    folder, so a global stage resumes at phase granularity and no step holds the corpus.
    """

    # True when the fitted state holds thresholds or cut-offs, not references to observed
    # rows, so `transform` can judge documents the stage never observed (domain_backfill
    # applies such stages to its reserve pool).
    judges_unseen_documents: ClassVar[bool] = False
    # True when each row of the fitted state names (in SHARD_COLUMN) the one shard whose
    # `transform` uses it: the engine then hands each shard's `transform` only its own rows
    # (see curate.runfolder.state), so no shard task reads the whole state.
    state_per_shard: ClassVar[bool] = False

    @classmethod
    def reserve_action(cls) -> str:
        """A global stage is applied to a reserve only when its state judges unseen documents."""
        return cls.reserve_role or ("apply" if cls.judges_unseen_documents else "skip")

    def prepare(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Add internal (`__`-prefixed) columns that both `observe` and `transform` need, so
        they are computed once: the engine calls this before `observe` and keeps the columns
        until `transform` has run. Identity by default."""
        return batch

    @abstractmethod
    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """A small per-shard summary (e.g. hashes) for `fit`."""

    @abstractmethod
    def fit(self, context: FitContext) -> pl.DataFrame:
        """Combine the shard summaries into a state frame."""

    @abstractmethod
    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Apply the state (for a per-shard state, the shard's rows of it) to one shard:
        annotate and/or mark rows in REASON, and/or append new rows marked true in ADDED
        (their ROW_COLUMN is set by the engine)."""


REGISTRY: dict[str, type[Operator]] = {}


def register(cls: type[Operator]) -> type[Operator]:
    """Class decorator adding an operator to the registry under its `name`."""
    if cls.name in REGISTRY:
        raise ValueError(f"operator {cls.name!r} registered twice")
    if not cls.__doc__:
        raise ValueError(f"operator {cls.name!r} needs a docstring")
    REGISTRY[cls.name] = cls
    return cls


def summary_line(cls: type[Operator]) -> str:
    """The first paragraph of an operator's docstring, as one line (never cut mid-sentence)."""
    first = (cls.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines())
