"""Lesson 8.7: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import lesson7 as M
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes

CHECKPOINT = """
    def make_checkpoint(filepath="xception_v1_{{epoch:02d}}_{{val_accuracy:.3f}}.keras"):
        return keras.callbacks.ModelCheckpoint({arguments})
    """


def checkpoint(arguments):
    return CHECKPOINT.format(arguments=arguments)


# The reference's loop, with one piece swapped out.
FIND_BEST = """
    def find_best_checkpoint(directory, prefix="xception_v1"):
        pattern = re.compile({pattern})
        best_key, best_path = None, None
        for path in {listing}:
            match = pattern.fullmatch(path.name)
            if match is None or not path.is_file():
                continue
            epoch, accuracy = match.group(1), match.group(2)
            key = {key}
            if best_key is None or key > best_key:
                best_key, best_path = key, path
        if best_path is None:
            {nothing}
        return best_path
    """
PATTERN = r'rf"{re.escape(prefix)}_(\d+)_(\d+(?:\.\d+)?)\.(keras|h5)"'


def find_best(pattern=PATTERN, listing="Path(directory).iterdir()", key="(float(accuracy), int(epoch))",
              nothing='raise FileNotFoundError(f"no checkpoint in {directory}")'):
    return FIND_BEST.format(pattern=pattern, listing=listing, key=key, nothing=nothing)


GLOB_BEST = """
    def find_best_checkpoint(directory, prefix="xception_v1"):
        best, best_key = None, None
        for path in sorted(Path(directory).glob(prefix + "_*")):
            match = re.fullmatch(re.escape(prefix) + r"_(\\d+)_(\\d+(?:\\.\\d+)?)\\.(keras|h5)", path.name)
            if match:
                key = {key}
                if best_key is None or key > best_key:
                    best, best_key = path, key
        if best is None:
            {nothing}
        return best
    """

WRONG = {
    "watches val_loss": (M.WRONG_MONITOR, checkpoint('filepath, monitor="val_loss", save_best_only=True')),
    "watches the training accuracy": (
        M.WRONG_MONITOR, checkpoint('filepath, monitor="accuracy", mode="max", save_best_only=True')),
    "lower accuracy counted as better": (
        M.WRONG_DIRECTION, checkpoint('filepath, monitor="val_accuracy", mode="min", save_best_only=True')),
    "saves every epoch": (M.SAVES_EVERY_EPOCH, checkpoint('filepath, monitor="val_accuracy", mode="max"')),
    "filepath ignored": (M.IGNORES_FILEPATH, checkpoint(
        '"xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras", monitor="val_accuracy", mode="max", '
        'save_best_only=True')),
    "picks the newest file": (M.BEST_NEWEST, """
        def find_best_checkpoint(directory, prefix="xception_v1"):
            files = list(Path(directory).glob(f"{prefix}_*.keras")) + list(Path(directory).glob(f"{prefix}_*.h5"))
            if not files:
                raise FileNotFoundError(directory)
            return max(files, key=lambda path: path.stat().st_mtime)
        """),
    "earlier epoch on a tie": (M.TIE_EARLIER, find_best(listing="sorted(Path(directory).iterdir())", key="float(accuracy)")),
    "None when nothing matches": (M.NOT_FOUND_NONE, find_best(nothing="return None")),
    "prefix ignored": (M.OTHER_PREFIX, find_best(pattern=r'r"(?:.+)_(\d+)_(\d+(?:\.\d+)?)\.(keras|h5)"')),
    "accuracies compared as text": (M.ACCURACY_AS_STRING, find_best(key="(accuracy, int(epoch))")),
    # The way students write it: a glob, a regex on each name, no check that it is a file.
    "glob and a regex, None when nothing matches": (M.NOT_FOUND_NONE, GLOB_BEST.format(
        key="(float(match.group(2)), int(match.group(1)))", nothing="return None")),
    "glob and a regex, earlier epoch on a tie": (M.TIE_EARLIER, GLOB_BEST.format(
        key="float(match.group(2))", nothing="raise FileNotFoundError(directory)")),
    "returns the path as a str": (M.BEST_NOT_PATH, """
        import os

        def find_best_checkpoint(directory, prefix="xception_v1"):
            pattern = re.compile(rf"{re.escape(prefix)}_(\\d+)_(\\d+(?:\\.\\d+)?)\\.(keras|h5)")
            found = [(float(m.group(2)), int(m.group(1)), os.path.join(directory, name))
                     for name in os.listdir(directory) if (m := pattern.fullmatch(name))]
            if not found:
                raise FileNotFoundError(directory)
            return max(found)[2]
        """),
    "picks the oldest file": (M.BEST_WRONG, """
        def find_best_checkpoint(directory, prefix="xception_v1"):
            files = list(Path(directory).glob(f"{prefix}_*.keras")) + list(Path(directory).glob(f"{prefix}_*.h5"))
            if not files:
                raise FileNotFoundError(directory)
            return min(files, key=lambda path: path.stat().st_mtime)
        """),
    ".h5 files ignored": (M.IGNORES_H5, find_best(pattern=r'rf"{re.escape(prefix)}_(\d+)_(\d+(?:\.\d+)?)\.keras"')),
}

CORRECT = {
    "a glob and a regex, folders not skipped (Keras 3 writes files)": """
        def find_best_checkpoint(directory, prefix="xception_v1"):
            pattern = re.compile(rf"{re.escape(prefix)}_(\\d+)_(\\d+(?:\\.\\d+)?)\\.(?:keras|h5)")
            found = [(float(m.group(2)), int(m.group(1)), path) for path in Path(directory).glob("*")
                     if (m := pattern.fullmatch(path.name))]
            if not found:
                raise FileNotFoundError(f"no checkpoint in {directory}")
            return max(found)[2]
        """,
    "one escaped glob per extension, the name split on _": """
        import glob

        def find_best_checkpoint(directory, prefix="xception_v1"):
            best = None
            for extension in ("keras", "h5"):
                for path in Path(directory).glob(f"{glob.escape(prefix)}_*_*.{extension}"):
                    epoch, _, accuracy = path.name[len(prefix) + 1:-len(extension) - 1].partition("_")
                    try:
                        key = (float(accuracy), int(epoch))
                    except ValueError:
                        continue
                    if best is None or key > best[0]:
                        best = (key, path)
            if best is None:
                raise FileNotFoundError(f"no {prefix} checkpoint in {directory}")
            return best[1]
        """,
    "tf.keras with mode auto; glob, a list and max with a key": """
        import tensorflow as tf

        def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
            return tf.keras.callbacks.ModelCheckpoint(filepath=filepath, monitor="val_accuracy", save_best_only=True)

        def find_best_checkpoint(directory, prefix="xception_v1"):
            pattern = re.compile(re.escape(prefix) + r"_(\\d+)_([0-9.]+)\\.(?:keras|h5)")
            candidates = []
            for path in Path(directory).glob("*"):
                match = pattern.fullmatch(path.name)
                if match and path.is_file():
                    candidates.append((float(match.group(2)), int(match.group(1)), path))
            if not candidates:
                raise FileNotFoundError(f"no {prefix} checkpoint in {directory}")
            return max(candidates, key=lambda c: (c[0], c[1]))[2]
        """,
    "positional arguments; os.listdir, split and sort": """
        import os

        def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
            return keras.callbacks.ModelCheckpoint(filepath, "val_accuracy", 0, True, False, "max")

        def find_best_checkpoint(directory, prefix="xception_v1"):
            found = []
            for name in os.listdir(directory):
                stem, _, extension = name.rpartition(".")
                if extension not in ("keras", "h5") or not stem.startswith(prefix + "_"):
                    continue
                if not os.path.isfile(os.path.join(directory, name)):
                    continue
                parts = stem[len(prefix) + 1:].split("_")
                if len(parts) != 2:
                    continue
                try:
                    found.append((float(parts[1]), int(parts[0]), name))
                except ValueError:
                    continue
            if not found:
                raise FileNotFoundError(f"no checkpoint in {directory}")
            found.sort()
            return Path(directory) / found[-1][2]
        """,
}

# Mistakes that belong to one check: every other check still passes.
ONLY_ONE_CHECK_FAILS = {
    "watches val_loss": "check_checkpoint_default_name",
    "saves every epoch": "check_checkpoint_default_name",
    "filepath ignored": "check_checkpoint_given_filepath",
    "glob and a regex, None when nothing matches": "check_best_none_found",
    "returns the path as a str": "check_best_highest_accuracy",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson7", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson7", CORRECT[case]))
