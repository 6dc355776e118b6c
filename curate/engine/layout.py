"""Where each file of a run folder lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curate.ops.state import state_path


@dataclass(frozen=True)
class RunLayout:
    """Paths inside a run folder. `work/` holds intermediates and is removed on success."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def curated(self) -> Path:
        return self.root / "curated"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    @property
    def stats(self) -> Path:
        return self.root / "stats"

    @property
    def work(self) -> Path:
        return self.root / "work"

    def stats_shard(self, shard: int) -> Path:
        """Signals of every document of an input shard, kept or rejected."""
        return self.stats / f"part-{shard:05d}.parquet"

    def work_shard(self, pass_index: int, shard: int) -> Path:
        """Rows kept by a pass that is not the last, read by the next pass."""
        return self.work / f"p{pass_index}" / f"part-{shard:05d}.parquet"

    def work_stats(self, pass_index: int, shard: int) -> Path:
        """Signals of the rows a pass rejected, merged into stats/ by the last pass."""
        return self.work / f"p{pass_index}" / f"stats-{shard:05d}.parquet"

    def earlier_stats(self, pass_index: int, shard: int) -> list[Path]:
        """The rejected-row signal files of a shard from passes up to `pass_index`."""
        paths = (self.work_stats(p, shard) for p in range(pass_index + 1))
        return [p for p in paths if p.exists()]

    def summary(self, pass_index: int, shard: int) -> Path:
        """A global operator's observation of one shard at the end of a pass."""
        return self.work / f"p{pass_index}" / f"observe-{shard:05d}.parquet"

    def summaries(self, pass_index: int, shards: int) -> list[Path]:
        """Every shard's observation from a pass."""
        return [self.summary(pass_index, s) for s in range(shards)]

    def ids(self, shard: int) -> Path:
        """An input shard's (id, shard, row) triples, read by the check that ids are unique."""
        return self.work / "ids" / f"part-{shard:05d}.parquet"

    def state(self, stage: str) -> Path:
        """The fitted state of a global stage."""
        return state_path(self.work, stage)
