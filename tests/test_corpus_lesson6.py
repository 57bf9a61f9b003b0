"""Lesson 8.6: wrong submissions get the message that names their mistake; other correct ways pass.

Lesson 6 is graded with fake models and matplotlib only: grading never imports
TensorFlow (unless the learner's own code does).
"""

import pytest

from grader.messages import lesson6 as M
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes, edit

TRAIN_LOOP = """
    def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
        scores = {{}}
        for rate in learning_rates:
            {build}
            {fit}
            scores[{key}] = {value}
        return scores
    """


def loop(build="model = make_model(learning_rate=rate)",
         fit="history = model.fit(train, epochs=epochs, validation_data=validation)",
         key="rate", value="history.history"):
    return TRAIN_LOOP.format(build=build, fit=fit, key=key, value=value)


PLOT = """
    from matplotlib.figure import Figure
    def plot_scores(scores, metric="val_accuracy"):
        figure = Figure()
        ax = figure.subplots()
        for key, history in scores.items():
            ax.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        return figure
    """
PLOT_LINE = "ax.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))"
LEGEND = "        ax.legend()\n"
AXIS_LABELS = """        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
"""


def plot(*edits):
    """PLOT (a correct plot_scores on a matplotlib Figure) with each (old, new) of `edits` made."""
    return edit(PLOT, *edits)


WRONG = {
    # train_for_learning_rates
    "one model for every rate": (M.MODEL_REUSED, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            model = make_model(learning_rate=learning_rates[0])
            scores = {}
            for rate in learning_rates:
                model.compile(optimizer="adam")
                scores[rate] = model.fit(train, epochs=epochs, validation_data=validation).history
            return scores
        """),
    "one model reused, recompiled with model.loss at each rate": (M.MODEL_REUSED, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            model = make_model(learning_rate=learning_rates[0])
            scores = {}
            for rate in learning_rates:
                model.optimizer.learning_rate = rate
                model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"])
                scores[rate] = model.fit(train, epochs=epochs, validation_data=validation).history
            return scores
        """),
    "make_model called positionally": (M.POSITIONAL, loop(build="model = make_model(rate)")),
    "the course's rates instead of the argument": (M.WRONG_RATES, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            scores = {}
            for rate in [0.0001, 0.001, 0.01, 0.1]:
                model = make_model(learning_rate=rate)
                scores[rate] = model.fit(train, epochs=epochs, validation_data=validation).history
            return scores
        """),
    "builds every model, fits the first one each time": (M.NOT_FITTED, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            models = {rate: make_model(learning_rate=rate) for rate in learning_rates}
            first = models[learning_rates[0]]
            return {rate: first.fit(train, epochs=epochs, validation_data=validation).history for rate in models}
        """),
    "fits one epoch at a time": (M.FIT_TWICE, loop(
        fit="history = [model.fit(train, epochs=1, validation_data=validation) for _ in range(epochs)][-1]")),
    "validation passed as y": (M.VALIDATION_AS_Y, loop(fit="history = model.fit(train, validation, epochs=epochs)")),
    "no validation data": (M.NO_VALIDATION, loop(fit="history = model.fit(train, epochs=epochs)")),
    "validated on the training data": (M.WRONG_VALIDATION, loop(
        fit="history = model.fit(train, epochs=epochs, validation_data=train)")),
    "trained on the validation data": (M.WRONG_TRAIN, loop(
        fit="history = model.fit(validation, epochs=epochs, validation_data=validation)")),
    "epochs ignored": (M.WRONG_EPOCHS, loop(fit="history = model.fit(train, validation_data=validation)")),
    "default rates without 0.0001": (M.DEFAULT_RATES, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.001, 0.01, 0.1), epochs=10):
            return {rate: make_model(learning_rate=rate).fit(train, epochs=epochs, validation_data=validation).history
                    for rate in learning_rates}
        """),
    "default of 5 epochs": (M.DEFAULT_EPOCHS, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=5):
            return {rate: make_model(learning_rate=rate).fit(train, epochs=epochs, validation_data=validation).history
                    for rate in learning_rates}
        """),
    "History objects stored": (M.HISTORY_OBJECT, loop(value="history")),
    "only val_accuracy stored": (M.ONLY_PART, loop(value="history.history['val_accuracy']")),
    "string keys": (M.WRONG_KEYS, loop(key="str(rate)")),
    "one shared dict for every rate": (M.WRONG_HISTORY, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            scores, history = {}, {}
            for rate in learning_rates:
                model = make_model(learning_rate=rate)
                history.update(model.fit(train, epochs=epochs, validation_data=validation).history)
                scores[rate] = history
            return scores
        """),
    "returns a list": (M.NOT_A_DICT, """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            return [make_model(learning_rate=r).fit(train, epochs=epochs, validation_data=validation).history
                    for r in learning_rates]
        """),
    "best by the last epoch": (M.BEST_LAST_EPOCH, """
        def best_learning_rate(scores, metric="val_accuracy"):
            return max(sorted(scores), key=lambda rate: scores[rate][metric][-1])
        """),
    "best by the average": (M.BEST_MEAN, """
        def best_learning_rate(scores, metric="val_accuracy"):
            return max(sorted(scores), key=lambda rate: sum(scores[rate][metric]) / len(scores[rate][metric]))
        """),
    "best by the lowest best value": (M.BEST_LOWEST, """
        def best_learning_rate(scores, metric="val_accuracy"):
            return min(sorted(scores), key=lambda rate: max(scores[rate][metric]))
        """),
    "ties to the larger rate (>= in a sorted loop)": (M.TIE_LARGER, """
        def best_learning_rate(scores, metric="val_accuracy"):
            best, best_value = None, -1
            for rate in sorted(scores):
                if max(scores[rate][metric]) >= best_value:
                    best, best_value = rate, max(scores[rate][metric])
            return best
        """),
    "metric ignored": (M.IGNORES_METRIC, """
        def best_learning_rate(scores, metric="val_accuracy"):
            return max(sorted(scores), key=lambda rate: max(scores[rate]["val_accuracy"]))
        """),
    "returns the best score, not the rate": (M.BEST_NOT_KEY, """
        def best_learning_rate(scores, metric="val_accuracy"):
            return max(max(history[metric]) for history in scores.values())
        """),
    "falsy key 0.0 skipped": (M.BEST_WRONG, """
        def best_learning_rate(scores, metric="val_accuracy"):
            best = None
            for key in sorted(scores):
                if not best or max(scores[key][metric]) > max(scores[best][metric]):
                    best = key
            return best
        """),
    "sorts the lists in place": (M.MUTATES, """
        def best_learning_rate(scores, metric="val_accuracy"):
            for history in scores.values():
                history[metric].sort()
            return max(sorted(scores), key=lambda rate: scores[rate][metric][-1])
        """),
    # plot_scores
    "shows instead of returning": (M.PLOT_NONE, """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            fig, ax = plt.subplots()
            for key, history in scores.items():
                ax.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))
            ax.legend()
            plt.show()
        """),
    "returns the Axes": (M.PLOT_AXES, """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            fig, ax = plt.subplots()
            for key, history in scores.items():
                ax.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))
            ax.legend()
            return ax
        """),
    "shows and returns": (M.PLOT_SHOWS, """
        import matplotlib.pyplot as plt
        _plot = plot_scores
        def plot_scores(scores, metric="val_accuracy"):
            figure = _plot(scores, metric)
            plt.show()
            return figure
        """),
    "draws on pyplot's current figure": (M.PLOT_REUSES_FIGURE, """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            for key, history in scores.items():
                plt.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))
            plt.xlabel("epoch")
            plt.ylabel(metric)
            plt.legend()
            return plt.gcf()
        """),
    "lines not labelled": (M.PLOT_LINE_MISSING, plot((", label=str(key))", ")"), (LEGEND, ""))),
    "no legend": (M.PLOT_NO_LEGEND, plot((LEGEND, ""))),
    "legend from the wrong list": (M.PLOT_LEGEND_INCOMPLETE, plot((LEGEND, "        ax.legend(labels=['a', 'b', 'c'])\n"))),
    "no axis labels": (M.PLOT_XLABEL, plot((AXIS_LABELS, ""))),
    "y label fixed to val_accuracy": (M.PLOT_YLABEL, plot(("ax.set_ylabel(metric)", 'ax.set_ylabel("val_accuracy")'))),
    "returns (fig, ax)": (M.PLOT_NOT_FIGURE, """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            fig, ax = plt.subplots()
            for key, history in scores.items():
                ax.plot(range(1, len(history[metric]) + 1), history[metric], label=str(key))
            ax.set_xlabel("epoch")
            ax.set_ylabel(metric)
            ax.legend()
            return fig, ax
        """),
    "markers drawn as a second labelled line": (M.PLOT_LINE_TWICE, plot((PLOT_LINE, """epochs = range(1, len(history[metric]) + 1)
            ax.plot(epochs, history[metric], "-", label=str(key))
            ax.plot(epochs, history[metric], "o", label=str(key))"""))),
    "axes swapped": (M.PLOT_X_WRONG, plot(
        (PLOT_LINE, "ax.plot(history[metric], range(1, len(history[metric]) + 1), label=str(key))"))),
    "values in percent": (M.PLOT_Y_WRONG, plot(
        (PLOT_LINE, "ax.plot(range(1, len(history[metric]) + 1), [100 * v for v in history[metric]], label=str(key))"))),
    "always plots val_accuracy": (M.PLOT_WRONG_METRIC, plot((PLOT_LINE, """values = history["val_accuracy"]
            ax.plot(range(1, len(values) + 1), values, label=str(key))"""))),
}

CORRECT = {
    "reads the new model's optimizer and loss before fitting it": """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            scores = {}
            for rate in learning_rates:
                model = make_model(learning_rate=rate)
                print("learning rate", float(model.optimizer.learning_rate), "loss", model.loss)
                history = model.fit(train, epochs=epochs, validation_data=validation)
                print(model.evaluate(validation))
                scores[rate] = history.history
            return scores
        """,
    "comprehension with model.history, by keyword": """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            def run(rate):
                model = make_model(learning_rate=rate)
                model.fit(x=train, validation_data=validation, epochs=epochs, verbose=0)
                return dict(model.history.history)
            return {rate: run(rate) for rate in learning_rates}
        """,
    "best by sorting on (-score, rate), numpy max": """
        import numpy as np
        def best_learning_rate(scores, metric="val_accuracy"):
            ranked = sorted(scores.items(), key=lambda item: (-float(np.max(item[1][metric])), item[0]))
            return ranked[0][0]
        """,
    "best with an explicit loop and a strict comparison": """
        def best_learning_rate(scores, metric="val_accuracy"):
            best_key, best_value = None, None
            for key in sorted(scores):
                value = max(scores[key][metric])
                if best_value is None or value > best_value:
                    best_key, best_value = key, value
            return best_key
        """,
    "pyplot with a new figure each call": """
        import matplotlib.pyplot as plt
        import numpy as np
        def plot_scores(scores, metric="val_accuracy"):
            fig = plt.figure(figsize=(6, 4))
            for key, history in scores.items():
                epochs = np.arange(1, len(history[metric]) + 1)
                plt.plot(epochs, history[metric], "o-", label=str(key))
            plt.xlabel("Epoch")
            plt.ylabel(metric)
            plt.legend(title="key")
            plt.title(f"{metric} per epoch")
            return fig
        """,
    "the course's notebook: plt.plot(values), label=('val=%s' % lr), xticks": """
        import matplotlib.pyplot as plt
        import numpy as np
        def plot_scores(scores, metric="val_accuracy"):
            fig = plt.figure()
            for lr, hist in scores.items():
                plt.plot(hist[metric], label=('val=%s' % lr))
            plt.xticks(np.arange(len(next(iter(scores.values()))[metric])))
            plt.xlabel("Epoch")
            plt.ylabel(metric.replace("val_", "validation "))
            plt.legend()
            return fig
        """,
    "label=key, and the training curve beside each": """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            fig, ax = plt.subplots()
            for key, history in scores.items():
                epochs = range(1, len(history[metric]) + 1)
                ax.plot(epochs, history[metric.removeprefix("val_")], "--", label=f"train={key}")
                ax.plot(epochs, history[metric], label=key)
            ax.set_xlabel("epoch")
            ax.set_ylabel(metric.replace("_", " ").title())
            ax.legend()
            return fig
        """,
    "subplots with a figure legend": """
        import matplotlib.pyplot as plt
        def plot_scores(scores, metric="val_accuracy"):
            fig, ax = plt.subplots()
            for key in scores:
                values = list(scores[key][metric])
                ax.plot(list(range(1, len(values) + 1)), values, label=f"{key}")
            ax.set(xlabel="epochs", ylabel=f"{metric} (validation)" if metric.startswith("val") else metric)
            fig.legend()
            return fig
        """,
}

# Mistakes that belong to one check: every other check still passes (its data are chosen so
# that this mistake does not change what it observes).
ONLY_ONE_CHECK_FAILS = {
    "one model reused, recompiled with model.loss at each rate": "check_one_fresh_model_per_rate",
    "fits one epoch at a time": "check_one_fresh_model_per_rate",
    "best by the last epoch": "check_best_uses_best_epoch",
    "best by the average": "check_best_uses_best_epoch",
    "ties to the larger rate (>= in a sorted loop)": "check_best_ties",
    "no legend": "check_plot_legend_and_axis_labels",
    "y label fixed to val_accuracy": "check_plot_legend_and_axis_labels",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson6", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson6", CORRECT[case]))


def test_grading_lesson6_does_not_import_tensorflow(grade_variant):
    result = grade_variant("lesson6")
    assert result.status == "passed"
    assert result.tensorflow_imported is False


def test_checks_say_what_they_observed_when_nothing_is_there(grade_variant):
    """Models never fitted and a figure with nothing on it: every check that cannot observe its
    subject fails, and says what it saw, rather than pass."""
    result = grade_variant("lesson6", loop(fit="history = None", value="{}"), """
        from matplotlib.figure import Figure
        def plot_scores(scores, metric="val_accuracy"):
            return Figure()
        """)
    mistakes = {check.check_id: check.mistake for check in result.tests}
    assert mistakes["check_one_fresh_model_per_rate"] == M.NOT_FITTED
    assert mistakes["check_fit_arguments"] == M.NEVER_FITS
    assert mistakes["check_defaults"] == M.NEVER_FITS
    assert mistakes["check_plot_lines"] == M.PLOT_LINE_MISSING
    assert mistakes["check_plot_legend_and_axis_labels"] == M.PLOT_EMPTY
