"""Fixtures shared by the checks of the model lessons (3, 5 to 9).

This file is loaded for every lesson, including lessons 1 and 4, which must
never import TensorFlow: nothing here imports TensorFlow or Keras at module
level (not even NumPy), and a fixture imports Keras only when a check asks for it.

Fixtures (all session-scoped: built once per grading run, shared by the checks):

- `keras`: the `keras` module (Keras 3 on TensorFlow).
- `colour_dataset`: a small image dataset tree (see `ColourDataset`) whose
  classes can be told apart by colour, with the decoys a real download has.

Plain helpers (weights, passes over a dataset, the bench that builds the
learner's and the reference's models) are in `grader/checks/model_helpers.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def keras():
    import keras as keras_module

    return keras_module


# ----------------------------------------------------------------- the colour dataset

# class name -> which channels are bright (1) and which dark (0); the classes are
# created in this order, which is not the sorted order.
CLASS_PATTERNS = {
    "t-shirt": (1, 0, 0),  # red
    "dress": (0, 1, 0),  # green
    "pants": (0, 0, 1),  # blue
    "hat": (1, 1, 0),  # yellow
}
IMAGES_PER_CLASS = {"train": 3, "validation": 2}
DARK = 30


class DataDir(str):
    """A folder path that works both as a string (`data_dir + "/train"`,
    `os.path.join`) and as a `pathlib.Path` (`data_dir / "train"`)."""

    def __truediv__(self, other):
        return Path(self) / other

    def __fspath__(self):
        return str(self)

    @property
    def name(self):
        return Path(self).name


@dataclass
class ColourDataset:
    """A dataset tree `root/{train,validation}/{class}/img*.{png,jpg}`.

    Every image is one solid colour: the class's bright channels at a level that
    differs from image to image (so each image can be recognised after any
    increasing rescaling), the other channels at 30. Images are 18×24 or 24×18
    pixels, PNG and JPEG, and each folder holds decoys (.DS_Store, notes.txt).

    - `root`: the folder (a `DataDir`: usable as a str and as a Path);
    - `classes`: the class names in sorted order (the label order);
    - `colours[split]`: a list of (class name, (r, g, b)) per image, in file order.
    """

    root: DataDir
    classes: list
    colours: dict

    def pattern_of(self, name):
        return CLASS_PATTERNS[name]

    def count(self, split):
        return len(self.colours[split])


def write_colour_dataset(root: Path) -> ColourDataset:
    from PIL import Image

    colours = {}
    for split, count in IMAGES_PER_CLASS.items():
        colours[split] = []
        (root / split).mkdir(parents=True)
        (root / split / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
        for c, (name, pattern) in enumerate(CLASS_PATTERNS.items()):
            folder = root / split / name
            folder.mkdir()
            (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
            (folder / "notes.txt").write_text("not an image")
            for i in range(count):
                level = 100 + 45 * i + (20 if split == "validation" else 0) + 4 * c
                colour = tuple(level if bright else DARK for bright in pattern)
                size = (24, 18) if i % 2 else (18, 24)
                suffix = ".jpg" if i == 1 else ".png"
                Image.new("RGB", size, colour).save(folder / f"img{i}{suffix}", quality=95)
                colours[split].append((name, colour))
    return ColourDataset(DataDir(os.fspath(root)), sorted(CLASS_PATTERNS), colours)


@pytest.fixture(scope="session")
def colour_dataset(tmp_path_factory):
    return write_colour_dataset(tmp_path_factory.mktemp("colour-dataset"))
