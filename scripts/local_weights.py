"""Where the project's own runs find Xception's ImageNet weights without the top.

The real-data tests, the scripts and the benchmarks look in one place: the file
$XCEPTION_NOTOP_WEIGHTS names, else `../shared/xception-imagenet/xception_notop.weights.h5`
beside the project (where the development machines keep it). A learner's runs
are not affected: `course.pretrained` reads only the variable, or downloads.
"""

from __future__ import annotations

import os
from pathlib import Path

from course.pretrained import WEIGHTS_ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
SHARED_WEIGHTS = ROOT.parent / "shared" / "xception-imagenet" / "xception_notop.weights.h5"


def local_weights() -> Path:
    """The file $XCEPTION_NOTOP_WEIGHTS names, else the shared copy beside the project (which may be absent)."""
    return Path(os.environ.get(WEIGHTS_ENV_VAR) or SHARED_WEIGHTS).expanduser()


def use_local_weights() -> Path | None:
    """Point $XCEPTION_NOTOP_WEIGHTS at `local_weights()` when that file exists, so that
    `weights="imagenet"` loads it in this process and its children; the file, or None
    (then Keras downloads the weights as usual)."""
    path = local_weights()
    if not path.is_file():
        return None
    os.environ[WEIGHTS_ENV_VAR] = str(path)
    return path
