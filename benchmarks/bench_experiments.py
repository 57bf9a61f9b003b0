"""Lesson 8.6's sweep with the feature cache against --no-cache, and the projection to the full setting.

    uv run python benchmarks/bench_experiments.py [--data DIR] [--limit 10] [--epochs 2]
                                                  [--weights none] [--skip-full] [--skip-agreement]

1. On a subset (`--limit` photos per class and split, 150 px, the course's four
   rates, `--epochs` epochs), in this one process: the sweep with a cold cache,
   again with the warm cache, and with --no-cache. Measured seconds and ratio.
2. The course's full setting (all 3,068 + 341 photos, 150 px, 4 rates x 10
   epochs): the cached sweep is measured (cold, then warm cache); the --no-cache
   sweep would take about an hour, so it is projected as a lower bound: every
   epoch of every rate must at least decode every photo and pass it through
   Xception once, at the per-photo cost measured here (a warm, steady pass).
3. Agreement of the best validation accuracies, cached against --no-cache,
   also with an informative base that needs no weights (random features of a
   thumbnail, tests/experiment_data.py) on 30 photos per class. With the real
   weights the agreement is a test: tests/test_real_data.py.

`--weights`: imagenet when $XCEPTION_NOTOP_WEIGHTS names the weights file,
else none (the same computation, without the 80 MB download); a path works
too. The whole module's figures are in bench_module.py. Not run by pytest;
prints figures and the arithmetic.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course import experiments, features, pipeline  # noqa: E402
from course.dataset import find_dataset, missing_dataset_message  # noqa: E402
from course.pretrained import WEIGHTS_ENV_VAR  # noqa: E402

RATES, FULL_EPOCHS = 4, 10


def sweep(data, cache, *argv):
    """The lesson-6 experiment with the reference, quietly; its results dict."""
    module = importlib.import_module("solutions.lesson6_learning_rate")
    with open(os.devnull, "w") as quiet:
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = quiet  # progress bars, per-epoch lines and the JSON document
        try:
            code, results = experiments.execute(
                "lesson6", module, ["--data", str(data), "--cache-dir", str(cache), "--json", *argv])
        finally:
            sys.stdout, sys.stderr = saved
    if code != 0:
        raise SystemExit(f"the sweep failed (exit {code}) with {argv}")
    return results


def best_gap(a, b):
    """|best val_accuracy of a - of b| and the largest per-epoch difference over every rate."""
    per_epoch = max(
        abs(x - y)
        for key in a["histories"]
        for x, y in zip(a["histories"][key]["val_accuracy"], b["histories"][key]["val_accuracy"])
    )
    return abs(a["best_val_accuracy"] - b["best_val_accuracy"]), per_epoch


def line(label, seconds):
    return f"  {label:44s} {seconds:8.1f} s"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--input-size", type=int, default=150)
    parser.add_argument("--weights", default="imagenet" if os.environ.get(WEIGHTS_ENV_VAR) else "none",
                        help="imagenet, none or the path of a weights file")
    parser.add_argument("--skip-full", action="store_true", help="do not measure the full cached sweep")
    parser.add_argument("--skip-agreement", action="store_true")
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else find_dataset()
    if data is None:
        print(missing_dataset_message(), file=sys.stderr)
        return 1
    common = ["--input-size", str(args.input_size), "--weights", args.weights]
    subset = [*common, "--limit", str(args.limit), "--epochs", str(args.epochs)]
    full_lists = pipeline.check_dataset(data)
    n_full = sum(len(images) for images in full_lists.values())

    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    started = time.perf_counter()
    extractor = features.feature_extractor(features.base_model(args.weights, args.input_size))
    build = time.perf_counter() - started
    sample = pipeline.check_dataset(data, ("validation",), limit=max(args.limit, 10))["validation"]
    features.compute(sample, extractor, args.input_size, progress=False)  # traces the graph, warms the files
    started = time.perf_counter()
    features.compute(sample, extractor, args.input_size, progress=False)
    per_photo = (time.perf_counter() - started) / len(sample)
    print(f"building Xception ({args.weights} weights, {args.input_size} px): {build:.1f} s; then decoding a photo "
          f"and passing it through Xception: {per_photo * 1000:.1f} ms ({1 / per_photo:.0f} photos/s, measured on "
          f"{len(sample)} validation photos)", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
        cold = sweep(data, cache, *subset)
        warm = sweep(data, cache, *subset)
        full = sweep(data, cache, *subset, "--no-cache")
    n_sub = cold["images"]["train"] + cold["images"]["validation"]
    cached_cold = cold["seconds"]["features"] + cold["seconds"]["training"]
    cached_warm = warm["seconds"]["features"] + warm["seconds"]["training"]
    no_cache = full["seconds"]["data"] + full["seconds"]["training"]
    print(f"\n1. Subset: {args.limit} photos per class and split = {n_sub} photos, {args.input_size} px, "
          f"{RATES} rates x {args.epochs} epochs (same process)")
    print(line("cached, cold cache (features + training)", cached_cold),
          f"= {cold['seconds']['features']:.1f} + {cold['seconds']['training']:.1f}")
    print(line("cached, warm cache (features + training)", cached_warm),
          f"= {warm['seconds']['features']:.1f} + {warm['seconds']['training']:.1f}")
    print(line("--no-cache (decoding check + training)", no_cache),
          f"= {full['seconds']['data']:.1f} + {full['seconds']['training']:.1f}")
    print(f"  ratio --no-cache / cached: {no_cache / cached_cold:.1f}x with a cold cache, "
          f"{no_cache / cached_warm:.1f}x with a warm one")
    gap, per_epoch = best_gap(cold, full)
    print(f"  best val_accuracy: cached {cold['best_val_accuracy']:.3f}, --no-cache "
          f"{full['best_val_accuracy']:.3f}: difference {gap:.3f} (largest per-epoch difference {per_epoch:.3f})")

    projected = RATES * FULL_EPOCHS * n_full * per_photo
    print(f"\n2. Full setting: {n_full} photos, {args.input_size} px, {RATES} rates x {FULL_EPOCHS} epochs")
    print(f"  --no-cache, projected lower bound: {RATES} x {FULL_EPOCHS} x {n_full} x {per_photo * 1000:.1f} ms "
          f"= {projected:.0f} s ({projected / 60:.0f} min)")
    upper = full["seconds"]["training"] * (FULL_EPOCHS / args.epochs) * (n_full / n_sub)
    print(f"  --no-cache, scaled from the subset's training time: {full['seconds']['training']:.1f} s x "
          f"{FULL_EPOCHS}/{args.epochs} x {n_full}/{n_sub} = {upper:.0f} s ({upper / 60:.0f} min)")
    if not args.skip_full:
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
            full_cold = sweep(data, cache, *common, "--epochs", str(FULL_EPOCHS))
            full_warm = sweep(data, cache, *common, "--epochs", str(FULL_EPOCHS))
        measured = full_cold["seconds"]["features"] + full_cold["seconds"]["training"]
        measured_warm = full_warm["seconds"]["features"] + full_warm["seconds"]["training"]
        print(line("cached, cold cache, measured", measured),
              f"= {full_cold['seconds']['features']:.1f} features + {full_cold['seconds']['training']:.1f} training")
        print(line("cached, warm cache, measured", measured_warm),
              f"= {full_warm['seconds']['features']:.1f} features + {full_warm['seconds']['training']:.1f} training")
        print(f"  speed-up, cold cache: {projected:.0f} / {measured:.0f} = {projected / measured:.1f}x "
              f"(lower bound); {upper:.0f} / {measured:.0f} = {upper / measured:.1f}x (scaled)")
        print(f"  speed-up, warm cache: {projected / measured_warm:.1f}x (lower bound)")
        per_photo_full = full_cold["seconds"]["features"] / n_full
        same_load = RATES * FULL_EPOCHS * n_full * per_photo_full
        print(f"  the per-photo cost during this full run, building included: "
              f"{full_cold['seconds']['features']:.1f} s / {n_full} = {per_photo_full * 1000:.1f} ms; the lower "
              f"bound at that cost: {same_load:.0f} s, speed-up {same_load / measured:.1f}x")
        print(f"  warm cache: {full_warm['seconds']['features']:.2f} s on features (target: under 10 s)")

    if not args.skip_agreement:
        from tests.experiment_data import thumbnail_base

        features.base_model = thumbnail_base
        informative = ["--input-size", "71", "--weights", "none", "--limit", "30", "--epochs", "8"]
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
            cached = sweep(data, cache, *informative)
            uncached = sweep(data, cache, *informative, "--no-cache")
        gap, per_epoch = best_gap(cached, uncached)
        print("\n3. Agreement with an informative base (thumbnail features, 30 photos per class, 8 epochs)")
        for key in cached["histories"]:
            a = max(cached["histories"][key]["val_accuracy"])
            b = max(uncached["histories"][key]["val_accuracy"])
            print(f"  learning rate {key:>6s}: best val_accuracy cached {a:.3f}, --no-cache {b:.3f}")
        print(f"  best of the sweep: cached {cached['best_val_accuracy']:.3f} ({cached['best']}), --no-cache "
              f"{uncached['best_val_accuracy']:.3f} ({uncached['best']}): difference {gap:.3f} "
              f"(largest per-epoch difference {per_epoch:.3f}); seconds {cached['seconds']['features'] + cached['seconds']['training']:.1f} "
              f"against {uncached['seconds']['data'] + uncached['seconds']['training']:.1f}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
