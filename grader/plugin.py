"""The pytest plugin that runs inside the grading process.

It loads the learner's lesson (a private copy) and the reference, gives them to
the checks as the `student` and `reference` fixtures, sorts every outcome into
passed / failed / not_started / error, and sends one JSON event per step to the
grader through a pipe. The learner's own prints go elsewhere, so they can never
forge a result.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import pytest

from grader import catalog, notebooks
from grader.expect import CheckFailure
from grader.messages import common
from grader.results import IMPORT_STEP, outcome
from grader.sandbox import (
    ReferenceImportBlocked,
    block_reference_imports,
    die_with_parent,
    functions_taken_from,
    load_module,
)

_OUTCOME = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("grader", "grading one lesson in isolation")
    group.addoption("--grader-lesson", help="the lesson id, e.g. lesson4")
    group.addoption("--grader-submission", help="the private copy of the learner's file")
    group.addoption("--grader-display", help="the learner's file as the learner names it")
    group.addoption("--grader-events-fd", type=int, help="pipe for the grader's events")


class _Grading:
    """The state of one grading session."""

    def __init__(self, config):
        self.lesson = catalog.BY_ID[config.getoption("grader_lesson")]
        self.submission = Path(config.getoption("grader_submission")).resolve()
        self.display = config.getoption("grader_display")
        self.events_fd = config.getoption("grader_events_fd")
        self.source_map = notebooks.read_source_map(self.submission)  # None unless a notebook
        self.student = None
        self.reference = None

    def emit(self, **event) -> None:
        os.write(self.events_fd, (json.dumps(event) + "\n").encode())

    # Where in the learner's file an error happened: the innermost frame of that file, as
    # (function, where), where being "line 12", or "cell 7, line 3" in a notebook.
    def student_frame(self, tb):
        found = None
        for frame, line in traceback.walk_tb(tb):
            if Path(frame.f_code.co_filename).resolve() == self.submission:
                found = (frame.f_code.co_name, self.where(line))
        return found

    def where(self, line: int | None) -> str:
        """Every line number a message shows goes through here, to point into the learner's file."""
        return notebooks.where(line, self.source_map)

    def classify(self, error: BaseException) -> dict:
        if isinstance(error, CheckFailure):
            return {"status": "failed", "message": str(error), "mistake": error.template}
        where = self.student_frame(error.__traceback__)
        function, at = where if where else ("?", self.where(None))
        if isinstance(error, ReferenceImportBlocked):
            return outcome("failed", common.USES_REFERENCE, module=error.msg)
        if isinstance(error, NotImplementedError):
            innermost = list(traceback.walk_tb(error.__traceback__))[-1][0].f_code.co_filename
            if Path(innermost).resolve() == self.submission:
                return {**outcome("not_started", common.NOT_STARTED, function=function, where=at),
                        "function": function, "where": at}
        if isinstance(error, SystemExit):
            return outcome("failed", common.CALLED_SYS_EXIT, code=error.code, where=at, function=function)
        detail = _one_line(error)
        if where:
            return outcome("error", common.RAISED, error=type(error).__name__, where=at,
                            function=function, detail=detail)
        return outcome("error", common.GRADER_ERROR, detail=f"{type(error).__name__}: {detail}")

    def import_student(self) -> dict:
        """Load the learner's file; the outcome of the import step."""
        block_reference_imports()
        sys.dont_write_bytecode = True
        try:
            self.student = load_module(self.submission, f"student_{self.lesson.id}")
        except SyntaxError as error:
            source = (error.text or "").rstrip("\n")
            caret = " " * max((error.offset or 1) - 1 - (len(source) - len(source.lstrip())), 0) + "^"
            return outcome("error", common.SYNTAX_ERROR, file=self.display, where=self.where(error.lineno),
                            detail=error.msg, source=f"    {source.strip()}\n    {caret}")
        except SystemExit as error:
            return outcome("error", common.IMPORT_EXIT, file=self.display, code=error.code)
        except BaseException as error:  # the learner's top-level code may raise anything
            ended = self.classify(error)
            if ended["status"] == "failed":
                return ended
            where = self.student_frame(error.__traceback__)
            detail = f"{type(error).__name__} at {where[1] if where else self.where(None)}: {_one_line(error)}"
            return outcome("error", common.IMPORT_FAILED, file=self.display, detail=detail)
        if self.submission.parent != catalog.SOLUTIONS_DIR.resolve():
            taken = functions_taken_from(self.student, catalog.SOLUTIONS_DIR)
            if taken:
                return outcome("failed", common.REFERENCE_FUNCTION, function=taken[0], file=self.display)
        return {"status": "passed", "message": ""}



def _one_line(error: BaseException, limit: int = 300) -> str:
    text = " ".join(str(error).split()) or "(no message)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    return doc.strip().splitlines()[0] if doc else item.name


_session: _Grading | None = None


def pytest_configure(config):
    global _session
    if config.getoption("grader_lesson"):
        if os.environ.get("GRADER_PARENT_PID"):
            die_with_parent(int(os.environ["GRADER_PARENT_PID"]))
        _session = _Grading(config)


def pytest_collectreport(report):
    if report.failed and _session is not None:
        _session.emit(event="grader_error", detail=str(report.longrepr)[-2000:])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    grading = _session
    if grading is not None:
        grading.emit(event="collected", checks=[{"nodeid": i.nodeid, "name": _title(i)} for i in items])


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    grading = _session
    if grading is None:
        return None
    if session.testsfailed:
        return True  # a broken checks file was reported by pytest_collectreport
    grading.emit(event="start", nodeid=IMPORT_STEP)
    ended = grading.import_student()
    grading.emit(event="result", nodeid=IMPORT_STEP, **ended)
    if ended["status"] != "passed":
        return True
    grading.reference = load_module(
        catalog.SOLUTIONS_DIR / grading.lesson.filename, f"_reference_{grading.lesson.id}"
    )
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    grading = _session
    if grading is not None:
        grading.emit(event="start", nodeid=item.nodeid)
    yield
    if grading is not None:
        ended = item.stash.get(_OUTCOME, {"status": "passed", "message": ""})
        grading.emit(event="result", nodeid=item.nodeid, **ended)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    grading = _session
    if grading is None or _OUTCOME in item.stash:
        return
    if report.failed and call.excinfo is not None:
        item.stash[_OUTCOME] = grading.classify(call.excinfo.value)
    elif report.skipped:
        item.stash[_OUTCOME] = outcome("error", common.GRADER_ERROR, detail=f"skipped: {report.longrepr}")


def pytest_sessionfinish(session):
    grading = _session
    if grading is not None:
        grading.emit(event="finished", tensorflow_imported="tensorflow" in sys.modules)


class _StudentModule:
    """The learner's module; a missing function fails the check with a clear message."""

    def __init__(self, module, display):
        self._module, self._display = module, display

    def __getattr__(self, name):
        __tracebackhide__ = True
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise CheckFailure(common.MISSING_FUNCTION, file=self._display, function=name) from None


@pytest.fixture(scope="session")
def student(request):
    grading = _session
    return _StudentModule(grading.student, grading.display)


@pytest.fixture(scope="session")
def reference(request):
    return _session.reference
