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
# # 8.7 Checkpointing
#
# **You write:** `make_checkpoint` and `find_best_checkpoint`.
# **Check your work:** `uv run python -m grader lesson7`.
#
# After every epoch the model's weights are different, and its validation
# accuracy goes up and down from one epoch to the next. The last epoch is
# often not the best one. **Checkpointing** saves the model to disk during
# training, so that when training ends we still have the best version.

# %% [markdown]
# ## Setup

# %%
import re
from pathlib import Path

import keras

# %% [markdown]
# ## Callbacks
#
# A **callback** is an object that `model.fit` calls at fixed moments:
# when training starts, after every batch, after every epoch. You pass a
# list of them: `model.fit(..., callbacks=[checkpoint])`. Keras ships several
# (early stopping, learning-rate schedules, logging); the one that saves the
# model is `keras.callbacks.ModelCheckpoint`.
#
# ## ModelCheckpoint
#
# Its first argument is the file to write. It may contain placeholders that
# Keras fills in after each epoch: `{epoch}` and any logged metric such as
# `{val_accuracy}`, with Python's format specifications. The course's name
# `xception_v1_{epoch:02d}_{val_accuracy:.3f}` gives files like
# `xception_v1_03_0.812.keras`: epoch 3, validation accuracy 0.812.
#
# Keras 3 saves whole models in its own `.keras` format (a zip file with the
# architecture, the weights and the optimizer state), so the name should end
# in `.keras`. The course's notebooks were written for Keras 2 and used
# `.h5`, the older HDF5 format: Keras 3 still writes it but warns that it is
# legacy. For a whole model `ModelCheckpoint` takes no other ending; with
# `save_weights_only=True` it saves the weights alone, to a name ending in
# `.weights.h5`.
#
# The other arguments say when to save:
#
# - `save_best_only=True`: save only when the watched quantity beats every
#   earlier epoch, instead of after every epoch;
# - `monitor="val_accuracy"`: the quantity to watch. It exists only when the
#   model was compiled with `metrics=["accuracy"]` and `fit` gets
#   `validation_data`;
# - `mode="max"`: higher is better. For `val_loss` it would be `"min"`.
#   Saying it explicitly is clearer than letting Keras guess from the name.
#
# ## What checkpointing does not do
#
# Checkpointing does **not** prevent overfitting. The model still overfits
# while it trains; we merely keep a copy of the epoch that scored best on
# validation. To reduce overfitting itself we need regularization such as
# dropout (lesson 8.9) or more varied training data (augmentation, the
# course's 8.10, beyond this package).
# Also, since we picked that epoch *because* it scored best on the
# validation data, its validation score is a little optimistic: the test
# set, kept aside until the end, gives the honest estimate.

# %%
def make_checkpoint(filepath="xception_v1_{epoch:02d}_{val_accuracy:.3f}.keras"):
    """A callback that saves the model whenever its validation accuracy improves.

    Args:
        filepath: where to save; Keras fills in `{epoch}` and the logged
            metrics such as `{val_accuracy}`. Must end in `.keras`.

    Returns:
        A `keras.callbacks.ModelCheckpoint` that watches `val_accuracy`, treats
        higher as better, and saves only when it reaches a new maximum.
    """
    # TODO: create and return a keras.callbacks.ModelCheckpoint for filepath
    #       with the three settings described above. Which value of `mode`
    #       says that a higher val_accuracy is better?
    raise NotImplementedError("make_checkpoint")


# %% [markdown]
# ## Finding the best checkpoint
#
# After a few experiments the folder holds files such as
#
# ```text
# xception_v1_01_0.768.keras
# xception_v1_02_0.795.keras
# xception_v1_05_0.812.keras
# xception_v2_04_0.830.keras
# notes.txt
# ```
#
# Within one run, with `save_best_only=True`, every new file beats the one
# before. But files from several runs pile up in the same folder, so to find
# the best model we read the epoch and the validation accuracy back from the
# names. A regular expression does that; build it with `re.escape(prefix)`,
# since a prefix may contain characters that mean something in a regular
# expression (a `.` matches any character). Ignore every file that does not
# follow the pattern, and files of other prefixes: in the folder above, with
# the prefix `xception_v1`, the answer is `xception_v1_05_0.812.keras`, not
# the `xception_v2` file. When two files have the same accuracy, take the
# later epoch.
#
# Loading it back is one call: `keras.models.load_model(path)` returns the
# compiled model, ready for `predict` or `evaluate`.

# %%
def find_best_checkpoint(directory, prefix="xception_v1"):
    """The saved model with the highest validation accuracy in `directory`.

    Args:
        directory: the folder to look in (not its subfolders).
        prefix: the start of the checkpoint names.

    Returns:
        The `pathlib.Path` of the file named `{prefix}_{epoch}_{val_accuracy}.keras`
        (or `.h5`) with the highest `val_accuracy`; on a tie, the later epoch.
        Files whose names do not follow that pattern are ignored.

    Raises:
        FileNotFoundError: when `directory` holds no such file (or does not exist).
    """
    # TODO: go through the files directly inside `directory` (no subfolders),
    #       keep those whose whole name matches prefix, an epoch number, an
    #       accuracy and a .keras or .h5 extension, and return the path of the
    #       one with the highest accuracy (later epoch on a tie). Compare the
    #       numbers as numbers, not as strings. Raise FileNotFoundError, naming
    #       the folder, when nothing matches.
    raise NotImplementedError("find_best_checkpoint")


# %% [markdown]
# ## Training with the checkpoint
#
# With the model and data of lesson 8.5 and the learning rate from 8.6:
#
# ```python
# model = build_transfer_model(learning_rate=0.001)
# model.fit(train, epochs=10, validation_data=validation,
#           callbacks=[make_checkpoint()])
# best = keras.models.load_model(find_best_checkpoint("."))
# ```
#
# ## Try it
#
# ```text
# uv run python -m lessons.lesson7_checkpointing --data clothing-dataset-small
# ```
#
# trains the model of lesson 8.5 (your `build_transfer_model`) with a
# learning rate of 0.001 for 10 epochs and your `make_checkpoint`, writing
# the checkpoints to a new folder `lesson7-checkpoints/run-<time>/` inside
# `--out DIR` (or a new temporary folder). Your `find_best_checkpoint` then
# picks the best file, which is loaded and evaluated on the `validation`
# split: it must score the best epoch's `val_accuracy` again, the check that
# it is the right file. The `test` split waits until every choice is made;
# only the final model touches it.
# `solutions` instead of `lessons` runs the reference; the options are the
# same as in lesson 8.6 (`--limit 20` for a quick try, `--weights none`
# without internet).
#
# By default the experiment trains on the cached features of the frozen
# base (lesson 8.6), so its checkpoints are models of those features: their
# input is a photo's packed features, not the photo. They are for this
# experiment only. With `--no-cache` it trains the full model on the photos,
# as the course does, and every checkpoint is a complete model that
# classifies photos (about 80 MB each).

# %%
if __name__ == "__main__":
    from course.experiments import run_experiment

    run_experiment("lesson7", globals())
