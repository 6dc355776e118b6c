"""Tiny randomly initialised models and toy corpora for the finetune tests (built in-process)."""

from __future__ import annotations

import os
import random
import string
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORDS = {
    "sports": "football match goal team player coach league win score stadium".split(),
    "finance": "stock market bank rate profit shares price trade invest fund".split(),
    "science": "atom cell energy theory physics gene quantum lab data orbit".split(),
}
ZH_WORDS = {
    "sports": ["足球", "比赛", "球队", "冠军", "进球", "联赛", "教练", "球员"],
    "finance": ["股票", "市场", "银行", "利率", "基金", "投资", "股价", "交易"],
}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def make_corpus(words: dict[str, list[str]], n: int, seed: int, sep: str = " ") -> pl.DataFrame:
    """`n` texts of 6 words drawn from one label's word list, labels in turn."""
    rng = random.Random(seed)
    labels = sorted(words)
    rows = []
    for i in range(n):
        label = labels[i % len(labels)]
        rows.append(
            {"id": f"doc-{i}", "text": sep.join(rng.choices(words[label], k=6)), "label": label}
        )
    return pl.DataFrame(rows)


def english_vocab() -> list[str]:
    """Special tokens, the toy words, single characters and their ## continuations."""
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    words = sorted({w for ws in WORDS.values() for w in ws})
    return SPECIALS + words + chars + [f"##{c}" for c in string.ascii_lowercase + string.digits]


def jieba_character_vocab(size: int = 2000) -> list[str]:
    """The `size` most frequent characters of jieba's dictionary, weighted by word frequency."""
    import jieba

    counts: Counter[str] = Counter()
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        for ch in word:
            if "\u4e00" <= ch <= "\u9fff":
                counts[ch] += int(freq)
    return [ch for ch, _ in counts.most_common(size)]


def save_tiny_bert(folder: Path, vocab: list[str]) -> Path:
    """A 2-layer, 32-wide random BERT and its WordPiece tokenizer, saved to `folder`."""
    from transformers import BertConfig, BertModel, BertTokenizer

    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(vocab)})
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=0,
        initializer_range=0.2,  # livelier random features: a few steps are enough to learn
    )
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """A tiny English BERT folder (no Chinese characters in its vocabulary)."""
    import torch

    torch.manual_seed(0)
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), english_vocab())


@pytest.fixture(scope="session")
def tiny_qwen2(tmp_path_factory) -> Path:
    """A tiny random Qwen2 decoder (no pad token id in its config) with a byte-level BPE
    tokenizer trained on the toy words."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import Qwen2Config, Qwen2Model, Qwen2Tokenizer

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-qwen2")
    bpe = ByteLevelBPETokenizer()
    words = [" ".join(ws) for ws in WORDS.values()]
    bpe.train_from_iterator(
        words, vocab_size=300, special_tokens=["<|endoftext|>"], show_progress=False
    )
    bpe.save_model(str(folder))
    tokenizer = Qwen2Tokenizer(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=64,
        initializer_range=0.2,
    )
    Qwen2Model(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_qwen2_lm(tmp_path_factory, tiny_qwen2) -> Path:
    """The tiny Qwen2 with its language-model head saved (a causal LM checkpoint, as Qwen2
    releases are), and room for a prompt."""
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-qwen2-lm")
    tokenizer = AutoTokenizer.from_pretrained(tiny_qwen2)
    config = Qwen2Config.from_pretrained(tiny_qwen2, max_position_embeddings=256)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def english_data(tmp_path_factory) -> dict[str, Path]:
    """Toy 3-class English corpora: train and eval Parquet files."""
    folder = tmp_path_factory.mktemp("en-data")
    paths = {"train": folder / "train.parquet", "eval": folder / "eval.parquet"}
    make_corpus(WORDS, 60, seed=1).write_parquet(paths["train"])
    make_corpus(WORDS, 30, seed=2).write_parquet(paths["eval"])
    return paths


@pytest.fixture(scope="session")
def zh_corpus() -> pl.DataFrame:
    """48 toy Chinese texts (no spaces) in 2 classes."""
    return make_corpus(ZH_WORDS, 48, seed=3, sep="")


@pytest.fixture(scope="session")
def zh_bert_tokenizer_dir(tmp_path_factory) -> Path:
    """A tiny BERT whose vocabulary holds jieba's 2,000 most frequent characters."""
    return save_tiny_bert(tmp_path_factory.mktemp("zh-bert"), SPECIALS + jieba_character_vocab())


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models run fastest on one thread, and do not fight other processes for cores."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
