"""A real photo through the first layers of the real base: Xception with its ImageNet weights.

`make_figures.py --only xception_maps` draws `docs/figures/feature_maps_xception.png`,
the learned counterpart of `feature_maps.png` (lesson 8.4's hand-made filters).
The weights come from $XCEPTION_NOTOP_WEIGHTS or Keras's download
(`course.pretrained.xception`); with random weights the maps would show nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# The first three ReLU outputs of Xception: its two plain convolutions, then a separable one.
LAYERS = ("block1_conv1_act", "block1_conv2_act", "block2_sepconv2_act")
CHANNELS = 6  # per layer, those whose map varies most over the photo: the most structure to see


def xception_maps(photo: Path, size: int) -> dict:
    """`{"image": uint8 photo, layer: (h, w, channels) map}` of one photo through the real base."""
    import keras

    from course import pretrained
    from solutions.lesson2_tensorflow_keras import load_image_array

    base = pretrained.xception(input_shape=(size, size, 3), include_top=False, weights="imagenet")
    probe = keras.Model(base.input, [base.get_layer(name).output for name in LAYERS])
    image = load_image_array(photo, target_size=(size, size))
    batch = keras.applications.xception.preprocess_input(image[None].astype("float32"))
    outputs = probe(batch, training=False)
    return {"image": image.astype("uint8"), **{name: np.asarray(out[0]) for name, out in zip(LAYERS, outputs)}}


def xception_maps_figure(photo: Path, size: int, new_figure, save_png, path: Path):
    maps = xception_maps(photo, size)
    figure = new_figure(9.6, 1.6 * len(LAYERS) + 0.9)
    rows = [["input"] + [f"{layer}-{c}" for c in range(CHANNELS)] for layer in LAYERS]
    axes = figure.subplot_mosaic(rows, width_ratios=[1.6] + [1] * CHANNELS)
    axes["input"].imshow(maps["image"])
    axes["input"].set_title(f"input {tuple(maps['image'].shape)}", fontsize=9)
    for layer in LAYERS:
        activation = maps[layer]
        spread = activation.reshape(-1, activation.shape[-1]).std(axis=0)
        chosen = np.argsort(-spread, kind="stable")[:CHANNELS]
        for column, channel in enumerate(chosen):
            ax = axes[f"{layer}-{column}"]
            ax.imshow(activation[:, :, channel], cmap="gray")
            ax.set_title(f"channel {channel}", fontsize=7)
        axes[f"{layer}-0"].set_ylabel(f"{layer}\n{tuple(activation.shape)}", fontsize=8)
    for ax in axes.values():
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle(f"The same photo through the first layers of Xception with its ImageNet weights ({size}x{size})\n"
                    f"learned filters, after ReLU; per layer the {CHANNELS} channels that vary most over the photo",
                    fontsize=9)
    save_png(figure, path)
