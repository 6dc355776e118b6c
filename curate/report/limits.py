"""Thresholds and targets read from the stage parameters, so charts can mark them.

A threshold is a numeric parameter of a stage whose operator declares the column, named
`min_X`, `max_X`, `X_min`, `X_max` or `X_threshold` (and the Chinese rule set's `zh_max_X` ...),
where X is the column name or the column name without its first word (`n_chars` -> `chars`,
`gopher_symbol_ratio` -> `symbol_ratio`, `q_overall` -> `overall`); or a parameter named
`threshold` / `min_score` when the operator declares that one column only. A language-routed
filter names the threshold of the rows it judges Chinese `zh_` + the name of the one the other
rows take, so a threshold's `rule_lang` is "zh" (`zh_max_X`), "en" (`max_X` where `zh_max_X`
exists) or None (every row). A target is a
parameter holding a {value: share or count} table, named `targets`, `quotas`, `target_mix`,
`mix`, or after the column (`domain_targets`).
"""

from __future__ import annotations

from typing import Any

from curate.report.run import RunData

TARGET_PARAMS = ("targets", "quotas", "target_mix", "mix", "target_shares", "shares")
SINGLE_PARAMS = ("threshold", "min_score", "cutoff")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _stems(column: str) -> list[str]:
    stems = [column]
    if "_" in column:
        stems.append(column.split("_", 1)[1])
    return stems


def thresholds(run: RunData, column: str) -> list[dict[str, Any]]:
    """Every threshold on `column` set in the config: stage, parameter, value and the rows it
    applies to (`rule_lang`: "zh", "en" or None for all)."""
    found = []
    for stage in run.producers(column):
        params = stage.get("params") or {}
        declared = run.op_columns(stage["op"])
        names = {f"{p}{s}" for s in _stems(column) for p in ("min_", "max_")}
        names |= {f"{s}{p}" for s in _stems(column) for p in ("_min", "_max", "_threshold")}
        if len(declared["signals"]) + len(declared["annotations"]) == 1:
            names |= set(SINGLE_PARAMS)
        for key, value in params.items():
            # `zh_max_X`: the threshold of the rows the filter judges as Chinese, drawn too.
            if (key in names or key.removeprefix("zh_") in names) and _is_number(value):
                found.append({"stage": stage["name"], "param": key, "value": value,
                              "rule_lang": _rule_lang(key, params)})
    return found


def _rule_lang(param: str, params: dict[str, Any]) -> str | None:
    """The rows a threshold applies to: "zh" for the Chinese rule set's, "en" for the one a
    zh_ threshold replaces on Chinese rows, None for every row."""
    if param.startswith("zh_"):
        return "zh"
    return "en" if f"zh_{param}" in params else None


def targets(run: RunData, column: str, observed: set[str]) -> dict[str, Any] | None:
    """The target mix for a categorical column: stage, parameter, and shares summing to 1
    (counts are turned into shares; the raw values are kept as `values`). A table counts only
    when one of its keys is among the `observed` values of the column."""
    producing = {s["name"] for s in run.producers(column)}
    for stage in run.stage_configs:
        params = stage.get("params") or {}
        if isinstance(params.get("column"), str) and params["column"] != column:
            continue  # a stage that targets another column
        for key, value in params.items():
            if not isinstance(value, dict) or not value:
                continue
            if not all(_is_number(v) for v in value.values()):
                continue
            if not observed & {str(k) for k in value}:
                continue
            named = key in TARGET_PARAMS and (stage["name"] in producing or column in key
                                              or params.get("column") == column
                                              or not producing)
            if not (named or (column in key and any(p in key for p in ("target", "quota")))):
                continue
            total = sum(value.values())
            if total <= 0:
                continue
            return {
                "stage": stage["name"],
                "param": key,
                "values": dict(value),
                "absolute": total > 1.0001,
                "shares": {str(k): v / total for k, v in value.items()},
            }
    return None
