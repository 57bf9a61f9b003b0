"""Plain helpers for the checks of the model lessons (3, 5 to 9).

Nothing here imports TensorFlow or Keras at module level (only NumPy and the
messages): lessons 1 and 4 are graded from the same folder and must never load
TensorFlow. Every function that needs Keras imports it itself.

What is here:

- `judge_base`: the judge's own copy of the tiny seeded base (`grader.stand_ins.bases`) a
  learner's model was built on in the worker, recognised in that model by its numbers.
- counting and matching weights, NumPy versions of the layers, `softmax`.
- `ModelBench`: builds the learner's and the reference's model of a lesson on
  tiny bases, once per configuration, and compares what they compute.
- `ModelChecks`: the `bench` fixture and the checks every model lesson (8.5,
  8.8, 8.9) runs on it, for the lesson's checks file to bind to its names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest

from grader.stand_ins import bases
from grader.expect import describe, fail
from grader.messages import lesson5 as M
from grader.messages import lesson8 as M8

# ----------------------------------------------------------------- numbers


def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def relu(x):
    return np.maximum(x, 0.0)


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def close(a, b, rtol=2e-4, atol=2e-5) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def size_of(weights) -> int:
    return sum(int(np.prod(tuple(w.shape))) for w in weights)


def contains(weights, variable) -> bool:
    """Whether `variable` is one of `weights` (by identity: Keras variables compare element-wise)."""
    return any(w is variable for w in weights)


def holding_values_of(model, weights) -> list:
    """The variables of `model` that hold the numbers of one of `weights`: a seeded base inside
    a learner's model loaded from its .keras file (its numbers are in no other layer). Found
    once, when the model is loaded, before any check trains or changes it."""
    if not is_model(model):
        return []
    values = [(tuple(b.shape), to_numpy(b)) for b in weights]
    return [w for w in model.weights
            if any(tuple(w.shape) == shape and np.array_equal(to_numpy(w), value) for shape, value in values)]


def shapes(weights) -> list[tuple]:
    return [tuple(int(d) for d in w.shape) for w in weights]


def to_numpy(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


# ----------------------------------------------------------------- tiny bases


def base_features(base, images):
    """The base's output maps for `images`, in inference mode, as NumPy."""
    return to_numpy(base(images, training=False)).astype(np.float64)


# ----------------------------------------------------------------- models


def is_model(value) -> bool:
    import keras

    return isinstance(value, keras.Model)


def symbolic_model(student, function: str, shape: tuple, returns_layer: str, not_tensor: str, **kwargs):
    """The learner's `function(keras.Input(shape), **kwargs)`, run in the worker, as the model
    from that input to the tensor it returned; fails when it returned the layer or anything
    else."""
    __tracebackhide__ = True
    made = student.ask("models.symbolic", function=function, shape=tuple(shape), kwargs=kwargs)
    if made["kind"] == "layer":
        fail(returns_layer, got=made["type"])
    if made["kind"] != "tensor":
        fail(not_tensor, got=describe(made.get("value")))
    return made["model"]


def head_weights(built):
    """The model's weights that are not the base's, in the model's order."""
    return [w for w in built.model.weights if not contains(built.base_weights, w)]


def match_by_shape(source_shapes, target_shapes):
    """For each target shape, the index of a source of the same shape, taken in order;
    None when the shapes cannot be paired one to one."""
    if sorted(source_shapes) != sorted(target_shapes):
        return None
    used = [False] * len(source_shapes)
    pairing = []
    for shape in target_shapes:
        index = next(i for i, s in enumerate(source_shapes) if s == shape and not used[i])
        used[index] = True
        pairing.append(index)
    return pairing


def cross_entropy(labels, outputs, from_logits):
    """Keras's categorical cross-entropy, averaged over the batch (as `evaluate` reports it)."""
    import keras

    return float(np.mean(to_numpy(keras.losses.categorical_crossentropy(
        labels.astype("float32"), np.asarray(outputs, dtype="float32"), from_logits=from_logits))))


def judge_base(base: str, settings: dict, calls: list):
    """The judge's own copy of the base the learner's model was built on: the base it was
    given, or the Xception stand-in's model its last call made (the same weights, built
    again here); None when there is none."""
    if base != "none":
        size = settings["input_size"] if base == "fixed" else None
        return bases.tiny_base((size, size, 3), seed=bases.GIVEN_SEED)
    return bases.FakeXception(seed=bases.XCEPTION_SEED).rebuild(calls[-1]) if calls else None


@dataclass
class Built:
    """One built model with what the check needs to know about its making."""

    model: object
    base: object  # (the judge's copy of) the base_model it was given, or the stand-in Xception it made
    xception_calls: list = field(default_factory=list)
    base_weights: list = field(init=False)  # the model's own variables that are the base's
    uses_base: bool = field(init=False)  # the model holds the base's first weight (its first kernel)

    def __post_init__(self):
        weights = self.base.weights if self.base is not None else []
        self.base_weights = holding_values_of(self.model, weights)
        self.uses_base = bool(holding_values_of(self.model, weights[:1]))


class ModelBench:
    """Builds the learner's and the reference's model of one lesson on tiny bases.

    `function` is the builder's name (e.g. "build_transfer_model"); `config` the
    keyword arguments of the standard configuration (without base_model). A
    configuration is built once per session: `student(**changes)` calls the
    learner's function (the first thing a check does, so that a stub is reported
    as not started), `reference(**changes)` the reference's. Exceptions are never
    cached, so every check that asks sees the learner's error itself.
    """

    def __init__(self, student, reference, function, config, *, inner=False, dropout=False):
        self.student_module, self.reference_module = student, reference
        self.function, self.config = function, dict(config)
        self.inner, self.dropout = inner, dropout  # the top has an inner layer / dropout
        self._cache: dict = {}

    def _key(self, who, changes):
        return who, tuple(sorted(changes.items()))

    def settings(self, **changes):
        return {**self.config, **changes}

    def _build(self, who, changes, base="fixed"):
        key = self._key(who, {**changes, "base": base})
        if key in self._cache:
            return self._cache[key]
        settings = self.settings(**changes)
        if who == "reference":  # the trusted reference, here, on the judge's own copy of the base
            given = bases.tiny_base((settings["input_size"],) * 2 + (3,), seed=bases.GIVEN_SEED)
            built = Built(getattr(self.reference_module, self.function)(**settings, base_model=given), given)
        else:  # the learner's builder, in the worker, on the same base built there
            made = self.student_module.ask("models.build", function=self.function, settings=settings, base=base)
            built = Built(made["model"], judge_base(base, settings, made["calls"]), made["calls"])
        self._cache[key] = built
        return built

    def student(self, **changes) -> Built:
        return self._build("student", changes)

    def student_flexible(self, **changes) -> Built:
        """Built on a base that takes images of any size (to see which size the model asks for)."""
        return self._build("student", changes, base="flexible")

    def student_without_base(self, **changes) -> Built:
        return self._build("student", changes, base="none")

    def reference(self, **changes) -> Built:
        return self._build("reference", changes)

    def images(self, count=8, seed=5):
        """Tiny images with a different overall colour each, so pooled features vary."""
        size = self.config["input_size"]
        rng = np.random.default_rng(seed)
        offsets = rng.uniform(-1, 1, size=(count, 1, 1, 3))
        return (offsets + 0.4 * rng.normal(size=(count, size, size, 3))).astype("float32")

    def labels(self, count=8, seed=6):
        import keras

        classes = self.config["num_classes"]
        rng = np.random.default_rng(seed)
        return keras.utils.to_categorical(rng.integers(0, classes, size=count), classes).astype("float32")


def seeded_head(shapes_, seed=11):
    """Weights for the new layers: kernels spread enough that ReLU cuts some units."""
    rng = np.random.default_rng(seed)
    values = []
    for shape in shapes_:
        if len(shape) == 1:
            values.append(rng.normal(0.0, 0.5, shape))
        else:
            values.append(rng.normal(0.0, 1.5 / math.sqrt(shape[0]), shape))
    return [v.astype("float32") for v in values]


# ----------------------------------------------------------------- what the checks expect of a model
#
# The model lessons share one model: a frozen base, global average pooling, for
# lessons 8.8 and 8.9 an inner dense ReLU layer (8.9: then dropout), and a dense
# output of logits. Each `expect_*` below is the body of one check; it calls the
# learner's builder first (through the bench), then fails with the template that
# names the first difference from the reference.


def one_line(error, limit=300):
    text = " ".join(str(error).split()) or type(error).__name__
    text = f"{type(error).__name__}: {text}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layers_description(bench):
    settings = bench.settings()
    parts = ["global average pooling"]
    if bench.inner:
        parts.append(f"a dense layer of {settings['size_inner']} ReLU units")
    if bench.dropout:
        parts.append(f"dropout at {settings['droprate']:g}")
    parts.append(f"a dense output layer of {settings['num_classes']} logits")
    return ", ".join(parts)


def model_of(bench, built):
    __tracebackhide__ = True
    if not is_model(built.model):
        fail(M.NOT_A_MODEL, function=bench.function, got=describe(built.model))
    return built.model


def expect_model_shapes(bench):
    """The model uses the base it was given, takes (size, size, 3) images, gives num_classes outputs."""
    __tracebackhide__ = True
    settings = bench.settings()
    try:
        built = bench.student()
    except Exception as error:
        if isinstance(error, NotImplementedError):
            raise
        flexible = None
        try:
            flexible = bench.student_flexible()
        except Exception:
            pass
        size = settings["input_size"]
        if flexible is not None and is_model(flexible.model) and flexible.model.input_shape != (None, size, size, 3):
            got = flexible.model.input_shape  # the size the model asks for, whatever the base
            template = M.INPUT_SIZE_IGNORED if got == (None, 150, 150, 3) else M.INPUT_SHAPE_WRONG
            fail(template, function=bench.function, size=size, got=got)
        raise
    model = model_of(bench, built)
    if built.xception_calls:
        fail(M.BASE_MODEL_IGNORED, function=bench.function)
    if not built.uses_base:
        fail(M.BASE_NOT_USED, function=bench.function)
    size, classes = settings["input_size"], settings["num_classes"]
    got_input = model.input_shape
    if isinstance(got_input, list) or tuple(got_input) != (None, size, size, 3):
        template = M.INPUT_SIZE_IGNORED if tuple(got_input) == (None, 150, 150, 3) else M.INPUT_SHAPE_WRONG
        fail(template, function=bench.function, size=size, got=got_input)
    got = model.output_shape
    if isinstance(got, list) or tuple(got) != (None, classes):
        if isinstance(got, tuple) and len(got) == 4:
            fail(M.OUTPUT_NOT_POOLED, got=got)
        if isinstance(got, tuple) and got == (None, 10):
            fail(M.NUM_CLASSES_IGNORED, function=bench.function, classes=classes, got=got)
        fail(M.OUTPUT_SHAPE_WRONG, classes=classes, got=got)


def diagnose_head_shapes(bench, built, got, expected):
    __tracebackhide__ = True
    h, w, c = (int(d) for d in built.base.output_shape[1:])
    kernels = [s for s in got if len(s) == 2]
    if any(s[0] == h * w * c for s in kernels):
        fail(M.FLATTEN, got=h * w * c, h=h, w=w, c=c)
    if bench.inner:
        size = bench.settings()["size_inner"]
        for kernel in kernels:
            if kernel[0] == c and kernel[1] != size and kernel[1] != bench.settings()["num_classes"]:
                fail(M8.INNER_SIZE_IGNORED, where=bench.function, size=size, got=kernel[1])
        if len(kernels) < 2:
            fail(M8.INNER_MISSING, size=size)
    fail(M.HEAD_SHAPES, got=got, expected=expected, layers=layers_description(bench))


def load_reference_weights(bench, built, ref, values=None):
    """Give the reference's new layers seeded weights (or `values`) and the learner's model
    the same ones, paired by shape in order. Returns the values in the reference's order."""
    __tracebackhide__ = True
    ref_head = head_weights(ref)
    student_head = head_weights(built)
    expected, got = shapes(ref_head), shapes(student_head)
    pairing = match_by_shape(expected, got)
    if pairing is None:
        diagnose_head_shapes(bench, built, got, expected)
    values = seeded_head(expected) if values is None else values
    for weight, value in zip(ref_head, values):
        weight.assign(value)
    for weight, index in zip(student_head, pairing):
        weight.assign(values[index])
    return values


def head_variants(features, values, inner):
    """(what differs, outputs before any output activation) for ways of building the top."""
    pools = {"avg": lambda t: t.mean(axis=(1, 2)), "max": lambda t: t.max(axis=(1, 2))}
    if not inner:
        kernel, bias = values
        for pool, apply in pools.items():
            yield {"pool": pool}, apply(features) @ kernel + bias
        return
    k1, b1, k2, b2 = (np.asarray(v, dtype=np.float64) for v in values)
    activations = {"ReLU": relu, "no activation": lambda t: t, "sigmoid": sigmoid, "tanh": np.tanh}
    for pool, apply in pools.items():
        for name, f in activations.items():
            yield {"pool": pool, "inner": name, "position": "after"}, f(apply(features) @ k1 + b1) @ k2 + b2
            yield {"pool": pool, "inner": name, "position": "before"}, apply(f(features @ k1 + b1)) @ k2 + b2


OUTPUT_ACTIVATIONS = {"none": lambda z: z, "softmax": softmax, "ReLU": relu, "sigmoid": sigmoid}


def identify_top(features, values, inner, outputs):
    """The (top, output activation) whose outputs are `outputs`, or None."""
    for top, z in head_variants(features, values, inner):
        for activation, f in OUTPUT_ACTIVATIONS.items():
            if close(outputs, f(z)):
                return top, activation
    return None


def is_probabilities(outputs):
    outputs = np.asarray(outputs, dtype=np.float64)
    return bool(outputs.min() >= 0 and np.allclose(outputs.sum(axis=-1), 1, atol=1e-4))


def student_outputs(built, images, training=False):
    """The model's outputs; `training=None` calls it as a user predicts, model(images)."""
    outputs = built.model(images) if training is None else built.model(images, training=training)
    return to_numpy(outputs).astype(np.float64)


def expect_same_computation(bench):
    """With the reference's weights, the learner's model computes the reference's outputs
    in inference mode (logits, or their softmax)."""
    __tracebackhide__ = True
    built = bench.student()
    model_of(bench, built)
    ref = bench.reference()
    values = load_reference_weights(bench, built, ref)
    images = bench.images()
    got = student_outputs(built, images, training=None)
    if bench.dropout:
        again, inference = student_outputs(built, images, training=None), student_outputs(built, images)
        if not (close(got, again) and close(got, inference)):
            from grader.messages import lesson9 as M9

            fail(M9.DROPOUT_IN_INFERENCE, where=bench.function)
    expected = to_numpy(ref.model(images, training=False)).astype(np.float64)
    if close(got, expected) or close(got, softmax(expected)):
        if not bench.dropout and not close(student_outputs(built, images, training=True),
                                           student_outputs(built, images, training=True)):
            fail(M.TRAINING_RANDOM)
        return
    features = base_features(built.base, images)
    found = identify_top(features, values, bench.inner, got)
    if found is not None:
        top, activation = found
        if top["pool"] != "avg":
            fail(M.POOLING_MAX)
        if top.get("position") == "before":
            fail(M8.INNER_BEFORE_POOLING)
        if top.get("inner", "ReLU") != "ReLU":
            fail(M8.INNER_NO_RELU, where=bench.function, activation=top["inner"])
        if activation not in ("none", "softmax"):
            fail(M.OUTPUT_ACTIVATION, activation=activation)
    fail(M.OUTPUTS_DIFFER, got=np.round(got[0], 4).tolist(), expected=np.round(expected[0], 4).tolist(),
         layers=layers_description(bench))


def expect_frozen(bench):
    """Only the new layers train: the base is frozen and no new layer is. Which new layers
    there are is the shapes and computation checks' subject."""
    __tracebackhide__ = True
    built = bench.student()
    model = model_of(bench, built)
    in_base = [w for w in model.trainable_weights if contains(built.base_weights, w)]
    if in_base:
        fail(M.BASE_TRAINABLE, count=size_of(in_base))
    new = [layer for layer in leaf_layers(model)
           if layer.weights and not contains(built.base_weights, layer.weights[0])]
    if not new:
        fail(M.NOTHING_NEW_TRAINS)
    frozen = [layer.name for layer in new if not layer.trainable]
    if frozen:
        fail(M.HEAD_FROZEN, layers=", ".join(frozen), count=size_of(model.trainable_weights))
    expect_short_fit_trains_the_head_only(bench, built)


def expect_short_fit_trains_the_head_only(bench, built):
    """What the flags say, seen in training: one step of `fit` moves the new layers' weights and
    leaves every number of the base as it was. A model that cannot be fitted (not compiled, a
    loss that breaks) is judged by its flags alone: fitting is the other checks' subject."""
    __tracebackhide__ = True
    model = built.model
    if getattr(model, "optimizer", None) is None:
        return
    base_before = [to_numpy(w).copy() for w in built.base_weights]
    head_before = [to_numpy(w).copy() for w in model.trainable_weights]
    try:
        model.fit(bench.images(), bench.labels(), batch_size=8, epochs=1, verbose=0)
    except Exception:  # noqa: BLE001 - the optimizer and loss checks name why
        return
    changed = [w for w, before in zip(built.base_weights, base_before) if not np.array_equal(to_numpy(w), before)]
    if changed:
        fail(M.BASE_TRAINABLE, count=size_of(changed))
    if all(np.array_equal(to_numpy(w), before) for w, before in zip(model.trainable_weights, head_before)):
        fail(M.HEAD_FROZEN, layers="all of them", count=size_of(model.trainable_weights))


def leaf_layers(layer):
    """The layers inside `layer` that hold no layers of their own (a nested model's too)."""
    inner = getattr(layer, "layers", None)
    if not inner:
        yield layer
        return
    for sub in inner:
        yield from leaf_layers(sub)


def compiled_optimizer(bench, model):
    __tracebackhide__ = True
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", True):
        fail(M.NOT_COMPILED)
    return optimizer


def expect_optimizer(bench):
    """Adam, at the learning rate asked for."""
    __tracebackhide__ = True
    built = bench.student()
    model = model_of(bench, built)
    optimizer = compiled_optimizer(bench, model)
    reference = bench.reference().model.optimizer
    if type(optimizer) is not type(reference):
        fail(M.OPTIMIZER, got=type(optimizer).__name__)
    expected = bench.settings()["learning_rate"]
    got = float(to_numpy(optimizer.learning_rate))
    if not math.isclose(got, expected, rel_tol=1e-5):
        ignored = any(math.isclose(got, default, rel_tol=1e-5) for default in (0.01, 0.001))
        fail(M.LEARNING_RATE_IGNORED if ignored else M.LEARNING_RATE_WRONG,
             function=bench.function, expected=expected, got=got)


def evaluation(bench):
    """The learner's model evaluated on one batch with the reference's weights:
    (evaluate's dict, the images, the labels, the model's outputs)."""
    __tracebackhide__ = True
    built = bench.student()
    model = model_of(bench, built)
    compiled_optimizer(bench, model)
    ref = bench.reference()
    load_reference_weights(bench, built, ref)
    images, labels = bench.images(), bench.labels()
    try:
        result = model.evaluate(images, labels, batch_size=len(images), verbose=0, return_dict=True)
    except Exception as error:  # a loss that does not fit one-hot labels, a broken metric
        fail(M.EVALUATE_FAILED, error=one_line(error))
    return result, images, labels, student_outputs(built, images)


def expect_loss(bench):
    """The loss of a batch is the reference's categorical cross-entropy, whether the model
    gives logits (from_logits=True) or probabilities (softmax, from_logits=False).

    The loss is computed twice: by evaluate (what fit minimises) and by the compiled loss
    applied to the model's predictions as numbers. Keras on TensorFlow quietly recovers the
    logits of a softmax output inside evaluate and fit, so softmax with from_logits=True
    only shows in the second: there the loss applies softmax a second time."""
    __tracebackhide__ = True
    result, images, labels, outputs = evaluation(bench)
    model = bench.student().model
    # The cross-entropy of the learner's own outputs: whether they are right is the computation
    # check's subject, not this one's.
    expected = cross_entropy(labels, outputs, from_logits=not is_probabilities(outputs))
    evaluated = float(result.get("loss", np.nan))
    try:
        on_predictions = float(to_numpy(model.compute_loss(
            x=images, y=labels, y_pred=outputs.astype("float32"), training=False)))
    except Exception as error:
        fail(M.EVALUATE_FAILED, error=one_line(error))
    wrong = [got for got in (evaluated, on_predictions) if not close(got, expected, rtol=1e-3, atol=1e-5)]
    if not wrong:
        return
    got = wrong[0]
    if is_probabilities(outputs) and close(got, cross_entropy(labels, outputs, True), rtol=1e-3, atol=1e-5):
        fail(M.SOFTMAX_WITH_FROM_LOGITS, got=got, expected=expected)
    if not is_probabilities(outputs) and close(got, cross_entropy(labels, outputs, False), rtol=1e-3, atol=1e-5):
        fail(M.LOGITS_WITHOUT_FROM_LOGITS, got=got, expected=expected)
    fail(M.LOSS_WRONG, got=got, expected=expected)


def expect_accuracy(bench):
    """evaluate (and so fit) reports `accuracy`: the share of images whose largest output is the label."""
    __tracebackhide__ = True
    result, _, labels, outputs = evaluation(bench)
    if "accuracy" not in result:
        fail(M.ACCURACY_MISSING, keys=", ".join(sorted(result)) or "nothing")
    expected = float(np.mean(outputs.argmax(axis=1) == labels.argmax(axis=1)))
    got = float(result["accuracy"])
    if not math.isclose(got, expected, abs_tol=1e-4):
        fail(M.ACCURACY_WRONG, got=got, expected=expected)


IMAGENET_SIZE = 20  # input_size when the builder must make Xception itself


def expect_xception_call(call, size):
    """Xception was asked for its ImageNet weights, without its top, for (size, size, 3) images
    (or images of any size)."""
    __tracebackhide__ = True
    if call["weights"] != "imagenet":
        fail(M.XCEPTION_WEIGHTS, got=call["weights"])
    if call["include_top"]:
        fail(M.XCEPTION_TOP, got=call["include_top"])
    shape = call["input_shape"]
    if shape is not None and tuple(shape) not in ((size, size, 3), (None, None, 3)):
        fail(M.XCEPTION_INPUT_SHAPE, size=size, got=shape)


def expect_imagenet_base(bench):
    """With base_model=None the builder makes ImageNet Xception without its top for
    (input_size, input_size, 3), freezes it and builds on it."""
    __tracebackhide__ = True
    size = IMAGENET_SIZE
    try:
        built = bench.student_without_base(input_size=size)
    except Exception as error:
        calls = (getattr(error, "data", None) or {}).get("context") or []  # the stand-in's calls before it broke
        if calls and not isinstance(error, NotImplementedError):
            expect_xception_call(calls[-1], size)  # a wrong Xception may be why it broke
        raise
    model = model_of(bench, built)
    if not built.xception_calls:
        fail(M.XCEPTION_NOT_CALLED, function=bench.function)
    expect_xception_call(built.xception_calls[-1], size)
    if not built.uses_base:
        fail(M.XCEPTION_NOT_USED, function=bench.function)
    if tuple(model.input_shape) != (None, size, size, 3):
        fail(M.INPUT_SIZE_IGNORED, function=bench.function, size=size, got=model.input_shape)
    in_base = [w for w in model.trainable_weights if contains(built.base_weights, w)]
    if in_base and base_frozen_when_given(bench):  # else the frozen check names it
        fail(M.BASE_TRAINABLE, count=size_of(in_base))


def base_frozen_when_given(bench):
    """Whether the model built on a given base_model freezes that base (False when it cannot be built)."""
    try:
        given = bench.student()
    except Exception:  # the learner's builder may raise anything: the other checks report it
        return False
    return not any(contains(given.base_weights, w) for w in getattr(given.model, "trainable_weights", []))


# ----------------------------------------------------------------- the checks every model lesson runs


def bench_check(expect, name, title):
    """A check named `name` whose body is `expect(bench)`; its docstring `title` is what the learner reads."""

    def check(bench):
        expect(bench)

    check.__name__ = check.__qualname__ = name
    check.__doc__ = title
    return check


class ModelChecks:
    """The `bench` fixture of a model lesson and the checks lessons 8.5, 8.8 and 8.9 all run on it.

    `function` and `config` are the builder and its standard configuration (see
    `ModelBench`, which also takes `options`: inner=, dropout=); `computation`
    and `frozen` are the titles of the two checks whose wording is the lesson's.
    The lesson's checks file binds each attribute to its own name (`bench`,
    `check_model_shapes`, ...) in the order the checks run, so every check keeps
    its name (and its hints) and a lesson can put checks of its own in between.
    """

    def __init__(self, function, config, *, computation, frozen, **options):
        @pytest.fixture(scope="session")
        def bench(keras, student, reference):
            return ModelBench(student, reference, function, config, **options)

        self.bench = bench
        self.shapes = bench_check(expect_model_shapes, "check_model_shapes", f"{function} builds on the base it is "
                                  "given: (input_size, input_size, 3) images in, num_classes outputs")
        self.computation = bench_check(expect_same_computation, "check_model_computation", computation)
        self.frozen = bench_check(expect_frozen, "check_model_frozen", frozen)
        self.optimizer = bench_check(expect_optimizer, "check_model_optimizer",
                                     "the model is compiled with Adam at the learning_rate given")
        self.loss = bench_check(expect_loss, "check_model_loss", "the loss is categorical cross-entropy on the "
                                "outputs (logits with from_logits=True, or softmax without)")
        self.accuracy = bench_check(expect_accuracy, "check_model_accuracy",
                                    "model.evaluate (and so model.fit) reports the accuracy")
        self.imagenet_base = bench_check(expect_imagenet_base, "check_model_imagenet_base", "with base_model=None "
                                         "the base is ImageNet Xception without its top, for (input_size, "
                                         "input_size, 3), frozen")
