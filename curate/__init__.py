"""curate: data-centric corpus curation for LLM training data.

`curate.run(pipeline)` runs a pipeline as `curate run` does and returns the finished
`curate.Run`; `curate.Run.open(folder)` opens a finished run folder for reading;
`curate.ablate(pipeline)` runs the fine-tune ablation of a finished run.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Run", "__version__", "ablate", "run"]


def __getattr__(name: str) -> Any:
    """`run`, `ablate` and `Run`, imported on first use (so `import curate` stays light)."""
    if name in ("run", "ablate"):
        from curate import api

        return getattr(api, name)
    if name == "Run":
        from curate.runfolder import Run

        return Run
    raise AttributeError(f"module 'curate' has no attribute {name!r}")
