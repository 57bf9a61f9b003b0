"""Xception with ImageNet weights, and one clear error when they cannot be downloaded."""

from __future__ import annotations

import os
from pathlib import Path

WEIGHTS_FILES = {
    True: "xception_weights_tf_dim_ordering_tf_kernels.h5",
    False: "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


class PretrainedWeightsUnavailable(RuntimeError):
    """The ImageNet weights could not be downloaded or read."""


def weights_path(include_top: bool) -> Path:
    """Where Keras keeps the downloaded weights file (it reuses it when present):
    $KERAS_HOME/models, by default ~/.keras/models."""
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home) / "models" / WEIGHTS_FILES[include_top]


def xception(input_shape=(299, 299, 3), include_top=True, weights="imagenet"):
    """`keras.applications.Xception`, raising `PretrainedWeightsUnavailable` with what to do
    when the ImageNet weights cannot be fetched (no internet, a proxy, a broken file)."""
    import keras

    try:
        return keras.applications.Xception(
            weights=weights, include_top=include_top, input_shape=input_shape
        )
    except Exception as error:  # Keras raises a plain Exception for a failed download
        if weights != "imagenet":
            raise
        raise PretrainedWeightsUnavailable(
            f"Could not get Xception's ImageNet weights ({error}). "
            f"Either download {WEIGHTS_FILES[include_top]} on a machine with internet and put it at "
            f"{weights_path(include_top)}, or build the model with weights=None "
            "(random weights: everything runs, but the predictions mean nothing)."
        ) from error
