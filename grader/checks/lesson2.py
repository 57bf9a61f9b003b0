"""Checks for lesson 8.2: loading an image file as an array.

The images are drawn here: four coloured quadrants, so that size, orientation
and channel order can be read off the result whatever resampling the learner
chose; and noise, for an exact comparison when nothing is resized.
"""

import numpy as np
from PIL import Image

from grader.expect import describe, fail
from grader.messages import lesson2 as M

QUADRANTS = {  # (row, column) of the quadrant -> RGB colour
    ("top", "left"): (220, 30, 30),
    ("top", "right"): (30, 200, 40),
    ("bottom", "left"): (40, 40, 210),
    ("bottom", "right"): (240, 240, 240),
}


def quadrant_image(width, height, mode="RGB"):
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    for (row, column), colour in QUADRANTS.items():
        rows = slice(0, height // 2) if row == "top" else slice(height // 2, None)
        columns = slice(0, width // 2) if column == "left" else slice(width // 2, None)
        pixels[rows, columns] = colour
    image = Image.fromarray(pixels, "RGB")
    if mode == "RGBA":
        image.putalpha(128)
    elif mode == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    elif mode == "L":
        image = image.convert("L")
    return image


def save(image, tmp_path, name="photo.png"):
    path = tmp_path / name
    image.save(path)
    return path


def load(student, path, **kwargs):
    __tracebackhide__ = True
    got = student.load_image_array(path, **kwargs)
    if not isinstance(got, np.ndarray):
        fail(M.NOT_ARRAY, got=describe(got))
    return got


def expect_quadrants(got, expected_rgb):
    """Each quadrant's centre has its colour (as the reference gives it)."""
    __tracebackhide__ = True
    if got.dtype != np.uint8:
        if got.size and got.max() <= 1.0:
            fail(M.SCALED, low=float(got.min()), high=float(got.max()))
        fail(M.NOT_UINT8, dtype=got.dtype)
    h, w = got.shape[:2]
    for (row, column), colour in expected_rgb.items():
        y = h // 4 if row == "top" else 3 * h // 4
        x = w // 4 if column == "left" else 3 * w // 4
        pixel = got[y, x].astype(int)
        if np.abs(pixel - colour).max() <= 8:
            continue
        if np.abs(pixel[::-1] - colour).max() <= 8 and colour[0] != colour[2]:
            fail(M.BGR)
        fail(M.PIXELS_WRONG, where=f"{row} {column}", expected=tuple(colour), got=tuple(pixel))


def as_0_255(got):
    """The pixels as floats 0-255, whatever the dtype or scale (check_rgb_uint8's subject)."""
    pixels = got.astype(float)
    return pixels * 255 if pixels.size and pixels.max() <= 1.0 else pixels


def expect_layout(got, colours=QUADRANTS):
    """Each quadrant has its colour where it belongs (the image is not flipped, rotated or
    transposed), whatever the dtype, scale or channel order: those are check_rgb_uint8's subject."""
    __tracebackhide__ = True
    pixels = as_0_255(got)
    h, w = pixels.shape[:2]
    centres = {(row, column): pixels[h // 4 if row == "top" else 3 * h // 4, w // 4 if column == "left" else 3 * w // 4]
               for row, column in QUADRANTS}
    for channels in ([0, 1, 2], [2, 1, 0]):
        if all(np.abs(centres[where][channels] - colour).max() <= 8 for where, colour in colours.items()):
            return
    where, colour = next((where, colour) for where, colour in colours.items()
                         if np.abs(centres[where] - colour).max() > 8)
    fail(M.PIXELS_WRONG, where=" ".join(where), expected=tuple(colour), got=tuple(int(v) for v in centres[where]))


def reference_colours(reference, path):
    """The colour of each quadrant as the reference loads the file (palette and grey change them)."""
    full = reference.load_image_array(path, target_size=None)
    h, w = full.shape[:2]
    return {
        (row, column): full[h // 4 if row == "top" else 3 * h // 4, w // 4 if column == "left" else 3 * w // 4].astype(int)
        for row, column in QUADRANTS
    }


def check_target_size_height_width(student, reference, tmp_path):
    """target_size is (height, width): (100, 200) gives an array 100 high and 200 wide"""
    path = save(quadrant_image(64, 48), tmp_path)
    got = load(student, path, target_size=(100, 200))
    expected = reference.load_image_array(path, target_size=(100, 200))
    if got.shape[:2] == (200, 100):
        fail(M.SIZE_SWAPPED, size=(100, 200), h=100, w=200, got_h=200, got_w=100)
    if got.shape != expected.shape:
        fail(M.WRONG_SHAPE, size=(100, 200), expected=expected.shape, got=got.shape)
    expect_layout(got)


def check_default_size(student, reference, tmp_path):
    """without target_size the image is resized to 150 × 150"""
    path = save(quadrant_image(90, 60), tmp_path)
    got = load(student, path)
    expected = reference.load_image_array(path)
    if got.shape != expected.shape:
        fail(M.WRONG_SHAPE, size="the default (150, 150)", expected=expected.shape, got=got.shape)
    expect_layout(got)


def check_rgb_uint8(student, reference, tmp_path):
    """the array is uint8 RGB: red stays in channel 0, values 0–255"""
    path = save(quadrant_image(40, 40), tmp_path, "photo.jpg")
    got = load(student, path, target_size=(40, 40))
    expect_quadrants(got, reference_colours(reference, path))


def check_other_modes(student, reference, tmp_path):
    """grayscale, palette and RGBA images come out as RGB with 3 channels"""
    for mode in ("L", "P", "RGBA"):
        path = save(quadrant_image(50, 30, mode), tmp_path, f"{mode}.png")
        got = load(student, path, target_size=(30, 50))
        if got.shape != (30, 50, 3):
            fail(M.NOT_THREE_CHANNELS, mode={"L": "grayscale", "P": "palette", "RGBA": "RGBA"}[mode], got=got.shape)
        expect_layout(got, reference_colours(reference, path))


def check_original_size(student, reference, tmp_path):
    """target_size=None keeps the image's own size and exact pixels"""
    noise = np.random.default_rng(82).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    path = save(Image.fromarray(noise, "RGB"), tmp_path)
    got = load(student, str(path), target_size=None)
    expected = reference.load_image_array(path, target_size=None)
    if got.shape != expected.shape:
        fail(M.ORIGINAL_SIZE, expected=expected.shape, got=got.shape)
    pixels = as_0_255(got)  # the dtype, scale and channel order are check_rgb_uint8's subject
    differ = np.argwhere(np.abs(pixels - expected) > 0.5)
    if len(differ) and not (np.abs(pixels[..., ::-1] - expected) <= 0.5).all():
        fail(M.ORIGINAL_PIXELS, index=tuple(int(i) for i in differ[0]))
