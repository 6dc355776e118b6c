"""A run folder as the report sees it: curate.runfolder's reader, plus which stage made which
column (from the operators' declarations)."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.runfolder import Run

# Numeric types a histogram can be drawn for.
NUMERIC = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
           pl.Float32, pl.Float64)


class RunData(Run):
    """Read-only access to one run folder for the report sections."""

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

    def operator(self, stage: str) -> Any:
        """The operator of a configured stage, with its recorded parameters (None when the
        stage is not configured or its operator is not installed here)."""
        from curate.ops import REGISTRY
        from curate.ops.base import StageContext
        from curate.params import build

        for config in self.stage_configs:
            cls = REGISTRY.get(config["op"])
            if config["name"] == stage and cls is not None:
                params = build(cls.Params, config.get("params", {}), stage)
                return cls(params, StageContext(stage=stage, id_column=self.id_column))
        return None

    def stages_rejecting_with(self, column: str) -> list[str]:
        """Names of stages whose operator adds `column` to the rows it rejects (e.g. dup_of)."""
        return [s["name"] for s in self.stage_configs
                if column in self.op_columns(s["op"])["rejection_columns"]]
