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
# # 8.8 Adding more layers
#
# **You write:** `add_inner_layer` and `build_model_with_inner_layer`.
# **Check your work:** `uv run python -m grader lesson8`.
#
# The top we trained in lesson 8.5 is a single dense layer: it turns the
# 2,048 features of an image straight into 10 class scores, a linear
# function of the features. Between the pooling and the output we now add
# an **inner** dense layer, so the top can combine features in non-linear
# ways before it decides:
#
# ```text
# image -> frozen Xception -> pooling (2048) -> Dense(100, ReLU) -> Dense(10) -> logits
# ```

# %% [markdown]
# ## Setup

# %%
import keras

from course import pretrained

# %% [markdown]
# ## Activation functions
#
# A dense layer computes `w · x + b` for each of its units, then an
# **activation function** on the result.
#
# - **ReLU**, `max(0, x)`, is the usual choice for inner layers. Some
#   non-linearity is essential: without it, two dense layers in a row would
#   compute a linear function of a linear function, which a single dense
#   layer could do on its own, and the inner layer would add nothing.
# - **Sigmoid**, `1 / (1 + e^(-x))`, squeezes one score into (0, 1). It
#   suits a yes/no output, or several independent yes/no outputs (an image
#   that can be "red" *and* "striped"). Sigmoid outputs are independent of
#   each other: they do not sum to 1.
# - **Softmax** turns a vector of scores into probabilities that are
#   positive and sum to 1: one choice among several classes, as here.
#   Softmax generalizes the sigmoid: with two classes and scores `(z, 0)`,
#   the first softmax probability is exactly `sigmoid(z)`.
#
# Our output layer still has **no** activation: it produces logits, and the
# softmax is applied inside the loss, `CategoricalCrossentropy(from_logits=True)`,
# exactly as in lesson 8.5.
#
# ## The inner layer
#
# With 100 units the inner layer has 2048 × 100 + 100 = 204,900 parameters,
# and the output layer, which now reads 100 numbers instead of 2,048, has
# 100 × 10 + 10 = 1,010. The model has 205,910 trainable parameters, about
# ten times the 20,490 of lesson 8.5, while the frozen base is unchanged.

# %%
def add_inner_layer(vectors, size_inner=100):
    """Apply a new dense layer of `size_inner` ReLU units to `vectors`.

    Args:
        vectors: a tensor of shape `(batch, features)`, such as the output of
            global average pooling.
        size_inner: how many units the layer has.

    Returns:
        The layer's output, a tensor of shape `(batch, size_inner)`.
    """
    # TODO: create a dense layer with size_inner units and the ReLU activation,
    #       call it on `vectors`, and return what it returns (a tensor, not
    #       the layer).
    raise NotImplementedError("add_inner_layer")


# %% [markdown]
# ## The model
#
# The model is the one of lesson 8.5 (frozen base called with
# `training=False`, global average pooling, a dense output of logits, the
# same compile) with the inner layer inserted between the pooling and the
# output. Write it out in full here: a lesson does not import another one.

# %%
def build_model_with_inner_layer(
    *, input_size=150, learning_rate=0.01, size_inner=100, num_classes=10, base_model=None
):
    """The transfer-learning model of lesson 8.5 with an inner dense layer, compiled.

    Args:
        input_size: images are `input_size` x `input_size` pixels, 3 channels.
        learning_rate: the learning rate of the Adam optimizer.
        size_inner: how many ReLU units the inner layer has.
        num_classes: how many outputs (classes) the model has.
        base_model: the convolutional base; `None` means Xception with ImageNet
            weights and without its top, built for `(input_size, input_size, 3)`.

    Returns:
        A compiled `keras.Model`: input `(None, input_size, input_size, 3)`;
        the base, frozen and called with `training=False`; global average
        pooling; a dense layer of `size_inner` ReLU units; a dense layer of
        `num_classes` logits. Compiled with Adam at `learning_rate`,
        categorical cross-entropy on logits and the `accuracy` metric.
    """
    # TODO: build the lesson-8.5 model again (base from
    #       course.pretrained.xception without its top when none is given,
    #       frozen, in inference mode; pooling; logits), with add_inner_layer
    #       between the pooling and the output, and compile it the same way.
    raise NotImplementedError("build_model_with_inner_layer")


# %% [markdown]
# ## How big should the inner layer be?
#
# `size_inner` is another hyperparameter. The course tries 10, 100 and 1000
# units with the learning rate of 0.001 from lesson 8.6, and compares the
# validation accuracy of the runs as we compared learning rates (with
# `size_inner` as the key). A bigger layer is not automatically better: more
# parameters also means more room to memorise the training images, that is,
# to overfit. The differences between these runs are small, so expect your
# own ranking to vary.
#
# In the course's run, sizes 10 and 100 tie for the best epoch at 0.8152,
# just ahead of 1000, so the rule of lesson 8.6 (the smaller key on a tie)
# would pick 10. The course does not decide on one epoch: its three curves
# are close, with no clear winner, and the course keeps an inner layer of
# 100 units, the size it started with. Before shrinking a model that does
# not clearly beat a simpler one, it tries regularizing it (lesson 8.9), and
# dropout needs an inner layer with something to drop.
#
# ## Try it
#
# ```text
# uv run python -m lessons.lesson8_more_layers --data clothing-dataset-small
# ```
#
# trains your `build_model_with_inner_layer` once per size 10, 100 and 1000
# (learning rate 0.001, 10 epochs each), then saves a plot of `val_accuracy`
# per size and a JSON file of the histories in a new temporary folder (or in
# `--out DIR`). `solutions` instead of `lessons` runs the reference; the
# options are those of lesson 8.6. With the cached features (lesson 8.6)
# your inner layer and output layer train on the stored pooled features,
# exactly as on top of Xception; `--no-cache` trains the full model on the
# photos, as the course does.

# %%
if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson8", globals())
