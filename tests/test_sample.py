"""Specification of `curate sample`: the synthetic corpus with known, labelled noise."""

from __future__ import annotations

import re
from pathlib import Path

import ftfy
import polars as pl
import pytest

import curate.sample.generator as gen
from curate.sample import generate_sample
from curate.sample.noise import jaccard, shingles

N_DOCS = 2000
CJK = re.compile(r"[\u4e00-\u9fff]")
COLUMNS = ["id", "text", "label", "lang", "domain", "noise", "dup_source", "split"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample(out, n_docs=N_DOCS, seed=0, n_shards=3)


@pytest.fixture(scope="module")
def raw(sample) -> pl.DataFrame:
    return pl.read_parquet(sample[0] / "raw" / "*.parquet")


@pytest.fixture(scope="module")
def evals(sample) -> pl.DataFrame:
    return pl.read_parquet(sample[0] / "eval" / "eval.parquet")


@pytest.fixture(scope="module")
def reserve(sample) -> pl.DataFrame:
    return pl.read_parquet(sample[0] / "reserve" / "part-00000.parquet")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_layout_columns_and_readme(sample, raw, evals, reserve):
    out, summary = sample
    assert sorted(p.name for p in (out / "raw").iterdir()) == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert "synthetic" in (out / "README.md").read_text(encoding="utf-8")
    for df in (raw, evals, reserve):
        assert df.columns == COLUMNS
    assert raw.height == N_DOCS
    assert evals.height == N_DOCS // 10
    assert reserve.height == N_DOCS // 2
    assert summary["split"] == {"train": N_DOCS, "eval": N_DOCS // 10, "reserve": N_DOCS // 2}
    assert set(raw["split"]) == {"train"} and set(evals["split"]) == {"eval"}
    assert set(reserve["split"]) == {"reserve"}


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate_sample(tmp_path / "a", n_docs=300, seed=7, n_shards=2)
    generate_sample(tmp_path / "b", n_docs=300, seed=7, n_shards=2)
    generate_sample(tmp_path / "c", n_docs=300, seed=8, n_shards=2)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_rewriting_with_fewer_shards_leaves_no_stale_shards(tmp_path):
    generate_sample(tmp_path, n_docs=100, seed=0, n_shards=3)
    generate_sample(tmp_path, n_docs=100, seed=0, n_shards=2)
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == [
        "part-00000.parquet", "part-00001.parquet"]


def test_parallel_rendering_gives_the_same_bytes(tmp_path, monkeypatch):
    generate_sample(tmp_path / "seq", n_docs=300, seed=3, n_shards=2)
    monkeypatch.setattr(gen, "PARALLEL_MIN_DOCS", 0)
    monkeypatch.setattr(gen, "TASK_ROWS", 50)
    generate_sample(tmp_path / "par", n_docs=300, seed=3, n_shards=2)
    assert _files(tmp_path / "seq") == _files(tmp_path / "par")


def test_noise_counts_follow_the_module_fractions(sample, raw):
    counts = dict(raw["noise"].value_counts().iter_rows())
    for kind, fraction in gen.NOISE_FRACTIONS.items():
        assert abs(counts[kind] - fraction * N_DOCS) <= 1, kind
    assert counts["clean"] / N_DOCS > 0.5
    assert sample[1]["noise"] == {k: counts[k] for k in sample[1]["noise"]}
    assert sum(sample[1]["noise"].values()) == N_DOCS


def test_ids_are_unique_across_all_files(raw, evals, reserve):
    ids = pl.concat([raw["id"], evals["id"], reserve["id"]])
    assert ids.n_unique() == ids.len()
    assert raw["id"][0].startswith("raw-") and evals["id"][0].startswith("eval-")


def test_eval_is_clean_and_shares_no_text_with_raw(raw, evals):
    assert set(evals["noise"]) == {"clean"}
    assert evals["dup_source"].null_count() == evals.height
    assert set(evals["domain"]) == set(gen.DOMAINS)
    assert not set(evals["text"]) & set(raw["text"].drop_nulls())


def test_exact_dups_copy_an_earlier_clean_document(raw):
    text = dict(zip(raw["id"], raw["text"], strict=True))
    noise = dict(zip(raw["id"], raw["noise"], strict=True))
    dups = raw.filter(pl.col("noise") == "exact_dup")
    for row in dups.iter_rows(named=True):
        assert row["text"] == text[row["dup_source"]]
        assert noise[row["dup_source"]] == "clean"
        assert row["dup_source"] < row["id"]  # the original comes first


def test_near_dups_are_near_but_not_exact(raw, reserve):
    rows = pl.concat([raw, reserve])
    text = dict(zip(rows["id"], rows["text"], strict=True))
    near = rows.filter(pl.col("noise") == "near_dup")
    assert near.height > 0
    for row in near.iter_rows(named=True):
        similarity = jaccard(shingles(row["text"]), shingles(text[row["dup_source"]]))
        assert 0.5 < similarity < 0.99, (row["id"], similarity)


def test_mojibake_rows_are_recovered_exactly_by_ftfy(raw):
    moji = raw.filter(pl.col("noise") == "mojibake")
    assert moji.height > 0
    for row in moji.iter_rows(named=True):
        fixed = ftfy.fix_encoding(row["text"])
        assert fixed != row["text"]
        # Re-encoding the repaired text reproduces the mojibake, so `fixed` is the original.
        wrong = fixed.encode("utf-8").decode("latin-1")
        assert row["text"] in (wrong, wrong.translate(gen.noise.CP1252))
        assert ftfy.fix_text(row["text"]) == ftfy.fix_text(fixed)
        assert row["label"] == row["domain"]
        if row["lang"] == "zh":
            assert CJK.search(fixed) and not CJK.search(row["text"])


def test_null_text_rows_exist(raw):
    nulls = raw.filter(pl.col("text").is_null())
    assert nulls.height >= gen.NULL_TEXT_MIN
    assert set(nulls["noise"]) == {"null_text"}


def test_labels_domains_and_junk(raw):
    keeps = raw.filter(pl.col("noise").is_in(list(gen.KEEPS_LABEL - {"near_dup"})))
    assert (keeps["label"] == keeps["domain"]).all()
    near = raw.filter(pl.col("noise") == "near_dup")
    mislabelled = (near["label"] != near["domain"]).mean()
    assert abs(mislabelled - gen.MISLABELLED_NEAR_DUP) < 0.1
    misfiled = raw.filter(pl.col("noise") == "mislabelled")
    assert misfiled.height == round(gen.NOISE_FRACTIONS["mislabelled"] * N_DOCS)
    assert (misfiled["label"] == misfiled["domain"].replace(gen.MISFILED_AS)).all()
    junk = raw.filter(~pl.col("noise").is_in(list(gen.HAS_DOMAIN)))
    assert junk["domain"].null_count() == junk.height
    assert set(junk["label"]) == set(gen.DOMAINS)  # random labels: label noise
    other = raw.filter(pl.col("noise") == "other_lang")
    assert set(other["lang"]) <= {"fr", "de", "es", "ru", "ja"}
    assert raw.filter(pl.col("noise") == "short")["text"].str.len_chars().max() <= 30
    html = raw.filter(pl.col("noise") == "html")["text"]
    assert html.str.contains("<p>").all()


def test_zh_docs_are_chinese_and_en_docs_are_not(raw):
    clean = raw.filter(pl.col("noise") == "clean")
    zh = clean.filter(pl.col("lang") == "zh")["text"]
    en = clean.filter(pl.col("lang") == "en")["text"]
    assert zh.str.contains(CJK.pattern).all()
    assert zh.str.contains("[，。]").all()
    assert en.str.contains(CJK.pattern).mean() < 0.01
    share_zh = zh.len() / (zh.len() + en.len())
    assert 0.5 < share_zh < 0.6


def test_domains_uneven_in_raw_and_reserve_rich_in_rare_ones(sample, raw, reserve):
    def share(df: pl.DataFrame, domains: list[str]) -> float:
        clean = df.filter(pl.col("noise") == "clean")
        return clean["domain"].is_in(domains).mean()

    rare = ["math", "code"]
    assert share(raw, rare) < 0.15
    assert share(reserve, rare) > 0.5
    assert reserve["noise"].is_in(["clean"]).mean() > 0.75
    assert sample[1]["domain"]["math"] < sample[1]["domain"]["news"]


def test_clean_docs_look_like_documents(raw):
    clean = raw.filter(pl.col("noise") == "clean")
    lengths = clean["text"].str.len_chars()
    assert lengths.min() >= 150 and lengths.max() <= 4000
    assert clean["text"].str.contains("\n\n").all()
    code = clean.filter(pl.col("domain") == "code")["text"]
    assert code.str.contains("```").all()
