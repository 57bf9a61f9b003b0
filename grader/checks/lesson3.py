"""Checks for lesson 8.3: loading Xception with its ImageNet top, making a batch, reading predictions.

The grading machine cannot download the ImageNet weights, so `load_pretrained_model`
is called in the worker (the `lesson3.load` recipe) with Xception replaced, for the
length of the call, by a stand-in that records what it was asked for and builds a
small model with a 1000-way softmax top, wherever the learner's code can find it
(`keras.applications`, which `course.pretrained.xception` and `tf.keras.applications`
both use, and any name the learner imported). One check builds the real Xception
with `weights=None`, which needs no download. The model comes back as a .keras
file; the checks judge it and the recorded calls.

TensorFlow is imported inside the checks only: the learner's file imports it
anyway, and a file that does not import does not pay for it.
"""

import numpy as np

from grader.expect import describe, fail, first_difference
from grader.messages import lesson3 as M

XCEPTION_INPUT = (299, 299, 3)
IMAGENET_CLASSES = 1000
XCEPTION_PARAMETERS = 22_910_480  # with its top, whatever the input size (tests/test_claims_model_lessons.py)


# --------------------------------------------------------------- load_pretrained_model


def effective_input_shape(call):
    """The input shape Xception builds for a call (as the stand-in recorded it)."""
    if call.get("input_tensor") is not None:
        return tuple(call["input_tensor"])
    if call.get("input_shape") is not None:
        return tuple(call["input_shape"])
    return XCEPTION_INPUT if call["include_top"] else (None, None, 3)


def load(student, kwargs, stand_in=True):
    """The learner's load_pretrained_model(**kwargs), run in the worker (with Xception's
    stand-in, or for real): the model, loaded here, and the stand-in's calls."""
    __tracebackhide__ = True
    made = student.ask("lesson3.load", naming="load_pretrained_model", kwargs=kwargs, stand_in=stand_in)
    return made["model"], made["calls"]


def shown_call(kwargs):
    return ", ".join(f"{name}={value!r}" for name, value in kwargs.items())


def judge_load(got, calls, kwargs, shape, weights, top=True):
    """The learner's load_pretrained_model(**kwargs) asked for what the reference asks for
    (the ImageNet top too, unless `top` is False: then another check's subject)."""
    __tracebackhide__ = True
    call = shown_call(kwargs)
    if not calls:
        fail(M.NO_XCEPTION, call=call)
    arguments = next((a for a in calls if a["returned"]), calls[-1])
    if top and not arguments["include_top"]:
        fail(M.NO_TOP)
    if arguments["weights"] != weights:
        fail(M.WEIGHTS_WRONG, call=call, got=arguments["weights"], expected=weights)
    asked = effective_input_shape(arguments)
    if asked != shape:
        fail(M.INPUT_SHAPE_WRONG, call=call, got=asked, expected=shape)
    if top and arguments["classes"] != IMAGENET_CLASSES:
        fail(M.CLASSES_WRONG, got=arguments["classes"])
    if top and arguments["classifier_activation"] != "softmax":
        fail(M.NOT_SOFTMAX, got=arguments["classifier_activation"])
    judge_model(got, call, shape, top)


def judge_model(got, call, shape, top=True):
    __tracebackhide__ = True
    import keras

    if not isinstance(got, keras.Model):
        fail(M.NOT_MODEL, call=call, got=describe(got))
    if top and tuple(got.output_shape) != (None, IMAGENET_CLASSES):
        fail(M.OUTPUT_SHAPE, call=call, got=tuple(got.output_shape), expected=(None, IMAGENET_CLASSES))
    if tuple(got.input_shape) != (None, *shape):
        fail(M.INPUT_SHAPE_OF_MODEL, call=call, got=tuple(got.input_shape), expected=(None, *shape))


def check_load_imagenet_top(student):
    """load_pretrained_model() asks for Xception with its ImageNet top: weights="imagenet", include_top=True, 299×299×3"""
    got, calls = load(student, {})
    judge_load(got, calls, {}, XCEPTION_INPUT, "imagenet")


def check_load_passes_arguments(student):
    """load_pretrained_model passes input_shape and weights on: input_shape=(150, 150, 3), weights=None"""
    kwargs = {"input_shape": (150, 150, 3), "weights": None}
    got, calls = load(student, kwargs)
    judge_load(got, calls, kwargs, (150, 150, 3), None, top=False)  # the top: the check above


def check_load_real_model(student):
    """load_pretrained_model(input_shape=(71, 71, 3), weights=None) builds the real Xception with 1000 outputs"""
    kwargs = {"input_shape": (71, 71, 3), "weights": None}
    got, _ = load(student, kwargs, stand_in=False)
    judge_model(got, shown_call(kwargs), (71, 71, 3))
    if got.count_params() != XCEPTION_PARAMETERS:
        fail(M.NOT_XCEPTION_SIZE, call=shown_call(kwargs), got=got.count_params(), expected=XCEPTION_PARAMETERS)


# --------------------------------------------------------------- prepare_batch


def pixel_images(n=4, height=5, width=7, dtype=np.uint8, seed=83):
    """`n` images (height × width, not square) with every channel's extremes present."""
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        pixels = rng.integers(0, 256, size=(n, height, width, 3))
    else:
        pixels = rng.uniform(0, 255, size=(n, height, width, 3))
    pixels[0, 0, 0] = (0, 255, 127.5 if not np.issubdtype(dtype, np.integer) else 128)
    pixels[-1, -1, -1] = (255, 0, 64)
    return [image.astype(dtype) for image in pixels]


def judge_batch(got, images, inputs):
    """`got` is Xception's preprocessing of `images`, as one float32 (N, H, W, 3) array."""
    __tracebackhide__ = True
    raw = np.stack([np.array(image, dtype=float) for image in images])
    if not isinstance(got, np.ndarray):
        fail(M.BATCH_NOT_ARRAY, got=describe(got))
    if got.shape != raw.shape:
        fail(M.BATCH_SHAPE, n=len(raw), image_shape=raw.shape[1:], expected=raw.shape, got=got.shape)
    values = got.astype(float)
    if np.allclose(values, raw):
        fail(M.NOT_SCALED)
    if np.allclose(values, raw / 255):
        fail(M.SCALED_0_1)
    expected = raw / 127.5 - 1  # what keras.applications.xception.preprocess_input computes
    mismatch = first_difference(values, expected, rtol=1e-6, atol=1e-6)
    if mismatch is not None:
        index, value, want = mismatch
        fail(M.WRONG_SCALING, pixel=raw[index], index=index, got=value, expected=want)
    if got.dtype != np.float32:
        fail(M.NOT_FLOAT32, inputs=inputs, dtype=got.dtype)


def check_prepare_uint8(student, reference, tmp_path):
    """prepare_batch turns a list of uint8 images into one float32 (N, H, W, 3) batch scaled to [-1, 1]"""
    images = pixel_images()
    got = student.prepare_batch([image.copy() for image in images])
    judge_batch(got, images, "a list of uint8 images")


def check_prepare_float(student, reference, tmp_path):
    """prepare_batch takes float images (values 0 to 255) too and still returns float32"""
    images = pixel_images(n=3, height=6, width=4, dtype=np.float64, seed=85)
    got = student.prepare_batch([image.copy() for image in images])
    judge_batch(got, images, "a list of float64 images")


def check_prepare_inputs_unchanged(student, reference, tmp_path):
    """prepare_batch leaves the caller's images unchanged (float64 and float32 images, a list or one 4-D array)"""
    cases = {
        "a list of float64 images": pixel_images(n=2, dtype=np.float64, seed=1),
        "one float32 array of shape (N, H, W, 3)": np.stack(pixel_images(n=3, dtype=np.float32, seed=2)),
        "one float64 array of shape (N, H, W, 3)": np.stack(pixel_images(n=2, dtype=np.float64, seed=3)),
    }
    for inputs, images in cases.items():
        before = [np.array(image, copy=True) for image in images]
        student.prepare_batch(images)  # what it returns is the other prepare_batch checks' subject
        if any(not np.array_equal(image, kept) for image, kept in zip(images, before)):
            fail(M.CHANGED_INPUT, inputs=inputs)


# --------------------------------------------------------------- top_k_predictions

CLASS_NAMES = ["dress", "hat", "longsleeve", "outwear", "pants", "shirt", "shoes"]


def probabilities(rows, classes=len(CLASS_NAMES), dtype=np.float32, seed=83):
    """Rows of distinct probabilities summing to 1, each row in its own order."""
    return np.random.default_rng(seed).dirichlet(np.ones(classes), size=rows).astype(dtype)


def judge_top_k(got, probs, names, k, reference):
    __tracebackhide__ = True
    expected = reference.top_k_predictions(probs, names, k)
    if not isinstance(got, list):
        fail(M.TOPK_NOT_LIST, got=describe(got))
    if got and isinstance(got[0], tuple):
        fail(M.TOPK_ONE_ROW, n=len(probs))
    if len(got) != len(expected):
        fail(M.TOPK_ONE_ROW if len(got) == 1 else M.TOPK_ROWS, n=len(probs), got=len(got))
    classes = probs.shape[1]
    for row, (pairs, want) in enumerate(zip(got, expected)):
        if not isinstance(pairs, list):
            fail(M.TOPK_NOT_LIST, got=f"row {row} as {describe(pairs)}")
        if len(pairs) != len(want):
            if k < classes and len(pairs) in (5, classes):
                fail(M.TOPK_K_IGNORED, k=k, got=len(pairs))
            fail(M.TOPK_LENGTH, k=k, classes=classes, expected=len(want), row=row, got=len(pairs))
        for pair in pairs:
            if not isinstance(pair, tuple) or len(pair) != 2:
                fail(M.TOPK_NOT_PAIRS, row=row, got=repr(pair))
            if isinstance(pair[0], (int, np.integer)):
                fail(M.TOPK_INDICES, got=pair[0])
            if not isinstance(pair[0], str):
                fail(M.TOPK_NAME_NOT_STR, row=row, got=repr(pair[0]))
        got_names = [name for name, _ in pairs]
        want_names = [name for name, _ in want]
        if got_names != want_names:
            if sorted(got_names) == sorted(want_names):
                template = M.TOPK_ASCENDING if got_names == want_names[::-1] else M.TOPK_ORDER
                fail(template, row=row, expected=want_names, got=got_names)
            least = {names[j] for j in np.argsort(probs[row], kind="stable")[:len(want)]}
            if set(got_names) == least:
                fail(M.TOPK_LEAST, row=row, expected=want_names, got=got_names)
            fail(M.TOPK_WRONG_CLASSES, row=row, k=len(want), expected=want_names, got=got_names)
        for (name, probability), (_, wanted) in zip(pairs, want):
            if isinstance(probability, bool) or not isinstance(probability, float):
                fail(M.TOPK_NOT_FLOAT, row=row, got=probability, kind=type(probability).__name__)
            if not np.isclose(probability, wanted, rtol=1e-7, atol=0):
                fail(M.TOPK_PROBABILITY, row=row, name=name, expected=wanted, got=probability)


def check_top_k_rows(student, reference, tmp_path):
    """top_k_predictions gives, for every row, the k most probable (class_name, probability) pairs, most probable first"""
    probs = probabilities(rows=3)
    before = probs.copy()
    got = student.top_k_predictions(probs, list(CLASS_NAMES), k=3)
    if not np.array_equal(probs, before):
        fail(M.TOPK_CHANGED_INPUT)
    judge_top_k(got, before, CLASS_NAMES, 3, reference)


def expect_top_k_lengths(got, probs, k):
    """Each row holds min(k, classes) pairs; which pairs, and in which order, is
    check_top_k_rows' subject."""
    __tracebackhide__ = True
    if not isinstance(got, list) or not got or not all(isinstance(pairs, list) for pairs in got):
        fail(M.TOPK_NOT_LIST, got=describe(got))
    classes = probs.shape[1]
    for row, pairs in enumerate(got):
        if len(pairs) != min(k, classes):
            if k < classes and len(pairs) in (5, classes):
                fail(M.TOPK_K_IGNORED, k=k, got=len(pairs))
            fail(M.TOPK_LENGTH, k=k, classes=classes, expected=min(k, classes), row=row, got=len(pairs))


def check_top_k_sizes(student, reference, tmp_path):
    """top_k_predictions respects k: k=1, the default k=5, and all classes when k is larger than their number"""
    probs = probabilities(rows=2, dtype=np.float64, seed=84)
    for k in (1, None, 10):
        if k is None:
            got = student.top_k_predictions(probs.copy(), list(CLASS_NAMES))
        else:
            got = student.top_k_predictions(probs.copy(), list(CLASS_NAMES), k=k)
        expect_top_k_lengths(got, probs, 5 if k is None else k)


def check_top_k_value_error(student, reference, tmp_path):
    """top_k_predictions raises ValueError when the number of class names is not the number of columns"""
    # The two most probable classes of each row are among the first three columns, so that
    # code without the length check returns a result instead of failing on a missing name.
    probs = np.array([[0.1, 0.5, 0.3, 0.1], [0.4, 0.1, 0.45, 0.05]], dtype=np.float32)
    for names in (CLASS_NAMES[:3], CLASS_NAMES[:5]):
        try:
            got = student.top_k_predictions(probs.copy(), list(names), k=2)
        except ValueError:
            continue
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's code may raise anything
            detail = " ".join(str(error).split())[:200] or "no message"
            fail(M.WRONG_ERROR, names=len(names), columns=probs.shape[1], error=type(error).__name__,
                 detail=detail)
        fail(M.NO_VALUE_ERROR, names=len(names), columns=probs.shape[1], got=describe(got))
