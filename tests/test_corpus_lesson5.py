"""Lesson 8.5: wrong submissions get the message that names their mistake; other correct ways pass.

Each case is one grading (one TensorFlow import), so the corpus holds the
mistakes the lesson warns about and a few other correct ways, not every variant.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from grader import catalog
from grader.messages import lesson5 as M
from tests.model_sources import functional_model
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes, edit

MODEL = functional_model(
    "build_transfer_model",
    "outputs = keras.layers.Dense(num_classes)(vectors)",
)

DATASETS = """
    def make_datasets(data_dir, target_size=(150, 150), batch_size=32):
        def load(split, shuffle):
            dataset = keras.utils.image_dataset_from_directory(
                Path(data_dir) / split, label_mode="categorical", image_size=target_size,
                batch_size=batch_size, shuffle=shuffle)
            return dataset.map(lambda x, y: (keras.applications.xception.preprocess_input(x), y))
        return load("train", shuffle=True), load("validation", shuffle=False)
    """


def model(old, new):
    return edit(MODEL, (old, new))


def datasets(old, new):
    return edit(DATASETS, (old, new))


WRONG = {
    # make_datasets
    "validation shuffled": (M.VALIDATION_SHUFFLED, datasets('load("validation", shuffle=False)',
                                                            'load("validation", shuffle=True)')),
    "images not preprocessed": (M.NOT_PREPROCESSED, datasets(
        "dataset.map(lambda x, y: (keras.applications.xception.preprocess_input(x), y))", "dataset")),
    "integer labels": (M.INTEGER_LABELS, datasets('label_mode="categorical"', 'label_mode="int"')),
    "target_size as (width, height)": (M.TARGET_SWAPPED, datasets("image_size=target_size",
                                                                  "image_size=target_size[::-1]")),
    # build_transfer_model
    "base left trainable": (M.BASE_TRAINABLE, model("base_model.trainable = False", "pass")),
    "the whole model frozen": (M.HEAD_FROZEN, model("        model.compile(", "        model.trainable = False\n        model.compile(")),
    "max pooling": (M.POOLING_MAX, model("GlobalAveragePooling2D()", "GlobalMaxPooling2D()")),
    "Flatten in place of pooling": (M.FLATTEN, model("GlobalAveragePooling2D()", "Flatten()")),
    "softmax output with from_logits=True": (M.SOFTMAX_WITH_FROM_LOGITS, model(
        "keras.layers.Dense(num_classes)", 'keras.layers.Dense(num_classes, activation="softmax")')),
    "logits with from_logits=False": (M.LOGITS_WITHOUT_FROM_LOGITS, model(
        "keras.losses.CategoricalCrossentropy(from_logits=True)", '"categorical_crossentropy"')),
    "another optimizer": (M.OPTIMIZER, model("keras.optimizers.Adam(", "keras.optimizers.RMSprop(")),
    "learning rate ignored": (M.LEARNING_RATE_IGNORED, model(
        "keras.optimizers.Adam(learning_rate=learning_rate)", '"adam"')),
    "num_classes ignored": (M.NUM_CLASSES_IGNORED, model("Dense(num_classes)", "Dense(10)")),
    "no accuracy metric": (M.ACCURACY_MISSING, model('metrics=["accuracy"],', "")),
    "base_model ignored": (M.BASE_MODEL_IGNORED, model("if base_model is None:", "if True:")),
    "input_size ignored": (M.INPUT_SIZE_IGNORED, model("keras.Input(shape=(input_size, input_size, 3))",
                                                       "keras.Input(shape=(150, 150, 3))")),
    "random weights when base_model is None": (M.XCEPTION_WEIGHTS, model(
        "include_top=False)", "include_top=False, weights=None)")),
}

CORRECT = {
    "tf.keras, Xception called directly, other names": """
        import tensorflow as tf

        def make_datasets(data_dir, target_size=(150, 150), batch_size=32):
            kwargs = dict(label_mode="categorical", image_size=target_size, batch_size=batch_size)
            train = tf.keras.utils.image_dataset_from_directory(data_dir + "/train", shuffle=True, **kwargs)
            val = tf.keras.utils.image_dataset_from_directory(data_dir + "/validation", shuffle=False, **kwargs)
            prep = tf.keras.applications.xception.preprocess_input
            return train.map(lambda x, y: (prep(x), y)), val.map(lambda x, y: (prep(x), y))

        def build_transfer_model(*, input_size=150, learning_rate=0.01, num_classes=10, base_model=None):
            if base_model is None:
                base_model = tf.keras.applications.Xception(
                    weights="imagenet", include_top=False, input_shape=(input_size, input_size, 3))
            base_model.trainable = False
            image = tf.keras.Input((input_size, input_size, 3), name="image")
            maps = base_model(image, training=False)
            pooled = tf.keras.layers.GlobalAveragePooling2D(name="pool")(maps)
            scores = tf.keras.layers.Dense(num_classes, name="scores")(pooled)
            net = tf.keras.Model(image, scores, name="clothes")
            net.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                        loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True),
                        metrics=["accuracy"])
            return net
        """,
    "Sequential, softmax with from_logits=False, Xception imported by name": """
        from keras.applications import Xception

        def build_transfer_model(*, input_size=150, learning_rate=0.01, num_classes=10, base_model=None):
            if base_model is None:
                base_model = Xception(weights="imagenet", include_top=False,
                                      input_shape=(input_size, input_size, 3))
            for layer in base_model.layers:
                layer.trainable = False
            model = keras.Sequential([
                keras.Input((input_size, input_size, 3)),
                base_model,
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(num_classes, activation="softmax"),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                          loss="categorical_crossentropy", metrics=["accuracy"])
            return model
        """,
    "ImageDataGenerator, as in the course videos": """
        import os
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
        from tensorflow.keras.applications.xception import preprocess_input

        def make_datasets(data_dir, target_size=(150, 150), batch_size=32):
            generator = ImageDataGenerator(preprocessing_function=preprocess_input)
            train = generator.flow_from_directory(
                os.path.join(data_dir, "train"), target_size=target_size, batch_size=batch_size,
                class_mode="categorical")
            validation = generator.flow_from_directory(
                os.path.join(data_dir, "validation"), target_size=target_size, batch_size=batch_size,
                class_mode="categorical", shuffle=False)
            return train, validation
        """,
}

# Mistakes that belong to one check: every other check still passes (the loss is judged on the
# model's own outputs, the freezing whatever the new layers are).
ONLY_ONE_CHECK_FAILS = {
    "base left trainable": "check_model_frozen",
    "max pooling": "check_model_computation",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson5", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson5", CORRECT[case]))


FAILED_DOWNLOAD = """
    from course.pretrained import PretrainedWeightsUnavailable
    from solutions.lesson5_transfer_learning import build_transfer_model

    try:
        build_transfer_model(input_size=71)
    except PretrainedWeightsUnavailable as error:
        print("UNAVAILABLE:", error)
    else:
        print("BUILT")
    """


def test_failed_download_says_where_to_put_the_weights(tmp_path):
    """A real download that fails (no network: a proxy that refuses every connection)
    gives PretrainedWeightsUnavailable, which says where the file goes and mentions weights=None."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "keras_home", "xception_notop_weights")}
    unreachable = "http://127.0.0.1:9"
    env.update(HOME=str(tmp_path), HTTP_PROXY=unreachable, HTTPS_PROXY=unreachable, http_proxy=unreachable,
               https_proxy=unreachable, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1",
               PYTHONPATH=str(catalog.PROJECT_ROOT))
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(FAILED_DOWNLOAD)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "UNAVAILABLE:" in done.stdout, done.stdout
    message = done.stdout.split("UNAVAILABLE:", 1)[1]
    weights_file = tmp_path / ".keras" / "models" / "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert str(weights_file) in message
    assert "weights=None" in message
    assert not weights_file.exists()


def test_a_model_without_new_layers_is_not_called_frozen(grade_variant):
    """Nothing after the base trains: the frozen check says there is nothing new, not that the base is fine."""
    result = grade_variant("lesson5", functional_model("build_transfer_model", "outputs = vectors"))
    (frozen,) = [check for check in result.tests if check.check_id == "check_model_frozen"]
    assert frozen.mistake == M.NOTHING_NEW_TRAINS, (frozen.status, frozen.message)
