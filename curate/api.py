"""curate as a library: `run` does what `curate run` does (the run, its report, the fine-tune
hook, the upload) and returns the finished run opened for reading; `ablate` does what
`curate ablate` does. The command line calls these.

    import curate
    run = curate.run("pipelines/sample.toml", overwrite=True)
    run.curated_rows().head()          # a polars DataFrame
    run.manifest.totals.curated_rows
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.config import PipelineConfig, load_config
from curate.errors import ConfigError, CurateError
from curate.runfolder import Run, RunLayout

if TYPE_CHECKING:
    from curate.engine.runner import Reporter

log = logging.getLogger(__name__)
# Keys of the [finetune] table that curate reads itself (not FinetuneConfig fields).
OWN_KEYS = ("after_run",)
# FinetuneConfig fields holding paths, resolved against the pipeline file's folder.
PATH_FIELDS = ("eval_path", "clean_path", "model", "oracle_path")


def _config(pipeline: str | Path | PipelineConfig) -> PipelineConfig:
    return pipeline if isinstance(pipeline, PipelineConfig) else load_config(pipeline)


def run(pipeline: str | Path | PipelineConfig, *, resume: bool = False,
        overwrite: bool = False, engine: str | None = None, num_cpus: int | None = None,
        reporter: Reporter | None = None, progress: bool = False,
        on_warning: Callable[[str], None] | None = None) -> Run:
    """Run a pipeline (a file, or a loaded config) to completion, write its report, run the
    fine-tune hook when `[finetune] after_run` is set and upload the run when its output is a
    URI; return the finished run. `engine` and `num_cpus` override the `[engine]` table;
    `on_warning` gets each stage's configuration warnings and anything that went wrong after
    the run (default: logged). Raises CurateError (ConfigError for a bad config) on failure."""
    from curate.engine import run_pipeline
    from curate.engine.publish import check_output_uri, publish
    from curate.report import build_report

    warn = on_warning or log.warning
    config = _config(pipeline)
    if engine:
        config.engine.kind = engine  # type: ignore[assignment]
    if num_cpus:
        config.engine.num_cpus = num_cpus
    check_output_uri(config, resume, overwrite)
    for stage in config.stages:
        for line in stage.operator(config).warnings():
            warn(line)
    manifest = run_pipeline(config, resume=resume, overwrite=overwrite, reporter=reporter)
    for skipped in manifest.quarantined:
        warn(f"quarantined {skipped.path}: {skipped.reason}")
    try:
        build_report(config.output_path)
    except Exception as exc:  # a report problem must not fail a finished run
        warn(f"{RunLayout(config.output_path).report_html.name} not written: {exc}")
    if runs_after(config):
        ablate(config, progress=progress)
    finished = Run.open(config.output_path)
    finished.uploaded = publish(config, overwrite=overwrite)
    return finished


def runs_after(config: PipelineConfig) -> bool:
    """Whether `run` runs the ablation as a hook when the run completes."""
    return bool(config.finetune.get("after_run", False))


def finetune_config(config: PipelineConfig) -> Any:
    """The validated `[finetune]` table as a finetune.FinetuneConfig."""
    try:
        from finetune.config import FinetuneConfig
    except ImportError as exc:
        raise CurateError("the fine-tune stack is not installed: pip install -e '.[finetune]'"
                          f" ({exc})") from exc
    try:
        cfg = FinetuneConfig.from_table(config.finetune, ignore=OWN_KEYS)
    except ValueError as exc:
        raise ConfigError(str(exc).removeprefix("[finetune] ").join(("finetune.", ""))) from exc
    for name in PATH_FIELDS:
        value = getattr(cfg, name)
        if value and (config.path.parent / value).exists():
            setattr(cfg, name, str(config.path.parent / value))
    return cfg


def ablate(pipeline: str | Path | PipelineConfig, *, progress: bool = False) -> dict[str, Any]:
    """Fine-tune on the raw input and on the curated output of a finished run (the
    `[finetune]` table sets arms, backend, budget and seeds), write the run's ablation results
    and rebuild its report; return the results."""
    from curate.report import build_report
    from finetune.ablation import run_ablation

    config = _config(pipeline)
    cfg = finetune_config(config)
    layout = RunLayout(config.output_path)
    try:
        Run.open(layout.root, complete=True)
    except ConfigError as exc:
        raise CurateError(f"{exc}: no finished run to ablate; run `curate run {config.path}`"
                          ) from exc
    arms = {"raw": config.input_path, "curated": layout.curated}
    if cfg.oracle_path:
        arms["oracle"] = Path(cfg.oracle_path)
    try:
        result = run_ablation(cfg, arms, layout.ablation, progress=progress)
    except ValueError as exc:
        raise CurateError(f"finetune: {exc}") from exc
    build_report(layout.root)
    return result
