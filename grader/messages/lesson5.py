"""Mistakes the lesson 8.5 checks can name.

The model's mistakes (from "the model" on) are shared with lessons 8.8 and 8.9,
whose models are this one with more layers: their message modules re-export
them. `{function}` is the builder the learner wrote.
"""

# --- make_datasets ------------------------------------------------------------
NOT_A_PAIR = "make_datasets should return two datasets, (train, validation); got {got}."
BATCH_NOT_PAIR = "each batch of the {split} data should be a pair (images, labels); got {got}."
NEVER_ENDS = (
    "one pass over the {split} data never ends (more than {limit} batches for {count} images). "
    "model.fit reads the data once per epoch: return a dataset that ends, not an endless generator."
)
EMPTY_PASS = (
    "the {split} data gave no batches when it was read a second time. A generator can be read "
    "only once, but model.fit reads the data again every epoch: return a dataset."
)
IMAGES_NOT_BATCH = "the {split} images should be a batch of shape (batch, height, width, 3); got {got}."
IMAGES_DTYPE = "the {split} images are {dtype}; they should be float32, as preprocess_input gives them."
TARGET_SWAPPED = (
    "target_size is (height, width): for target_size={target} the images should be {h} high and "
    "{w} wide, shape (batch, {h}, {w}, 3); yours are {got_h} high and {got_w} wide."
)
TARGET_IGNORED = (
    "make_datasets ignores target_size: for target_size={target} the images should have shape "
    "(batch, {h}, {w}, 3); yours are {got_h}×{got_w}."
)
TARGET_WRONG = (
    "for target_size={target} the images should have shape (batch, {h}, {w}, 3); yours are "
    "{got_h}×{got_w}."
)
BATCH_SIZE_IGNORED = (
    "make_datasets ignores batch_size: with batch_size={batch_size} the first {split} batch "
    "should hold {batch_size} images; it holds {got}."
)
IMAGE_COUNT = (
    "one pass over the {split} data gives {got} images, but data_dir/{split} holds {expected} "
    "images. Does each of train and validation read its own folder, every image once?"
)
INTEGER_LABELS = (
    "the labels are class numbers (a batch of labels has shape {got}); they should be one-hot "
    "vectors, shape (batch, {classes}). Which label_mode gives one-hot labels?"
)
LABELS_SHAPE = (
    "the labels of a batch of {batch} images should have shape ({batch}, {classes}), one column per "
    "class; yours have shape {got}."
)
NOT_ONE_HOT = "the labels should be one-hot: a single 1 in each row and 0 elsewhere; one row is {row}."
LABEL_ORDER = (
    "an image of the class {name!r} is labelled as class {got}; with the classes in sorted name "
    "order, {classes}, it is class {expected}."
)
NOT_PREPROCESSED = (
    "the images still have pixel values from 0 to 255 (yours run from {low:.4g} to {high:.4g}): scale "
    "every batch with keras.applications.xception.preprocess_input, which maps them to [-1, 1]."
)
RESCALED_01 = (
    "the images are scaled to [0, 1] (yours run from {low:.4g} to {high:.4g}); Xception's "
    "preprocess_input scales them to [-1, 1], as x / 127.5 - 1."
)
PREPROCESS_WRONG = (
    "an image whose pixels are {colour} should come out as {expected} after Xception's "
    "preprocess_input; yours comes out as {got}. Is it keras.applications.xception.preprocess_input?"
)
TRAIN_NOT_SHUFFLED = (
    "the training images come in the same order on every pass ({passes} passes compared). Shuffle "
    "the training data, so that each epoch sees the images in a new order."
)
VALIDATION_SHUFFLED = (
    "the validation images come in a different order on each pass. Leave the validation data "
    "unshuffled (shuffle=False): the same order every time makes epochs and runs comparable."
)
FIT_FAILED = "model.fit could not train on your datasets: {error}"

# --- the model (shared with lessons 8.8 and 8.9) ---------------------------------
NOT_A_MODEL = "{function} should return a keras.Model; got {got}."
BASE_MODEL_IGNORED = (
    "{function} built Xception although it was given a base_model: use the base model it is "
    "given, and build Xception only when base_model is None."
)
BASE_NOT_USED = (
    "the model does not contain the base_model {function} was given: call that base model on the "
    "input (base_model(inputs, training=False)) instead of building another one."
)
INPUT_SIZE_IGNORED = (
    "{function} ignores input_size: for input_size={size} the model's input should have shape "
    "(None, {size}, {size}, 3); yours is {got}."
)
INPUT_SHAPE_WRONG = (
    "for input_size={size} the model's input should have shape (None, {size}, {size}, 3); yours "
    "is {got}."
)
NUM_CLASSES_IGNORED = (
    "{function} ignores num_classes: for num_classes={classes} the model should give {classes} "
    "outputs, shape (None, {classes}); yours gives {got}."
)
OUTPUT_NOT_POOLED = (
    "the model's output has shape {got}: one prediction per position of the feature maps. Pool "
    "the base's output into one vector per image (global average pooling) before the dense layer."
)
OUTPUT_SHAPE_WRONG = "for num_classes={classes} the model's output should have shape (None, {classes}); yours is {got}."
FLATTEN = (
    "a dense layer reads {got} numbers per image: the base's {h}×{w}×{c} feature maps flattened. "
    "Use global average pooling, which averages each map to one number ({c} per image) and has "
    "no weights to learn."
)
HEAD_SHAPES = (
    "the layers after the base have weights of shapes {got}; the lesson's model has {expected} "
    "({layers})."
)
POOLING_MAX = (
    "the model pools with the maximum of each feature map; the lesson uses global average "
    "pooling, the mean of each map."
)
OUTPUT_ACTIVATION = (
    "the output layer applies {activation}. Give logits (no activation) and train with "
    "from_logits=True, or use softmax and train with from_logits=False."
)
OUTPUTS_DIFFER = (
    "with the reference's weights, your model computes different outputs: for the first image it "
    "gives {got}, the lesson's model {expected}. The layers should be: the base, {layers}."
)
TRAINING_RANDOM = (
    "in training mode your model's outputs change from one call to the next on the same images: "
    "something in it acts at random (dropout?). This lesson's model has nothing random; dropout "
    "comes in lesson 8.9."
)
BASE_TRAINABLE = (
    "the base model is still trainable: {count:,} of its weights would change in training. Freeze "
    "it (base_model.trainable = False) so that only the new layers learn."
)
NOTHING_NEW_TRAINS = (
    "the model has no new layer with weights after the frozen base, so nothing would learn. Put "
    "a dense layer on the pooled features."
)
HEAD_FROZEN = (
    "the new layers do not train: {layers} are frozen, and the model has {count:,} trainable "
    "parameters. Freeze only the base (base_model.trainable = False), not the model or its new layers."
)
NOT_COMPILED = (
    "the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=[...]) before "
    "returning it."
)
OPTIMIZER = "the model is compiled with the {got} optimizer; the lesson uses Adam (keras.optimizers.Adam)."
LEARNING_RATE_IGNORED = (
    "{function} ignores learning_rate: for learning_rate={expected:g} the optimizer uses {got:g}. "
    "Pass it on: Adam(learning_rate=learning_rate)."
)
LEARNING_RATE_WRONG = "for learning_rate={expected:g} the optimizer's learning rate is {got:g}."
EVALUATE_FAILED = (
    "model.evaluate on a batch of images with one-hot labels failed: {error}. One-hot labels need "
    "categorical cross-entropy (not the sparse one)."
)
SOFTMAX_WITH_FROM_LOGITS = (
    "the output layer applies softmax, but the loss has from_logits=True: it applies softmax a "
    "second time to your model's predictions (on a batch it gives {got:.4f} instead of "
    "{expected:.4f}; inside fit, Keras notices and warns \"received from_logits=True, but the "
    "output argument was produced by a Softmax activation\"). Either give logits (no activation) "
    "with from_logits=True, or keep softmax with from_logits=False."
)
LOGITS_WITHOUT_FROM_LOGITS = (
    "the output layer gives logits, but the loss treats them as probabilities (from_logits=False; "
    "the loss is {got:.4f}, it should be {expected:.4f}). Use "
    "keras.losses.CategoricalCrossentropy(from_logits=True)."
)
LOSS_WRONG = (
    "on a batch with one-hot labels the loss is {got:.4f}; the categorical cross-entropy of the "
    "model's own outputs is {expected:.4f}."
)
ACCURACY_MISSING = (
    "model.evaluate reports {keys} but no accuracy. Compile with metrics=[\"accuracy\"]: fit then "
    "reports accuracy and val_accuracy, which the next lessons compare."
)
ACCURACY_WRONG = (
    "the model reports accuracy {got:.4f} on a batch where the share of images whose largest output "
    "is their label is {expected:.4f}. Use metrics=[\"accuracy\"]."
)
XCEPTION_NOT_CALLED = (
    "with base_model=None, {function} should build Xception (course.pretrained.xception); "
    "it did not."
)
XCEPTION_WEIGHTS = (
    "with base_model=None the base should be Xception with its ImageNet weights "
    "(weights=\"imagenet\"); yours asks for weights={got!r}."
)
XCEPTION_TOP = (
    "with base_model=None the base should be Xception without its ImageNet classification top "
    "(include_top=False); yours asks for include_top={got!r}."
)
XCEPTION_INPUT_SHAPE = (
    "with base_model=None and input_size={size}, Xception should be built for ({size}, {size}, 3) "
    "images; yours asks for input_shape={got}."
)
XCEPTION_NOT_USED = (
    "with base_model=None, {function} built Xception but the model does not use it."
)

# Hints, from gentle to specific, for the first check that does not pass (by check function).
# Every hint is a question. MODEL_HINTS are the model's, shared with lessons 8.8 and 8.9.
MODEL_HINTS = {
    "check_model_shapes": (
        "Which base does your function use when it is given a base_model, and when does it build Xception?",
        "What do model.input_shape and model.output_shape show, and which arguments should set them?",
    ),
    "check_model_computation": (
        "What does model.summary() list between the base and the output, and in which order?",
        "Does the output layer have an activation? What does global average pooling give that Flatten does not?",
    ),
    "check_model_frozen": (
        "How many parameters does model.summary() count as trainable, and whose are they?",
        "Which attribute of the base model stops its weights from changing in training?",
    ),
    "check_model_optimizer": (
        "Which optimizer do you pass to model.compile, and with which learning rate?",
        "Does the learning_rate argument of your function reach the optimizer?",
    ),
    "check_model_loss": (
        "Does your output layer give logits or probabilities?",
        "Does your loss know which of the two it gets: what does from_logits say?",
    ),
    "check_model_accuracy": (
        "Which metrics do you pass to model.compile, and under which names does fit report them?",
    ),
    "check_model_imagenet_base": (
        "With base_model=None, which weights, top and input shape do you ask Xception for?",
        "Is the Xception you build the one the model uses, and is it frozen?",
    ),
}
HINTS = {
    "check_datasets_batches": (
        "What shape and dtype do the images of one batch have: next(iter(train))?",
        "In which order does image_dataset_from_directory take the image size: (height, width) or (width, height)? And does batch_size reach it?",
    ),
    "check_datasets_labels": (
        "What does one batch of labels look like: a number per image, or a vector per image?",
        "Which label_mode of image_dataset_from_directory gives one-hot vectors?",
    ),
    "check_datasets_preprocessed": (
        "What are the smallest and largest values of a batch of images, and what range does Xception expect?",
        "A Dataset's .map(f) applies f to each (images, labels) batch. Which function should f apply to the images?",
    ),
    "check_datasets_order": (
        "If you read the validation data twice, do the labels come in the same order?",
        "Which of the two datasets should be shuffled, and which should not?",
    ),
    "check_datasets_fit": (
        "Does model.fit(train, validation_data=validation, epochs=1) run on what your function returns?",
    ),
    **MODEL_HINTS,
}
