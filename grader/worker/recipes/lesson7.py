"""Recipes for lesson 8.7: run the learner's checkpoint callback in a `model.fit` of the grader's.

`checkpoint` calls `make_checkpoint` and runs the stand-in fit with the callback
it returned, in a folder the judge named (under the scratch folder, the only one
the worker may write); it hands back what it saw as data: whether the callback is
a ModelCheckpoint, its monitor and save_best_only, and the error the fit raised. The judge never
takes the worker's word for what was saved: it lists the folder itself, and
compares each saved model with the one it trained itself with `fit` below.

The stand-in fit is defined here, once, for both sides: a tiny model (one Dense
layer on 4 features, 8 samples, weights from a fixed seed) trains for 4 epochs
of one full batch each, while `ScriptedMetrics`, placed before the learner's
callback, rewrites the logged metrics, so that what a checkpoint watches decides
which epochs it saves. Without shuffling and on one batch, training is the
same in any process: the judge can work out the weights after each epoch.
"""

from __future__ import annotations

from pathlib import Path

from course.working_directory import working_directory
from grader.expect import describe
from grader.worker.recipes import learner_function

RECIPES = ("checkpoint",)

# What each epoch logs, whatever the model really computed.
SCRIPT = {
    "val_accuracy": (0.5, 0.7, 0.6, 0.8),
    "val_loss": (0.9, 0.95, 0.7, 0.8),
    "accuracy": (0.3, 0.4, 0.5, 0.45),
    "loss": (1.0, 0.9, 0.95, 0.99),
}
EPOCHS = len(SCRIPT["val_accuracy"])
LEARNING_RATE = 0.5  # large enough that the weights of any two epochs differ by far more than round-off
SEED = 7


def stand_in_model():
    """One Dense layer on 4 features, compiled with the accuracy metric, its weights seeded."""
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    generator = np.random.default_rng(SEED)
    model.set_weights([generator.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def fit(callbacks: list) -> None:
    """The 4-epoch fit of a fresh stand-in model with `callbacks` after the scripted metrics."""
    import keras
    import numpy as np

    class ScriptedMetrics(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs.update({name: values[epoch] for name, values in SCRIPT.items()})

    features = np.linspace(-1, 1, 32, dtype="float32").reshape(8, 4)
    labels = np.eye(2, dtype="float32")[[0, 1] * 4]
    stand_in_model().fit(features, labels, epochs=EPOCHS, batch_size=8, shuffle=False,
                         validation_data=(features, labels), callbacks=[ScriptedMetrics(), *callbacks],
                         verbose=0)


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
