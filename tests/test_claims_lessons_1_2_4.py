"""What lessons 1, 2 and 4 state is true, and the lesson-4 reference computes what Keras computes.

Each claim test first checks that the lesson's prose still says the claim (so an
edit of the prose shows up here, to update the test with it), then checks the
claim against the dataset, NumPy, Pillow or Keras. Dataset claims are skipped
when course.dataset.find_dataset() finds no dataset.
"""

from __future__ import annotations

import inspect
import math
import os
import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course.dataset import find_dataset, missing_dataset_message
from solutions import lesson1_fashion_classification as s1
from solutions import lesson2_tensorflow_keras as s2
from solutions import lesson4_convolutional_networks as s4

ROOT = Path(__file__).resolve().parent.parent
LESSON1 = "lesson1_fashion_classification.py"
LESSON2 = "lesson2_tensorflow_keras.py"
LESSON4 = "lesson4_convolutional_networks.py"
CLASSES = ["dress", "hat", "longsleeve", "outwear", "pants", "shirt", "shoes", "shorts", "skirt", "t-shirt"]
EXAMPLE = Path("train") / "t-shirt" / "5f0a3fa0-6a3d-4b68-b213-72766a643de7.jpg"


def _normalize(text: str) -> str:
    return " ".join(text.split())


def _prose(lesson: str) -> str:
    """The lesson's text with comment markers removed and whitespace collapsed."""
    lines = (ROOT / "lessons" / lesson).read_text(encoding="utf-8").splitlines()
    return _normalize(" ".join(re.sub(r"^#\s?", "", line) for line in lines))


def states(lesson: str, *claims: str) -> None:
    text = _prose(lesson)
    for claim in claims:
        assert _normalize(claim) in text, (
            f"lessons/{lesson} no longer states {claim!r}: update this test together with the prose"
        )


@pytest.fixture(scope="module")
def data_dir() -> Path:
    path = find_dataset()
    if path is None:
        pytest.skip(f"dataset claims need the dataset: {missing_dataset_message()}")
    return path


@pytest.fixture(scope="module")
def counts(data_dir):
    return s1.count_images(data_dir)


@pytest.fixture(scope="module")
def example(data_dir) -> Path:
    path = data_dir / EXAMPLE
    if not path.is_file():
        pytest.skip(f"the course's example image {EXAMPLE} is not in {data_dir}")
    return path


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


@pytest.fixture(scope="module")
def xception(keras):
    """Xception with its classification top and random weights (no download)."""
    return keras.applications.Xception(weights=None, include_top=True)


# --- lesson 1: the dataset ---------------------------------------------------------------


def test_lesson1_ten_classes(data_dir, counts):
    states(
        LESSON1,
        "We have 10 classes here.",
        "The 10 classes are dress, hat, longsleeve, outwear, pants, shirt, shoes, shorts, skirt and t-shirt.",
    )
    assert s1.list_classes(data_dir) == CLASSES
    assert {split: sorted(per_class) for split, per_class in counts.items()} == {
        split: CLASSES for split in ("train", "validation", "test")
    }


def test_lesson1_split_sizes(counts):
    states(LESSON1, "There are 3,068 training images, 341 validation images and 372 test images.")
    assert {split: sum(per_class.values()) for split, per_class in counts.items()} == {
        "train": 3068,
        "validation": 341,
        "test": 372,
    }


def test_lesson1_largest_and_smallest_class(counts):
    states(
        LESSON1,
        "`t-shirt` is the largest class, with 795 of the 3,068 training images; `skirt` is the smallest, with 112.",
    )
    train = counts["train"]
    assert max(train, key=train.get) == "t-shirt" and train["t-shirt"] == 795
    assert min(train, key=train.get) == "skirt" and train["skirt"] == 112


def test_lesson1_majority_baseline(counts):
    states(LESSON1, "81 of the 341 images are t-shirts", "right about 24% of the time")
    validation = counts["validation"]
    assert max(validation, key=validation.get) == "t-shirt"
    assert validation["t-shirt"] == 81 and sum(validation.values()) == 341
    assert round(100 * 81 / 341) == 24


def test_lesson1_tree_shows_a_real_file(data_dir):
    states(LESSON1, "009b3c31-fb62-45c0-be9a-37a5c238cb88.jpg")
    assert (data_dir / "train" / "dress" / "009b3c31-fb62-45c0-be9a-37a5c238cb88.jpg").is_file()


def test_lesson1_reference_ignores_what_is_not_an_image(tmp_path):
    for split in ("train", "test"):
        for name in ("b", "a"):
            (tmp_path / split / name).mkdir(parents=True)
    (tmp_path / "train" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "train" / ".ipynb_checkpoints" / "x.jpg").touch()
    (tmp_path / "train" / "README.md").touch()
    for name in ("1.jpg", "2.JPEG", "3.Png", "4.jpeg", ".hidden.jpg", "notes.txt", "5.gif"):
        (tmp_path / "train" / "a" / name).touch()
    (tmp_path / "train" / "a" / "folder.jpg").mkdir()
    assert s1.list_classes(tmp_path) == ["a", "b"]
    assert s1.count_images(tmp_path) == {"train": {"a": 4, "b": 0}, "test": {"a": 0, "b": 0}}
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing / "train"))):
        s1.list_classes(missing)


# --- lesson 2: images as arrays ----------------------------------------------------------


def test_lesson2_most_common_size_is_the_example_size(data_dir, example):
    states(
        LESSON2,
        "The most common one, which is also the size of the example t-shirt below, is 400 pixels wide "
        "and 533 pixels high: as an array, shape `(533, 400, 3)`.",
        "Your function should give the original photo as `(533, 400, 3)`",
    )
    sizes = Counter()
    for path in data_dir.glob("*/*/*.jpg"):
        with Image.open(path) as img:
            sizes[img.size] += 1
    assert len(sizes) > 1, "the prose says the photos come in several sizes"
    assert sizes.most_common(1)[0][0] == (400, 533)  # Pillow sizes are (width, height)
    with Image.open(example) as img:
        assert img.size == (400, 533)
    x = s2.load_image_array(example, target_size=None)
    assert x.shape == (533, 400, 3) and x.dtype == np.uint8


def test_lesson2_numbers_per_image():
    states(LESSON2, "150 * 150 * 3 = 67,500", "an integer from 0 to 255", "NumPy's `uint8`")
    assert 150 * 150 * 3 == 67_500
    assert (np.iinfo(np.uint8).min, np.iinfo(np.uint8).max) == (0, 255)


def test_lesson2_xception_input_size(xception):
    states(LESSON2, "to 299 x 299 for Xception in 8.3")
    assert tuple(xception.input_shape) == (None, 299, 299, 3)


def test_lesson2_load_img_target_size_is_height_width(keras, example):
    states(
        LESSON2,
        "`load_img(path, target_size=(100, 200))` gives an image whose `img.size` is `(200, 100)` "
        "and an array of shape `(100, 200, 3)`: 100 high, 200 wide.",
        "returns a Pillow image (`PIL.Image.Image`)",
        "`keras.utils.img_to_array` would give `float32` instead.",
    )
    img = keras.utils.load_img(example, target_size=(100, 200))
    assert isinstance(img, Image.Image)
    assert img.size == (200, 100)
    assert np.array(img).shape == (100, 200, 3) and np.array(img).dtype == np.uint8
    assert keras.utils.img_to_array(img).dtype == np.float32
    x = np.array(keras.utils.load_img(example, target_size=(299, 299)))
    assert x.shape == (299, 299, 3) and x.dtype == np.uint8


def test_lesson2_resampling_defaults(keras):
    states(
        LESSON2,
        '`load_img` uses nearest neighbour by default (`interpolation="nearest"`',
        "Pillow's `resize` defaults to bicubic",
    )
    assert inspect.signature(keras.utils.load_img).parameters["interpolation"].default == "nearest"
    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (37, 23, 3), dtype=np.uint8))
    assert np.array_equal(np.array(img.resize((50, 40))), np.array(img.resize((50, 40), Image.Resampling.BICUBIC)))
    assert not np.array_equal(np.array(img.resize((50, 40))), np.array(img.resize((50, 40), Image.Resampling.NEAREST)))


def test_lesson2_the_dataset_readers_resample_differently(keras):
    states(
        LESSON2,
        "`keras.utils.image_dataset_from_directory` (lesson 8.5) resizes with bilinear interpolation by default,",
        "the course's `flow_from_directory` with nearest neighbour.",
    )
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    reader = inspect.signature(keras.utils.image_dataset_from_directory).parameters["interpolation"]
    assert reader.default == "bilinear"
    assert inspect.signature(ImageDataGenerator.flow_from_directory).parameters["interpolation"].default == "nearest"


@pytest.mark.parametrize("target_size", [None, (299, 299), (150, 150), (100, 200), (533, 400), (7, 301)])
def test_lesson2_reference_equals_load_img_on_the_dataset(keras, data_dir, target_size):
    paths = [sorted((data_dir / "train" / name).glob("*.jpg"))[0] for name in CLASSES]
    for path in paths:
        expected = np.array(keras.utils.load_img(path, target_size=target_size))
        actual = s2.load_image_array(path, target_size=target_size)
        assert actual.dtype == np.uint8 and actual.shape == expected.shape
        assert np.array_equal(actual, expected), path


@pytest.mark.parametrize(
    "mode, suffix", [("L", ".png"), ("P", ".png"), ("RGBA", ".png"), ("CMYK", ".jpg"), ("LA", ".png"), ("RGB", ".png")]
)
def test_lesson2_reference_converts_modes_like_load_img(keras, tmp_path, mode, suffix):
    states(LESSON2, '`"L"` for grayscale', '`"P"`', '`"RGBA"`', '`"CMYK"`')
    pixels = np.random.default_rng(1).integers(0, 256, (31, 17, 3), dtype=np.uint8)
    path = tmp_path / f"image{suffix}"
    Image.fromarray(pixels).convert(mode).save(path)
    with Image.open(path) as img:
        assert img.mode == mode
    for target_size in (None, (20, 40)):
        expected = np.array(keras.utils.load_img(path, target_size=target_size))
        actual = s2.load_image_array(path, target_size=target_size)
        assert actual.dtype == np.uint8 and actual.shape[-1] == 3
        assert np.array_equal(actual, expected)


# --- lesson 4: convolutions, stated numbers ------------------------------------------------

EDGE = np.array([[-1.0, 0.0, 1.0]] * 3)


def _kernel(*filters):
    """(kh, kw) filters for a one-channel image as a (kh, kw, 1, F) kernel."""
    return np.stack(filters, axis=-1)[:, :, np.newaxis, :]


def test_lesson4_edge_filter_example():
    states(LESSON4, "Over the edge the sum is 3; over the flat area it is 0.")
    over_edge = np.array([[0.0, 0.0, 1.0]] * 3)[:, :, np.newaxis]
    flat = np.ones((3, 3, 1))
    assert s4.conv2d(over_edge, _kernel(EDGE)).item() == 3
    assert s4.conv2d(flat, _kernel(EDGE)).item() == 0


def test_lesson4_output_sizes_of_a_150_image(keras):
    states(
        LESSON4,
        'a 150 x 150 image becomes 148 x 148 ("valid"), 150 x 150 ("same"), 75 x 75 ("same", stride 2) '
        'or 74 x 74 ("valid", stride 2)',
    )
    image = np.zeros((150, 150, 1))
    kernel = np.zeros((3, 3, 1, 1))
    for padding, stride, size in [("valid", 1, 148), ("same", 1, 150), ("same", 2, 75), ("valid", 2, 74)]:
        assert s4.conv2d(image, kernel, stride=stride, padding=padding).shape == (size, size, 1)
        layer = keras.layers.Conv2D(1, 3, strides=stride, padding=padding)
        assert tuple(layer.compute_output_shape((None, 150, 150, 1))) == (None, size, size, 1)
        valid = math.floor((150 - 3) / stride) + 1
        assert size == (math.ceil(150 / stride) if padding == "same" else valid)


def test_lesson4_xception_first_layer(xception):
    states(
        LESSON4,
        'Xception\'s first layer has 32 filters of 3 x 3 with stride 2 and "valid" padding: a 299 x 299 x 3 '
        "image becomes 149 x 149 x 32.",
        "Xception's first layer has no bias: 3 * 3 * 3 * 32 = 864.",
    )
    first = next(layer for layer in xception.layers if layer.__class__.__name__ == "Conv2D")
    assert (first.filters, tuple(first.kernel_size), tuple(first.strides), first.padding) == (32, (3, 3), (2, 2), "valid")
    assert first.use_bias is False
    assert tuple(first.output.shape) == (None, 149, 149, 32)
    assert first.count_params() == 3 * 3 * 3 * 32 == 864 == s4.conv2d_param_count(3, 3, 32, use_bias=False)


def test_lesson4_conv_parameter_count(keras):
    states(LESSON4, "`Conv2D(32, (3, 3))` on an RGB image has (3 * 3 * 3 + 1) * 32 = 896.")
    layer = keras.layers.Conv2D(32, (3, 3))
    layer.build((None, None, None, 3))
    assert layer.count_params() == (3 * 3 * 3 + 1) * 32 == 896 == s4.conv2d_param_count((3, 3), 3, 32)


def test_lesson4_dense_on_raw_pixels(keras):
    states(LESSON4, "each unit would need 67,500 weights for a 150 x 150 x 3 image")
    layer = keras.layers.Dense(1, use_bias=False)
    layer.build((None, 150 * 150 * 3))
    assert layer.count_params() == 67_500


def test_lesson4_max_pooling_sizes_and_no_weights(keras):
    states(
        LESSON4,
        "a 148 x 148 map becomes 74 x 74, and a 5 x 5 map becomes 2 x 2",
        "Pooling computes a fixed function: it has no weights to learn.",
    )
    assert s4.max_pool2d(np.zeros((148, 148, 2))).shape == (74, 74, 2)
    assert s4.max_pool2d(np.zeros((5, 5, 2))).shape == (2, 2, 2)
    for layer in (keras.layers.MaxPooling2D(2), keras.layers.GlobalAveragePooling2D()):
        layer(np.zeros((1, 5, 5, 2), dtype="float32"))
        assert layer.count_params() == 0 and not layer.weights


def test_lesson4_xception_features_at_150(keras):
    states(
        LESSON4,
        "For a 150 x 150 image, Xception's convolutional part outputs `(5, 5, 2048)`, and global average "
        "pooling turns that into 2048 features.",
    )
    base = keras.applications.Xception(weights=None, include_top=False, input_shape=(150, 150, 3))
    assert tuple(base.output_shape) == (None, 5, 5, 2048)
    assert s4.global_average_pool(np.zeros((5, 5, 2048))).shape == (2048,)


def test_lesson4_dense_parameter_count(keras):
    states(LESSON4, "`Dense(10)` on 2048 features has 2048 * 10 + 10 = 20,490 parameters.")
    layer = keras.layers.Dense(10)
    layer.build((None, 2048))
    assert layer.count_params() == 2048 * 10 + 10 == 20_490


def test_lesson4_sigmoid_and_softmax_example():
    states(
        LESSON4,
        "For the logits `[2.0, 1.0, 0.1]`, sigmoid gives about `[0.881, 0.731, 0.525]` (sum 2.137) "
        "and softmax `[0.659, 0.242, 0.099]` (sum 1).",
    )
    logits = np.array([2.0, 1.0, 0.1])
    assert np.array_equal(s4.sigmoid(logits).round(3), [0.881, 0.731, 0.525])
    assert round(float(s4.sigmoid(logits).sum()), 3) == 2.137
    assert np.array_equal(s4.softmax(logits).round(3), [0.659, 0.242, 0.099])
    assert math.isclose(s4.softmax(logits).sum(), 1.0)


def test_lesson4_softmax_generalizes_sigmoid():
    states(
        LESSON4,
        "Softmax generalizes sigmoid: with two classes and logits `[z, 0]`, softmax gives "
        "`[sigmoid(z), 1 - sigmoid(z)]`.",
        "do **not** sum to 1",
    )
    z = np.array([-1000.0, -30.0, -2.5, 0.0, 0.7, 4.0, 1000.0])
    pairs = s4.softmax(np.stack([z, np.zeros_like(z)], axis=-1))
    np.testing.assert_allclose(pairs[:, 0], s4.sigmoid(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(pairs[:, 1], 1 - s4.sigmoid(z), rtol=1e-12, atol=1e-15)


def test_lesson4_exp_overflows_at_710():
    states(LESSON4, "in float64, `np.exp(710.0)` is already `inf`", "exp(0) = 1")
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(710.0))
    assert np.isfinite(np.exp(709.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(s4.softmax(np.array([1000.0, 0.0, -1000.0]))))
        assert s4.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


def test_lesson4_batch_shape():
    states(LESSON4, "32 photos of 150 x 150 are one array `(32, 150, 150, 3)`")
    assert np.stack([np.zeros((150, 150, 3), dtype=np.uint8)] * 32).shape == (32, 150, 150, 3)


def test_lesson4_tiny_image_demo():
    states(
        LESSON4,
        'With "valid" padding you should get a `(6, 6, 2)` output whose first map has rows `[0, 0, 3, 3, 0, 0]`',
        'whose second map is all 0 (there is no horizontal edge). "same" padding gives `(8, 8, 2)`, and "same" '
        "with stride 2 gives `(4, 4, 2)`. ReLU and 2 x 2 max pooling give `(3, 3, 2)` with rows `[0, 3, 0]`, "
        "and global average pooling gives `[1, 0]`. With a bias this layer would have "
        "(3 * 3 * 1 + 1) * 2 = 20 parameters.",
    )
    image = np.zeros((8, 8, 1))
    image[:, 4:] = 1.0
    kernels = _kernel(EDGE, EDGE.T)
    maps = s4.conv2d(image, kernels)
    assert maps.shape == (6, 6, 2)
    assert (maps[:, :, 0] == [0, 0, 3, 3, 0, 0]).all() and not maps[:, :, 1].any()
    assert s4.conv2d(image, kernels, padding="same").shape == (8, 8, 2)
    assert s4.conv2d(image, kernels, stride=2, padding="same").shape == (4, 4, 2)
    pooled = s4.max_pool2d(s4.relu(maps))
    assert pooled.shape == (3, 3, 2) and (pooled[:, :, 0] == [0, 3, 0]).all()
    assert s4.global_average_pool(pooled).tolist() == [1, 0]
    assert s4.conv2d_param_count(3, 1, 2) == 20


# --- lesson 4: the reference computes what Keras computes --------------------------------

CONV_SHAPES = [
    ((5, 5, 1), (3, 3, 1, 1)),
    ((7, 9, 3), (3, 2, 3, 4)),
    ((8, 6, 2), (2, 2, 2, 3)),
    ((10, 7, 3), (4, 3, 3, 2)),
    ((6, 11, 4), (1, 5, 4, 2)),
    ((9, 9, 3), (5, 5, 3, 1)),
    ((4, 4, 2), (4, 4, 2, 2)),
]


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("image_shape, kernel_shape", CONV_SHAPES)
def test_conv2d_equals_keras_conv2d(keras, image_shape, kernel_shape, stride, padding):
    rng = np.random.default_rng(sum(image_shape) * 31 + sum(kernel_shape) + stride)
    images = rng.uniform(-1, 1, (2, *image_shape)).astype("float32")
    kernel = rng.uniform(-1, 1, kernel_shape).astype("float32")
    layer = keras.layers.Conv2D(kernel_shape[-1], kernel_shape[:2], strides=stride, padding=padding, use_bias=False)
    layer.build((None, *image_shape))
    layer.set_weights([kernel])
    expected = keras.ops.convert_to_numpy(layer(images))
    for image, want in zip(images, expected):  # a batch: the same filters on every image
        got = s4.conv2d(image, kernel, stride=stride, padding=padding)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stride", [None, 1, 2, 3])
@pytest.mark.parametrize("pool_size", [2, 3])
@pytest.mark.parametrize("shape", [(4, 4, 1), (5, 7, 3), (9, 6, 2), (10, 10, 4)])
def test_max_pool2d_equals_keras_max_pooling(keras, shape, pool_size, stride):
    x = np.random.default_rng(sum(shape) + pool_size).normal(size=shape).astype("float32")
    layer = keras.layers.MaxPooling2D(pool_size=pool_size, strides=stride, padding="valid")
    expected = keras.ops.convert_to_numpy(layer(x[np.newaxis]))[0]
    got = s4.max_pool2d(x, pool_size=pool_size) if stride is None else s4.max_pool2d(x, pool_size, stride)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("kernel_size", [1, 3, (3, 5), (7, 1)])
@pytest.mark.parametrize("in_channels, filters", [(1, 1), (3, 8), (32, 64)])
def test_conv2d_param_count_equals_keras(keras, kernel_size, in_channels, filters, use_bias):
    layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
    layer.build((None, None, None, in_channels))
    count = s4.conv2d_param_count(kernel_size, in_channels, filters, use_bias=use_bias)
    assert type(count) is int and count == layer.count_params()


def test_activations_and_global_pooling_equal_keras(keras):
    x = np.random.default_rng(2).normal(scale=5, size=(4, 3, 6)).astype("float32")
    ops = keras.ops
    np.testing.assert_allclose(s4.relu(x), ops.convert_to_numpy(ops.relu(x)), rtol=1e-6)
    np.testing.assert_allclose(s4.sigmoid(x), ops.convert_to_numpy(ops.sigmoid(x)), rtol=1e-5, atol=1e-6)
    for axis in (-1, 0, 1):
        np.testing.assert_allclose(
            s4.softmax(x, axis=axis), ops.convert_to_numpy(ops.softmax(x, axis=axis)), rtol=1e-5, atol=1e-6
        )
    pooled = keras.layers.GlobalAveragePooling2D()(x[np.newaxis])
    np.testing.assert_allclose(s4.global_average_pool(x), ops.convert_to_numpy(pooled)[0], rtol=1e-5)
