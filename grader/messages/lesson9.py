"""Mistakes the lesson 8.9 checks can name.

The model is lesson 8.8's with dropout, so its shared mistakes are lessons 8.5's
and 8.8's, re-exported here. `{where}` names the function the learner wrote.
"""

from grader.messages.lesson8 import *  # noqa: F401,F403  (shared with lessons 8.5 and 8.8)
from grader.messages.lesson8 import HINTS as _INNER_HINTS

DROPOUT_RETURNS_LAYER = (
    "add_dropout returns the layer itself ({got}); it should call the layer on `tensor` and return "
    "what that gives, a tensor: keras.layers.Dropout(...)(tensor)."
)
DROPOUT_NOT_TENSOR = "add_dropout should return a Keras tensor of the same shape as `tensor`; got {got}."
DROPOUT_SHAPE = "add_dropout should keep the shape of its input, {expected}; yours gives {got}."
DROPOUT_IN_INFERENCE = (
    "{where} drops values at prediction time too: in inference mode dropout should let everything "
    "through unchanged. Do not pass training=True: Keras tells the layer when it is training."
)
NO_DROPOUT = (
    "{where}: in training mode nothing is dropped. Apply keras.layers.Dropout(droprate) to the "
    "inner layer's output."
)
DROPRATE_IGNORED = (
    "{where} ignores droprate: with droprate={rate:g} that share of the values should be dropped in "
    "training, but {got:.0%} are (the default of 0.5)."
)
DROPRATE_INVERTED = (
    "{where} drops {got:.0%} of the values for droprate={rate:g}: droprate is the share dropped, "
    "not the share kept."
)
DROPRATE_WRONG = (
    "{where} drops {got:.0%} of the values in training; droprate={rate:g} asks for {rate:.0%}."
)
DROPOUT_NOT_SCALED = (
    "{where}: the values that dropout keeps should be scaled by 1 / (1 - droprate) = {expected:.4g} "
    "in training (keras.layers.Dropout does this); yours are scaled by {got:.4g}."
)
DROPOUT_ON_LOGITS = (
    "the dropout acts on the model's outputs, after the output layer: it should act on the inner "
    "layer's outputs, between the inner layer and the output layer."
)
DROPOUT_BEFORE_INNER = (
    "the dropout acts before the inner layer: it should act on the inner layer's outputs, between "
    "the inner layer and the output layer."
)

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    **{k: v for k, v in _INNER_HINTS.items() if k.startswith("check_model")},
    "check_dropout_tensor": (
        "Creating a layer and calling it are two steps: Dropout(...) makes the layer, and calling it on a tensor gives a tensor.",
    ),
    "check_dropout_rate": (
        "What does the rate of keras.layers.Dropout mean: the share of values dropped, or kept?",
    ),
    "check_model_dropout": (
        "Print model.summary(): between which two layers does the Dropout layer sit?",
    ),
}
