"""Models cross from the worker to the judge as .keras files, and only as data.

The judge refuses, before Keras reads it, an archive that would need code to load (a Lambda
layer, a class of the learner's own, an object of a module outside Keras) or that is not a
.keras file at all, and it never follows a link the learner's code planted in the scratch
folder. Whatever the learner's code does to the worker's saving, a check fails with the
message that says so, and nothing the archive names is run.
"""

import json
import os
import zipfile
from pathlib import Path

import pytest

from grader import protocol
from grader.expect import CheckFailure
from grader.judge import models
from grader.messages import common
from tests.submissions import check_table


def archive(path: Path, config) -> Path:
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("config.json", json.dumps(config))
        out.writestr("metadata.json", json.dumps({"keras_version": "3"}))
    return path


def layer(class_name, module="keras.layers", **extra):
    return {"module": module, "class_name": class_name, "config": {"name": class_name.lower(), **extra},
            "registered_name": None}


def model_config(*layers):
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": "m", "layers": list(layers)}, "registered_name": "Functional"}


PLAIN = model_config(layer("InputLayer"), layer("Dense", units=3))
NEEDS_CODE = {
    "a Lambda layer": (model_config(layer("InputLayer"), layer("Lambda", function={
        "module": "builtins", "class_name": "function", "config": "f", "registered_name": "function"})), "Lambda"),
    "a layer class of the learner's": (model_config({**layer("MyLayer", module=None), "registered_name": "MyLayer"}),
                                       "'MyLayer', a class of your own"),
    "a class from another module": (model_config(layer("system", module="os")), "from 'os'"),
    "a registered custom object": (model_config(layer("Mine", module="student_lesson8")), "from 'student_lesson8'"),
}


def test_a_plain_keras_config_needs_no_code(tmp_path):
    assert protocol.model_needs_code(archive(tmp_path / "m.keras", PLAIN)) is None


@pytest.mark.parametrize("case", NEEDS_CODE)
def test_an_archive_that_needs_code_is_refused_before_keras_reads_it(tmp_path, case):
    config, named = NEEDS_CODE[case]
    reason = protocol.model_needs_code(archive(tmp_path / "m.keras", config))
    assert reason is not None and named in reason


def test_what_is_not_a_keras_archive_is_refused(tmp_path):
    (tmp_path / "junk.keras").write_bytes(b"\x80\x04\x95 a pickle, not a zip")
    assert "not a readable .keras file" in protocol.model_needs_code(tmp_path / "junk.keras")
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as out:
        out.writestr("other.txt", "no config")
    assert "not a readable .keras file" in protocol.model_needs_code(tmp_path / "empty.keras")


def test_an_archive_too_large_unpacked_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(protocol, "MODEL_FILE_LIMIT", 100)
    with zipfile.ZipFile(tmp_path / "big.keras", "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("config.json", json.dumps(PLAIN))
        out.writestr("model.weights.h5", b"\0" * 10_000)  # compresses to almost nothing
    assert "unpacks to more than" in protocol.model_needs_code(tmp_path / "big.keras")


@pytest.mark.parametrize("name", ["../model-1.keras", "model-1.keras/../../etc", "model.h5", "x"])
def test_a_model_file_name_the_worker_does_not_give_is_a_protocol_error(name):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"$": "keras_model", "file": name})


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_the_judge_never_follows_a_link_in_the_scratch_folder(tmp_path):
    secret = tmp_path / "secret.keras"
    archive(secret, PLAIN)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "model-1.keras").symlink_to(secret)
    with pytest.raises(CheckFailure) as failure:
        models.load(protocol.ModelFile("model-1.keras"), scratch, "build_model_with_inner_layer")
    assert failure.value.template == common.MODEL_NEEDS_CODE
    assert "could not be read" in str(failure.value)


# ----------------------------------------------------------------- graded end to end (lesson 8.8)

LAMBDA_INNER = """
    def add_inner_layer(vectors, size_inner=100):
        x = keras.layers.Dense(size_inner)(vectors)
        return keras.layers.Lambda(lambda t: keras.ops.relu(t))(x)
    """
SUBCLASSED = """
    class _Top(keras.Model):
        def __init__(self, base, size_inner, num_classes):
            super().__init__()
            self.base, self.pool = base, keras.layers.GlobalAveragePooling2D()
            self.inner, self.out = keras.layers.Dense(size_inner, activation="relu"), keras.layers.Dense(num_classes)

        def call(self, x):
            return self.out(self.inner(self.pool(self.base(x, training=False))))

    def build_model_with_inner_layer(input_size=150, learning_rate=0.001, size_inner=100, num_classes=10,
                                     base_model=None):
        base_model.trainable = False
        model = _Top(base_model, size_inner, num_classes)
        model.build((None, input_size, input_size, 3))
        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        return model
    """


FORGED_SAVE = """
    import json as _json, zipfile as _zipfile
    import grader.worker.serve as _serve

    def _forged_save(model):
        _serve._saved[0] += 1
        name = f"model-{{_serve._saved[0]}}.keras"
        {body}
        return name

    _serve.save_model = _forged_save
    """


def forged(body: str) -> str:
    """Learner code that replaces the worker's model saving with `body`, which writes the file `name`."""
    return FORGED_SAVE.format(body=body)


def statuses(result):
    return {check.check_id: (check.status, check.mistake) for check in result.tests}


def test_a_lambda_layer_fails_with_the_message_to_use_built_in_layers(grade_variant):
    result = grade_variant("lesson8", LAMBDA_INNER)
    got = statuses(result)
    assert got["check_inner_layer_tensor"] == ("failed", common.MODEL_NEEDS_CODE), check_table(result)
    assert got["check_inner_layer_relu"] == ("failed", common.MODEL_NEEDS_CODE), check_table(result)
    assert "Lambda" in next(c.message for c in result.tests if c.check_id == "check_inner_layer_tensor")


def test_a_subclassed_model_fails_with_the_message_to_use_built_in_layers(grade_variant):
    result = grade_variant("lesson8", SUBCLASSED)  # (with base_model=None it breaks in its own code)
    built = [check for check in result.tests if check.check_id.startswith("check_model_")
             and check.check_id != "check_model_imagenet_base"]
    assert built and all((check.status, check.mistake) == ("failed", common.MODEL_NOT_SAVED) for check in built), \
        check_table(result)


def test_a_malformed_model_file_fails_every_model_check_and_never_passes(grade_variant):
    result = grade_variant("lesson8", forged('open(name, "wb").write(b"PK\\x03\\x04 truncated")'))
    for check in result.tests:
        if check.check_id != "import":
            assert (check.status, check.mistake) == ("failed", common.MODEL_NEEDS_CODE), check_table(result)


def test_a_crafted_archive_naming_other_code_is_refused_and_nothing_it_names_runs(grade_variant, tmp_path):
    marker = tmp_path / "ran"
    config = model_config(layer("InputLayer"), {"module": "os", "class_name": "system",
                                                "config": f"touch {marker}", "registered_name": None})
    body = (f'_a = _zipfile.ZipFile(name, "w"); _a.writestr("config.json", {json.dumps(json.dumps(config))}); '
            '_a.writestr("metadata.json", "{}"); _a.close()')
    result = grade_variant("lesson8", forged(body))
    assert all(check.mistake == common.MODEL_NEEDS_CODE for check in result.tests if check.check_id != "import"), \
        check_table(result)
    assert not marker.exists()


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_planted_link_instead_of_a_model_file_is_refused(grade_variant):
    result = grade_variant("lesson8", forged('import os as _os; _os.symlink("/etc/passwd", name)'))
    assert all(check.mistake == common.MODEL_NEEDS_CODE for check in result.tests if check.check_id != "import"), \
        check_table(result)
