"""Reference solution of lesson 6 (course lesson 8.6, adjusting the learning rate).

The explanations are in `lessons/lesson6_learning_rate.py`.
"""

import math


def train_for_learning_rates(
    make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10
):
    """Train one fresh model per learning rate and keep each training history.

    Args:
        make_model: a function called as `make_model(learning_rate=rate)` that
            returns a new compiled model.
        train: the training data, passed to `model.fit`.
        validation: the validation data, passed to `model.fit` as `validation_data`.
        learning_rates: the rates to try, in this order.
        epochs: epochs of training for each rate.

    Returns:
        `{rate: history}` where `history` is the `history.history` dict of
        that rate's fit: `{"loss": [...], "accuracy": [...], "val_loss": [...],
        "val_accuracy": [...]}`, one value per epoch.
    """
    scores = {}
    for rate in learning_rates:
        print(f"learning rate {rate}")
        model = make_model(learning_rate=rate)
        history = model.fit(train, epochs=epochs, validation_data=validation)
        scores[rate] = history.history
    return scores


def best_learning_rate(scores, metric="val_accuracy"):
    """The key of `scores` whose best epoch has the highest `metric`.

    Args:
        scores: `{key: history}` as returned by `train_for_learning_rates`;
            the keys may be any numbers (learning rates, layer sizes, ...).
        metric: the history entry to compare; higher is better.

    Returns:
        The key whose maximum of `history[metric]` over the epochs is the
        highest. On a tie, the smaller key.
    """
    if not scores:
        raise ValueError("no scores to compare")

    def best_epoch(key):
        values = [value for value in scores[key][metric] if not math.isnan(value)]
        return max(values, default=-math.inf)

    # max() keeps the first of equal values, so going through the keys in
    # increasing order gives the smaller key on a tie.
    return max(sorted(scores), key=best_epoch)


def plot_scores(scores, metric="val_accuracy"):
    """A line plot of `metric` against the epoch, one line per key of `scores`.

    Args:
        scores: `{key: history}` as returned by `train_for_learning_rates`.
        metric: the history entry to plot.

    Returns:
        A `matplotlib.figure.Figure` with one line per key, labelled `str(key)`;
        x is the epoch number (1, 2, ...), y the value of `metric`; with a
        legend, the x axis labelled "epoch" and the y axis labelled `metric`.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5))
    ax = figure.subplots()
    for key, history in scores.items():
        values = history[metric]
        ax.plot(range(1, len(values) + 1), values, marker="o", label=str(key))
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return figure


if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson6", globals())
