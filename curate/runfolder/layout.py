"""Where each file of a run folder lives: the one place that spells a run folder's paths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from curate.errors import CurateError

MANIFEST_FILE = "manifest.json"
REPORT_HTML = "report.html"
REPORT_JSON = "report.json"
ABLATION_FILE = "ablation.json"
# The folders a run publishes; work/ is its scratch space, removed on success.
OUTPUT_FOLDERS = ("curated", "rejected", "stats")
# The folders `[pipeline] output_format = "jsonl"` (or "jsonl.gz") also exports, in export/.
EXPORTED_FOLDERS = ("curated", "rejected")
_SHARD = re.compile(r"part-(\d+)")


def shard_stem(shard: int) -> str:
    """The stem every file of input shard `shard` starts with: part-00042."""
    return f"part-{shard:05d}"


def shard_of(path: Path) -> int:
    """The input shard a run file belongs to, from its name (part-00042[-1].parquet)."""
    match = _SHARD.match(path.name)
    if match is None:
        raise CurateError(f"{path}: not a run output file (expected part-NNNNN-...)")
    return int(match.group(1))


def is_run_folder(path: Path) -> bool:
    """Whether `path` is a run folder (it holds a manifest)."""
    return (Path(path) / MANIFEST_FILE).is_file()


@dataclass(frozen=True)
class RunLayout:
    """Paths inside a run folder. `work/` holds intermediates and is removed on success."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST_FILE

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

    @property
    def export(self) -> Path:
        """JSON-lines copies of curated/ and rejected/ (`[pipeline] output_format`)."""
        return self.root / "export"

    @property
    def report_html(self) -> Path:
        return self.root / REPORT_HTML

    @property
    def report_json(self) -> Path:
        return self.root / REPORT_JSON

    @property
    def ablation(self) -> Path:
        """The fine-tune ablation's results (its curves go in ablation/ beside it)."""
        return self.root / ABLATION_FILE

    def folder(self, name: str) -> Path:
        """One of the published folders: curated, rejected or stats."""
        if name not in OUTPUT_FOLDERS:
            raise ValueError(f"{name!r}: not a run folder's output (one of {OUTPUT_FOLDERS})")
        return self.root / name

    def files(self, name: str) -> list[Path]:
        """The Parquet files of curated/, rejected/ or stats/, in name (so shard) order."""
        return sorted(self.folder(name).glob("part-*.parquet"))

    def files_by_shard(self, name: str) -> dict[int, list[Path]]:
        """The Parquet files of curated/, rejected/ or stats/, by input shard."""
        found: dict[int, list[Path]] = {}
        for path in self.files(name):
            found.setdefault(shard_of(path), []).append(path)
        return found

    def exported(self, parquet: Path, output_format: str) -> Path:
        """Where the JSON-lines copy of a curated/ or rejected/ shard goes:
        export/curated/part-00042-000.jsonl.gz for curated/part-00042-000.parquet."""
        return self.export / parquet.parent.name / f"{parquet.stem}.{output_format}"

    def stats_shard(self, shard: int) -> Path:
        """Signals of every document of an input shard, kept or rejected."""
        return self.stats / f"{shard_stem(shard)}.parquet"

    def work_shard(self, pass_index: int, shard: int) -> Path:
        """Rows kept by a pass that is not the last, read by the next pass."""
        return self.work / f"p{pass_index}" / f"{shard_stem(shard)}.parquet"

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
        return self.work / "ids" / f"{shard_stem(shard)}.parquet"

    def written_examples(self, output_format: str = "parquet") -> list[Path]:
        """One file of each kind a run writes (an input glob matching one of them would read
        the run's output as input next time)."""
        first = shard_stem(0)
        written = [self.curated / f"{first}-000.parquet",
                   self.rejected / f"{first}-p0-000.parquet",
                   self.stats_shard(0), self.work_shard(0, 0)]
        if output_format != "parquet":
            written += [self.exported(path, output_format) for path in written[:2]]
        return written

    def state(self, stage: str) -> Path:
        """The fitted state of a global stage."""
        return state_path(self.work, stage)


def state_path(work: Path, stage: str) -> Path:
    """Where the fitted state of global stage `stage` lives in a work folder (a run's work/,
    or the folder a reserve pass keeps its states in)."""
    return work / f"state-{stage}.parquet"
