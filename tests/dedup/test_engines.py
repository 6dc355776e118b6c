"""`minhash_dedup` gives the same files on every engine and CPU count, and after a resume."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from curate.engine import run_pipeline
from curate.ops.dedup import minhash
from tests.conftest import make_config, read_dir, write_corpus
from tests.engine.test_determinism import output_bytes, outputs_per_engine
from tests.engine.test_resume import curate, kill_when

WORDS = ("river valley merchant salt silk railway tourist bridge market cheese honey wine "
         "tea leaf spring mountain harvest basket auction garden family city village bell "
         "数据 模型 训练 语料 质量 新闻 市场 球队 比赛 经济 长江 公园 图书馆 老师").split()


def corpus_with_near_duplicates(folder: Path, shards: int = 4, rows: int = 60) -> None:
    """Random texts, a quarter of them lightly edited copies of earlier ones."""
    rng = random.Random(5)
    seen: list[list[str]] = []
    out = []
    for _ in range(shards):
        texts = []
        for _ in range(rows):
            if seen and rng.random() < 0.25:
                words = list(rng.choice(seen))
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            else:
                words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
                seen.append(words)
            texts.append(" ".join(words))
        out.append(texts)
    write_corpus(folder, out)


STAGES = [{"op": "minhash_dedup", "jaccard_check": True, "reference": "ref"}]


def write_inputs(tmp_path: Path) -> None:
    """The corpus, and a reference corpus made by the same generator: its 20 texts are the
    first 20 of the corpus, so those and their copies are reference duplicates."""
    corpus_with_near_duplicates(tmp_path / "in")
    corpus_with_near_duplicates(tmp_path / "ref", shards=1, rows=20)


def test_a_run_resumed_after_failing_inside_fit_equals_an_uninterrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_inputs(tmp_path)
    run_pipeline(make_config(tmp_path, STAGES, output="reference"))

    def fail(*args: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(minhash, "choose_survivors", fail)
    with pytest.raises(RuntimeError, match="killed"):
        run_pipeline(make_config(tmp_path, STAGES))
    monkeypatch.undo()

    shuffles = []
    original = minhash.shuffle_band_keys
    monkeypatch.setattr(minhash, "shuffle_band_keys",
                        lambda *a: shuffles.append(a) or original(*a))
    run_pipeline(make_config(tmp_path, STAGES), resume=True)
    assert shuffles == []  # the phases finished before the failure were not run again
    reasons = read_dir(tmp_path / "run" / "rejected")["reason"]
    assert set(reasons) == {"near_duplicate", "reference_near_duplicate"}
    assert output_bytes(tmp_path / "run") == output_bytes(tmp_path / "reference")


@pytest.mark.slow
def test_local_and_ray_with_one_and_two_cpus_give_identical_files(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    outputs = outputs_per_engine(tmp_path, STAGES)
    assert any(name.startswith("rejected/") for name in outputs["local"])
    assert outputs["local"] == outputs["ray1"] == outputs["ray2"]


@pytest.mark.slow
def test_a_ray_run_killed_inside_fit_resumes_to_the_same_files(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    run_pipeline(make_config(tmp_path, STAGES, output="reference"))
    toml = tmp_path / "ray.toml"
    toml.write_text('[pipeline]\ninput = "in"\noutput = "run"\n[engine]\nkind = "ray"\n'
                    'num_cpus = 2\n[[stage]]\nop = "minhash_dedup"\nreference = "ref"\n')
    marker = tmp_path / "run" / "work" / "fit-minhash_dedup" / "lsh-edges.done.json"
    proc = curate("run", "ray.toml", "--quiet", cwd=tmp_path)
    kill_when(proc, marker.exists)
    resumed = curate("run", "ray.toml", "--quiet", "--resume", cwd=tmp_path)
    assert resumed.wait() == 0, resumed.stderr.read().decode()
    assert output_bytes(tmp_path / "run") == output_bytes(tmp_path / "reference")
