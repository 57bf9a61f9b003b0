"""What an experiment's runs train on: cached features of the frozen base, or the photos.

By default every split's photos go through the frozen base once and the
features are cached (`course/features.py`); the models are then built on a
stand-in base that feeds those features. With --no-cache the photos are checked
to decode, and the models are built on the real base and trained on them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from course import features as feature_cache
from course.dataset import CLONE_COMMAND, find_dataset, missing_dataset_message
from course.experiment_catalog import Experiment, ExperimentError, one_line
from course.pipeline import DatasetError, check_dataset, decode_all, image_dataset, plan_decoding


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


def dataset_folder(args) -> Path:
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
    local = pretrained.local_notop_weights()
    if local is not None:
        return ExperimentError(f"could not load Xception's ImageNet weights: {one_line(error)[:300]}")
    return ExperimentError(
        f"could not download Xception's ImageNet weights ({one_line(cause)[:160]}). "
        "Run again with --weights none (random weights: everything runs, but the accuracies mean little), "
        f"or put {pretrained.WEIGHTS_FILES[False]} at {pretrained.weights_path(False)}, "
        f"or point ${pretrained.WEIGHTS_ENV_VAR} (or --weights) at a copy of the weights without the top."
    )


def prepare(experiment: Experiment, args) -> Data:
    """Check the dataset, then features (cached) or photos (--no-cache) for every split."""
    import numpy as np

    from course import pretrained

    started = time.perf_counter()
    splits = ("train", "validation", "test") if experiment.needs_test else ("train", "validation")
    data_dir = dataset_folder(args)
    if experiment.needs_test and not (data_dir / "test").is_dir():
        raise DatasetError(
            f"{data_dir} has no test folder: the final model is evaluated on it. "
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
            split: image_dataset(images, size, shuffle=(split == "train"), seed=args.seed)
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
            feature_cache.pack(vectors), np.array(kept.labels), len(classes), shuffle=(split == "train"),
            seed=args.seed,
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


def _feature_dataset(packed, labels, num_classes: int, shuffle: bool, seed: int):
    """Batches of `(packed features, one-hot labels)`: the training split shuffled and in
    batches of 32 like the photo pipeline's, the others in one batch.

    The indices are shuffled and batched first, then each batch is gathered at
    once: the same batches as picking the rows one by one, without a step per row.
    Evaluating a split in one batch counts the same right answers and averages
    the same losses as in batches of 32 (Keras weights each batch's mean by its
    size), in one step instead of eleven per epoch.
    """
    import tensorflow as tf

    from course.pipeline import BATCH_SIZE

    vectors = tf.constant(packed)
    one_hot = tf.one_hot(labels, num_classes)
    dataset = tf.data.Dataset.range(len(packed))
    if shuffle:
        dataset = dataset.shuffle(len(packed), seed=seed, reshuffle_each_iteration=True)
    batch_size = BATCH_SIZE if shuffle else max(len(packed), 1)
    dataset = dataset.batch(batch_size).map(lambda i: (tf.gather(vectors, i), tf.gather(one_hot, i)))
    return dataset.prefetch(tf.data.AUTOTUNE)
