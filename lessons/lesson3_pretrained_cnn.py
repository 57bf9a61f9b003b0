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
# # 8.3 Pre-trained convolutional neural networks
#
# **You write:** `prepare_batch` and `top_k_predictions` (and the one-liner
# `load_pretrained_model`).
# **Check your work:** `uv run python -m grader lesson3`.
#
# Training a convolutional network from nothing takes a lot of labelled
# photos and a lot of computing. We do not have to: researchers have already
# trained networks on [ImageNet](https://www.image-net.org/), a large
# collection of labelled photos. Keras's networks learned on ImageNet-1k,
# the part used for the ILSVRC challenge: 1,000 classes (dogs, cars, coffee
# mugs, and some clothes such as "jean", "miniskirt" or "cowboy hat"; the
# full ImageNet has many thousands more), and the researchers publish the
# learned weights. `keras.applications` packages many of these
# networks with their weights. In this module we use one of them,
# **Xception**, designed by François Chollet, the author of Keras.
#
# In this lesson we use the network exactly as it was trained: we give it a
# photo and read which of the 1,000 ImageNet classes it thinks it shows.

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np

from course import pretrained

# %% [markdown]
# ## Loading Xception
#
# `keras.applications.Xception(weights="imagenet")` builds the network and
# downloads its weights (once: Keras keeps them in `~/.keras/models`). Without internet the download fails with a long,
# confusing error, so the course wraps the call in
# `course.pretrained.xception`: it takes the same arguments and, when the
# weights cannot be fetched, raises `PretrainedWeightsUnavailable` with a
# message that says where to put the file. Use it wherever you load Xception.
#
# Xception's default input is a 299×299 colour image. With its
# classification top (`include_top=True`) it has 22,910,480 parameters and
# its output has shape `(None, 1000)`: for each image, one probability per
# ImageNet class. `None` is the batch dimension, which Keras leaves open.

# %%
def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
    """Xception with its ImageNet classification top.

    Args:
        input_shape: `(height, width, 3)` of the images the model takes.
        weights: `"imagenet"` for the pre-trained weights, `None` for random ones.

    Returns:
        A `keras.Model` that maps a batch of `(N, *input_shape)` images to
        `(N, 1000)` probabilities, one per ImageNet class. When the ImageNet
        weights cannot be downloaded, `course.pretrained.PretrainedWeightsUnavailable`
        is raised with what to do.
    """
    # TODO: return Xception *with* its classification top, built by
    #       course.pretrained.xception (not keras.applications directly) with the
    #       given input_shape and weights. Which argument keeps the top?
    raise NotImplementedError("load_pretrained_model")


# %% [markdown]
# ## From photos to a batch
#
# `keras.utils.load_img(path, target_size=(299, 299))` reads a photo and
# resizes it; `np.array(img)` turns it into an array of shape
# `(299, 299, 3)`: height, width and the red, green and blue channels, with
# integer values from 0 to 255.
#
# A Keras model never takes a single image. It takes a **batch**: an array of
# shape `(N, H, W, 3)` holding `N` images. Even one photo goes in as a batch
# of shape `(1, 299, 299, 3)`.
#
# The pixels also need the scaling the network saw during its training.
# Each model in `keras.applications` comes with its own `preprocess_input`.
# Xception's maps every value `x` to `x / 127.5 - 1`, so 0 becomes -1,
# 127.5 becomes 0 and 255 becomes 1: all inputs land in [-1, 1]. (Other
# networks scale differently; always use the function that belongs to the
# model.)
#
# One trap: given a NumPy array of floats, `preprocess_input` scales it
# **in place** and returns that same array. A helper that receives someone
# else's images must not change them.

# %%
def prepare_batch(images):
    """Stack images into one batch scaled the way Xception expects.

    Args:
        images: a sequence of `(H, W, 3)` arrays, all of the same size, with
            pixel values from 0 to 255 (for example from `keras.utils.load_img`).

    Returns:
        A float32 array of shape `(N, H, W, 3)` with values in [-1, 1], as
        computed by `keras.applications.xception.preprocess_input`. The arrays
        passed in are left unchanged.
    """
    # TODO: put the images into one new float32 array of shape (N, H, W, 3),
    #       then scale it with keras.applications.xception.preprocess_input.
    #       Do not scale by hand, and do not modify the caller's arrays: does
    #       your stacking step create a new array, or could it hand back the
    #       caller's own array?
    raise NotImplementedError("prepare_batch")


# %% [markdown]
# ## Reading the predictions
#
# `model.predict(batch)` returns an array of shape `(N, 1000)`. Xception's
# top ends with a softmax, so each row is a probability distribution over the
# 1,000 classes and sums to 1. Column `j` is ImageNet class number `j`.
#
# `keras.applications.xception.decode_predictions(pred, top=5)` turns each
# row into the five most probable ImageNet class names (it downloads the list
# of names the first time). We will soon have our own ten clothing classes,
# so we write the same thing for any list of class names: sort each row's
# probabilities, keep the `k` largest, and pair them with their names.

# %%
def top_k_predictions(probabilities, class_names, k=5):
    """The `k` most probable classes of each prediction.

    Args:
        probabilities: an `(N, C)` array, one row of class probabilities per image.
        class_names: `C` names; `class_names[j]` is the class of column `j`.
        k: how many classes to keep per row (all of them if there are fewer).

    Returns:
        A list with one list per row, each of `k` `(class_name, probability)`
        tuples, most probable first; the probabilities are Python floats.

    Raises:
        ValueError: when `len(class_names)` differs from the number of columns.
    """
    # TODO: check that there is one name per column (raise ValueError if not);
    #       then, for every row, find the column indices of the k largest
    #       values, largest first, and pair each with its name and its value as
    #       a Python float. Which NumPy function gives the order of the values
    #       instead of the sorted values themselves?
    raise NotImplementedError("top_k_predictions")


# %% [markdown]
# ## Why this is not enough
#
# ImageNet's classes are not ours. It knows "jean" and "miniskirt" but has
# no class for "pants", "longsleeve" or "outwear" as our dataset defines
# them. The network has, however, learned to see: its convolutional layers
# turn a photo into features (edges, textures, shapes, parts of objects)
# that are useful for clothes too. In lesson 8.5 we keep those layers and
# train a new top for our ten classes: **transfer learning**.
#
# ## Try it
#
# Run `uv run python -m lessons.lesson3_pretrained_cnn` from the project
# folder. Without the ImageNet weights the demo goes on with random weights:
# the code runs, but the predictions mean nothing.

# %%
if __name__ == "__main__":
    from course.dataset import find_dataset, missing_dataset_message

    try:
        model = load_pretrained_model()
    except pretrained.PretrainedWeightsUnavailable as error:
        print(error)
        model = load_pretrained_model(weights=None)
    print(f"{model.count_params():,} parameters, output shape {model.output_shape}")

    data_dir = find_dataset()
    if data_dir is None:
        print(missing_dataset_message())
    else:
        paths = sorted((data_dir / "train" / "pants").glob("*.jpg"))[:2]
        images = [np.array(keras.utils.load_img(path, target_size=(299, 299))) for path in paths]
        batch = prepare_batch(images)
        print("batch:", batch.shape, batch.dtype, batch.min(), batch.max())
        probabilities = model.predict(batch, verbose=0)
        names = [f"ImageNet class {j}" for j in range(probabilities.shape[1])]
        for path, top in zip(paths, top_k_predictions(probabilities, names)):
            print(path.name, [(name, round(p, 3)) for name, p in top])
