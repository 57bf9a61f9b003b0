# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8.2 TensorFlow and Keras
#
# **Goal:** meet the tools of this module, and see what a photo looks like
# to a neural network: an array of numbers.
#
# **You write:** `load_image_array`, which loads an image file as such an
# array.
# **Check your work:** `uv run python -m grader lesson2`.
#
# ## Two libraries
#
# **TensorFlow** is a library for numerical computing with neural networks:
# it stores arrays (tensors), runs operations on them on a CPU or a GPU,
# and computes the gradients that training needs.
#
# **Keras** is the high-level library on top: layers, models, `fit` and
# `predict`, ready-made networks such as Xception, and small utilities,
# for example for images. Keras 3 is its own package, `keras`, which runs
# on a *backend* of your choice (TensorFlow, JAX or PyTorch); ours is
# TensorFlow. The first Keras was multi-backend too, up to Keras 2.3; in
# between, Keras lived inside TensorFlow as `tf.keras`, the Keras of the
# course videos. Both are dependencies of this project (`uv sync` installs
# them). Check with
#
# ```bash
# uv run python -c "import keras; print(keras.__version__, keras.backend.backend())"
# ```
#
# Older material writes `from tensorflow import keras` and
# `from tensorflow.keras.preprocessing.image import load_img`. With Keras 3
# write `import keras` and use `keras.utils.load_img`.
#
# ## An image is an array
#
# A colour photo is a grid of pixels, and each pixel is three numbers: how
# much red, green and blue it has. Each number is an integer from 0 to 255,
# which fits in one byte: NumPy's `uint8`. So an image that is H pixels
# high and W pixels wide is an array of shape `(H, W, 3)`: rows first (the
# height), then columns (the width), then the three **channels**.
#
# The photos of our dataset come in several sizes. The most common one,
# which is also the size of the example t-shirt below, is 400 pixels wide
# and 533 pixels high: as an array, shape `(533, 400, 3)`.
#
# A network takes inputs of one fixed size, so every image is resized
# first: to 299 x 299 for Xception in 8.3, to the smaller 150 x 150 for
# faster training from 8.5 on. A 150 x 150 image is 150 * 150 * 3 = 67,500
# numbers.

# %%
from pathlib import Path

import numpy as np
from PIL import Image

from course.dataset import find_dataset, missing_dataset_message

# %% [markdown]
# ## The course's way: `keras.utils.load_img`
#
# `load_img` opens a file and resizes it; `target_size` is
# `(height, width)`. It returns a Pillow image (`PIL.Image.Image`), and
# `np.array` turns that into the `uint8` array. (`keras.utils.img_to_array`
# would give `float32` instead.)
#
# The cell below loads the course's example t-shirt. Importing Keras loads
# TensorFlow, which takes a few seconds.

# %%
EXAMPLE = Path("train") / "t-shirt" / "5f0a3fa0-6a3d-4b68-b213-72766a643de7.jpg"

if __name__ == "__main__":
    data_dir = find_dataset()
    if data_dir is None:
        print(missing_dataset_message())
    else:
        import keras

        path = data_dir / EXAMPLE
        if not path.is_file():  # another copy of the dataset: take any t-shirt
            path = sorted((data_dir / "train" / "t-shirt").glob("*.jpg"))[0]
        img = keras.utils.load_img(path, target_size=(299, 299))
        x = np.array(img)
        print(type(img).__name__, img.size, "->", x.shape, x.dtype, x.min(), x.max())

# %% [markdown]
# ## Under the hood: Pillow
#
# `load_img` is a thin layer over **Pillow** (`import PIL`), Python's image
# library. Doing the same with Pillow directly needs no TensorFlow at all,
# and shows three details worth knowing:
#
# 1. **Sizes in two orders.** NumPy shapes and Keras's `target_size` are
#    `(height, width)`, but Pillow's `img.size` and `img.resize(...)` use
#    `(width, height)`. `load_img(path, target_size=(100, 200))` gives an
#    image whose `img.size` is `(200, 100)` and an array of shape
#    `(100, 200, 3)`: 100 high, 200 wide. Mixing the two orders up gives no
#    error, just a stretched image.
# 2. **Not every file is RGB.** `img.mode` says how pixels are stored:
#    `"RGB"` for most JPEG photos, `"L"` for grayscale (one channel), `"P"`
#    for a palette (one index per pixel into a table of colours), `"RGBA"`
#    with a fourth, transparency channel (common in PNG), `"CMYK"` in some
#    print-ready JPEGs. The network wants exactly 3 channels, so convert
#    anything else to `"RGB"` (transparency is simply dropped). `load_img`
#    does that for you.
# 3. **Resampling.** Resizing has to invent pixel values. `load_img` uses
#    nearest neighbour by default (`interpolation="nearest"`: copy the
#    closest pixel), while Pillow's `resize` defaults to bicubic. Pass
#    `Image.Resampling.NEAREST` and both give the same pixels. The readers
#    of later lessons differ too: `keras.utils.image_dataset_from_directory`
#    (lesson 8.5) resizes with bilinear interpolation by default, the
#    course's `flow_from_directory` with nearest neighbour. The same photo
#    gives slightly different pixels in each.
#
# ## Exercise: `load_image_array`
#
# Questions to guide you: in which order does `img.resize` want the two
# numbers? What should happen when the image already has the target size,
# or when `target_size` is `None`? Does your function close the file it
# opened? Does it give `uint8` values, not floats?


# %%
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
    # TODO: open the file, convert it to RGB if it is in another mode, resize it
    #       to target_size (height, width) with nearest-neighbour resampling unless
    #       target_size is None, and return the pixels as a new uint8 NumPy array.
    #       Use Pillow (or keras.utils.load_img) and NumPy; close the file you open.
    raise NotImplementedError("load_image_array")


# %% [markdown]
# ## Try it
#
# Your function should give the original photo as `(533, 400, 3)`, and
# exactly the pixels of `load_img` after resizing.

# %%
if __name__ == "__main__" and data_dir is not None:
    original = load_image_array(path, target_size=None)
    print("original:", original.shape, original.dtype)
    for size in [(299, 299), (150, 150), (100, 200)]:
        mine = load_image_array(path, target_size=size)
        same = np.array_equal(mine, np.array(keras.utils.load_img(path, target_size=size)))
        print(f"target_size={size}: {mine.shape} {mine.dtype}, same pixels as load_img: {same}")

# %% [markdown]
# To show the image, `matplotlib.pyplot.imshow(x)` takes exactly such a
# `(H, W, 3)` `uint8` array.
#
# Next, in 8.3: give this array to a network pre-trained on ImageNet and
# read its predictions.
