"""Reference solution of lesson 9 (course lesson 8.9, regularization and dropout).

The explanations are in `lessons/lesson9_dropout.py`.
"""

import keras

from course import pretrained


def add_dropout(tensor, droprate=0.5):
    """Apply a new dropout layer to `tensor`.

    Args:
        tensor: the tensor to apply dropout to.
        droprate: the fraction of the values set to zero at each training step
            (0 drops nothing).

    Returns:
        The dropout layer's output, a tensor of the same shape as `tensor`.
    """
    return keras.layers.Dropout(droprate)(tensor)


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
    if base_model is None:
        base_model = pretrained.xception(
            input_shape=(input_size, input_size, 3), include_top=False
        )
    base_model.trainable = False

    inputs = keras.Input(shape=(input_size, input_size, 3))
    base = base_model(inputs, training=False)
    vectors = keras.layers.GlobalAveragePooling2D()(base)
    inner = keras.layers.Dense(size_inner, activation="relu")(vectors)
    dropped = add_dropout(inner, droprate=droprate)
    outputs = keras.layers.Dense(num_classes)(dropped)
    model = keras.Model(inputs, outputs)

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson9", globals())
