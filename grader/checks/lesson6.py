"""Checks for lesson 8.6: a learning-rate experiment, the best rate, and its plot.

The learner's code runs only in the worker (`grader/worker/recipes/lesson6.py`);
what comes back is data, never an object it made.

`train_for_learning_rates` is called there with a stand-in model factory
(`grader/stand_ins/lesson6.py`): it
records how it was called and builds stand-in models that behave like a
compiled Keras model wherever a learner may reasonably touch one (fit, compile,
the optimizer's learning_rate, the loss, weights, evaluate, summary). `fit`
records its arguments and the learning rate it trained at, and returns a
history like Keras' (per-epoch lists, `val_` entries only with validation data,
distinct numbers for every fit, shifted by a seed drawn for this grading). The
record, plain data, shows everything the contract asks (a fresh model per rate,
built by keyword, fitted once on the right data for the right number of epochs,
and the right history under the right key) in a few milliseconds, without
TensorFlow; each check reads only its own part. The histories are not in the
record: the judge works out from `fake_history` what each fit returned, so a
result that holds made-up histories fails. The reference runs on the same
stand-ins, here in the judge.

`best_learning_rate` gets histories built so that every way of ranking the
rates (the highest or lowest best, worst, first or last epoch, or average)
picks another rate, so a wrong rule is named only when it is the one rule that
explains the answer. The other checks use histories on which those rankings
agree, so they observe only their own subject. `plot_scores` is drawn in the
worker with matplotlib's Agg backend, and its figure comes back as data: lines,
labels, data, legends and axis labels. Lines may be drawn as `plt.plot(values)`
(epochs 0, 1, ..., as the course's notebook does) or against 1, 2, ..., and
labelled with the key alone or in words (`label=('val=%s' % lr)`, as the
notebook does).
"""

import copy
import re
import secrets

import numpy as np
import pytest

from grader.expect import fail
from grader.messages import common
from grader.messages import lesson6 as M
from grader.stand_ins import lesson6 as stand_ins

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
TEXT_LIMIT = 200  # characters of a description from the worker that a message shows

# ---------------------------------------------------------------- train_for_learning_rates


@pytest.fixture(scope="session")
def seed():
    """Drawn for each grading: the stand-ins' histories cannot be known in advance."""
    return secrets.randbelow(1000)


def cut(value):
    """A description the worker sent, as a message shows it: a string, cut short."""
    return str(value)[:TEXT_LIMIT]


def forged(function):
    __tracebackhide__ = True
    fail(common.UNSENDABLE, function=function, detail="an answer that the grader's stand-ins never give")


# The form of the stand-ins' record: a fit's fields, and a stored value's field by its kind.
FIT_FIELDS = {"x", "y", "validation_data", "epochs", "learning_rate"}
STORED_FIELDS = {"dict": ("value", dict), "history object": ("type", str), "other": ("described", str)}


def well_formed_record(run):
    """Whether `run` has the form of the stand-ins' record (a reply made up in the worker may not)."""
    def stored_ok(entry):
        field, kind = STORED_FIELDS[entry["kind"]]
        return isinstance(entry[field], kind)

    try:
        calls_ok = all(isinstance(call["args"], list) and isinstance(call["kwargs"], dict) for call in run["calls"])
        fits_ok = all(isinstance(fit, dict) and FIT_FIELDS <= set(fit) and isinstance(fit["epochs"], int)
                      and (fit["learning_rate"] is None or isinstance(fit["learning_rate"], float))
                      for model in run["models"] for fit in model["fits"])
        result = run["result"]
        result_ok = stored_ok(result) if result["kind"] == "other" else (
            result["kind"] == "dict" and all(len(item) == 2 and hash(item[0]) is not None and stored_ok(item[1])
                                             for item in result["items"]))
    except (KeyError, TypeError, IndexError, AttributeError):
        return False
    return calls_ok and fits_ok and result_ok


RATES = [0.05, 0.0005, 0.3]  # not the course's, and not sorted: "the rates given, in this order"
EPOCHS = 3


def training_arguments(defaults):
    return {} if defaults else {"learning_rates": list(RATES), "epochs": EPOCHS}


def run_training(student, seed, defaults=False):
    """The learner's train_for_learning_rates on the stand-ins, in the worker, with RATES and
    EPOCHS (or with its defaults): what make_model and fit saw, and what it returned."""
    __tracebackhide__ = True
    run = student.ask("lesson6.train", naming="train_for_learning_rates", seed=seed, **training_arguments(defaults))
    if not well_formed_record(run):
        forged("train_for_learning_rates")
    return run


def reference_training(reference, seed, defaults=False):
    """The reference's run on the same stand-ins, here in the judge."""
    return stand_ins.train(reference.train_for_learning_rates, seed=seed, **training_arguments(defaults))


def rates_built(run):
    return [call["kwargs"].get("learning_rate") for call in run["calls"]]


def fits_of(run):
    return [fit for model in run["models"] for fit in model["fits"]]


def histories_fitted(run, seed):
    """{rate: history} as the stand-ins' fits returned them, worked out here: for each rate, the
    history of the last fit made at that rate, whichever model it trained."""
    return {fit["learning_rate"]: stand_ins.fake_history(seed, number, index, fit["epochs"],
                                                         fit["validation_data"] is not None)
            for number, model in enumerate(run["models"]) for index, fit in enumerate(model["fits"])}


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


def check_one_fresh_model_per_rate(student, reference, seed):
    """train_for_learning_rates builds one new model per rate, with make_model(learning_rate=rate), in the order given, and fits each once"""
    run, expected = run_training(student, seed), reference_training(reference, seed)
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


def check_fit_arguments(student, seed):
    """each model is fitted on train, with validation as validation_data, for `epochs` epochs"""
    run = run_training(student, seed)
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
    return f"the `{value}` argument" if value in ("train", "validation") else cut(value)


def check_histories(student, seed):
    """the result maps each rate to the history.history dict of that rate's fit"""
    run = run_training(student, seed)
    result = run["result"]
    if result["kind"] != "dict":
        fail(M.NOT_A_DICT, got=cut(result["described"]))
    keys = [key for key, _ in result["items"]]
    if sorted(map(repr, keys)) != sorted(map(repr, RATES)):
        fail(M.WRONG_KEYS, expected=RATES, got=keys)
    stored = dict(result["items"])
    history_of = histories_fitted(run, seed)
    for rate in RATES:
        entry = stored[rate]
        if entry["kind"] == "history object":
            fail(M.HISTORY_OBJECT, rate=rate, got=cut(entry["type"]))
        if entry["kind"] != "dict":
            fail(M.ONLY_PART, rate=rate, got=cut(entry["described"]), keys=", ".join(METRICS))
        value, expected = entry["value"], history_of.get(rate)
        if value == expected:
            continue
        if expected is not None and set(value) < set(expected):
            fail(M.ONLY_PART, rate=rate, got=f"a dict with only {sorted(map(str, value))}", keys=", ".join(METRICS))
        owner = next((other for other, history in history_of.items() if history == value), None)
        detail = f" (it is the history of the fit at rate {owner})" if owner is not None else ""
        fail(M.WRONG_HISTORY, rate=rate, detail=detail)


def check_defaults(student, reference, seed):
    """by default it tries the course's rates 0.0001, 0.001, 0.01 and 0.1, for 10 epochs each"""
    runs = training_runs(run_training(student, seed, defaults=True))
    expected = training_runs(reference_training(reference, seed, defaults=True))
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
    # The worker sends back its copy of `scores` as the call left it.
    reply = student.ask("lesson6.best", naming="best_learning_rate", scores=scores, kwargs={})
    if not isinstance(reply, dict) or "scores" not in reply:
        forged("best_learning_rate")
    after = reply["scores"]
    for key in scores:
        if not isinstance(after, dict) or key not in after:
            fail(M.MUTATES, detail=f"the key {key} is gone")
        for metric, values in scores[key].items():
            now = after[key].get(metric) if isinstance(after[key], dict) else None
            if not (isinstance(now, list) and now == values):  # an array in its place is a change too
                fail(M.MUTATES, detail=f"{metric} of {key} was {values} and is now {cut(now)}")


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


def drawn(student, *draws):
    """What plot_scores returned for each (scores, kwargs) of `draws`, called in turn in one
    request: each a Figure (as data: see `grader/worker/recipes/lesson6.py`), or the check fails
    naming what it was."""
    __tracebackhide__ = True
    figures = student.ask("lesson6.plot", naming="plot_scores",
                          draws=[[scores, kwargs] for scores, kwargs in draws])
    if not isinstance(figures, list):
        forged("plot_scores")
    for number in range(len(draws)):
        if number >= len(figures) or not well_formed_figure(figures[number]):
            forged("plot_scores")
        expect_figure(figures[number])
    return figures[:len(draws)]


def draw(student, scores, **kwargs):
    __tracebackhide__ = True
    (figure,) = drawn(student, (scores, kwargs))
    return figure


def expect_figure(figure):
    __tracebackhide__ = True
    if figure["kind"] == "None":
        fail(M.PLOT_NONE)
    if figure["kind"] == "Axes":
        fail(M.PLOT_AXES)
    if figure["kind"] != "Figure":
        fail(M.PLOT_NOT_FIGURE, got=cut(figure["described"]))
    if figure["shows"]:
        fail(M.PLOT_SHOWS)


def well_formed_figure(figure):
    """Whether `figure` has the form the plot recipe gives (a reply made up in the worker may not)."""
    def texts_ok(texts):
        return texts is None or (isinstance(texts, list) and all(isinstance(t, str) for t in texts))

    try:
        if figure["kind"] != "Figure":
            return figure["kind"] in ("None", "Axes") or isinstance(figure["described"], str)
        return (isinstance(figure["shows"], int) and isinstance(figure["new"], bool)
                and all(texts_ok(legend) for legend in figure["legends"])
                and all(texts_ok(ax["legend"]) and isinstance(ax["xlabel"], str) and isinstance(ax["ylabel"], str)
                        and all(isinstance(line["label"], str) and {"x", "y"} <= set(line) for line in ax["lines"])
                        for ax in figure["axes"]))
    except (KeyError, TypeError, AttributeError):
        return False


def names_key(text, key):
    """Whether a label names `key`: it is str(key), or holds it as a whole number, as the
    course's label=('val=%s' % lr) does ("val=0.001" names 0.001, "100" does not name 10)."""
    return re.search(rf"(?<![\w.]){re.escape(str(key))}(?![\w.])", text) is not None


def labelled_lines(figure):
    return [line for ax in figure["axes"] for line in ax["lines"] if not line["label"].startswith("_")]


def as_numbers(values):
    """A line's data as floats, or None when the worker found no numbers there."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 1 else None


def listed(values):
    numbers = as_numbers(values)
    return numbers.tolist() if numbers is not None else list(values)


def expect_lines(figure, scores, metric):
    __tracebackhide__ = True
    lines = labelled_lines(figure)
    labels = [line["label"] for line in lines]
    for key, hist in scores.items():
        values = hist[metric]
        matching = [line for line in lines if names_key(line["label"], key)]
        if not matching:
            fail(M.PLOT_LINE_MISSING, label=str(key), labels=labels or "none (the lines have no label)")
        twice = [line for line in matching if labels.count(line["label"]) > 1]
        if twice:
            fail(M.PLOT_LINE_TWICE, count=labels.count(twice[0]["label"]), label=twice[0]["label"])
        # Other lines may name the key too ("train=0.001" beside "val=0.001"): one must show `metric`.
        line = next((line for line in matching if shows_values(line, values)), matching[0])
        label = line["label"]
        x = as_numbers(line["x"])
        from_one = np.arange(1, len(values) + 1, dtype=float)
        # plt.plot(values) numbers the epochs 0, 1, ... as the course's notebook does; both count.
        if x is None or x.shape != from_one.shape or not (np.allclose(x, from_one) or np.allclose(x, from_one - 1)):
            fail(M.PLOT_X_WRONG, label=label, got=listed(line["x"]), expected=from_one.astype(int).tolist())
        if not shows_values(line, values):
            shown = next((name for name, other in hist.items()
                          if name != metric and shows_values(line, other)), None)
            if shown is not None:
                fail(M.PLOT_WRONG_METRIC, label=label, shown=shown, metric=metric)
            fail(M.PLOT_Y_WRONG, label=label, got=listed(line["y"]), metric=metric, expected=values)


def shows_values(line, values):
    y = as_numbers(line["y"])
    return y is not None and y.shape == (len(values),) and np.allclose(y, values)


def check_plot_returns_a_new_figure(student):
    """plot_scores returns a new matplotlib Figure on every call, without showing it"""
    # Both calls in one request: only the worker can tell whether they returned the same figure.
    _, second = drawn(student, (PLOT_SCORES, {}), (SIZE_SCORES, {}))
    if not second["new"]:
        fail(M.PLOT_REUSES_FIGURE)


def check_plot_lines(student):
    """one line per key, labelled with the key, with the epochs on x and val_accuracy on y"""
    expect_lines(draw(student, PLOT_SCORES), PLOT_SCORES, "val_accuracy")


def check_plot_legend_and_axis_labels(student):
    """the figure has a legend naming every key, the x axis is labelled "epoch" and the y axis with the metric"""
    expect_legend_and_labels(draw(student, PLOT_SCORES), "val_accuracy", PLOT_SCORES)
    expect_legend_and_labels(draw(student, SIZE_SCORES, metric="accuracy"), "accuracy", SIZE_SCORES)


def plotted_axes(figure, scores):
    """The axes the lines are drawn on: the one whose lines name the most keys (the first with
    any line when none does), whatever the lines show."""
    __tracebackhide__ = True
    if not figure["axes"]:
        fail(M.PLOT_EMPTY)
    def named(ax):
        return sum(any(names_key(line["label"], key) for line in ax["lines"]) for key in scores)
    return max(figure["axes"], key=lambda ax: (named(ax), bool(ax["lines"])))


def normalised(text):
    """A label as words: "Validation accuracy", "val_accuracy" and "val accuracy" all read "val accuracy"."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return " ".join("val" if word == "validation" else word for word in words)


def expect_legend_and_labels(figure, metric, scores):
    __tracebackhide__ = True
    ax = plotted_axes(figure, scores)
    legends = [legend for legend in [ax["legend"], *figure["legends"]] if legend is not None]
    if not legends:
        fail(M.PLOT_NO_LEGEND)
    texts = [entry for legend in legends for entry in legend]
    unnamed = [str(key) for key in scores if not any(names_key(entry, key) for entry in texts)]
    if unnamed:
        fail(M.PLOT_LEGEND_INCOMPLETE, shown=", ".join(map(repr, texts)) or "no entries",
             missing=", ".join(unnamed))
    if "epoch" not in ax["xlabel"].lower():
        fail(M.PLOT_XLABEL, got=ax["xlabel"])
    ylabel, wanted = normalised(ax["ylabel"]), normalised(metric)
    others = [normalised(k) for k in next(iter(scores.values())) if k != metric]
    confusable = [k for k in others if wanted in k and re.search(rf"\b{k}\b", ylabel)]
    if not re.search(rf"\b{wanted}\b", ylabel) or confusable:
        fail(M.PLOT_YLABEL, got=ax["ylabel"], metric=metric)


def check_plot_other_keys_and_metric(student):
    """plot_scores works for layer sizes and dropout rates as keys, and plots the metric it is given"""
    expect_lines(draw(student, SIZE_SCORES, metric="accuracy"), SIZE_SCORES, "accuracy")
    expect_lines(draw(student, DROPOUT_SCORES), DROPOUT_SCORES, "val_accuracy")
