"""course/experiments.py: every lesson's experiment runs from the command line, with the
learner's functions or the reference, and every bad input ends in one clear line.

Most runs use a tiny drawn dataset and, instead of Xception, cheap random features of
a thumbnail (tests/experiment_data.py): the machinery is the same, in seconds.
"""

import importlib
import json
import math
import os
import subprocess
import sys

import pytest

from course import experiments, features
from course.dataset import CLONE_COMMAND
from grader import catalog
from tests.experiment_data import make_dataset, thumbnail_base

SMALL = ["--input-size", "71", "--weights", "none", "--epochs", "2"]


@pytest.fixture
def data(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("data"))


@pytest.fixture
def cheap_base(monkeypatch):
    monkeypatch.setattr(features, "base_model", thumbnail_base)


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """execute(lesson, module, argv) from an empty working folder; (code, results, stdout, stderr)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    cache = tmp_path / "cache"

    def run_(lesson, module, *argv, cache_dir=cache):
        if isinstance(module, str):
            module = importlib.import_module(module)
        extra = ["--cache-dir", str(cache_dir)] if cache_dir else []
        code, results = experiments.execute(lesson, module, [*argv, *extra])
        out, err = capsys.readouterr()
        assert list(work.iterdir()) == []  # nothing written where the learner works
        return code, results, out, err

    return run_


def module_of(lesson, tree="solutions"):
    return f"{tree}.{catalog.BY_ID[lesson].filename[:-3]}"


def test_lesson6_json_has_histories_best_and_seconds(data, cheap_base, run):
    code, results, out, err = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL, "--json")
    assert code == 0
    document = json.loads(out)  # stdout holds the JSON document and nothing else
    assert document == results
    assert document["key"] == "learning_rate"
    assert list(document["histories"]) == ["0.0001", "0.001", "0.01", "0.1"]
    for history in document["histories"].values():
        assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert len(history["val_accuracy"]) == 2
    assert document["best"] in (0.0001, 0.001, 0.01, 0.1)
    assert math.isclose(document["best_val_accuracy"], max(document["histories"][str(document["best"])]["val_accuracy"]))
    assert set(document["seconds"]) == {"data", "features", "training"}
    assert document["images"] == {"train": 18, "validation": 9}
    assert document["features_from_cache"] is False
    assert "Epoch 1/2" in err  # the progress went to stderr
    for path in document["files"].values():
        assert os.path.exists(path)  # a temporary folder, since there was no --out


def test_out_folder_gets_the_plot_and_the_results_and_a_warm_cache_is_reused(data, cheap_base, run, tmp_path):
    out = tmp_path / "results"
    code, first, stdout, _ = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL, "--out", str(out))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["lesson6-plot.png", "lesson6-results.json"]
    assert json.loads((out / "lesson6-results.json").read_text())["histories"] == first["histories"]
    assert (out / "lesson6-plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "best learning_rate" in stdout and str(out / "lesson6-plot.png") in stdout
    code, second, _, _ = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL, "--out", str(out))
    assert second["features_from_cache"] is True
    assert second["seconds"]["features"] < 10
    for key, history in first["histories"].items():  # the same seeds, the same features: the same run
        assert second["histories"][key]["val_accuracy"] == history["val_accuracy"]
        assert second["histories"][key]["loss"] == pytest.approx(history["loss"], rel=1e-4, abs=1e-6)


def test_cached_and_full_training_agree(data, cheap_base, run):
    cached = run("lesson5", module_of("lesson5"), "--data", str(data), *SMALL, "--epochs", "3")[1]
    full = run("lesson5", module_of("lesson5"), "--data", str(data), *SMALL, "--epochs", "3", "--no-cache")[1]
    assert full["features_from_cache"] is None and full["seconds"]["features"] == 0
    for a, b in zip(cached["histories"]["0.01"]["val_accuracy"], full["histories"]["0.01"]["val_accuracy"]):
        assert abs(a - b) <= 0.03
    assert abs(cached["best_val_accuracy"] - full["best_val_accuracy"]) <= 0.03


def test_whole_epochs_per_call_on_cached_features_learn_what_batch_by_batch_learns(
        tmp_path_factory, cheap_base, run, monkeypatch):
    """The runner's own fits on stored features run many batches per call into TensorFlow
    (steps_per_execution); the learner's fits in lesson 6 keep the learner's settings."""
    import keras

    from course import lesson_runs

    data = make_dataset(tmp_path_factory.mktemp("data"), {"train": 24, "validation": 3, "test": 3})  # 3 batches
    calls, fit = [], keras.Model.fit

    def spying_fit(model, *args, **kwargs):
        calls.append(model.steps_per_execution)
        return fit(model, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spying_fit)

    def histories(lesson):
        # Each run computes its features afresh: the same global seed when its batches are shuffled.
        cache = tmp_path_factory.mktemp("cache")
        code, results, _, _ = run(lesson, module_of(lesson), "--data", str(data), *SMALL, "--epochs", "3",
                                  cache_dir=cache)
        assert code == 0
        return results["histories"]

    per_call = histories("lesson5")
    monkeypatch.setattr(lesson_runs, "STEPS_PER_EXECUTION", 1)
    batch_by_batch = histories("lesson5")
    assert calls == [128, 1]
    for metric, values in batch_by_batch["0.01"].items():
        assert per_call["0.01"][metric] == pytest.approx(values, rel=1e-5, abs=1e-6), metric
    monkeypatch.undo()
    calls.clear()
    monkeypatch.setattr(keras.Model, "fit", spying_fit)
    histories("lesson6")
    assert calls == [1, 1, 1, 1]  # train_for_learning_rates' own model.fit, as the learner wrote it


@pytest.mark.parametrize("lesson, keys", [
    ("lesson5", ["0.01"]),
    ("lesson7", ["0.001"]),
    ("lesson8", ["10", "100", "1000"]),
    ("lesson9", ["0.0", "0.2", "0.5", "0.8"]),
])
def test_every_lesson_experiment_runs_with_the_reference(data, cheap_base, run, tmp_path, lesson, keys):
    out = tmp_path / "out"
    code, results, _, _ = run(lesson, module_of(lesson), "--data", str(data), "--input-size", "71",
                              "--weights", "none", "--epochs", "1", "--out", str(out))
    assert code == 0
    assert list(results["histories"]) == keys
    assert (out / f"{lesson}-plot.png").exists() and (out / f"{lesson}-results.json").exists()
    if lesson == "lesson7":
        assert results["best_checkpoint"].startswith("xception_v1_01_")
        assert "test" not in results  # the test split waits for the final model
        assert results["validation"]["accuracy"] == pytest.approx(results["best_val_accuracy"], abs=1e-6)
        assert (out / "lesson7-checkpoints").is_dir()


def test_the_epochs_default_to_the_courses():
    assert {lesson: e.epochs for lesson, e in experiments.EXPERIMENTS.items()} == {
        "lesson5": 10, "lesson6": 10, "lesson7": 10, "lesson8": 10, "lesson9": 30}
    assert experiments.EXPERIMENTS["lesson6"].values == (0.0001, 0.001, 0.01, 0.1)
    assert experiments.EXPERIMENTS["lesson8"].values == (10, 100, 1000)
    assert experiments.EXPERIMENTS["lesson9"].values == (0.0, 0.2, 0.5, 0.8)


def one_error_line(err):
    lines = [line for line in err.strip().splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("lesson, function, file", [
    ("lesson6", "train_for_learning_rates", "lessons/lesson6_learning_rate.py"),
    ("lesson8", "build_model_with_inner_layer", "lessons/lesson8_more_layers.py"),
])
def test_a_stub_says_which_function_to_write(data, run, lesson, function, file):
    code, _, _, err = run(lesson, module_of(lesson, "lessons"), "--data", str(data))
    assert code == 1
    line = one_error_line(err)
    assert f"write `{function}` in" in line and file in line and f"grader {lesson}" in line


def test_lesson6_needs_lesson5_from_the_same_folder(data, run):
    """lessons/lesson6 trains the learner's lesson-5 model; a stub there is named."""
    reference = importlib.import_module(module_of("lesson6"))
    namespace = {**vars(reference), "__package__": "lessons"}
    code, _, _, err = run("lesson6", namespace, "--data", str(data))
    assert code == 1
    assert "write `build_transfer_model` in" in one_error_line(err)
    assert "lessons/lesson5_transfer_learning.py first" in one_error_line(err)


def test_not_implemented_deep_inside_is_one_line(data, cheap_base, run):
    reference = importlib.import_module(module_of("lesson8"))

    def add_inner_layer(vectors, size_inner=100):
        raise NotImplementedError("add_inner_layer")

    def build(**kwargs):
        return add_inner_layer(None)

    namespace = {**vars(reference), "add_inner_layer": add_inner_layer, "build_model_with_inner_layer": build}
    code, _, _, err = run("lesson8", namespace, "--data", str(data), *SMALL)
    assert code == 1
    assert "write `add_inner_layer` in" in one_error_line(err)


@pytest.mark.parametrize("argv, message", [
    (["--limit", "0"], "--limit must be at least 1; got 0"),
    (["--epochs", "0"], "--epochs must be at least 1"),
    (["--input-size", "32"], "--input-size must be at least 71"),
    (["--weights", "random"], "must be imagenet, none or the path of a weights file; there is no file 'random'"),
    (["--seed", "-1"], "--seed must be at least 0"),
])
def test_bad_options_are_usage_errors(data, run, argv, message):
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(data), *argv)
    assert code == 2
    assert message in err


def test_a_missing_dataset_says_how_to_get_it(run, tmp_path, monkeypatch):
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(tmp_path / "nowhere"))
    assert code == 1
    line = one_error_line(err)
    assert "nowhere" in line and CLONE_COMMAND in line
    monkeypatch.setenv("CLOTHING_DATASET_DIR", str(tmp_path / "nowhere"))
    code, _, _, err = run("lesson6", module_of("lesson6"))
    assert code == 1 and CLONE_COMMAND in one_error_line(err)


def test_bad_dataset_trees_are_named(data, run):
    (data / "validation" / "scarf").mkdir()
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL)
    assert code == 1 and "'scarf' that train does not have" in one_error_line(err)
    import shutil

    shutil.rmtree(data / "validation")
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL)
    assert code == 1 and "has no validation folder" in one_error_line(err)


def test_weights_that_cannot_be_downloaded_suggest_weights_none(data, run, monkeypatch):
    import keras

    from course import pretrained

    monkeypatch.delenv(pretrained.WEIGHTS_ENV_VAR, raising=False)
    def offline(**kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- "
                        "[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.applications, "Xception", offline)
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(data), "--input-size", "71")
    assert code == 1
    line = one_error_line(err)
    assert "could not download Xception's ImageNet weights" in line and "URL fetch failure" in line
    assert "--weights none" in line and pretrained.WEIGHTS_ENV_VAR in line


def test_out_must_be_a_folder(data, cheap_base, run, tmp_path):
    (tmp_path / "taken").write_text("mine")
    code, _, _, err = run("lesson6", module_of("lesson6"), "--data", str(data), *SMALL, "--out", str(tmp_path / "taken"))
    assert code == 1 and "is a file" in one_error_line(err)
    assert (tmp_path / "taken").read_text() == "mine"


def python_m(module, *argv, timeout=300, first_on_path=()):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_CPP_")}
    env["PYTHONPATH"] = os.pathsep.join([*map(str, first_on_path), str(catalog.PROJECT_ROOT)])
    return subprocess.run([sys.executable, "-m", module, *argv], capture_output=True, text=True,
                          cwd=catalog.PROJECT_ROOT, env=env, timeout=timeout)


def test_python_m_lessons_stub_fails_fast_without_tensorflow(data, tmp_path):
    """A stub is named before TensorFlow is imported: a stand-in `tensorflow` first on the
    path leaves a mark if anything imports it."""
    trap, mark = tmp_path / "trap", tmp_path / "tensorflow-imported"
    (trap / "tensorflow").mkdir(parents=True)
    (trap / "tensorflow" / "__init__.py").write_text(
        f"import pathlib\npathlib.Path({str(mark)!r}).write_text('imported')\nraise ImportError('trap')\n")
    done = python_m(module_of("lesson6", "lessons"), "--data", str(data), first_on_path=[trap])
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: write `train_for_learning_rates`")
    assert not mark.exists(), "a stub's experiment imported TensorFlow before naming the stub"


def test_python_m_prints_one_line_and_no_tensorflow_startup_log(tmp_path):
    """Lesson 5 imports Keras, so TensorFlow starts up before the dataset is looked for."""
    done = python_m(module_of("lesson5"), "--data", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: no dataset at {tmp_path / 'nowhere'}.")
    assert done.stderr.count("\n") == 1, done.stderr


def test_python_m_solutions_prints_one_json_document(data, tmp_path):
    """The real command, end to end, with the real (random) Xception at its smallest size."""
    done = python_m(module_of("lesson6"), "--data", str(data), "--limit", "2", "--input-size", "71",
                    "--weights", "none", "--epochs", "1", "--json", "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(done.stdout)
    assert document["lesson"] == "lesson6" and document["images"] == {"train": 6, "validation": 6}
    assert document["settings"]["weights"] == "none" and document["settings"]["cache"] is True


# ---------------------------------------------------------------- the test split, the seed, the weights


def test_no_lesson_experiment_reads_the_test_split(data, cheap_base, run, monkeypatch, tmp_path):
    """The choices of 8.5 to 8.9 are made on validation: no experiment lists, decodes or caches
    `test`, and every one of them runs on a dataset that has none."""
    import shutil

    from course import training_data

    shutil.rmtree(data / "test")
    listed = []
    real_check = training_data.check_dataset

    def recording(root, splits, limit=None):
        listed.extend(splits)
        return real_check(root, splits, limit)

    monkeypatch.setattr(training_data, "check_dataset", recording)
    cache = tmp_path / "cache"
    for lesson in ("lesson5", "lesson6", "lesson7", "lesson8", "lesson9"):
        code, _, _, err = run(lesson, module_of(lesson), "--data", str(data), *SMALL, "--epochs", "1",
                              cache_dir=cache)
        assert code == 0, err
    assert set(listed) == {"train", "validation"}
    assert not [path for path in cache.iterdir() if path.name.startswith("test-")]


def test_the_final_model_alone_reads_the_test_split_once_per_seed(data, cheap_base, monkeypatch, tmp_path):
    import keras

    from course import training_data

    sys.path.insert(0, str(catalog.PROJECT_ROOT / "scripts"))
    try:
        import final_model
    finally:
        sys.path.remove(str(catalog.PROJECT_ROOT / "scripts"))
    evaluated = []
    real_evaluate = keras.Model.evaluate

    def recording(model, x=None, *args, **kwargs):  # fit evaluates validation_data as x=
        evaluated.append(x)
        return real_evaluate(model, x, *args, **kwargs)

    prepared = []
    real_prepare = training_data.prepare

    def recording_prepare(experiment, args):
        prepared.append(real_prepare(experiment, args))
        return prepared[-1]

    monkeypatch.setattr(keras.Model, "evaluate", recording)
    monkeypatch.setattr(training_data, "prepare", recording_prepare)
    result = final_model.train_final(data, learning_rate=0.01, size_inner=10, droprate=0.2, seeds=[1, 2],
                                     epochs=2, weights="none", cache_dir=tmp_path / "cache", input_size=71)
    assert [run["seed"] for run in result["runs"]] == [1, 2]
    assert result["images"] == {"train": 18, "validation": 9, "test": 9}
    tests = [dataset for dataset in evaluated if any(dataset is d.test for d in prepared)]
    assert len(tests) == 2  # once per seed, after the checkpoint was checked on validation
    for run_ in result["runs"]:
        assert set(run_["test"]) >= {"accuracy", "loss"}
        assert run_["validation"]["accuracy"] == pytest.approx(max(run_["histories"]["final"]["val_accuracy"]))


def test_a_reloaded_checkpoint_must_score_the_best_val_accuracy(tmp_path):
    """The check behind lesson 7's experiment: the chosen file, evaluated on validation, gives the
    best epoch's val_accuracy back, or the run stops with one line saying it is not that model."""
    import keras
    import numpy as np
    import tensorflow as tf

    from course.experiment_catalog import ExperimentError
    from course.lesson_runs import check_reloaded

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    model.layers[0].set_weights([np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2)])
    x = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype="float32")
    y = np.array([[1, 0], [0, 1], [0, 1], [0, 1]], dtype="float32")  # three of four right
    validation = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    path = tmp_path / "xception_v1_02_0.750.keras"
    model.save(path)
    metrics = check_reloaded(path, validation, {"val_accuracy": [0.5, 0.75]}, 4, "lesson7")
    assert metrics["accuracy"] == pytest.approx(0.75)
    with pytest.raises(ExperimentError) as raised:
        check_reloaded(path, validation, {"val_accuracy": [0.75, 1.0]}, 4, "lesson7")
    assert "scores 0.7500 on the validation split, but the best epoch scored 1.0000" in str(raised.value)
    assert "grader lesson7" in str(raised.value)


def test_the_seed_draws_another_run_and_the_same_seed_the_same(data, cheap_base, run):
    def histories(seed):
        code, results, _, _ = run("lesson5", module_of("lesson5"), "--data", str(data), *SMALL,
                                  "--seed", str(seed))
        assert code == 0 and results["settings"]["seed"] == seed
        return results["histories"]["0.01"]["loss"]

    first = histories(1)
    assert histories(1) == pytest.approx(first, rel=1e-5)
    assert histories(2) != pytest.approx(first, rel=1e-3)


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    """A weights file for Xception without its top, as Keras saves one (random weights, seeded)."""
    import keras

    keras.utils.set_random_seed(5)
    path = tmp_path_factory.mktemp("weights") / "xception_notop.weights.h5"
    keras.applications.Xception(weights=None, include_top=False, input_shape=(71, 71, 3)).save_weights(path)
    return path


def first_kernel(model):
    return next(w for w in model.weights if "kernel" in w.path).numpy()


def test_weights_path_and_environment_variable_load_the_file(weights_file, monkeypatch):
    import numpy as np

    from course import pretrained

    from_path = pretrained.xception((71, 71, 3), include_top=False, weights=str(weights_file))
    monkeypatch.setenv(pretrained.WEIGHTS_ENV_VAR, str(weights_file))
    from_env = pretrained.xception((71, 71, 3), include_top=False, weights="imagenet")
    np.testing.assert_array_equal(first_kernel(from_env), first_kernel(from_path))
    monkeypatch.setenv(pretrained.WEIGHTS_ENV_VAR, str(weights_file.parent / "missing.weights.h5"))
    with pytest.raises(pretrained.PretrainedWeightsUnavailable) as raised:
        pretrained.xception((71, 71, 3), include_top=False)
    assert pretrained.WEIGHTS_ENV_VAR in str(raised.value) and "not a file" in str(raised.value)


def test_the_environment_variable_is_for_the_weights_without_the_top(monkeypatch, tmp_path):
    """The file holds no top, so a model with the top still asks Keras for "imagenet"."""
    import keras

    from course import pretrained

    asked = []
    monkeypatch.setattr(keras.applications, "Xception", lambda **kwargs: asked.append(kwargs["weights"]))
    monkeypatch.setenv(pretrained.WEIGHTS_ENV_VAR, str(tmp_path / "any.weights.h5"))
    pretrained.xception(include_top=True)
    monkeypatch.delenv(pretrained.WEIGHTS_ENV_VAR)
    pretrained.xception(include_top=False)
    assert asked == ["imagenet", "imagenet"]


def test_the_runner_takes_a_weights_file(data, run, weights_file, tmp_path):
    cache = tmp_path / "cache"
    code, results, _, err = run("lesson5", module_of("lesson5"), "--data", str(data), "--input-size", "71",
                                "--epochs", "1", "--weights", str(weights_file), cache_dir=cache)
    assert code == 0, err
    assert results["settings"]["weights"] == str(weights_file.resolve())
    names = sorted(path.name for path in cache.iterdir())
    assert len(names) == 2 and all("-file-" in name for name in names)  # keyed by the file's digest


# ---------------------------------------------------------------- what the lesson prose states


def test_lesson7_prose_a_full_checkpoint_is_about_80_mb():
    xception_without_top = 20_861_480  # parameters, checked in test_claims_model_lessons.py
    assert xception_without_top * 4 / 1e6 == pytest.approx(80, rel=0.1)  # float32 weights


def test_lesson6_prose_numbers():
    photos = 3068 + 341
    assert photos / 40 == pytest.approx(85, abs=1)  # one epoch at 40 photos a second: about 85 s
    assert 10 * photos / 40 / 60 == pytest.approx(14, abs=0.5)  # ten epochs: about 14 minutes
    assert 4 * 10 * photos / 40 / 3600 == pytest.approx(1, abs=0.1)  # four rates: about an hour
    assert 27 * 27 * 3 == 2187 and 26 * 26 * 3 < 2048


# ---------------------------------------------------------------- the site's numbers of our runs


def test_the_sites_numbers_are_recomputed_from_the_results_files():
    """facts.json's `results` and `final` (which the notes pages render) from docs/results/, computed
    here again without scripts/: per key the best val_accuracy of each seed, their mean and spread."""
    import numpy as np

    root = catalog.PROJECT_ROOT
    facts = json.loads((root / "docs" / "figures" / "facts.json").read_text())
    for lesson in ("lesson5", "lesson6", "lesson7", "lesson8", "lesson9"):
        document = json.loads((root / "docs" / "results" / f"{lesson}.json").read_text())
        assert [run["seed"] for run in document["runs"]] == [1, 2, 3]
        assert document["settings"]["weights"] == "imagenet" and document["settings"]["limit"] is None
        keys = list(document["runs"][0]["histories"])
        bests = {key: [max(run["histories"][key]["val_accuracy"]) for run in document["runs"]] for key in keys}
        means = {key: float(np.mean(values)) for key, values in bests.items()}
        chosen = max(sorted(keys, key=float), key=lambda k: round(means[k], 9))  # a tie: the smaller key
        ours = facts["results"]
        assert float(ours[f"{lesson}_best_key"]) == float(chosen)
        assert ours[f"{lesson}_best_val_accuracy"] == round(means[chosen], 4)
        assert ours[f"{lesson}_best_spread"] == round(float(np.std(bests[chosen], ddof=1)), 4)
        assert ours[f"{lesson}_seeds"] == 3
        for key, values in bests.items():  # the page's table, row by row
            assert f"| {key} | {np.mean(values):.4f} ± {np.std(values, ddof=1):.4f} |" in ours[f"{lesson}_table"]
        if lesson == "lesson9":  # 8.9's page: 0.0 and 0.2 tie exactly (right photos over the seeds)
            right = {key: round(sum(values) * document["images"]["validation"]) for key, values in bests.items()}
            assert right["0.0"] == right["0.2"] == max(right.values()) and chosen == "0.0"
    lesson7 = json.loads((root / "docs" / "results" / "lesson7.json").read_text())
    for run_ in lesson7["runs"]:  # the chosen checkpoint, reloaded, scored its best epoch again
        assert run_["validation"]["accuracy"] == pytest.approx(max(run_["histories"]["0.001"]["val_accuracy"]))
    assert facts["results"]["lesson7_reloaded_matches"] == 3
    final = json.loads((root / "docs" / "results" / "final.json").read_text())
    test = [run_["test"]["accuracy"] for run_ in final["runs"]]
    assert facts["final"]["test_accuracy"] == round(float(np.mean(test)), 4)
    assert facts["final"]["test_spread"] == round(float(np.std(test, ddof=1)), 4)
    assert final["settings"]["input_size"] == 299 and final["images"]["test"] == 372
    for name, lesson in (("learning_rate", "lesson6"), ("size_inner", "lesson8"), ("droprate", "lesson9")):
        assert float(final["settings"][name]) == float(facts["results"][f"{lesson}_best_key"])  # chosen on validation
