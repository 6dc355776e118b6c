"""Engines that run shard tasks: in-process (`local`) or as Ray tasks (`ray`), on a Ray the run
starts on this machine or on an existing cluster it joins."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from curate.config import EngineSection
from curate.errors import CurateError
from curate.ops.base import MapFn


class LocalExecutor(MapFn):
    """Runs every task in this process, one after another: for debugging and small data."""

    kind = "local"

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any],
                      resources: tuple[float, int | None] | None = None) -> Iterator[Any]:
        """Yield fn(item) for each item (`resources` reserve nothing here)."""
        for item in items:
            yield fn(item)

    def check_fits(self, cpus: float, memory_mb: int | None, where: str) -> None:
        """Every task fits this machine."""

    def close(self) -> None:
        """Nothing to release."""


class RayExecutor(MapFn):
    """Runs each task as a Ray task, at most `max_in_flight` at once, on a Ray this executor
    starts on this machine or on the cluster at `engine.address`.

    Each task reserves `task_cpus` CPUs (and `task_memory_mb` of memory when set). Ray reruns a
    task whose worker process or node died, up to `max_retries` times; an exception the task
    raises itself is final (a CurateError reaches the caller as it was raised). Tasks run in
    the driver's working folder, so relative paths mean the same on every node.
    """

    kind = "ray"

    def __init__(self, engine: EngineSection) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        import ray

        self._ray = ray
        self._started = not ray.is_initialized()
        threads = str(max(1, math.floor(engine.task_cpus)))
        if self._started:
            try:
                ray.init(
                    # "local": a Ray of the run's own, even when a `ray start` cluster runs on
                    # this machine (ray.init() alone would join that one).
                    address=engine.address or "local",
                    num_cpus=None if engine.address else engine.num_cpus,
                    include_dashboard=False,
                    logging_level="ERROR",
                    log_to_driver=False,
                    configure_logging=True,
                    runtime_env={"env_vars": {"POLARS_MAX_THREADS": threads,
                                              "RAY_USAGE_STATS_ENABLED": "0"}},
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = engine.address or "this machine"
                hint = ("; the cluster wants its token: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN "
                        "(see docs/cluster.md)") if _refused_token(exc) else ""
                raise CurateError(
                    f"engine: cannot start or join Ray at {where} ({exc}){hint}") from exc
        self._options: dict[str, Any] = {
            "num_cpus": engine.task_cpus,
            "max_retries": engine.max_retries,
            "retry_exceptions": False,
        }
        if engine.task_memory_mb is not None:
            self._options["memory"] = engine.task_memory_mb * 2**20
        try:
            self._check_fits(engine)
        except CurateError:
            self.close()
            raise
        cpus = ray.cluster_resources().get("CPU", 1)
        self.max_in_flight = engine.max_in_flight or max(1, int(2 * cpus / engine.task_cpus))
        self._cwd = os.getcwd()
        self._remote: dict[Callable, Any] = {}

    def _check_fits(self, engine: EngineSection) -> None:
        self.check_fits(engine.task_cpus, engine.task_memory_mb, "engine.")

    def check_fits(self, cpus: float, memory_mb: int | None, where: str) -> None:
        """Refuse task sizes no node can hold (Ray would wait for such a node forever);
        `where` prefixes the keys named (`engine.`, `stage[3].resources.`)."""
        nodes = [n["Resources"] for n in self._ray.nodes() if n.get("Alive")]
        keys = ("task_cpus", "task_memory_mb") if where == "engine." else ("cpus", "memory_mb")
        wanted = {"CPU": (cpus, keys[0], 1.0)}
        if memory_mb is not None:
            wanted["memory"] = (memory_mb * 2**20, keys[1], 2**20)
        for resource, (amount, key, unit) in wanted.items():
            largest = max((n.get(resource, 0.0) for n in nodes), default=0.0)
            if amount > largest:
                raise CurateError(
                    f"{where}{key}: {amount / unit:.10g} per task, but no node of the Ray "
                    f"cluster has that much (the largest has {largest // unit:.10g})")

    def _as_remote(self, fn: Callable) -> Any:
        if fn not in self._remote:
            self._remote[fn] = self._ray.remote(**self._options)(_in_folder(fn, self._cwd))
        return self._remote[fn]

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any],
                      resources: tuple[float, int | None] | None = None) -> Iterator[Any]:
        """Yield fn(item) results as they complete, keeping few tasks in flight; each task
        reserves `resources` (CPUs, memory MiB) when given, else the engine's task size."""
        remote = self._as_remote(fn)
        if resources is not None:
            cpus, memory_mb = resources
            options: dict[str, Any] = {"num_cpus": cpus}
            if memory_mb is not None:
                options["memory"] = memory_mb * 2**20
            remote = remote.options(**options)
        pending: list[Any] = []
        todo = iter(items)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < self.max_in_flight:
                try:
                    pending.append(remote.remote(next(todo)))
                except StopIteration:
                    exhausted = True
            if not pending:
                break
            done, pending = self._ray.wait(pending, num_returns=1)
            yield self._get(done[0])

    def __call__(self, fn: Callable[..., Any], args: Iterable[tuple]) -> list[Any]:
        """Run fn(*a) for every argument tuple in parallel; results in order."""
        remote = self._as_remote(_star(fn))
        refs = [remote.remote(a) for a in args]
        return [self._get(r) for r in refs]

    def _get(self, ref: Any) -> Any:
        exceptions = self._ray.exceptions
        try:
            return self._ray.get(ref)
        except exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, BaseException):
                raise cause from None
            raise
        except exceptions.RayError as exc:
            # Workers or nodes died more often than max_retries allows, or the cluster lost
            # the task's inputs: the run stops; its finished shards stay for --resume.
            first_line = (str(exc).strip().splitlines() or [""])[0]
            raise CurateError(
                f"engine: a Ray task failed ({type(exc).__name__}: {first_line}); "
                "`curate run --resume` continues the run") from exc

    def close(self) -> None:
        """Shut down the Ray this executor started (a joined cluster keeps running)."""
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()


def _in_folder(fn: Callable[[Any], Any], folder: str) -> Callable[[Any], Any]:
    """fn run with `folder` as the working folder where that folder exists: a worker on
    another node then resolves the driver's relative paths the same way (on shared storage
    mounted at the same path), and one on the driver's machine needs no change."""

    def in_folder(item: Any) -> Any:
        before = os.getcwd()
        if before == folder or not os.path.isdir(folder):
            return fn(item)
        os.chdir(folder)
        try:
            return fn(item)
        finally:
            os.chdir(before)

    in_folder.__name__ = getattr(fn, "__name__", "task")
    in_folder.__qualname__ = in_folder.__name__
    return in_folder


def _refused_token(exc: BaseException) -> bool:
    """Whether joining failed because the cluster uses token authentication and this process
    has no (or the wrong) token."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "AuthenticationError" or "InvalidAuthToken" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_STARRED: dict[Callable, Callable] = {}


def _star(fn: Callable[..., Any]) -> Callable[[tuple], Any]:
    """fn taking one argument tuple, cached so Ray registers it once."""
    if fn not in _STARRED:
        def starred(args: tuple) -> Any:
            return fn(*args)
        starred.__name__ = getattr(fn, "__name__", "task")
        _STARRED[fn] = starred
    return _STARRED[fn]


def make_executor(engine: EngineSection) -> LocalExecutor | RayExecutor:
    """The executor the `[engine]` table asks for."""
    return RayExecutor(engine) if engine.kind == "ray" else LocalExecutor()
