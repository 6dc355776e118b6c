"""Engines that run shard tasks: in-process (`local`) or as Ray tasks (`ray`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from curate.config import EngineSection
from curate.errors import CurateError
from curate.ops.base import MapFn


class LocalExecutor(MapFn):
    """Runs every task in this process, one after another: for debugging and small data."""

    kind = "local"

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield fn(item) for each item."""
        for item in items:
            yield fn(item)

    def close(self) -> None:
        """Nothing to release."""


class RayExecutor(MapFn):
    """Runs each task as a Ray task, at most `max_in_flight` at once, on a Ray this executor
    starts on this machine or on the cluster at `address`."""

    kind = "ray"

    def __init__(self, engine: EngineSection) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        import ray

        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            try:
                ray.init(
                    address=engine.address,
                    num_cpus=None if engine.address else engine.num_cpus,
                    include_dashboard=False,
                    logging_level="ERROR",
                    log_to_driver=False,
                    configure_logging=True,
                    runtime_env={"env_vars": {"POLARS_MAX_THREADS": "1",
                                              "RAY_USAGE_STATS_ENABLED": "0"}},
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = engine.address or "this machine"
                raise CurateError(f"engine: cannot start or join Ray at {where} ({exc})") from exc
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.max_in_flight = engine.max_in_flight or 2 * cpus
        self._remote: dict[Callable, Any] = {}

    def _as_remote(self, fn: Callable) -> Any:
        if fn not in self._remote:
            self._remote[fn] = self._ray.remote(num_cpus=1, max_retries=3)(fn)
        return self._remote[fn]

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield fn(item) results as they complete, keeping few tasks in flight."""
        remote = self._as_remote(fn)
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
        try:
            return self._ray.get(ref)
        except self._ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, BaseException):
                raise cause from None
            raise

    def close(self) -> None:
        """Shut down the Ray this executor started (a joined cluster keeps running)."""
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()


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
