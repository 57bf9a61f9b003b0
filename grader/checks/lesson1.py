"""Checks for lesson 8.1: finding the classes and counting the images of a dataset folder.

Every check builds its own small dataset tree, with the decoys a real download
has: .DS_Store files, a README, Jupyter's hidden checkpoint folders and image
files with upper-case extensions.
"""

from pathlib import Path

from grader.expect import describe, fail
from grader.messages import lesson1 as M

# (split, class) -> (lower-case images, upper-case images, non-images)
LAYOUT = {
    ("train", "t-shirt"): (3, 1, 1),
    ("train", "dress"): (2, 0, 0),
    ("train", "pants"): (1, 2, 0),
    ("train", "hat"): (2, 0, 1),
    ("validation", "t-shirt"): (1, 0, 0),
    ("validation", "dress"): (0, 1, 0),
    ("validation", "pants"): (2, 0, 1),
    ("validation", "hat"): (1, 0, 0),
}
LOWER, UPPER = (".jpg", ".png", ".jpeg"), (".JPG", ".PNG", ".JPEG")
DECOYS = (".DS_Store", "notes.txt", "README.md")


def make_dataset(root: Path, layout=LAYOUT) -> Path:
    """A dataset tree at `root`, classes created out of alphabetical order."""
    for (split, name), (lower, upper, other) in layout.items():
        folder = root / split / name
        folder.mkdir(parents=True)
        for i in range(lower):
            (folder / f"img{i}{LOWER[i % 3]}").write_bytes(b"\xff\xd8 fake image")
        for i in range(upper):
            (folder / f"IMG_{i}{UPPER[i % 3]}").write_bytes(b"\xff\xd8 fake image")
        for decoy in DECOYS[:other]:
            (folder / decoy).write_text("not an image")
        hidden = folder / ".ipynb_checkpoints"
        hidden.mkdir()
        (hidden / "img0-checkpoint.jpg").write_bytes(b"\xff\xd8")
    for split in {split for split, _ in layout}:
        (root / split / ".DS_Store").write_bytes(b"\0")
        (root / split / "README.md").write_text("about this split")
        (root / split / ".ipynb_checkpoints").mkdir()
    return root


def classes_of(student, data_dir):
    __tracebackhide__ = True
    got = student.list_classes(data_dir)
    if not isinstance(got, (list, tuple)):
        fail(M.CLASSES_NOT_LIST, got=describe(got))
    if got and not isinstance(got[0], str):
        fail(M.CLASSES_NOT_STRINGS, got=type(got[0]).__name__)
    return list(got)


def check_classes_sorted(student, reference, tmp_path):
    """list_classes gives the class folders of train/, sorted by name"""
    root = make_dataset(tmp_path / "data")
    expected = reference.list_classes(root)
    got = classes_of(student, str(root))
    extra = [name for name in got if name not in expected]
    if extra:
        fail(M.CLASSES_INCLUDE_FILES, extra=extra, verb="is" if len(extra) == 1 else "are")
    if sorted(got) == expected and got != expected:
        fail(M.CLASSES_UNSORTED, got=got, expected=expected)
    if got != expected:
        fail(M.CLASSES_WRONG, got=got, expected=expected)


def check_classes_accept_path(student, tmp_path):
    """list_classes accepts a pathlib.Path as well as a string"""
    root = make_dataset(tmp_path / "data")
    got = classes_of(student, root)
    with_str = classes_of(student, str(root))  # what it lists is check_classes_sorted's subject
    if got != with_str:
        fail(M.CLASSES_PATH_DIFFERS, got=got, with_str=with_str)


def check_missing_folder(student, tmp_path):
    """list_classes raises FileNotFoundError that names a missing folder"""
    for missing in (tmp_path / "no-such-dataset", make_dataset(tmp_path / "no-train", {("test", "hat"): (1, 0, 0)})):
        try:
            got = student.list_classes(str(missing))
        except FileNotFoundError as error:
            said = str(error)
            if str(missing) not in said and str(missing / "train") not in said:
                fail(M.MISSING_PATH_NOT_NAMED, said=said)
        except NotImplementedError:
            raise
        except Exception as error:
            fail(M.MISSING_WRONG_ERROR, error=f"{type(error).__name__}: {error}")
        else:
            fail(M.MISSING_NOT_RAISED, path=str(missing), got=got)


def expect_counts_dict(got):
    __tracebackhide__ = True
    if not isinstance(got, dict) or not all(isinstance(v, dict) for v in got.values()):
        fail(M.COUNTS_NOT_DICT, got=describe(got))


def compare_counts(got, expected, layout):
    """The counts of every split that exists; a split listed that does not exist is
    check_count_only_existing_splits' subject."""
    __tracebackhide__ = True
    expect_counts_dict(got)
    if not set(expected) <= set(got):
        fail(M.COUNTS_SPLITS, got=sorted(got), expected=sorted(expected))
    for split, classes in expected.items():
        hidden = [name for name in got[split] if str(name).startswith(".")]
        if hidden:
            fail(M.COUNTS_HIDDEN_CLASS, split=split, name=hidden[0])
        if set(got[split]) != set(classes):
            fail(M.COUNTS_CLASSES, split=split, got=sorted(got[split]), expected=sorted(classes))
        for name, count in sorted(classes.items()):
            counted = got[split][name]
            if counted == count:
                continue
            lower, upper, other = layout[(split, name)]
            template = M.COUNTS_WRONG
            if upper and counted == lower:
                template = M.COUNTS_UPPERCASE
            elif other and counted >= count + other:
                template = M.COUNTS_NON_IMAGES
            fail(template, split=split, name=name, expected=count, got=counted)


def check_count_images(student, reference, tmp_path):
    """count_images counts .jpg/.jpeg/.png files in any case, per split and class"""
    root = make_dataset(tmp_path / "data")
    compare_counts(student.count_images(str(root)), reference.count_images(root), LAYOUT)


def check_count_only_existing_splits(student, reference, tmp_path):
    """count_images covers train, validation and test when they exist, and only those"""
    layout = {**LAYOUT, ("test", "hat"): (2, 1, 1), ("test", "dress"): (1, 0, 0)}
    train_only = {key: value for key, value in LAYOUT.items() if key[0] == "train"}
    for name, tree in (("with-test", layout), ("train-only", train_only)):
        root = make_dataset(tmp_path / name, tree)
        got, expected = student.count_images(root), reference.count_images(root)
        expect_counts_dict(got)  # the counts themselves are check_count_images' subject
        if set(got) != set(expected):
            fail(M.COUNTS_SPLITS, got=sorted(got), expected=sorted(expected))
