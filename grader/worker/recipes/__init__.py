"""The recipes: what the worker does for the judge beyond calling one function.

Some inputs cannot cross the channel: a Keras base model, a symbolic tensor, a
stand-in for Xception, a folder of images to read as `fit` reads it, a callback
to run during `fit`. A recipe builds them here, beside the learner's code,
calls the learner's functions on them and hands back data: arrays, records, and
Keras models (saved as `.keras` files). The learner's code can change any recipe
while it runs, so what a recipe hands back is only ever evidence for the judge to
weigh, never a verdict. The judge may run a recipe too, from its own untouched copy,
on the reference or on its own stand-ins (lesson 6's training, lesson 7's fit), to
work out what the answer must be.

A recipe is named `module.function` (e.g. `models.build`): `module` is one of
`MODULES`, and `function` is listed in that module's `RECIPES`. Each takes the
learner's module first, then keyword arguments.
"""

from __future__ import annotations

import importlib

MODULES = ("models", "lesson3", "lesson5", "lesson6", "lesson7")


class MissingFunction(Exception):
    """The learner's module has no function of this name (the judge says so, as for a call)."""


def find(name: str):
    """The recipe called `name`, or None."""
    module_name, _, function = name.partition(".")
    if module_name not in MODULES:
        return None
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ImportError:
        return None
    return getattr(module, function) if function in getattr(module, "RECIPES", ()) else None


def learner_function(module, name: str):
    """The learner's function `name`, or `MissingFunction`."""
    function = getattr(module, name, None)
    if function is None:
        raise MissingFunction(name)
    return function


CONTEXT = "grader_context"  # what a recipe saw before the learner's code raised: sent with the error


def raised_after(error: BaseException, context) -> None:
    """Note on the learner's `error` what the recipe saw before it (plain data)."""
    try:
        setattr(error, CONTEXT, context)
    except Exception:  # an exception type that takes no attributes: the context is left out
        pass
