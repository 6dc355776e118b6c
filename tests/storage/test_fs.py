"""Specification of curate.io.fs: files named by local paths or by URIs of any pyarrow
filesystem, here file:// and S3 (a local moto server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curate.errors import CurateError
from curate.io import fs
from tests.storage.s3 import s3_endpoint


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with s3_endpoint("corpus") as options:
        yield options


def test_uris_are_told_from_paths() -> None:
    assert fs.is_uri("s3://b/raw") and fs.is_uri("file:///tmp/x")
    assert not fs.is_uri("raw/part-0.parquet") and not fs.is_uri(Path("/tmp"))


def test_split_and_join_keep_the_options() -> None:
    uri = "s3://b/runs/x?endpoint_override=h:9&scheme=http"
    assert fs.split_uri(uri) == ("s3://b", "runs/x", "endpoint_override=h:9&scheme=http")
    assert fs.join(uri, "curated", "part-0.parquet") == (
        "s3://b/runs/x/curated/part-0.parquet?endpoint_override=h:9&scheme=http")
    assert fs.name_of(fs.join(uri, "a.jsonl")) == "a.jsonl"


def test_overlap_is_checked_on_the_same_filesystem_only() -> None:
    assert fs.overlaps("s3://b/data", "s3://b/data/run")
    assert fs.overlaps("s3://b/data/run?x=1", "s3://b/data")
    assert not fs.overlaps("s3://b/data", "s3://b/data2")
    assert not fs.overlaps("s3://b/data", "s3://c/data")


def test_local_files_are_listed_by_folder_and_by_glob(tmp_path: Path) -> None:
    for name in ("raw/a.parquet", "raw/sub/b.parquet", "raw/c.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    root = f"file://{tmp_path}/raw"
    assert fs.list_files(root) == [f"{root}/a.parquet", f"{root}/c.jsonl",
                                   f"{root}/sub/b.parquet"]
    assert fs.list_files(f"{root}/*.parquet") == [f"{root}/a.parquet"]
    assert fs.list_files(f"{root}/c.jsonl") == [f"{root}/c.jsonl"]
    assert fs.list_files(f"{root}/missing") == []


def test_s3_round_trip(tmp_path: Path, s3: str) -> None:
    (tmp_path / "run" / "curated").mkdir(parents=True)
    (tmp_path / "run" / "curated" / "part-0.parquet").write_bytes(b"rows")
    (tmp_path / "run" / "manifest.json").write_text("{}")
    dest = f"s3://corpus/runs/one?{s3}"
    fs.upload(tmp_path / "run", dest)

    assert fs.is_dir(dest) and fs.exists(fs.join(dest, "manifest.json"))
    assert fs.list_files(dest) == [f"s3://corpus/runs/one/curated/part-0.parquet?{s3}",
                                   f"s3://corpus/runs/one/manifest.json?{s3}"]
    assert fs.list_files(f"s3://corpus/runs/*/curated/*.parquet?{s3}") == [
        f"s3://corpus/runs/one/curated/part-0.parquet?{s3}"]
    shard = fs.join(dest, "curated", "part-0.parquet")
    with fs.open_input(shard) as f:
        assert f.read() == b"rows"
    assert fs.size_of(shard) == 4


def test_a_missing_object_is_a_one_line_error(s3: str) -> None:
    with pytest.raises(CurateError, match=r"s3://corpus/nothing/here.parquet\?.*cannot open"):
        fs.open_input(f"s3://corpus/nothing/here.parquet?{s3}")
