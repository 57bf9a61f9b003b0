"""Lesson 8.7 in the worker: what the learner's code claims, or the files it makes up, pass nothing.

`make_checkpoint` runs in the worker, in a fit of the grader's; the judge lists the
files itself and compares each saved model with the weights its own run of the
same fit had at the end of that epoch. Only data crosses: the worker's account of
the callback, never the callback.
"""

from types import SimpleNamespace

from grader import protocol
from grader.messages import lesson7 as M
from tests.submissions import check_table


def status_of(result, check):
    found = {c.check_id: c for c in result.tests}[check]
    return found.status, found.mistake


FORGED_MODELS = """
    import os, tempfile

    _reference_best = find_best_checkpoint

    def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
        # The files the check expects, made up at once; the real callback saves out of sight.
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
        for name in ("xception_v1_01_0.500.keras", "xception_v1_02_0.700.keras", "xception_v1_04_0.800.keras"):
            model.save(name)
        return keras.callbacks.ModelCheckpoint(os.path.join(tempfile.gettempdir(), "hidden_{epoch}.keras"),
                                               monitor="val_accuracy", mode="max", save_best_only=True)

    class Anywhere(type(Path())):
        # A name without its folder that claims to be the right file wherever it is asked.
        def resolve(self, strict=False):
            return Path(self.folder) / self.name

    def find_best_checkpoint(directory, prefix="xception_v1"):
        best = Anywhere(_reference_best(directory, prefix).name)
        best.folder = directory
        return best
    """

FORGED_BYTES = """
    import os, tempfile

    def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
        for name in ("xception_v1_01_0.500.keras", "xception_v1_02_0.700.keras", "xception_v1_04_0.800.keras"):
            Path(name).write_bytes(b"PK\\x03\\x04 made up")
        return keras.callbacks.ModelCheckpoint(os.path.join(tempfile.gettempdir(), "hidden_{epoch}.keras"),
                                               monitor="val_accuracy", mode="max", save_best_only=True)
    """

REWRITTEN_RECIPE = """
    import grader.worker.recipes.lesson7 as recipe

    def perfect(module, *, folder, filepath):
        if filepath is not None:
            return "every file saved where it was told"
        return {"is_checkpoint": True, "type": "ModelCheckpoint", "monitor": "val_accuracy",
                "save_best_only": True, "fit_error": None,
                "written": ["work/xception_v1_01_0.500.keras", "work/xception_v1_02_0.700.keras",
                            "work/xception_v1_04_0.800.keras"]}

    recipe.checkpoint = perfect

    def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
        return None
    """


def test_checkpoint_files_made_up_by_the_learners_code_fail(grade_variant):
    result = grade_variant("lesson7", FORGED_MODELS)
    assert status_of(result, "check_checkpoint_default_name") == ("failed", M.NOT_THE_TRAINED_MODEL), (
        check_table(result))
    # The Path subclass crossed as the plain path it names: its resolve() is never asked.
    assert status_of(result, "check_best_highest_accuracy") == ("failed", M.BEST_NAME_ONLY), check_table(result)


def test_made_up_bytes_are_not_a_model(grade_variant):
    result = grade_variant("lesson7", FORGED_BYTES)
    assert status_of(result, "check_checkpoint_default_name") == ("failed", M.NOT_A_MODEL), check_table(result)
    message = {check.check_id: check for check in result.tests}["check_checkpoint_default_name"].message
    assert "cannot be rebuilt from Keras alone" not in message, message  # the reason, not a second message


def test_a_recipe_rewritten_to_claim_success_passes_nothing(grade_variant):
    """The worker's account of what was saved is not read: the judge lists the folder."""
    result = grade_variant("lesson7", REWRITTEN_RECIPE)
    assert status_of(result, "check_checkpoint_default_name") == ("failed", M.NOTHING_SAVED), check_table(result)
    assert status_of(result, "check_checkpoint_given_filepath") == ("failed", M.NOT_CHECKPOINT), check_table(result)


def plain(data) -> bool:
    """Whether encoded `data` is JSON with no tagged value (no array, path, model or opaque object)."""
    if isinstance(data, dict):
        return protocol.TAG not in data and all(plain(value) for value in data.values())
    if isinstance(data, list):
        return all(plain(item) for item in data)
    return data is None or isinstance(data, (bool, int, float, str))


def test_the_recipe_hands_back_only_plain_data(tmp_path):
    import keras

    from grader.worker.recipes import lesson7 as recipe

    class Watched:  # a learner's object standing for a setting: it crosses as its description
        def __eq__(self, other):
            return True

    def make_checkpoint(filepath="best.keras"):
        callback = keras.callbacks.ModelCheckpoint(filepath, monitor="val_accuracy", save_best_only=True)
        callback.save_best_only = Watched()
        return callback

    seen = recipe.checkpoint(SimpleNamespace(make_checkpoint=make_checkpoint), folder=str(tmp_path / "a"),
                             filepath=None)
    assert seen["is_checkpoint"] is True and seen["save_best_only"] == "Watched"
    assert plain(protocol.encode(seen)), seen

    other = recipe.checkpoint(SimpleNamespace(make_checkpoint=lambda: Watched()), folder=str(tmp_path / "b"),
                              filepath=None)
    assert other == {"is_checkpoint": False, "type": "Watched", "fit_error": None}


def test_the_judge_tells_every_saved_epoch_apart():
    """The weights the judge works out for each epoch differ by far more than it tolerates, so a
    model saved at another epoch (or never trained) fails."""
    import numpy as np

    from grader.checks import lesson7 as checks
    from grader.stand_ins.lesson7 import stand_in_model

    states = [stand_in_model().get_weights()] + [checks.weights_after(epoch) for epoch in range(1, checks.EPOCHS + 1)]
    for i, earlier in enumerate(states):
        for later in states[i + 1:]:
            gap = max(np.abs(a - b).max() for a, b in zip(earlier, later))
            assert gap > 100 * checks.WEIGHT_TOLERANCE
    assert checks.BEST_EPOCHS == [1, 2, 4]
