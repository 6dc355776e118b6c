"""`pipeline.toml` parsed and validated into typed objects.

Every problem is a ConfigError naming its key path, e.g. `stage[3].min_chars: expected an
integer, got "high"`. Relative paths are resolved against the pipeline file's folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from curate.errors import ConfigError
from curate.io.fs import is_uri
from curate.ops import REGISTRY
from curate.ops.base import MAX_DOC_BYTES, StageContext
from curate.params import REQUIRED, build, param, parse_value, suggest

SECTIONS = ("pipeline", "engine", "stage", "finetune")


@dataclass
class PipelineSection:
    """The `[pipeline]` table: what to read, where to write, which columns hold what."""

    input: str = param(REQUIRED, "corpus to curate: a shard, a folder or a glob (Parquet, "
                       "JSONL), local or a URI such as s3://bucket/raw/*.parquet")
    output: str = param(REQUIRED, "run folder to write, local or a URI such as s3://bucket/run "
                        "(the run is then built in `staging` and uploaded when it completes)")
    staging: str | None = param(
        None, "local folder where a run whose output is a URI is built before it is uploaded "
        "(default: .curate-staging/NAME beside the pipeline file; shared storage on a "
        "multi-node cluster)")
    name: str = param("pipeline", "name of the pipeline, shown in reports")
    text_column: str = param("text", "column holding the document text")
    keep_original: bool = param(
        False, "every curated row carries its input text as TEXT_original (by default only "
        "the rows a cleaner changed; rejected rows always hold their input text)")
    id_column: str = param("id", "column holding document ids (derived when absent)")
    source_column: str | None = param(
        None, "column of the input naming each document's source (a crawl, a site, a "
        "dataset): the report shows documents, curated, rejected and rejection reasons per "
        "value")
    seed: int = param(0, "seed for every random choice, so runs are reproducible")
    max_rows_per_shard: int = param(100_000, "most rows in one output shard")
    max_doc_bytes: int = param(
        MAX_DOC_BYTES, "documents whose text is larger (UTF-8 bytes) are rejected on read as "
        "too_large, before any operator sees them")
    output_format: Literal["parquet", "jsonl", "jsonl.gz"] = param(
        "parquet", "parquet: the run folder's Parquet only; jsonl or jsonl.gz: curated/ and "
        "rejected/ also exported as (gzip-compressed) JSON lines into export/curated/ and "
        "export/rejected/, one file per Parquet shard, the same columns")
    on_error: Literal["fail", "quarantine"] = param(
        "fail", "an unreadable input shard (damaged, wrong schema, bad JSON line): fail the "
        "run, or quarantine it (skip it, list it in the manifest and report) and go on")

    def validate(self) -> tuple[str, str] | None:
        """Check value ranges."""
        if self.max_rows_per_shard < 1:
            return "max_rows_per_shard", f"must be >= 1, got {self.max_rows_per_shard}"
        if self.max_doc_bytes < 1:
            return "max_doc_bytes", f"must be >= 1, got {self.max_doc_bytes}"
        return None


@dataclass
class EngineSection:
    """The `[engine]` table: where the work runs."""

    kind: Literal["ray", "local"] = param("ray", "ray (default) or local (in-process)")
    address: str | None = param(
        None, 'Ray cluster to join: "HOST:PORT" of its head, or "auto" (RAY_ADDRESS, else '
        "the cluster `ray start` last started on this machine); unset: the run starts Ray here")
    num_cpus: int | None = param(None, "CPUs for a Ray started by the run (all when unset)")
    max_in_flight: int | None = param(
        None, "most tasks at once (2 x the tasks the cluster's CPUs fit when unset)")
    task_cpus: float = param(1.0, "CPUs each Ray task reserves (and polars threads it uses)")
    task_memory_mb: int | None = param(
        None, "memory (MiB) each Ray task reserves, so a node runs only as many tasks as fit "
        "its memory (not reserved when unset)")
    max_retries: int = param(
        3, "times Ray reruns a task whose worker or node died (a task's own error is final)")

    def validate(self) -> tuple[str, str] | None:
        """Check value ranges."""
        for key in ("num_cpus", "max_in_flight", "task_memory_mb"):
            value = getattr(self, key)
            if value is not None and value < 1:
                return key, f"must be >= 1, got {value}"
        if self.task_cpus <= 0:
            return "task_cpus", f"must be > 0, got {self.task_cpus}"
        if self.max_retries < 0:
            return "max_retries", f"must be >= 0, got {self.max_retries}"
        return None


@dataclass
class StageResources:
    """A stage's `resources` table: what each shard task of its pass reserves on Ray, beyond
    `[engine] task_cpus` / `task_memory_mb` (a classifier stage can ask for more than a
    filter). A pass reserves the most any of its stages asks for."""

    cpus: float | None = param(None, "CPUs each task of the stage's pass reserves")
    memory_mb: int | None = param(None, "memory (MiB) each task of the stage's pass reserves")

    def validate(self) -> tuple[str, str] | None:
        """Positive amounts."""
        for key in ("cpus", "memory_mb"):
            if (value := getattr(self, key)) is not None and value <= 0:
                return key, f"must be > 0, got {value}"
        return None


@dataclass
class Stage:
    """One `[[stage]]`: an operator with validated parameters."""

    index: int
    name: str
    op: str
    params: Any
    resources: StageResources = dataclasses.field(default_factory=StageResources)

    def context(self, config: PipelineConfig) -> StageContext:
        """The StageContext the operator of this stage runs with."""
        return StageContext(
            stage=self.name,
            text_column=config.pipeline.text_column,
            id_column=config.pipeline.id_column,
            seed=config.pipeline.seed,
            config_dir=config.path.parent,
            max_doc_bytes=config.pipeline.max_doc_bytes,
            upstream=tuple(config.stages[: self.index - 1]),
        )

    def operator(self, config: PipelineConfig) -> Any:
        """A fresh operator instance for this stage."""
        return REGISTRY[self.op](self.params, self.context(config))


@dataclass
class PipelineConfig:
    """A whole validated pipeline file."""

    path: Path
    pipeline: PipelineSection
    engine: EngineSection
    stages: list[Stage]
    finetune: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def input_path(self) -> Path | str:
        """The input spec resolved against the pipeline file's folder (a URI as given)."""
        if is_uri(self.pipeline.input):
            return self.pipeline.input
        return Path(os.path.normpath(self.path.parent / self.pipeline.input))

    @property
    def output_uri(self) -> str | None:
        """Where the finished run is uploaded, when `output` is a URI."""
        return self.pipeline.output if is_uri(self.pipeline.output) else None

    @property
    def output_path(self) -> Path:
        """The local run folder, resolved against the pipeline file's folder: `output`, or for
        a URI output the staging folder the run is built in."""
        if self.output_uri is None:
            return Path(os.path.normpath(self.path.parent / self.pipeline.output))
        if self.pipeline.staging:
            return Path(os.path.normpath(self.path.parent / self.pipeline.staging))
        return self.path.parent / ".curate-staging" / self.pipeline.name

    def canonical(self) -> dict[str, Any]:
        """What determines the output (the engine does not), with defaults filled in."""
        return {
            "pipeline": dataclasses.asdict(self.pipeline),
            "stages": [
                {"name": s.name, "op": s.op, "params": dataclasses.asdict(s.params)}
                for s in self.stages
            ],
        }

    def hash(self) -> str:
        """A short hash of `canonical()`: equal hashes mean equal outputs."""
        return config_hash(self.canonical())


def config_hash(canonical: dict[str, Any]) -> str:
    """The short hash of a canonical config (`PipelineConfig.canonical()`, or the one a
    manifest records)."""
    blob = json.dumps(canonical, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def load_config(path: str | Path, overrides: dict[str, Any] | None = None,
                sets: list[str] | None = None) -> PipelineConfig:
    """Read and validate a pipeline file. `overrides` replace top-level tables (tests, tune);
    `sets` are command-line values, `TABLE.KEY=VALUE` or `STAGE.PARAM=VALUE` (see
    `apply_sets`)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such pipeline file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    raw.update(overrides or {})
    apply_sets(raw, sets or [])
    return parse_config(raw, path)


def apply_sets(raw: dict[str, Any], sets: list[str]) -> None:
    """Apply `--set` values to a parsed pipeline file: `pipeline.output=runs/b`,
    `engine.kind=local`, `finetune.seeds=[0, 1]` or `[stage.]STAGE.PARAM=VALUE` for the stage
    of that name (its op, when unnamed); a value is read as TOML (`0.5`, `["zh"]`), else as
    text."""
    for text in sets:
        target, sep, value = text.partition("=")
        path = [p.strip() for p in target.split(".")]
        if not sep or len(path) < 2 or not all(path):
            raise ConfigError(f"--set {text}: expected TABLE.KEY=VALUE or STAGE.PARAM=VALUE")
        if path[0] == "stage" and len(path) > 2:  # stage.NAME.PARAM
            path = path[1:]
        if path[0] in ("pipeline", "engine", "finetune"):
            table = raw.setdefault(path[0], {})
        else:
            table = _stage_table(raw, path[0], text)
        for key in path[1:-1]:
            table = table.setdefault(key, {})
            if not isinstance(table, dict):
                raise ConfigError(f"--set {text}: {key} is not a table")
        table[path[-1]] = parse_value(value.strip())


def _stage_table(raw: dict[str, Any], name: str, text: str) -> dict[str, Any]:
    """The [[stage]] table a `--set` names, by its name (its op when it has none)."""
    tables = [t for t in raw.get("stage", []) if isinstance(t, dict)]
    found = [t for t in tables if t.get("name", t.get("op")) == name]
    if len(found) != 1:
        names = [str(t.get("name", t.get("op"))) for t in tables]
        why = "names more than one stage; give each a `name`" if found else \
            f"no such stage{suggest(name, names)} (stages: {', '.join(names)})"
        raise ConfigError(f"--set {text}: {name}: {why}")
    return found[0]


def parse_config(raw: dict[str, Any], path: Path) -> PipelineConfig:
    """Validate an already-parsed TOML document."""
    for key in raw:
        if key not in SECTIONS:
            raise ConfigError(f"{key}: unknown table{suggest(key, SECTIONS)}"
                              f" (valid: {', '.join(SECTIONS)})")
    if "pipeline" not in raw:
        raise ConfigError("pipeline: required table is missing")
    # Every table is checked, and every error reported at once (one line each).
    errors: list[str] = []

    def checked(make: Any, *args: Any) -> Any:
        try:
            return make(*args)
        except ConfigError as exc:
            errors.append(str(exc))
            return None

    pipeline = checked(build, PipelineSection, _table(raw, "pipeline"), "pipeline")
    engine = checked(build, EngineSection, _table(raw, "engine"), "engine")
    stage_tables = raw.get("stage", [])
    if not isinstance(stage_tables, list):
        raise ConfigError("stage: expected [[stage]] tables")
    seen: set[str] = set()
    stages = [checked(_stage, table, i, seen) for i, table in enumerate(stage_tables, start=1)]
    finetune = raw.get("finetune", {})
    if not isinstance(finetune, dict):
        errors.append("finetune: expected a table")
    if errors:
        raise ConfigError("\n".join(errors))
    config = PipelineConfig(path, pipeline, engine, stages, finetune)
    if is_uri(pipeline.input):
        return config
    if not config.input_path.exists() and not any(c in pipeline.input for c in "*?["):
        raise ConfigError(f'pipeline.input: no such file or folder "{config.input_path}"')
    return config


# Stage names become file names in the run folder and keys of `curate tune --set NAME.KEY`:
# letters, digits, `_` and `-` only, so no name can reach outside the run folder.
STAGE_NAME = re.compile(r"\w[\w-]{0,63}")
RESERVED_STAGE_NAMES = ("read",)  # the read stage's rejections (null_text, too_large ...)


def stage_name_problem(name: str) -> str | None:
    """Why `name` cannot name a stage, or None when it can."""
    if name in RESERVED_STAGE_NAMES:
        return "is reserved for the stage that reads the input"
    if not STAGE_NAME.fullmatch(name):
        return ("is not a valid stage name (letters, digits, _ and - only, at most 64, "
                "not starting with -)")
    return None


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    table = raw.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{key}: expected a table")
    return table


def _stage(table: Any, index: int, seen: set[str]) -> Stage:
    prefix = f"stage[{index}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix}: expected a table")
    op = table.get("op")
    if op is None:
        raise ConfigError(f"{prefix}.op: required key is missing")
    if op not in REGISTRY:
        raise ConfigError(f'{prefix}.op: unknown operator "{op}"{suggest(str(op), REGISTRY)}'
                          " (see `curate ops`)")
    name = table.get("name", op)
    if not isinstance(name, str):
        raise ConfigError(f"{prefix}.name: expected a string, got {name!r}")
    problem = stage_name_problem(name)
    if problem:
        raise ConfigError(f'{prefix}.name: "{name}" {problem}')
    if name in seen:
        if "name" in table:
            raise ConfigError(f'{prefix}.name: "{name}" is already used by an earlier stage')
        name = f"{op}_{index}"
    seen.add(name)
    params = build(REGISTRY[op].Params, table, prefix, ignore=("op", "name", "resources"))
    resources = table.get("resources", {})
    if not isinstance(resources, dict):
        raise ConfigError(f"{prefix}.resources: expected a table, e.g. {{ cpus = 2 }}")
    resources = build(StageResources, resources, f"{prefix}.resources")
    return Stage(index, name, op, params, resources)
