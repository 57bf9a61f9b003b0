"""Mistakes the lesson 8.7 checks can name."""

# --- make_checkpoint --------------------------------------------------------------
NOT_CHECKPOINT = "make_checkpoint({call}) should return a keras.callbacks.ModelCheckpoint; got {got}."
FIT_FAILED = (
    "model.fit with make_checkpoint({call}) as a callback raised {error}: {detail}. The filepath "
    "may name only {{epoch}} and logged metrics such as {{val_accuracy}}, and must end in .keras."
)
NOTHING_SAVED = (
    "with make_checkpoint({call}) as a callback, a 4-epoch model.fit saved no file at all while "
    "val_accuracy went {history}; it should save {expected}."
)
IGNORES_FILEPATH = (
    "make_checkpoint({call}) does not save where it is told: the fit wrote {got}, but the files "
    "should follow the filepath given, {expected}. Pass `filepath` on to ModelCheckpoint."
)
WRONG_MONITOR = (
    "the checkpoint watches {monitor!r}; it should watch the validation accuracy, "
    "monitor=\"val_accuracy\". While val_accuracy went {history}, it saved epochs {got} "
    "instead of {expected}."
)
SAVES_EVERY_EPOCH = (
    "the checkpoint saves after every epoch (epochs {got}). With save_best_only=True it saves only "
    "when val_accuracy beats every earlier epoch: epochs {expected} while val_accuracy went {history}."
)
WRONG_DIRECTION = (
    "the checkpoint treats a lower val_accuracy as better: while val_accuracy went {history} it "
    "saved epochs {got} instead of {expected}. A higher accuracy is better: mode=\"max\"."
)
WRONG_EPOCHS = (
    "while val_accuracy went {history}, the checkpoint saved epochs {got}; it should save epochs "
    "{expected}, each time val_accuracy reaches a new maximum."
)
NOT_A_MODEL = (
    "the checkpoint file {name} cannot be loaded with keras.models.load_model ({detail}); it "
    "should hold the whole model."
)
NOT_THE_TRAINED_MODEL = (
    "the checkpoint file {name} does not hold the model that model.fit was training, as it was at "
    "the end of epoch {epoch}. Let ModelCheckpoint save the model itself: make_checkpoint should "
    "return the callback, not write checkpoint files of its own."
)

# --- find_best_checkpoint ---------------------------------------------------------
BEST_NOT_PATH = (
    "find_best_checkpoint should return a pathlib.Path; got {got}. Path(directory) / name gives one."
)
BEST_NAME_ONLY = (
    "find_best_checkpoint returns just the name {got}; return the file's path inside the folder "
    "(Path(directory) / name), so that it opens from any working directory."
)
BEST_NONE = "find_best_checkpoint returned None for a folder holding {names}; it should return {expected}."
BEST_WRONG = "in a folder holding {names}, find_best_checkpoint should return {expected}; it returns {got}."
BEST_NEWEST = (
    "find_best_checkpoint picks {got}, the file written last; the best checkpoint is the one with "
    "the highest val_accuracy in its name, {expected}. Files from several runs share a folder, so "
    "the newest file is not always the best."
)
BEST_LAST_EPOCH = (
    "find_best_checkpoint picks {got}, the highest epoch (the last name in sorted order); the best "
    "checkpoint is the one with the highest val_accuracy in its name, {expected}."
)
BEST_LOWEST = (
    "find_best_checkpoint picks {got}, the lowest val_accuracy; it should pick the highest, {expected}."
)
WRONG_EXTENSION = (
    "find_best_checkpoint picks {got}, which is not a checkpoint: only names ending in .keras or "
    ".h5 count. Expected {expected}."
)
OTHER_PREFIX = (
    "find_best_checkpoint(..., prefix={prefix!r}) picks {got}, a file of another run: only names "
    "that start with {prefix!r}, then _, the epoch, _ and the accuracy count. Expected {expected}."
)
UNESCAPED_PREFIX = (
    "with prefix={prefix!r}, find_best_checkpoint picks {got}: in a regular expression \".\" "
    "matches any character. Build the pattern with re.escape(prefix). Expected {expected}."
)
CRASHES_ON_OTHER_FILES = (
    "find_best_checkpoint raised {error} ({detail}) in a folder that also holds names that are not "
    "checkpoints ({others}). Skip every name that does not match the pattern instead of parsing it."
)
IGNORES_H5 = (
    "find_best_checkpoint ignores .h5 checkpoints: it picks {got}, but {expected} has a higher "
    "val_accuracy. Older Keras saved .h5 files, and they count too."
)
TIE_EARLIER = (
    "{expected} and {got} have the same val_accuracy; on a tie the later epoch wins: expected "
    "{expected}, you return {got}."
)
EPOCH_AS_STRING = (
    "find_best_checkpoint compares epochs as text, where \"9\" comes after \"10\": in a folder "
    "holding {names} it returns {got}, where numbers pick {expected}. Convert the epoch with int()."
)
ACCURACY_AS_STRING = (
    "find_best_checkpoint compares accuracies as text, as if \"0.90\" were more than \"0.9\": in "
    "a folder holding {names} it returns {got}, where numbers pick {expected}. They are the same "
    "number; convert the accuracy with float()."
)
NOT_FOUND_NONE = (
    "find_best_checkpoint returns None for {case}; it should raise FileNotFoundError naming the "
    "folder, so the mistake shows where it happened."
)
NOT_FOUND_RETURNED = (
    "find_best_checkpoint returns {got} for {case}; it should raise FileNotFoundError."
)
NOT_FOUND_WRONG_ERROR = (
    "find_best_checkpoint raised {error} ({detail}) for {case}; it should raise FileNotFoundError "
    "naming the folder."
)

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_checkpoint_default_name": (
        "Which quantity should decide whether an epoch is worth keeping: a training or a validation number, a loss or an accuracy?",
        "Is a higher val_accuracy better or worse, and which `mode` says so?",
        "Which argument makes ModelCheckpoint save only when the watched quantity improves, instead of after every epoch?",
    ),
    "check_checkpoint_given_filepath": (
        "Does the filepath that make_checkpoint receives reach ModelCheckpoint, or is a fixed name used?",
    ),
    "check_best_highest_accuracy": (
        "What decides which checkpoint is best: the time a file was written, its epoch, or the accuracy in its name?",
        "Do you return a pathlib.Path inside the folder, not just a file name or a str?",
    ),
    "check_best_ignores_other_files": (
        "Which names count as checkpoints? What about other extensions, or other prefixes?",
        "Does your pattern have to match the whole name (re.fullmatch), starting with the prefix followed by _?",
        "What does your code do with a name like xception_v1_notes.keras: skip it, or try to read numbers from it?",
    ),
    "check_best_counts_h5": (
        "Which extensions does your pattern accept? Files saved by older Keras end in .h5: are they included?",
    ),
    "check_best_tie_later_epoch": (
        "When two files have the same accuracy, which one does your comparison keep, the first seen or the last?",
        "Could you compare (accuracy, epoch) pairs instead of the accuracy alone?",
    ),
    "check_best_compares_numbers": (
        "Is \"9\" larger than \"10\" when compared as text? And is \"0.90\" larger than \"0.9\"?",
        "Do you convert the epoch with int() and the accuracy with float() before comparing?",
    ),
    "check_best_prefix": (
        "Does your code use the prefix argument, or a fixed \"xception_v1\"?",
        "In a regular expression, what does \".\" match? Which function of the re module makes a prefix match only itself?",
    ),
    "check_best_none_found": (
        "What does your function return when no file matches? Should a caller get a value, or an error?",
        "Which exception does the docstring ask for, and does it name the folder?",
    ),
}
