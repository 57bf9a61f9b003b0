"""Reference solution of lesson 7 (course lesson 8.7, checkpointing).

The explanations are in `lessons/lesson7_checkpointing.py`.
"""

import re
from pathlib import Path

import keras


def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
    """A callback that saves the model whenever its validation accuracy improves.

    Args:
        filepath: where to save; Keras fills in `{epoch}` and the logged
            metrics such as `{val_accuracy}`. Must end in `.keras`.

    Returns:
        A `keras.callbacks.ModelCheckpoint` that watches `val_accuracy`, treats
        higher as better, and saves only when it reaches a new maximum.
    """
    return keras.callbacks.ModelCheckpoint(
        filepath,
        save_best_only=True,
        monitor="val_accuracy",
        mode="max",
    )


def find_best_checkpoint(directory, prefix="xception_v1"):
    """The saved model with the highest validation accuracy in `directory`.

    Args:
        directory: the folder to look in (not its subfolders).
        prefix: the start of the checkpoint names.

    Returns:
        The `pathlib.Path` of the file named `{prefix}_{epoch}_{val_accuracy}.keras`
        (or `.h5`) with the highest `val_accuracy`; on a tie, the later epoch.
        Files whose names do not follow that pattern are ignored.

    Raises:
        FileNotFoundError: when `directory` holds no such file (or does not exist).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"no folder {directory}")

    pattern = re.compile(rf"{re.escape(prefix)}_(\d+)_(\d+(?:\.\d+)?)\.(keras|h5)")
    best_key, best_path = None, None
    for path in directory.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        epoch, accuracy, extension = match.groups()
        key = (float(accuracy), int(epoch), extension == "keras")
        if best_key is None or key > best_key:
            best_key, best_path = key, path

    if best_path is None:
        raise FileNotFoundError(
            f"no checkpoint named {prefix}_<epoch>_<val_accuracy>.keras in {directory}"
        )
    return best_path


if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson7", globals())
