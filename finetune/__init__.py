"""finetune: classification fine-tuning (LoRA or fastText) and raw-vs-curated ablations.

Heavy libraries (torch, transformers, peft, fasttext) load only when a backend is used.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # models load from local folders only

from finetune.ablation import run_ablation, train_single
from finetune.config import FinetuneConfig

__all__ = ["FinetuneConfig", "run_ablation", "train_single"]
