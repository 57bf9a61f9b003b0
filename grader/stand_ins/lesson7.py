"""Lesson 8.7's stand-in fit, defined once for both sides.

A tiny model (one Dense layer on 4 features, 8 samples, weights from a fixed
seed) trains for 4 epochs of one full batch each. `ScriptedMetrics`, placed
before the learner's callback, rewrites the logged metrics, so that what a
checkpoint watches decides which epochs it saves. Without shuffling and on one
batch, training is the same in any process. The worker runs the fit with the
learner's callback (`grader/worker/recipes/lesson7.py`); the judge runs it with
its own, to work out the weights after each epoch.
"""

from __future__ import annotations


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
