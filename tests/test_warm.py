"""`python -m curate.warm` (run by scripts/setup.sh) pays every first-use cost ahead."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.io.cache import CACHE_ENV
from curate.warm import warm


def test_warm_builds_every_word_table_and_runs_every_kernel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from curate.text import frequency, zh_cut

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(frequency, "_TABLES", {})
    monkeypatch.setattr(zh_cut, "_DICT", None)
    done = warm()
    assert [name for name, _ in done] == [
        "Chinese word cut", "Chinese word counts", "word frequency tables",
        "character repetition", "MinHash signatures"]
    assert sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.iterdir()) == [
        "jieba-dictionary", "zipf-en", "zipf-zh-lexicon"]
