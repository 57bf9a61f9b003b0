"""Recipes for lesson 8.6: train on stand-ins, and draw a plot, beside the learner's code.

- `train`: call `train_for_learning_rates` with the stand-in model factory and
  datasets of `grader/stand_ins/lesson6.py`, which record how they were used.
- `best`: call `best_learning_rate`, and hand back the histories it was given as
  the call left them.
- `plot`: call `plot_scores` with pyplot on the Agg backend and `plt.show`
  counted, and hand back what the figure holds (lines, legends, axis labels) as
  data, and whether each call drew a figure of its own.

Nothing here imports TensorFlow: grading lesson 8.6 never does, unless the
learner's own code does.
"""

from __future__ import annotations

import contextlib
import copy

import numpy as np

from grader.expect import describe
from grader.stand_ins import lesson6 as stand_ins
from grader.worker.recipes import learner_function

RECIPES = ("train", "best", "plot")


def train(module, *, seed, **kwargs):
    """The learner's train_for_learning_rates(make_model, train, validation, **kwargs) on the
    stand-ins: what make_model and fit saw, and what it returned."""
    return stand_ins.train(learner_function(module, "train_for_learning_rates"), seed=seed, **kwargs)


# ---------------------------------------------------------------- best_learning_rate


def best(module, *, scores, kwargs):
    """The learner's best_learning_rate(scores, **kwargs), and `scores` as the call left them:
    a call changes only the worker's copy of its arguments, so the judge sees a change here."""
    key = learner_function(module, "best_learning_rate")(scores, **kwargs)
    return {"key": key, "scores": scores}


# ---------------------------------------------------------------- plot_scores


@contextlib.contextmanager
def counted_shows(plt):
    """`plt.show()` only counts while the block runs (a figure is never shown)."""
    shows = [0]

    def show(*args, **kwargs):
        shows[0] += 1

    original, plt.show = plt.show, show
    try:
        yield shows
    finally:
        plt.show = original


def numbers(values):
    """A line's data as floats; as text when it is not numbers (dates, categories)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return [str(value) for value in np.asarray(values, dtype=object).ravel()]


def legend_texts(legend):
    return None if legend is None else [str(text.get_text()) for text in legend.get_texts()]


def axes_data(ax):
    return {
        "lines": [{"label": str(line.get_label()), "x": numbers(line.get_xdata()), "y": numbers(line.get_ydata())}
                  for line in ax.get_lines()],
        "legend": legend_texts(ax.get_legend()),
        "xlabel": str(ax.get_xlabel()),
        "ylabel": str(ax.get_ylabel()),
    }


def figure_data(figure, drawn_before):
    """What plot_scores returned, as data: its kind, and for a Figure what it holds and
    whether it is a figure none of the earlier calls returned."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if figure is None:
        return {"kind": "None"}
    if isinstance(figure, Axes):
        return {"kind": "Axes"}
    if not isinstance(figure, Figure):
        return {"kind": "other", "described": describe(figure)}
    return {"kind": "Figure", "new": all(figure is not other for other in drawn_before),
            "axes": [axes_data(ax) for ax in figure.axes],
            "legends": [legend_texts(legend) for legend in figure.legends]}


def plot(module, *, draws):
    """Call plot_scores(scores, **kwargs) for each [scores, kwargs] of `draws`, in order: what
    each call returned (see `figure_data`) and how often it called plt.show. Stops after a
    call that did not return a Figure or showed it, as the judge stops there. Every figure is
    closed afterwards, so the next request starts on an empty pyplot."""
    import matplotlib

    matplotlib.use("Agg")  # the learner's file may have asked for another backend
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    function = learner_function(module, "plot_scores")
    returned, drawn = [], []
    try:
        for scores, kwargs in draws:
            with counted_shows(plt) as shows:
                figure = function(copy.deepcopy(scores), **kwargs)
            data = {**figure_data(figure, returned), "shows": shows[0]}
            returned.append(figure)
            drawn.append(data)
            if data["kind"] != "Figure" or data["shows"]:
                break
    finally:
        plt.close("all")
        for figure in returned:
            if isinstance(figure, Figure):
                figure.clear()
    return drawn
