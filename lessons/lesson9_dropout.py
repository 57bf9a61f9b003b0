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
# # 8.9 Regularization and dropout
#
# **You write:** `add_dropout` and `build_model_with_dropout`.
# **Check your work:** `uv run python -m grader lesson9`.
#
# Our models reach a much higher accuracy on the training images than on the
# validation images: they **overfit**, learning details of the particular
# training photos that do not carry over to new ones. For example, if
# several t-shirts in the training set carry the same logo, the network
# may learn "this logo means t-shirt" instead of looking at the shape of the
# garment. **Regularization** is any technique that discourages such
# memorising. Dropout is one of the simplest.

# %% [markdown]
# ## Setup

# %%
import keras

from course import pretrained

# %% [markdown]
# ## What dropout does
#
# A `keras.layers.Dropout(rate)` layer behaves differently in training and
# in inference.
#
# - **In training** (inside `fit`), at every step it sets a random selection
#   of its inputs to zero: each value is dropped with probability `rate`, and
#   a new selection is drawn for every batch. The rate is the fraction
#   **dropped**, not kept: `Dropout(0.2)` keeps about 80% of the values. The
#   values it keeps are multiplied by `1 / (1 - rate)` (2 for a rate of 0.5),
#   so that on average the next layer receives as much signal as without
#   dropout.
# - **In inference** (`predict`, `evaluate`, and the validation pass at the
#   end of each epoch of `fit`) it does nothing: its output is its input.
#
# Because any unit can disappear at any step, the layer after the dropout
# cannot rely on one particular feature, such as the logo: it has to spread
# its evidence over many. Each step trains a slightly different thinned
# network, which is why dropout usually needs more epochs to converge.
#
# A dropout layer has no weights: it adds no parameters to the model.

# %%
def add_dropout(tensor, droprate=0.5):
    """Apply a new dropout layer to `tensor`.

    Args:
        tensor: the tensor to apply dropout to.
        droprate: the fraction of the values set to zero at each training step
            (0 drops nothing).

    Returns:
        The dropout layer's output, a tensor of the same shape as `tensor`.
    """
    # TODO: create a Keras dropout layer with the rate droprate, call it on
    #       `tensor`, and return the result (a tensor, not the layer). Keras
    #       decides by itself when the layer is training; do not pass
    #       `training=` here.
    raise NotImplementedError("add_dropout")


# %% [markdown]
# ## Where it goes
#
# We put the dropout on the output of the inner layer of lesson 8.8, right
# before the output layer:
#
# ```text
# pooling (2048) -> Dense(100, ReLU) -> Dropout(0.5) -> Dense(10) -> logits
# ```
#
# So in training the output layer sees a random part of the inner layer's
# 100 features at each step. There is no dropout after the output layer:
# dropping logits would only make the loss noisy.

# %%
def build_model_with_dropout(
    *,
    input_size=150,
    learning_rate=0.01,
    size_inner=100,
    droprate=0.5,
    num_classes=10,
    base_model=None,
):
    """The model of lesson 8.8 with dropout after the inner layer, compiled.

    Args:
        input_size: images are `input_size` x `input_size` pixels, 3 channels.
        learning_rate: the learning rate of the Adam optimizer.
        size_inner: how many ReLU units the inner layer has.
        droprate: the fraction of the inner layer's outputs dropped in training.
        num_classes: how many outputs (classes) the model has.
        base_model: the convolutional base; `None` means Xception with ImageNet
            weights and without its top, built for `(input_size, input_size, 3)`.

    Returns:
        A compiled `keras.Model`: input `(None, input_size, input_size, 3)`;
        the base, frozen and called with `training=False`; global average
        pooling; a dense layer of `size_inner` ReLU units; dropout at
        `droprate`; a dense layer of `num_classes` logits. Compiled with Adam
        at `learning_rate`, categorical cross-entropy on logits and the
        `accuracy` metric.
    """
    # TODO: build the model of lesson 8.8 again (base from
    #       course.pretrained.xception without its top when none is given,
    #       frozen, in inference mode; pooling; inner ReLU layer; logits) with
    #       add_dropout between the inner layer and the output layer, and
    #       compile it the same way. This file must not import another lesson.
    raise NotImplementedError("build_model_with_dropout")


# %% [markdown]
# ## Choosing the rate
#
# The dropout rate is one more hyperparameter. A rate of 0 is the model of
# lesson 8.8; a rate close to 1 throws away nearly everything and the model
# learns little. The course compares the rates 0.0, 0.2, 0.5 and 0.8, and
# trains for 30 epochs instead of 10 because dropout slows learning down. It
# does not checkpoint these runs. The highest epoch of the sweep, 0.8534,
# came with a rate of 0.5, but it is a single epoch, which the course calls
# more likely luck than a better model. Judging by the curves instead, the
# course keeps a dropout rate of 0.2 (best epoch: 0.8446), which it uses
# from then on. The default `droprate=0.5` of the functions below is
# the default of the course's own `make_model`, not the rate it ends up with.
#
# Compare the curves, not only the best scores: with dropout, training and
# validation accuracy stay closer together, the sign that the network
# overfits less. Beyond this package, the course's 8.10 adds another
# regularizer, data augmentation.
#
# ## Try it
#
# ```text
# uv run python -m lessons.lesson9_dropout --data clothing-dataset-small
# ```
#
# trains your `build_model_with_dropout` once per rate 0.0, 0.2, 0.5 and 0.8
# (learning rate 0.001, 100 inner units, 30 epochs each, since dropout slows
# learning down), then saves a plot of `val_accuracy` per rate and a JSON
# file of the histories in a new temporary folder (or in `--out DIR`).
# `solutions` instead of `lessons` runs the reference; the options are those
# of lesson 8.6. With the cached features (lesson 8.6) your dropout layer
# works as it would on top of Xception: it drops a new random part of the
# inner layer's outputs at every training step and nothing in validation.
# `--no-cache` trains the full model on the photos, as the course does.

# %%
if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson9", globals())
