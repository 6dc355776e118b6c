"""A finished (or failed) run folder, opened for reading: its manifest, lazy scans of
curated/, rejected/ and stats/ with their column schemas, and (for a small run) their rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import ConfigError
from curate.runfolder.layout import RunLayout
from curate.runfolder.manifest import Manifest


def scan(files: list[Path]) -> pl.LazyFrame | None:
    """One lazy frame over Parquet files whose schemas may differ (missing columns are null)."""
    if not files:
        return None
    if len(files) == 1:
        return pl.scan_parquet(files[0])
    return pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")


def union_schema(files: list[Path]) -> dict[str, pl.DataType]:
    """Column name -> type over all files (first file's type wins), from Parquet footers."""
    schema: dict[str, pl.DataType] = {}
    for f in files:
        for name, dtype in pl.read_parquet_schema(f).items():
            schema.setdefault(name, dtype)
    return schema


def _collect(scan_: pl.LazyFrame | None) -> pl.DataFrame:
    return scan_.collect() if scan_ is not None else pl.DataFrame()


@dataclass
class Run:
    """Read-only access to one run folder."""

    root: Path
    manifest: Manifest = field(repr=False)
    uploaded: str | None = None  # where `curate.run` uploaded it (a URI output)

    @classmethod
    def open(cls, root: str | Path, complete: bool = False) -> Run:
        """Open a run folder; ConfigError when it holds no readable manifest, or (with
        `complete`) when the run did not finish."""
        root = Path(root)
        manifest = Manifest.load(RunLayout(root).manifest)
        if complete and not manifest.complete:
            raise ConfigError(f"{root}: the run is not complete (status {manifest.status!r})")
        return cls(root, manifest)

    @property
    def layout(self) -> RunLayout:
        """Where each of its files lives."""
        return RunLayout(self.root)

    # --- files -------------------------------------------------------------------------
    def files(self, folder: str) -> list[Path]:
        """The Parquet files of stats/, curated/ or rejected/, in name order."""
        return self.layout.files(folder)

    @cached_property
    def stats_schema(self) -> dict[str, pl.DataType]:
        """Columns of stats/ (every document's signals)."""
        return union_schema(self.files("stats"))

    @cached_property
    def curated_schema(self) -> dict[str, pl.DataType]:
        """Columns of curated/."""
        return union_schema(self.files("curated"))

    @cached_property
    def rejected_schema(self) -> dict[str, pl.DataType]:
        """Columns of rejected/."""
        return union_schema(self.files("rejected"))

    def stats(self) -> pl.LazyFrame | None:
        """A lazy scan of stats/: select only the columns you need."""
        return scan(self.files("stats"))

    def curated(self) -> pl.LazyFrame | None:
        """A lazy scan of curated/."""
        return scan(self.files("curated"))

    def rejected(self) -> pl.LazyFrame | None:
        """A lazy scan of rejected/."""
        return scan(self.files("rejected"))

    def curated_rows(self) -> pl.DataFrame:
        """Every curated row, read whole (shards of different columns: missing ones null)."""
        return _collect(self.curated())

    def rejected_rows(self) -> pl.DataFrame:
        """Every rejected row (its input columns, `stage` and `reason`), read whole."""
        return _collect(self.rejected())

    def stats_rows(self) -> pl.DataFrame:
        """Every document's signals, read whole."""
        return _collect(self.stats())

    def kept(self) -> pl.Expr:
        """True for documents of stats/ that reached curated/ (no rejection reason)."""
        if "reason" in self.stats_schema:
            return pl.col("reason").is_null()
        return pl.lit(True)

    @cached_property
    def ablation(self) -> dict[str, Any] | None:
        """The fine-tune ablation's results (ablation.json), when it ran."""
        path = self.layout.ablation
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
        return self.manifest.pipeline

    @property
    def stage_configs(self) -> list[dict[str, Any]]:
        """The canonical stages: name, op, params."""
        return self.manifest.stage_configs

    @property
    def id_column(self) -> str:
        """The id column name."""
        return self.manifest.id_column

    @property
    def text_column(self) -> str:
        """The text column name."""
        return self.manifest.text_column

    @property
    def name(self) -> str:
        """The pipeline's name, or the run folder's."""
        name = self.pipeline.get("name")
        return name if name and name != "pipeline" else self.root.name
