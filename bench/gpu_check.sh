#!/usr/bin/env bash
# The fine-tune backends on one GPU (bench/gpu_check.py): LoRA classification on the bundled
# MiniLM and on a 0.5B decoder, instruction tuning (sft) on the decoder, bf16; examples/s, peak
# GPU memory, losses, accuracy. About 3 minutes on an H100/H200; exits 0 without a GPU.
#   bash bench/gpu_check.sh [--decoder /path/to/Qwen2-0.5B] [--steps 200]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || command -v python3 )}
export HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
exec "$PYTHON" bench/gpu_check.py "$@"
