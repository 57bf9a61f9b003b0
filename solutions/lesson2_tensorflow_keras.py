"""Reference solution for lesson 8.2, TensorFlow and Keras.

The lesson, with its prose, is lessons/lesson2_tensorflow_keras.py. This
solution uses Pillow directly, so it is fast and needs no TensorFlow; it gives
the same pixels as `numpy.array(keras.utils.load_img(path, target_size=...))`.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from course.dataset import find_dataset, missing_dataset_message


def load_image_array(path, target_size=(150, 150)):
    """Load an image file as an RGB array of shape (height, width, 3), dtype uint8.

    `target_size` is `(height, width)`, the order Keras uses
    (`keras.utils.load_img(path, target_size=...)`); `None` keeps the image's
    own size. Resizing uses nearest-neighbour resampling, like `load_img`'s
    default `interpolation="nearest"`, so both give the same pixels.
    Grayscale, palette, RGBA and CMYK images are converted to RGB (an alpha
    channel is dropped), so the result always has 3 channels, values 0-255.
    For example, target_size=(100, 200) gives an array of shape (100, 200, 3):
    100 rows (high), 200 columns (wide).
    """
    with Image.open(path) as img:
        if img.mode != "RGB":
            img = img.convert("RGB")
        if target_size is not None:
            height, width = target_size
            if img.size != (width, height):  # PIL sizes are (width, height)
                img = img.resize((width, height), Image.Resampling.NEAREST)
        return np.array(img, dtype=np.uint8)


if __name__ == "__main__":
    data_dir = find_dataset()
    if data_dir is None:
        print(missing_dataset_message())
    else:
        path = next(iter(sorted((data_dir / "train" / "t-shirt").glob("*.jpg"))))
        for size in (None, (299, 299), (150, 150), (100, 200)):
            x = load_image_array(path, target_size=size)
            print(f"target_size={size}: shape {x.shape}, dtype {x.dtype}, values {x.min()}..{x.max()}")
