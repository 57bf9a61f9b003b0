"""Lesson 8.6's stand-ins for `train_for_learning_rates`: a model factory and datasets that record.

Both sides run `train` with them. The worker runs the learner's function
(`grader/worker/recipes/lesson6.py`); the judge runs the reference's, here in its
own process, and works out from `fake_history` what each history of a record
must be. So the histories a record's result holds are evidence that the judge
weighs, never taken on trust. What crosses is each stand-in's record (plain
data) and a description of the result, never a History, a model or any other
object the learner's code made or kept.

Nothing here imports TensorFlow: grading lesson 8.6 never does, unless the
learner's own code does.
"""

from __future__ import annotations

import copy

import numpy as np

from grader.expect import describe


class FakeData:
    """Stands for a dataset: the function under test should only hand it to fit."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"the `{self.name}` argument"


def shown(value):
    """What a fit argument was, as plain data: a dataset's name, None, or a description."""
    if isinstance(value, FakeData):
        return value.name
    return None if value is None else describe(value)


class FakeVariable:
    """A Keras Variable holding one number, as `optimizer.learning_rate` is in Keras 3."""

    dtype = "float32"

    def __init__(self, value):
        self.value = float(value)

    def assign(self, value):
        self.value = float(value)
        return self

    def numpy(self):
        return self.value

    def __float__(self):
        return self.value

    def __repr__(self):
        return f"<Variable value={self.value}>"


class FakeOptimizer:
    """Adam as make_model compiles it: `learning_rate` reads as a Variable and can be set."""

    name = "adam"

    def __init__(self, learning_rate):
        self._learning_rate = FakeVariable(learning_rate)

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate.assign(value)

    def get_config(self):
        return {"name": self.name, "learning_rate": self._learning_rate.value}


class FakeLoss:
    """Categorical cross-entropy on logits, the loss make_model compiles with."""

    name = "categorical_crossentropy"
    from_logits = True

    def get_config(self):
        return {"name": self.name, "from_logits": self.from_logits}


def learning_rate_of(optimizer):
    """The rate an optimizer (a stand-in, a Keras optimizer or a name such as "adam") trains with."""
    if optimizer is None:  # a model make_model built without a rate
        return None
    rate = getattr(optimizer, "learning_rate", None)
    try:
        return float(rate) if rate is not None else 0.001  # Keras' Adam, "adam" included
    except (TypeError, ValueError):
        return None


def fake_history(seed, model, fit, epochs, validation):
    """The per-epoch numbers of fit number `fit` of model number `model`: different for every
    model and every fit, and shifted by the grading's `seed`, so that no history written in
    advance is the right one."""
    base = 0.3 + (seed % 1000) / 10_000 + 0.1 * model + 0.01 * fit
    history = {
        "loss": [round(2.0 - base - 0.05 * e, 4) for e in range(epochs)],
        "accuracy": [round(base + 0.02 * e, 4) for e in range(epochs)],
    }
    if validation:
        history["val_loss"] = [round(2.1 - base - 0.04 * e, 4) for e in range(epochs)]
        history["val_accuracy"] = [round(base - 0.05 + 0.015 * e, 4) for e in range(epochs)]
    return history


class FakeModel:
    """A compiled model, as far as train_for_learning_rates may reasonably touch one: fit,
    compile, its optimizer, loss and weights, evaluate, summary. Every call is recorded."""

    def __init__(self, seed, number, learning_rate):
        self.seed = seed
        self.number = number
        self.name = f"model_{number}"
        self.optimizer = FakeOptimizer(learning_rate) if learning_rate is not None else None
        self.loss = FakeLoss()
        self.metrics_names = ["loss", "compile_metrics"]
        self.layers = []
        self.trainable = True
        self.stop_training = False
        self.history = None
        self.fits = []
        self.compiles = 0
        self._weights = [np.zeros((4, 2), "float32"), np.zeros(2, "float32")]

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        run = max(int(epochs) - int(initial_epoch), 0)
        history = fake_history(self.seed, self.number, len(self.fits), run, validation_data is not None)
        # No copy of the history in the record: the judge works it out from these facts.
        self.fits.append({"x": shown(x), "y": shown(y), "validation_data": shown(validation_data),
                          "epochs": run, "learning_rate": learning_rate_of(self.optimizer)})
        self.history = FakeHistory(history, self, run)  # Keras keeps the last History on the model too
        return self.history

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        self.compiles += 1
        self.optimizer = optimizer if hasattr(optimizer, "learning_rate") else FakeOptimizer(learning_rate_of(optimizer))
        self.loss = loss

    def evaluate(self, x=None, y=None, *args, return_dict=False, **kwargs):
        fit = self.fits[-1] if self.fits else None
        last = (fake_history(self.seed, self.number, len(self.fits) - 1, fit["epochs"], fit["validation_data"] is not None)
                if fit else fake_history(self.seed, self.number, 0, 1, False))
        scores = {"loss": last["loss"][-1], "accuracy": last["accuracy"][-1]}
        return scores if return_dict else list(scores.values())

    def get_weights(self):
        return [weight.copy() for weight in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(weight) for weight in weights]

    def summary(self, *args, **kwargs):
        print(f"fake model {self.number}")

    def count_params(self):
        return 20_490

    def record(self):
        return {"fits": copy.deepcopy(self.fits), "compiles": self.compiles}


class FakeHistory:
    """What Keras' fit returns: `.history` is the dict of per-epoch lists."""

    def __init__(self, history, model, epochs):
        self.history = history
        self.model = model
        self.epoch = list(range(epochs))
        self.params = {"epochs": epochs, "verbose": 0, "steps": 1}


class Factory:
    """`make_model`: records every call and returns a new fake model each time, its optimizer
    at the learning rate it was asked for (by keyword, or positionally)."""

    def __init__(self, seed):
        self.seed = seed
        self.calls = []
        self.models = []

    def __call__(self, *args, **kwargs):
        rate = kwargs.get("learning_rate", args[0] if args else None)
        model = FakeModel(self.seed, len(self.models), rate if isinstance(rate, (int, float)) else None)
        self.calls.append({"args": list(args), "kwargs": dict(kwargs)})
        self.models.append(model)
        return model

    def record(self):
        """Every call of make_model and every fit of every model built, as plain data."""
        return {"calls": copy.deepcopy(self.calls), "models": [model.record() for model in self.models]}


def stored(value):
    """What the result holds under one key, as data: a dict is sent as it is (as plain data);
    an object with a `.history` (a History) only by its type's name; anything else described."""
    if isinstance(value, dict):
        return {"kind": "dict", "value": value}
    if hasattr(value, "history"):
        return {"kind": "history object", "type": type(value).__name__}
    return {"kind": "other", "described": describe(value)}


def described_result(result):
    """The result of train_for_learning_rates as data: `{"kind": "dict", "items": [[key, stored
    value], ...]}`, or `{"kind": "other", "described": ...}` when it is not a dict."""
    if not isinstance(result, dict):
        return {"kind": "other", "described": describe(result)}
    return {"kind": "dict", "items": [[key, stored(value)] for key, value in result.items()]}


def train(function, *, seed, **kwargs):
    """`function(make_model, train, validation, **kwargs)` (a train_for_learning_rates) on the
    stand-ins: what make_model and fit saw, and what it returned."""
    factory = Factory(seed)
    result = function(factory, FakeData("train"), FakeData("validation"), **kwargs)
    return {**factory.record(), "result": described_result(result)}
