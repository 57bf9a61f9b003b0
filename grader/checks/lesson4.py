"""Checks for lesson 8.4: convolution, activations and pooling in NumPy.

The reference is itself tested against keras.layers.Conv2D and MaxPooling2D
(tests/test_claims_lessons_1_2_4.py), so agreeing with it here means agreeing
with Keras, without importing TensorFlow while grading.
"""

import warnings

import numpy as np

from grader.expect import describe, expect_close, fail
from grader.messages import lesson4 as M

RNG = np.random.default_rng(84)


def image_and_kernels(h, w, c_in, kh, kw, c_out):
    return RNG.normal(size=(h, w, c_in)), RNG.normal(size=(kh, kw, c_in, c_out))


def shape_of(value):
    return tuple(np.shape(value))


def diagnose_conv(student, reference, image, kernels, stride, padding):
    """Compare conv2d with the reference and name the likely mistake."""
    __tracebackhide__ = True
    got = student.conv2d(image.copy(), kernels.copy(), stride=stride, padding=padding)
    expected = reference.conv2d(image, kernels, stride=stride, padding=padding)
    h, w = image.shape[:2]
    kh, kw = kernels.shape[:2]
    if shape_of(got) != expected.shape:
        if stride > 1 and shape_of(got) == reference.conv2d(image, kernels, padding=padding).shape:
            fail(M.CONV_STRIDE_IGNORED, stride=stride)
        template = M.CONV_SAME_SHAPE if padding == "same" else M.CONV_VALID_SHAPE
        fail(template, stride=stride, h=h, w=w, kh=kh, kw=kw, expected=expected.shape, got=shape_of(got))
    flipped = reference.conv2d(image, kernels[::-1, ::-1], stride=stride, padding=padding)
    if np.allclose(got, flipped) and not np.allclose(flipped, expected):
        fail(M.CONV_FLIPPED)
    if padding == "same":
        mirrored = reference.conv2d(image[::-1, ::-1], kernels[::-1, ::-1], stride=stride, padding=padding)
        if np.shape(mirrored) == np.shape(got) and np.allclose(got, mirrored[::-1, ::-1]) and not np.allclose(got, expected):
            fail(M.CONV_SAME_SIDE)
    if not np.allclose(np.asarray(got, dtype=float), expected, rtol=1e-5, atol=1e-6) and kernels.shape[2] > 1:
        # Right with one input channel, wrong with several: the channels are mixed up. Otherwise
        # the difference itself is what the check observed.
        one_in = student.conv2d(image[..., :1].copy(), kernels[:, :, :1].copy(), stride=stride, padding=padding)
        wanted = reference.conv2d(image[..., :1], kernels[:, :, :1], stride=stride, padding=padding)
        if shape_of(one_in) == wanted.shape and np.allclose(np.asarray(one_in, dtype=float), wanted):
            fail(M.CONV_CHANNELS)
    expect_close(got, expected, "conv2d's output")


def check_conv_valid(student, reference):
    """conv2d with padding="valid" matches Keras Conv2D (non-square image and kernel, 3 channels in, 4 out)"""
    image, kernels = image_and_kernels(7, 9, 3, 3, 2, 4)
    diagnose_conv(student, reference, image, kernels, 1, "valid")


def check_conv_valid_strided(student, reference):
    """conv2d with padding="valid" and stride 2 matches Keras Conv2D"""
    image, kernels = image_and_kernels(9, 8, 2, 3, 3, 3)
    diagnose_conv(student, reference, image, kernels, 2, "valid")


def check_conv_same(student, reference):
    """conv2d with padding="same" keeps the height and width, as Keras Conv2D does"""
    image, kernels = image_and_kernels(6, 7, 2, 3, 3, 2)
    diagnose_conv(student, reference, image, kernels, 1, "same")


def check_conv_same_strided(student, reference):
    """conv2d with padding="same" and stride 2 on odd sizes pads as Keras Conv2D does"""
    for h, w, k in ((8, 6, 4), (7, 8, 3), (5, 5, 2)):
        image, kernels = image_and_kernels(h, w, 2, k, k, 3)
        diagnose_conv(student, reference, image, kernels, 2, "same")


def output_leaving_input(student, name, x):
    """`student.<name>(x)`; fails when the call changed `x` in place."""
    __tracebackhide__ = True
    before = x.copy()
    got = getattr(student, name)(x)
    if not np.array_equal(x, before):
        fail(M.IN_PLACE, function=name)
    return got


def check_relu(student, reference):
    """relu zeroes the negatives, keeps the positives, and leaves its input unchanged"""
    x = RNG.normal(size=(4, 5, 3))
    expect_close(output_leaving_input(student, "relu", x), reference.relu(x), "relu's output")


def check_sigmoid(student, reference):
    """sigmoid matches 1 / (1 + exp(-x)) and leaves its input unchanged"""
    x = np.linspace(-8, 8, 33).reshape(3, 11)
    expect_close(output_leaving_input(student, "sigmoid", x), reference.sigmoid(x), "sigmoid's output")


def call_quietly(function, *args, **kwargs):
    """The result and the first RuntimeWarning the call raised (or None)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            result = function(*args, **kwargs)
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    return result, (str(runtime[0].message) if runtime else None)


def check_sigmoid_extremes(student, reference):
    """sigmoid gives 1 and 0 for inputs like ±1000, with no overflow warning"""
    for value in (1000.0, -1000.0, 750.0, -750.0):
        got, warning = call_quietly(student.sigmoid, np.array([value]))
        expected = reference.sigmoid(np.array([value]))[0]
        if not np.all(np.isfinite(np.asarray(got, dtype=float))):
            fail(M.SIGMOID_NOT_FINITE, value=value, got=got, expected=expected)
        if warning:
            fail(M.SIGMOID_WARNS, value=value, warning=warning)
        expect_close(got, [expected], f"sigmoid({value:g})")


def check_softmax(student, reference):
    """softmax gives positive values that sum to 1 along the last axis"""
    logits = RNG.normal(size=(4, 10)) * 3
    expect_close(output_leaving_input(student, "softmax", logits), reference.softmax(logits), "softmax's output")


def check_softmax_axis(student, reference):
    """softmax(logits, axis=0) normalizes along the first axis"""
    logits = RNG.normal(size=(3, 5))
    got = np.asarray(student.softmax(logits, axis=0), dtype=float)
    if got.shape == logits.shape and not np.allclose(got.sum(axis=0), 1):
        fail(M.SOFTMAX_AXIS, axis=0, sums=np.round(got.sum(axis=0), 3).tolist())
    expect_close(got, reference.softmax(logits, axis=0), "softmax(logits, axis=0)")


def check_softmax_large_logits(student, reference):
    """softmax stays finite for logits like 1000"""
    logits = np.array([[1000.0, 999.0, 10.0], [-1000.0, -1001.0, -999.0]])
    got, warning = call_quietly(student.softmax, logits)
    if not np.all(np.isfinite(np.asarray(got, dtype=float))):
        fail(M.SOFTMAX_NOT_FINITE, value=1000, got=np.asarray(got).tolist())
    if warning:
        fail(M.SOFTMAX_WARNS, warning=warning, value=1000)
    expect_close(got, reference.softmax(logits), "softmax of logits like 1000")


def check_max_pool(student, reference):
    """max_pool2d takes the largest value of each window; stride defaults to pool_size"""
    x = RNG.normal(size=(7, 9, 3))
    got = student.max_pool2d(x.copy(), pool_size=2)
    expected = reference.max_pool2d(x, pool_size=2)
    if shape_of(got) != expected.shape:
        if shape_of(got) == reference.max_pool2d(x, pool_size=2, stride=1).shape:
            fail(M.POOL_STRIDE_DEFAULT, pool=2, got=shape_of(got), expected=expected.shape)
        fail(M.POOL_SHAPE, pool=2, stride=2, h=7, w=9, expected=expected.shape, got=shape_of(got))
    windows = x[:6, :8].reshape(3, 2, 4, 2, 3)
    if np.allclose(np.asarray(got, dtype=float), windows.mean(axis=(1, 3))):
        fail(M.POOL_AVERAGE)
    expect_close(got, expected, "max_pool2d's output")


def check_max_pool_stride(student, reference):
    """max_pool2d with pool_size=3 and stride=2 (overlapping windows) matches Keras MaxPooling2D"""
    x = RNG.normal(size=(9, 8, 2))
    got = student.max_pool2d(x.copy(), pool_size=3, stride=2)
    expected = reference.max_pool2d(x, pool_size=3, stride=2)
    if shape_of(got) != expected.shape:
        fail(M.POOL_SHAPE, pool=3, stride=2, h=9, w=8, expected=expected.shape, got=shape_of(got))
    expect_close(got, expected, "max_pool2d(pool_size=3, stride=2)")


def check_global_average_pool(student, reference):
    """global_average_pool turns (H, W, C) maps into one mean per channel, shape (C,)"""
    x = RNG.normal(size=(5, 4, 6))
    got = student.global_average_pool(x.copy())
    expected = reference.global_average_pool(x)
    if shape_of(got) != expected.shape:
        fail(M.GAP_SHAPE, shape=x.shape, expected=expected.shape, got=shape_of(got))
    expect_close(got, expected, "global_average_pool's output")


def check_param_count(student, reference):
    """conv2d_param_count matches Keras' count_params(), with and without a bias"""
    cases = [((3, 3, 32), {}), ((3, 3, 32), {"use_bias": False}), ((5, 1, 64), {}), (((3, 5), 16, 8), {})]
    for args, kwargs in cases:
        got = student.conv2d_param_count(*args, **kwargs)
        expected = reference.conv2d_param_count(*args, **kwargs)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            fail(M.PARAMS_NOT_INT, got=describe(got))
        if got != expected:
            shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            fail(M.PARAMS_WRONG, args=shown, got=got, expected=expected)
