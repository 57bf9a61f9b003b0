"""Checks for lesson 8.7: a checkpoint callback, and finding the best checkpoint in a folder.

`make_checkpoint` is judged by what it does in a real `model.fit`: a tiny model
(one Dense layer on 4 features, 8 samples) trains for 4 epochs while a callback
placed before the learner's rewrites the logged metrics, so that val_accuracy
goes 0.5, 0.7, 0.6, 0.8 and the other metrics move differently. The files
written say which quantity the checkpoint watched, in which direction, and
whether it saved only the improvements (epochs 1, 2 and 4). The model is
compiled with the `accuracy` metric, so `mode="auto"` is as good as
`mode="max"`. The files must be whole models (`.keras`, loadable with
`keras.models.load_model`); Keras itself refuses `save_weights_only=True`
with a `.keras` name.

`find_best_checkpoint` gets folders with decoys (other extensions, other
prefixes, a folder named like a checkpoint), ties, and modification times set so
that the newest file and the highest epoch are never the best. It must return a
`pathlib.Path` (the contract's type: a `str` has no `.name`).

TensorFlow is imported inside the checks only.
"""

import os
import time
from pathlib import Path

import numpy as np

from course.working_directory import working_directory
from grader.expect import describe, fail
from grader.messages import lesson7 as M

# --------------------------------------------------------------- make_checkpoint

# What each epoch logs, whatever the model really computed.
SCRIPT = {
    "val_accuracy": (0.5, 0.7, 0.6, 0.8),
    "val_loss": (0.9, 0.95, 0.7, 0.8),
    "accuracy": (0.3, 0.4, 0.5, 0.45),
    "loss": (1.0, 0.9, 0.95, 0.99),
}
EPOCHS = len(SCRIPT["val_accuracy"])
BEST_EPOCHS = [1, 2, 4]  # a new maximum of val_accuracy
HISTORY = ", ".join(f"{value:g}" for value in SCRIPT["val_accuracy"])
DEFAULT_PATTERN = "xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"

_model_cache = {}


def tiny_model():
    """One Dense layer on 4 features, compiled with the accuracy metric (built once)."""
    import keras

    if "model" not in _model_cache:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
        _model_cache["model"] = model
    return _model_cache["model"]


def fit_with(checkpoint):
    """A real 4-epoch fit with `checkpoint`, the metrics rewritten before it sees them."""
    import keras

    class ScriptedMetrics(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs.update({name: values[epoch] for name, values in SCRIPT.items()})

    features = np.linspace(-1, 1, 32, dtype="float32").reshape(8, 4)
    labels = np.eye(2, dtype="float32")[[0, 1] * 4]
    tiny_model().fit(features, labels, epochs=EPOCHS, batch_size=8, validation_data=(features, labels),
                     callbacks=[ScriptedMetrics(), checkpoint], verbose=0)


def expected_name(pattern, epoch):
    return pattern.format(epoch=epoch, **{name: values[epoch - 1] for name, values in SCRIPT.items()})


def shown_epochs(epochs):
    return ", ".join(map(str, epochs)) if epochs else "none"


def judge_checkpoint(checkpoint, call, root, target, pattern):
    """The fit with `checkpoint` wrote the improving epochs at `target / pattern`, nothing else under `root`."""
    __tracebackhide__ = True
    import keras

    if not isinstance(checkpoint, keras.callbacks.ModelCheckpoint):
        fail(M.NOT_CHECKPOINT, call=call, got=describe(checkpoint))
    with working_directory(root / "work"):
        try:
            fit_with(checkpoint)
        except Exception as error:  # raised by Keras on the learner's settings, e.g. a bad filepath
            fail(M.FIT_FAILED, call=call, error=type(error).__name__, detail=" ".join(str(error).split())[:300])
    wanted = {epoch: target / expected_name(pattern, epoch) for epoch in range(1, EPOCHS + 1)}
    written = sorted(path for path in root.rglob("*") if path.is_file())
    saved = [epoch for epoch, path in wanted.items() if path.is_file()]
    stray = [path for path in written if path not in wanted.values()]
    expected = ", ".join(wanted[epoch].name for epoch in BEST_EPOCHS)
    if not written:
        fail(M.NOTHING_SAVED, call=call, history=HISTORY, expected=expected)
    if stray:
        fail(M.IGNORES_FILEPATH, call=call, got=", ".join(str(p.relative_to(root)) for p in stray[:4]),
             expected=str(target.relative_to(root) / pattern) if target != root / "work" else pattern)
    if saved != BEST_EPOCHS:
        shown = {"got": shown_epochs(saved), "expected": shown_epochs(BEST_EPOCHS), "history": HISTORY}
        if saved == list(wanted) and not getattr(checkpoint, "save_best_only", True):
            fail(M.SAVES_EVERY_EPOCH, **shown)
        monitor = getattr(checkpoint, "monitor", None)
        if monitor != "val_accuracy":
            fail(M.WRONG_MONITOR, monitor=monitor, **shown)
        if saved == list(wanted):
            fail(M.SAVES_EVERY_EPOCH, **shown)
        if saved == [1]:
            fail(M.WRONG_DIRECTION, **shown)
        fail(M.WRONG_EPOCHS, **shown)
    return wanted[BEST_EPOCHS[-1]]


def check_checkpoint_default_name(student, reference, tmp_path):
    """make_checkpoint() saves xception_v1_01_0.500.keras, _02_0.700 and _04_0.800 while val_accuracy goes 0.5, 0.7, 0.6, 0.8"""
    checkpoint = student.make_checkpoint()
    import keras

    (tmp_path / "work").mkdir()
    best = judge_checkpoint(checkpoint, "", tmp_path, tmp_path / "work", DEFAULT_PATTERN)
    try:
        keras.models.load_model(best)
    except Exception as error:  # whatever Keras raises for a file that is not a model
        fail(M.NOT_A_MODEL, name=best.name, detail=" ".join(str(error).split())[:200])


def check_checkpoint_given_filepath(student, reference, tmp_path):
    """make_checkpoint(filepath) saves at that filepath (another folder and name pattern), only on a new best val_accuracy"""
    pattern = "clothes_{epoch}_{val_accuracy:.2f}.keras"
    target = tmp_path / "runs"
    checkpoint = student.make_checkpoint(str(target / pattern))
    (tmp_path / "work").mkdir()
    judge_checkpoint(checkpoint, f"'.../runs/{pattern}'", tmp_path, target, pattern)


# --------------------------------------------------------------- find_best_checkpoint


def make_folder(folder, names, folders=()):
    """Files `names` written in this order (each a minute after the one before), and
    subfolders `folders` (dated before every file)."""
    folder.mkdir(parents=True, exist_ok=True)
    start = time.time() - 3600
    for name in folders:
        (folder / name).mkdir()
        os.utime(folder / name, (start - 60, start - 60))
    for i, name in enumerate(names):
        path = folder / name
        path.write_bytes(b"PK\x03\x04 not really a model")
        os.utime(path, (start + 60 * i, start + 60 * i))
    return folder


def shown_names(names, folders=()):
    return ", ".join([*names, *(f"{name}/" for name in folders)])


def judge_best(got, folder, expected, names, traps=None, folders=(), prefix="xception_v1"):
    """`got` is the Path of `folder / expected`; a wrong choice found in `traps` names its mistake."""
    __tracebackhide__ = True
    listing = shown_names(names, folders)
    if got is None:
        fail(M.BEST_NONE, names=listing, expected=expected)
    if not isinstance(got, (str, os.PathLike)):
        fail(M.BEST_NOT_PATH, got=describe(got))
    chosen = Path(got).name
    if chosen != expected:
        template = (traps or {}).get(chosen, M.BEST_WRONG)
        fail(template, got=chosen, expected=expected, names=listing, prefix=prefix)
    if not isinstance(got, Path):
        fail(M.BEST_NOT_PATH, got=f"{type(got).__name__} {got!r}")
    if Path(got).resolve() != (folder / expected).resolve():
        fail(M.BEST_NAME_ONLY, got=repr(str(got)))


def check_best_highest_accuracy(student, reference, tmp_path):
    """find_best_checkpoint returns the Path of the highest val_accuracy, not the newest file or the last epoch"""
    names = [  # oldest first
        "xception_v1_03_0.550.keras",
        "xception_v1_02_0.804.keras",
        "xception_v1_05_0.731.keras",
        "xception_v1_01_0.612.keras",
    ]
    folder = make_folder(tmp_path / "models", names)
    got = student.find_best_checkpoint(str(folder))
    traps = {names[0]: M.BEST_LOWEST, names[2]: M.BEST_LAST_EPOCH, names[3]: M.BEST_NEWEST}
    judge_best(got, folder, names[1], names, traps)


def check_best_ignores_other_files(student, reference, tmp_path):
    """find_best_checkpoint ignores other extensions, other prefixes and a folder named like a checkpoint"""
    names = [  # oldest first
        "xception_v1_03_0.900.txt",
        "other_prefix_05_0.950.keras",
        "xception_v1_01_0.700.keras",
        "xception_v10_02_0.970.keras",
        "xception_v1_04_0.820.keras",
        "old_xception_v1_08_0.960.keras",
        "xception_v1_06_0.930.keras.bak",
        "xception_v1_notes.keras",
    ]
    folders = ["xception_v1_09_0.990.keras"]
    folder = make_folder(tmp_path / "models", names, folders)
    try:
        got = student.find_best_checkpoint(folder)
    except (ValueError, IndexError) as error:
        others = "xception_v1_notes.keras, xception_v1_03_0.900.txt, other_prefix_05_0.950.keras"
        fail(M.CRASHES_ON_OTHER_FILES, error=type(error).__name__,
             detail=" ".join(str(error).split())[:200] or "no message", others=others)
    traps = {
        names[0]: M.WRONG_EXTENSION, names[6]: M.WRONG_EXTENSION,
        names[1]: M.OTHER_PREFIX, names[3]: M.OTHER_PREFIX, names[5]: M.OTHER_PREFIX,
        folders[0]: M.FOLDER_PICKED,
    }
    judge_best(got, folder, "xception_v1_04_0.820.keras", names, traps, folders)


def check_best_counts_h5(student, reference, tmp_path):
    """find_best_checkpoint counts .h5 checkpoints (saved by older Keras) as well as .keras"""
    names = ["xception_v1_02_0.750.keras", "xception_v1_03_0.880.h5", "xception_v1_01_0.700.keras"]
    folder = make_folder(tmp_path / "models", names)
    got = student.find_best_checkpoint(folder)
    judge_best(got, folder, names[1], names, {names[0]: M.IGNORES_H5})


def check_best_tie_later_epoch(student, reference, tmp_path):
    """on a tie of val_accuracy find_best_checkpoint returns the later epoch"""
    folders = [  # (files oldest first, expected); three folders, so listing order cannot decide by luck
        (["xception_v1_02_0.750.keras", "xception_v1_04_0.800.keras", "xception_v1_07_0.800.keras",
          "xception_v1_05_0.780.keras"], "xception_v1_07_0.800.keras"),
        (["xception_v1_06_0.700.keras", "xception_v1_11_0.845.keras", "xception_v1_03_0.845.keras",
          "xception_v1_08_0.845.keras"], "xception_v1_11_0.845.keras"),
        (["xception_v1_15_0.910.keras", "xception_v1_12_0.910.keras", "xception_v1_13_0.880.keras"],
         "xception_v1_15_0.910.keras"),
    ]
    for i, (names, expected) in enumerate(folders):
        folder = make_folder(tmp_path / f"run{i}", names)
        got = student.find_best_checkpoint(folder)
        best = expected.rsplit("_", 1)[1]
        traps = {name: M.TIE_EARLIER for name in names if name.endswith(best) and name != expected}
        judge_best(got, folder, expected, names, traps)


def check_best_compares_numbers(student, reference, tmp_path):
    """find_best_checkpoint compares numbers, not text: epoch 10 is after epoch 9, and 0.9 equals 0.90"""
    cases = [
        (["xception_v1_8_0.800.keras", "xception_v1_10_0.850.keras", "xception_v1_9_0.850.keras"],
         "xception_v1_10_0.850.keras", {"xception_v1_9_0.850.keras": M.EPOCH_AS_STRING}),
        (["xception_v1_05_0.85.keras", "xception_v1_08_0.9.keras", "xception_v1_03_0.90.keras"],
         "xception_v1_08_0.9.keras", {"xception_v1_03_0.90.keras": M.ACCURACY_AS_STRING}),
    ]
    for i, (names, expected, traps) in enumerate(cases):
        folder = make_folder(tmp_path / f"run{i}", names)
        got = student.find_best_checkpoint(folder)
        judge_best(got, folder, expected, names, traps)


def check_best_prefix(student, reference, tmp_path):
    """find_best_checkpoint(directory, prefix) searches only that run's files, even with a "." in the prefix"""
    cases = [
        ("xception_v2", ["xception_v2_02_0.840.keras", "xception_v1_03_0.910.keras",
                         "xception_v2_05_0.870.keras", "xception_v2_01_0.800.keras"],
         "xception_v2_05_0.870.keras", {"xception_v1_03_0.910.keras": M.OTHER_PREFIX}),
        ("model.v2", ["model.v2_01_0.800.keras", "modelXv2_02_0.990.keras", "model.v2_04_0.850.keras",
                      "model.v2_03_0.820.h5"],
         "model.v2_04_0.850.keras", {"modelXv2_02_0.990.keras": M.UNESCAPED_PREFIX}),
    ]
    for i, (prefix, names, expected, traps) in enumerate(cases):
        folder = make_folder(tmp_path / f"run{i}", names)
        got = student.find_best_checkpoint(folder, prefix=prefix)
        judge_best(got, folder, expected, names, traps, prefix=prefix)


def check_best_none_found(student, reference, tmp_path):
    """find_best_checkpoint raises FileNotFoundError when no file is a checkpoint, or the folder does not exist"""
    names = ["notes.txt", "other_prefix_01_0.900.keras", "xception_v1_02_0.800.txt", "xception_v1_best.keras"]
    folders = ["xception_v1_03_0.990.keras"]
    cases = {
        f"a folder holding only {shown_names(names, folders)}": make_folder(tmp_path / "models", names, folders),
        "a folder that does not exist": tmp_path / "no_such_folder",
    }
    for case, folder in cases.items():
        try:
            got = student.find_best_checkpoint(folder)
        except FileNotFoundError:
            continue
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's code may raise anything
            fail(M.NOT_FOUND_WRONG_ERROR, error=type(error).__name__, case=case,
                 detail=" ".join(str(error).split())[:200] or "no message")
        if got is None:
            fail(M.NOT_FOUND_NONE, case=case)
        fail(M.NOT_FOUND_RETURNED, got=repr(got), case=case)
