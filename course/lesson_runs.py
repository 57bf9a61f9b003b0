"""Each lesson's experiment, run with the learner's functions: the fits, the best key, the figure."""

from __future__ import annotations

import math
import os
import re
import time
from pathlib import Path

from course.experiment_catalog import SEED, Experiment, ExperimentError
from course.learner_functions import lesson5_namespace, needed_functions
from course.training_data import Data


STEPS_PER_EXECUTION = 128  # batches per call into TensorFlow on cached features: a whole epoch of the full split


class Runs:
    """Model building and fitting as every experiment does it."""

    def __init__(self, data: Data, epochs: int, seed: int = SEED):
        self.data, self.epochs, self.seed = data, epochs, seed

    def build(self, function, **kwargs):
        """The learner's model: fresh weights from the run's seed, on the cached or the real base."""
        import keras

        keras.utils.set_random_seed(self.seed)
        try:
            return function(
                input_size=self.data.input_size, base_model=self.data.new_base(),
                num_classes=self.data.num_classes, **kwargs,
            )
        except NotImplementedError:
            raise
        except Exception as error:
            if self.data.cached and hasattr(error, "add_note"):
                error.add_note(
                    f"(The cached run calls {function.__name__} with input_size={self.data.input_size} and a "
                    "stand-in base that feeds the stored features; a function that ignores input_size or "
                    "base_model fails here. `uv run python -m grader` checks it; --no-cache runs on photos.)"
                )
            raise

    def fit(self, model, **kwargs):
        """`model.fit` on the run's data and epochs: the fits the runner makes itself.

        On cached features the model runs a whole epoch per call into TensorFlow: a step
        on the stored features is tiny, and Python's round trip per batch would dominate.
        That is what compile(steps_per_execution=...) sets, set after the learner's own
        compile and before the first fit traces it. The same batches and updates in the
        same order; per-epoch callbacks (lesson 7's checkpoint) are called as before,
        per-batch ones once per call. Fits the learner's code makes itself (lesson 6's
        train_for_learning_rates) keep the learner's settings, steps_per_epoch included.
        """
        if self.data.cached and getattr(model, "steps_per_execution", None) == 1 and \
                getattr(model, "train_function", None) is None:
            model.steps_per_execution = STEPS_PER_EXECUTION
        return model.fit(self.data.train, epochs=self.epochs, validation_data=self.data.validation, **kwargs)


def _sweep(runs: Runs, key: str, values, build) -> dict:
    scores = {}
    for value in values:
        print(f"{key} = {value}", flush=True)
        scores[value] = runs.fit(build(value)).history
    return scores


def _best(scores: dict, metric: str = "val_accuracy"):
    def best_epoch(value):
        numbers = [x for x in scores[value].get(metric, []) if not math.isnan(x)]
        return max(numbers, default=-math.inf)

    return max(sorted(scores), key=best_epoch)


def _plot_keys(scores: dict, key: str, metric: str = "val_accuracy"):
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 5))
    ax = figure.subplots()
    for value, history in scores.items():
        ax.plot(range(1, len(history[metric]) + 1), history[metric], marker="o", label=f"{key}={value}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return figure


def _plot_history(history: dict, title: str, marked_epoch: int | None = None):
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 5))
    ax = figure.subplots()
    for metric in ("accuracy", "val_accuracy"):
        values = history.get(metric, [])
        ax.plot(range(1, len(values) + 1), values, marker="o", label=metric)
    if marked_epoch is not None:
        ax.axvline(marked_epoch, color="grey", linestyle="--", label=f"best checkpoint (epoch {marked_epoch})")
    ax.set_title(title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.legend()
    return figure


def run_lesson(experiment: Experiment, namespace: dict, runs: Runs, out: Path):
    """`(scores, best, figure, extra)` of the lesson's experiment, with the learner's functions."""
    own = needed_functions(namespace, experiment.functions, experiment.lesson)
    lesson5 = {}
    if experiment.lesson5_functions:
        lesson5 = needed_functions(lesson5_namespace(namespace), experiment.lesson5_functions, experiment.lesson)
    lesson, extra = experiment.lesson, {}

    if lesson == "lesson5":
        scores = {0.01: runs.fit(runs.build(own["build_transfer_model"], learning_rate=0.01)).history}
        return scores, 0.01, _plot_history(scores[0.01], "8.5: the transfer model"), extra

    if lesson == "lesson6":
        def make_model(learning_rate):
            return runs.build(lesson5["build_transfer_model"], learning_rate=learning_rate)

        scores = own["train_for_learning_rates"](
            make_model, runs.data.train, runs.data.validation,
            learning_rates=experiment.values, epochs=runs.epochs,
        )
        _check_scores(scores, "train_for_learning_rates", lesson)
        best, figure = own["best_learning_rate"](scores), own["plot_scores"](scores)
        if not hasattr(figure, "savefig"):
            raise ExperimentError(
                f"plot_scores returned {type(figure).__name__}, not a matplotlib Figure. "
                f"Check it with `uv run python -m grader {lesson}`."
            )
        return scores, best, figure, extra

    if lesson == "lesson7":
        folder = out / "lesson7-checkpoints" / time.strftime(f"run-%Y%m%d-%H%M%S-seed{runs.seed}")
        folder.mkdir(parents=True)
        template = str(folder / "xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras")
        model = runs.build(lesson5["build_transfer_model"], learning_rate=0.001)
        history = runs.fit(model, callbacks=[own["make_checkpoint"](template)]).history
        found = own["find_best_checkpoint"](folder)
        if not isinstance(found, (str, os.PathLike)) or not Path(found).is_file():
            raise ExperimentError(
                f"find_best_checkpoint returned {found!r}, not the path of a file in {folder}. "
                f"Check it with `uv run python -m grader {lesson}`."
            )
        best_path = Path(found)
        print(f"Best checkpoint: {best_path.name}; evaluating it on the validation split.", flush=True)
        validation = check_reloaded(best_path, runs.data.validation, history, runs.data.counts["validation"],
                                    lesson)
        epoch = re.search(r"_(\d+)_", best_path.name)
        extra = {
            "checkpoints": sorted(p.name for p in folder.iterdir()),
            "checkpoint_folder": str(folder),
            "best_checkpoint": best_path.name,
            "validation": validation,
        }
        marked = int(epoch.group(1)) if epoch else None
        return {0.001: history}, 0.001, _plot_history(history, "8.7: checkpointed training", marked), extra

    if lesson == "lesson8":
        def build(size):
            return runs.build(own["build_model_with_inner_layer"], learning_rate=0.001, size_inner=size)

        scores = _sweep(runs, experiment.key, experiment.values, build)
        return scores, _best(scores), _plot_keys(scores, experiment.key), extra

    if lesson == "lesson9":
        def build(rate):
            return runs.build(own["build_model_with_dropout"], learning_rate=0.001, size_inner=100,
                              droprate=rate)

        scores = _sweep(runs, experiment.key, experiment.values, build)
        return scores, _best(scores), _plot_keys(scores, experiment.key), extra

    raise ValueError(lesson)


def check_reloaded(path: Path, validation, history: dict, images: int, lesson: str) -> dict:
    """The checkpoint at `path`, reloaded and evaluated on `validation`: its metrics, or a
    one-line error when its accuracy is not the best `val_accuracy` of `history`.

    The test split stays untouched until the final model: the reloaded file is
    checked where it was chosen. The same model on the same photos gives the
    same count of right answers, so the two may differ by float rounding only,
    far less than one photo in `images`.
    """
    import keras

    evaluated = keras.models.load_model(path).evaluate(validation, return_dict=True, verbose=0)
    metrics = {name: float(value) for name, value in evaluated.items()}
    best = max(float(x) for x in history["val_accuracy"])
    if abs(metrics["accuracy"] - best) > 0.5 / images:
        raise ExperimentError(
            f"the checkpoint find_best_checkpoint chose, {path.name}, scores {metrics['accuracy']:.4f} on the "
            f"validation split, but the best epoch scored {best:.4f}: it is not the best epoch's model. "
            f"Check make_checkpoint and find_best_checkpoint with `uv run python -m grader {lesson}`."
        )
    return metrics


def _check_scores(scores, function: str, lesson: str) -> None:
    """`{key: history dict of per-epoch lists}`, or a one-line error naming what came back."""
    problem = None
    if not isinstance(scores, dict) or not scores:
        problem = f"returned {type(scores).__name__}{' (empty)' if isinstance(scores, dict) else ''}"
    else:
        for key, history in scores.items():
            if not isinstance(history, dict) or "val_accuracy" not in history:
                problem = f"stored a {type(history).__name__} under {key!r}"
                break
    if problem:
        raise ExperimentError(
            f"{function} {problem}; the experiment needs {{rate: history.history}}, dicts with a "
            f"val_accuracy list. Check it with `uv run python -m grader {lesson}`."
        )
