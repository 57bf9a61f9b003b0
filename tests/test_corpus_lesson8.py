"""Lesson 8.8: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import lesson8 as M
from tests.model_sources import functional_model
from tests.submissions import assert_mistake_named, assert_passes, edit

MODEL = functional_model(
    "build_model_with_inner_layer",
    "inner = add_inner_layer(vectors, size_inner=size_inner)",
    "outputs = keras.layers.Dense(num_classes)(inner)",
    extra_parameters=("size_inner=100",),
)


def model(old, new):
    return edit(MODEL, (old, new))


WRONG = {
    "add_inner_layer returns the layer": (M.INNER_RETURNS_LAYER, """
        def add_inner_layer(vectors, size_inner=100):
            return keras.layers.Dense(size_inner, activation="relu")
        """),
    "inner layer without ReLU": (M.INNER_NO_RELU, """
        def add_inner_layer(vectors, size_inner=100):
            return keras.layers.Dense(size_inner)(vectors)
        """),
    "inner layer of a fixed size": (M.INNER_SIZE_IGNORED, """
        def add_inner_layer(vectors, size_inner=100):
            return keras.layers.Dense(100, activation="relu")(vectors)
        """),
    "the model does not pass size_inner on": (M.INNER_SIZE_IGNORED, model(
        "add_inner_layer(vectors, size_inner=size_inner)", "add_inner_layer(vectors)")),
    "the model's inner layer without ReLU": (M.INNER_NO_RELU, model(
        "add_inner_layer(vectors, size_inner=size_inner)", "keras.layers.Dense(size_inner)(vectors)")),
    "inner layer before the pooling": (M.INNER_BEFORE_POOLING, model(
        """vectors = keras.layers.GlobalAveragePooling2D()(base)
        inner = add_inner_layer(vectors, size_inner=size_inner)""",
        """inner = add_inner_layer(base, size_inner=size_inner)
        inner = keras.layers.GlobalAveragePooling2D()(inner)""")),
}

CORRECT = {
    "Sequential, a separate ReLU layer, softmax with from_logits=False": """
        def add_inner_layer(vectors, size_inner=100):
            dense = keras.layers.Dense(units=size_inner, name="inner_dense")
            return keras.layers.ReLU(name="inner_relu")(dense(vectors))

        def build_model_with_inner_layer(
            *, input_size=150, learning_rate=0.01, size_inner=100, num_classes=10, base_model=None
        ):
            if base_model is None:
                base_model = pretrained.xception(input_shape=(input_size, input_size, 3), include_top=False)
            base_model.trainable = False
            model = keras.Sequential([
                keras.Input((input_size, input_size, 3)),
                base_model,
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(size_inner, activation="relu"),
                keras.layers.Dense(num_classes, activation="softmax"),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                          loss="categorical_crossentropy", metrics=["accuracy"])
            return model
        """,
    "tf.keras, built on base_model.input and base_model.output (the Keras 2 way)": """
        import tensorflow as tf

        def add_inner_layer(vectors, size_inner=100):
            return tf.keras.layers.Dense(size_inner, activation=tf.nn.relu)(vectors)

        def build_model_with_inner_layer(
            *, input_size=150, learning_rate=0.01, size_inner=100, num_classes=10, base_model=None
        ):
            if base_model is None:
                base_model = tf.keras.applications.xception.Xception(
                    weights="imagenet", include_top=False, input_shape=(input_size, input_size, 3))
            base_model.trainable = False
            x = tf.keras.layers.GlobalAveragePooling2D()(base_model.output)
            x = add_inner_layer(x, size_inner)
            outputs = tf.keras.layers.Dense(num_classes)(x)
            model = tf.keras.Model(base_model.input, outputs)
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                          loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"])
            return model
        """,
}


# A check whose subject is not the mistake still passes.
STILL_PASSES = {"inner layer of a fixed size": "check_inner_layer_relu"}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson8", source)
    assert_mistake_named(result, mistake)
    if case in STILL_PASSES:
        (check,) = [check for check in result.tests if check.check_id == STILL_PASSES[case]]
        assert check.status == "passed", (check.status, check.message)


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson8", CORRECT[case]))
