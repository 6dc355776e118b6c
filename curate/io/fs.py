"""Where corpora and runs live: a local path, or a URI on any filesystem pyarrow.fs reaches
(`s3://bucket/prefix`, `gs://`, `hdfs://`, `file://`).

A URI keeps its query string, which pyarrow reads as filesystem options, e.g.
`s3://corpus/raw?endpoint_override=minio:9000&scheme=http&region=us-east-1` for an S3-compatible
store; credentials come from the environment (AWS_ACCESS_KEY_ID, ...) as usual for pyarrow.
Every file this module names is a string: a URI stays a URI (with its options), a local path
stays a path.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pyarrow.fs as pafs

from curate.errors import CurateError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
GLOB_CHARS = "*?["


def is_uri(spec: str | Path) -> bool:
    """True for `scheme://...` (a remote or explicit filesystem), False for a plain path."""
    return isinstance(spec, str) and bool(_SCHEME.match(spec))


def split_uri(uri: str) -> tuple[str, str, str]:
    """(`scheme://authority`, path without leading slash, query) of a URI.

    For s3:// and gs:// the bucket is the authority and also the first path element pyarrow
    uses, so `path` here is what follows it.
    """
    head, _, query = uri.partition("?")
    scheme, _, rest = head.partition("://")
    authority, _, path = rest.partition("/")
    return f"{scheme}://{authority}", path.strip("/"), query


def join(uri: str, *parts: str) -> str:
    """`uri` with `parts` appended to its path, options kept."""
    base, path, query = split_uri(uri)
    joined = "/".join(p.strip("/") for p in (path, *parts) if p.strip("/"))
    return f"{base}/{joined}" + (f"?{query}" if query else "")


@lru_cache(maxsize=32)
def _filesystem(base: str, query: str) -> tuple[pafs.FileSystem, str]:
    if base == "file://":
        return pafs.LocalFileSystem(), ""
    return pafs.FileSystem.from_uri(base + (f"?{query}" if query else ""))


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem of `uri` (one per scheme, authority and options, reused) and the
    path of `uri` on it."""
    base, path, query = split_uri(uri)
    try:
        fs, root = _filesystem(base, query)
    except (OSError, ValueError) as exc:
        raise CurateError(f"{uri}: cannot open this filesystem ({exc})") from exc
    if isinstance(fs, pafs.LocalFileSystem):
        return fs, "/" + path
    return fs, "/".join(p for p in (root.strip("/"), path) if p)


def _info(uri: str) -> pafs.FileInfo:
    fs, path = filesystem(uri)
    try:
        return fs.get_file_info(path)
    except OSError as exc:
        raise CurateError(f"{uri}: cannot read ({exc})") from exc


def exists(uri: str) -> bool:
    """Whether a file or folder exists at `uri`."""
    return _info(uri).type != pafs.FileType.NotFound


def is_dir(uri: str) -> bool:
    """Whether `uri` is a folder (on object stores: a prefix with objects under it)."""
    return _info(uri).type == pafs.FileType.Directory


def list_files(uri: str) -> list[str]:
    """Every file under `uri` (a file, a folder listed recursively, or a glob such as
    `s3://b/raw/*.parquet`), as URIs with the options of `uri`, sorted."""
    base, path, query = split_uri(uri)
    fs, full = filesystem(uri)
    prefix_len = len(full) - len(path)
    pattern = None
    if any(c in path for c in GLOB_CHARS):
        fixed = []
        for part in path.split("/"):
            if any(c in part for c in GLOB_CHARS):
                break
            fixed.append(part)
        pattern = full
        full = full[:prefix_len] + "/".join(fixed)
    try:
        info = fs.get_file_info(full)
        if info.type == pafs.FileType.File:
            found = [info]
        elif info.type == pafs.FileType.Directory:
            found = fs.get_file_info(pafs.FileSelector(full, recursive=True))
        else:
            found = []
    except OSError as exc:
        raise CurateError(f"{uri}: cannot list ({exc})") from exc
    files = sorted(i.path for i in found if i.type == pafs.FileType.File)
    if pattern is not None:
        files = [f for f in files if _matches(f, pattern)]
    suffix = f"?{query}" if query else ""
    return [f"{base}/{f[prefix_len:].lstrip('/')}{suffix}" for f in files]


def _matches(path: str, pattern: str) -> bool:
    """Glob match element by element, so `*` never crosses a `/` (as in a shell)."""
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(
        fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted, strict=True))


def name_of(uri: str) -> str:
    """The last path element of `uri` (its file name)."""
    return PurePosixPath(split_uri(uri)[1]).name


def open_input(uri: str) -> pafs.NativeFile:  # type: ignore[name-defined]
    """A seekable binary file for reading `uri`."""
    fs, path = filesystem(uri)
    try:
        return fs.open_input_file(path)
    except OSError as exc:
        raise CurateError(f"{uri}: cannot open ({exc})") from exc


def size_of(uri: str) -> int:
    """Bytes in the file at `uri`."""
    return _info(uri).size or 0


def upload(local: Path, uri: str) -> None:
    """Copy the file or folder `local` to `uri` (a folder file by file; what is there with the
    same names is replaced)."""
    fs, path = filesystem(uri)
    parent = path if local.is_dir() else path.rsplit("/", 1)[0]
    try:
        if parent:
            fs.create_dir(parent, recursive=True)
        pafs.copy_files(str(local.resolve()), path,
                        source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)
    except OSError as exc:
        raise CurateError(f"{uri}: cannot write ({exc})") from exc


def overlaps(a: str, b: str) -> bool:
    """Whether one of the URIs `a` and `b` lies inside the other (same filesystem)."""
    base_a, path_a, _ = split_uri(a)
    base_b, path_b, _ = split_uri(b)
    if base_a != base_b:
        return False
    pa_, pb = PurePosixPath("/" + path_a), PurePosixPath("/" + path_b)
    return pa_.is_relative_to(pb) or pb.is_relative_to(pa_)
