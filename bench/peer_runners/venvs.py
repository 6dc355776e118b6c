"""Throwaway virtualenvs for the peers under bench/results/peers/venvs/NAME, one per peer,
built with `python3.11 -m venv` + pip from PyPI and reused once complete (marker file)."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

VENVS = Path(__file__).resolve().parents[1] / "results" / "peers" / "venvs"
MARKER = ".installed"


@dataclass(frozen=True)
class Peer:
    """A peer a user would pick instead: its venv name, what pip installs, its tasks."""

    name: str
    requirements: tuple[str, ...]
    tasks: tuple[str, ...]


PEERS = {
    "datasketch": Peer("datasketch", ("datasketch==2.0.0",), ("dedup",)),
    "text-dedup": Peer("text-dedup", ("text-dedup==0.4.0",), ("dedup",)),
    "datatrove": Peer("datatrove", ("datatrove[processing]==0.10.1", "spacy", "orjson"),
                      ("dedup", "filters")),
    # torch pinned to the CPU build on this disk: a bare torch pulls a multi-GB CUDA build.
    "data-juicer": Peer("data-juicer", ("torch==2.13.0", "py-data-juicer==1.6.1", "aiohttp"),
                        ("dedup",)),
}


def python_of(name: str) -> Path:
    """The venv python of a peer."""
    return VENVS / name / "bin" / "python"


def ensure_venv(peer: Peer, log: Path) -> str | None:
    """Create and fill the peer's venv unless a complete one exists; None when it is ready,
    else one line saying why it could not be installed (pip's last error line)."""
    root = VENVS / peer.name
    wanted = " ".join(peer.requirements) + "\n"
    marker = root / MARKER
    if marker.exists() and marker.read_text() == wanted:
        return None
    root.parent.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    pip = [str(root / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    steps = [[*pip, *peer.requirements]]
    if not marker.exists():  # a new venv; one whose requirements changed gets them added
        steps = [["python3.11", "-m", "venv", "--clear", str(root)], [*pip, "-U", "pip"], *steps]
    with log.open("w") as out:
        for step in steps:
            out.write(f"$ {' '.join(step)}\n")
            out.flush()
            done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                lines = [x for x in log.read_text().splitlines() if x.strip()]
                errors = [x for x in lines if "ERROR" in x or "error" in x]
                return (errors or lines or ["pip failed"])[-1].strip()[:300]
    marker.write_text(wanted)
    print(f"installed {peer.name} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return None
