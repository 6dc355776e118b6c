"""GPU check of the fine-tune backends: LoRA classification on the bundled MiniLM, and LoRA
classification and instruction tuning (`sft`) on a 0.5B decoder (Qwen2-0.5B's shape; random
weights unless `--decoder` names a local checkpoint), in bf16. Prints examples/s, peak GPU
memory, the final training loss and the evaluation accuracy of each; about 3 minutes on one
H100/H200. Run by bench/gpu_check.sh; without CUDA it says so and exits 0 (CI never needs a
GPU).

    python bench/gpu_check.py [--decoder /models/Qwen2-0.5B] [--steps 200]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results"
# Qwen2-0.5B's shape (its config.json), with a vocabulary trained here on the data.
QWEN2_05B = {"hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2,
             "max_position_embeddings": 2048, "rope_theta": 1_000_000.0,
             "tie_word_embeddings": True}


def corpus(n_train: int, n_eval: int):
    """AG News (../shared/data) when present, else a generated 4-topic corpus."""
    from finetune.data import Examples

    rows: list[tuple[str, str]]
    if (DATA / "ag_news_test").is_dir():
        import polars as pl

        frame = pl.read_parquet(DATA / "ag_news_test" / "*.parquet").sample(
            fraction=1.0, shuffle=True, seed=0)
        rows = list(zip(frame["text"].to_list(), frame["label"].to_list(), strict=True))
    else:
        rng = random.Random(0)
        topics = {"world": "government election minister war peace talks capital",
                  "sports": "match goal team season coach league final win",
                  "business": "market shares profit bank rate investors quarter",
                  "tech": "software chip computer internet phone launch users"}
        rows = [(" ".join(rng.choices(words.split(), k=30)), label)
                for _ in range(n_train + n_eval) for label, words in topics.items()]
        rng.shuffle(rows)
    train, evaluation = rows[:n_train], rows[n_train:n_train + n_eval]
    return (Examples([t for t, _ in train], [lab for _, lab in train]),
            Examples([t for t, _ in evaluation], [lab for _, lab in evaluation]))


def decoder(folder: Path, texts: list[str], given: str | None) -> str:
    """A local decoder checkpoint, or Qwen2-0.5B's shape with random weights and a byte-level
    BPE tokenizer trained on `texts`, saved to `folder`."""
    if given:
        return given
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=16_000, special_tokens=["<|endoftext|>"],
                            show_progress=False)
    bpe.save_model(str(folder))
    tokenizer = Qwen2Tokenizer(vocab=str(folder / "vocab.json"),
                               merges=str(folder / "merges.txt"))
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(Qwen2Config(vocab_size=len(tokenizer), **QWEN2_05B))
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def check(name: str, backend: str, model: str, train, evaluation, steps: int,
          batch: int) -> dict:
    """Train one backend on the GPU; its figures."""
    import numpy as np
    import torch

    from finetune.backends import get_backend, predict
    from finetune.config import FinetuneConfig
    from finetune.data import label_set

    cfg = FinetuneConfig(backend=backend, model=model, max_steps=steps, batch_size=batch,
                         max_length=128 if backend != "sft" else 192, lr=2e-4,
                         precision="bf16", predict_batch_size=64)
    trainer = get_backend(backend)(cfg)
    torch.cuda.reset_peak_memory_stats()
    setup = trainer.prepare(train.texts)
    started = time.perf_counter()
    result = trainer.train(setup, train, None, label_set(train), 0, True, name)
    seconds = time.perf_counter() - started
    accuracy = float(np.mean(np.array(predict(result.classifier, evaluation.texts))
                             == np.array(evaluation.labels)))
    return {"check": name, "backend": backend, "steps": result.steps,
            "train_examples_per_s": round(steps * batch / seconds, 1),
            "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
            "final_train_loss": round(float(np.mean(result.loss_history[-3:])), 4),
            "first_train_loss": round(float(result.loss_history[0]), 4),
            "eval_accuracy": round(accuracy, 4), "seconds": round(seconds, 1)}


def main() -> None:
    """Run the checks and print a table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decoder", help="a local causal-LM checkpoint (default: random 0.5B)")
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to check (the CPU tests cover the backends)")
        return
    train, evaluation = corpus(4000, 800)
    figures = []
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as scratch:
        qwen = decoder(Path(scratch), train.texts, args.decoder)
        for name, backend, model, batch in (
                ("MiniLM, LoRA classification", "lora", None, 32),
                ("0.5B decoder, LoRA classification", "lora", qwen, 16),
                ("0.5B decoder, instruction tuning (sft)", "sft", qwen, 16)):
            figures.append(check(name, backend, model, train, evaluation, args.steps, batch))
            print(json.dumps(figures[-1]), flush=True)
    print(f"\n{torch.cuda.get_device_name(0)}, bf16, {args.steps} steps each")
    print("| check | examples/s | peak GPU memory | loss first → last | eval accuracy |")
    print("|---|---|---|---|---|")
    for f in figures:
        print(f"| {f['check']} | {f['train_examples_per_s']:,} | {f['peak_gpu_memory_gib']} GiB "
              f"| {f['first_train_loss']} → {f['final_train_loss']} | {f['eval_accuracy']} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "gpu_check.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
