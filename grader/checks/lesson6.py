"""Checks for lesson 8.6: a learning-rate experiment, the best rate, and its plot.

`train_for_learning_rates` is judged with a stand-in model factory: it records
how it was called and builds stand-in models that behave like a compiled Keras
model wherever a learner may reasonably touch one (fit, compile, the optimizer's
learning_rate, the loss, weights, evaluate, summary). `fit` records its
arguments and the learning rate it trained at, and returns a history like
Keras' (per-epoch lists, `val_` entries only with validation data, distinct
numbers for every fit). The record, plain data, shows everything the contract
asks (a fresh model per rate, built by keyword, fitted once on the right data
for the right number of epochs, and the right history under the right key) in
a few milliseconds, without TensorFlow; each check reads only its own part.

`best_learning_rate` gets histories built so that every way of ranking the
rates (the highest or lowest best, worst, first or last epoch, or average)
picks another rate, so a wrong rule is named only when it is the one rule that
explains the answer. The other checks use histories on which those rankings
agree, so they observe only their own subject. `plot_scores` is drawn with
matplotlib's Agg backend and its figure read back: lines, labels, data, legend
and axis labels. Lines may be drawn as `plt.plot(values)` (epochs 0, 1, ..., as
the course's notebook does) or against 1, 2, ..., and labelled with the key
alone or in words (`label=('val=%s' % lr)`, as the notebook does).
"""

import copy
import re

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

# ---------------------------------------------------------------- stand-ins for train_for_learning_rates
#
# Self-contained: they hold only plain data, and `Factory.record()` hands every observation
# back as plain data (names, numbers, lists, dicts), so a check compares records and never
# reaches into a stand-in.


class FakeData:
    """Stands for a dataset: the function under test should only hand it to fit."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"the `{self.name}` argument"


def shown(value):
    """What a fit argument was, as plain data: a dataset's name, None, or a description."""
    if isinstance(value, FakeData):
        return value.name
    return None if value is None else describe(value)


class FakeVariable:
    """A Keras Variable holding one number, as `optimizer.learning_rate` is in Keras 3."""

    dtype = "float32"

    def __init__(self, value):
        self.value = float(value)

    def assign(self, value):
        self.value = float(value)
        return self

    def numpy(self):
        return self.value

    def __float__(self):
        return self.value

    def __repr__(self):
        return f"<Variable value={self.value}>"


class FakeOptimizer:
    """Adam as make_model compiles it: `learning_rate` reads as a Variable and can be set."""

    name = "adam"

    def __init__(self, learning_rate):
        self._learning_rate = FakeVariable(learning_rate)

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate.assign(value)

    def get_config(self):
        return {"name": self.name, "learning_rate": self._learning_rate.value}


class FakeLoss:
    """Categorical cross-entropy on logits, the loss make_model compiles with."""

    name = "categorical_crossentropy"
    from_logits = True

    def get_config(self):
        return {"name": self.name, "from_logits": self.from_logits}


def learning_rate_of(optimizer):
    """The rate an optimizer (a stand-in, a Keras optimizer or a name such as "adam") trains with."""
    if optimizer is None:  # a model make_model built without a rate
        return None
    rate = getattr(optimizer, "learning_rate", None)
    try:
        return float(rate) if rate is not None else 0.001  # Keras' Adam, "adam" included
    except (TypeError, ValueError):
        return None


class FakeModel:
    """A compiled model, as far as train_for_learning_rates may reasonably touch one: fit,
    compile, its optimizer, loss and weights, evaluate, summary. Every call is recorded."""

    def __init__(self, number, learning_rate):
        self.number = number
        self.name = f"model_{number}"
        self.optimizer = FakeOptimizer(learning_rate) if learning_rate is not None else None
        self.loss = FakeLoss()
        self.metrics_names = ["loss", "compile_metrics"]
        self.layers = []
        self.trainable = True
        self.stop_training = False
        self.history = None
        self.fits = []
        self.compiles = 0
        self._weights = [np.zeros((4, 2), "float32"), np.zeros(2, "float32")]

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        run = max(int(epochs) - int(initial_epoch), 0)
        history = fake_history(self.number, len(self.fits), run, validation_data is not None)
        self.fits.append({"x": shown(x), "y": shown(y), "validation_data": shown(validation_data),
                          "epochs": run, "learning_rate": learning_rate_of(self.optimizer),
                          "history": copy.deepcopy(history)})
        self.history = FakeHistory(history, self, run)  # Keras keeps the last History on the model too
        return self.history

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        self.compiles += 1
        self.optimizer = optimizer if hasattr(optimizer, "learning_rate") else FakeOptimizer(learning_rate_of(optimizer))
        self.loss = loss

    def evaluate(self, x=None, y=None, *args, return_dict=False, **kwargs):
        last = self.fits[-1]["history"] if self.fits else fake_history(self.number, 0, 1, False)
        scores = {"loss": last["loss"][-1], "accuracy": last["accuracy"][-1]}
        return scores if return_dict else list(scores.values())

    def get_weights(self):
        return [weight.copy() for weight in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(weight) for weight in weights]

    def summary(self, *args, **kwargs):
        print(f"fake model {self.number}")

    def count_params(self):
        return 20_490

    def record(self):
        return {"fits": copy.deepcopy(self.fits), "compiles": self.compiles}


class FakeHistory:
    """What Keras' fit returns: `.history` is the dict of per-epoch lists."""

    def __init__(self, history, model, epochs):
        self.history = history
        self.model = model
        self.epoch = list(range(epochs))
        self.params = {"epochs": epochs, "verbose": 0, "steps": 1}


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
    """`make_model`: records every call and returns a new fake model each time, its optimizer
    at the learning rate it was asked for (by keyword, or positionally)."""

    def __init__(self):
        self.calls = []
        self.models = []

    def __call__(self, *args, **kwargs):
        rate = kwargs.get("learning_rate", args[0] if args else None)
        model = FakeModel(len(self.models), rate if isinstance(rate, (int, float)) else None)
        self.calls.append({"args": list(args), "kwargs": dict(kwargs)})
        self.models.append(model)
        return model

    def record(self):
        """Every call of make_model and every fit of every model built, as plain data."""
        return {"calls": copy.deepcopy(self.calls), "models": [model.record() for model in self.models]}


RATES = [0.05, 0.0005, 0.3]  # not the course's, and not sorted: "the rates given, in this order"
EPOCHS = 3


def run_training(module, defaults=False):
    """Call `module`'s train_for_learning_rates on the stand-ins, with RATES and EPOCHS (or with
    its defaults); returns what make_model and fit saw, and the result."""
    factory = Factory()
    kwargs = {} if defaults else {"learning_rates": list(RATES), "epochs": EPOCHS}
    result = module.train_for_learning_rates(factory, FakeData("train"), FakeData("validation"), **kwargs)
    return {**factory.record(), "result": result}


def rates_built(run):
    return [call["kwargs"].get("learning_rate") for call in run["calls"]]


def fits_of(run):
    return [fit for model in run["models"] for fit in model["fits"]]


def training_runs(run):
    """[(rate, [epochs of each fit])] in the order trained, consecutive fits of one model at one
    rate together: a loop of one-epoch fits trains as long as one fit of that many epochs."""
    runs = []
    for number, model in enumerate(run["models"]):
        for fit in model["fits"]:
            if runs and runs[-1][:2] == (number, fit["learning_rate"]):
                runs[-1][2].append(fit["epochs"])
            else:
                runs.append((number, fit["learning_rate"], [fit["epochs"]]))
    return [(rate, epochs) for _, rate, epochs in runs]


def expect_epochs(runs, expected, template):
    """Every fit ran `expected` epochs, or the fits of one run add up to `expected`."""
    __tracebackhide__ = True
    for rate, epochs in runs:
        if sum(epochs) != expected and any(count != expected for count in epochs):
            got = epochs[0] if len(epochs) == 1 else " + ".join(map(str, epochs))
            fail(template, rate=rate, expected=expected, got=got)


def check_one_fresh_model_per_rate(student, reference):
    """train_for_learning_rates builds one new model per rate, with make_model(learning_rate=rate), in the order given, and fits each once"""
    run, expected = run_training(student), run_training(reference)
    for call in run["calls"]:
        if call["args"] and "learning_rate" not in call["kwargs"]:
            fail(M.POSITIONAL, rate=call["args"][0])
    built, rates = rates_built(run), rates_built(expected)
    if len(built) < len(rates):
        fail(M.MODEL_REUSED, built=len(built), rates=len(rates))
    if built != rates:
        fail(M.WRONG_RATES, got=built, expected=rates)
    counts = [len(model["fits"]) for model in run["models"]]
    for rate, count in zip(rates, counts):
        if count == 0:
            fail(M.NOT_FITTED, rate=rate, counts=counts)
    for rate, count in zip(rates, counts):
        if count > 1:
            fail(M.FIT_TWICE, rate=rate, count=count)


def check_fit_arguments(student):
    """each model is fitted on train, with validation as validation_data, for `epochs` epochs"""
    run = run_training(student)
    fits = fits_of(run)
    if not fits:
        fail(M.NEVER_FITS)
    for call in fits:
        if call["y"] == "validation":
            fail(M.VALIDATION_AS_Y)
        if call["x"] != "train":
            fail(M.WRONG_TRAIN, got=argument_shown(call["x"]))
        if call["validation_data"] is None:
            fail(M.NO_VALIDATION)
        if call["validation_data"] != "validation":
            fail(M.WRONG_VALIDATION, got=argument_shown(call["validation_data"]))
    expect_epochs(training_runs(run), EPOCHS, M.WRONG_EPOCHS)


def argument_shown(value):
    return f"the `{value}` argument" if value in ("train", "validation") else value


def check_histories(student):
    """the result maps each rate to the history.history dict of that rate's fit"""
    run = run_training(student)
    result = run["result"]
    if not isinstance(result, dict):
        fail(M.NOT_A_DICT, got=describe(result))
    keys = list(result)
    if sorted(map(repr, keys)) != sorted(map(repr, RATES)):
        fail(M.WRONG_KEYS, expected=RATES, got=keys)
    # The history of a rate: that of the last fit made at that rate, whichever model it trained.
    history_of = {fit["learning_rate"]: fit["history"] for fit in fits_of(run)}
    for rate in RATES:
        value = result[rate]
        if not isinstance(value, dict):
            if hasattr(value, "history"):
                fail(M.HISTORY_OBJECT, rate=rate, got=type(value).__name__)
            fail(M.ONLY_PART, rate=rate, got=describe(value), keys=", ".join(METRICS))
        expected = history_of.get(rate)
        if value == expected:
            continue
        if expected is not None and set(value) < set(expected):
            fail(M.ONLY_PART, rate=rate, got=f"a dict with only {sorted(value)}", keys=", ".join(METRICS))
        owner = next((other for other, history in history_of.items() if history == value), None)
        detail = f" (it is the history of the fit at rate {owner})" if owner is not None else ""
        fail(M.WRONG_HISTORY, rate=rate, detail=detail)


def check_defaults(student, reference):
    """by default it tries the course's rates 0.0001, 0.001, 0.01 and 0.1, for 10 epochs each"""
    runs = training_runs(run_training(student, defaults=True))
    expected = training_runs(run_training(reference, defaults=True))
    if not runs:
        fail(M.NEVER_FITS)
    rates, wanted = [rate for rate, _ in runs], [rate for rate, _ in expected]
    if rates != wanted:
        fail(M.DEFAULT_RATES, got=rates, expected=wanted)
    expect_epochs(runs, sum(expected[0][1]), M.DEFAULT_EPOCHS)


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


# Ways to rank the rates: pick the highest or the lowest of one summary of each rate's list.
SUMMARIES = {
    "best epoch": max,
    "worst epoch": min,
    "last epoch": lambda values: values[-1],
    "first epoch": lambda values: values[0],
    "average": lambda values: sum(values) / len(values),
}
# The wrong rankings a message can name: (pick, summary) -> the message.
NAMED_RULES = {
    ("highest", "last epoch"): M.BEST_LAST_EPOCH,
    ("highest", "average"): M.BEST_MEAN,
    ("lowest", "best epoch"): M.BEST_LOWEST,
}


def winner(scores, summary, metric="val_accuracy", pick="highest"):
    choose = max if pick == "highest" else min
    return choose(sorted(scores), key=lambda key: SUMMARIES[summary](scores[key][metric]))


def rules_picking(scores, key, metric="val_accuracy"):
    """Every ranking (pick, summary) that picks `key` in `scores`."""
    return [(pick, summary) for pick in ("highest", "lowest") for summary in SUMMARIES
            if winner(scores, summary, metric, pick) == key]


def check_best_uses_best_epoch(student, reference):
    """best_learning_rate picks the rate whose best epoch is highest (not its last epoch, not its average)"""
    scores = {  # every ranking picks another rate, except the three worst-something ones
        0.001: history([0.60, 0.90, 0.62]),  # the highest best epoch: the answer
        0.01: history([0.70, 0.72, 0.76]),  # the highest last epoch
        0.1: history([0.80, 0.82, 0.64]),  # the highest average
        0.3: history([0.62, 0.66, 0.63]),  # the lowest best epoch
        0.0001: history([0.74, 0.75, 0.74]),  # the highest worst epoch
        0.03: history([0.85, 0.50, 0.45]),  # the highest first epoch; the lowest last and average
        0.003: history([0.40, 0.80, 0.70]),  # the lowest worst and first epochs
    }
    expected = reference.best_learning_rate(copy.deepcopy(scores))
    got = call_best(student, scores)
    if got == expected:
        return
    best = max(scores[expected]["val_accuracy"])
    rules = rules_picking(scores, got)
    if len(rules) == 1 and rules[0] in NAMED_RULES:
        fail(NAMED_RULES[rules[0]], got=got, metric="val_accuracy", expected=expected, best=best,
             value=max(scores[got]["val_accuracy"]))
    fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_ties(student, reference):
    """on a tie the smaller rate wins, whatever the order of the keys"""
    same = history([0.60, 0.80])  # tied keys have the same history: every way of ranking them ties
    cases = [
        {0.001: same, 0.01: same},
        {0.01: same, 0.001: same},
        {0.1: same, 0.0001: same, 0.001: same},
    ]
    for scores in cases:
        expected = reference.best_learning_rate(copy.deepcopy(scores))
        got = call_best(student, scores)
        if got != expected:
            fail(M.TIE_LARGER, tied=", ".join(map(str, scores)), metric="val_accuracy",
                 value=max(same["val_accuracy"]), got=got, expected=expected)


def check_best_metric(student, reference):
    """best_learning_rate compares the metric it is given (val_accuracy by default)"""
    scores = {  # rising lists: the best, the last and the average epoch agree on each metric
        0.001: history([0.70, 0.78], accuracy=[0.80, 0.85]),  # best val_accuracy
        0.01: history([0.72, 0.74], accuracy=[0.90, 0.97]),  # best accuracy
        0.1: history([0.60, 0.62], accuracy=[0.75, 0.80]),
    }
    for metric, other in (("accuracy", "val_accuracy"), ("val_accuracy", "accuracy")):
        kwargs = {"metric": metric} if metric != "val_accuracy" else {}
        expected = reference.best_learning_rate(copy.deepcopy(scores), **kwargs)
        got = call_best(student, scores, **kwargs)
        if got != expected:
            if got == winner(scores, "best epoch", other):
                fail(M.IGNORES_METRIC, metric=metric, got=got, other=other, expected=expected)
            fail(M.BEST_WRONG, scores=_short(scores), got=got, expected=expected)


def check_best_any_keys(student, reference):
    """best_learning_rate works for other keys too: layer sizes 10, 100, 1000 and a dropout rate of 0.0"""
    cases = [  # rising lists: the best, the last and the average epoch agree
        {10: history([0.70, 0.71]), 100: history([0.73, 0.76]), 1000: history([0.72, 0.74])},
        {0.0: history([0.80, 0.84]), 0.2: history([0.79, 0.83]), 0.5: history([0.78, 0.80]),
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


def names_key(text, key):
    """Whether a label names `key`: it is str(key), or holds it as a whole number, as the
    course's label=('val=%s' % lr) does ("val=0.001" names 0.001, "100" does not name 10)."""
    return re.search(rf"(?<![\w.]){re.escape(str(key))}(?![\w.])", text) is not None


def labelled_lines(figure):
    return [line for ax in figure.axes for line in ax.get_lines() if not line.get_label().startswith("_")]


def expect_lines(figure, scores, metric):
    __tracebackhide__ = True
    lines = labelled_lines(figure)
    labels = [line.get_label() for line in lines]
    for key, hist in scores.items():
        values = hist[metric]
        matching = [line for line in lines if names_key(line.get_label(), key)]
        if not matching:
            fail(M.PLOT_LINE_MISSING, label=str(key), labels=labels or "none (the lines have no label)")
        twice = [line for line in matching if labels.count(line.get_label()) > 1]
        if twice:
            fail(M.PLOT_LINE_TWICE, count=labels.count(twice[0].get_label()), label=twice[0].get_label())
        # Other lines may name the key too ("train=0.001" beside "val=0.001"): one must show `metric`.
        line = next((line for line in matching if shows_values(line, values)), matching[0])
        label = line.get_label()
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
        from_one = np.arange(1, len(values) + 1, dtype=float)
        # plt.plot(values) numbers the epochs 0, 1, ... as the course's notebook does; both count.
        if x.shape != from_one.shape or not (np.allclose(x, from_one) or np.allclose(x, from_one - 1)):
            fail(M.PLOT_X_WRONG, label=label, got=x.tolist(), expected=from_one.astype(int).tolist())
        if not shows_values(line, values):
            shown = next((name for name, other in hist.items()
                          if name != metric and shows_values(line, other)), None)
            if shown is not None:
                fail(M.PLOT_WRONG_METRIC, label=label, shown=shown, metric=metric)
            fail(M.PLOT_Y_WRONG, label=label, got=y.tolist(), metric=metric, expected=values)


def shows_values(line, values):
    y = np.asarray(line.get_ydata(), dtype=float)
    return y.shape == (len(values),) and np.allclose(y, values)


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
    """one line per key, labelled with the key, with the epochs on x and val_accuracy on y"""
    figure = draw(student, PLOT_SCORES)
    expect_lines(figure, PLOT_SCORES, "val_accuracy")
    close(figure)


def check_plot_legend_and_axis_labels(student):
    """the figure has a legend naming every key, the x axis is labelled "epoch" and the y axis with the metric"""
    figure = draw(student, PLOT_SCORES)
    expect_legend_and_labels(figure, "val_accuracy", PLOT_SCORES)
    other = draw(student, SIZE_SCORES, metric="accuracy")
    expect_legend_and_labels(other, "accuracy", SIZE_SCORES)
    close(figure, other)


def plotted_axes(figure, scores):
    """The axes the lines are drawn on: the one whose lines name the most keys (the first with
    any line when none does), whatever the lines show."""
    __tracebackhide__ = True
    if not figure.axes:
        fail(M.PLOT_EMPTY)
    def named(ax):
        return sum(any(names_key(line.get_label(), key) for line in ax.get_lines()) for key in scores)
    return max(figure.axes, key=lambda ax: (named(ax), bool(ax.get_lines())))


def normalised(text):
    """A label as words: "Validation accuracy", "val_accuracy" and "val accuracy" all read "val accuracy"."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return " ".join("val" if word == "validation" else word for word in words)


def expect_legend_and_labels(figure, metric, scores):
    __tracebackhide__ = True
    ax = plotted_axes(figure, scores)
    legends = [legend for legend in [ax.get_legend(), *figure.legends] if legend is not None]
    if not legends:
        fail(M.PLOT_NO_LEGEND)
    texts = [text.get_text() for legend in legends for text in legend.get_texts()]
    unnamed = [str(key) for key in scores if not any(names_key(text, key) for text in texts)]
    if unnamed:
        fail(M.PLOT_LEGEND_INCOMPLETE, shown=", ".join(map(repr, texts)) or "no entries",
             missing=", ".join(unnamed))
    if "epoch" not in ax.get_xlabel().lower():
        fail(M.PLOT_XLABEL, got=ax.get_xlabel())
    ylabel, wanted = normalised(ax.get_ylabel()), normalised(metric)
    others = [normalised(k) for k in next(iter(scores.values())) if k != metric]
    confusable = [k for k in others if wanted in k and re.search(rf"\b{k}\b", ylabel)]
    if not re.search(rf"\b{wanted}\b", ylabel) or confusable:
        fail(M.PLOT_YLABEL, got=ax.get_ylabel(), metric=metric)


def check_plot_other_keys_and_metric(student):
    """plot_scores works for layer sizes and dropout rates as keys, and plots the metric it is given"""
    figure = draw(student, SIZE_SCORES, metric="accuracy")
    expect_lines(figure, SIZE_SCORES, "accuracy")
    other = draw(student, DROPOUT_SCORES)
    expect_lines(other, DROPOUT_SCORES, "val_accuracy")
    close(figure, other)
