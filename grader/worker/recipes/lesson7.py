"""Recipes for lesson 8.7: run the learner's checkpoint callback in a `model.fit` of the grader's.

`checkpoint` calls `make_checkpoint` and runs the stand-in fit with the callback
it returned, in a folder the judge named (under the scratch folder, the only one
the worker may write); it hands back what it saw as data: whether the callback is
a ModelCheckpoint, its monitor and save_best_only, and the error the fit raised. The judge never
takes the worker's word for what was saved: it lists the folder itself, and
compares each saved model with the one it trained itself with `fit` below.

The stand-in fit is `grader/stand_ins/lesson7.py`'s, which the judge runs too.
"""

from __future__ import annotations

from pathlib import Path

from course.working_directory import working_directory
from grader.expect import describe
from grader.stand_ins.lesson7 import fit
from grader.worker.recipes import learner_function

RECIPES = ("checkpoint",)


def checkpoint(module, *, folder: str, filepath: str | None):
    """`make_checkpoint()` (or `make_checkpoint(filepath)`) called and used in the stand-in fit,
    both in `folder/work`: what the callback is, its settings, and the error the fit raised."""
    import keras

    work = Path(folder) / "work"
    work.mkdir(parents=True, exist_ok=True)
    with working_directory(work):  # relative filepaths land here, as in the learner's notebook folder
        made = learner_function(module, "make_checkpoint")
        callback = made() if filepath is None else made(filepath)
        seen = {"is_checkpoint": isinstance(callback, keras.callbacks.ModelCheckpoint),
                "type": describe(callback), "fit_error": None}
        if not seen["is_checkpoint"]:
            return seen
        seen.update(monitor=_setting(callback, "monitor"), save_best_only=_setting(callback, "save_best_only"))
        try:
            fit([callback])
        except Exception as error:  # raised by Keras on the learner's settings, e.g. a bad filepath
            seen["fit_error"] = [type(error).__name__, " ".join(str(error).split())[:300]]
    return seen


def _setting(callback, name: str):
    """A setting of the callback, as plain data (None, a bool, a number or a string)."""
    value = getattr(callback, name, None)
    return value if value is None or isinstance(value, (bool, int, float, str)) else describe(value)
