"""Typed operator parameters: declared as dataclasses, validated from TOML tables.

Validation errors name the key path (`stage[3].min_chars`) and suggest the nearest valid name.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from typing import Any, Literal

from curate.errors import ConfigError

REQUIRED: Any = object()


def param(default: Any, doc: str, decides: bool = False) -> Any:
    """A dataclass field with a default (or REQUIRED) and a one-line description; `decides`:
    see `threshold`."""
    metadata = {"doc": doc, "decides": decides}
    if default is REQUIRED:
        return dataclasses.field(metadata=metadata)
    if isinstance(default, list | dict):
        factory = lambda: type(default)(default)  # noqa: E731 - a fresh copy per instance
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def threshold(default: Any, doc: str) -> Any:
    """A parameter that changes only what a stage decides from its stored signals (a filter's
    threshold, a selection's cut-off), never what it measures: `curate tune` can change it on a
    finished run without recomputing anything."""
    return param(default, doc, decides=True)


def deciding(cls: type) -> tuple[str, ...]:
    """The parameters of a parameter dataclass declared with `threshold`."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("decides"))


def suggest(name: str, options: typing.Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest option, or '' when none is close."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def describe_type(tp: Any) -> str:
    """A short human name for a type hint, as shown in errors and in `curate ops`."""
    origin = typing.get_origin(tp)
    if tp is bool:
        return "a boolean"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if origin is Literal:
        return " | ".join(f'"{a}"' if isinstance(a, str) else str(a) for a in typing.get_args(tp))
    if origin in (list, tuple):
        (item, *_) = typing.get_args(tp) or (Any,)
        return f"a list of {describe_type(item).removeprefix('a ').removeprefix('an ')}s"
    if origin is dict:
        _, value = typing.get_args(tp)
        return f"a table of {describe_type(value).removeprefix('a ').removeprefix('an ')}s"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe_type(a) for a in typing.get_args(tp) if a is not type(None))
    return getattr(tp, "__name__", str(tp))


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def coerce(value: Any, tp: Any, key: str) -> Any:
    """Check `value` against the type hint `tp`, returning it (ints widen to floats)."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg, key)
            except ConfigError:
                continue
        raise ConfigError(f"{key}: expected {describe_type(tp)}, got {_show(value)}")
    ok = True
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif tp is str:
        ok = isinstance(value, str)
    elif origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            hint = suggest(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
            raise ConfigError(
                f"{key}: expected {describe_type(tp)}, got {_show(value)}{hint}"
            )
    elif origin in (list, tuple):
        if not isinstance(value, list):
            ok = False
        else:
            (item, *_) = typing.get_args(tp) or (Any,)
            value = [coerce(v, item, f"{key}[{i + 1}]") for i, v in enumerate(value)]
    elif origin is dict:
        if not isinstance(value, dict):
            ok = False
        else:
            _, item = typing.get_args(tp)
            value = {k: coerce(v, item, f"{key}.{k}") for k, v in value.items()}
    if not ok:
        raise ConfigError(f"{key}: expected {describe_type(tp)}, got {_show(value)}")
    return value


def parse_value(raw: str) -> Any:
    """A command-line value read as a TOML value (`0.6`, `["lang"]`, `true`), or the raw text
    when it is not one (`score=q_info`)."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def build(cls: type, table: dict[str, Any], prefix: str, ignore: tuple[str, ...] = ()) -> Any:
    """Instantiate the dataclass `cls` from a TOML table, validating every key.

    Unknown keys, wrong types and failed `validate()` checks raise ConfigError naming
    `prefix.key`.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in table.items():
        if key in ignore:
            continue
        if key not in fields:
            valid = sorted(fields) + list(ignore)
            raise ConfigError(
                f"{prefix}.{key}: unknown key{suggest(key, valid)}"
                f" (valid keys: {', '.join(sorted(fields)) or 'none'})"
            )
        kwargs[key] = coerce(value, hints[key], f"{prefix}.{key}")
    missing = [
        name
        for name, f in fields.items()
        if name not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ConfigError(f"{prefix}.{missing[0]}: required key is missing")
    obj = cls(**kwargs)
    check = getattr(obj, "validate", None)
    if check is not None:
        problem = check()
        if problem:
            key, message = problem
            raise ConfigError(f"{prefix}.{key}: {message}")
    return obj


def field_docs(cls: type) -> list[tuple[str, str, Any, str]]:
    """(name, type description, default, doc) for each parameter of a dataclass."""
    hints = typing.get_type_hints(cls)
    rows = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = "(required)"
        rows.append((f.name, describe_type(hints[f.name]), default, f.metadata.get("doc", "")))
    return rows
