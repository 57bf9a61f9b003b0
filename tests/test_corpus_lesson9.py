"""Lesson 8.9: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import lesson9 as M
from tests.model_sources import functional_model
from tests.submissions import assert_mistake_named, assert_passes, edit

MODEL = functional_model(
    "build_model_with_dropout",
    'inner = keras.layers.Dense(size_inner, activation="relu")(vectors)',
    "dropped = add_dropout(inner, droprate=droprate)",
    "outputs = keras.layers.Dense(num_classes)(dropped)",
    extra_parameters=("size_inner=100", "droprate=0.5"),
)


def model(old, new):
    return edit(MODEL, (old, new))


WRONG = {
    "droprate ignored": (M.DROPRATE_IGNORED, """
        def add_dropout(tensor, droprate=0.5):
            return keras.layers.Dropout(0.5)(tensor)
        """),
    "droprate read as the share kept": (M.DROPRATE_INVERTED, """
        def add_dropout(tensor, droprate=0.5):
            return keras.layers.Dropout(1 - droprate)(tensor)
        """),
    "dropout at prediction time too": (M.DROPOUT_IN_INFERENCE, """
        def add_dropout(tensor, droprate=0.5):
            return keras.layers.Dropout(droprate)(tensor, training=True)
        """),
    "the model does not pass droprate on": (M.DROPRATE_IGNORED, model(
        "add_dropout(inner, droprate=droprate)", "add_dropout(inner)")),
    "dropout on the logits": (M.DROPOUT_ON_LOGITS, model(
        """dropped = add_dropout(inner, droprate=droprate)
        outputs = keras.layers.Dense(num_classes)(dropped)""",
        """outputs = keras.layers.Dense(num_classes)(inner)
        outputs = add_dropout(outputs, droprate=droprate)""")),
    "dropout before the inner layer": (M.DROPOUT_BEFORE_INNER, model(
        """inner = keras.layers.Dense(size_inner, activation="relu")(vectors)
        dropped = add_dropout(inner, droprate=droprate)""",
        """vectors = add_dropout(vectors, droprate=droprate)
        dropped = keras.layers.Dense(size_inner, activation="relu")(vectors)""")),
}

CORRECT = {
    "Sequential, softmax with from_logits=False": """
        def add_dropout(tensor, droprate=0.5):
            layer = keras.layers.Dropout(rate=droprate, name="regularize")
            return layer(tensor)

        def build_model_with_dropout(
            *, input_size=150, learning_rate=0.01, size_inner=100, droprate=0.5, num_classes=10, base_model=None
        ):
            if base_model is None:
                base_model = pretrained.xception(input_shape=(input_size, input_size, 3), include_top=False)
            base_model.trainable = False
            model = keras.Sequential([
                keras.Input((input_size, input_size, 3)),
                base_model,
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(size_inner, activation="relu"),
                keras.layers.Dropout(droprate),
                keras.layers.Dense(num_classes, activation="softmax"),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                          loss="categorical_crossentropy", metrics=["accuracy"])
            return model
        """,
    "tf.keras": """
        import tensorflow as tf

        def add_dropout(tensor, droprate=0.5):
            return tf.keras.layers.Dropout(droprate)(tensor)

        def build_model_with_dropout(
            *, input_size=150, learning_rate=0.01, size_inner=100, droprate=0.5, num_classes=10, base_model=None
        ):
            if base_model is None:
                base_model = tf.keras.applications.Xception(
                    weights="imagenet", include_top=False, input_shape=(input_size, input_size, 3))
            base_model.trainable = False
            inputs = tf.keras.Input(shape=(input_size, input_size, 3))
            x = base_model(inputs, training=False)
            x = tf.keras.layers.GlobalAveragePooling2D()(x)
            x = tf.keras.layers.Dense(size_inner, activation="relu")(x)
            x = add_dropout(x, droprate)
            outputs = tf.keras.layers.Dense(num_classes)(x)
            model = tf.keras.Model(inputs, outputs)
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                          loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"])
            return model
        """,
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson9", source)
    assert_mistake_named(result, mistake)


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson9", CORRECT[case]))
