"""Checks for lesson 8.8: an inner dense layer between the pooling and the output.

`add_inner_layer` is applied, in the worker, to a symbolic input; the model from that
input to its output comes back as a .keras file and is given weights here. The
model is built on a tiny seeded base (see lesson 8.5's checks and
`model_helpers`); with the reference's weights copied in, its outputs tell
whether the inner layer has ReLU, its size, and whether it comes after the
pooling.
"""

import numpy as np

from grader.checks import model_helpers as H
from grader.expect import fail
from grader.messages import lesson8 as M

FEATURES, SIZE = 6, 5
MODEL_CONFIG = {"input_size": 16, "learning_rate": 0.0123, "size_inner": SIZE, "num_classes": 3}


def inner_model(student):
    """add_inner_layer applied to a symbolic batch of vectors, as a model."""
    __tracebackhide__ = True
    return H.symbolic_model(student, "add_inner_layer", (FEATURES,), M.INNER_RETURNS_LAYER, M.INNER_NOT_TENSOR,
                            size_inner=SIZE)


def check_inner_layer_tensor(student):
    """add_inner_layer returns a tensor of shape (batch, size_inner)"""
    shape = tuple(inner_model(student).output_shape)
    if shape != (None, SIZE):
        if len(shape) == 2 and shape[1] == 100:
            fail(M.INNER_SIZE_IGNORED, where="add_inner_layer", size=SIZE, got=shape[1])
        fail(M.INNER_SHAPE, vectors=(None, FEATURES), size=SIZE, got=shape)


def check_inner_layer_relu(student):
    """add_inner_layer is a dense layer of ReLU units: relu(vectors @ kernel + bias)"""
    model = inner_model(student)
    weights = H.shapes(model.weights)
    units = weights[0][-1] if weights else SIZE  # how many is check_inner_layer_tensor's subject
    if weights != [(FEATURES, units), (units,)]:
        fail(M.INNER_WEIGHTS, got=weights, size=SIZE, features=FEATURES)
    rng = np.random.default_rng(88)
    kernel, bias = rng.normal(size=(FEATURES, units)), rng.normal(0, 0.5, size=units)
    model.set_weights([kernel.astype("float32"), bias.astype("float32")])
    x = rng.normal(size=(20, FEATURES)).astype("float32")
    result = H.to_numpy(model(x, training=False)).astype(np.float64)
    linear = x @ kernel + bias
    if H.close(result, H.relu(linear)):
        return
    for name, f in (("no activation", lambda z: z), ("sigmoid", H.sigmoid), ("tanh", np.tanh),
                    ("softmax", H.softmax)):
        if H.close(result, f(linear)):
            fail(M.INNER_NO_RELU, where="add_inner_layer", activation=name)
    fail(M.INNER_VALUES, got=np.round(result[0], 4).tolist(), expected=np.round(H.relu(linear[0]), 4).tolist())


model_checks = H.ModelChecks(
    "build_model_with_inner_layer", MODEL_CONFIG, inner=True,
    computation="pooling, then an inner dense layer of size_inner ReLU units, then the output: with the same weights, the same outputs",
    frozen="the base is frozen: only the inner and output layers' weights train",
)
bench = model_checks.bench
check_model_shapes = model_checks.shapes
check_model_computation = model_checks.computation
check_model_frozen = model_checks.frozen
check_model_optimizer = model_checks.optimizer
check_model_loss = model_checks.loss
check_model_accuracy = model_checks.accuracy
check_model_imagenet_base = model_checks.imagenet_base
