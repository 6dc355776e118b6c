#!/usr/bin/env bash
# Set everything up and run the test suite: the fast tests, then the slow end-to-end ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# The report's browser test drives Debian's headless Chromium (it skips when none is found).
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null 2>&1 \
        || echo "warning: could not install chromium; the browser test will be skipped" >&2
fi

run_pytest() {
    # pytest exits 5 when it collected no test: that must fail, not pass silently.
    local code=0
    python -m pytest "$@" || code=$?
    if [ "$code" -eq 5 ]; then echo "error: pytest collected no tests for: $*" >&2; fi
    return "$code"
}

ruff check curate finetune tests bench
run_pytest -q
run_pytest -q -m slow
