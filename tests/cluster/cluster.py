"""A real multi-node Ray cluster on this machine, started with the `ray start` CLI, for tests.

Each node is one `ray start --block` process with one CPU, a temp folder of its own and a
custom resource `node_<name>`. The cluster is stopped through the processes it started,
never with `ray stop`, which would end every Ray instance on the machine (other test runs'
included). Nodes also stop when the test process dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).parent / "ray")
# Prints the alive nodes of the cluster at argv[1] as JSON: {node id: [custom resources]}.
_ALIVE_NODES = """
import json, sys
from ray._raylet import GcsClient
nodes = GcsClient(address=sys.argv[1]).get_all_node_info(timeout=20)
print(json.dumps({n.node_id.hex(): sorted(r for r in n.resources_total if r.startswith("node_"))
                  for n in nodes.values() if n.state == 0}))
"""
_MARK = re.compile(r"^(?::job_id:(?P<job>\w+)|:task_name:(?P<task>.+))$", re.MULTILINE)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies, so a killed test run
    leaves no cluster behind (`ray start --block` stops its node on SIGTERM)."""
    with contextlib.suppress(OSError):  # not glibc: the fixture's teardown still stops it
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Node:
    """One `ray start --block` process and the Ray processes it started."""

    name: str
    proc: subprocess.Popen
    temp_dir: Path
    node_id: str = ""  # known once the cluster lists the node
    # Every process seen so far, kept as psutil objects: they refuse to signal a reused pid.
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        """Whether its `ray start` process still runs."""
        return self.proc.poll() is None

    def processes(self) -> list[psutil.Process]:
        """The node's processes now: `ray start`, raylet, GCS, agents and workers."""
        found: list[psutil.Process] = []
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.proc.pid)
            found = [root, *root.children(recursive=True)]
        for p in found:
            self.seen.setdefault(p.pid, p)
        return found

    def running_tasks(self) -> list[str]:
        """Names of the Ray tasks the node's workers run at this moment."""
        names = []
        for p in self.processes():
            with contextlib.suppress(psutil.Error, IndexError):
                title = p.cmdline()[0]
                if title.startswith("ray::") and title not in (
                        "ray::IDLE", "ray::DashboardAgent", "ray::RuntimeEnvAgent"):
                    names.append(title.removeprefix("ray::"))
        return names

    def freeze(self) -> None:
        """SIGSTOP every process of the node. A frozen worker cannot finish its task: Ray
        resets a worker's title to `ray::IDLE` before it reports the task done, so a task
        seen in `running_tasks` while the node is frozen has not finished."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT every process of the node (undoes `freeze`)."""
        self._signal(signal.SIGCONT)

    def _signal(self, sig: signal.Signals) -> None:
        for p in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                p.send_signal(sig)

    def tasks_started(self) -> dict[str, Counter[str]]:
        """How many tasks of each name the node's workers started, by job id (read from the
        job and task marks Ray writes to each worker's log)."""
        jobs: dict[str, Counter[str]] = {}
        for log in (self.temp_dir / "session_latest" / "logs").glob("worker-*.out"):
            job = None
            for mark in _MARK.finditer(log.read_text(errors="replace")):
                if mark["job"] is not None:
                    job = mark["job"]
                elif job is not None:
                    jobs.setdefault(job, Counter())[mark["task"]] += 1
        return jobs


class LocalCluster:
    """A head node and worker nodes started with `ray start` on this machine."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.address = ""
        self.nodes: dict[str, Node] = {}
        self.gone: set[str] = set()  # ids of nodes killed or stopped (the GCS notices late)
        # Token authentication (Ray's default for `ray start`) with a token of our own, so the
        # cluster neither reads nor writes ~/.ray/auth_token. Drivers need this environment.
        self.env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16),
                    "RAY_USAGE_STATS_ENABLED": "0"}
        self.env.pop("RAY_ADDRESS", None)

    def start_node(self, name: str, cpus: int = 1, wait: bool = True) -> Node:
        """Start a node (the first one is the head); with `wait`, wait until the cluster lists
        it."""
        head = not self.nodes
        # A short path: Ray's Unix socket paths must stay under 108 characters.
        temp_dir = Path(tempfile.mkdtemp(prefix=f"ray-{name}-", dir="/tmp"))
        args = ["start", "--block", f"--num-cpus={cpus}", "--num-gpus=0",
                f"--resources={json.dumps({f'node_{name}': 1})}", f"--temp-dir={temp_dir}",
                "--object-store-memory=100000000", "--disable-usage-stats",
                # Ports of our own where Ray's defaults are fixed numbers.
                f"--dashboard-agent-listen-port={free_port()}"]
        if head:
            args += ["--head", f"--port={self.port}", "--include-dashboard=false",
                     f"--dashboard-port={free_port()}"]
        else:
            args += [f"--address={self.address}"]
        with open(self.root / f"{name}.log", "ab") as log:
            proc = subprocess.Popen([RAY, *args], env=self.env, cwd=REPO, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    preexec_fn=_die_with_parent)
        node = Node(name, proc, temp_dir)
        self.nodes[name] = node
        if head:
            self.address = self._wait_for_address(node)
        if wait:
            self.wait_for_nodes({n for n, node in self.nodes.items() if node.alive})
        node.processes()
        return node

    def _wait_for_address(self, node: Node, timeout: float = 90) -> str:
        path = node.temp_dir / "ray_current_cluster"
        deadline = time.monotonic() + timeout
        while not path.exists():
            if not node.alive or time.monotonic() > deadline:
                raise RuntimeError(f"the head node did not start:\n{self.log(node.name)}")
            time.sleep(0.1)
        return path.read_text().strip()

    def log(self, name: str) -> str:
        """The end of a node's `ray start` output."""
        return (self.root / f"{name}.log").read_text(errors="replace")[-3000:]

    def alive(self) -> dict[str, str]:
        """The alive nodes as {name: node id}, as the cluster's GCS lists them, less the nodes
        this cluster killed or stopped (the GCS takes a few seconds to notice)."""
        out = subprocess.run([sys.executable, "-c", _ALIVE_NODES, self.address], env=self.env,
                             capture_output=True, text=True, timeout=90, check=True).stdout
        nodes = json.loads(out.strip().splitlines()[-1])
        return {r.removeprefix("node_"): node_id for node_id, rs in nodes.items()
                if node_id not in self.gone for r in rs}

    def wait_for_nodes(self, names: set[str], timeout: float = 120) -> dict[str, str]:
        """Wait until exactly the nodes `names` are alive; return them with their ids."""
        deadline = time.monotonic() + timeout
        while True:
            alive = self.alive()
            if set(alive) == names:
                for name, node_id in alive.items():
                    self.nodes[name].node_id = node_id
                return alive
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster has nodes {sorted(alive)}, not {sorted(names)}")
            time.sleep(0.5)

    def ensure_node(self, name: str) -> Node:
        """The node `name`, started again if it was killed."""
        node = self.nodes.get(name)
        if node is not None and node.alive:
            return node
        if node is not None:
            self.stop_node(name)
        return self.start_node(name)

    def kill_node(self, name: str) -> None:
        """SIGKILL every process of a node at once, as when its machine goes away."""
        node = self.nodes[name]
        self.gone.add(node.node_id)
        procs = node.processes()
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        psutil.wait_procs(procs, timeout=20)
        node.proc.wait(timeout=20)

    def stop_node(self, name: str, timeout: float = 30) -> None:
        """Stop a node: SIGTERM to its `ray start`, which stops the node's processes; SIGKILL
        to any of them still there after `timeout`."""
        node = self.nodes.pop(name)
        self.gone.add(node.node_id)
        node.processes()
        if node.alive:
            node.proc.terminate()
            try:
                node.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                node.proc.kill()
                node.proc.wait()
        leftovers = [p for p in node.seen.values() if p.is_running()]
        for p in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        psutil.wait_procs(leftovers, timeout=20)
        shutil.rmtree(node.temp_dir, ignore_errors=True)

    def tasks_started(self) -> dict[str, dict[str, Counter[str]]]:
        """{job id: {node name: tasks started by name}} over the nodes alive or killed."""
        jobs: dict[str, dict[str, Counter[str]]] = {}
        for name, node in self.nodes.items():
            for job, counts in node.tasks_started().items():
                jobs.setdefault(job, {n: Counter() for n in self.nodes})[name] = counts
        return jobs

    def shutdown(self) -> None:
        """Stop every node, the head last."""
        for name in reversed(list(self.nodes)):
            self.stop_node(name)
