#!/usr/bin/env bash
# Set everything up and run the sample pipeline end to end (runs/sample/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
curate run pipelines/sample.toml --overwrite "$@"
