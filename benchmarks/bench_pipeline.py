"""Input pipeline throughput: course.pipeline (tf.data) against the course's ImageDataGenerator.

    uv run python benchmarks/bench_pipeline.py [--data DIR] [--split train] [--rounds 3]

Both read the same files (the whole split, 150 x 150, batches of 32, no
shuffling) and produce the same thing: float32 batches scaled by Xception's
preprocess_input, with one-hot labels. The rounds alternate between the
readers, so a busy machine slows both alike; the medians are compared. Not run
by pytest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course import pipeline  # noqa: E402
from course.dataset import find_dataset, missing_dataset_message  # noqa: E402

SIZE = (150, 150)
TARGET = 3.0  # tf.data's images/s as a multiple of ImageDataGenerator's


def ours(images, threads=None):
    """Images read; `threads` caps tf.data's thread pool (None: as many as it likes)."""
    import tensorflow as tf

    dataset = pipeline.image_dataset(images, SIZE)
    if threads is not None:
        options = tf.data.Options()
        options.threading.private_threadpool_size = threads
        options.threading.max_intra_op_parallelism = 1
        dataset = dataset.with_options(options)
    count = 0
    for batch, _ in dataset:
        count += int(batch.shape[0])
    return count


def image_data_generator(split_dir):
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    generator = ImageDataGenerator(preprocessing_function=keras.applications.xception.preprocess_input)
    flow = generator.flow_from_directory(split_dir, target_size=SIZE, batch_size=32, shuffle=False)
    count = 0
    for index in range(len(flow)):
        images, _ = flow[index]
        count += len(images)
    return count


def timed(function, *args):
    """(images, wall seconds, CPU seconds of this process: all of tf.data's threads included)."""
    cpu, started = os.times(), time.perf_counter()
    count = function(*args)
    wall, after = time.perf_counter() - started, os.times()
    return count, wall, (after.user - cpu.user) + (after.system - cpu.system)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the dataset folder (default: find_dataset())")
    parser.add_argument("--split", default="train")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else find_dataset()
    if data is None:
        print(missing_dataset_message(), file=sys.stderr)
        return 1

    started = time.perf_counter()
    images = pipeline.check_dataset(data, (args.split,))[args.split]
    listed = time.perf_counter() - started
    started = time.perf_counter()
    planned = pipeline.plan_decoding(images, SIZE)
    headers = time.perf_counter() - started
    full_decode = replace(planned, plan=[0] * len(planned))  # no libjpeg scaling: every pixel decoded
    print(f"{len(images)} {args.split} photos; listing {listed:.2f} s, reading their headers {headers:.2f} s "
          f"(once per run); JPEG scales used: {sorted(set(planned.plan))}")

    ours(replace(planned, files=planned.files[:64], labels=planned.labels[:64], sizes=planned.sizes[:64],
                 plan=planned.plan[:64]))  # warm up TensorFlow and the page cache
    image_data_generator(data / args.split)

    names = ("tf.data (course.pipeline)", "tf.data on one thread", "tf.data, full-size decoding",
             "ImageDataGenerator")
    rates = {name: [] for name in names}
    per_cpu = {name: [] for name in names}
    for round_ in range(args.rounds):
        for name, run in (
            ("tf.data (course.pipeline)", lambda: timed(ours, planned)),
            ("ImageDataGenerator", lambda: timed(image_data_generator, data / args.split)),
            ("tf.data on one thread", lambda: timed(ours, planned, 1)),
            ("tf.data, full-size decoding", lambda: timed(ours, full_decode)),
        ):
            count, seconds, cpu = run()
            rates[name].append(count / seconds)
            per_cpu[name].append(count / cpu)
            print(f"  round {round_ + 1}: {name:30s} {count} images in {seconds:6.2f} s = {count / seconds:7.1f} "
                  f"images/s ({count / cpu:6.0f} per CPU-second, {cpu / seconds:.1f} cores busy)", flush=True)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    cpu_medians = {name: statistics.median(values) for name, values in per_cpu.items()}
    baseline, cpu_baseline = medians["ImageDataGenerator"], cpu_medians["ImageDataGenerator"]
    print("\nmedians: images/s (ratio to ImageDataGenerator); images per CPU-second (ratio)")
    for name in names:
        print(f"  {name:30s} {medians[name]:7.1f} ({medians[name] / baseline:.1f}x);  "
              f"{cpu_medians[name]:6.0f} ({cpu_medians[name] / cpu_baseline:.1f}x)")
    ours_name = "tf.data (course.pipeline)"
    round_ratios = [a / b for a, b in zip(rates[ours_name], rates["ImageDataGenerator"])]
    ratio = statistics.median(round_ratios)
    per_thread = medians["tf.data on one thread"] / baseline
    cores = os.cpu_count()
    print(f"\ntarget: tf.data at least {TARGET:.0f}x ImageDataGenerator's images/s: "
          f"{'met' if ratio >= TARGET else 'NOT met'} ({ratio:.1f}x, the median of the rounds' ratios "
          f"{', '.join(f'{r:.1f}' for r in round_ratios)})")
    print(f"ceiling: ImageDataGenerator uses one core; one thread of tf.data reads {per_thread:.1f}x as fast, "
          f"so {cores} cores allow at most about {cores} x {per_thread:.1f} = {cores * per_thread:.1f}x")
    print(f"cores: {cores}, load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
