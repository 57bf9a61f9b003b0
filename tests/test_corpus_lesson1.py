"""Lesson 8.1: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import lesson1 as M
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes

WRONG = {
    "classes in reverse order": (M.CLASSES_UNSORTED, """
        def list_classes(data_dir):
            train = Path(data_dir) / "train"
            return sorted((p.name for p in train.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
        """),
    "files listed as classes": (M.CLASSES_INCLUDE_FILES, """
        import os
        def list_classes(data_dir):
            return sorted(os.listdir(os.path.join(data_dir, "train")))
        """),
    "hidden folders listed as classes": (M.CLASSES_INCLUDE_FILES, """
        def list_classes(data_dir):
            return sorted(p.name for p in (Path(data_dir) / "train").iterdir() if p.is_dir())
        """),
    "empty list for a missing folder": (M.MISSING_NOT_RAISED, """
        def list_classes(data_dir):
            train = Path(data_dir) / "train"
            if not train.is_dir():
                return []
            return sorted(p.name for p in train.iterdir() if p.is_dir() and not p.name.startswith("."))
        """),
    "ValueError for a missing folder": (M.MISSING_WRONG_ERROR, """
        def list_classes(data_dir):
            train = Path(data_dir) / "train"
            if not train.is_dir():
                raise ValueError("no data")
            return sorted(p.name for p in train.iterdir() if p.is_dir() and not p.name.startswith("."))
        """),
    "error without the path": (M.MISSING_PATH_NOT_NAMED, """
        def list_classes(data_dir):
            train = Path(data_dir) / "train"
            if not train.is_dir():
                raise FileNotFoundError("dataset not found")
            return sorted(p.name for p in train.iterdir() if p.is_dir() and not p.name.startswith("."))
        """),
    "extensions matched case-sensitively": (M.COUNTS_UPPERCASE, """
        def count_images(data_dir):
            counts = {}
            for split in ("train", "validation", "test"):
                if (Path(data_dir) / split).is_dir():
                    counts[split] = {
                        c.name: sum(f.name.endswith((".jpg", ".jpeg", ".png")) for f in c.iterdir())
                        for c in (Path(data_dir) / split).iterdir() if c.is_dir() and not c.name.startswith(".")
                    }
            return counts
        """),
    "every file counted": (M.COUNTS_NON_IMAGES, """
        def count_images(data_dir):
            counts = {}
            for split in ("train", "validation", "test"):
                if (Path(data_dir) / split).is_dir():
                    counts[split] = {
                        c.name: sum(f.is_file() for f in c.iterdir())
                        for c in (Path(data_dir) / split).iterdir() if c.is_dir() and not c.name.startswith(".")
                    }
            return counts
        """),
    "hidden folder counted as a class": (M.COUNTS_HIDDEN_CLASS, """
        def count_images(data_dir):
            counts = {}
            for split in ("train", "validation", "test"):
                if (Path(data_dir) / split).is_dir():
                    counts[split] = {
                        c.name: sum(f.suffix.lower() in (".jpg", ".jpeg", ".png") for f in c.iterdir())
                        for c in (Path(data_dir) / split).iterdir() if c.is_dir()
                    }
            return counts
        """),
    "a split that does not exist": (M.COUNTS_SPLITS, """
        def count_images(data_dir):
            counts = {}
            for split in ("train", "validation", "test"):
                folder = Path(data_dir) / split
                counts[split] = {} if not folder.is_dir() else {
                    c.name: sum(f.suffix.lower() in (".jpg", ".jpeg", ".png") for f in c.iterdir())
                    for c in folder.iterdir() if c.is_dir() and not c.name.startswith(".")
                }
            return counts
        """),
    "a Path turned into a different listing": (M.CLASSES_PATH_DIFFERS, """
        _list = list_classes
        def list_classes(data_dir):
            return _list(data_dir) if isinstance(data_dir, str) else _list(data_dir)[:-1]
        """),
}

CORRECT = {
    "os.listdir and os.path": """
        import os
        def list_classes(data_dir):
            train = os.path.join(data_dir, "train")
            if not os.path.isdir(train):
                raise FileNotFoundError(f"no folder {train}")
            names = [n for n in os.listdir(train) if not n.startswith(".") and os.path.isdir(os.path.join(train, n))]
            names.sort()
            return names
        """,
    "glob with a Counter": """
        import collections, glob, os
        def count_images(data_dir):
            result = {}
            for split in ["train", "validation", "test"]:
                if not os.path.isdir(os.path.join(data_dir, split)):
                    continue
                counter = collections.Counter()
                for cls in os.listdir(os.path.join(data_dir, split)):
                    path = os.path.join(data_dir, split, cls)
                    if cls.startswith(".") or not os.path.isdir(path):
                        continue
                    counter[cls] = len([f for f in glob.glob(os.path.join(path, "*"))
                                        if os.path.splitext(f)[1].lower() in {".jpg", ".jpeg", ".png"}])
                result[split] = counter
            return result
        """,
}

# Mistakes that belong to one check: every other check still passes.
ONLY_ONE_CHECK_FAILS = {
    "classes in reverse order": "check_classes_sorted",
    "files listed as classes": "check_classes_sorted",
    "extensions matched case-sensitively": "check_count_images",
    "every file counted": "check_count_images",
    "a split that does not exist": "check_count_only_existing_splits",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson1", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson1", CORRECT[case]))
