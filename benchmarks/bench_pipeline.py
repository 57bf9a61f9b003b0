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


def ours(images):
    count = 0
    for batch, _ in pipeline.image_dataset(images, SIZE):
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

    names = ("tf.data (course.pipeline)", "tf.data, full-size decoding", "ImageDataGenerator")
    rates = {name: [] for name in names}
    per_cpu = {name: [] for name in names}
    for round_ in range(args.rounds):
        for name, run in (
            ("tf.data (course.pipeline)", lambda: timed(ours, planned)),
            ("ImageDataGenerator", lambda: timed(image_data_generator, data / args.split)),
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
    print(f"cores: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
