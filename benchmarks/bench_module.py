"""The whole module's experiments timed: 8.5 to 8.9 cold and warm, the final model, the course's way, the floor.

    uv run python benchmarks/bench_module.py [--data DIR] [--course-limit 3] [--course-epochs 2]

Everything runs in this one process (TensorFlow is imported once, before any
timing), with the reference solutions, Xception's ImageNet weights (found as
the tests find them: $XCEPTION_NOTOP_WEIGHTS, else the copy in ../shared,
else downloaded; scripts/local_weights.py) and one seed per experiment, as the
course runs each of them once:

1. The floor: one pass of the base over train, validation and test at 150 px
   (decode, Xception, pooling; nothing stored), plus the heads: the least any
   way of running 8.5 to 8.9 can cost.
2. Cold: every experiment of 8.5 to 8.9 through its runner with an empty
   feature cache, so the features are computed first. Target: at most 1.5x the floor.
3. Warm: the same again with the cache present. Target: under 60 s.
4. The final model at 299 px (scripts/final_model.py), with the project's
   cache (`--final-cache`): warm when scripts/run_experiments.py ran before.
5. The course's way, the full model on the photos in every epoch (--no-cache):
   measured on a subset, per photo and epoch, and projected to the 210 runs-epochs
   of 8.5 to 8.9 on all 3,409 photos, with the arithmetic printed. Target: the
   cold run at least 20x faster. (Our --no-cache decodes the photos with
   tf.data, not the course's ImageDataGenerator: the same training, not the
   same decoding.)

Not run by pytest: it prints figures, ratios and the arithmetic.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "scripts"):
    sys.path.insert(0, str(folder))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course import experiments, features, pipeline  # noqa: E402
from course.dataset import find_dataset, missing_dataset_message  # noqa: E402
from course.experiment_catalog import EXPERIMENTS  # noqa: E402
from local_weights import use_local_weights  # noqa: E402
from run_experiments import LESSONS  # noqa: E402  (the lessons and their reference modules)

SIZE = 150


@contextlib.contextmanager
def quiet():
    """Progress bars, per-epoch lines and summaries go nowhere while a run is timed."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def run(lesson: str, data: Path, *argv) -> dict:
    module = importlib.import_module(LESSONS[lesson])
    with quiet():
        code, results = experiments.execute(lesson, module, ["--data", str(data), "--json", *argv])
    if code != 0:
        raise SystemExit(f"the {lesson} experiment failed (exit {code}) with {argv}")
    return results


def all_lessons(data: Path, cache: Path) -> tuple[float, dict, dict]:
    """Seconds for every experiment of 8.5 to 8.9, each one's seconds, and each one's results."""
    started, seconds, results = time.perf_counter(), {}, {}
    for lesson in LESSONS:
        begun = time.perf_counter()
        results[lesson] = run(lesson, data, "--cache-dir", str(cache))
        seconds[lesson] = time.perf_counter() - begun
    return time.perf_counter() - started, seconds, results


def floor_pass(data: Path) -> tuple[float, int]:
    """Seconds of one pass of the ImageNet base over every split at SIZE px, and the photo count."""
    lists = pipeline.check_dataset(data, ("train", "validation", "test"))
    started = time.perf_counter()
    extractor = features.feature_extractor(features.base_model("imagenet", SIZE))
    for images in lists.values():
        features.compute(images, extractor, SIZE, progress=False)
    return time.perf_counter() - started, sum(len(images) for images in lists.values())


def runs_epochs() -> int:
    """How many (run, epoch) pairs 8.5 to 8.9 train: each experiment's values times its epochs."""
    return sum(len(EXPERIMENTS[lesson].values) * EXPERIMENTS[lesson].epochs for lesson in LESSONS)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: the machine may be shared (not on Windows)."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def line(label: str, seconds: float, note: str = "") -> str:
    return f"  {label:52s} {seconds:8.1f} s{('   ' + note) if note else ''}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data")
    parser.add_argument("--course-limit", type=int, default=3, help="photos per class and split, --no-cache")
    parser.add_argument("--course-epochs", type=int, default=2)
    parser.add_argument("--final-cache", help="the final model's feature cache (default: the project's)")
    parser.add_argument("--skip-final", action="store_true")
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else find_dataset()
    if data is None:
        print(missing_dataset_message(), file=sys.stderr)
        return 2
    import keras  # noqa: F401  (TensorFlow's import is not what is measured)

    weights = use_local_weights()
    print(f"bench_module: {data}, {SIZE} px, ImageNet weights ({weights or 'downloaded'}), one seed per "
          f"experiment, {os.cpu_count()} cores, load average {load_average()}")
    floor_seconds, photos = floor_pass(data)
    with tempfile.TemporaryDirectory(prefix="bench-module-") as folder:
        cold, cold_lessons, results = all_lessons(data, Path(folder) / "cache")
        warm, warm_lessons, _ = all_lessons(data, Path(folder) / "cache")
    heads = sum(r["seconds"]["training"] for r in results.values())
    floor = floor_seconds + heads
    print(line(f"floor: one base pass over {photos:,} photos", floor_seconds))
    print(line("  + the heads of 8.5 to 8.9 (their training)", heads))
    print(line("  = the floor", floor))
    print(line("8.5 to 8.9, cold (features computed)", cold, f"{cold / floor:.2f}x the floor (target <= 1.5x)"))
    print(line("8.5 to 8.9, warm (cache present)", warm, "target < 60 s"))
    for lesson, result in results.items():
        print(f"    {lesson}: cold {cold_lessons[lesson]:.1f} s (features {result['seconds']['features']:.1f} s, "
              f"training {result['seconds']['training']:.1f} s), warm {warm_lessons[lesson]:.1f} s; "
              f"best val_accuracy {result['best_val_accuracy']:.4f}")

    if not args.skip_final:
        from final_model import train_final

        started = time.perf_counter()
        with quiet():
            final = train_final(data, learning_rate=0.001, size_inner=100, droprate=0.2, seeds=[1], epochs=30,
                                cache_dir=args.final_cache)
        seconds = time.perf_counter() - started
        print(line("the final model at 299 px, one seed", seconds,
                   f"features {final['seconds']['features']:.1f} s, training {final['seconds']['training']:.1f} s"))

    # The course's way: the full model on the photos every epoch, measured on a subset.
    with tempfile.TemporaryDirectory(prefix="bench-module-course-") as folder:
        subset = run("lesson5", data, "--no-cache", "--limit", str(args.course_limit), "--epochs",
                     str(args.course_epochs), "--cache-dir", folder)
    seen = args.course_epochs * (subset["images"]["train"] + subset["images"]["validation"])
    per_photo = subset["seconds"]["training"] / seen
    full = results["lesson5"]["images"]["train"] + results["lesson5"]["images"]["validation"]
    projected = runs_epochs() * full * per_photo
    print(line(f"the course's way, measured: {seen} photo-epochs (--no-cache)", subset["seconds"]["training"],
               f"{per_photo * 1000:.1f} ms per photo and epoch"))
    print(line("the course's way, projected", projected,
               f"{runs_epochs()} runs-epochs x {full:,} photos x {per_photo * 1000:.1f} ms; "
               f"{projected / cold:.0f}x the cold run (target >= 20x)"))
    print(f"load average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
