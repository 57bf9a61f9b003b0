"""Small datasets drawn with PIL, and a cheap stand-in for Xception, for the experiment tests."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
from PIL import Image

COLOURS = {"hat": (200, 40, 40), "pants": (40, 60, 200), "shoes": (40, 170, 60)}


def photo(path: Path, colour, size=(48, 40), seed=0, fmt=None) -> Path:
    """A noisy image of one dominant colour, `size` = (width, height)."""
    rng = np.random.default_rng(seed)
    pixels = np.clip(np.array(colour) + rng.normal(0, 25, size=(size[1], size[0], 3)), 0, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels.astype("uint8"), "RGB").save(path, format=fmt)
    return path


def make_dataset(root: Path, per_class=None, splits=("train", "validation", "test"), size=(48, 40),
                 suffix=".jpg") -> Path:
    """`root/<split>/<class>/NN.jpg`: classes told apart by colour."""
    per_class = per_class or {"train": 6, "validation": 3, "test": 3}
    for split in splits:
        for name, colour in COLOURS.items():
            for i in range(per_class[split]):
                seed = zlib.crc32(f"{split}/{name}/{i}".encode())
                photo(root / split / name / f"{i:02d}{suffix}", colour, size, seed)
    return root


def truncate(path: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def thumbnail_base(weights, input_size):
    """Fixed random ReLU features of a 12 x 12 thumbnail, 2,048 of them like Xception's.

    Xception's ImageNet weights cannot be downloaded in the test environment,
    and a randomly initialised Xception's features are nearly constant (about
    1e-5, whatever the photo), so nothing can learn from them. Random features
    of a thumbnail keep the colours and the rough shape of the photo: enough
    for a dense top to learn, and a fraction of Xception's cost.
    """
    import keras

    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input((input_size, input_size, 3)),
            keras.layers.Resizing(12, 12, interpolation="area"),
            keras.layers.Reshape((1, 1, 12 * 12 * 3)),
            keras.layers.Conv2D(2048, 1, activation="relu",
                                kernel_initializer=keras.initializers.RandomNormal(stddev=0.1)),
        ],
        name="thumbnail_random_features",
    )
