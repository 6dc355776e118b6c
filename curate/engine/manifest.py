"""manifest.json: the config and its hash, versions, shard states and per-stage counts.

It is rewritten atomically as shards finish, so a killed run knows what is already done.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from curate import __version__
from curate.engine.task import ShardResult

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


class Manifest:
    """A run's manifest, held as a JSON-ready dict with helpers for the runner."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self._last_save = 0.0

    @classmethod
    def new(cls, path: Path, config: Any, inputs: list[dict[str, Any]],
            passes: list[list[str]]) -> Manifest:
        """A fresh manifest for a run that is about to start."""
        return cls(path, {
            "status": "running",
            "config_file": str(config.path),
            "config_hash": config.hash(),
            "config": config.canonical(),
            "engine": dataclasses.asdict(config.engine),
            "versions": versions(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "inputs": inputs,
            "on_error": config.pipeline.on_error,
            "quarantined": [],
            "passes": [{"index": i, "stages": stages, "shards": {}}
                       for i, stages in enumerate(passes)],
            "fits": {},
            "stages": [],
            "totals": {},
        })

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read an existing manifest."""
        return cls(path, json.loads(path.read_text(encoding="utf-8")))

    def shard_done(self, pass_index: int, shard: int) -> bool:
        """Whether a shard's pass finished in this run or before a resume."""
        return str(shard) in self.data["passes"][pass_index]["shards"]

    def record(self, result: ShardResult) -> None:
        """Note a finished shard task (and the quarantine of its shard, if it was)."""
        self.data["passes"][result.pass_index]["shards"][str(result.shard)] = (
            dataclasses.asdict(result)
        )
        if result.quarantined is not None:
            self.quarantine(result.shard, result.quarantined)

    def quarantine(self, shard: int, reason: str) -> None:
        """Note that input shard `shard` is skipped, and why (on_error = "quarantine")."""
        if shard in self.quarantined():
            return
        source = self.data["inputs"][shard]
        self.data.setdefault("quarantined", []).append(
            {"shard": shard, "path": source["path"], "name": source["name"], "reason": reason,
             "bytes": source["bytes"]})
        self.data["quarantined"].sort(key=lambda q: q["shard"])

    def quarantined(self) -> set[int]:
        """Indices of the input shards that were quarantined."""
        return {q["shard"] for q in self.data.get("quarantined", [])}

    def record_fit(self, stage: str, seconds: float) -> None:
        """Note a fitted global stage."""
        self.data["fits"][stage] = {"seconds": round(seconds, 4)}

    def record_outcomes(self, stage: str, outcomes: dict[str, Any]) -> None:
        """Note what a global stage's fit reported (targets, shortfalls ...)."""
        self.data.setdefault("outcomes", {})[stage] = outcomes

    def fit_done(self, stage: str) -> bool:
        """Whether a global stage's state was fitted."""
        return stage in self.data["fits"]

    def summarize(self, wall_seconds: float) -> None:
        """Aggregate per-shard counts into per-stage rows and totals (conservation holds per
        stage: in = kept + rejected, or in + added = kept + rejected for a stage that added
        rows; only such stages have an `added` entry). Quarantined shards count nothing."""
        stages: dict[str, dict[str, Any]] = {}
        rows_in = bytes_in = 0
        for p in self.data["passes"]:
            p["peak_rss_mb"] = max((s["peak_rss_mb"] for s in p["shards"].values()), default=0)
            for shard in p["shards"].values():
                bytes_in += shard["bytes_in"]
                for c in shard["counts"]:
                    s = stages.setdefault(c["stage"], {"stage": c["stage"], "in": 0, "kept": 0,
                                                       "rejected": 0, "seconds": 0.0})
                    s["in"] += c["rows_in"]
                    s["kept"] += c["kept"]
                    s["rejected"] += c["rejected"]
                    s["seconds"] += c["seconds"]
                    if c.get("added"):
                        s["added"] = s.get("added", 0) + c["added"]
        for name, fit in self.data["fits"].items():
            if name in stages:
                stages[name]["seconds"] += fit["seconds"]
        ordered = list(stages.values())
        for s in ordered:
            s["seconds"] = round(s["seconds"], 4)
        if ordered:
            rows_in = ordered[0]["in"]
        self.data["stages"] = ordered
        kept = ordered[-1]["kept"] if ordered else 0
        quarantined = self.data.get("quarantined", [])
        self.data["totals"] = {
            "input_rows": rows_in,
            "curated_rows": kept,
            "rejected_rows": sum(s["rejected"] for s in ordered),
            "added_rows": sum(s.get("added", 0) for s in ordered),
            "input_bytes": bytes_in,
            "quarantined_shards": len(quarantined),
            "quarantined_bytes": sum(q["bytes"] for q in quarantined),
            "wall_seconds": round(wall_seconds, 3),
        }
        if quarantined:
            self.data["totals"]["note"] = (
                f"input rows, bytes and every stage count leave out the {len(quarantined)} "
                "quarantined input shard(s), which were not read (see `quarantined`)")

    def save(self, force: bool = True) -> None:
        """Write atomically; with force=False at most twice a second."""
        now = time.monotonic()
        if not force and now - self._last_save < 0.5:
            return
        self._last_save = now
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(self.data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
