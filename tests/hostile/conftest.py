"""Helpers of the hostile-input suite: run a pipeline file through the CLI, read back what
happened to every row, and check that every input row ended kept or rejected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.cli.main import main
from tests.conftest import read_dir

STAGES = """
[[stage]]
op = "normalize"
[[stage]]
op = "length_filter"
min_chars = 3
"""


def pipeline(extra: str = "", stages: str = STAGES, input: str = "in",
             output: str = "run") -> str:
    """A local pipeline file reading `input` and writing `output`, with `extra` [pipeline]
    keys."""
    return (f'[pipeline]\ninput = "{input}"\noutput = "{output}"\n{extra}\n'
            f'[engine]\nkind = "local"\n{stages}')


def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str | None = None,
            *args: str) -> tuple[int, str, str]:
    """`curate run tmp_path/p.toml --quiet ARGS`: exit code, stdout and stderr."""
    (tmp_path / "p.toml").write_text(pipeline() if toml is None else toml, encoding="utf-8")
    code = main(["run", str(tmp_path / "p.toml"), "--quiet", *args])
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    """The message of a one-line `error: ...` on stderr (fails unless it is exactly that)."""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.removeprefix("error: ").removesuffix("\n")


def write_parquet(path: Path, columns: dict[str, Any], schema: dict[str, Any] | None = None,
                  ) -> Path:
    """Write one Parquet shard."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(columns, schema=schema).write_parquet(path)
    return path


def write_lines(path: Path, lines: list[str]) -> Path:
    """Write a JSONL shard, one given line per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def good_shard(folder: Path, name: str = "a.parquet", prefix: str = "a") -> Path:
    """A Parquet shard of two good documents, ids `PREFIX0`, `PREFIX1`."""
    return write_parquet(folder / name, {"id": [f"{prefix}0", f"{prefix}1"],
                                         "text": ["first good document", "second good document"]})


def corrupt_data_pages(path: Path) -> Path:
    """A Parquet file whose footer is intact but whose compressed data is not."""
    pl.DataFrame({"id": [f"m{i}" for i in range(2000)],
                  "text": [f"document number {i} " * 5 for i in range(2000)]}).write_parquet(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3:len(data) // 3 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    return path


def outcome(run: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Ids in curated/, and (id, reason) of rejected/, both sorted."""
    curated = read_dir(run / "curated")
    rejected = read_dir(run / "rejected")
    kept = sorted(curated["id"].to_list()) if curated.height else []
    dropped = sorted(rejected.select("id", "reason").rows()) if rejected.height else []
    return kept, dropped


def manifest(run: Path) -> dict[str, Any]:
    """The run's manifest.json."""
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def assert_conserved(run: Path, ids: list[str]) -> None:
    """Every id of `ids` (the input rows that were read) is in curated/ or rejected/, exactly
    once, nothing else is, and the manifest's counts agree with the files."""
    kept, dropped = outcome(run)
    out = kept + [i for i, _ in dropped]
    assert sorted(out) == sorted(ids)
    totals = manifest(run)["totals"]
    assert totals["input_rows"] == len(ids)
    assert totals["curated_rows"] == len(kept) and totals["rejected_rows"] == len(dropped)
    for stage in manifest(run)["stages"]:
        assert stage["in"] + stage.get("added", 0) == stage["kept"] + stage["rejected"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), to prove input was not touched."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
