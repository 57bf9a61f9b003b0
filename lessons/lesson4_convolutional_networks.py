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
# # 8.4 Convolutional neural networks
#
# **Goal:** understand what happens inside a network like Xception by
# writing its building blocks with NumPy: convolution, ReLU, pooling,
# sigmoid and softmax. No TensorFlow in this lesson.
#
# **You write:** `conv2d`, `relu`, `sigmoid`, `softmax`, `max_pool2d`,
# `global_average_pool` and `conv2d_param_count`.
# **Check your work:** `uv run python -m grader lesson4`: it checks that
# your functions compute what the Keras layers compute.
#
# A convolutional neural network (CNN) for classification has two parts:
# **convolutional layers** (with pooling in between) turn the image into a
# vector of features, and **dense layers** turn that vector into one score
# per class.
#
# ## Filters and feature maps
#
# A convolutional layer holds a set of **filters**: small grids of weights,
# for example 3 x 3. A filter slides over the image. At each position we
# multiply the patch of the image under it element-wise by the filter and
# add everything up: one number that is large when the patch looks like
# the filter's pattern. The numbers for all positions form a **feature
# map**. For example this filter responds to a dark-to-bright vertical edge:
#
# ```text
# filter        patch over an edge    patch of a flat area
# -1  0  1          0  0  1               1  1  1
# -1  0  1          0  0  1               1  1  1
# -1  0  1          0  0  1               1  1  1
# ```
#
# Over the edge the sum is 3; over the flat area it is 0.
#
# (Mathematicians would call this cross-correlation: a "real" convolution
# flips the filter first. Deep learning libraries skip the flip and call it
# convolution anyway; the weights are learned, so it makes no difference.)
#
# An RGB image has 3 channels, so a filter has 3 channels too, shape
# `(kh, kw, 3)`, and the sum runs over all of them. A layer with F filters
# produces F feature maps, stacked as an array `(H', W', F)`. Keras stores
# the filters of such a layer as one kernel of shape `(kh, kw, C_in, F)`,
# plus a bias of F numbers added to each map.
# The next layer reads these F maps as its input channels, so it finds
# patterns of patterns: edges, then textures, then parts like collars or
# sleeves. Nobody designs the filters: training learns them.
#
# ## Stride and padding
#
# The **stride** is how far the filter moves at each step. With **padding**
# `"valid"` the filter only visits positions where it fits entirely; with
# `"same"` zeros are added around the image. For an input of height H, a
# filter of height kh and stride s:
#
# - `"valid"`: H' = floor((H - kh) / s) + 1
# - `"same"`: H' = ceil(H / s). The total padding is
#   max((H' - 1) * s + kh - H, 0): half of it (rounded down) on top, the
#   rest at the bottom. With stride 1 the size stays the same (hence the
#   name), and an odd kh gets (kh - 1) / 2 rows of zeros on each side.
#
# The width works the same way. With a 3 x 3 filter a 150 x 150 image
# becomes 148 x 148 ("valid"), 150 x 150 ("same"), 75 x 75 ("same",
# stride 2) or 74 x 74 ("valid", stride 2). Xception's first layer has 32
# filters of 3 x 3 with stride 2 and "valid" padding: a 299 x 299 x 3
# image becomes 149 x 149 x 32.
#
# ## Parameters
#
# Each filter has kh * kw * C_in weights and one bias, so a layer has
# (kh * kw * C_in + 1) * filters parameters. `Conv2D(32, (3, 3))` on an RGB
# image has (3 * 3 * 3 + 1) * 32 = 896. Xception's first layer has no bias:
# 3 * 3 * 3 * 32 = 864. The image size does not appear: the same filter is
# used at every position. Compare a dense layer on the raw pixels: each
# unit would need 67,500 weights for a 150 x 150 x 3 image.
#
# ## ReLU and pooling
#
# After a convolution comes an activation, usually **ReLU**: max(x, 0),
# which keeps positive responses and sets the rest to 0.
#
# **Pooling** shrinks feature maps. 2 x 2 **max pooling** (stride 2) keeps
# the largest value of each 2 x 2 block: a 148 x 148 map becomes 74 x 74,
# and a 5 x 5 map becomes 2 x 2 (the last row and column are dropped).
# **Global average pooling** replaces each whole map by its mean:
# `(H, W, C)` becomes a vector `(C,)`. For a 150 x 150 image, Xception's
# convolutional part outputs `(5, 5, 2048)`, and global average pooling
# turns that into 2048 features. Pooling computes a fixed function: it has
# no weights to learn.
#
# ## Dense layers, sigmoid and softmax
#
# A **dense** layer connects every input to every output: each output is
# a weighted sum of all inputs plus a bias. `Dense(10)` on 2048 features
# has 2048 * 10 + 10 = 20,490 parameters. Its 10 outputs are **logits**:
# any real numbers, one score per class. (The model of 8.5 outputs these
# logits and lets its loss apply the softmax, with `from_logits=True`.)
#
# To turn scores into probabilities:
#
# - **sigmoid**, 1 / (1 + exp(-z)), maps *one* score to (0, 1): the
#   probability of "yes" in a binary problem. Applied to each of several
#   logits it gives independent numbers that do **not** sum to 1 (that is
#   what multi-label problems want, where a photo can have several labels).
# - **softmax**, exp(z_i) / sum_j exp(z_j), maps a vector of scores to
#   positive numbers that **sum to 1**: one distribution over the classes,
#   which is what we want when each photo has exactly one class.
#
# Softmax generalizes sigmoid: with two classes and logits `[z, 0]`,
# softmax gives `[sigmoid(z), 1 - sigmoid(z)]`. For the logits
# `[2.0, 1.0, 0.1]`, sigmoid gives about `[0.881, 0.731, 0.525]` (sum
# 2.137) and softmax `[0.659, 0.242, 0.099]` (sum 1).
#
# **Careful with `exp`:** in float64, `np.exp(710.0)` is already `inf`,
# and inf / inf is nan. Softmax does not change when the same number is
# subtracted from every logit, so subtract the largest: the biggest
# exponent becomes exp(0) = 1. For sigmoid, exp(-z) overflows when z is
# very negative; for z < 0 use the equal form exp(z) / (1 + exp(z)).
#
# ## Batches
#
# Keras models work on a **batch** of images, an array `(N, H, W, 3)`: 32
# photos of 150 x 150 are one array `(32, 150, 150, 3)`. Every image goes
# through the same filters. To keep things clear, the functions below take
# one image `(H, W, C)`.

# %%
import numpy as np

# %% [markdown]
# ## Exercises
#
# Write these with NumPy. Loops over output positions are fine for
# `conv2d` and `max_pool2d`; vectorize later if you like. Questions: what
# shape does one filter have, and how do you multiply it with a patch and
# sum over all three axes? Where do the zeros of "same" go when the total
# padding is odd? Which of your functions could change the caller's array?


# %%
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
    # TODO: pad for "same" as described, then for every output position (i, j)
    #       and every filter, sum the patch times the filter. NumPy only; the
    #       output must match Keras for both paddings and any stride.
    raise NotImplementedError("conv2d")


def relu(x):
    """Element-wise rectified linear unit: max(x, 0).

    Returns a new array of the same shape; `x` is not changed.
    """
    # TODO: negative entries become 0, the others stay. Do not modify x in place.
    raise NotImplementedError("relu")


def sigmoid(x):
    """Element-wise logistic sigmoid 1 / (1 + exp(-x)), values in [0, 1].

    Numerically stable: no overflow (and no RuntimeWarning) for inputs like
    1000 or -1000, which give 1.0 and 0.0. Returns a new float array of the
    same shape; `x` is not changed.
    """
    # TODO: compute the sigmoid so that exp never gets a large positive argument
    #       (see "Careful with exp" above). Element-wise, NumPy only.
    raise NotImplementedError("sigmoid")


def softmax(logits, axis=-1):
    """Softmax along `axis`: exp(z_i) / sum_j exp(z_j).

    The values are positive and sum to 1 along `axis`. Numerically stable:
    finite for logits like 1000. Returns a new float array of the same
    shape; `logits` is not changed.
    """
    # TODO: shift the logits by their maximum along `axis` first, then
    #       exponentiate and normalize along `axis`. Works for any number of dims.
    raise NotImplementedError("softmax")


def max_pool2d(x, pool_size=2, stride=None):
    """Max pooling of feature maps, as keras.layers.MaxPooling2D(padding="valid").

    x: array (H, W, C). Each output value is the largest value of a
    pool_size x pool_size window of one channel; windows move by `stride`
    (default: pool_size, so they do not overlap). No padding: a window that
    would stick out of x is dropped, so H' = (H - pool_size) // stride + 1.
    Returns (H', W', C). Pooling has no learned weights.
    """
    # TODO: take the maximum of each window, channel by channel. No padding;
    #       the stride defaults to pool_size.
    raise NotImplementedError("max_pool2d")


def global_average_pool(x):
    """Global average pooling: the mean of each feature map, (H, W, C) to (C,).

    As keras.layers.GlobalAveragePooling2D does for one image.
    """
    # TODO: average over height and width, keep the channels.
    raise NotImplementedError("global_average_pool")


def conv2d_param_count(kernel_size, in_channels, filters, use_bias=True):
    """The number of parameters of a Conv2D layer, as its count_params() gives.

    kernel_size: an int k for a k x k kernel, or a (kh, kw) pair. Each of the
    `filters` filters has kh * kw * in_channels weights, plus one bias when
    use_bias is true: (kh * kw * in_channels + 1) * filters. The image size
    does not matter. Returns an int.
    """
    # TODO: apply the formula; accept both forms of kernel_size.
    raise NotImplementedError("conv2d_param_count")


# %% [markdown]
# ## Try it on a tiny image
#
# An 8 x 8 one-channel image, dark (0) on the left half and bright (1) on
# the right, and two filters: the vertical-edge filter from above and its
# transpose, which looks for horizontal edges. With "valid" padding you
# should get a `(6, 6, 2)` output whose first map has rows
# `[0, 0, 3, 3, 0, 0]` (the edge lights up) and whose second map is all 0
# (there is no horizontal edge). "same" padding gives `(8, 8, 2)`, and
# "same" with stride 2 gives `(4, 4, 2)`. ReLU and 2 x 2 max pooling give
# `(3, 3, 2)` with rows `[0, 3, 0]`, and global average pooling gives
# `[1, 0]`. With a bias this layer would have (3 * 3 * 1 + 1) * 2 = 20
# parameters.

# %%
if __name__ == "__main__":
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

# %% [markdown]
# Next, in 8.5: keep Xception's convolutional part, which already knows
# useful filters, and train only a new dense layer for our 10 classes.
