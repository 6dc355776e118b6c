"""Fixtures: a small real run (normalize, length_filter, exact_dedup, length_filter,
char_repetition) over a corpus holding hostile documents and labels, built once per module,
and its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.config import parse_config
from curate.engine import run_pipeline
from curate.report import build_report
from tests.engine.corpus import synthetic_shards

XSS = "<script>alert(1)</script>"
# A label is drawn by plotly (JSON inside a <script> and SVG text): it must stay inert too.
XSS_LABEL = "</script><script>alert(2)</script>"
# The only document too long for `max_chars`: it is the example of that reason.
LONG_XSS = XSS + " " + " ".join(["overflow"] * 400)


def write_labelled_corpus(folder: Path, seed: int = 0) -> Path:
    """Three shards of synthetic texts with a `label` column, plus the hostile documents."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, texts in enumerate(synthetic_shards(3, 150, seed)):
        labels = ["news", "sport", "tech"]
        rows = {"id": [f"d{i}-{j}" for j in range(len(texts))], "text": texts,
                "label": [labels[j % 3] for j in range(len(texts))]}
        if i == 0:
            rows["id"] += ["xss-kept", "xss-long"]
            rows["text"] += [XSS + " " + " ".join(["kept", "document", "words"] * 10), LONG_XSS]
            rows["label"] += [XSS_LABEL, "news"]
        pl.DataFrame(rows, schema={"id": pl.String, "text": pl.String, "label": pl.String}
                     ).write_parquet(folder / f"part-{i:03d}.parquet")
    return folder


def stages(min_chars: int = 40) -> list[dict[str, Any]]:
    """The test pipeline; HTML is kept by normalize so the hostile text reaches the report.
    char_repetition, a language-routed filter (zh and en thresholds), rejects nothing here:
    its signal is drawn per rule set."""
    return [
        {"op": "normalize", "strip_html": False},
        {"op": "length_filter", "min_words": 5, "max_chars": 2000},
        {"op": "exact_dedup"},
        {"op": "length_filter", "name": "long_enough", "min_chars": min_chars},
        {"op": "char_repetition"},
    ]


def make_run(root: Path, output: str = "run", min_chars: int = 40) -> Path:
    """Run the pipeline locally over root/in into root/OUTPUT and return the run folder."""
    if not (root / "in").exists():
        write_labelled_corpus(root / "in")
    config = parse_config({"pipeline": {"input": "in", "output": output, "name": output},
                           "engine": {"kind": "local"}, "stage": stages(min_chars)},
                          root / f"{output}.toml")
    run_pipeline(config)
    return root / output


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished small run with its report built."""
    run = make_run(tmp_path_factory.mktemp("report"))
    build_report(run)
    return run
