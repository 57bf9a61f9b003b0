#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image from the zip
# (unpacked into /autograder/source). It installs:
#   - bubblewrap, which confines the grader's worker process on Linux;
#   - uv, unless the image already has it;
#   - the project's locked packages, without the groups for development, the site and notebooks.
#   AUTOGRADER_ROOT the root of Gradescope's layout (default: /autograder; tests point it elsewhere)
set -euo pipefail
source_dir="${AUTOGRADER_ROOT:-/autograder}/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends bubblewrap ca-certificates curl
if ! command -v uv >/dev/null 2>&1; then
  # uv's own installer, into a folder on everyone's PATH (run_autograder calls `uv`).
  curl -LsSf https://astral.sh/uv/install.sh | env UV_UNMANAGED_INSTALL=/usr/local/bin sh
fi
cd "$source_dir"
# A Python that uv downloads goes where the unprivileged user that runs the learner's code
# (when bubblewrap cannot be used) can read it: uv's default lies under /root.
export UV_PYTHON_INSTALL_DIR=/opt/uv-python
uv sync --locked --no-default-groups
