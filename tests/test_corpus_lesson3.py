"""Lesson 8.3: wrong submissions get the message that names their mistake; other correct ways pass;
a failed download of the ImageNet weights says what to do."""

import socket
import urllib.error

import pytest

from grader.messages import lesson3 as M
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes

TOP_K = """
    def top_k_predictions(probabilities, class_names, k=5):
        probabilities = np.asarray(probabilities)
        {check}
        result = []
        for row in {rows}:
            best = {best}
            result.append([({name}, float(row[j])) for j in best])
        return result
    """
LENGTH_CHECK = """if len(class_names) != probabilities.shape[1]:
            raise ValueError("one class name per column")"""


def top_k(check=LENGTH_CHECK, rows="probabilities", best="np.argsort(-row)[:k]", name="class_names[j]"):
    return TOP_K.format(check=check, rows=rows, best=best, name=name)


WRONG = {
    "Xception without its top": (M.NO_TOP, """
        def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
            return pretrained.xception(input_shape=input_shape, include_top=False, weights=weights)
        """),
    "weights not passed on": (M.WEIGHTS_WRONG, """
        def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
            return pretrained.xception(input_shape=input_shape, include_top=True)
        """),
    "input_shape not passed on": (M.INPUT_SHAPE_WRONG, """
        def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
            return pretrained.xception(include_top=True, weights=weights)
        """),
    "no preprocessing": (M.NOT_SCALED, """
        def prepare_batch(images):
            return np.stack(images).astype("float32")
        """),
    "scaled to [0, 1]": (M.SCALED_0_1, """
        def prepare_batch(images):
            return np.stack(images).astype("float32") / 255.0
        """),
    "float64 batch": (M.NOT_FLOAT32, """
        def prepare_batch(images):
            return keras.applications.xception.preprocess_input(np.stack(images).astype("float64"))
        """),
    "stacked along the last axis": (M.BATCH_SHAPE, """
        def prepare_batch(images):
            return keras.applications.xception.preprocess_input(np.stack(images, axis=-1).astype("float32"))
        """),
    "scales the caller's float32 array in place": (M.CHANGED_INPUT, """
        def prepare_batch(images):
            batch = np.asarray(images, dtype="float32")
            return keras.applications.xception.preprocess_input(batch)
        """),
    "scales each image of the caller's list in place": (M.CHANGED_INPUT, """
        def prepare_batch(images):
            scaled = []
            for image in images:
                if image.dtype.kind == "f":  # in place: the caller's image changes
                    image /= 127.5
                    image -= 1.0
                    scaled.append(image)
                else:
                    scaled.append(image / 127.5 - 1.0)
            return np.stack(scaled).astype("float32")
        """),
    "least probable first": (M.TOPK_ASCENDING, top_k(best="np.argsort(row)[-k:]")),
    "k ignored": (M.TOPK_K_IGNORED, top_k(best="np.argsort(-row)[:5]")),
    "column numbers instead of names": (M.TOPK_INDICES, top_k(name="int(j)")),
    "no ValueError for a wrong number of names": (M.NO_VALUE_ERROR, top_k(check="")),
    "only the first row": (M.TOPK_ONE_ROW, top_k(rows="probabilities[:1]")),
}

CORRECT = {
    "Xception imported by name, tf.keras preprocessing, sorted with a key": """
        import tensorflow as tf
        from keras.applications import Xception

        def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
            return Xception(weights=weights, input_shape=input_shape)

        def prepare_batch(images):
            batch = np.array([np.asarray(image) for image in images], dtype=np.float32)
            return tf.keras.applications.xception.preprocess_input(batch)

        def top_k_predictions(probabilities, class_names, k=5):
            probabilities = np.asarray(probabilities)
            if len(class_names) != probabilities.shape[1]:
                raise ValueError("one name per column")
            return [
                sorted(((name, float(p)) for name, p in zip(class_names, row)), key=lambda pair: pair[1], reverse=True)[:k]
                for row in probabilities
            ]
        """,
    "tf.keras Xception with positional arguments, scaling by hand, heapq": """
        import heapq
        import tensorflow as tf

        def load_pretrained_model(input_shape=(299, 299, 3), weights="imagenet"):
            return tf.keras.applications.Xception(True, weights, None, input_shape)

        def prepare_batch(images):
            return np.stack([np.array(image, dtype=np.float32) for image in images]) / 127.5 - 1

        def top_k_predictions(probabilities, class_names, k=5):
            if len(class_names) != np.shape(probabilities)[1]:
                raise ValueError(f"{len(class_names)} names for {np.shape(probabilities)[1]} columns")
            result = []
            for row in probabilities:
                best = heapq.nlargest(k, range(len(row)), key=lambda j: row[j])
                result.append([(class_names[j], row[j].item()) for j in best])
            return result
        """,
}

# Mistakes that belong to one check: every other check still passes.
ONLY_ONE_CHECK_FAILS = {
    "least probable first": "check_top_k_rows",
    "column numbers instead of names": "check_top_k_rows",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson3", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson3", CORRECT[case]))


def test_failed_download_says_where_to_put_the_weights(monkeypatch, tmp_path):
    """The real Xception and the real Keras download, with no cached weights and no network:
    the reference (through course.pretrained) raises PretrainedWeightsUnavailable saying what to do."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    from course import pretrained
    from solutions.lesson3_pretrained_cnn import load_pretrained_model

    def offline(url, *args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))  # no cached weights file to fall back on
    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    with pytest.raises(pretrained.PretrainedWeightsUnavailable) as raised:
        load_pretrained_model()
    message = str(raised.value)
    assert "URL fetch failure" in message  # Keras' own error, kept as the cause
    assert str(pretrained.weights_path(include_top=True)) in message
    assert "xception_weights_tf_dim_ordering_tf_kernels.h5" in message
    assert "weights=None" in message
