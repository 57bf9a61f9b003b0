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
# # 8.5 Transfer learning
#
# **You write:** `make_datasets` and `build_transfer_model`.
# **Check your work:** `uv run python -m grader lesson5`.
#
# A convolutional network has two parts. The **convolutional base** (the
# convolution and pooling layers) turns an image into features: edges and
# textures in the first layers, shapes and parts of objects further in. The
# **top** (dense layers) turns those features into a decision among the
# classes it was trained on. The base's knowledge is general; the top's is
# specific to ImageNet's 1,000 classes.
#
# Transfer learning keeps the base of a pre-trained network, throws its top
# away, and trains a new, small top for our ten clothing classes. The base
# stays **frozen**: its weights do not change, so we train only the
# new top, a tiny share of the network's parameters, and a few thousand
# photos are enough.

# %% [markdown]
# ## Setup

# %%
from pathlib import Path

import keras

from course import pretrained

# %% [markdown]
# ## Reading the images
#
# The dataset has one folder per split (`train`, `validation`, `test`) and,
# inside each, one folder per class. To train quickly we first work with
# 150×150 images instead of Xception's usual 299×299: there are about four
# times fewer pixels. (Beyond this package, the course's 8.11 trains its
# final model at 299 pixels, and the course's 8.12 reports a test accuracy
# of 0.8978 for it.)
#
# `keras.utils.image_dataset_from_directory` reads such a folder into a
# `tf.data.Dataset` of batches. On our training folder it prints
# `Found 3068 files belonging to 10 classes.` (the validation folder has 341
# images). The important arguments:
#
# - `image_size=(150, 150)`: the size every image is resized to, as
#   `(height, width)`.
# - `label_mode="categorical"`: each label is a **one-hot** vector of length
#   10, such as `[0, 0, 0, 0, 1, 0, 0, 0, 0, 0]` for the fifth class. The
#   classes are numbered in sorted name order, so `dress` is class 0 and
#   `t-shirt` is class 9.
# - `batch_size=32` and `shuffle`: training batches should come in a new
#   random order each epoch; validation batches need no shuffling. Their
#   order does not change the validation metrics, which average over the
#   whole split, but a fixed order makes every pass the same and lets you
#   match each prediction to its file.
#
# The images come out as float32 values from 0 to 255, so every batch still
# needs Xception's `preprocess_input` (lesson 8.3). A dataset's `.map(f)`
# applies `f` to each `(images, labels)` batch as it is read.
#
# ### The course's way: `ImageDataGenerator`
#
# The course videos read the images with `ImageDataGenerator`, the older
# Keras 2 tool. Keras 3 keeps it only as a legacy class reachable through
# TensorFlow (`keras.preprocessing.image.ImageDataGenerator` does not exist
# any more):
#
# ```python
# from tensorflow.keras.preprocessing.image import ImageDataGenerator
# from keras.applications.xception import preprocess_input
#
# train_gen = ImageDataGenerator(preprocessing_function=preprocess_input)
# train_ds = train_gen.flow_from_directory(
#     "clothing-dataset-small/train", target_size=(150, 150), batch_size=32
# )
# train_ds.class_indices  # {'dress': 0, 'hat': 1, ...}
# ```
#
# It yields the same kind of batches: preprocessed images and one-hot labels
# (its default `class_mode` is `"categorical"`). It still works, but the
# Keras documentation recommends `image_dataset_from_directory` for new
# code, so that is what we use. One trap if you do use it: it takes *every*
# subfolder as a class, hidden ones too, so a `.ipynb_checkpoints` folder
# left by Jupyter becomes an 11th class. Check `class_indices`.

# %%
def make_datasets(data_dir, target_size=(150, 150), batch_size=32):
    """Training and validation datasets of the clothing photos.

    Args:
        data_dir: the dataset folder, with one subfolder per class in
            `data_dir/train` and in `data_dir/validation`.
        target_size: `(height, width)` every image is resized to.
        batch_size: images per batch.

    Returns:
        `(train, validation)`, two datasets that `model.fit` accepts. Each
        yields `(images, labels)` batches: images float32 of shape
        `(batch, height, width, 3)` scaled by Xception's `preprocess_input`
        (values in [-1, 1]), labels one-hot of shape `(batch, number_of_classes)`,
        with the classes in sorted name order. The training batches are
        shuffled; the validation batches come in the same order on every pass.
    """
    # TODO: read data_dir/"train" (shuffled) and data_dir/"validation" (not
    #       shuffled) with keras.utils.image_dataset_from_directory, at
    #       target_size and batch_size, with one-hot labels. Then scale the
    #       images of every batch with keras.applications.xception.preprocess_input,
    #       leaving the labels alone. Which label_mode gives one-hot labels?
    #       Which Dataset method applies a function to every batch?
    raise NotImplementedError("make_datasets")


# %% [markdown]
# ## The model
#
# ### The frozen base
#
# `course.pretrained.xception(input_shape=(150, 150, 3), include_top=False)`
# gives Xception without its classification top: 20,861,480 parameters. For
# a batch of 150×150 images its output has shape `(None, 5, 5, 2048)`: 2,048
# feature maps of 5×5 positions each. (At 299×299 it would be
# `(None, 10, 10, 2048)`; the number of parameters does not depend on the
# image size, because a convolution's weights do not.)
#
# `base_model.trainable = False` freezes every layer of the base, so the
# optimizer leaves them alone.
#
# Xception contains `BatchNormalization` layers, which behave differently
# in training (they normalise with the statistics of the current batch and
# update their running averages) and in inference (they use the running
# averages learned on ImageNet). We want inference mode: the new top should
# learn on the same features that the base computes at prediction time.
# The course, like the Keras transfer-learning guide, calls the base as
# `base_model(inputs, training=False)` to say so, and we do the same.
#
# In Keras 3 it is the freezing that does the work: a `BatchNormalization`
# layer with `trainable = False` always uses its running averages, even
# inside `fit`. The `training=False` in the call does not protect them on its
# own: during `fit` Keras passes `training=True` down to the base, and if you
# later unfreeze the base to fine-tune it, its running averages start to
# change. Keep the `BatchNormalization` layers frozen yourself when you
# fine-tune.
#
# ### The new top
#
# We build the model with the **functional API**: start from a
# `keras.Input`, call one layer after the other on the tensors they return,
# and wrap the first and last tensors in a `keras.Model`:
#
# - `keras.layers.GlobalAveragePooling2D()` averages each of the 2,048 maps
#   over its 5×5 positions: one vector of 2,048 numbers per image, shape
#   `(None, 2048)`. Pooling has no weights to learn.
# - `keras.layers.Dense(10)` maps that vector to 10 numbers, one per class:
#   2048 × 10 weights plus 10 biases, 20,490 parameters. These are the only
#   trainable parameters of the whole model (20,881,970 in total).
#
# The dense layer has no activation: its outputs are **logits**, raw scores
# that can be any real number. A softmax would turn them into probabilities
# that sum to 1 (softmax is the generalisation of the sigmoid to more than
# two classes). We leave the softmax to the loss instead:
# `keras.losses.CategoricalCrossentropy(from_logits=True)` applies it inside
# the loss computation, which is numerically more stable. When you want
# probabilities from the trained model, apply `keras.activations.softmax` to
# its predictions.
#
# ### Compiling
#
# - optimizer: `keras.optimizers.Adam(learning_rate=...)`; the course starts
#   with 0.01 (lesson 8.6 tunes it);
# - loss: categorical cross-entropy on logits; "categorical" because our
#   labels are one-hot (integer labels would need the sparse version);
# - `metrics=["accuracy"]`: the share of images whose largest logit is the
#   right class, reported as `accuracy` and, on the validation data,
#   `val_accuracy`.

# %%
def build_transfer_model(*, input_size=150, learning_rate=0.01, num_classes=10, base_model=None):
    """A frozen convolutional base with a new dense output layer, compiled.

    Args:
        input_size: images are `input_size` x `input_size` pixels, 3 channels.
        learning_rate: the learning rate of the Adam optimizer.
        num_classes: how many outputs (classes) the new top has.
        base_model: the convolutional base; `None` means Xception with ImageNet
            weights and without its top, built for `(input_size, input_size, 3)`.

    Returns:
        A compiled `keras.Model`: input `(None, input_size, input_size, 3)`;
        the base, frozen and called with `training=False`; global average
        pooling; a dense layer of `num_classes` logits (no activation).
        Compiled with Adam at `learning_rate`, categorical cross-entropy on
        logits (`from_logits=True`) and the `accuracy` metric.
    """
    # TODO: load the base with course.pretrained.xception when none is given
    #       (which argument drops the top?), freeze it, then chain Input ->
    #       base (in inference mode) -> global average pooling -> a Dense layer
    #       of num_classes outputs without activation, and compile as described
    #       above. Do not add other layers; lessons 8.8 and 8.9 do that.
    raise NotImplementedError("build_transfer_model")


# %% [markdown]
# ## Training
#
# With the datasets and the model, training is one call:
#
# ```python
# train, validation = make_datasets("clothing-dataset-small")
# model = build_transfer_model()
# history = model.fit(train, epochs=10, validation_data=validation)
# ```
#
# Each epoch goes once over the 3,068 training images and then evaluates the
# model on the validation images. `history.history` is a dict of lists, one
# value per epoch, under the keys `loss`, `accuracy`, `val_loss` and
# `val_accuracy`. Plot `accuracy` and `val_accuracy` against the epochs:
# training accuracy keeps climbing, while validation accuracy soon levels off
# and wobbles. The growing gap between them is **overfitting**. Lessons 8.6
# to 8.9 work on a better validation score: a better learning rate (8.6),
# keeping the best epoch (8.7), a bigger top (8.8), and dropout, which
# fights overfitting itself (8.9).
#
# ## Try it
#
# ```text
# uv run python -m lessons.lesson5_transfer_learning --data clothing-dataset-small
# ```
#
# trains your `build_transfer_model` for 10 epochs with a learning rate of
# 0.01, the course's first run, and saves a plot of `accuracy` and
# `val_accuracy` with a JSON file of the history in a new temporary folder
# (or in `--out DIR`); `solutions` instead of `lessons` runs the reference.
# Add `--limit 20` for a quick try on 20 photos per class. Behind a proxy
# or offline, point the environment variable `XCEPTION_NOTOP_WEIGHTS` at a
# copy of the ImageNet weights without the top (a `.weights.h5` file), and
# every `weights="imagenet"` base loads it (the README says more). With no
# weights at all, add `--weights none` to run with random weights. The
# model then learns little or nothing: compare its validation accuracy
# with 0.2375, the share of the largest class (t-shirt) among the
# validation photos, which a model that answers t-shirt for every photo
# scores.
#
# The experiment reads the photos with the course's own `tf.data` pipeline
# (`course/pipeline.py`: it decodes on all cores and leaves out unreadable
# files with a warning), and by default it computes the frozen base's
# features once and caches them, so that each epoch trains only the new
# top: lesson 8.6 explains how, and why the model is still yours.
# `--no-cache` trains the full model on the photos every epoch, as in the
# course (the same training, not the same decoding: the photos still go
# through `course/pipeline.py`, which resizes with bilinear interpolation,
# where the course's `flow_from_directory` used nearest neighbour). Your
# `make_datasets` is for your own notebook, and the grader checks it.

# %%
if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson5", globals())
