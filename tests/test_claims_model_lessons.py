"""The numbers and facts that the prose of lessons 3 and 5 to 9 states, checked.

Each test names the lesson whose prose it backs. Models are built with
`weights=None` (no download; the shapes and parameter counts do not depend on
the weights). The course's published results (0.8299, 0.8534, 0.8978) are
quoted as the course's: tests/test_claims_course_results.py checks them against its logs.
"""

import functools
import inspect
import math
from pathlib import Path

import keras
import numpy as np
import pytest

from course.dataset import find_dataset

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def xception(include_top, size=None):
    """Xception with random weights; `size=None` leaves Keras's default input size."""
    kwargs = {} if size is None else {"input_shape": (size, size, 3)}
    return keras.applications.Xception(weights=None, include_top=include_top, **kwargs)


def trainable_count(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def non_trainable_count(model):
    return sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)


def tiny_data(n=16, size=16, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, size=(n, size, size, 3)).astype("float32")
    labels = keras.utils.to_categorical(rng.integers(0, 10, size=n), 10)
    return images, labels


def tiny_classifier(size=16):
    model = keras.Sequential([
        keras.Input((size, size, 3)),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


# ---------------------------------------------------------------- lesson 3


def test_lesson3_xception_default_input_is_299_and_top_has_1000_outputs():
    model = xception(include_top=True)
    assert model.input_shape == (None, 299, 299, 3)
    assert model.output_shape == (None, 1000)
    assert model.count_params() == 22_910_480


def test_lesson3_top_ends_with_softmax_rows_sum_to_1():
    model = xception(include_top=True)
    assert model.layers[-1].activation is keras.activations.softmax
    probabilities = model.predict(np.zeros((1, 299, 299, 3), "float32"), verbose=0)
    assert probabilities.shape == (1, 1000)
    assert math.isclose(float(probabilities.sum()), 1.0, rel_tol=1e-4)


def test_lesson3_batch_of_one_photo(tmp_path):
    from PIL import Image

    path = tmp_path / "photo.jpg"
    Image.new("RGB", (400, 533), (200, 30, 60)).save(path)
    array = np.array(keras.utils.load_img(path, target_size=(299, 299)))
    assert array.shape == (299, 299, 3) and array.dtype == np.uint8
    assert np.array([array]).shape == (1, 299, 299, 3)


def test_lesson3_preprocess_input_maps_0_255_to_minus1_1_in_place():
    pixels = np.array([0.0, 127.5, 255.0], dtype="float32")
    scaled = keras.applications.xception.preprocess_input(pixels)
    np.testing.assert_allclose(scaled, [-1.0, 0.0, 1.0])
    assert scaled is pixels  # the float array was changed in place


# ---------------------------------------------------------------- lesson 5


@pytest.mark.skipif(find_dataset() is None, reason="clothing dataset not available")
def test_lesson5_dataset_counts_and_class_order():
    data_dir = find_dataset()

    def count(split):
        return sum(
            1 for p in (data_dir / split).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES
        )

    classes = sorted(p.name for p in (data_dir / "train").iterdir() if p.is_dir())
    assert len(classes) == 10
    assert classes[0] == "dress" and classes[9] == "t-shirt"
    assert count("train") == 3068
    assert count("validation") == 341


@pytest.mark.skipif(find_dataset() is None, reason="clothing dataset not available")
def test_lessons5_and_6_compare_random_weights_with_the_share_of_the_largest_class():
    """The yardstick lessons 5 and 6 give for a run with random weights: answering t-shirt always."""
    from solutions.lesson1_fashion_classification import count_images

    claim = "0.2375, the share of the largest class (t-shirt) among the validation photos, which a model"
    for lesson in ("lesson5_transfer_learning.py", "lesson6_learning_rate.py"):
        prose = " ".join((ROOT / "lessons" / lesson).read_text(encoding="utf-8").replace("#", " ").split())
        assert claim in prose, f"lessons/{lesson} no longer says {claim!r}: update this test with the prose"
    validation = count_images(find_dataset())["validation"]
    assert max(validation, key=validation.get) == "t-shirt"
    assert round(validation["t-shirt"] / sum(validation.values()), 4) == 0.2375


def test_lessons5_and_6_the_experiments_resize_bilinear_not_as_flow_from_directory(tmp_path):
    """`--no-cache` is the course's training, not its decoding: the experiments' reader,
    `course/pipeline.py`, resizes with bilinear interpolation (a PNG here, so that no JPEG
    scaling comes first), not with the nearest neighbour of the course's `flow_from_directory`."""
    import tensorflow as tf
    from PIL import Image

    from course import pipeline

    for lesson in ("lesson5_transfer_learning.py", "lesson6_learning_rate.py"):
        prose = " ".join((ROOT / "lessons" / lesson).read_text(encoding="utf-8").replace("#", " ").split())
        assert "`course/pipeline.py`, which resizes with bilinear interpolation" in prose, lesson
    pixels = np.random.default_rng(3).integers(0, 256, (30, 20, 3), dtype=np.uint8)
    for name in ("a", "b"):
        (tmp_path / "train" / name).mkdir(parents=True)
        Image.fromarray(pixels).save(tmp_path / "train" / name / "photo.png")
    images = pipeline.list_images(tmp_path, "train", pipeline.class_names(tmp_path))
    batch, _ = next(iter(pipeline.image_dataset(images, (7, 9))))

    def resized(method):
        return keras.applications.xception.preprocess_input(
            tf.image.resize(pixels.astype("float32"), (7, 9), method=method))

    np.testing.assert_allclose(batch[0], resized("bilinear"), atol=1e-5)
    assert not np.allclose(batch[0], resized("nearest"), atol=1e-2)


def test_lesson5_dataset_images_are_float32_0_to_255_with_one_hot_labels(tmp_path):
    from PIL import Image

    for name, colour in [("a_class", (0, 0, 0)), ("b_class", (255, 255, 255))]:
        (tmp_path / name).mkdir()
        Image.new("RGB", (40, 30), colour).save(tmp_path / name / "x.png")
    dataset = keras.utils.image_dataset_from_directory(
        tmp_path, label_mode="categorical", image_size=(20, 10), batch_size=2,
        shuffle=False, verbose=False,
    )
    images, labels = next(iter(dataset))
    assert images.shape == (2, 20, 10, 3) and images.dtype.name == "float32"
    assert float(np.min(images)) == 0.0 and float(np.max(images)) == 255.0
    np.testing.assert_array_equal(labels, [[1, 0], [0, 1]])


def test_lesson5_150_pixels_is_about_four_times_fewer():
    assert round(299 * 299 / (150 * 150)) == 4


def test_lesson5_one_hot_label_of_the_fifth_class():
    expected = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    np.testing.assert_array_equal(keras.utils.to_categorical(4, 10), expected)


def test_lesson5_image_data_generator_lives_only_under_tensorflow_keras():
    from tensorflow.keras.preprocessing import image as tf_keras_image

    assert hasattr(tf_keras_image, "ImageDataGenerator")
    assert not hasattr(keras.preprocessing.image, "ImageDataGenerator")
    flow = inspect.signature(tf_keras_image.ImageDataGenerator.flow_from_directory)
    assert flow.parameters["class_mode"].default == "categorical"


def test_lesson5_base_without_top_shapes_and_parameters():
    small, large = xception(False, 150), xception(False, 299)
    assert small.output_shape == (None, 5, 5, 2048)
    assert large.output_shape == (None, 10, 10, 2048)
    assert small.count_params() == large.count_params() == 20_861_480
    # with the top, the size does not change the count either
    assert xception(True, 150).count_params() == xception(True, 299).count_params() == 22_910_480
    assert 22_910_480 - 20_861_480 == 2048 * 1000 + 1000


def test_lesson5_pooling_gives_2048_numbers_and_has_no_weights():
    inputs = keras.Input((5, 5, 2048))
    pooling = keras.layers.GlobalAveragePooling2D()
    assert pooling(inputs).shape == (None, 2048)
    assert pooling.count_params() == 0


def test_lesson5_model_parameters():
    from solutions.lesson5_transfer_learning import build_transfer_model

    model = build_transfer_model(base_model=xception(False, 150))
    assert model.output_shape == (None, 10)
    assert trainable_count(model) == 2048 * 10 + 10 == 20_490
    assert non_trainable_count(model) == 20_861_480
    assert model.count_params() == 20_881_970


def test_lesson5_history_keys_and_softmax_of_logits():
    images, labels = tiny_data()
    model = tiny_classifier()
    history = model.fit(images, labels, epochs=1, validation_data=(images, labels), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    probabilities = np.asarray(keras.activations.softmax(model.predict(images, verbose=0)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_lesson5_frozen_batchnorm_is_inference_and_training_false_does_not_survive_unfreezing():
    from solutions.lesson5_transfer_learning import build_transfer_model

    # A frozen BatchNormalization layer uses its running averages even with training=True.
    layer = keras.layers.BatchNormalization()
    layer.build((None, 4))
    layer.trainable = False
    x = np.random.default_rng(0).uniform(0, 3, size=(6, 4)).astype("float32")
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))

    # Keras 3: fit passes training=True to the base despite the training=False in the call,
    # so once the base is unfrozen its running averages change.
    base = keras.Sequential([
        keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization()
    ])
    model = build_transfer_model(input_size=16, base_model=base)
    batchnorm = base.layers[-1]
    images, labels = tiny_data()
    before = batchnorm.moving_mean.numpy().copy()
    model.fit(images, labels, epochs=1, verbose=0)
    np.testing.assert_array_equal(batchnorm.moving_mean.numpy(), before)  # frozen: unchanged
    base.trainable = True
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    model.fit(images, labels, epochs=1, verbose=0)
    assert not np.allclose(batchnorm.moving_mean.numpy(), before)


# ---------------------------------------------------------------- lesson 6


def test_lesson6_each_rate_ten_times_the_previous():
    rates = (0.0001, 0.001, 0.01, 0.1)
    assert all(math.isclose(b / a, 10) for a, b in zip(rates, rates[1:]))


# ---------------------------------------------------------------- lesson 7


def test_lesson7_checkpoint_name_example():
    template = "xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"
    assert template.format(epoch=3, val_accuracy=0.8123) == "xception_v1_03_0.812.keras"


def test_lesson7_checkpoint_extensions(tmp_path):
    keras.callbacks.ModelCheckpoint("model.keras")
    keras.callbacks.ModelCheckpoint("model.h5")  # legacy, still accepted
    for other in ("model.ckpt", "model.hdf5"):  # no other ending for a whole model
        with pytest.raises(ValueError):
            keras.callbacks.ModelCheckpoint(other)
    keras.callbacks.ModelCheckpoint("model.weights.h5", save_weights_only=True)  # weights alone
    with pytest.raises(ValueError):
        keras.callbacks.ModelCheckpoint("model.h5", save_weights_only=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.save(tmp_path / "model.hdf5")  # model.save takes .hdf5 as well
    assert keras.models.load_model(tmp_path / "model.hdf5").count_params() == model.count_params()


def test_lesson7_checkpoint_saves_improvements_from_epoch_1(tmp_path):
    images, labels = tiny_data()
    model = tiny_classifier()
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "m_{epoch:02d}_{val_accuracy:.3f}.keras"),
        save_best_only=True, monitor="val_accuracy", mode="max",
    )
    model.fit(images, labels, epochs=4, validation_data=(images, labels),
              callbacks=[checkpoint], verbose=0)
    names = sorted(p.stem for p in tmp_path.iterdir())
    assert names[0].startswith("m_01_")
    accuracies = [float(name.split("_")[2]) for name in names]
    assert accuracies == sorted(set(accuracies))  # each save beats the previous one


def test_lesson7_val_accuracy_needs_validation_data():
    images, labels = tiny_data()
    history = tiny_classifier().fit(images, labels, epochs=1, verbose=0)
    assert "val_accuracy" not in history.history


def test_lesson7_best_checkpoint_of_the_example_folder(tmp_path):
    from solutions.lesson7_checkpointing import find_best_checkpoint

    for name in ["xception_v1_01_0.768.keras", "xception_v1_02_0.795.keras",
                 "xception_v1_05_0.812.keras", "xception_v2_04_0.830.keras", "notes.txt"]:
        (tmp_path / name).write_text("")
    assert find_best_checkpoint(tmp_path).name == "xception_v1_05_0.812.keras"


# ---------------------------------------------------------------- lesson 8


def test_lesson8_inner_layer_parameters():
    from solutions.lesson8_more_layers import build_model_with_inner_layer

    model = build_model_with_inner_layer(base_model=xception(False, 150))
    inner, output = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert inner.count_params() == 2048 * 100 + 100 == 204_900
    assert output.count_params() == 100 * 10 + 10 == 1_010
    assert trainable_count(model) == 205_910
    assert round(205_910 / 20_490) == 10


def test_lesson8_two_linear_layers_make_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 8))
    w1, b1, w2, b2 = rng.normal(size=(8, 6)), rng.normal(size=6), rng.normal(size=(6, 3)), rng.normal(size=3)
    np.testing.assert_allclose((x @ w1 + b1) @ w2 + b2, x @ (w1 @ w2) + (b1 @ w2 + b2))


def test_lesson8_softmax_generalizes_sigmoid_and_sigmoids_do_not_sum_to_1():
    for z in (-3.0, 0.0, 0.7, 5.0):
        two_class = np.asarray(keras.activations.softmax(np.array([[z, 0.0]], "float32")))
        sigmoid = np.asarray(keras.activations.sigmoid(np.array([z], "float32")))
        np.testing.assert_allclose(two_class[0, 0], sigmoid[0], rtol=1e-6)
    independent = np.asarray(keras.activations.sigmoid(np.array([1.0, 2.0, 3.0], "float32")))
    assert not math.isclose(float(independent.sum()), 1.0)


# ---------------------------------------------------------------- lesson 9


def test_lesson9_rate_is_the_fraction_dropped_and_kept_values_are_scaled():
    ones = np.ones((200_000,), dtype="float32")
    out = np.asarray(keras.layers.Dropout(0.2, seed=1)(ones, training=True))
    assert abs((out == 0).mean() - 0.2) < 0.01  # keeps about 80%
    np.testing.assert_allclose(out[out != 0], 1 / (1 - 0.2), rtol=1e-6)

    half = np.asarray(keras.layers.Dropout(0.5, seed=2)(ones[:1000], training=True))
    assert set(np.unique(half)) == {0.0, 2.0}
    np.testing.assert_array_equal(keras.layers.Dropout(0.5)(ones, training=False), ones)


def test_lesson9_dropout_adds_no_parameters():
    from solutions.lesson9_dropout import build_model_with_dropout

    model = build_model_with_dropout(base_model=xception(False, 150))
    dropout = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dropout))
    assert dropout.count_params() == 0
    assert dropout.output.shape == (None, 100)
    assert trainable_count(model) == 205_910
