"""Mistakes the lesson 8.1 checks can name."""

CLASSES_NOT_LIST = "list_classes should return a list of folder names (strings); got {got}."
CLASSES_NOT_STRINGS = "list_classes should return the class names as strings; the first item is a {got}."
CLASSES_UNSORTED = "list_classes returned {got}: the names are right but not sorted. Expected {expected}."
CLASSES_INCLUDE_FILES = (
    "list_classes returned {extra}, which {verb} not a class folder. Skip files (README.md, .DS_Store) "
    "and hidden entries whose names start with a dot."
)
CLASSES_WRONG = "list_classes returned {got}; the class folders in train/ are {expected}."
CLASSES_PATH_DIFFERS = (
    "list_classes gives {got} for the folder as a pathlib.Path, but {with_str} for the same folder "
    "as a string; it should give the same for both."
)
MISSING_NOT_RAISED = "list_classes({path!r}) returned {got} for a folder that does not exist; it should raise FileNotFoundError."
MISSING_WRONG_ERROR = "for a missing folder, list_classes raised {error}; it should raise FileNotFoundError."
MISSING_PATH_NOT_NAMED = (
    "the FileNotFoundError says {said!r}, which does not name the missing path. Put the path in "
    "the message so the learner sees where the grader looked."
)
COUNTS_NOT_DICT = "count_images should return a dict {{split: {{class: count}}}}; got {got}."
COUNTS_SPLITS = "count_images returned the splits {got}; the folder has {expected}."
COUNTS_HIDDEN_CLASS = "in {split}/, count_images counted the hidden folder {name!r} as a class."
COUNTS_CLASSES = "in {split}/, count_images found the classes {got}; expected {expected}."
COUNTS_UPPERCASE = (
    "{split}/{name} has {expected} images; you counted {got}. Some file names end in upper case "
    "(.JPG, .PNG, .JPEG): does your extension test ignore case?"
)
COUNTS_NON_IMAGES = (
    "{split}/{name} has {expected} images; you counted {got}. Are you counting every file, "
    "including README.md, .DS_Store or notes.txt?"
)
COUNTS_WRONG = "{split}/{name} has {expected} images; you counted {got}."

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_classes_sorted": (
        "What does the folder train/ contain besides one folder per class?",
        "Which pathlib.Path method tells a folder from a file? And what do hidden names start with?",
        "Does os.listdir (or Path.iterdir) promise any order? Which built-in puts names in order?",
    ),
    "check_classes_accept_path": (
        "What happens if data_dir is a pathlib.Path rather than a string: does your code join paths with `+`?",
        "Could you turn data_dir into a Path first, whatever it was given as?",
    ),
    "check_missing_folder": (
        "What should a caller see when the folder is not there: an empty list, or an error?",
        "Which built-in exception means 'no such file or folder'? Does your message include the path you looked at?",
    ),
    "check_count_images": (
        "Which files in a class folder are images, and which are README.md, .DS_Store or notes.txt?",
        "Is 'photo.JPG' an image? How could you compare an extension without caring about case?",
        "Does your count go into hidden folders such as .ipynb_checkpoints?",
    ),
    "check_count_only_existing_splits": (
        "What if the dataset has no test/ folder: should the result still mention 'test'?",
        "Which Path method tells whether a split folder exists before you count it?",
    ),
}
