"""Recipe for lesson 8.3: call `load_pretrained_model`, with Xception's stand-in or for real.

With `stand_in`, `keras.applications.Xception` is the recording stand-in of
`grader.stand_ins` for the length of the call (no download); without it, the
real Xception is built (the judge asks only for `weights=None`), and Keras's
downloads fail at once. Hands back the model and the stand-in's calls.
"""

from __future__ import annotations

import contextlib

from grader.worker.recipes import learner_function, raised_after
from grader.worker.recipes.models import no_downloads, xception_stand_in

RECIPES = ("load",)


def load(module, *, kwargs: dict, stand_in: bool):
    function = learner_function(module, "load_pretrained_model")
    with (xception_stand_in() if stand_in else _no_stand_in()) as fake:
        try:
            model = function(**kwargs)
        except BaseException as error:
            raised_after(error, fake.calls_made() if fake else [])
            raise
    return {"model": model, "calls": fake.calls_made(returned=model) if fake else []}


@contextlib.contextmanager
def _no_stand_in():
    with no_downloads():
        yield None
