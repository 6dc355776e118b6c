"""A filter's rejection rules as data: each rule names its reason and the signal comparisons
that must all hold for it to fire. A filter decides from its rules (`decide`), and `curate
explain` shows the same rules against a document's stored signals (`check`), so what is shown
is what was decided.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from curate.ops.base import REASON

Comparison = Literal["<", "<=", ">", ">=", "==", "in", "not in", "is null"]
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Condition:
    """`signal COMPARISON threshold`; `zh` is the threshold of Chinese rows where it differs.
    A threshold of None means the condition does not apply to those rows (never holds)."""

    signal: str
    comparison: Comparison
    threshold: Any = None
    zh: Any = None
    routed: bool = False  # True: Chinese rows compare with `zh`

    def threshold_for(self, zh: bool) -> Any:
        """The threshold a Chinese (or other) row is compared with."""
        return self.zh if (zh and self.routed) else self.threshold

    def expr(self, zh: pl.Expr) -> pl.Expr:
        """Whether the condition holds, per row (null counts as false)."""
        if not self.routed:
            return self._test(self.threshold)
        return pl.when(zh).then(self._test(self.zh)).otherwise(self._test(self.threshold))

    def _test(self, threshold: Any) -> pl.Expr:
        value = pl.col(self.signal)
        if self.comparison == "is null":
            return value.is_null()
        if threshold is None:
            return pl.lit(False)
        if self.comparison == "in":
            return value.is_in(list(threshold)).fill_null(False)
        if self.comparison == "not in":
            return (value.is_not_null() & ~value.is_in(list(threshold))).fill_null(False)
        return _COMPARE[self.comparison](value, threshold).fill_null(False)

    def holds(self, value: Any, zh: bool) -> bool:
        """The same test on one stored value."""
        threshold = self.threshold_for(zh)
        if self.comparison == "is null":
            return value is None
        if value is None or threshold is None:
            return False
        if self.comparison == "in":
            return value in threshold
        if self.comparison == "not in":
            return value not in threshold
        return bool(_COMPARE[self.comparison](value, threshold))

    def describe(self, zh: bool) -> str:
        """`> 0.3`, `not in [zh, en]`, `is null`, or `-` where it does not apply."""
        if self.comparison == "is null":
            return "is null"
        threshold = self.threshold_for(zh)
        if threshold is None:
            return "-"
        if isinstance(threshold, list | tuple):
            threshold = "[" + ", ".join(map(str, threshold)) + "]"
        elif isinstance(threshold, bool):
            threshold = str(threshold).lower()
        return f"{self.comparison} {threshold}"


@dataclass(frozen=True)
class Rule:
    """Reject with `reason` when every condition holds."""

    reason: str
    conditions: tuple[Condition, ...]


def rule(reason: str, signal: str, comparison: Comparison, threshold: Any = None,
         zh: Any = None, routed: bool = False) -> Rule:
    """A rule of one condition."""
    return Rule(reason, (Condition(signal, comparison, threshold, zh, routed),))


def decide(rules: Sequence[Rule], zh: pl.Expr | None = None) -> pl.Expr:
    """REASON: the reason of the first rule that fires, null if none does."""
    zh = zh if zh is not None else pl.lit(False)
    expr = pl.lit(None, dtype=pl.String)
    for r in reversed(rules):
        holds = pl.lit(True)
        for condition in r.conditions:
            holds = holds & condition.expr(zh)
        expr = pl.when(holds).then(pl.lit(r.reason)).otherwise(expr)
    return expr.alias(REASON)


@dataclass(frozen=True)
class ConditionCheck:
    """One condition of a rule against a document's stored value."""

    rule: str
    condition: Condition
    value: Any
    test: str
    holds: bool


def check(rules: Sequence[Rule], values: dict[str, Any], zh: bool) -> list[ConditionCheck]:
    """Each condition of each rule against a document's stored signals (as `decide`
    compared them)."""
    return [ConditionCheck(r.reason, c, values.get(c.signal), c.describe(zh),
                           c.holds(values.get(c.signal), zh))
            for r in rules for c in r.conditions]
