"""Checks for lesson 8.9: dropout between the inner layer and the output.

Dropout is judged by what it does, measured: in inference mode nothing changes;
in training mode the share of values set to zero is the rate, and the kept ones
are scaled by 1 / (1 - rate). In the model, weights chosen here make the inner
layer output exactly 1 in every unit and the output layer copy one unit into one
logit next to two constant logits, so one training-mode batch shows where the
dropout acts (on the inner units, on the logits, or before the inner layer) and
at which rate.
"""

import math

import numpy as np

from grader.stand_ins import bases
from grader.checks import model_helpers as H
from grader.expect import fail
from grader.messages import lesson9 as M

RATE = 0.3  # neither the default 0.5 nor its complement 0.7
WIDTH = 20_000  # values per measurement: the share dropped is known to ±0.01
SAMPLES = 2_000  # images for the model's measurement
RATE_TOLERANCE = 0.05
PROBE_BIAS = (0.5, 1.0, 2.0)  # the output layer's bias in the dropout probe
MODEL_CONFIG = {"input_size": 16, "learning_rate": 0.0123, "size_inner": 5, "droprate": RATE, "num_classes": 3}


def expect_rate(where, dropped, kept_values):
    """The share `dropped` is RATE and the kept values are scaled by 1 / (1 - RATE)."""
    __tracebackhide__ = True
    if dropped == 0:
        fail(M.NO_DROPOUT, where=where)
    if abs(dropped - RATE) > RATE_TOLERANCE:
        if abs(dropped - 0.5) <= RATE_TOLERANCE:
            fail(M.DROPRATE_IGNORED, where=where, rate=RATE, got=dropped)
        if abs(dropped - (1 - RATE)) <= RATE_TOLERANCE:
            fail(M.DROPRATE_INVERTED, where=where, rate=RATE, got=dropped)
        fail(M.DROPRATE_WRONG, where=where, rate=RATE, got=dropped)
    scale = float(np.mean(kept_values))
    if not math.isclose(scale, 1 / (1 - RATE), rel_tol=1e-3):
        fail(M.DROPOUT_NOT_SCALED, where=where, expected=1 / (1 - RATE), got=scale)


def dropout_model(student):
    """add_dropout applied to a symbolic batch of WIDTH values, as a model."""
    __tracebackhide__ = True
    model = H.symbolic_model(student, "add_dropout", (WIDTH,), M.DROPOUT_RETURNS_LAYER, M.DROPOUT_NOT_TENSOR,
                             droprate=RATE)
    if tuple(model.output_shape) != (None, WIDTH):
        fail(M.DROPOUT_SHAPE, expected=(None, WIDTH), got=tuple(model.output_shape))
    return model


def check_dropout_tensor(student):
    """add_dropout returns a tensor of the same shape, which predictions (model(x), inference mode) leave unchanged"""
    model = dropout_model(student)
    x = np.random.default_rng(9).normal(size=(2, WIDTH)).astype("float32")
    for got in (model(x), model(x, training=False)):  # as a user predicts, and inference mode
        if not H.close(H.to_numpy(got), x):
            fail(M.DROPOUT_IN_INFERENCE, where="add_dropout")


def check_dropout_rate(student):
    """in training mode add_dropout zeroes a droprate share of the values and scales the rest by 1 / (1 - droprate)"""
    model = dropout_model(student)
    got = H.to_numpy(model(np.ones((1, WIDTH), "float32"), training=True)).ravel()
    zero = got == 0
    expect_rate("add_dropout", float(zero.mean()), got[~zero])


model_checks = H.ModelChecks(
    "build_model_with_dropout", MODEL_CONFIG, inner=True, dropout=True,
    computation="in inference mode (no dropout): pooling, inner ReLU layer, output, the same outputs with the same weights",
    frozen="the base is frozen: only the inner and output layers' weights train",
)
bench = model_checks.bench
check_model_shapes = model_checks.shapes
check_model_computation = model_checks.computation
check_model_frozen = model_checks.frozen


def probe_weights(bench):
    """Inner layer: every unit outputs exactly 1. Output layer: logit 0 is PROBE_BIAS[0] + inner
    unit 0; logits 1 and 2 are the constants PROBE_BIAS[1] and PROBE_BIAS[2]."""
    settings = bench.settings()
    features, size, classes = bases.BASE_CHANNELS, settings["size_inner"], settings["num_classes"]
    inner_kernel = np.zeros((features, size))
    output_kernel = np.zeros((size, classes))
    output_kernel[0, 0] = 1.0
    output_bias = np.array(PROBE_BIAS)
    return [v.astype("float32") for v in (inner_kernel, np.ones(size), output_kernel, output_bias)]


def as_logits(outputs, probabilities):
    return np.log(np.clip(outputs, 1e-30, None)) if probabilities else outputs


def check_model_dropout(bench):
    """in training mode, dropout at droprate acts on the inner layer's outputs, before the output layer"""
    built = bench.student()
    H.model_of(bench, built)
    ref = bench.reference()
    H.load_reference_weights(bench, built, ref, values=probe_weights(bench))
    images = bench.images(count=SAMPLES, seed=7)
    probabilities = H.is_probabilities(H.student_outputs(built, images[:8]))
    logits = as_logits(H.student_outputs(built, images, training=True), probabilities)
    constant = logits[:, 1] - logits[:, 2]
    if np.ptp(constant) > 1e-3:
        fail(M.DROPOUT_ON_LOGITS)
    extra = logits[:, 0] - logits[:, 2] - (PROBE_BIAS[0] - PROBE_BIAS[2])  # inner unit 0 after dropout: 0 or 1 / (1 - rate)
    dropped = np.abs(extra) < 1e-3
    if not dropped.any():
        if np.ptp(extra) > 1e-3:  # the inner units vary but are never zero: noise, not dropout
            fail(M.DROPRATE_WRONG, where=bench.function, rate=RATE, got=0.0)
        H.load_reference_weights(bench, built, ref)
        few = bench.images(count=64, seed=8)
        if not H.close(H.student_outputs(built, few, training=True), H.student_outputs(built, few, training=True)):
            fail(M.DROPOUT_BEFORE_INNER)
    expect_rate(bench.function, float(dropped.mean()), extra[~dropped])


check_model_optimizer = model_checks.optimizer
check_model_loss = model_checks.loss
check_model_accuracy = model_checks.accuracy
check_model_imagenet_base = model_checks.imagenet_base
