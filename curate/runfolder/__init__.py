"""The run folder: where each file lives (RunLayout), the typed manifest (Manifest) and a
finished run opened for reading (Run). Nothing outside this package spells a run
folder's paths or a manifest key."""

from curate.runfolder.folder import Run
from curate.runfolder.layout import RunLayout, is_run_folder, shard_of, shard_stem
from curate.runfolder.manifest import InputShard, Manifest, ShardResult, StageCount

__all__ = ["InputShard", "Manifest", "Run", "RunLayout", "ShardResult", "StageCount",
           "is_run_folder", "shard_of", "shard_stem"]
