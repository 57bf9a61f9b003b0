# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8.6 Adjusting the learning rate
#
# **You write:** `train_for_learning_rates`, `best_learning_rate` and
# `plot_scores`.
# **Check your work:** `uv run python -m grader lesson6`.
#
# In lesson 8.5 we picked a learning rate of 0.01 without asking why. The
# learning rate sets how big a step the optimizer takes each time it updates
# the weights. The course compares it to reading speed: read too fast and
# you skim past what matters; read too slowly and you never finish the book.
#
# - Too large: each step overshoots; the loss jumps around or grows, and the
#   accuracy is poor and erratic.
# - Too small: each step changes little, so the model learns slowly. It
#   does improve, but after the epochs we can afford it is still behind.
#
# The learning rate is a **hyperparameter**: we choose it by experiment,
# comparing the validation score of models trained with different values.
#
# This lesson needs no Keras code of its own: it works with any function
# that builds a compiled model, and with the histories that `fit` returns.

# %% [markdown]
# ## One fresh model per learning rate
#
# The learning rate is fixed when the model is compiled (it is an argument
# of `keras.optimizers.Adam`). So the experiment needs a function that builds
# a **new** model for a given rate, such as
# `lambda learning_rate: build_transfer_model(learning_rate=learning_rate)`
# with the model of lesson 8.5. Reusing one model would continue training
# from the weights the previous rate left behind, and the comparison would
# be unfair.
#
# The course tries four values, each ten times the previous one:
# 0.0001, 0.001, 0.01 and 0.1, training each model for 10 epochs. For each
# rate we keep `history.history`, the dict of per-epoch lists that `fit`
# returns (`loss`, `accuracy`, `val_loss`, `val_accuracy`).

# %%
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
    # TODO: for every rate, in the order given, build a new model with
    #       make_model (pass the rate as the keyword argument learning_rate),
    #       fit it on train for `epochs` epochs with the validation data, and
    #       store the fit's history dict under the rate. Fit nothing else.
    raise NotImplementedError("train_for_learning_rates")


# %% [markdown]
# ## Which rate is best?
#
# We compare the rates by their **best** epoch of validation accuracy, not
# their last one: in lesson 8.7 we will save the model at its best epoch,
# so that epoch is the one we would keep. If two rates reach the same best
# score we take the smaller one, which tends to train more steadily.
#
# Look at the curves as well as the winner. Training involves randomness
# (the initial weights of the new layer, the order of the batches), so a
# difference of a percent between two runs can be noise. A rate whose
# validation accuracy is still rising at the last epoch might do better with
# more epochs. And a large gap between `accuracy` and `val_accuracy` is a
# sign of overfitting.
#
# The function is written for any hyperparameter: lessons 8.8 and 8.9 use
# the same comparison with layer sizes and dropout rates as keys.

# %%
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
    # TODO: for each key take the largest value of scores[key][metric], and
    #       return the key with the largest such value. Make ties deterministic:
    #       in which order must you visit the keys so that max() keeps the
    #       smaller one?
    raise NotImplementedError("best_learning_rate")


# %% [markdown]
# ## Plotting the experiment
#
# One line per learning rate, the epoch on the x axis (1 for the first
# epoch, as Keras counts them when it prints its progress) and the metric on
# the y axis. A legend tells the lines apart.
#
# We build the figure with matplotlib's object interface
# (`matplotlib.figure.Figure`, or `fig, ax = plt.subplots()`) and return it
# instead of showing it: the caller decides whether to display it (a
# notebook shows a figure that ends a cell), save it with `fig.savefig(...)`,
# or test it.

# %%
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
    # TODO: make a figure with one Axes; on it draw, for each key, the values
    #       of history[metric] against the epoch numbers 1, 2, ..., labelled
    #       str(key). Add the legend and the two axis labels, and return the
    #       figure (do not call plt.show()).
    raise NotImplementedError("plot_scores")


# %% [markdown]
# ## What the course found
#
# On the clothing data the course keeps a learning rate of 0.001, the best
# of the four rates (its best epoch: a validation accuracy of 0.8299), and
# uses it from here on. The smallest rate, 0.0001, was not a failure: its
# validation accuracy was still rising at the last epoch, at 0.7889, and
# needed more epochs. Your numbers will differ a little from run to run.
#
# ## Running the experiment
#
# ```text
# uv run python -m lessons.lesson6_learning_rate --data clothing-dataset-small
# ```
#
# runs the course's experiment with your functions: your
# `train_for_learning_rates` trains the model of lesson 8.5 (your
# `build_transfer_model`, from `lessons/lesson5_transfer_learning.py`) once
# per rate for 10 epochs, your `best_learning_rate` picks the winner, and the
# figure of your `plot_scores` is saved, with a JSON file of every history,
# in a new temporary folder (or in `--out DIR`). Replace `lessons` with
# `solutions` to run the reference instead. `--help` lists the options,
# the same for the experiments of lessons 8.5 to 8.9:
#
# - `--limit 20`: at most 20 photos per class and split, for a quick try;
# - `--epochs N`, `--input-size N` (150 by default);
# - `--weights none`: Xception with random weights, when the ImageNet
#   weights cannot be downloaded. Everything runs, but little or nothing
#   is learned: compare the validation accuracy with 0.2375, the share of
#   the largest class (t-shirt) among the validation photos, which a model
#   that answers t-shirt for every photo scores;
# - `--out DIR` keeps the plot and the results; `--json` prints the results
#   as one JSON document;
# - `--no-cache`: train the full model in every epoch, as the course does
#   (below).
#
# ### Features computed once
#
# On a laptop's CPU Xception handles about 40 photos of 150×150 pixels per
# second, so one epoch over the 3,068 training and 341 validation photos
# takes about 85 seconds, ten epochs about 14 minutes, and four learning
# rates about an hour. Yet most of that work is the same every time: the
# base is frozen and runs in inference mode, so it turns a given photo into
# the same 2,048 pooled numbers in every epoch of every run. Only the new
# dense layer changes.
#
# So the experiment passes each photo through Xception **once**, stores the
# pooled numbers in `.cache/features`, and trains only the new top on them:
# the four rates then cost about one pass over the photos plus a few seconds
# each. Later runs, and the experiments of the other lessons, reuse the
# cache when the weights, the image size and the photos are the same; it is
# recomputed when the photos change, and a damaged cache file is detected
# and rebuilt, never trusted.
#
# The model is still yours. The experiment calls your builder with
# `input_size=27` and, as `base_model`, a stand-in for Xception: each
# photo's 2,048 numbers come packed in a 27×27×3 array (27 × 27 × 3 = 2,187
# places, the rest zeros), and the stand-in unpacks them into a 1×1 map of
# 2,048 channels. Global average pooling of a 1×1 map returns that map
# unchanged, so your dense layer trains on exactly the numbers it would get
# on top of Xception, and the results agree with the full model's up to
# training noise. `--no-cache` trains the full model on the photos in every
# epoch, as the course does: use it to check that claim, or when you change
# the base. It is the course's training, not the course's decoding: the
# photos still go through `course/pipeline.py`, which resizes with bilinear
# interpolation, where the course's `flow_from_directory` used nearest
# neighbour (lesson 8.2).

# %%
if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson6", globals())
