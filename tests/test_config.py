"""pipeline.toml validation: every mistake is one error naming its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.config import load_config
from curate.errors import ConfigError
from tests.conftest import write_corpus, write_toml

HEAD = '[pipeline]\ninput = "in"\noutput = "run"\n'


@pytest.fixture
def pipeline_dir(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "in", [["hello world"]])
    return tmp_path


def error_of(folder: Path, body: str) -> str:
    path = write_toml(folder / "p.toml", HEAD + body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def test_valid_pipeline_fills_defaults(pipeline_dir: Path) -> None:
    path = write_toml(pipeline_dir / "p.toml", HEAD + '[[stage]]\nop = "length_filter"\n'
                      "min_words = 3\n")
    config = load_config(path)
    assert config.engine.kind == "ray"
    assert config.stages[0].params.min_words == 3
    assert config.stages[0].params.min_chars == 1
    assert config.input_path == pipeline_dir / "in"


def test_wrong_type_names_the_key(pipeline_dir: Path) -> None:
    body = '[[stage]]\nop = "normalize"\n[[stage]]\nop = "length_filter"\nmin_chars = "high"\n'
    assert error_of(pipeline_dir, body) == 'stage[2].min_chars: expected an integer, got "high"'


def test_unknown_operator_suggests_nearest(pipeline_dir: Path) -> None:
    message = error_of(pipeline_dir, '[[stage]]\nop = "lenght_filter"\n')
    assert message.startswith('stage[1].op: unknown operator "lenght_filter" '
                              '(did you mean "length_filter"?)')


def test_unknown_key_suggests_nearest(pipeline_dir: Path) -> None:
    message = error_of(pipeline_dir, '[[stage]]\nop = "length_filter"\nmin_char = 3\n')
    assert message.startswith('stage[1].min_char: unknown key (did you mean "min_chars"?)')


def test_unknown_table_and_section_key(pipeline_dir: Path) -> None:
    assert error_of(pipeline_dir, "[engin]\n").startswith('engin: unknown table (did you mean '
                                                          '"engine"?)')
    assert error_of(pipeline_dir, '[engine]\nkind = "rey"\n') == (
        'engine.kind: expected "ray" | "local", got "rey" (did you mean "ray"?)'
    )


def test_missing_input_is_named(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "p.toml", HEAD)
    with pytest.raises(ConfigError, match=r'^pipeline.input: no such file or folder'):
        load_config(path)


def test_missing_required_key(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "p.toml", '[pipeline]\ninput = "in"\n')
    with pytest.raises(ConfigError, match=r"^pipeline.output: required key is missing$"):
        load_config(path)


def test_inconsistent_bounds(pipeline_dir: Path) -> None:
    body = '[[stage]]\nop = "length_filter"\nmin_words = 10\nmax_words = 5\n'
    assert error_of(pipeline_dir, body) == "stage[1].max_words: must be >= min_words (10), got 5"


def test_invalid_toml(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "p.toml", "[pipeline\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_repeated_operator_gets_distinct_stage_names(pipeline_dir: Path) -> None:
    body = '[[stage]]\nop = "length_filter"\n[[stage]]\nop = "length_filter"\nmin_chars = 5\n'
    path = write_toml(pipeline_dir / "p.toml", HEAD + body)
    assert [s.name for s in load_config(path).stages] == ["length_filter", "length_filter_2"]


def test_hash_ignores_engine_but_not_params(pipeline_dir: Path) -> None:
    base = '[[stage]]\nop = "length_filter"\n'
    a = load_config(write_toml(pipeline_dir / "a.toml", HEAD + base))
    b = load_config(write_toml(pipeline_dir / "b.toml", HEAD + '[engine]\nkind = "local"\n' + base))
    c = load_config(write_toml(pipeline_dir / "c.toml", HEAD + base + "min_chars = 2\n"))
    assert a.hash() == b.hash() != c.hash()


def test_set_overrides_a_table_key_or_a_stage_parameter(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    toml = tmp_path / "p.toml"
    toml.write_text('[pipeline]\ninput = "in"\noutput = "run"\n[[stage]]\nop = "length_filter"\n'
                    '[[stage]]\nop = "language"\nname = "lang"\n', encoding="utf-8")
    config = load_config(toml, sets=["pipeline.output=runs/b", "engine.kind=local",
                                     "length_filter.min_chars=50", 'stage.lang.keep=["zh"]'])
    assert config.pipeline.output == "runs/b" and config.engine.kind == "local"
    assert config.stages[0].params.min_chars == 50 and config.stages[1].params.keep == ["zh"]
    with pytest.raises(ConfigError, match=r'--set lenght_filter.min_chars=5: lenght_filter: no '
                                          r'such stage \(did you mean "length_filter"\?\)'):
        load_config(toml, sets=["lenght_filter.min_chars=5"])
    with pytest.raises(ConfigError, match=r"stage\[1\]\.min_chars: expected an integer"):
        load_config(toml, sets=["length_filter.min_chars=many"])


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    toml = write_toml(tmp_path / "p.toml", '[pipeline]\ninput = "in"\noutput = "run"\nsed = 1\n'
                      '[engine]\nkind = "spark"\n[[stage]]\nop = "length_filter"\nmin_char = 5\n'
                      '[[stage]]\nop = "normalise"\n')
    with pytest.raises(ConfigError) as error:
        load_config(toml)
    lines = str(error.value).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "pipeline.sed", "engine.kind", "stage[1].min_char", "stage[2].op"]
