"""Where the clothing dataset lives, and the one message that says how to get it."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CLOTHING_DATASET_DIR"
CLONE_COMMAND = "git clone https://github.com/alexeygrigorev/clothing-dataset-small.git"
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_CANDIDATES = (
    _PROJECT_ROOT / "clothing-dataset-small",
    _PROJECT_ROOT.parent / "shared" / "clothing-dataset-small",
)


def find_dataset() -> Path | None:
    """The dataset folder: $CLOTHING_DATASET_DIR, else a clone next to or beside the project."""
    if os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR]).expanduser()
        return path if (path / "train").is_dir() else None
    return next((path for path in _CANDIDATES if (path / "train").is_dir()), None)


def missing_dataset_message(path: Path | str | None = None) -> str:
    where = f"no dataset at {path}" if path else "the clothing dataset was not found"
    return (
        f"{where}. Get it with `{CLONE_COMMAND}` in the project folder, "
        f"or point {ENV_VAR} (or --data) at your copy."
    )
