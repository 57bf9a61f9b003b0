"""Mistakes the lesson 8.3 checks can name."""

# --- load_pretrained_model ----------------------------------------------------
NOT_MODEL = (
    "load_pretrained_model({call}) should return the Keras model that Xception builds; got {got}. "
    "Did you forget `return`?"
)
NO_XCEPTION = (
    "load_pretrained_model({call}) never built Xception: neither course.pretrained.xception nor "
    "keras.applications.Xception was called."
)
NO_TOP = (
    "load_pretrained_model builds Xception with include_top=False, which drops the ImageNet "
    "classification top. This lesson uses the network as it was trained: keep the top "
    "(include_top=True) to get one probability for each of the 1000 ImageNet classes."
)
WEIGHTS_WRONG = (
    "load_pretrained_model({call}) asked Xception for weights={got!r}; it should pass on "
    "weights={expected!r}. Hand the `weights` argument on instead of writing a value of your own."
)
INPUT_SHAPE_WRONG = (
    "load_pretrained_model({call}) built Xception for input_shape={got}; it should pass on "
    "input_shape={expected}. Hand the `input_shape` argument on instead of writing a value of your own."
)
CLASSES_WRONG = (
    "load_pretrained_model asked Xception for classes={got}; the ImageNet top has 1000 classes. "
    "Leave `classes` at its default."
)
NOT_SOFTMAX = (
    "load_pretrained_model asked Xception for classifier_activation={got!r}; the ImageNet top ends "
    "with a softmax, so that each row of the output is a probability distribution. Leave "
    "`classifier_activation` at its default."
)
OUTPUT_SHAPE = (
    "load_pretrained_model({call}) returned a model whose output has shape {got}; expected "
    "{expected}: one probability per ImageNet class for each image."
)
INPUT_SHAPE_OF_MODEL = (
    "load_pretrained_model({call}) returned a model that takes inputs of shape {got}; expected {expected}."
)
NOT_XCEPTION_SIZE = (
    "load_pretrained_model({call}) returned a model with {got:,} parameters; Xception with its "
    "ImageNet top has {expected:,}. Build it with course.pretrained.xception."
)

# --- prepare_batch --------------------------------------------------------------
BATCH_NOT_ARRAY = (
    "prepare_batch should return a NumPy array; got {got}. (A TensorFlow tensor turns into one "
    "with np.asarray or .numpy().)"
)
BATCH_SHAPE = (
    "prepare_batch of {n} images of shape {image_shape} should give one batch of shape {expected}: "
    "the image index comes first, (N, H, W, 3). You give {got}. np.stack puts the images along a "
    "new first axis."
)
NOT_SCALED = (
    "prepare_batch returns the pixel values unscaled (0 to 255). Scale the batch with "
    "keras.applications.xception.preprocess_input, which maps 0 to -1 and 255 to 1."
)
SCALED_0_1 = (
    "prepare_batch scales the pixels to [0, 1] (x / 255). Xception was trained on inputs in [-1, 1]: "
    "use keras.applications.xception.preprocess_input (x / 127.5 - 1)."
)
WRONG_SCALING = (
    "prepare_batch does not scale the pixels as Xception's preprocess_input does (x / 127.5 - 1): "
    "pixel value {pixel:g} at index {index} became {got:.6g}, expected {expected:.6g}."
)
NOT_FLOAT32 = (
    "prepare_batch({inputs}) returns dtype {dtype}; the batch should be float32, the type Keras "
    "models compute in (float64 doubles the memory of every batch). Make the new array float32 "
    "before scaling it."
)
CHANGED_INPUT = (
    "prepare_batch changed the images it was given ({inputs}). preprocess_input scales a float "
    "array in place, so scale a new float32 array of your own, never the caller's."
)

# --- top_k_predictions ----------------------------------------------------------
TOPK_NOT_LIST = (
    "top_k_predictions should return a list with one list of (class_name, probability) pairs per "
    "row; got {got}."
)
TOPK_ONE_ROW = (
    "top_k_predictions handles only one row: for {n} rows of probabilities it should return {n} "
    "lists, one per row (image). Loop over every row."
)
TOPK_ROWS = "for {n} rows of probabilities, top_k_predictions should return {n} lists, one per row; you return {got}."
TOPK_K_IGNORED = (
    "top_k_predictions(..., k={k}) gives {got} pairs per row; it should keep only the k={k} most "
    "probable classes. Use the `k` argument."
)
TOPK_LENGTH = (
    "top_k_predictions(..., k={k}) with {classes} classes should give {expected} pairs per row "
    "(all the classes when there are fewer than k); row {row} has {got}."
)
TOPK_NOT_PAIRS = "each item should be a (class_name, probability) tuple; row {row} holds {got}."
TOPK_INDICES = (
    "top_k_predictions gives column numbers ({got!r}) instead of class names: column j is the "
    "class class_names[j]."
)
TOPK_NAME_NOT_STR = "the class names should be the strings of class_names; row {row} holds {got}."
TOPK_ASCENDING = (
    "top_k_predictions lists the classes least probable first; the most probable should come "
    "first. Row {row}: expected {expected}, you give {got}."
)
TOPK_ORDER = (
    "top_k_predictions gives the right classes in the wrong order; the most probable should come "
    "first. Row {row}: expected {expected}, you give {got}."
)
TOPK_LEAST = (
    "top_k_predictions picks the k least probable classes: np.argsort orders from the smallest "
    "value to the largest. Row {row}: expected {expected}, you give {got}."
)
TOPK_WRONG_CLASSES = "row {row}: the {k} most probable classes are {expected}; you give {got}."
TOPK_NOT_FLOAT = (
    "the probabilities should be Python floats; row {row} holds {got!r} of type {kind}. Convert "
    "each one with float()."
)
TOPK_PROBABILITY = (
    "row {row}: class {name!r} has probability {expected!r} in the input; you give {got!r}. "
    "Return each probability as it is, unrounded."
)
TOPK_CHANGED_INPUT = (
    "top_k_predictions changed the probabilities it was given (sorted in place?). Leave the "
    "input array as it was: np.argsort returns a new array of positions."
)
NO_VALUE_ERROR = (
    "top_k_predictions with {names} class names for {columns} columns of probabilities should "
    "raise ValueError; it returned {got}. Compare len(class_names) with the number of columns first."
)
WRONG_ERROR = (
    "top_k_predictions with {names} class names for {columns} columns of probabilities raised "
    "{error} ({detail}); it should raise ValueError, naming the mismatch. Compare "
    "len(class_names) with the number of columns before anything else."
)

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_load_imagenet_top": (
        "Which function does the lesson ask you to build Xception with, and do you return what it gives back?",
        "Which argument of Xception keeps the classification top that outputs the 1000 ImageNet probabilities?",
    ),
    "check_load_passes_arguments": (
        "When someone calls load_pretrained_model(input_shape=(150, 150, 3), weights=None), do those values reach Xception?",
        "Do you pass your own function's arguments on, or fixed values typed into the call?",
    ),
    "check_load_real_model": (
        "Does load_pretrained_model(input_shape=(71, 71, 3), weights=None) run on its own in a Python shell, and what does model.summary() show?",
        "Is the model you return Xception itself, with its top, rather than something built around it?",
    ),
    "check_prepare_uint8": (
        "What shape should a batch of N images of shape (H, W, 3) have, and which axis holds the image index?",
        "What are the smallest and largest values of your batch? Xception expects them in [-1, 1]: which function does that scaling?",
        "Which dtype does your batch have, and where in your code could you ask for float32?",
    ),
    "check_prepare_float": (
        "If the images are already float64, which dtype does your batch come out with?",
        "Do you convert to float32 yourself, or rely on preprocess_input to do it (it only converts integer arrays)?",
    ),
    "check_prepare_inputs_unchanged": (
        "Given a float32 array, does np.asarray make a copy or hand back the same array?",
        "preprocess_input changes a float array in place: is the array it scales always one you created yourself?",
    ),
    "check_top_k_rows": (
        "Do you return one list per row of probabilities, each of (name, probability) tuples?",
        "Which NumPy function gives the positions of the values in sorted order, and in which direction does it sort?",
        "Is each probability a Python float, equal to the value in the input?",
    ),
    "check_top_k_sizes": (
        "Does the number of pairs per row follow k, including the default k=5?",
        "What does slicing [:k] give when k is larger than the number of classes?",
    ),
    "check_top_k_value_error": (
        "What should happen when there are more or fewer class names than columns?",
        "Do you compare len(class_names) with the number of columns before looking anything up, and raise ValueError when they differ?",
    ),
}
