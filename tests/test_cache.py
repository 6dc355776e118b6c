"""Tables cached per machine: built once, then read; rebuilt when damaged; built every time
where the cache folder cannot be written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.io.cache import CACHE_ENV, cached_table, package_key


def test_a_table_is_built_once_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    built = []

    def build() -> pl.DataFrame:
        built.append(1)
        return pl.DataFrame({"word": ["a", "b"], "value": [1.0, 2.0]})

    first = cached_table("words", "k1", build)
    again = cached_table("words", "k1", build)
    assert built == [1]
    assert again.equals(first)
    assert [p.name for p in tmp_path.iterdir()] == ["words-k1.parquet"]


def test_a_damaged_table_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    (tmp_path / "words-k1.parquet").write_bytes(b"not parquet")
    table = cached_table("words", "k1", lambda: pl.DataFrame({"x": [1]}))
    assert table["x"].to_list() == [1]
    assert pl.read_parquet(tmp_path / "words-k1.parquet")["x"].to_list() == [1]


def test_an_unwritable_cache_still_gives_the_table(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "cache"))
    assert cached_table("words", "k1", lambda: pl.DataFrame({"x": [1]}))["x"].to_list() == [1]


def test_the_key_follows_package_versions() -> None:
    assert package_key("polars", "recipe-1") == package_key("polars", "recipe-1")
    assert package_key("polars", "recipe-1") != package_key("polars", "recipe-2")
    assert package_key("no-such-package-here") != package_key("polars")


def test_word_tables_built_into_an_empty_cache_give_the_same_scores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from curate.text import frequency, zh_cut

    texts = pl.Series(["the cat sat on the mat", "我们在北京大学学习，天气很好"])
    zh = pl.Series([False, True])
    warm = frequency.mean_zipf(texts, zh).to_list()
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(frequency, "_TABLES", {})
    monkeypatch.setattr(zh_cut, "_DICT", None)
    assert frequency.mean_zipf(texts, zh).to_list() == warm
    assert sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.iterdir()) == [
        "jieba-dictionary", "zipf-en", "zipf-zh-lexicon"]
