"""Small seeded models that both sides build: the tiny bases that stand in for Xception.

The worker builds them as inputs for the learner's code (`base_model=`, and what
the Xception stand-in returns); the judge builds the same ones for the reference,
and to recognise them inside a learner's model by their weights: two bases built
with the same arguments hold the same numbers, which no other layer holds.
Keras is imported inside each function: lessons 1 and 4 load the checks' helpers
and must never import TensorFlow.
"""

from __future__ import annotations

import numpy as np

BASE_CHANNELS = 6  # feature maps of the tiny base: the length of the pooled vectors
GIVEN_SEED = 1  # the base a builder is given as base_model=
XCEPTION_SEED = 2  # the base inside what the Xception stand-in returns: not the given one


def seeded_weights(model, seed):
    """Give `model` fixed weights drawn from `seed`: the same seed, the same weights.
    Batch-normalization statistics are set away from 0 and 1, so that training and
    inference mode differ."""
    rng = np.random.default_rng(seed)
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        name = weight.path.rsplit("/", 1)[-1]
        if name == "gamma":
            values.append(rng.uniform(0.5, 1.5, shape))
        elif name == "moving_variance":
            values.append(rng.uniform(0.5, 2.0, shape))
        elif name in ("beta", "moving_mean", "bias"):
            values.append(rng.normal(0.0, 0.3, shape))
        else:
            values.append(rng.normal(0.0, 0.5, shape))
    model.set_weights([v.astype("float32") for v in values])
    return model


def tiny_base(input_shape=(16, 16, 3), *, channels=BASE_CHANNELS, seed=0, functional=True,
              pooling=None, name=None):
    """A small convolutional base: Conv2D(channels, 3) then BatchNormalization, seeded.

    `input_shape` may contain None (any size). `pooling` is "avg", "max" or None,
    as Xception's. A functional model, as Xception is (so `base.input` and
    `base.output` exist, for models built the Keras 2 way); Sequential with
    `functional=False`."""
    import keras

    layers = [keras.layers.Conv2D(channels, 3), keras.layers.BatchNormalization()]
    if pooling == "avg":
        layers.append(keras.layers.GlobalAveragePooling2D())
    elif pooling == "max":
        layers.append(keras.layers.GlobalMaxPooling2D())
    if functional:
        inputs = keras.Input(shape=tuple(input_shape))
        x = inputs
        for layer in layers:
            x = layer(x)
        model = keras.Model(inputs, x, name=name)
    else:
        model = keras.Sequential([keras.Input(shape=tuple(input_shape)), *layers], name=name)
    return seeded_weights(model, seed)


class FakeXception:
    """Stands in for `keras.applications.Xception` (same signature).

    Records every call in `calls` (a dict of the arguments by name) and returns a
    tiny model: without the top, a `tiny_base` of `input_shape` (any size when it
    is None); with the top, that base, global average pooling and a dense layer of
    `classes` outputs with `classifier_activation`. The returned models are kept
    in `models`."""

    def __init__(self, seed=0):
        self.seed = seed
        self.calls: list[dict] = []
        self.models: list = []

    def reset(self):
        self.calls.clear()
        self.models.clear()

    def calls_made(self, returned=None) -> list[dict]:
        """The calls as plain data: an input tensor by its shape, and (given the object the
        learner's code returned) `"returned": True` on the call that made it."""
        made = []
        for call, model in zip(self.calls, self.models):
            tensor = call["input_tensor"]
            made.append({**call, "input_tensor": None if tensor is None else [d for d in tensor.shape[1:]],
                         "returned": model is returned})
        return made

    def rebuild(self, call: dict):
        """The model a call (as `calls_made` gives it) returned: the same weights, built again."""
        import keras

        arguments = {key: value for key, value in call.items() if key != "returned"}
        if arguments["input_tensor"] is not None:
            arguments["input_tensor"] = keras.Input(shape=tuple(arguments["input_tensor"]))
        if arguments["input_shape"] is not None:
            arguments["input_shape"] = tuple(arguments["input_shape"])
        return self(**arguments)

    def __call__(self, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                 pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
        import keras

        self.calls.append(dict(include_top=include_top, weights=weights, input_tensor=input_tensor,
                               input_shape=input_shape, pooling=pooling, classes=classes,
                               classifier_activation=classifier_activation, name=name))
        if input_tensor is None and not include_top:
            shape = tuple(input_shape) if input_shape is not None else (None, None, 3)
            model = tiny_base(shape, seed=self.seed, pooling=pooling, name=name)
        else:
            if input_tensor is not None:
                inputs = input_tensor
            else:
                inputs = keras.Input(shape=tuple(input_shape) if input_shape is not None else (299, 299, 3))
            x = tiny_base(tuple(inputs.shape[1:]), seed=self.seed, pooling=None if include_top else pooling)(inputs)
            if include_top:
                x = keras.layers.GlobalAveragePooling2D()(x)
                x = keras.layers.Dense(classes, activation=classifier_activation)(x)
            model = keras.Model(inputs, x, name=name)
            if include_top:
                seeded_weights(model, self.seed)
        self.models.append(model)
        return model
