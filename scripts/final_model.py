"""The final model: the settings the sweeps chose on validation, at 299 x 299, and the one look at `test`.

    uv run python scripts/final_model.py --learning-rate 0.001 --size-inner 100 --droprate 0.2

It trains lesson 8.9's model (the reference: an inner layer, dropout) on the
cached 299 px features of the frozen base, keeps its best epoch on validation
with lesson 8.7's checkpoint (the reference `make_checkpoint` and
`find_best_checkpoint`), reloads that file, checks that it scores the best
`val_accuracy` again, and only then evaluates it on the test split, once per
seed. It is the only run of the module that reads `test`; the lessons'
experiments never list it (`course.training_data.prepare`).

The course's final model (its lessons 8.10 and 8.11, beyond this package) is
trained on augmented photos; cached features cannot be augmented, since each
photo's features are computed once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from course.experiment_catalog import Experiment  # noqa: E402  (after the path set-up)

FINAL = Experiment(
    "final", "The final model", "lesson 8.9's model at 299 x 299 with the settings chosen on validation, "
    "checkpointed as in 8.7, evaluated once on the test split", "settings", (), 30,
    ("build_model_with_dropout", "make_checkpoint", "find_best_checkpoint"), needs_test=True,
)
INPUT_SIZE = 299


def train_final(data_dir, *, learning_rate: float, size_inner: int, droprate: float, seeds, epochs: int,
                weights: str = "imagenet", cache_dir=None, input_size: int = INPUT_SIZE, limit=None) -> dict:
    """Train and test the final model once per seed: `{"settings", "images", "seconds", "runs"}`."""
    import keras

    from course.lesson_runs import Runs, check_reloaded
    from course.training_data import prepare
    from solutions.lesson7_checkpointing import find_best_checkpoint, make_checkpoint
    from solutions.lesson9_dropout import build_model_with_dropout

    runs, feature_seconds, training = [], [], 0.0
    for seed in seeds:
        args = argparse.Namespace(data=str(data_dir), input_size=input_size, limit=limit, weights=weights,
                                  no_cache=False, cache_dir=cache_dir, seed=seed)
        data = prepare(FINAL, args)  # computed once, then from the cache; batches shuffled with `seed`
        feature_seconds.append(data.seconds["features"])
        started = time.perf_counter()
        trainer = Runs(data, epochs, seed)
        model = trainer.build(build_model_with_dropout, learning_rate=learning_rate, size_inner=size_inner,
                              droprate=droprate)
        with tempfile.TemporaryDirectory(prefix="module8-final-") as folder:
            template = str(Path(folder) / "xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras")
            history = trainer.fit(model, callbacks=[make_checkpoint(template)], verbose=0).history
            best = find_best_checkpoint(folder)
            validation = check_reloaded(best, data.validation, history, data.counts["validation"], "final")
            test = keras.models.load_model(best).evaluate(data.test, return_dict=True, verbose=0)
        training += time.perf_counter() - started
        runs.append({
            "seed": seed, "histories": {"final": {k: [float(x) for x in v] for k, v in history.items()}},
            "best_checkpoint": best.name, "validation": validation,
            "test": {name: float(value) for name, value in test.items()},
        })
        print(f"final model, seed {seed}: {best.name}, validation {validation['accuracy']:.4f}, "
              f"test {runs[-1]['test']['accuracy']:.4f}", file=sys.stderr, flush=True)
    return {
        "settings": {"input_size": input_size, "epochs": epochs, "learning_rate": learning_rate,
                     "size_inner": size_inner, "droprate": droprate, "limit": limit, "cache": True,
                     "weights": weights if weights in ("imagenet", "none") else "file"},
        "images": data.counts,
        "seconds": {"features": round(feature_seconds[0], 3), "training": round(training, 3)},
        "runs": runs,
    }


def main(argv=None) -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="the dataset folder (default: course.dataset.find_dataset())")
    parser.add_argument("--learning-rate", type=float, required=True)
    parser.add_argument("--size-inner", type=int, required=True)
    parser.add_argument("--droprate", type=float, required=True)
    parser.add_argument("--epochs", type=int, default=FINAL.epochs)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--weights", default="imagenet")
    parser.add_argument("--cache-dir")
    args = parser.parse_args(argv)
    from course.dataset import find_dataset

    result = train_final(args.data or find_dataset(), learning_rate=args.learning_rate,
                         size_inner=args.size_inner, droprate=args.droprate, seeds=args.seeds,
                         epochs=args.epochs, weights=args.weights, cache_dir=args.cache_dir)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
