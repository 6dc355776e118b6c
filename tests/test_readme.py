"""The README's quick start: exactly two commands, and the sample one works end to end."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.conftest import REPO


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_section = readme.split("\n## ")[1]
    block = re.search(r"```bash\n(.*?)```", first_section, re.S)
    assert block, "the first section of the README has no bash block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_first_section_has_exactly_two_commands() -> None:
    assert quick_start_commands() == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()


@pytest.mark.slow
def test_sample_command_runs_the_sample_pipeline_end_to_end() -> None:
    demo = quick_start_commands()[0]
    done = subprocess.run(demo, shell=True, cwd=REPO, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((REPO / "runs" / "sample" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert 0 < manifest["totals"]["curated_rows"] < manifest["totals"]["input_rows"]
