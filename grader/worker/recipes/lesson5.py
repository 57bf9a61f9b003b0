"""Recipes for lesson 8.5: read the learner's datasets as `model.fit` reads them, and fit on them.

The datasets the learner's `make_datasets` returns stay here (a training dataset
shuffles anew on every pass, so the same objects are read pass after pass);
what crosses is their batches, as arrays. `fit` trains a small model of the
grader's on them and hands back the trained model and its history, so that the
judge can evaluate that model itself.
"""

from __future__ import annotations

from grader.worker.recipes import learner_function

RECIPES = ("made", "one_pass", "fit")

_made: dict = {}  # the learner's datasets, by the arguments they were made with


def _datasets(module, root, target_size, batch_size):
    key = (str(root), tuple(target_size), batch_size)
    if key not in _made:
        _made[key] = learner_function(module, "make_datasets")(root, target_size=tuple(target_size),
                                                                batch_size=batch_size)
    return _made[key]


def made(module, *, root, target_size, batch_size):
    """Whether `make_datasets` gave a (train, validation) pair; what it gave when it did not."""
    result = _datasets(module, root, target_size, batch_size)
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return {"pair": True}
    return {"pair": False, "got": result}


def _to_numpy(value):
    import numpy as np

    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def one_pass(module, *, root, target_size, batch_size, split, limit):
    """The next pass over the `split` data: `{"batches": [...]}`, each an (images, labels)
    pair of arrays or the batch as it came; `{"never_ends": True}` past `limit` batches."""
    import keras

    train, validation = _datasets(module, root, target_size, batch_size)
    data = train if split == "train" else validation
    if isinstance(data, keras.utils.PyDataset):  # as fit reads one: num_batches, by index
        count = data.num_batches
        if count is None or count > limit:
            return {"never_ends": True}
        data.on_epoch_begin()
        batches = [data[i] for i in range(count)]
        data.on_epoch_end()
    else:
        batches = []
        for batch in data:
            batches.append(batch)
            if len(batches) > limit:
                return {"never_ends": True}
    return {"batches": [(_to_numpy(b[0]), _to_numpy(b[1])) if isinstance(b, (tuple, list)) and len(b) == 2 else b
                        for b in batches]}


def fit(module, *, root, target_size, batch_size, classes):
    """One epoch of a small model of the grader's on the learner's datasets: the trained
    model and its history, or why fit failed."""
    import keras

    train, validation = _datasets(module, root, target_size, batch_size)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((*target_size, 3)),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(classes),
    ])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=True)
    try:
        history = model.fit(train, validation_data=validation, epochs=1, verbose=0)
    except Exception as error:
        return {"fit_error": f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"}
    return {"model": model, "history": dict(history.history)}
