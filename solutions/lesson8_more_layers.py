"""Reference solution of lesson 8 (course lesson 8.8, adding more layers).

The explanations are in `lessons/lesson8_more_layers.py`.
"""

import keras

from course import pretrained


def add_inner_layer(vectors, size_inner=100):
    """Apply a new dense layer of `size_inner` ReLU units to `vectors`.

    Args:
        vectors: a tensor of shape `(batch, features)`, such as the output of
            global average pooling.
        size_inner: how many units the layer has.

    Returns:
        The layer's output, a tensor of shape `(batch, size_inner)`.
    """
    return keras.layers.Dense(size_inner, activation="relu")(vectors)


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
    if base_model is None:
        base_model = pretrained.xception(
            input_shape=(input_size, input_size, 3), include_top=False
        )
    base_model.trainable = False

    inputs = keras.Input(shape=(input_size, input_size, 3))
    base = base_model(inputs, training=False)
    vectors = keras.layers.GlobalAveragePooling2D()(base)
    inner = add_inner_layer(vectors, size_inner=size_inner)
    outputs = keras.layers.Dense(num_classes)(inner)
    model = keras.Model(inputs, outputs)

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson8", globals())
