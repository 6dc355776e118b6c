"""A run whose `output` is a URI is built in a local staging folder; when it completes, its
results are uploaded there. Work files stay behind, so `--resume` works from the staging
folder; the manifest goes last, so a run folder holding it is a complete upload."""

from __future__ import annotations

from pathlib import Path

from curate.config import PipelineConfig
from curate.errors import ConfigError
from curate.io import fs
from curate.runfolder import RunLayout

MANIFEST = RunLayout(Path()).manifest.name
LOCAL_ONLY = (RunLayout(Path()).work.name,)  # the staging folder's scratch space


def check_output_uri(config: PipelineConfig, resume: bool, overwrite: bool) -> None:
    """Refuse to start a run whose URI output already holds a finished run, unless told to
    replace it (--overwrite) or to finish one (--resume)."""
    uri = config.output_uri
    if uri is None or resume or overwrite:
        return
    if fs.exists(fs.join(uri, MANIFEST)):
        raise ConfigError(f"pipeline.output: {uri} already holds a run; use --overwrite to "
                          "replace it")


def publish(config: PipelineConfig, overwrite: bool = False) -> str | None:
    """Upload the finished run in `config.output_path` to `config.output_uri` and return the
    URI (None when the output is local). With `overwrite`, what was there is deleted first."""
    uri = config.output_uri
    if uri is None:
        return None
    filesystem, path = fs.filesystem(uri)
    if overwrite and fs.is_dir(uri):
        filesystem.delete_dir_contents(path, missing_dir_ok=True)
    root = config.output_path
    for entry in sorted(root.iterdir()):
        if entry.name in LOCAL_ONLY or entry.name == MANIFEST or entry.name.startswith("."):
            continue
        fs.upload(entry, fs.join(uri, entry.name))
    fs.upload(root / MANIFEST, fs.join(uri, MANIFEST))
    return uri
