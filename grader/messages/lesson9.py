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
    "{where} drops values when the model predicts, e.g. model(images): dropout should act only "
    "while the model trains. Do not pass training=True to the layer: Keras tells it when the "
    "model is training."
)
NO_DROPOUT = (
    "{where}: in training mode no value is set to zero. Dropout should zero a droprate share of "
    "the values at each training step: use keras.layers.Dropout(droprate)."
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
# Every hint is a question.
HINTS = {
    **_INNER_HINTS,
    "check_dropout_tensor": (
        "What does keras.layers.Dropout(...) give you, and what do you get when you call it on a tensor?",
        "Do you pass training= when you call the layer? Who should decide when the model is training?",
    ),
    "check_dropout_rate": (
        "What does the rate of keras.layers.Dropout mean: the share of values dropped, or kept?",
        "Does the droprate argument reach the layer?",
    ),
    "check_model_dropout": (
        "What does model.summary() list between the inner layer and the output layer?",
        "Is the dropout applied to the inner layer's output, and with the droprate your function was given?",
    ),
}
