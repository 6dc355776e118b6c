"""The execution plan: stages grouped into passes over the shards.

Consecutive row operators fuse into one pass. A global operator splits passes: the pass before
it ends by *observing* each shard, its state is *fitted* between passes, and the next pass
begins by *transforming* each shard with that state. So the corpus is read once per global
operator, however many row operators there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curate.config import EngineSection, PipelineConfig, Stage
from curate.ops import REGISTRY, GlobalOperator


@dataclass
class Pass:
    """One read-process-write sweep over every shard."""

    index: int
    opens_with: Stage | None = None  # global stage whose transform starts this pass
    row_stages: list[Stage] = field(default_factory=list)
    observes: Stage | None = None  # global stage whose observe ends this pass
    last: bool = False

    @property
    def stages(self) -> list[Stage]:
        """The stages that may reject rows in this pass, in order."""
        return ([self.opens_with] if self.opens_with else []) + self.row_stages

    def resources(self, engine: EngineSection) -> tuple[float, int | None]:
        """(CPUs, memory MiB) each shard task of the pass reserves: the engine's task size,
        or more where one of its stages asks for more."""
        stages = [*self.stages, *([self.observes] if self.observes else [])]
        cpus = max([engine.task_cpus, *(s.resources.cpus or 0 for s in stages)])
        memory = [m for m in (engine.task_memory_mb, *(s.resources.memory_mb for s in stages))
                  if m is not None]
        return cpus, max(memory) if memory else None

    def describe(self) -> str:
        """A short human description, e.g. `exact_dedup → length_filter`."""
        names = [s.name for s in self.stages]
        if self.observes:
            names.append(f"{self.observes.name} (observe)")
        return " → ".join(names) or "copy"


def is_global(stage: Stage) -> bool:
    """Whether a stage runs a global operator."""
    return issubclass(REGISTRY[stage.op], GlobalOperator)


def make_plan(config: PipelineConfig) -> list[Pass]:
    """Group the configured stages into passes."""
    passes = [Pass(0)]
    for stage in config.stages:
        if is_global(stage):
            passes[-1].observes = stage
            passes.append(Pass(len(passes), opens_with=stage))
        else:
            passes[-1].row_stages.append(stage)
    passes[-1].last = True
    return passes
