"""Runs a validated pipeline: plans passes, dispatches shard tasks, fits global stages,
keeps the manifest, and supports resuming a killed run."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from curate.config import PipelineConfig
from curate.engine.executors import make_executor
from curate.engine.plan import Pass, make_plan
from curate.engine.preflight import (
    check_all,
    check_unique_ids,
    stand_in_summaries,
)
from curate.engine.task import ShardTask, run_shard_pass
from curate.errors import ConfigError, CurateError
from curate.io import discover_shards
from curate.io.corpus import shard_names
from curate.io.shards import shard_size
from curate.ops.base import FitContext
from curate.runfolder import InputShard, Manifest, RunLayout, ShardResult
from curate.runfolder.columns import unify_columns
from curate.runfolder.export import export_jsonl
from curate.runfolder.state import write_state

log = logging.getLogger(__name__)


class Reporter(Protocol):
    """Receives progress events (the CLI draws rich progress bars from them)."""

    def start_pass(self, plan_pass: Pass, passes: int, shards: int, done: int) -> None: ...
    def shard_done(self, result: ShardResult) -> None: ...
    def end_pass(self) -> None: ...


class SilentReporter:
    """A reporter that shows nothing."""

    def start_pass(self, plan_pass: Pass, passes: int, shards: int, done: int) -> None:
        """Ignore."""

    def shard_done(self, result: ShardResult) -> None:
        """Ignore."""

    def end_pass(self) -> None:
        """Ignore."""


def prepare_run_dir(config: PipelineConfig, resume: bool, overwrite: bool) -> Manifest | None:
    """Check the run folder; return the manifest to resume from, or None for a fresh run."""
    layout = RunLayout(config.output_path)
    root = layout.root
    if root.exists() and root.is_file():
        raise ConfigError(f"pipeline.output: {root} is a file, not a folder")
    if root.exists() and any(root.iterdir()):
        if overwrite and not layout.manifest.exists():
            raise ConfigError(f"{root}: not a run folder (no {layout.manifest.name}), so "
                              "--overwrite will not delete it; choose another pipeline.output")
        if overwrite:
            shutil.rmtree(root)
        elif resume and layout.manifest.exists():
            manifest = Manifest.load(layout.manifest)
            if manifest.config_hash != config.hash():
                raise ConfigError(
                    f"{root}: was made by a different pipeline config "
                    f"(hash {manifest.config_hash}, now {config.hash()}); "
                    "use --overwrite to start over"
                )
            return manifest
        elif resume:
            raise ConfigError(f"{root}: no {layout.manifest.name} to resume from; use --overwrite")
        else:
            raise ConfigError(
                f"{root}: run folder exists and is not empty; use --resume to continue it "
                "or --overwrite to replace it"
            )
    return None


def run_pipeline(
    config: PipelineConfig,
    resume: bool = False,
    overwrite: bool = False,
    reporter: Reporter | None = None,
) -> Manifest:
    """Run `config` to completion and return its manifest. Raises CurateError on failure."""
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    shards = discover_shards(config.input_path)
    layout = RunLayout(config.output_path)
    unreadable = check_all(config, shards)
    if len(unreadable) == len(shards):
        first = min(unreadable)
        raise CurateError(f"{config.input_path}: every input shard is unreadable "
                          f"({len(shards)}; the first, {shards[first]}: {unreadable[first]})")
    manifest = prepare_run_dir(config, resume, overwrite)
    fresh = manifest is None  # this run makes the run folder (it removes it if it fails bare)
    plan = make_plan(config)
    names = shard_names(config.input_path, shards)
    if manifest is None:
        layout.root.mkdir(parents=True, exist_ok=True)
        inputs = [InputShard(i, str(s), n, shard_size(s))
                  for i, (s, n) in enumerate(zip(shards, names, strict=True))]
        manifest = Manifest.new(layout.manifest, config, inputs,
                                [[st.name for st in p.stages] for p in plan])
    elif len(manifest.inputs) != len(shards):
        raise ConfigError(f"{config.input_path}: the input shards changed since the run began "
                          f"({len(manifest.inputs)} then, {len(shards)} now)")
    elif manifest.complete:
        return manifest
    for i, reason in unreadable.items():
        if not manifest.shard_done(0, i):  # later passes read the run's own work files
            log.info("quarantined %s: %s", shards[i], reason)
            manifest.quarantine(i, reason)
    _remove_temp_files(layout.root)
    manifest.status = "running"
    manifest.save()

    executor = None
    try:
        executor = make_executor(config.engine)
        for stage in config.stages:
            wanted = stage.resources
            if wanted.cpus is not None or wanted.memory_mb is not None:
                executor.check_fits(wanted.cpus or config.engine.task_cpus, wanted.memory_mb,
                                    f"stage[{stage.index}].resources.")
        _check_all_quarantined(config, manifest)
        for plan_pass in plan:
            skipped = manifest.quarantined_shards()
            todo = [
                ShardTask(config, plan_pass, i, shards[i], names[i], layout)
                for i in range(len(shards))
                if i not in skipped and not manifest.shard_done(plan_pass.index, i)
            ]
            if plan_pass.opens_with is not None and todo:
                stand_in_summaries(layout, plan_pass.index - 1, skipped, len(shards))
                _fit(plan_pass, config, layout, manifest, executor, len(shards))
            reporter.start_pass(plan_pass, len(plan), len(shards) - len(skipped),
                                len(shards) - len(skipped) - len(todo))
            try:
                tasks = executor.map_unordered(run_shard_pass, todo,
                                               plan_pass.resources(config.engine))
                for result in _run_all(tasks, manifest):
                    if result.quarantined is not None:
                        log.info("quarantined %s: %s", shards[result.shard], result.quarantined)
                    reporter.shard_done(result)
            finally:
                reporter.end_pass()
            if plan_pass.index == 0:
                _check_all_quarantined(config, manifest)
                if not manifest.ids_unique:
                    check_unique_ids(layout, manifest.inputs, config.pipeline.id_column)
                    manifest.ids_unique = True
                    manifest.save()
    except CurateError as exc:
        if fresh and not manifest.fits and not any(p.shards for p in manifest.passes):
            shutil.rmtree(layout.root, ignore_errors=True)  # nothing was written: try again
        else:
            manifest.fail(str(exc))
            manifest.save()
        raise
    finally:
        if executor is not None:
            executor.close()

    manifest.summarize(time.perf_counter() - started)
    assert manifest.totals is not None
    if manifest.totals.input_rows == 0:
        manifest.fail("corpus is empty")
        manifest.save()
        read = len(shards) - len(manifest.quarantined)
        raise CurateError(f"{config.input_path}: corpus is empty (0 rows in {read} shards)")
    for folder in ("curated", "rejected"):
        unify_columns(layout.files(folder))
    export_jsonl(layout, config.pipeline.output_format)
    manifest.finish()
    manifest.save()
    shutil.rmtree(layout.work, ignore_errors=True)
    return manifest


def _check_all_quarantined(config: PipelineConfig, manifest: Manifest) -> None:
    """Fail when every input shard was quarantined: there is nothing to curate."""
    quarantined = manifest.quarantined
    if quarantined and len(quarantined) == len(manifest.inputs):
        first = quarantined[0]
        raise CurateError(f"{config.input_path}: every input shard was quarantined "
                          f"({len(quarantined)}; the first, {first.path}: {first.reason})")


def _run_all(results: Iterator[ShardResult], manifest: Manifest) -> Iterator[ShardResult]:
    """Record each finished shard; on the first failure, save progress and re-raise."""
    try:
        for result in results:
            manifest.record(result)
            manifest.save(force=False)
            yield result
    finally:
        manifest.save()


def _fit(plan_pass: Pass, config: PipelineConfig, layout: RunLayout, manifest: Manifest,
         executor: object, shards: int) -> None:
    """Fit the global stage that opens `plan_pass`, unless a resumed run already did."""
    stage = plan_pass.opens_with
    assert stage is not None
    if manifest.fit_done(stage.name) and layout.state(stage.name).exists():
        return
    t0 = time.perf_counter()
    context = FitContext(
        summaries=layout.summaries(plan_pass.index - 1, shards),
        work_dir=layout.work / f"fit-{stage.name}",
        map=executor,  # type: ignore[arg-type]
    )
    context.work_dir.mkdir(parents=True, exist_ok=True)
    operator = stage.operator(config)
    write_state(operator.fit(context), layout.state(stage.name), operator.state_per_shard)
    if context.outcomes:
        manifest.record_outcomes(stage.name, context.outcomes)
    manifest.record_fit(stage.name, time.perf_counter() - t0)
    manifest.save()


def _remove_temp_files(root: Path) -> None:
    """Delete temporary files a killed run left behind (their final names were never made)."""
    for tmp in root.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)
