"""Checks for lesson 8.6: a learning-rate experiment, the best rate, and its plot.

`train_for_learning_rates` is judged with a fake model factory: it records how
it was called and builds fake models whose `fit` records its arguments and
returns a history like Keras' (per-epoch lists, `val_` entries only with
validation data, distinct numbers for every model). That observes everything
the contract asks (a fresh model per rate, built by keyword, fitted once on
the right data for the right number of epochs, and the right history under
the right key) in a few milliseconds, without TensorFlow.

`best_learning_rate` gets histories built so that the best epoch, the last
epoch, the mean and the first epoch each point to a different rate, so a wrong
rule is named. `plot_scores` is drawn with matplotlib's Agg backend and its
figure read back: lines, labels, data, legend and axis labels.
"""

import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from grader.expect import describe, fail  # noqa: E402
from grader.messages import lesson6 as M  # noqa: E402

COURSE_RATES = [0.0001, 0.001, 0.01, 0.1]
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")

# ---------------------------------------------------------------- fakes for train_for_learning_rates


class FakeData:
    """Stands for a dataset: the function under test should only hand it to fit."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"the `{self.name}` argument"


class FakeHistory:
    """What Keras' fit returns: `.history` is the dict of per-epoch lists."""

    def __init__(self, history, model, epochs):
        self.history = history
        self.model = model
        self.epoch = list(range(epochs))
        self.params = {"epochs": epochs, "verbose": 0, "steps": 1}


class FakeModel:
    """A compiled model as far as train_for_learning_rates can tell: fit records its call."""

    def __init__(self, number):
        self.number = number
        self.fits = []
        self.history = None
        self.stop_training = False

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        run = max(int(epochs) - int(initial_epoch), 0)
        history = fake_history(self.number, len(self.fits), run, validation_data is not None)
        returned = FakeHistory(history, self, run)
        self.fits.append({"x": x, "y": y, "validation_data": validation_data, "epochs": run,
                          "returned": returned})
        self.history = returned  # Keras keeps the last History on the model too
        return returned

    def compile(self, *args, **kwargs):
        pass

    def summary(self, *args, **kwargs):
        print(f"fake model {self.number}")

    def count_params(self):
        return 20_490


def fake_history(model, fit, epochs, validation):
    """Per-epoch numbers that differ for every model and every fit."""
    base = 0.3 + 0.1 * model + 0.01 * fit
    history = {
        "loss": [round(2.0 - base - 0.05 * e, 4) for e in range(epochs)],
        "accuracy": [round(base + 0.02 * e, 4) for e in range(epochs)],
    }
    if validation:
        history["val_loss"] = [round(2.1 - base - 0.04 * e, 4) for e in range(epochs)]
        history["val_accuracy"] = [round(base - 0.05 + 0.015 * e, 4) for e in range(epochs)]
    return history


class Factory:
    """`make_model`: records every call and returns a new fake model each time."""

    def __init__(self):
        self.calls = []
        self.models = []

    def __call__(self, *args, **kwargs):
        model = FakeModel(len(self.models))
        self.calls.append((args, kwargs))
        self.models.append(model)
        return model


RATES = [0.05, 0.0005, 0.3]  # not the course's, and not sorted: "the rates given, in this order"
EPOCHS = 3


def run_training(student, **kwargs):
    factory, train, validation = Factory(), FakeData("train"), FakeData("validation")
    if not kwargs:
        kwargs = {"learning_rates": list(RATES), "epochs": EPOCHS}
    result = student.train_for_learning_rates(factory, train, validation, **kwargs)
    return factory, train, validation, result


def expect_one_model_per_rate(factory, rates):
    __tracebackhide__ = True
    for args, kwargs in factory.calls:
        if args and "learning_rate" not in kwargs:
            fail(M.POSITIONAL, rate=args[0])
    called = [kwargs.get("learning_rate") for _, kwargs in factory.calls]
    if len(called) < len(rates):
        fail(M.MODEL_REUSED, built=len(called), rates=len(rates))
    if called != list(rates):
        fail(M.WRONG_RATES, got=called, expected=list(rates))
    counts = [len(model.fits) for model in factory.models]
    for rate, model in zip(rates, factory.models):
        if not model.fits:
            fail(M.NOT_FITTED, rate=rate, counts=counts)
    for rate, model in zip(rates, factory.models):
        if len(model.fits) > 1:
            fail(M.FIT_TWICE, rate=rate, count=len(model.fits))


def check_one_fresh_model_per_rate(student):
    """train_for_learning_rates builds one new model per rate, with make_model(learning_rate=rate), in the order given, and fits each once"""
    factory, _, _, _ = run_training(student)
    expect_one_model_per_rate(factory, RATES)


def check_fit_arguments(student):
    """each model is fitted on train, with validation as validation_data, for `epochs` epochs"""
    factory, train, validation, _ = run_training(student)
    for model in factory.models[: len(RATES)]:
        if not model.fits:
            continue
        call = model.fits[0]
        if call["y"] is validation:
            fail(M.VALIDATION_AS_Y)
        if call["x"] is not train:
            fail(M.WRONG_TRAIN, got=call["x"] if isinstance(call["x"], FakeData) else describe(call["x"]))
        if call["validation_data"] is None:
            fail(M.NO_VALIDATION)
        if call["validation_data"] is not validation:
            shown = call["validation_data"]
            fail(M.WRONG_VALIDATION, got=shown if isinstance(shown, FakeData) else describe(shown))
        if call["epochs"] != EPOCHS:
            fail(M.WRONG_EPOCHS, expected=EPOCHS, got=call["epochs"])


def check_histories(student):
    """the result maps each rate to the history.history dict of that rate's fit"""
    factory, _, _, result = run_training(student)
    if not isinstance(result, dict):
        fail(M.NOT_A_DICT, got=describe(result))
    keys = list(result)
    if sorted(map(repr, keys)) != sorted(map(repr, RATES)):
        fail(M.WRONG_KEYS, expected=RATES, got=keys)
    histories = {id(model): model.fits[-1]["returned"].history for model in factory.models if model.fits}
    rate_of = {id(model): rate for rate, model in zip(RATES, factory.models)}
    for rate, model in zip(RATES, factory.models):
        value = result[rate]
        if not isinstance(value, dict):
            if hasattr(value, "history"):
                fail(M.HISTORY_OBJECT, rate=rate, got=type(value).__name__)
            fail(M.ONLY_PART, rate=rate, got=describe(value), keys=", ".join(METRICS))
        expected = histories.get(id(model))
        if value == expected:
            continue
        if expected is not None and set(value) < set(expected):
            fail(M.ONLY_PART, rate=rate, got=f"a dict with only {sorted(value)}", keys=", ".join(METRICS))
        owner = next((m for m, h in histories.items() if h == value), None)
        detail = f" (it is the history of the model of rate {rate_of[owner]})" if owner in rate_of else ""
        fail(M.WRONG_HISTORY, rate=rate, detail=detail)


def check_defaults(student):
    """by default it tries the course's rates 0.0001, 0.001, 0.01 and 0.1, for 10 epochs each"""
    factory, train, validation = Factory(), FakeData("train"), FakeData("validation")
    student.train_for_learning_rates(factory, train, validation)
    expect_one_model_per_rate(factory, COURSE_RATES)
    for model in factory.models:
        if model.fits and model.fits[0]["epochs"] != 10:
            fail(M.WRONG_EPOCHS, expected=10, got=model.fits[0]["epochs"])


# ---------------------------------------------------------------- best_learning_rate


def history(val_accuracy, accuracy=None):
    accuracy = accuracy if accuracy is not None else [v + 0.05 for v in val_accuracy]
    return {
        "loss": [1.0 - a for a in accuracy],
        "accuracy": list(accuracy),
        "val_loss": [1.2 - v for v in val_accuracy],
        "val_accuracy": list(val_accuracy),
    }


def call_best(student, scores, **kwargs):
    __tracebackhide__ = True
    got = student.best_learning_rate(scores, **kwargs)
    try:
        known = got in scores and not isinstance(got, (str, bool))
    except TypeError:
        known = False
    if not known:
        fail(M.BEST_NOT_KEY, got=got)
    return got


def winner(scores, rule, metric="val_accuracy"):
    return max(sorted(scores), key=lambda key: rule(scores[key][metric]))


def check_best_uses_best_epoch(student, reference):
    """best_learning_rate picks the rate whose best epoch is highest (not its last epoch, not its average)"""
    scores = {  # each rule points to another rate
        0.1: history([0.80, 0.80, 0.60]),  # the best average
        0.0001: history([0.86, 0.40, 0.40]),  # the best first epoch
        0.01: history([0.70, 0.72, 0.74]),  # the best last epoch
        0.001: history([0.50, 0.90, 0.55]),  # the best epoch: the answer
    }
    expected = reference.best_learning_rate(copy.deepcopy(scores))
    got = call_best(student, scores)
    if got == expected:
        return
    best = max(scores[expected]["val_accuracy"])
    if got == winner(scores, lambda values: values[-1]):
        fail(M.BEST_LAST_EPOCH, got=got, metric="val_accuracy", expected=expected, best=best)
    if got == winner(scores, lambda values: sum(values) / len(values)):
        fail(M.BEST_MEAN, got=got, metric="val_accuracy", expected=expected, best=best)
    fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_ties(student, reference):
    """on a tie the smaller rate wins, whatever the order of the keys"""
    cases = [
        {0.001: history([0.60, 0.80]), 0.01: history([0.80, 0.70]), 0.1: history([0.50, 0.60])},
        {0.1: history([0.50, 0.60]), 0.01: history([0.80, 0.70]), 0.001: history([0.60, 0.80])},
        {0.0001: history([0.3, 0.4]), 0.1: history([0.7, 0.7]), 0.001: history([0.5, 0.7])},
    ]
    for scores in cases:
        expected = reference.best_learning_rate(copy.deepcopy(scores))
        got = call_best(student, scores)
        if got == expected:
            continue
        value = max(scores[expected]["val_accuracy"])
        tied = sorted(key for key in scores if max(scores[key]["val_accuracy"]) == value)
        if got in tied:
            fail(M.TIE_LARGER, low=tied[0], high=got, metric="val_accuracy", value=value, got=got)
        fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_metric(student, reference):
    """best_learning_rate compares the metric it is given (val_accuracy by default)"""
    scores = {
        0.001: history([0.70, 0.78], accuracy=[0.80, 0.85]),  # best val_accuracy
        0.01: history([0.72, 0.74], accuracy=[0.90, 0.97]),  # best accuracy
        0.1: history([0.60, 0.62], accuracy=[0.75, 0.80]),
    }
    for metric, other in (("accuracy", "val_accuracy"), ("val_accuracy", "accuracy")):
        kwargs = {"metric": metric} if metric != "val_accuracy" else {}
        expected = reference.best_learning_rate(copy.deepcopy(scores), **kwargs)
        got = call_best(student, scores, **kwargs)
        if got != expected:
            if got == winner(scores, max, other):
                fail(M.IGNORES_METRIC, metric=metric, got=got, other=other, expected=expected)
            fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_any_keys(student, reference):
    """best_learning_rate works for other keys too: layer sizes 10, 100, 1000 and a dropout rate of 0.0"""
    cases = [
        {10: history([0.70, 0.71]), 100: history([0.74, 0.76]), 1000: history([0.75, 0.73])},
        {0.0: history([0.80, 0.84]), 0.2: history([0.81, 0.83]), 0.5: history([0.79, 0.80]),
         0.8: history([0.60, 0.65])},
        {0.001: history([0.42])},
    ]
    for scores in cases:
        expected = reference.best_learning_rate(copy.deepcopy(scores))
        got = call_best(student, scores)
        if got != expected or type(got) is not type(expected):
            fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_leaves_scores_unchanged(student):
    """best_learning_rate leaves the histories it compares unchanged"""
    scores = {0.01: history([0.7, 0.9, 0.6]), 0.001: history([0.8, 0.5, 0.85])}
    before = copy.deepcopy(scores)
    student.best_learning_rate(scores)
    for key in before:
        if key not in scores:
            fail(M.MUTATES, detail=f"the key {key} is gone")
        for metric, values in before[key].items():
            now = scores[key].get(metric) if isinstance(scores[key], dict) else None
            if now != values:
                fail(M.MUTATES, detail=f"{metric} of {key} was {values} and is now {now}")


def _short(scores):
    return "{" + ", ".join(f"{key!r}: val_accuracy {h['val_accuracy']}" for key, h in scores.items()) + "}"


# ---------------------------------------------------------------- plot_scores

PLOT_SCORES = {
    0.0001: history([0.55, 0.61, 0.66, 0.69]),
    0.001: history([0.74, 0.79, 0.81, 0.80]),
    0.1: history([0.68, 0.64, 0.70, 0.62]),
}
SIZE_SCORES = {
    10: history([0.60, 0.70, 0.71], accuracy=[0.62, 0.77, 0.81]),
    100: history([0.72, 0.78, 0.77], accuracy=[0.80, 0.88, 0.93]),
    1000: history([0.73, 0.74, 0.76], accuracy=[0.85, 0.95, 0.99]),
}
DROPOUT_SCORES = {0.0: history([0.80, 0.82]), 0.5: history([0.79, 0.84])}


class _Shows:
    """Counts plt.show() calls while a plot is drawn."""

    def __enter__(self):
        self.count, self.original = 0, plt.show

        def show(*args, **kwargs):
            self.count += 1

        plt.show = show
        return self

    def __exit__(self, *exc):
        plt.show = self.original


def draw(student, scores, **kwargs):
    __tracebackhide__ = True
    with _Shows() as shows:
        figure = student.plot_scores(copy.deepcopy(scores), **kwargs)
    if figure is None:
        fail(M.PLOT_NONE)
    if isinstance(figure, Axes):
        fail(M.PLOT_AXES)
    if not isinstance(figure, Figure):
        fail(M.PLOT_NOT_FIGURE, got=describe(figure))
    if shows.count:
        fail(M.PLOT_SHOWS)
    return figure


def lines_of(figure):
    return [line for ax in figure.axes for line in ax.get_lines()]


def expect_lines(figure, scores, metric):
    __tracebackhide__ = True
    lines = lines_of(figure)
    labels = [line.get_label() for line in lines if not line.get_label().startswith("_")]
    found = {}
    for key, hist in scores.items():
        label = str(key)
        matching = [line for line in lines if line.get_label() == label]
        if not matching:
            fail(M.PLOT_LINE_MISSING, label=label, labels=labels or "none (the lines have no label)")
        if len(matching) > 1:
            fail(M.PLOT_LINE_TWICE, count=len(matching), label=label)
        line = matching[0]
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
        values = hist[metric]
        epochs = np.arange(1, len(values) + 1, dtype=float)
        if x.shape == epochs.shape and np.allclose(x, epochs - 1):
            fail(M.PLOT_X_FROM_ZERO, label=label)
        if x.shape != epochs.shape or not np.allclose(x, epochs):
            fail(M.PLOT_X_WRONG, label=label, got=x.tolist(), expected=epochs.astype(int).tolist())
        if y.shape != (len(values),) or not np.allclose(y, values):
            shown = next((name for name, other in hist.items()
                          if name != metric and len(other) == len(y) and np.allclose(y, other)), None)
            if shown is not None:
                fail(M.PLOT_WRONG_METRIC, label=label, shown=shown, metric=metric)
            fail(M.PLOT_Y_WRONG, label=label, got=y.tolist(), metric=metric, expected=values)
        found[label] = line
    return found


def close(*figures):
    plt.close("all")
    for figure in figures:
        figure.clear()


def check_plot_returns_a_new_figure(student):
    """plot_scores returns a new matplotlib Figure on every call, without showing it"""
    first = draw(student, PLOT_SCORES)
    second = draw(student, SIZE_SCORES)
    if second is first:
        fail(M.PLOT_REUSES_FIGURE)
    close(first, second)


def check_plot_lines(student):
    """one line per key, labelled str(key), with the epochs 1, 2, ... on x and val_accuracy on y"""
    figure = draw(student, PLOT_SCORES)
    expect_lines(figure, PLOT_SCORES, "val_accuracy")
    close(figure)


def check_plot_legend_and_axis_labels(student):
    """the figure has a legend, the x axis is labelled "epoch" and the y axis with the metric"""
    figure = draw(student, PLOT_SCORES)
    found = expect_lines(figure, PLOT_SCORES, "val_accuracy")
    expect_legend_and_labels(figure, found, "val_accuracy", PLOT_SCORES)
    close(figure)


def expect_legend_and_labels(figure, found, metric, scores):
    __tracebackhide__ = True
    ax = next(iter(found.values())).axes
    legends = [legend for legend in [ax.get_legend(), *figure.legends] if legend is not None]
    shown = {text.get_text() for legend in legends for text in legend.get_texts()}
    if not legends or not set(found) <= shown:
        fail(M.PLOT_NO_LEGEND)
    if "epoch" not in ax.get_xlabel().lower():
        fail(M.PLOT_XLABEL, got=ax.get_xlabel())
    ylabel = ax.get_ylabel().lower()
    keys = next(iter(scores.values())).keys()
    confusable = [k for k in keys if k != metric and metric in k and k in ylabel]
    if metric.lower() not in ylabel or confusable:
        fail(M.PLOT_YLABEL, got=ax.get_ylabel(), metric=metric)


def check_plot_other_keys_and_metric(student):
    """plot_scores works for layer sizes and dropout rates as keys, and plots the metric it is given"""
    figure = draw(student, SIZE_SCORES, metric="accuracy")
    found = expect_lines(figure, SIZE_SCORES, "accuracy")
    expect_legend_and_labels(figure, found, "accuracy", SIZE_SCORES)
    other = draw(student, DROPOUT_SCORES)
    expect_lines(other, DROPOUT_SCORES, "val_accuracy")
    close(figure, other)
