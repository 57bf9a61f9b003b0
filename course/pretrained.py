"""Xception with ImageNet weights, and one clear error when they cannot be had.

`weights` is what Keras takes: "imagenet", None, or the path of a weights
file. Behind a proxy, or offline, point $XCEPTION_NOTOP_WEIGHTS at a local
copy of the ImageNet weights without the top (a Keras `.weights.h5` or `.h5`
file); every `weights="imagenet", include_top=False` then loads that file
instead of downloading. Unset, "imagenet" downloads as Keras always does.
"""

from __future__ import annotations

import os
from pathlib import Path

WEIGHTS_ENV_VAR = "XCEPTION_NOTOP_WEIGHTS"
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


def local_notop_weights() -> Path | None:
    """The file $XCEPTION_NOTOP_WEIGHTS names, or None when it is unset or empty."""
    value = os.environ.get(WEIGHTS_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def resolve_weights(weights, include_top: bool):
    """What to hand Keras: the local file for ImageNet weights without the top when the
    environment names one, else `weights` unchanged."""
    local = local_notop_weights() if weights == "imagenet" and not include_top else None
    if local is None:
        return weights
    if not local.is_file():
        raise PretrainedWeightsUnavailable(
            f"${WEIGHTS_ENV_VAR} is {local}, which is not a file. Point it at Xception's ImageNet weights "
            f"without the top (a .weights.h5 file), or unset it to download them."
        )
    return str(local)


def xception(input_shape=(299, 299, 3), include_top=True, weights="imagenet"):
    """`keras.applications.Xception`, raising `PretrainedWeightsUnavailable` with what to do
    when the ImageNet weights cannot be fetched (no internet, a proxy, a broken file)."""
    import keras

    resolved = resolve_weights(weights, include_top)
    try:
        return keras.applications.Xception(
            weights=resolved, include_top=include_top, input_shape=input_shape
        )
    except Exception as error:  # Keras raises a plain Exception for a failed download
        if weights != "imagenet":
            raise
        if resolved != weights:
            raise PretrainedWeightsUnavailable(
                f"Could not load Xception's ImageNet weights from ${WEIGHTS_ENV_VAR} = {resolved} ({error})."
            ) from error
        local_hint = "" if include_top else f" (or point ${WEIGHTS_ENV_VAR} at a local copy)"
        raise PretrainedWeightsUnavailable(
            f"Could not get Xception's ImageNet weights ({error}). "
            f"Either download {WEIGHTS_FILES[include_top]} on a machine with internet and put it at "
            f"{weights_path(include_top)}{local_hint}, or build the model with weights=None "
            "(random weights: everything runs, but the predictions mean nothing)."
        ) from error
