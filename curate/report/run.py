"""A finished run folder as the report sees it: the manifest, lazy scans of stats/, curated/
and rejected/ (never loaded whole), their column schemas, and which stage made which column."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import ConfigError

# Numeric types a histogram can be drawn for.
NUMERIC = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
           pl.Float32, pl.Float64)
ABLATION_FILE = "ablation.json"


def _scan(files: list[Path]) -> pl.LazyFrame | None:
    """One lazy frame over Parquet files whose schemas may differ (missing columns are null)."""
    if not files:
        return None
    if len(files) == 1:
        return pl.scan_parquet(files[0])
    return pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")


def _union_schema(files: list[Path]) -> dict[str, pl.DataType]:
    """Column name -> type over all files (first file's type wins), from Parquet footers."""
    schema: dict[str, pl.DataType] = {}
    for f in files:
        for name, dtype in pl.read_parquet_schema(f).items():
            schema.setdefault(name, dtype)
    return schema


@dataclass
class RunData:
    """Read-only access to one run folder for the report sections."""

    root: Path
    manifest: dict[str, Any] = field(repr=False)

    @classmethod
    def open(cls, run_dir: Path) -> RunData:
        """Load a run folder; ConfigError when it holds no readable manifest.json."""
        path = Path(run_dir) / "manifest.json"
        if not path.is_file():
            raise ConfigError(f"{run_dir}: not a run folder (no manifest.json)")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: unreadable manifest ({exc})") from exc
        return cls(Path(run_dir), manifest)

    # --- files -------------------------------------------------------------------------
    def files(self, folder: str) -> list[Path]:
        """The Parquet files of stats/, curated/ or rejected/, in name order."""
        return sorted((self.root / folder).glob("*.parquet"))

    @cached_property
    def stats_schema(self) -> dict[str, pl.DataType]:
        """Columns of stats/ (every document's signals)."""
        return _union_schema(self.files("stats"))

    @cached_property
    def curated_schema(self) -> dict[str, pl.DataType]:
        """Columns of curated/."""
        return _union_schema(self.files("curated"))

    @cached_property
    def rejected_schema(self) -> dict[str, pl.DataType]:
        """Columns of rejected/."""
        return _union_schema(self.files("rejected"))

    def stats(self) -> pl.LazyFrame | None:
        """A lazy scan of stats/: select only the columns you need."""
        return _scan(self.files("stats"))

    def curated(self) -> pl.LazyFrame | None:
        """A lazy scan of curated/."""
        return _scan(self.files("curated"))

    def rejected(self) -> pl.LazyFrame | None:
        """A lazy scan of rejected/."""
        return _scan(self.files("rejected"))

    def kept(self) -> pl.Expr:
        """True for documents of stats/ that reached curated/ (no rejection reason)."""
        if "reason" in self.stats_schema:
            return pl.col("reason").is_null()
        return pl.lit(True)

    @cached_property
    def ablation(self) -> dict[str, Any] | None:
        """ablation.json of the fine-tune hook, when it ran."""
        path = self.root / ABLATION_FILE
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None

    # --- config ------------------------------------------------------------------------
    @property
    def pipeline(self) -> dict[str, Any]:
        """The canonical [pipeline] section."""
        return self.manifest.get("config", {}).get("pipeline", {})

    @property
    def stage_configs(self) -> list[dict[str, Any]]:
        """The canonical stages: name, op, params."""
        return self.manifest.get("config", {}).get("stages", [])

    @property
    def id_column(self) -> str:
        """The id column name."""
        return self.pipeline.get("id_column", "id")

    @property
    def text_column(self) -> str:
        """The text column name."""
        return self.pipeline.get("text_column", "text")

    @property
    def name(self) -> str:
        """The pipeline's name, or the run folder's."""
        name = self.pipeline.get("name")
        return name if name and name != "pipeline" else self.root.name

    def op_columns(self, op: str) -> dict[str, tuple[str, ...]]:
        """The columns an operator declares: signals, annotations, rejection_columns."""
        from curate.ops import REGISTRY

        cls = REGISTRY.get(op)
        if cls is None:
            return {"signals": (), "annotations": (), "rejection_columns": ()}
        return {"signals": cls.signals, "annotations": cls.annotations,
                "rejection_columns": cls.rejection_columns}

    def producers(self, column: str) -> list[dict[str, Any]]:
        """The configured stages whose operator declares `column` (as signal or annotation).

        When no installed operator declares it, the stages whose operator is not installed
        here (a plugin, a renamed operator) are the candidates.
        """
        from curate.ops import REGISTRY

        found = []
        for stage in self.stage_configs:
            cols = self.op_columns(stage["op"])
            if column in cols["signals"] or column in cols["annotations"]:
                found.append(stage)
        return found or [s for s in self.stage_configs if s["op"] not in REGISTRY]

    def stages_rejecting_with(self, column: str) -> list[str]:
        """Names of stages whose operator adds `column` to the rows it rejects (e.g. dup_of)."""
        return [s["name"] for s in self.stage_configs
                if column in self.op_columns(s["op"])["rejection_columns"]]
