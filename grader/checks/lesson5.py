"""Checks for lesson 8.5: the datasets and the transfer-learning model.

The datasets are read from a tree of solid-colour images written here (the
`colour_dataset` fixture), so that the class of every image, and each image
itself, can be recognised in any batch, whatever scaling the learner applied.
The learner's datasets stay in the worker, which reads them pass after pass as
`model.fit` does (the `lesson5.*` recipes) and sends the batches as arrays.

The model is built in the worker on a tiny seeded base passed as `base_model=`
(never the real Xception); there `keras.applications.Xception` is replaced by a
recorder that returns such a tiny base, so base_model=None can be checked without
a download. The model comes back as a .keras file. With the reference's weights
copied in, the learner's model must compute what the reference computes: the
checks judge behaviour, not how the code is spelled.
"""

import numpy as np
import pytest

from grader.checks import model_helpers as H
from grader.expect import describe, fail
from grader.messages import lesson5 as M

TARGET_SIZE = (12, 20)  # (height, width): not square, so a swap shows
BATCH_SIZE = 5
TRAIN_PASSES = 3
TOLERANCE = 4 / 127.5  # JPEG may move a solid colour by a level or two

MODEL_CONFIG = {"input_size": 16, "learning_rate": 0.0123, "num_classes": 3}


# ----------------------------------------------------------------- the datasets


@pytest.fixture(scope="session")
def made(colour_dataset):
    """What the learner's make_datasets gave, once per session (errors are not kept)."""
    return {}


def dataset_arguments(colour_dataset):
    return {"root": str(colour_dataset.root), "target_size": TARGET_SIZE, "batch_size": BATCH_SIZE}


def datasets(student, colour_dataset, made):
    """The learner's make_datasets on the colour dataset gave a (train, validation) pair (its
    datasets stay in the worker, which reads them for the judge)."""
    __tracebackhide__ = True
    if "pair" not in made:
        result = student.ask("lesson5.made", naming="make_datasets", **dataset_arguments(colour_dataset))
        if not result["pair"]:
            fail(M.NOT_A_PAIR, got=describe(result.get("got")))
        made["pair"] = True


def read_pass(student, split, colour_dataset):
    """The (images, labels) NumPy batches of the next pass over the learner's `split` data."""
    __tracebackhide__ = True
    count = colour_dataset.count(split)
    limit = count + 10
    read = student.ask("lesson5.one_pass", naming="make_datasets", split=split, limit=limit,
                       **dataset_arguments(colour_dataset))
    if read.get("never_ends"):
        fail(M.NEVER_ENDS, split=split, limit=limit, count=count)
    pairs = []
    for batch in read["batches"]:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            fail(M.BATCH_NOT_PAIR, split=split, got=describe(batch))
        pairs.append((np.asarray(batch[0]), np.asarray(batch[1])))
    return pairs


def passes(student, colour_dataset, made, split, number):
    """The first `number` passes over the learner's `split` data (read once, kept)."""
    __tracebackhide__ = True
    datasets(student, colour_dataset, made)
    kept = made.setdefault(split, [])
    while len(kept) < number:
        batches = read_pass(student, split, colour_dataset)
        if not batches:
            fail(M.EMPTY_PASS, split=split)
        kept.append(batches)
    return kept[:number]


def expect_image_batches(batches, split, colour_dataset):
    __tracebackhide__ = True
    h, w = TARGET_SIZE
    for images, _ in batches:
        if images.ndim != 4 or images.shape[-1] != 3:
            fail(M.IMAGES_NOT_BATCH, split=split, got=describe(images))
        got_h, got_w = images.shape[1:3]
        if (got_h, got_w) != (h, w):
            template = (M.TARGET_SWAPPED if (got_h, got_w) == (w, h)
                        else M.TARGET_IGNORED if (got_h, got_w) == (150, 150) else M.TARGET_WRONG)
            fail(template, target=TARGET_SIZE, h=h, w=w, got_h=got_h, got_w=got_w)
        if images.dtype != np.float32:
            fail(M.IMAGES_DTYPE, split=split, dtype=images.dtype)
    first = len(batches[0][0])
    expected_first = min(BATCH_SIZE, colour_dataset.count(split))
    if first != expected_first:
        fail(M.BATCH_SIZE_IGNORED, batch_size=BATCH_SIZE, split=split, got=first)
    total = sum(len(images) for images, _ in batches)
    if total != colour_dataset.count(split):
        fail(M.IMAGE_COUNT, split=split, got=total, expected=colour_dataset.count(split))


def check_datasets_batches(student, colour_dataset, made):
    """make_datasets gives float32 image batches of shape (batch, height, width, 3) at target_size and batch_size"""
    for split in ("train", "validation"):
        (batches,) = passes(student, colour_dataset, made, split, 1)
        expect_image_batches(batches, split, colour_dataset)


def mean_colours(images):
    return images.reshape(len(images), -1, 3).mean(axis=1)


def pattern_of(colour):
    """Which channels are bright: unchanged by any increasing rescaling of the pixels."""
    low, high = colour.min(), colour.max()
    return tuple(int(v > (low + high) / 2) for v in colour) if high > low else (0, 0, 0)


def expect_labels(batches, colour_dataset):
    __tracebackhide__ = True
    classes = colour_dataset.classes
    by_pattern = {colour_dataset.pattern_of(name): name for name in classes}
    for images, labels in batches:
        if labels.ndim == 1 or (labels.ndim == 2 and labels.shape[1] == 1):
            fail(M.INTEGER_LABELS, got=labels.shape, classes=len(classes))
        if labels.shape != (len(images), len(classes)):
            fail(M.LABELS_SHAPE, batch=len(images), classes=len(classes), got=labels.shape)
        for row in labels:
            if not (np.isin(row, (0, 1)).all() and row.sum() == 1):
                fail(M.NOT_ONE_HOT, row=row.tolist())
        for colour, row in zip(mean_colours(images), labels):
            name = by_pattern.get(pattern_of(colour))
            if name is None:
                continue  # the colours are wrong: the preprocessing check says so
            if int(row.argmax()) != classes.index(name):
                fail(M.LABEL_ORDER, name=name, got=int(row.argmax()), classes=classes,
                     expected=classes.index(name))


def check_datasets_labels(student, colour_dataset, made):
    """make_datasets labels the images one-hot, with the classes in sorted name order"""
    for split in ("validation", "train"):
        (batches,) = passes(student, colour_dataset, made, split, 1)
        expect_labels(batches, colour_dataset)


def check_datasets_preprocessed(student, colour_dataset, made):
    """make_datasets scales the images with Xception's preprocess_input (values in [-1, 1])"""
    for split in ("validation", "train"):
        (batches,) = passes(student, colour_dataset, made, split, 1)
        images = np.concatenate([images for images, _ in batches]).astype(np.float64)
        low, high = float(images.min()), float(images.max())
        if low >= 0 and high > 2:
            fail(M.NOT_PREPROCESSED, low=low, high=high)
        if low >= 0 and high <= 1:
            fail(M.RESCALED_01, low=low, high=high)
        sources = np.array([colour for _, colour in colour_dataset.colours[split]], dtype=np.float64)
        expected = sources / 127.5 - 1
        for image, colour in zip(images, mean_colours(images)):
            distances = np.abs(expected - colour).max(axis=1)
            nearest = int(distances.argmin())
            spread = float(np.abs(image - colour).max())
            if distances[nearest] > TOLERANCE or spread > TOLERANCE:
                fail(M.PREPROCESS_WRONG, colour=tuple(int(v) for v in sources[nearest]),
                     expected=tuple(round(float(v), 3) for v in expected[nearest]),
                     got=tuple(round(float(v), 3) for v in colour))


def order_of(batches):
    """The images of a pass, each named by its mean colour."""
    return [tuple(np.round(colour, 2)) for images, _ in batches for colour in mean_colours(images.astype(np.float64))]


def check_datasets_order(student, colour_dataset, made):
    """training batches come in a new order on each pass; validation in the same order every pass"""
    validation = passes(student, colour_dataset, made, "validation", 2)
    train = passes(student, colour_dataset, made, "train", TRAIN_PASSES)
    if order_of(validation[0]) != order_of(validation[1]):
        fail(M.VALIDATION_SHUFFLED)
    if all(order_of(batches) == order_of(train[0]) for batches in train[1:]):
        fail(M.TRAIN_NOT_SHUFFLED, passes=TRAIN_PASSES)


def check_datasets_fit(student, colour_dataset, made):
    """model.fit trains a model on the training data and validates it on the validation data"""
    datasets(student, colour_dataset, made)
    ran = student.ask("lesson5.fit", naming="make_datasets", classes=len(colour_dataset.classes),
                      **dataset_arguments(colour_dataset))
    if "fit_error" in ran:
        fail(M.FIT_FAILED, error=ran["fit_error"])
    reported = ran["history"].get("val_loss")
    if not reported:
        fail(M.FIT_FAILED, error="it did not report a validation loss (val_loss)")
    # The loss the trained model has on one pass of the validation data, worked out here: a
    # history that fit did not compute on that data does not match it.
    (batches,) = passes(student, colour_dataset, made, "validation", 1)
    images = np.concatenate([images for images, _ in batches]).astype("float32")
    labels = np.concatenate([labels for _, labels in batches]).astype("float32")
    evaluated = ran["model"].evaluate(images, labels, batch_size=len(images), verbose=0, return_dict=True)["loss"]
    if not H.close(reported[-1], evaluated, rtol=1e-3, atol=1e-4):
        fail(M.FIT_FAILED, error=f"its validation loss ({reported[-1]:.4f}) is not the loss of the "
             f"trained model on the validation data ({evaluated:.4f})")


# ----------------------------------------------------------------- the model


model_checks = H.ModelChecks(
    "build_transfer_model", MODEL_CONFIG,
    computation="the new top is global average pooling then a dense layer: with the same weights, the same outputs",
    frozen="the base is frozen: only the new dense layer's weights train",
)
bench = model_checks.bench
check_model_shapes = model_checks.shapes
check_model_computation = model_checks.computation
check_model_frozen = model_checks.frozen
check_model_optimizer = model_checks.optimizer
check_model_loss = model_checks.loss
check_model_accuracy = model_checks.accuracy
check_model_imagenet_base = model_checks.imagenet_base
