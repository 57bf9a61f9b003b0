"""Reference solution of lesson 5 (course lesson 8.5, transfer learning).

The explanations are in `lessons/lesson5_transfer_learning.py`.
"""

from pathlib import Path

import keras

from course import pretrained


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
    data_dir = Path(data_dir)

    def load(split, shuffle):
        dataset = keras.utils.image_dataset_from_directory(
            data_dir / split,
            label_mode="categorical",
            image_size=target_size,
            batch_size=batch_size,
            shuffle=shuffle,
        )
        return dataset.map(_preprocess)

    return load("train", shuffle=True), load("validation", shuffle=False)


def _preprocess(images, labels):
    return keras.applications.xception.preprocess_input(images), labels


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
    if base_model is None:
        base_model = pretrained.xception(
            input_shape=(input_size, input_size, 3), include_top=False
        )
    base_model.trainable = False

    inputs = keras.Input(shape=(input_size, input_size, 3))
    base = base_model(inputs, training=False)
    vectors = keras.layers.GlobalAveragePooling2D()(base)
    outputs = keras.layers.Dense(num_classes)(vectors)
    model = keras.Model(inputs, outputs)

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson5", globals())
