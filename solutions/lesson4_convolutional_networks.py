"""Reference solution for lesson 8.4, Convolutional neural networks.

The lesson, with its prose, is lessons/lesson4_convolutional_networks.py.
NumPy only: this module never imports TensorFlow or Keras.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _same_padding(size, kernel, stride):
    """(before, after) padding of one axis for "same", as TensorFlow computes it."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(image, kernels, stride=1, padding="valid"):
    """Slide filters over an image, as keras.layers.Conv2D(use_bias=False) does.

    image: array (H, W, C_in). kernels: array (kh, kw, C_in, C_out), the
    layout of a Keras Conv2D kernel: one (kh, kw, C_in) filter per output
    channel. Each output value is the sum of a (kh, kw, C_in) patch of the
    image multiplied element-wise by one filter (cross-correlation: the
    filter is not flipped). stride: a positive int, the step in both
    directions.

    padding="valid": no padding, H' = (H - kh) // stride + 1 (same for W).
    padding="same": zeros around the image so that H' = ceil(H / stride);
    the total padding of an axis is max((H' - 1) * stride + kh - H, 0), with
    total // 2 before (top/left) and the rest after (bottom/right).

    Returns a float array (H', W', C_out).
    """
    image = np.asarray(image, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    if image.ndim != 3 or kernels.ndim != 4:
        raise ValueError(
            f"expected image (H, W, C_in) and kernels (kh, kw, C_in, C_out), "
            f"got shapes {image.shape} and {kernels.shape}"
        )
    kh, kw, c_in, _ = kernels.shape
    if image.shape[2] != c_in:
        raise ValueError(f"the image has {image.shape[2]} channels, the kernels expect {c_in}")
    if int(stride) != stride or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride}")
    stride = int(stride)
    if padding == "same":
        pads = (_same_padding(image.shape[0], kh, stride), _same_padding(image.shape[1], kw, stride))
        image = np.pad(image, (*pads, (0, 0)))
    elif padding != "valid":
        raise ValueError(f'padding must be "valid" or "same", got {padding!r}')
    if image.shape[0] < kh or image.shape[1] < kw:
        raise ValueError(f"a {kh}x{kw} kernel does not fit in a {image.shape[:2]} image")
    # windows[i, j] is the patch under the filter at output position (i, j): (C_in, kh, kw)
    windows = sliding_window_view(image, (kh, kw), axis=(0, 1))[::stride, ::stride]
    return np.tensordot(windows, kernels, axes=([2, 3, 4], [2, 0, 1]))


def relu(x):
    """Element-wise rectified linear unit: max(x, 0).

    Returns a new array of the same shape; `x` is not changed.
    """
    return np.maximum(np.asarray(x), 0)


def sigmoid(x):
    """Element-wise logistic sigmoid 1 / (1 + exp(-x)), values in [0, 1].

    Numerically stable: no overflow (and no RuntimeWarning) for inputs like
    1000 or -1000, which give 1.0 and 0.0. Returns a new float array of the
    same shape; `x` is not changed.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    small = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + small), small / (1 + small))


def softmax(logits, axis=-1):
    """Softmax along `axis`: exp(z_i) / sum_j exp(z_j).

    The values are positive and sum to 1 along `axis`. Numerically stable:
    finite for logits like 1000. Returns a new float array of the same
    shape; `logits` is not changed.
    """
    logits = np.asarray(logits)
    if not np.issubdtype(logits.dtype, np.floating):
        logits = logits.astype(np.float64)
    exps = np.exp(logits - np.max(logits, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def max_pool2d(x, pool_size=2, stride=None):
    """Max pooling of feature maps, as keras.layers.MaxPooling2D(padding="valid").

    x: array (H, W, C). Each output value is the largest value of a
    pool_size x pool_size window of one channel; windows move by `stride`
    (default: pool_size, so they do not overlap). No padding: a window that
    would stick out of x is dropped, so H' = (H - pool_size) // stride + 1.
    Returns (H', W', C). Pooling has no learned weights.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"expected feature maps (H, W, C), got shape {x.shape}")
    stride = pool_size if stride is None else stride
    if pool_size < 1 or stride < 1:
        raise ValueError(f"pool_size and stride must be positive, got {pool_size} and {stride}")
    if x.shape[0] < pool_size or x.shape[1] < pool_size:
        raise ValueError(f"a {pool_size}x{pool_size} pool does not fit in a {x.shape[:2]} input")
    windows = sliding_window_view(x, (pool_size, pool_size), axis=(0, 1))[::stride, ::stride]
    return windows.max(axis=(-2, -1))


def global_average_pool(x):
    """Global average pooling: the mean of each feature map, (H, W, C) to (C,).

    As keras.layers.GlobalAveragePooling2D does for one image.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"expected feature maps (H, W, C), got shape {x.shape}")
    return x.mean(axis=(0, 1))


def conv2d_param_count(kernel_size, in_channels, filters, use_bias=True):
    """The number of parameters of a Conv2D layer, as its count_params() gives.

    kernel_size: an int k for a k x k kernel, or a (kh, kw) pair. Each of the
    `filters` filters has kh * kw * in_channels weights, plus one bias when
    use_bias is true: (kh * kw * in_channels + 1) * filters. The image size
    does not matter. Returns an int.
    """
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    return int((kh * kw * in_channels + (1 if use_bias else 0)) * filters)


if __name__ == "__main__":
    # An 8x8 one-channel image, dark on the left half and bright on the right.
    image = np.zeros((8, 8, 1))
    image[:, 4:] = 1.0
    vertical = np.array([[-1.0, 0.0, 1.0]] * 3)
    kernels = np.stack([vertical, vertical.T], axis=-1)[:, :, np.newaxis, :]  # (3, 3, 1, 2)

    maps = conv2d(image, kernels)
    print("valid:", maps.shape, "| same:", conv2d(image, kernels, padding="same").shape,
          "| same, stride 2:", conv2d(image, kernels, stride=2, padding="same").shape)
    print("vertical-edge map, first row:", maps[0, :, 0])
    print("horizontal-edge map is all zero:", not maps[:, :, 1].any())
    pooled = max_pool2d(relu(maps))
    print("after ReLU and 2x2 max pooling:", pooled.shape, "first row", pooled[0, :, 0])
    print("global average pooling:", global_average_pool(pooled))
    print("parameters of this layer with a bias:", conv2d_param_count(3, 1, 2))

    logits = np.array([2.0, 1.0, 0.1])
    print("sigmoid:", sigmoid(logits).round(3), "sum", sigmoid(logits).sum().round(3))
    print("softmax:", softmax(logits).round(3), "sum", softmax(logits).sum())
    print("softmax([1000, 0]):", softmax(np.array([1000.0, 0.0])), "sigmoid(-1000):", sigmoid(-1000.0))
