"""Mistakes the lesson 8.8 checks can name.

The model is lesson 8.5's with an inner layer, so its shared mistakes (base
trainable, loss, optimizer, ...) are lesson 8.5's, re-exported here. `{where}`
names the function the learner wrote.
"""

from grader.messages.lesson5 import (  # noqa: F401  (shared with lesson 8.5)
    ACCURACY_MISSING,
    ACCURACY_WRONG,
    BASE_MODEL_IGNORED,
    BASE_NOT_USED,
    BASE_TRAINABLE,
    EVALUATE_FAILED,
    FLATTEN,
    HEAD_FROZEN,
    HEAD_SHAPES,
    INPUT_SHAPE_WRONG,
    INPUT_SIZE_IGNORED,
    LEARNING_RATE_IGNORED,
    LEARNING_RATE_WRONG,
    LOGITS_WITHOUT_FROM_LOGITS,
    LOSS_WRONG,
    MODEL_HINTS,
    NOT_A_MODEL,
    NOT_COMPILED,
    NOTHING_NEW_TRAINS,
    NUM_CLASSES_IGNORED,
    OPTIMIZER,
    OUTPUT_ACTIVATION,
    OUTPUT_NOT_POOLED,
    OUTPUT_SHAPE_WRONG,
    OUTPUTS_DIFFER,
    POOLING_MAX,
    SOFTMAX_WITH_FROM_LOGITS,
    TRAINING_RANDOM,
    XCEPTION_INPUT_SHAPE,
    XCEPTION_NOT_CALLED,
    XCEPTION_NOT_USED,
    XCEPTION_TOP,
    XCEPTION_WEIGHTS,
)

INNER_RETURNS_LAYER = (
    "add_inner_layer returns the layer itself ({got}); it should call the layer on `vectors` and "
    "return what that gives, a tensor: keras.layers.Dense(...)(vectors)."
)
INNER_NOT_TENSOR = "add_inner_layer should return a Keras tensor of shape (batch, size_inner); got {got}."
INNER_SIZE_IGNORED = (
    "{where} ignores size_inner: with size_inner={size} the inner layer should have {size} units; "
    "yours has {got}."
)
INNER_SHAPE = (
    "add_inner_layer on vectors of shape {vectors} with size_inner={size} should give shape "
    "(None, {size}); yours gives {got}."
)
INNER_WEIGHTS = (
    "the inner layer's weights have shapes {got}; a dense layer of {size} units on {features} "
    "inputs has a kernel ({features}, {size}) and a bias ({size},)."
)
INNER_NO_RELU = (
    "{where}: the inner layer applies {activation} where it should apply ReLU. Give the dense "
    "layer activation=\"relu\"."
)
INNER_VALUES = (
    "add_inner_layer computes different values from a dense ReLU layer with the same weights: for "
    "the first vector it gives {got}, expected {expected}."
)
INNER_BEFORE_POOLING = (
    "the inner layer comes before the pooling: it is applied at every position of the feature maps "
    "and only then averaged. Pool first, and apply the inner layer to the pooled vectors."
)
INNER_MISSING = (
    "the model has no inner layer: between the pooling and the output there should be a dense "
    "layer of {size} ReLU units (add_inner_layer)."
)

# Hints, from gentle to specific, for the first check that does not pass (by check function).
# Every hint is a question.
HINTS = {
    "check_inner_layer_tensor": (
        "What does keras.layers.Dense(...) give you, and what do you get when you call it on a tensor?",
        "Does the size_inner argument reach the layer?",
    ),
    "check_inner_layer_relu": (
        "Which argument of keras.layers.Dense sets its activation, and what is its default?",
    ),
    **MODEL_HINTS,
    "check_model_computation": (
        "What does model.summary() list between the base and the output, and in which order?",
        "Is the inner layer applied to the pooled vectors, or to the feature maps before pooling? Does it have the ReLU activation and size_inner units?",
    ),
}
