"""Reference solution of lesson 3 (course lesson 8.3, pre-trained convolutional networks).

The explanations are in `lessons/lesson3_pretrained_cnn.py`.
"""

import keras
import numpy as np

from course import pretrained


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
    return pretrained.xception(input_shape=input_shape, include_top=True, weights=weights)


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
    batch = np.stack([np.asarray(image, dtype="float32") for image in images])
    if batch.ndim != 4 or batch.shape[-1] != 3:
        raise ValueError(f"expected images of shape (H, W, 3); got a batch of shape {batch.shape}")
    # np.stack made a new array, so scaling it in place cannot touch the caller's images.
    return keras.applications.xception.preprocess_input(batch)


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
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2:
        raise ValueError(f"expected an (N, C) array; got shape {probabilities.shape}")
    if len(class_names) != probabilities.shape[1]:
        raise ValueError(
            f"{len(class_names)} class names for {probabilities.shape[1]} columns of probabilities"
        )
    result = []
    for row in probabilities:
        best = np.argsort(-row, kind="stable")[:k]
        result.append([(class_names[j], float(row[j])) for j in best])
    return result
