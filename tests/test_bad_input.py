"""Bad input: a one-line error naming the file, row or key, exit 1 or 2, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.cli.main import main
from tests.conftest import LOCAL_PIPELINE, read_dir, write_corpus

PIPELINE = LOCAL_PIPELINE + """[[stage]]
op = "length_filter"
min_chars = 3
"""


def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str = PIPELINE,
            ) -> tuple[int, str]:
    (tmp_path / "p.toml").write_text(toml, encoding="utf-8")
    code = main(["run", str(tmp_path / "p.toml"), "--quiet"])
    err = capsys.readouterr().err
    return code, err


def assert_one_line(err: str, *parts: str) -> None:
    assert err.count("\n") == 1 and err.startswith("error: "), err
    for part in parts:
        assert part in err, err


@pytest.fixture
def good_shards(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "in", [["first good document"], ["second good document"]])


def test_corrupt_parquet_fails_before_writing(tmp_path: Path, good_shards: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = good_shards / "part-001.parquet"
    bad.write_bytes(bad.read_bytes()[:40])
    code, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert_one_line(err, "part-001.parquet", "not a readable Parquet file")
    assert not (tmp_path / "run" / "curated").exists()
    assert pl.read_parquet(good_shards / "part-000.parquet")["text"][0] == "first good document"


def test_missing_text_column(tmp_path: Path, good_shards: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    pl.DataFrame({"body": ["x"]}).write_parquet(good_shards / "part-002.parquet")
    code, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert_one_line(err, "part-002.parquet", "no text column 'text'")


def test_a_jsonl_corpus_without_the_text_column_fails_validation_naming_the_key_to_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "web.jsonl").write_text(
        '{"id": "a", "content": "a page", "url": "u"}\n', encoding="utf-8")
    (tmp_path / "p.toml").write_text(PIPELINE, encoding="utf-8")
    assert main(["validate", str(tmp_path / "p.toml")]) == 1
    assert_one_line(capsys.readouterr().err, "web.jsonl",
                    "no text column 'text' (columns: id, content, url); "
                    'set [pipeline] text_column = "content"')


def test_a_run_that_fails_before_writing_anything_leaves_no_run_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text('{"text": "fine"}\n{"text": \n',
                                             encoding="utf-8")
    code, err = run_cli(tmp_path, capsys)
    assert code == 1 and "a.jsonl:2" in err
    assert not (tmp_path / "run").exists()  # the next attempt needs no --overwrite


def test_text_column_of_wrong_type(tmp_path: Path, good_shards: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    pl.DataFrame({"text": [1.5]}).write_parquet(good_shards / "part-002.parquet")
    code, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert_one_line(err, "part-002.parquet", "column 'text' has type double")


def test_invalid_utf8_in_jsonl_leaves_good_shards_intact(
    tmp_path: Path, good_shards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (good_shards / "part-005.jsonl").write_bytes(b'{"text": "fine"}\n{"text": "\xff\xfe"}\n')
    code, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert_one_line(err, "part-005.jsonl:2", "invalid UTF-8")
    curated = read_dir(tmp_path / "run" / "curated")
    assert curated["text"].to_list() == ["first good document", "second good document"]
    assert not list((tmp_path / "run").rglob(".*tmp"))


def test_null_texts_are_rejected_not_errors(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["a real document", None]])
    code, _ = run_cli(tmp_path, capsys)
    assert code == 0
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert rejected.select("id", "reason", "stage").rows() == [("d0-1", "null_text", "read")]


def test_empty_input_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    code, err = run_cli(tmp_path, capsys)
    assert code == 2
    assert_one_line(err, "in: no input shards found")


def test_corpus_of_zero_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [[]])
    code, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert_one_line(err, "corpus is empty (0 rows in 1 shards)")


def test_a_20_mb_document_is_processed(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    huge = ("word " * 4_000_000)[:20_000_000]
    write_corpus(tmp_path / "in", [[huge, "small doc"]])
    toml = PIPELINE.replace("min_chars = 3", "min_chars = 3\nmax_chars = 10_000_000")
    code, err = run_cli(tmp_path, capsys, toml)
    assert code == 0, err
    rejected = read_dir(tmp_path / "run" / "rejected")
    assert rejected.select("id", "reason").rows() == [("d0-0", "too_many_chars")]
    assert read_dir(tmp_path / "run" / "curated")["id"].to_list() == ["d0-1"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('op = "normalize"', 'op = "normalise"'),
         'stage[1].op: unknown operator "normalise" (did you mean "normalize"?)'),
        (("min_chars = 3", "min_chars = 3\nmax_char = 9"),
         'stage[2].max_char: unknown key (did you mean "max_chars"?)'),
        (("min_chars = 3", 'min_chars = "three"'),
         'stage[2].min_chars: expected an integer, got "three"'),
    ],
)
def test_config_mistakes_exit_2(tmp_path: Path, good_shards: Path,
                                capsys: pytest.CaptureFixture[str],
                                edit: tuple[str, str], message: str) -> None:
    code, err = run_cli(tmp_path, capsys, PIPELINE.replace(*edit))
    assert code == 2
    assert_one_line(err, message)
    assert not (tmp_path / "run").exists()


def test_a_stage_reading_a_column_nothing_writes_fails_validation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["a document", "another one"]])
    (tmp_path / "p.toml").write_text(LOCAL_PIPELINE + '[[stage]]\nop = "select_top"\n',
                                     encoding="utf-8")
    assert main(["validate", str(tmp_path / "p.toml")]) == 2
    assert_one_line(capsys.readouterr().err,
                    "stage[2] (select_top): needs column 'q_overall', which neither the input "
                    "nor an earlier stage has; add a quality_score stage before it")


def test_validate_reports_every_problem_it_finds_before_work_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path / "in", [["a document"]])
    pl.DataFrame({"body": ["x"]}).write_parquet(tmp_path / "in" / "part-009.parquet")
    (tmp_path / "p.toml").write_text(
        LOCAL_PIPELINE + '[[stage]]\nop = "quality_score"\nmodel = "missing.bin"\n'
        '[[stage]]\nop = "select_top"\nscore = "q_nothing"\n', encoding="utf-8")
    assert main(["validate", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert "stage[2].model" in err[0] and "missing.bin: no such model file" in err[0]
    assert "stage[3] (select_top): needs column 'q_nothing'" in err[1]
    assert "part-009.parquet: no text column 'text'" in err[2]
