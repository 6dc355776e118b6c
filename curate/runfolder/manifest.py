"""manifest.json, typed: the config and its hash, versions, input shards, per-shard task
results, fits, per-stage counts and totals. The runner rewrites it atomically as shards finish,
so a killed run knows what is already done; `tune` writes one for the run it makes; report,
explain, tune and ablate read it. Only this module knows its keys.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from curate import __version__
from curate.errors import ConfigError
from curate.io.atomic import atomic_write_text

# 1: the layout of curate 0.x before the version was recorded (read as 2); 2: this one.
SCHEMA_VERSION = 2
PACKAGES = ("polars", "pyarrow", "ray", "ftfy", "jieba", "fasttext-numpy2", "datasketch")


def versions() -> dict[str, str]:
    """Versions of curate, Python and the libraries that shape the output."""
    found = {"curate": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def now() -> str:
    """The local time as the manifest records it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


@dataclass
class StageCount:
    """Rows in, kept and rejected by one stage on one shard, and the time it took; rows the
    stage added are counted apart (in + added = kept + rejected)."""

    stage: str
    rows_in: int
    kept: int
    rejected: int
    seconds: float
    added: int = 0


@dataclass
class ShardResult:
    """What one shard task of one pass reports back to the driver, as the manifest keeps it."""

    pass_index: int
    shard: int
    counts: list[StageCount] = field(default_factory=list)
    rows_in: int = 0
    rows_out: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # high-water mark of the process that ran the task
    quarantined: str | None = None  # why the input shard was skipped (on_error = "quarantine")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardResult:
        """Read back what `dataclasses.asdict` wrote."""
        counts = [StageCount(**c) for c in data.get("counts", [])]
        return cls(**{**data, "counts": counts})


@dataclass
class InputShard:
    """One input shard: its index, path, name within the input and size."""

    index: int
    path: str
    name: str
    bytes: int


@dataclass
class Quarantined:
    """An input shard skipped under on_error = "quarantine", and why."""

    shard: int
    path: str
    name: str
    reason: str
    bytes: int


@dataclass
class PassRecord:
    """One pass: its stages and the results of its shard tasks so far."""

    index: int
    stages: list[str]
    shards: dict[int, ShardResult] = field(default_factory=dict)
    peak_rss_mb: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "stages": self.stages,
                               "shards": {str(k): dataclasses.asdict(v)
                                          for k, v in self.shards.items()}}
        if self.peak_rss_mb is not None:
            out["peak_rss_mb"] = self.peak_rss_mb
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassRecord:
        return cls(data["index"], list(data.get("stages", [])),
                   {int(k): ShardResult.from_dict(v) for k, v in data.get("shards", {}).items()},
                   data.get("peak_rss_mb"))


@dataclass
class StageTotal:
    """A stage's counts summed over shards (and its fit's seconds, for a global stage)."""

    stage: str
    rows_in: int = 0
    kept: int = 0
    rejected: int = 0
    seconds: float = 0.0
    added: int | None = None  # only for a stage that adds rows

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.stage, "in": self.rows_in, "kept": self.kept,
                               "rejected": self.rejected, "seconds": self.seconds}
        if self.added is not None:
            out["added"] = self.added
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageTotal:
        return cls(data["stage"], data.get("in", 0), data.get("kept", 0),
                   data.get("rejected", 0), data.get("seconds", 0.0), data.get("added"))


@dataclass
class Totals:
    """The run's headline counts."""

    input_rows: int = 0
    curated_rows: int = 0
    rejected_rows: int = 0
    added_rows: int = 0
    input_bytes: int = 0
    quarantined_shards: int = 0
    quarantined_bytes: int = 0
    wall_seconds: float = 0.0
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items()
                if k != "note" or v is not None}


@dataclass
class TunedFrom:
    """The run a tuned run was made from, and the parameters `tune` changed."""

    run: str
    config_hash: str
    changes: list[Any]


@dataclass
class Manifest:
    """A run's manifest. `path` is where it is saved (None for one not on disk)."""

    config: dict[str, Any] = field(default_factory=dict)  # the canonical config
    config_hash: str = ""
    config_file: str = ""
    status: str = "running"
    engine: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    started: str | None = None
    finished: str | None = None
    error: str | None = None
    inputs: list[InputShard] = field(default_factory=list)
    on_error: str = "fail"
    quarantined: list[Quarantined] = field(default_factory=list)
    passes: list[PassRecord] = field(default_factory=list)
    fits: dict[str, float] = field(default_factory=dict)  # global stage -> fit seconds
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    stages: list[StageTotal] = field(default_factory=list)
    totals: Totals | None = None
    ids_unique: bool = False
    tuned_from: TunedFrom | None = None
    path: Path | None = field(default=None, repr=False, compare=False)
    _last_save: float = field(default=0.0, repr=False, compare=False)

    # --- the config, as the run recorded it ---------------------------------------------
    @property
    def pipeline(self) -> dict[str, Any]:
        """The canonical [pipeline] table."""
        return self.config.get("pipeline", {})

    @property
    def stage_configs(self) -> list[dict[str, Any]]:
        """The canonical stages: name, op, params."""
        return self.config.get("stages", [])

    @property
    def id_column(self) -> str:
        return self.pipeline.get("id_column", "id")

    @property
    def text_column(self) -> str:
        return self.pipeline.get("text_column", "text")

    @property
    def complete(self) -> bool:
        """Whether the run finished."""
        return self.status == "complete"

    # --- building it while the run goes -------------------------------------------------
    @classmethod
    def new(cls, path: Path, config: Any, inputs: list[InputShard],
            passes: list[list[str]]) -> Manifest:
        """A fresh manifest for a run of `config` (a PipelineConfig) about to start."""
        return cls(
            config=config.canonical(), config_hash=config.hash(), config_file=str(config.path),
            engine=dataclasses.asdict(config.engine), versions=versions(), started=now(),
            inputs=inputs, on_error=config.pipeline.on_error,
            passes=[PassRecord(i, stages) for i, stages in enumerate(passes)], path=path)

    def shard_done(self, pass_index: int, shard: int) -> bool:
        """Whether a shard's pass finished in this run or before a resume."""
        return shard in self.passes[pass_index].shards

    def record(self, result: ShardResult) -> None:
        """Note a finished shard task (and the quarantine of its shard, if it was)."""
        self.passes[result.pass_index].shards[result.shard] = result
        if result.quarantined is not None:
            self.quarantine(result.shard, result.quarantined)

    def quarantine(self, shard: int, reason: str) -> None:
        """Note that input shard `shard` is skipped, and why (on_error = "quarantine")."""
        if shard in self.quarantined_shards():
            return
        source = self.inputs[shard]
        self.quarantined.append(Quarantined(shard, source.path, source.name, reason,
                                            source.bytes))
        self.quarantined.sort(key=lambda q: q.shard)

    def quarantined_shards(self) -> set[int]:
        """Indices of the input shards that were quarantined."""
        return {q.shard for q in self.quarantined}

    def record_fit(self, stage: str, seconds: float) -> None:
        """Note a fitted global stage."""
        self.fits[stage] = round(seconds, 4)

    def record_outcomes(self, stage: str, outcomes: dict[str, Any]) -> None:
        """Note what a global stage's fit reported (targets, shortfalls ...)."""
        self.outcomes[stage] = outcomes

    def fit_done(self, stage: str) -> bool:
        """Whether a global stage's state was fitted."""
        return stage in self.fits

    def fail(self, error: str) -> None:
        """Mark the run failed, and why."""
        self.status, self.error = "failed", error

    def finish(self) -> None:
        """Mark the run complete."""
        self.status, self.finished = "complete", now()

    def summarize(self, wall_seconds: float) -> None:
        """Aggregate per-shard counts into per-stage rows and totals (conservation holds per
        stage: in = kept + rejected, or in + added = kept + rejected for a stage that added
        rows; only such stages have an `added` entry). Quarantined shards count nothing."""
        stages: dict[str, StageTotal] = {}
        bytes_in = 0
        for p in self.passes:
            p.peak_rss_mb = max((s.peak_rss_mb for s in p.shards.values()), default=0)
            for shard in p.shards.values():
                bytes_in += shard.bytes_in
                for c in shard.counts:
                    s = stages.setdefault(c.stage, StageTotal(c.stage))
                    s.rows_in += c.rows_in
                    s.kept += c.kept
                    s.rejected += c.rejected
                    s.seconds += c.seconds
                    if c.added:
                        s.added = (s.added or 0) + c.added
        for name, seconds in self.fits.items():
            if name in stages:
                stages[name].seconds += seconds
        ordered = list(stages.values())
        for s in ordered:
            s.seconds = round(s.seconds, 4)
        self.stages = ordered
        self.totals = Totals(
            input_rows=ordered[0].rows_in if ordered else 0,
            curated_rows=ordered[-1].kept if ordered else 0,
            rejected_rows=sum(s.rejected for s in ordered),
            added_rows=sum(s.added or 0 for s in ordered),
            input_bytes=bytes_in,
            quarantined_shards=len(self.quarantined),
            quarantined_bytes=sum(q.bytes for q in self.quarantined),
            wall_seconds=round(wall_seconds, 3),
        )
        if self.quarantined:
            self.totals.note = (
                f"input rows, bytes and every stage count leave out the {len(self.quarantined)} "
                "quarantined input shard(s), which were not read (see `quarantined`)")

    # --- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON form (optional entries only when set)."""
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION, "status": self.status,
            "config_file": self.config_file, "config_hash": self.config_hash,
            "config": self.config, "engine": self.engine, "versions": self.versions,
            "started": self.started,
        }
        if self.finished is not None:
            out["finished"] = self.finished
        if self.error is not None:
            out["error"] = self.error
        out |= {
            "inputs": [dataclasses.asdict(i) for i in self.inputs],
            "on_error": self.on_error,
            "quarantined": [dataclasses.asdict(q) for q in self.quarantined],
            "passes": [p.to_dict() for p in self.passes],
            "fits": {k: {"seconds": v} for k, v in self.fits.items()},
            "stages": [s.to_dict() for s in self.stages],
            "totals": self.totals.to_dict() if self.totals is not None else {},
        }
        if self.outcomes:
            out["outcomes"] = self.outcomes
        if self.ids_unique:
            out["ids_unique"] = True
        if self.tuned_from is not None:
            out["tuned_from"] = dataclasses.asdict(self.tuned_from)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> Manifest:
        """Read the JSON form; absent entries take their defaults (a run that failed early)."""
        version = data.get("schema_version", 1)
        if version > SCHEMA_VERSION:
            raise ConfigError(f"{path or 'manifest'}: schema version {version} is newer than "
                              f"this curate reads ({SCHEMA_VERSION}); upgrade curate")
        totals = data.get("totals")
        tuned = data.get("tuned_from")
        return cls(
            config=data.get("config", {}), config_hash=data.get("config_hash", ""),
            config_file=data.get("config_file", ""), status=data.get("status", "running"),
            engine=data.get("engine", {}), versions=data.get("versions", {}),
            started=data.get("started"), finished=data.get("finished"),
            error=data.get("error"),
            inputs=[InputShard(**i) for i in data.get("inputs", [])],
            on_error=data.get("on_error", "fail"),
            quarantined=[Quarantined(**q) for q in data.get("quarantined", [])],
            passes=[PassRecord.from_dict(p) for p in data.get("passes", [])],
            fits={k: v["seconds"] for k, v in data.get("fits", {}).items()},
            outcomes=data.get("outcomes", {}),
            stages=[StageTotal.from_dict(s) for s in data.get("stages", [])],
            totals=Totals(**totals) if totals else None,
            ids_unique=bool(data.get("ids_unique", False)),
            tuned_from=TunedFrom(**tuned) if tuned else None,
            path=path,
        )

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest file; ConfigError naming it when it is missing or unreadable."""
        if not path.is_file():
            raise ConfigError(f"{path.parent}: not a run folder (no {path.name})")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: unreadable manifest ({exc})") from exc
        return cls.from_dict(data, path)

    def save(self, force: bool = True, path: Path | None = None) -> None:
        """Write atomically (to `path`, or where it was loaded from); with force=False at most
        twice a second."""
        now_ = time.monotonic()
        if not force and now_ - self._last_save < 0.5:
            return
        self._last_save = now_
        target = path or self.path
        if target is None:
            raise ValueError("Manifest.save: no path")
        atomic_write_text(target, json.dumps(self.to_dict(), indent=2, ensure_ascii=False))
