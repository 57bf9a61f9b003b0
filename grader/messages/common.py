"""Messages of the report, the command line and the sandbox."""

# --- command line -----------------------------------------------------------
DESCRIPTION = "Check your Module 8 lessons against the reference and say exactly what is wrong."
LESSON_HELP = "lesson5, 5 or 8.5 (any lesson), or all; leave out to see your progress"
UNKNOWN_LESSON = "unknown lesson {name!r}: choose one of {valid}, or all"
MISSING_SUBMISSION = "no such folder or file: {path}"
SUBMISSION_NOT_ALLOWED = "cannot look into {path}: {reason} (does your user have permission to open it?)"

# --- how a check ended ------------------------------------------------------
NOT_STARTED = "`{function}` is not written yet (it still raises NotImplementedError at {where})."
NOT_STARTED_UNKNOWN = "not started: your code raised NotImplementedError."
RAISED = "your code raised {error} at {where}, in `{function}`: {detail}"
RAISED_OUTSIDE = "your code raised {error}: {detail}"
CALLED_SYS_EXIT = (
    "your code called sys.exit({code}) at {where}, in `{function}`. A function hands back "
    "its result with `return`; ending the whole program stops the grader's check too."
)
MISSING_FUNCTION = "{file} has no function `{function}`. Did you rename or delete it?"
TIMEOUT = (
    "stopped after {seconds:g} s: this check never finished. Look for a loop that never "
    "ends, or work that grows much faster than the input."
)
CRASHED_SIGNAL = (
    "your code crashed Python ({signal}) while this check ran. {hint}"
)
SEGFAULT_HINT = "A segmentation fault usually means memory was misused through ctypes or a C extension."
EXITED = (
    "the Python process ended (exit status {code}) in the middle of this check. Does your "
    "code call os._exit() or sys.exit()? A function should return its result instead."
)
OUTPUT_FLOOD = (
    "your code printed {size} while this check ran. Printing inside a loop floods the "
    "screen and slows everything down: remove or limit the print."
)
IMPORT_OUTPUT_FLOOD = (
    "{file} printed {size} when it was imported. Code at the top level of the file runs on "
    "import, at every grading: put demos and prints under `if __name__ == \"__main__\":`."
)
MEMORY_EXCEEDED = (
    "your code used more than {limit:g} GB of memory while this check ran, and was stopped. "
    "Look for a list or array that keeps growing, or a copy made inside a loop."
)
UNSENDABLE = (
    "`{function}` gave back something the grader cannot receive: {detail}. Return plain "
    "values: numbers, strings, lists, tuples, dicts and NumPy arrays."
)
MODEL_NEEDS_CODE = (
    "the model `{function}` gave back cannot be rebuilt from Keras alone: {detail}. The grader "
    "judges a model as Keras saves it (a .keras file), without running your code again: build "
    "it from Keras's built-in layers (Dense, Dropout, GlobalAveragePooling2D, ...), not a "
    "Lambda layer, a layer class of your own or a subclassed Model."
)
MODEL_NOT_SAVED = (
    "the model `{function}` gave back could not be saved as a .keras file ({detail}). Build it "
    "from Keras's built-in layers with keras.Model(inputs, outputs) or keras.Sequential."
)
MODEL_UNREADABLE = (
    "the model `{function}` gave back was saved, but Keras could not load it again ({detail}). "
    "Build it from Keras's built-in layers with keras.Model(inputs, outputs) or keras.Sequential."
)
BAD_REPLY = (
    "the process running your code sent the grader something it refused ({detail}), and was "
    "stopped. Does your code write to file descriptors it did not open?"
)
CHANNEL_CLOSED = (
    "the process running your code closed its channel to the grader in the middle of this "
    "check. Does your code close file descriptors it did not open?"
)
WORKER_CANNOT_START = (
    "the grader could not start the process that runs your code, as {user} ({detail}). This "
    "is a problem of the grading machine, not of your work: please tell your instructor (as "
    "root without bubblewrap, {user} must be able to run the grader's Python)."
)
TAMPERED = (
    "files of the grader or of the reference solutions changed while this submission was "
    "graded ({files}), so this verdict does not count. Restore them (git checkout) and grade "
    "again; to keep submissions from writing anywhere, grade with bubblewrap (--sandbox bwrap)."
)
USES_REFERENCE = (
    "your code imports the reference solutions (`{module}`). Write the lesson yourself: "
    "the grader compares your work with the reference, so it cannot grade a copy of it."
)
REFERENCE_FUNCTION = (
    "`{function}` is the reference solution's function, not yours. Write it in {file}."
)
GRADER_ERROR = (
    "the grader itself failed ({detail}). This is a bug in the grader, not in your work: "
    "please report it to your instructor."
)

# --- the lesson file as a whole ---------------------------------------------
FILE_MISSING = "{file} is missing: the grader expects your lesson in a file with exactly this name."
SYNTAX_ERROR = "{file}, {where}: {detail}\n{source}"
IMPORT_FAILED = "{file} could not be imported: {detail}"
IMPORT_EXIT = (
    "{file} calls sys.exit({code}) when it is imported. Keep top-level code to definitions, "
    "and put demos under `if __name__ == \"__main__\":`."
)
IMPORT_TIMEOUT = (
    "importing {file} took more than {seconds:g} s. Code at the top level of the file runs "
    "on import: put demos and training under `if __name__ == \"__main__\":`."
)
NOT_RUN = "not run: {reason}"

# --- notebooks and the choice of file (grader.notebooks, grader.submissions) ----------
AT_LINE = "line {line}"
AT_CELL = "cell {cell}, line {line}"
NOTEBOOK_UNREADABLE = (
    "{file} cannot be graded: {detail} Open it in Jupyter and save it again, or hand in "
    "the lesson's .py file instead."
)
NOTEBOOK_NOT_JSON = "it is not a notebook's JSON (line {line}, column {column}: {detail})."
NOTEBOOK_WRONG_FORMAT = "a notebook file says \"nbformat\": 4, and this one has {found}."
NOTEBOOK_INVALID = "its notebook structure is broken ({detail})."
MAGICS_LEFT_OUT = (
    "Left out {count} {lines} of IPython magics and shell escapes ({cells}): the grader "
    "imports your code as Python, so they do not run."
)
SUBMISSION_NEWER = "Graded {graded}, not {other}: it was saved {gap} later."
SUBMISSION_SAME_TIME = (
    "Graded {graded}, not {other}: both were saved at the same moment, and then the .py file is graded."
)
NOT_A_LESSON_FILE = "not a lesson file or folder: {path} (give a folder, a .py file or an .ipynb notebook)"
SINGLE_FILE_LESSON = (
    "{path} is one file: name the lesson it holds, e.g. `python -m grader lesson5 --submission {path}`"
)

# --- the report ---------------------------------------------------------------
HEADER = "Lesson {number} · {title}   ({file})"
SCORE = "Score: {score:g}/{max_score:g}"
STATUS_MARKS = {
    "passed": "✓",
    "failed": "✗",
    "not_started": "·",
    "error": "!",
    "timeout": "⏱",
}
NOT_STARTED_LABEL = "not started"
NEXT_WRITE = "Next: write `{function}` in {file} ({where}), then run `{command}` again."
NEXT_FIX = "Next: fix what the first message above names, then run `{command}` again."
NEXT_FILE = "Next: put your lesson at {file}, then run `{command}` again."
NEXT_LESSON = "Lesson {number} passes. Next: lesson {next_number}, `{command}`."
ALL_DONE = "Lesson {number} passes. That was the last lesson: well done!"
ALL_SUMMARY = "{passed} of {total} lessons pass; {score:g}/{max_score:g} checks in all."

# --- comparing arrays (any lesson) ----------------------------------------------
WRONG_TYPE = "{what} should be a NumPy array (or something np.asarray turns into numbers); got {got}."
WRONG_SHAPE = "{what} has shape {got}; expected {expected}."
WRONG_VALUES = (
    "{what} has the right shape but wrong values: at index {index} you give {got:.6g}, "
    "expected {expected:.6g}."
)
NOT_FINITE = "{what} contains {bad} (inf or nan) at index {index}; expected {expected:.6g}."

# --- progress (python -m grader with no lesson) -------------------------------
PROGRESS_TITLE = "Your progress on Module 8 ({folder})"
PROGRESS_HEADER = ("lesson", "title", "status", "score")
PROGRESS_DONE = "done"
PROGRESS_IN_PROGRESS = "in progress"
PROGRESS_NOT_STARTED = "not started"
PROGRESS_MISSING = "file missing"
PROGRESS_UNGRADED = "–"
PROGRESS_NEXT = "Next: lesson {number}, {title}. Grade it with `{command}`."
PROGRESS_ALL_DONE = "Every lesson passes. Congratulations!"
PROGRESS_FULL = (
    "Scores shown are for the lessons that grade in a second; a model lesson's score needs "
    "TensorFlow: `uv run python -m grader lessonN` grades one in full."
)

# --- hint ------------------------------------------------------------------------
HINT_NONE_NEEDED = "Every check of lesson {number} passes: no hint needed."
HINT_CHECK = "First check to fix: {mark} {name}"
HINT_TEXT = "Hint {number} of {total}: {text}"
HINT_MORE = "Run the same command again for the next hint."
HINT_LAST = "That was the last hint for this check. Reread the lesson's prose above the function."
HINT_NO_HINTS = "There is no hint for this check yet: its message above says what differs."

# --- watch -----------------------------------------------------------------------
WATCH_START = "Watching {file}{others}. Save to grade again; Ctrl-C to stop."
WATCH_ALSO = " (or {name}, whichever you save)"  # the lesson's other file, also watched
WATCH_CHANGED = "{mark} {name}  (was {before})"
WATCH_NOW_GRADING = "Now grading {file}."
WATCH_UNCHANGED = "No check changed: {score:g}/{max_score:g}."
WATCH_PASSED = "🎉 Lesson {number} passes! Well done. Next: lesson {next_number}."
WATCH_PASSED_LAST = "🎉 Lesson {number} passes, and that was the last lesson. Well done!"

# --- batch -----------------------------------------------------------------------
BATCH_EMPTY = "no student folders in {path}: expected one folder per student, each holding lesson files"
BATCH_CASE_CLASH = "student folders {names} differ only in case; rename one so that grades cannot mix"
BATCH_IGNORED = "ignored (not a student folder): {names}"
BATCH_NO_LESSONS = "{student}: no lesson files (expected names like {example})"
BATCH_START = "Grading {count} student(s), {jobs} at a time; each line below is one student, when done."
BATCH_STUDENT = "[{done}/{total}] {student}: {summary}"
BATCH_SKIPPED = "{count} student(s) already graded in {path}; grading the other {remaining}."
BATCH_TIMEOUT = "grading took longer than {seconds:g} s and was stopped"
BATCH_CRASHED = "the grader failed on this folder ({detail})"
BATCH_TAMPERED = (
    "stopped before the next student: {student}'s grading changed the grader's or the "
    "reference's files ({files}). Restore them (git checkout), then run batch again: the "
    "students already graded are kept."
)
BATCH_DONE = "Wrote {csv} and {json}: {count} students."
BUNDLE_WRITTEN = "Wrote {out}: {count} files, grading {lessons}. Upload it in the assignment's autograder settings."
NOT_UTF8 = (
    "{file} is not UTF-8 text (byte {byte} at position {position}). Save it as UTF-8: "
    "most editors offer this under 'Save with encoding'."
)

SANDBOX_HELP = (
    "how the learner's code is confined: bwrap (bubblewrap, Linux), none (a separate process "
    "only), or auto (bwrap when it works here; the default)"
)
MEMORY_LIMIT_HELP = "memory for the learner's code in GB, over all its processes (default 4)"
SANDBOX_UNAVAILABLE = "--sandbox bwrap: {detail}"

# --- help texts of the subcommands ---------------------------------------------------
HINT_DESCRIPTION = "Show the next hint for the first check of a lesson that does not pass."
WATCH_DESCRIPTION = "Grade a lesson again every time you save it, showing only what changed."
BATCH_DESCRIPTION = "Grade every student folder in SUBMISSIONS_DIR and write a CSV of scores and a JSON of details."
BUNDLE_DESCRIPTION = (
    "Write the Gradescope autograder zip: setup.sh and run_autograder at its top, the grader, "
    "the locked dependencies and the lessons it grades."
)
