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
other output on stderr. What the results hold: `course/experiment_results.py`.
Exit status: 0 done, 1 an error explained in one line, 2 a usage error.

The pieces: `course/experiment_catalog.py` (what each lesson's experiment runs),
`course/learner_functions.py` (finding the learner's functions, refusing stubs),
`course/training_data.py` (cached features or photos), `course/lesson_runs.py`
(each lesson's fits) and `course/experiment_results.py` (the plot and results).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
import warnings
from pathlib import Path

from course.dataset import ENV_VAR
from course.experiment_catalog import EXPERIMENTS, SEED, Experiment, ExperimentError, one_line
from course.experiment_results import output_folder, print_summary, write_results
from course.learner_functions import file_of, lesson5_namespace, needed_functions, not_started_message
from course.lesson_runs import Runs, run_lesson
from course.pipeline import DatasetError
from course.pretrained import WEIGHTS_ENV_VAR
from course.training_data import prepare
from course.working_directory import working_directory

XCEPTION_MIN_SIZE = 71  # Keras' Xception needs inputs of at least 71 x 71 pixels


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


def _weights(text: str) -> str:
    if text in ("imagenet", "none"):
        return text
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(
            f"must be imagenet, none or the path of a weights file; there is no file {text!r}")
    return str(path.resolve())


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
    parser.add_argument("--weights", type=_weights, default="imagenet", metavar="imagenet|none|PATH",
                        help="the base's weights: imagenet (downloaded once, 80 MB, or the file "
                             f"${WEIGHTS_ENV_VAR} names), none (random: it runs, but learns nothing), "
                             "or the path of a weights file for Xception without its top")
    parser.add_argument("--seed", type=_at_least(0, "--seed"), default=SEED, metavar="N",
                        help=f"the seed of the new layers' initial weights and of the order of the batches "
                             f"(default {SEED}); training is random, so compare a few")
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
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 1, None
    except NotImplementedError as error:
        print(f"error: {not_started_message(error, lesson)}", file=sys.stderr)
        return 1, None
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        return 130, None
    if args.json:
        print(json.dumps(results, indent=2), file=real_stdout, flush=True)
    else:
        print_summary(results)
    return 0, results


def _prog(namespace: dict) -> str:
    spec = namespace.get("__spec__")
    if spec is not None and spec.name and spec.name != "__main__":
        return f"python -m {spec.name}"
    return f"python {namespace.get('__file__', 'lesson')}"



def _run(experiment: Experiment, namespace: dict, args) -> dict:
    own_file = file_of(namespace)
    # fail fast, before any heavy work, when a needed function is still a stub
    needed_functions(namespace, experiment.functions, experiment.lesson)
    if experiment.lesson5_functions:
        needed_functions(lesson5_namespace(namespace), experiment.lesson5_functions, experiment.lesson)

    data = prepare(experiment, args)
    out = output_folder(args, experiment.lesson)
    runs = Runs(data, args.epochs, args.seed)
    mode = "cached features" if data.cached else "full model on the photos (--no-cache)"
    print(
        f"{experiment.title} ({own_file}): {experiment.summary}; {args.epochs} epochs per run on "
        f"{data.counts['train']} training and {data.counts['validation']} validation images, {mode}, "
        f"seed {args.seed}.",
        flush=True,
    )
    started = time.perf_counter()
    with working_directory(out):  # a relative path the learner's code writes lands in the output folder
        lesson_run = run_lesson(experiment, namespace, runs, out)
    training = time.perf_counter() - started
    return write_results(experiment, args, data, own_file, lesson_run, training, out)
