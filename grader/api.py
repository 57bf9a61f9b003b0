"""Grade a lesson from Python: what the command line, batch grading and the tests call."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from course.quiet_tensorflow import without_startup_noise
from grader import catalog, integrity, notebooks, submissions
from grader.judge import confinement
from grader.messages import common
from grader.results import IMPORT_STEP, CheckResult, LessonResult, outcome
from grader.runner import Options, grading_folders, run_checks
from grader.standby import Standbys

DEFAULT_MEMORY_LIMIT = 4.0  # GB: a TensorFlow lesson's worker needs about 1.5


def display_path(path: Path) -> str:
    """`path` as the learner would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def grade(lesson: catalog.Lesson | str, submission_dir: Path | str | None = None,
          *, timeout: float | None = None, deadline: float | None = None, sandbox: str = "auto",
          memory_limit: float = DEFAULT_MEMORY_LIMIT, standbys: Standbys | None = None) -> LessonResult:
    """Run every check of `lesson` on the learner's file in `submission_dir` (default `lessons/`),
    or on the single .py or .ipynb file `submission_dir` names (see grader.submissions).

    The file is copied to a private folder first (a notebook is converted to Python
    without running it), so nothing the learner's code does can change
    `submission_dir`. `deadline` (a time.monotonic() value) stops grading there;
    checks not run by then count as timed out.

    The learner's code runs in a worker confined by `sandbox` ("auto", "bwrap" or "none",
    see grader.judge.confinement; `SandboxUnavailable` if "bwrap" does not work here),
    within `memory_limit` GB. Unless bubblewrap kept it from writing, a change to the
    grader's or the reference's files during grading voids the verdict (`result.tampered`).

    With `standbys` (grader.standby), the judge and worker that grade were started ahead of
    time, and the next ones start as soon as this grading is done; the result is the same.
    """
    if isinstance(lesson, str):
        lesson = catalog.resolve(lesson)
    sandbox = confinement.resolve(sandbox)
    hashing = sandbox != "bwrap"  # without bubblewrap the worker could write
    before = integrity.fingerprint() if hashing else None
    chosen = submissions.choose(lesson, Path(submission_dir) if submission_dir is not None else catalog.LESSONS_DIR)
    original = chosen.path
    display = display_path(original)
    notes = [chosen.reason] if chosen.reason else []
    problem = unreadable(original, display)
    options = grading_options(lesson, timeout, sandbox, memory_limit)
    timeout = options.timeout
    standby = standbys.take(lesson, options) if standbys is not None else None
    with tempfile.TemporaryDirectory(prefix="grader-") as tmp:
        try:
            copy, workdir = (standby.submission, standby.workdir) if standby else grading_folders(Path(tmp), lesson, sandbox)
            if original.is_file() and problem is None:
                problem = copy_submission(chosen, copy, display, notes)
            runs = run_checks(lesson, copy, display, options, workdir, deadline, standby)
        finally:
            if standby is not None:
                standbys.give_back(standby)
    result = assemble(lesson, display, runs, original.is_file(), timeout, problem)
    result.notes = notes
    if before is not None:
        void_if_tampered(result, integrity.changed(before, integrity.fingerprint()))
    if standbys is not None and not result.tampered:  # a standby would import the altered files
        standbys.top_up(lesson, options)
    return result


def grading_options(lesson: catalog.Lesson, timeout: float | None = None, sandbox: str = "auto",
                    memory_limit: float = DEFAULT_MEMORY_LIMIT) -> Options:
    """The options `grade` grades `lesson` with, given its arguments: what a standby started
    ahead of time for it must have been started with (`Standbys.top_up`)."""
    return Options(timeout or lesson.check_timeout, confinement.resolve(sandbox), memory_limit)


def void_if_tampered(result: LessonResult, files: list[str]) -> None:
    """A verdict reached while the grader's or the reference's files changed does not count."""
    if not files:
        return
    result.tampered = files
    result.broken = True
    shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
    voided = outcome("error", common.TAMPERED, files=shown)
    for check in result.tests:
        check.status, check.message, check.mistake, check.score = "error", voided["message"], voided["mistake"], 0.0


def copy_submission(chosen: submissions.Submission, copy: Path, display: str, notes: list[str]) -> dict | None:
    """Put the learner's file at `copy` (a notebook converted, with its source map beside it);
    the outcome that stops grading when the notebook cannot be read, else None."""
    if not chosen.is_notebook:
        shutil.copyfile(chosen.path, copy)
        return None
    try:
        converted = notebooks.convert(chosen.path.read_text(encoding="utf-8"))
    except notebooks.NotebookError as error:
        return outcome("error", common.NOTEBOOK_UNREADABLE, file=display, detail=str(error))
    copy.write_text(converted.source, encoding="utf-8")
    notebooks.write_source_map(copy, converted.source_map)
    note = notebooks.left_out_note(converted.left_out)
    if note:
        notes.append(note)
    return None


def unreadable(path: Path, display: str) -> dict | None:
    """Why the learner's file cannot be graded before running it (not UTF-8), or None."""
    try:
        path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as error:
        return outcome("error", common.NOT_UTF8, file=display, byte=hex(error.object[error.start]),
                       position=error.start)
    return None


def assemble(lesson: catalog.Lesson, display: str, runs, file_exists: bool, timeout: float,
             problem: dict | None = None) -> LessonResult:
    result = LessonResult(lesson=lesson.id, title=f"{lesson.course_number} {lesson.title}", file=display)
    checks = next((run.checks for run in runs if run.checks is not None), None)
    outcomes: dict[str, dict] = {}
    for run in runs:
        outcomes.update(run.outcomes)
        if run.interrupted:
            outcomes[run.interrupted] = run.interruption
        if run.finished:
            result.tensorflow_imported = run.tensorflow_imported
        result.confinement = run.confinement or result.confinement
    grader_error = next((run.grader_error for run in runs if run.grader_error), None)
    if not file_exists:
        import_outcome = outcome("error", common.FILE_MISSING, file=display)
    else:
        import_outcome = outcomes.get(IMPORT_STEP)
    if import_outcome is not None and import_outcome["status"] == "timeout":
        import_outcome = outcome("timeout", common.IMPORT_TIMEOUT, file=display, seconds=timeout)
    if problem is not None:
        import_outcome = problem
    if grader_error is not None or checks is None:
        detail = grader_error or "no checks were collected"
        printed = without_startup_noise(runs[-1].output_sample.decode(errors="replace"))
        tail = printed.strip().splitlines()[-5:]
        import_outcome = outcome("error", common.GRADER_ERROR, detail=" / ".join([detail[-500:], *tail]))
        checks = checks or [{"nodeid": "grader", "name": "the grader runs"}]
    broken = import_outcome is None or import_outcome["status"] != "passed"
    result.broken = broken
    for check in checks:
        ended = import_outcome if broken else outcomes.get(check["nodeid"])
        if ended is None and any(run.out_of_time for run in runs):
            ended = outcome("timeout", common.NOT_RUN, reason="the time for this submission ran out")
        elif ended is None:  # cannot happen unless the child lost track: never count it passed
            ended = outcome("error", common.NOT_RUN, reason="the check did not report")
        status = ended["status"]
        result.tests.append(CheckResult(
            name=check["name"],
            check_id=check["nodeid"].rpartition("::")[2],
            status=status,
            message=ended.get("message", ""),
            score=1.0 if status == "passed" else 0.0,
            mistake=ended.get("mistake"),
            function=ended.get("function"),
            where=ended.get("where"),
        ))
    return result

