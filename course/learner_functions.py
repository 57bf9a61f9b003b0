"""Finding the learner's functions for an experiment, and refusing those not written yet.

The functions come from the running lesson file; lessons 6 and 7 also use
`build_transfer_model` from lesson 5's file in the same folder (lessons/ or
solutions/). A function whose body still ends in `raise NotImplementedError`
stops the run with a one-line message naming it and the grader command.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import textwrap
import traceback
from pathlib import Path

from course.experiment_catalog import ExperimentError

LESSON5_FILE = "lesson5_transfer_learning"


def _is_stub(function) -> bool:
    """True when `function`'s body still ends in `raise NotImplementedError`."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    last = node.body[-1]
    return isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last)


def file_of(namespace: dict) -> str:
    path = namespace.get("__file__")
    return display_path(Path(path)) if path else "the lesson file"


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _lesson_of_file(path: str) -> str:
    match = re.match(r"lesson(\d)_", Path(path).name)
    return f"lesson{match.group(1)}" if match else "lessonN"


def needed_functions(namespace: dict, names: tuple[str, ...], lesson: str):
    """The functions `names` of `namespace`, or a one-line error for one that is missing or a stub."""
    found = {}
    for name in names:
        function = namespace.get(name)
        file = file_of(namespace)
        if not callable(function):
            raise ExperimentError(f"{file} has no function `{name}`: the {lesson} experiment needs it.")
        if _is_stub(function):
            raise ExperimentError(
                f"write `{name}` in {file} first: it still raises NotImplementedError. "
                f"Check it with `uv run python -m grader {_lesson_of_file(file)}`."
            )
        found[name] = function
    return found


def not_started_message(error: NotImplementedError, lesson: str) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    frame = frames[-1] if frames else None
    if frame is None:
        return f"something is not written yet (NotImplementedError: {error})."
    return (
        f"write `{frame.name}` in {display_path(Path(frame.filename))} first: it still raises "
        f"NotImplementedError (line {frame.lineno}). Check it with "
        f"`uv run python -m grader {_lesson_of_file(frame.filename)}`."
    )


def lesson5_namespace(namespace: dict) -> dict:
    """Lesson 5's functions from the same folder as the running lesson (lessons/ or solutions/)."""
    package = namespace.get("__package__") or getattr(namespace.get("__spec__"), "parent", None)
    if package:
        module = importlib.import_module(f"{package}.{LESSON5_FILE}")
    else:  # run as a script or in a notebook: the lesson 5 file next to this one
        folder = Path(namespace["__file__"]).resolve().parent if namespace.get("__file__") else Path.cwd()
        path = folder / f"{LESSON5_FILE}.py"
        if not path.is_file():
            raise ExperimentError(f"no {LESSON5_FILE}.py next to this lesson (looked in {folder}).")
        spec = importlib.util.spec_from_file_location(f"_experiment_{LESSON5_FILE}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return vars(module)

