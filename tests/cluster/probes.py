"""Functions the cluster tests run as Ray tasks (a module of their own, so that Ray workers
import them by name)."""

from __future__ import annotations

import os
from pathlib import Path

from curate.errors import CurateError


def loaded_models(classifier: str) -> tuple[int, tuple[int, int, int]]:
    """The worker's pid, and the ids of the lid.176 model and the domain classifier at
    `classifier` as this process's `language` and `domain_classify` stages hold them, and of
    jieba's tokenizer, after using all three."""
    from curate.config import parse_config
    from curate.engine.workers import stage_operator
    from curate.text.segment import _load, segment_zh

    folder = Path(classifier).parent
    (folder / "in").mkdir(exist_ok=True)
    config = parse_config({"pipeline": {"input": "in", "output": "run"},
                           "stage": [{"op": "language"},
                                     {"op": "domain_classify", "model": Path(classifier).name}]},
                          folder / "pipeline.toml")
    language, domain = (stage_operator(config, stage) for stage in config.stages)
    segment_zh(["一个简短的中文句子"])
    return os.getpid(), (id(language.model), id(_load()[0]), id(domain.classifier))


def die_on_first_try(marker: str) -> str:
    """End this worker process abruptly on the first call (as when its node dies), succeed
    on the next."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died once\n")
        os._exit(1)
    return "done"


def fail_with_curate_error(log: str) -> None:
    """Note the attempt in `log`, then fail the way a bad input fails."""
    with open(log, "a") as f:
        f.write("attempt\n")
    raise CurateError("shard 7: not a readable Parquet file")


def assigned_resources(_: int) -> tuple[dict[str, float], str | None]:
    """The Ray resources this task holds, and the polars thread limit it runs with."""
    import ray

    return ray.get_runtime_context().get_assigned_resources(), os.environ.get(
        "POLARS_MAX_THREADS")
