"""The course's experiments, run from the command line with your own functions.

    uv run python -m lessons.lesson6_learning_rate --data clothing-dataset-small
    uv run python -m solutions.lesson6_learning_rate --data clothing-dataset-small

The first runs lesson 8.6's experiment with the functions you wrote in
`lessons/`; the second with the reference in `solutions/`. Each lesson file
ends with `run_experiment("lessonN", globals())`, which lands here.

By default the frozen base's features are computed once and cached (see
`course/features.py`), and only the new top is trained: the same experiment as
the course's, minutes instead of hours on a laptop. `--no-cache` trains the
full model on the photos in every epoch, exactly as the course does.

Every run writes `<lesson>-plot.png` and `<lesson>-results.json` to `--out` (or
a new temporary folder); `--json` also prints the results on stdout, with all
other output on stderr. The results: `lesson`, `title`, `functions_from` (the
file whose functions ran), `key` (the hyperparameter: learning_rate,
size_inner or droprate), `histories` (`{str(key): history.history}`), `best`
(the key) and `best_val_accuracy`, `seconds` (`data`: listing and checking the
photos, and with --no-cache building the base; `features`: computing or loading
the cached features; `training`: the lesson's fits), `features_from_cache`
(null with --no-cache), `settings`, `images` (photos used per split),
`skipped` (unreadable photos left out, with the reason), `files`; lesson 7
adds `checkpoints`, `checkpoint_folder`, `best_checkpoint` and `test`.
Exit status: 0 done, 1 an error explained in one line, 2 a usage error.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import inspect
import json
import logging
import math
import os
import re
import sys
import tempfile
import textwrap
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from course import features as feature_cache
from course.dataset import CLONE_COMMAND, ENV_VAR, find_dataset, missing_dataset_message
from course.pipeline import DatasetError, check_dataset, decode_all, image_dataset, plan_decoding

SEED = 1  # the new top's initial weights and the order of the batches, the same in every run
XCEPTION_MIN_SIZE = 71  # Keras' Xception needs inputs of at least 71 x 71 pixels
LESSON5_FILE = "lesson5_transfer_learning"


@dataclass(frozen=True)
class Experiment:
    lesson: str
    title: str
    summary: str
    key: str  # the hyperparameter the runs differ in
    values: tuple
    epochs: int
    functions: tuple[str, ...]  # the lesson's own functions the experiment calls
    lesson5_functions: tuple[str, ...] = ()  # and those of lesson 5 in the same folder
    needs_test: bool = False


EXPERIMENTS = {
    "lesson5": Experiment(
        "lesson5", "8.5 Transfer learning",
        "the transfer model (frozen Xception, a new dense top) trained with a learning rate of 0.01",
        "learning_rate", (0.01,), 10, ("build_transfer_model",)),
    "lesson6": Experiment(
        "lesson6", "8.6 Adjusting the learning rate",
        "one model per learning rate 0.0001, 0.001, 0.01 and 0.1, compared on val_accuracy",
        "learning_rate", (0.0001, 0.001, 0.01, 0.1), 10,
        ("train_for_learning_rates", "best_learning_rate", "plot_scores"), ("build_transfer_model",)),
    "lesson7": Experiment(
        "lesson7", "8.7 Checkpointing",
        "the transfer model trained at a learning rate of 0.001 with make_checkpoint's callback; "
        "the checkpoint find_best_checkpoint picks is evaluated on the test split",
        "learning_rate", (0.001,), 10, ("make_checkpoint", "find_best_checkpoint"),
        ("build_transfer_model",), needs_test=True),
    "lesson8": Experiment(
        "lesson8", "8.8 Adding more layers",
        "one model per inner layer size 10, 100 and 1000 (learning rate 0.001)",
        "size_inner", (10, 100, 1000), 10, ("build_model_with_inner_layer", "add_inner_layer")),
    "lesson9": Experiment(
        "lesson9", "8.9 Regularization and dropout",
        "one model per dropout rate 0.0, 0.2, 0.5 and 0.8 (learning rate 0.001, 100 inner units)",
        "droprate", (0.0, 0.2, 0.5, 0.8), 30, ("build_model_with_dropout", "add_dropout")),
}


class ExperimentError(Exception):
    """The experiment cannot run; the message, one line, says what to do."""


# ---------------------------------------------------------------- the command line


def _at_least(minimum: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}; got {value}")
        return value

    return parse


def build_parser(experiment: Experiment, prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"{experiment.title}: {experiment.summary}.",
        epilog=(
            "The base's features are cached in .cache/features (or $MODULE8_CACHE_DIR); "
            "--no-cache trains the whole model on the photos every epoch, as the course does. "
            "Results go to --out, or to a new temporary folder."
        ),
    )
    parser.add_argument("--data", metavar="DIR",
                        help=f"the dataset folder (default: ${ENV_VAR} or a clone of clothing-dataset-small "
                             "in or next to the project)")
    parser.add_argument("--input-size", type=_at_least(XCEPTION_MIN_SIZE, "--input-size"), default=150,
                        metavar="N", help="images are resized to N x N pixels (default 150)")
    parser.add_argument("--epochs", type=_at_least(1, "--epochs"), default=experiment.epochs, metavar="N",
                        help=f"epochs of training per run (default {experiment.epochs}, as the course)")
    parser.add_argument("--limit", type=_at_least(1, "--limit"), metavar="N",
                        help="use at most N images per class and split, for quick runs")
    parser.add_argument("--weights", choices=("imagenet", "none"), default="imagenet",
                        help="the base's weights: imagenet (downloaded once, 80 MB) or none (random: it runs, "
                             "but learns little)")
    parser.add_argument("--no-cache", action="store_true",
                        help="train the full model on the photos every epoch, as the course does (slow)")
    parser.add_argument("--cache-dir", metavar="DIR", help="where the features are cached")
    parser.add_argument("--out", metavar="DIR", help="write the plot (PNG) and the results (JSON) here")
    parser.add_argument("--json", action="store_true",
                        help="print the results as one JSON document on stdout (everything else goes to stderr)")
    return parser


def run_experiment(lesson: str, namespace, argv=None):
    """Run `lesson`'s experiment with the functions of `namespace` (a lesson module or its `globals()`).

    The entry point of every lesson file's `if __name__ == "__main__":` block.
    Exits the program with 0 on success, 1 on an error, 2 on a usage error.
    In a notebook it ignores the kernel's arguments and returns the results.
    """
    in_notebook = "ipykernel" in sys.modules and argv is None
    code, results = execute(lesson, namespace, [] if in_notebook else argv)
    if in_notebook:
        return results
    sys.exit(code)


def execute(lesson: str, namespace, argv=None) -> tuple[int, dict | None]:
    """`(exit status, results)`: what `run_experiment` does, without exiting."""
    experiment = EXPERIMENTS[lesson]
    namespace = namespace if isinstance(namespace, dict) else vars(namespace)
    parser = build_parser(experiment, _prog(namespace))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0), None
    warnings.filterwarnings("ignore", message=r".*`shuffle=True` was passed")  # fit's default, harmless
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # retracing notes: one model per run is the point
    real_stdout = sys.stdout
    redirect = contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext()
    try:
        with redirect:
            results = _run(experiment, namespace, args)
    except (ExperimentError, DatasetError) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 1, None
    except NotImplementedError as error:
        print(f"error: {_not_started(error, lesson)}", file=sys.stderr)
        return 1, None
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        return 130, None
    if args.json:
        print(json.dumps(results, indent=2), file=real_stdout, flush=True)
    else:
        _print_summary(results)
    return 0, results


def _prog(namespace: dict) -> str:
    spec = namespace.get("__spec__")
    if spec is not None and spec.name and spec.name != "__main__":
        return f"python -m {spec.name}"
    return f"python {namespace.get('__file__', 'lesson')}"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


# ---------------------------------------------------------------- the learner's functions


def _is_stub(function) -> bool:
    """True when `function`'s body still ends in `raise NotImplementedError`."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    last = node.body[-1]
    return isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last)


def _file_of(namespace: dict) -> str:
    path = namespace.get("__file__")
    return _display(Path(path)) if path else "the lesson file"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _lesson_of_file(path: str) -> str:
    match = re.match(r"lesson(\d)_", Path(path).name)
    return f"lesson{match.group(1)}" if match else "lessonN"


def _needed(namespace: dict, names: tuple[str, ...], lesson: str):
    """The functions `names` of `namespace`, or a one-line error for one that is missing or a stub."""
    found = {}
    for name in names:
        function = namespace.get(name)
        file = _file_of(namespace)
        if not callable(function):
            raise ExperimentError(f"{file} has no function `{name}`: the {lesson} experiment needs it.")
        if _is_stub(function):
            raise ExperimentError(
                f"write `{name}` in {file} first: it still raises NotImplementedError. "
                f"Check it with `uv run python -m grader {_lesson_of_file(file)}`."
            )
        found[name] = function
    return found


def _not_started(error: NotImplementedError, lesson: str) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    frame = frames[-1] if frames else None
    if frame is None:
        return f"something is not written yet (NotImplementedError: {error})."
    return (
        f"write `{frame.name}` in {_display(Path(frame.filename))} first: it still raises "
        f"NotImplementedError (line {frame.lineno}). Check it with "
        f"`uv run python -m grader {_lesson_of_file(frame.filename)}`."
    )


def _lesson5_namespace(namespace: dict) -> dict:
    """Lesson 5's functions from the same folder as the running lesson (lessons/ or solutions/)."""
    package = namespace.get("__package__") or getattr(namespace.get("__spec__"), "parent", None)
    if package:
        module = importlib.import_module(f"{package}.{LESSON5_FILE}")
    else:  # run as a script or in a notebook: the lesson 5 file next to this one
        folder = Path(namespace["__file__"]).resolve().parent if namespace.get("__file__") else Path.cwd()
        path = folder / f"{LESSON5_FILE}.py"
        if not path.is_file():
            raise ExperimentError(f"no {LESSON5_FILE}.py next to this lesson (looked in {folder}).")
        spec = importlib.util.spec_from_file_location(f"_experiment_{LESSON5_FILE}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return vars(module)


# ---------------------------------------------------------------- the data


@dataclass
class Data:
    """What the lesson's runs train on, and how to build their models."""

    train: object
    validation: object
    test: object | None
    input_size: int  # what the model builders get as input_size
    new_base: object  # called once per model: the base_model argument
    num_classes: int
    cached: bool
    counts: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    from_cache: bool | None = None


def _data_dir(args) -> Path:
    if args.data:
        path = Path(args.data).expanduser()
        if not path.is_dir():
            raise DatasetError(missing_dataset_message(path))
        return path
    found = find_dataset()
    if found is None:
        raise DatasetError(missing_dataset_message())
    return found


def _weights_error(error: Exception) -> ExperimentError:
    from course import pretrained

    cause = error.__cause__ or error
    return ExperimentError(
        f"could not download Xception's ImageNet weights ({_one_line(cause)[:160]}). "
        "Run again with --weights none (random weights: everything runs, but the accuracies mean little), "
        f"or put {pretrained.WEIGHTS_FILES[False]} at {pretrained.weights_path(False)}."
    )


def prepare(experiment: Experiment, args) -> Data:
    """Check the dataset, then features (cached) or photos (--no-cache) for every split."""
    import numpy as np

    from course import pretrained

    started = time.perf_counter()
    splits = ("train", "validation", "test") if experiment.needs_test else ("train", "validation")
    data_dir = _data_dir(args)
    if experiment.needs_test and not (data_dir / "test").is_dir():
        raise DatasetError(
            f"{data_dir} has no test folder: lesson 7 evaluates its best checkpoint on it. "
            f"Get the full dataset with `{CLONE_COMMAND}`."
        )
    lists = check_dataset(data_dir, splits, args.limit)
    size = (args.input_size, args.input_size)
    classes = lists["train"].classes
    seconds = {"data": time.perf_counter() - started, "features": 0.0}

    base_holder = {}

    def get_base():
        if "base" not in base_holder:
            try:
                base_holder["base"] = feature_cache.base_model(args.weights, args.input_size)
            except pretrained.PretrainedWeightsUnavailable as error:
                raise _weights_error(error) from None
        return base_holder["base"]

    if args.no_cache:
        started = time.perf_counter()
        kept = {}
        for split, images in lists.items():
            images = plan_decoding(images, size)
            print(f"Checking that the {len(images)} {split} photos decode:", flush=True)
            bar = _progress(len(images))
            kept[split] = decode_all(images, size, progress=bar.update)
        base = get_base()
        seconds["data"] += time.perf_counter() - started
        datasets = {
            split: image_dataset(images, size, shuffle=(split == "train"), seed=SEED)
            for split, images in kept.items()
        }
        return Data(
            datasets["train"], datasets["validation"], datasets.get("test"), args.input_size,
            lambda: base, len(classes), cached=False,
            counts={split: len(images) for split, images in kept.items()},
            skipped=[pair for images in kept.values() for pair in images.skipped],
            seconds=seconds,
        )

    started = time.perf_counter()
    folder = feature_cache.cache_dir(args.cache_dir)
    extractor_holder = {}

    def get_extractor():
        if "extractor" not in extractor_holder:
            extractor_holder["extractor"] = feature_cache.feature_extractor(get_base())
        return extractor_holder["extractor"]

    datasets, counts, skipped, hits = {}, {}, [], []
    for split, images in lists.items():
        vectors, kept, hit = feature_cache.features_for(
            images, weights=args.weights, input_size=args.input_size, folder=folder,
            get_extractor=get_extractor,
        )
        hits.append(hit)
        counts[split] = len(kept)
        skipped += kept.skipped
        datasets[split] = _feature_dataset(
            feature_cache.pack(vectors), np.array(kept.labels), len(classes), shuffle=(split == "train")
        )
    seconds["features"] = time.perf_counter() - started
    return Data(
        datasets["train"], datasets["validation"], datasets.get("test"), feature_cache.PACKED_SIDE,
        feature_cache.stand_in_base, len(classes), cached=True, counts=counts, skipped=skipped,
        seconds=seconds, from_cache=all(hits),
    )


def _progress(total: int):
    import keras

    return keras.utils.Progbar(total, unit_name="image", interval=0.5)


def _feature_dataset(packed, labels, num_classes: int, shuffle: bool):
    """Batches of `(packed features, one-hot labels)`, shuffled like the photo pipeline's."""
    import tensorflow as tf

    from course.pipeline import BATCH_SIZE

    vectors = tf.constant(packed)
    one_hot = tf.one_hot(labels, num_classes)
    dataset = tf.data.Dataset.range(len(packed))
    if shuffle:
        dataset = dataset.shuffle(len(packed), seed=SEED, reshuffle_each_iteration=True)
    dataset = dataset.map(lambda i: (vectors[i], one_hot[i]), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------- running a lesson


class _Runs:
    """Model building and fitting as every experiment does it."""

    def __init__(self, data: Data, epochs: int):
        self.data, self.epochs = data, epochs

    def build(self, function, **kwargs):
        """The learner's model: fresh weights from the same seed, on the cached or the real base."""
        import keras

        keras.utils.set_random_seed(SEED)
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
        return model.fit(self.data.train, epochs=self.epochs, validation_data=self.data.validation, **kwargs)


def _sweep(runs: _Runs, key: str, values, build) -> dict:
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


def _run_lesson(experiment: Experiment, namespace: dict, runs: _Runs, out: Path):
    """`(scores, best, figure, extra)` of the lesson's experiment, with the learner's functions."""
    own = _needed(namespace, experiment.functions, experiment.lesson)
    lesson5 = {}
    if experiment.lesson5_functions:
        lesson5_namespace = _lesson5_namespace(namespace)
        lesson5 = _needed(lesson5_namespace, experiment.lesson5_functions, experiment.lesson)
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
        import keras

        folder = out / "lesson7-checkpoints" / time.strftime("run-%Y%m%d-%H%M%S")
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
        print(f"Best checkpoint: {best_path.name}; evaluating it on the test split.", flush=True)
        test = keras.models.load_model(best_path).evaluate(runs.data.test, return_dict=True)
        epoch = re.search(r"_(\d+)_", best_path.name)
        extra = {
            "checkpoints": sorted(p.name for p in folder.iterdir()),
            "checkpoint_folder": str(folder),
            "best_checkpoint": best_path.name,
            "test": {name: float(value) for name, value in test.items()},
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


def _output_folder(args, lesson: str) -> Path:
    if args.out:
        out = Path(args.out).expanduser()
        if out.exists() and not out.is_dir():
            raise ExperimentError(f"--out {out} is a file; give a folder (it is created if needed).")
        out.mkdir(parents=True, exist_ok=True)
        return out.resolve()
    return Path(tempfile.mkdtemp(prefix=f"module8-{lesson}-"))


@contextlib.contextmanager
def _working_directory(path: Path):
    """Run the learner's code inside the output folder: a relative path it writes lands there."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _run(experiment: Experiment, namespace: dict, args) -> dict:
    own_file = _file_of(namespace)
    # fail fast, before any heavy work, when a needed function is still a stub
    _needed(namespace, experiment.functions, experiment.lesson)
    if experiment.lesson5_functions:
        _needed(_lesson5_namespace(namespace), experiment.lesson5_functions, experiment.lesson)

    data = prepare(experiment, args)
    out = _output_folder(args, experiment.lesson)
    runs = _Runs(data, args.epochs)
    mode = "cached features" if data.cached else "full model on the photos (--no-cache)"
    print(
        f"{experiment.title} ({own_file}): {experiment.summary}; {args.epochs} epochs per run on "
        f"{data.counts['train']} training and {data.counts['validation']} validation images, {mode}.",
        flush=True,
    )
    started = time.perf_counter()
    with _working_directory(out):
        scores, best, figure, extra = _run_lesson(experiment, namespace, runs, out)
    training = time.perf_counter() - started

    plot_path, results_path = out / f"{experiment.lesson}-plot.png", out / f"{experiment.lesson}-results.json"
    figure.savefig(plot_path)
    results = {
        "lesson": experiment.lesson,
        "title": experiment.title,
        "functions_from": own_file,
        "key": experiment.key,
        "histories": {str(key): _plain(history) for key, history in scores.items()},
        "best": _plain(best),
        "best_val_accuracy": _best_value(scores.get(best, {})),
        "seconds": {
            "data": round(data.seconds["data"], 3),
            "features": round(data.seconds["features"], 3),
            "training": round(training, 3),
        },
        "features_from_cache": data.from_cache,
        "settings": {
            "data": str(_data_dir(args)), "input_size": args.input_size, "epochs": args.epochs,
            "limit": args.limit, "weights": args.weights, "cache": not args.no_cache,
        },
        "images": data.counts,
        "skipped": [{"file": name, "reason": reason} for name, reason in data.skipped],
        **extra,
        "files": {"plot": str(plot_path), "results": str(results_path)},
    }
    results_path.write_text(json.dumps(results, indent=2))
    return results


def _plain(value):
    """Histories and keys as JSON-friendly Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def _best_value(history: dict, metric: str = "val_accuracy"):
    numbers = [float(x) for x in history.get(metric, []) if not math.isnan(float(x))]
    return max(numbers) if numbers else None


def _print_summary(results: dict) -> None:
    print()
    print(f"{results['title']}: best {results['key']} = {results['best']}")
    for key, history in results["histories"].items():
        value = _best_value(history)
        shown = f"{value:.3f}" if value is not None else "n/a"
        print(f"  {results['key']} = {key}: best val_accuracy {shown}")
    if "test" in results:
        print(f"  best checkpoint {results['best_checkpoint']}: test accuracy {results['test'].get('accuracy', float('nan')):.3f}")
    seconds = results["seconds"]
    print(f"Seconds: data {seconds['data']:.1f}, features {seconds['features']:.1f}, training {seconds['training']:.1f}")
    if results["skipped"]:
        print(f"Left out {len(results['skipped'])} unreadable photo(s); see the warnings above.")
    print(f"Plot: {results['files']['plot']}")
    print(f"Results: {results['files']['results']}")
