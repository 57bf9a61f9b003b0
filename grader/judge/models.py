"""Keras models from the worker, loaded as data.

A model crosses as a `.keras` file in the worker's scratch folder
(`protocol.ModelFile`). Before Keras reads it, the judge copies it out of
the scratch folder (a regular file only: never through a link the learner's code
planted), and `protocol.model_needs_code` reads its config: a Lambda layer, a
class of the learner's own or of any module outside Keras is refused. Then Keras
loads it with `safe_mode=True` and no custom objects, compiled as the learner
compiled it. The checks judge what was loaded: its outputs, weights and compile
config, never an object the learner's code made.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from grader import protocol
from grader.expect import CheckFailure
from grader.messages import common


def load(file: protocol.ModelFile, scratch: Path, function: str):
    """The Keras model in `file`, or `CheckFailure` naming why it cannot be judged."""
    __tracebackhide__ = True
    folder = Path(tempfile.mkdtemp(prefix="model-"))
    try:
        copy = folder / "model.keras"
        reason = _copy_regular_file(scratch / file.name, copy) or protocol.model_needs_code(copy)
        if reason is not None:
            raise CheckFailure(common.MODEL_NEEDS_CODE, function=function, detail=reason)
        import keras

        try:
            return keras.saving.load_model(copy, compile=True, safe_mode=True)
        except Exception as error:  # a config that Keras refuses or cannot rebuild
            detail = _one_line(error)
            template = common.MODEL_NEEDS_CODE if "safe_mode" in detail or "Lambda" in detail else common.MODEL_UNREADABLE
            raise CheckFailure(template, function=function, detail=detail) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_regular_file(source: Path, target: Path) -> str | None:
    try:
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        return f"its file could not be read ({type(error).__name__})"
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "its file is not a regular file"
        if info.st_size > protocol.MODEL_FILE_LIMIT:
            return f"its file is larger than {protocol.MODEL_FILE_LIMIT // 2**20} MB"
        with open(target, "wb") as out:
            shutil.copyfileobj(handle, out)
    return None


def _one_line(error: BaseException, limit: int = 300) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
