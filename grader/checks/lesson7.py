"""Checks for lesson 8.7: a checkpoint callback, and finding the best checkpoint in a folder.

`make_checkpoint` is judged by what it does in a real `model.fit`, run by the
worker beside the learner's code (`grader/worker/recipes/lesson7.py`), the stand-in
fit of `grader/stand_ins/lesson7.py`: a tiny
seeded model (one Dense layer on 4 features, 8 samples) trains for 4 epochs
while a callback placed before the learner's rewrites the logged metrics, so
that val_accuracy goes 0.5, 0.7, 0.6, 0.8 and the other metrics move
differently. The files written say which quantity the checkpoint watched, in
which direction, and whether it saved only the improvements (epochs 1, 2 and
4, worked out here from that script). The model is compiled with the
`accuracy` metric, so `mode="auto"` is as good as `mode="max"`.

The worker only says what the callback is (a ModelCheckpoint, its monitor and
save_best_only) and the error the fit raised. Which files were written, the
judge sees for itself: it lists the folder the fit ran in (under the worker's
scratch folder, the only one the worker may write). Each file that should be
there is loaded as data (`grader.judge.models.load`: safe mode, Keras's own
layers only) and must hold the stand-in model with the weights the judge's own
run of the same fit had at the end of that epoch; so files that the learner's
code made up, or a recipe it rewrote, do not pass. Keras itself refuses
`save_weights_only=True` with a `.keras` name. The default-name check judges
which epochs are saved and what they hold; the given-filepath check judges only
where the files go, so a wrong `monitor` is reported once.

`find_best_checkpoint` gets folders with decoys (other extensions, other
prefixes), ties, and modification times set so that the newest, the oldest, the
highest and the lowest epoch are never the best. No folder is named like a
checkpoint: Keras 3 writes checkpoints as files, so a correct glob or regex
that does not skip folders passes. The highest-accuracy check also asks for a
`pathlib.Path` inside the folder (the contract's type: a `str` has no `.name`);
the other checks compare only the name chosen, so that mistake is reported
once. The number check first asks which of two equally accurate epochs the
learner keeps, and judges "numbers, not text" against that choice, so a tie
broken the wrong way is reported by the tie check alone.

TensorFlow is imported inside the checks only.
"""

import os
import time
from pathlib import Path

import numpy as np

from grader import protocol
from grader.expect import CheckFailure, describe, fail
from grader.messages import lesson7 as M
from grader.stand_ins import lesson7 as stand_in  # the fit the worker runs, run here too

# --------------------------------------------------------------- make_checkpoint

SCRIPT = stand_in.SCRIPT
EPOCHS = stand_in.EPOCHS
HISTORY = ", ".join(f"{value:g}" for value in SCRIPT["val_accuracy"])
DEFAULT_PATTERN = "xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"
WEIGHT_TOLERANCE = 1e-5  # float32 round-off between two processes; epochs differ by 4e-3 or more


def new_maxima(values):
    """The epochs (from 1) where `values` beat every earlier epoch: what save_best_only keeps."""
    epochs, best = [], None
    for epoch, value in enumerate(values, start=1):
        if best is None or value > best:
            epochs.append(epoch)
            best = value
    return epochs


BEST_EPOCHS = new_maxima(SCRIPT["val_accuracy"])

_trained = {}  # epoch -> the stand-in model's weights at its end, in the judge's own run


def weights_after(epoch):
    """The stand-in model's weights at the end of `epoch` of the grader's fit, run here once."""
    if not _trained:
        import keras

        class RecordWeights(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                _trained[epoch + 1] = self.model.get_weights()

        stand_in.fit([RecordWeights()])
    return _trained[epoch]


def expected_name(pattern, epoch):
    return pattern.format(epoch=epoch, **{name: values[epoch - 1] for name, values in SCRIPT.items()})


def shown_epochs(epochs):
    return ", ".join(map(str, epochs)) if epochs else "none"


def fresh_folder(student, name):
    """A new folder for one fit, under the worker's scratch folder: the worker creates it and
    may write there under every confinement (the check's tmp_path is read-only to it under
    bubblewrap, and not its own when it runs as another user)."""
    return student.scratch_folder(f"lesson7-{name}")


def files_under(root):
    """Every file below `root` (POSIX paths relative to it), as listed here; links not followed."""
    return sorted(Path(folder, name).relative_to(root).as_posix()
                  for folder, _, names in os.walk(root) for name in names)


def run_checkpoint(student, root, filepath=None):
    """make_checkpoint() or make_checkpoint(filepath), used by the worker in the stand-in fit
    in `root / "work"`: what it said of the callback, and the files found under `root`."""
    seen = student.ask("lesson7.checkpoint", naming="make_checkpoint", folder=str(root), filepath=filepath)
    seen = seen if isinstance(seen, dict) else {}
    error = seen.get("fit_error")
    if error and not (isinstance(error, (list, tuple)) and len(error) == 2):
        error = ("an error", error)
    return {"is_checkpoint": seen.get("is_checkpoint") is True, "type": str(seen.get("type"))[:200],
            "monitor": seen.get("monitor"), "save_best_only": seen.get("save_best_only"),
            "fit_error": (str(error[0])[:100], str(error[1])[:300]) if error else None,
            "written": files_under(root)}


def expect_saved_where_told(ran, call, root, target, pattern):
    """The fit wrote files, all of them at `target / pattern`; returns {epoch: path} of the files
    the pattern names for each epoch (written or not)."""
    __tracebackhide__ = True
    if not ran["is_checkpoint"]:
        fail(M.NOT_CHECKPOINT, call=call, got=ran["type"])
    if ran["fit_error"]:
        error, detail = ran["fit_error"]
        fail(M.FIT_FAILED, call=call, error=error, detail=detail)
    wanted = {epoch: target / expected_name(pattern, epoch) for epoch in range(1, EPOCHS + 1)}
    if not ran["written"]:
        expected = ", ".join(wanted[epoch].name for epoch in BEST_EPOCHS)
        fail(M.NOTHING_SAVED, call=call, history=HISTORY, expected=expected)
    names = {path.relative_to(root).as_posix() for path in wanted.values()}
    stray = [name for name in ran["written"] if name not in names]
    if stray:
        fail(M.IGNORES_FILEPATH, call=call, got=", ".join(stray[:4]),
             expected=str(target.relative_to(root) / pattern) if target != root / "work" else pattern)
    return wanted


def expect_best_epochs_saved(ran, root, wanted):
    """The files written are those of the epochs where val_accuracy reached a new maximum."""
    __tracebackhide__ = True
    saved = [epoch for epoch, path in wanted.items() if path.relative_to(root).as_posix() in ran["written"]]
    if saved == BEST_EPOCHS:
        return
    shown = {"got": shown_epochs(saved), "expected": shown_epochs(BEST_EPOCHS), "history": HISTORY}
    if saved == list(wanted) and not ran["save_best_only"]:
        fail(M.SAVES_EVERY_EPOCH, **shown)
    if ran["monitor"] != "val_accuracy":
        fail(M.WRONG_MONITOR, monitor=ran["monitor"], **shown)
    if saved == list(wanted):
        fail(M.SAVES_EVERY_EPOCH, **shown)
    if saved == [1]:
        fail(M.WRONG_DIRECTION, **shown)
    fail(M.WRONG_EPOCHS, **shown)


def expect_model_of_epoch(path, epoch):
    """The file at `path` is a whole model, the stand-in as the fit left it at the end of `epoch`."""
    __tracebackhide__ = True
    from grader.judge import models

    try:
        model = models.load(protocol.ModelFile(path.name), path.parent, "make_checkpoint")
    except CheckFailure as failure:  # not a .keras archive, a Lambda layer, a class of its own
        detail = str(failure.fields.get("detail", failure))  # why Keras or the grader refused it, not the whole message
        fail(M.NOT_A_MODEL, name=path.name, detail=" ".join(detail.split())[:200])
    got, expected = model.get_weights(), weights_after(epoch)
    if len(got) != len(expected) or not all(
            g.shape == e.shape and np.allclose(g, e, rtol=0, atol=WEIGHT_TOLERANCE) for g, e in zip(got, expected)):
        fail(M.NOT_THE_TRAINED_MODEL, name=path.name, epoch=epoch)


def check_checkpoint_default_name(student, reference):
    """make_checkpoint() saves xception_v1_01_0.500.keras, _02_0.700 and _04_0.800 while val_accuracy goes 0.5, 0.7, 0.6, 0.8"""
    root = fresh_folder(student, "default-name")
    ran = run_checkpoint(student, root)
    wanted = expect_saved_where_told(ran, "", root, root / "work", DEFAULT_PATTERN)
    expect_best_epochs_saved(ran, root, wanted)
    for epoch in BEST_EPOCHS:
        expect_model_of_epoch(wanted[epoch], epoch)


def check_checkpoint_given_filepath(student, reference):
    """make_checkpoint(filepath) saves at that filepath (another folder and name pattern)"""
    pattern = "clothes_{epoch}_{val_accuracy:.2f}.keras"
    root = fresh_folder(student, "given-filepath")
    target = root / "runs"
    ran = run_checkpoint(student, root, str(target / pattern))
    expect_saved_where_told(ran, f"'.../runs/{pattern}'", root, target, pattern)


# --------------------------------------------------------------- find_best_checkpoint


def make_folder(folder, names):
    """Files `names` written in this order, each a minute after the one before."""
    folder.mkdir(parents=True, exist_ok=True)
    start = time.time() - 3600
    for i, name in enumerate(names):
        path = folder / name
        path.write_bytes(b"PK\x03\x04 not really a model")
        os.utime(path, (start + 60 * i, start + 60 * i))
    return folder


def judge_best(got, expected, names, traps=None, prefix="xception_v1"):
    """`got` names the file `expected`; a wrong choice found in `traps` names its mistake."""
    __tracebackhide__ = True
    listing = ", ".join(names)
    if got is None:
        fail(M.BEST_NONE, names=listing, expected=expected)
    if not isinstance(got, (str, os.PathLike)):
        fail(M.BEST_NOT_PATH, got=describe(got))
    chosen = Path(got).name
    if chosen != expected:
        template = (traps or {}).get(chosen, M.BEST_WRONG)
        fail(template, got=chosen, expected=expected, names=listing, prefix=prefix)


def check_best_highest_accuracy(student, reference, tmp_path):
    """find_best_checkpoint returns the Path of the highest val_accuracy, not the newest file or the last epoch"""
    names = [  # oldest first: the oldest, newest, highest and lowest epoch are each another file
        "xception_v1_04_0.700.keras",
        "xception_v1_02_0.804.keras",  # the best
        "xception_v1_06_0.731.keras",
        "xception_v1_03_0.550.keras",
        "xception_v1_01_0.652.keras",
        "xception_v1_05_0.690.keras",
    ]
    folder = make_folder(tmp_path / "models", names)
    got = student.find_best_checkpoint(str(folder))
    traps = {names[3]: M.BEST_LOWEST, names[2]: M.BEST_LAST_EPOCH, names[5]: M.BEST_NEWEST}
    judge_best(got, names[1], names, traps)
    if not isinstance(got, Path):
        fail(M.BEST_NOT_PATH, got=f"{type(got).__name__} {got!r}")
    if got.resolve() != (folder / names[1]).resolve():
        fail(M.BEST_NAME_ONLY, got=repr(str(got)))


def check_best_ignores_other_files(student, reference, tmp_path):
    """find_best_checkpoint ignores other extensions and other prefixes"""
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
    folder = make_folder(tmp_path / "models", names)
    try:
        got = student.find_best_checkpoint(folder)
    except (ValueError, IndexError) as error:
        others = "xception_v1_notes.keras, xception_v1_03_0.900.txt, other_prefix_05_0.950.keras"
        fail(M.CRASHES_ON_OTHER_FILES, error=type(error).__name__,
             detail=" ".join(str(error).split())[:200] or "no message", others=others)
    traps = {
        names[0]: M.WRONG_EXTENSION, names[6]: M.WRONG_EXTENSION,
        names[1]: M.OTHER_PREFIX, names[3]: M.OTHER_PREFIX, names[5]: M.OTHER_PREFIX,
    }
    judge_best(got, "xception_v1_04_0.820.keras", names, traps)


def check_best_counts_h5(student, reference, tmp_path):
    """find_best_checkpoint counts .h5 checkpoints (saved by older Keras) as well as .keras"""
    names = ["xception_v1_02_0.750.keras", "xception_v1_03_0.880.h5", "xception_v1_01_0.700.keras"]
    folder = make_folder(tmp_path / "models", names)
    got = student.find_best_checkpoint(folder)
    judge_best(got, names[1], names, {names[0]: M.IGNORES_H5})


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
        judge_best(got, expected, names, traps)


def tie_kept(student, folder):
    """Which of two equally accurate checkpoints the learner keeps: "later", "earlier", or None
    when it keeps neither (a mistake the other checks name)."""
    names = ["xception_v1_07_0.800.keras", "xception_v1_03_0.800.keras", "xception_v1_05_0.700.keras"]
    got = student.find_best_checkpoint(make_folder(folder, names))
    chosen = Path(got).name if isinstance(got, (str, os.PathLike)) else None
    return {names[0]: "later", names[1]: "earlier"}.get(chosen)


# Folders where comparing text instead of numbers picks another file, for either way of breaking a
# tie: (files oldest first, the file numbers pick, the file text picks).
NUMBER_CASES = {
    "later": [
        (["xception_v1_8_0.800.keras", "xception_v1_10_0.850.keras", "xception_v1_9_0.850.keras"],
         "xception_v1_10_0.850.keras", {"xception_v1_9_0.850.keras": M.EPOCH_AS_STRING}),
        (["xception_v1_05_0.85.keras", "xception_v1_08_0.9.keras", "xception_v1_03_0.90.keras"],
         "xception_v1_08_0.9.keras", {"xception_v1_03_0.90.keras": M.ACCURACY_AS_STRING}),
    ],
    "earlier": [
        (["xception_v1_8_0.800.keras", "xception_v1_10_0.850.keras", "xception_v1_9_0.850.keras"],
         "xception_v1_9_0.850.keras", {"xception_v1_10_0.850.keras": M.EPOCH_AS_STRING}),
        (["xception_v1_05_0.85.keras", "xception_v1_03_0.9.keras", "xception_v1_08_0.90.keras"],
         "xception_v1_03_0.9.keras", {"xception_v1_08_0.90.keras": M.ACCURACY_AS_STRING}),
    ],
}


def check_best_compares_numbers(student, reference, tmp_path):
    """find_best_checkpoint compares numbers, not text: epoch 10 is after epoch 9, and 0.9 equals 0.90"""
    kept = tie_kept(student, tmp_path / "tie")
    for i, (names, expected, traps) in enumerate(NUMBER_CASES[kept or "later"]):
        folder = make_folder(tmp_path / f"run{i}", names)
        got = student.find_best_checkpoint(folder)
        judge_best(got, expected, names, traps)


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
        judge_best(got, expected, names, traps, prefix=prefix)


def check_best_none_found(student, reference, tmp_path):
    """find_best_checkpoint raises FileNotFoundError when no file is a checkpoint, or the folder does not exist"""
    names = ["notes.txt", "other_prefix_01_0.900.keras", "xception_v1_02_0.800.txt", "xception_v1_best.keras"]
    cases = {
        f"a folder holding only {', '.join(names)}": make_folder(tmp_path / "models", names),
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
