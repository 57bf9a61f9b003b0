#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
cd /autograder/source
python3 -m pip install --quiet uv
uv sync --frozen
