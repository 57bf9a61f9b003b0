"""Where an experiment's plot and results go, what the results hold, and the summary printed.

Every run writes `<lesson>-plot.png` and `<lesson>-results.json` to `--out` (or
a new temporary folder). The results: `lesson`, `title`, `functions_from` (the
file whose functions ran), `key` (the hyperparameter: learning_rate,
size_inner or droprate), `histories` (`{str(key): history.history}`), `best`
(the key) and `best_val_accuracy`, `seconds` (`data`: listing and checking the
photos, and with --no-cache building the base; `features`: computing or loading
the cached features; `training`: the lesson's fits), `features_from_cache`
(null with --no-cache), `settings`, `images` (photos used per split),
`skipped` (unreadable photos left out, with the reason), `files`; lesson 7
adds `checkpoints`, `checkpoint_folder`, `best_checkpoint` and `validation` (the chosen
checkpoint reloaded and evaluated on the validation split: it scores the best
`val_accuracy` again). No lesson's experiment reads the test split.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from course.experiment_catalog import Experiment, ExperimentError
from course.training_data import Data, dataset_folder


def output_folder(args, lesson: str) -> Path:
    if args.out:
        out = Path(args.out).expanduser()
        if out.exists() and not out.is_dir():
            raise ExperimentError(f"--out {out} is a file; give a folder (it is created if needed).")
        out.mkdir(parents=True, exist_ok=True)
        return out.resolve()
    return Path(tempfile.mkdtemp(prefix=f"module8-{lesson}-"))


def write_results(
    experiment: Experiment, args, data: Data, functions_from: str, lesson_run: tuple, training: float, out: Path
) -> dict:
    """Save the lesson's figure and its results in `out`; the results.

    `lesson_run` is what `run_lesson` returned; `training`, the seconds its fits took.
    """
    scores, best, figure, extra = lesson_run
    plot_path, results_path = out / f"{experiment.lesson}-plot.png", out / f"{experiment.lesson}-results.json"
    figure.savefig(plot_path)
    results = {
        "lesson": experiment.lesson,
        "title": experiment.title,
        "functions_from": functions_from,
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
            "data": str(dataset_folder(args)), "input_size": args.input_size, "epochs": args.epochs,
            "limit": args.limit, "weights": args.weights, "cache": not args.no_cache, "seed": args.seed,
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


def print_summary(results: dict) -> None:
    print()
    print(f"{results['title']}: best {results['key']} = {results['best']}")
    for key, history in results["histories"].items():
        value = _best_value(history)
        shown = f"{value:.3f}" if value is not None else "n/a"
        print(f"  {results['key']} = {key}: best val_accuracy {shown}")
    if "validation" in results:
        print(f"  best checkpoint {results['best_checkpoint']}, reloaded: validation accuracy "
              f"{results['validation']['accuracy']:.3f}, the best epoch's")
    seconds = results["seconds"]
    print(f"Seconds: data {seconds['data']:.1f}, features {seconds['features']:.1f}, training {seconds['training']:.1f}")
    if results["skipped"]:
        print(f"Left out {len(results['skipped'])} unreadable photo(s); see the warnings above.")
    print(f"Plot: {results['files']['plot']}")
    print(f"Results: {results['files']['results']}")
