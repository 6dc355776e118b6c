"""`--set stage.param=value` overrides of a finished run's config, checked against what
`curate tune` can re-run without recomputing a signal.

Values are read as TOML values (`0.6`, `["lang"]`, `{q_info = 0.6, q_text = 0.4}`, `"x"`); a
value that is not valid TOML is taken as a bare string (`score=q_info`). `stage.table.key=value`
sets one entry of a table parameter (`quality_score.weights.q_info=0.6`).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from typing import Any

from curate.errors import ConfigError
from curate.ops import REGISTRY
from curate.params import build, parse_value, suggest


@dataclass(frozen=True)
class Assignment:
    """One `stage.param[.key]=value`."""

    stage: str
    path: tuple[str, ...]
    value: Any

    @classmethod
    def parse(cls, text: str) -> Assignment:
        """Read `stage.param=value` or `stage.param.key=value`."""
        target, sep, raw = text.partition("=")
        parts = tuple(p.strip() for p in target.split("."))
        if not sep or len(parts) < 2 or not all(parts):
            raise ConfigError(f"--set {text}: expected STAGE.PARAM=VALUE")
        return cls(parts[0], parts[1:], parse_value(raw.strip()))


@dataclass
class TunePlan:
    """The config's stages with the overrides applied, and which stages tune re-runs."""

    stages: list[dict[str, Any]]  # {"name", "op", "params"} as in the manifest
    changes: dict[str, dict[str, Any]]  # stage name -> changed parameters (new values)
    first: int  # index in `stages` of the first stage re-run

    @property
    def replayed(self) -> list[dict[str, Any]]:
        """The stages re-run, in order."""
        return self.stages[self.first:]


def tunable(stage: dict[str, Any]) -> set[str]:
    """The parameters of a stage its operator can re-decide from stored columns."""
    cls = REGISTRY.get(stage["op"])
    return set(cls.tunable) if cls is not None else set()


def replayable(stage: dict[str, Any], changed: set[str] | None = None) -> bool:
    """Whether tune can re-run a stage (with these parameters changed) from stored columns."""
    allowed = tunable(stage)
    return bool(allowed) and (changed is None or changed <= allowed)


def plan_tune(stages: list[dict[str, Any]], assignments: list[Assignment]) -> TunePlan:
    """Apply the assignments to the stages (validating every value like the TOML) and find the
    first stage to re-run; every stage from there on must be re-runnable."""
    if not assignments:
        raise ConfigError("nothing to tune: give at least one --set STAGE.PARAM=VALUE")
    stages = copy.deepcopy(stages)
    by_name = {s["name"]: s for s in stages}
    changes: dict[str, dict[str, Any]] = {}
    for a in assignments:
        if a.stage not in by_name:
            raise ConfigError(f"--set {a.stage}: no such stage{suggest(a.stage, by_name)} "
                              f"(stages: {', '.join(by_name)})")
        params = by_name[a.stage]["params"]
        if len(a.path) == 1:
            params[a.path[0]] = a.value
        else:
            table = params.setdefault(a.path[0], {})
            if not isinstance(table, dict):
                raise ConfigError(f"{a.stage}.{a.path[0]}: is not a table")
            for key in a.path[1:-1]:
                table = table.setdefault(key, {})
            table[a.path[-1]] = a.value
        changes.setdefault(a.stage, {})[a.path[0]] = params[a.path[0]]
    for name, changed in changes.items():
        stage = by_name[name]
        checked = build(REGISTRY[stage["op"]].Params, stage["params"], name)
        stage["params"] = asdict(checked)
        if not replayable(stage, set(changed)):
            key = sorted(set(changed) - tunable(stage))[0]
            allowed = ", ".join(sorted(tunable(stage))) or "none"
            raise ConfigError(
                f"{name}.{key}: changing it means recomputing signals, which tune does not do; "
                f"edit the pipeline and `curate run` it (tunable here: {allowed})")
    first = min(i for i, s in enumerate(stages) if s["name"] in changes)
    for stage in stages[first:]:
        if not replayable(stage):
            raise ConfigError(
                f"{stage['name']}: this {stage['op']} stage comes after a tuned stage and "
                "cannot be re-run from stored columns; tune works when every stage after the "
                "tuned one decides from stored signals (filters, select, select_top, "
                "quality_score)")
    return TunePlan(stages, changes, first)
