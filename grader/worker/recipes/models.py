"""Recipes for the model lessons: build the learner's model on inputs made here.

- `build`: call a builder (`build_transfer_model`, ...) with `base_model=` a tiny
  seeded base (of a fixed or any input size) or None, while the Xception stand-in
  takes the place of `keras.applications.Xception`; hands back the model and the
  stand-in's calls.
- `symbolic`: call an `add_*` function on a symbolic input; hands back the model
  from that input to what it returned (or what it returned, when that is not a
  tensor).

Keras is imported inside the recipes: the learner's file of a model lesson
imports TensorFlow anyway.
"""

from __future__ import annotations

import contextlib
import sys

from grader.stand_ins import bases
from grader.worker.recipes import learner_function, raised_after

RECIPES = ("build", "symbolic")


def _swap_everywhere(old, new) -> None:
    """Bind `new` wherever `old` is bound in a loaded module (Keras's own modules, so that
    `keras.applications.Xception`, `tf.keras.applications` and `course.pretrained` reach
    it, and the learner's `from keras.applications import Xception`)."""
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if value is old:
                namespace[name] = new


def _refuse_download(*args, **kwargs):
    import urllib.error

    raise urllib.error.URLError("the grader never downloads weights")


@contextlib.contextmanager
def no_downloads():
    """Keras's downloads fail at once, as without internet (the course then raises
    PretrainedWeightsUnavailable): grading never waits for 88 MB of weights."""
    try:
        from keras.src.utils import file_utils  # where Keras 3 downloads from
    except ImportError:  # another Keras layout
        yield
        return
    original = file_utils.urlretrieve
    file_utils.urlretrieve = _refuse_download
    try:
        yield
    finally:
        file_utils.urlretrieve = original


@contextlib.contextmanager
def xception_stand_in(seed: int = bases.XCEPTION_SEED):
    """`keras.applications.Xception` is the recording stand-in for the length of the block."""
    import keras

    original = keras.applications.Xception
    fake = bases.FakeXception(seed=seed)
    _swap_everywhere(original, fake)
    try:
        with no_downloads():
            yield fake
    finally:
        _swap_everywhere(fake, original)


def given_base(base: str, size: int):
    """The base_model the judge asked for: "fixed" (size × size images), "flexible" (any size), "none"."""
    if base == "none":
        return None
    shape = (size, size, 3) if base == "fixed" else (None, None, 3)
    return bases.tiny_base(shape, seed=bases.GIVEN_SEED)


def build(module, *, function: str, settings: dict, base: str):
    """The learner's `function(**settings, base_model=...)`, and the stand-in's calls."""
    builder = learner_function(module, function)
    given = given_base(base, settings["input_size"])
    with xception_stand_in() as fake:
        try:
            model = builder(**settings, base_model=given)
        except BaseException as error:
            raised_after(error, fake.calls_made())
            raise
    return {"model": model, "calls": fake.calls_made(returned=model)}


def symbolic(module, *, function: str, shape: tuple, kwargs: dict):
    """The learner's `function(keras.Input(shape), **kwargs)`: as a model from that input when
    it returned a tensor, else what it returned ("layer" when that is a Keras layer)."""
    import keras

    inputs = keras.Input(tuple(shape))
    got = learner_function(module, function)(inputs, **kwargs)
    if isinstance(got, keras.layers.Layer):
        return {"kind": "layer", "type": type(got).__name__}
    if not isinstance(got, keras.KerasTensor):
        return {"kind": "other", "value": got}
    return {"kind": "tensor", "model": keras.Model(inputs, got)}
