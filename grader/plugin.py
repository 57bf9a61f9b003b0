"""The pytest plugin of the judge: the process that holds the checks, the reference and the verdict.

The learner's file never enters this process: `grader.judge.supervisor` starts
the worker as soon as pytest starts (its imports overlap the judge's), the
`student` fixture is a proxy to it (`grader.judge.proxy`), and what the learner's
code returned or raised arrives as data. The plugin sorts every outcome into
passed / failed / not_started / error / timeout, and sends one JSON event per
step to the grader over its own channel, which the learner's code never holds.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from grader import catalog, notebooks, protocol
from grader.expect import CheckFailure
from grader.judge import confinement
from grader.judge.supervisor import Settings, Supervisor, WorkerFailure, output_size_text
from grader.messages import common
from grader.results import IMPORT_STEP, outcome

OUTPUT_LIMIT = 1_000_000  # bytes of output one step may print before it counts as a flood

_OUTCOME = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("grader", "grading one lesson in isolation")
    group.addoption("--grader-lesson", help="the lesson id, e.g. lesson4")
    group.addoption("--grader-submission", help="the private copy of the learner's file")
    group.addoption("--grader-display", help="the learner's file as the learner names it")
    group.addoption("--grader-channel", help="the address of the grader's events channel")
    group.addoption("--grader-sandbox", default="none", help="bwrap or none: how the worker is confined")
    group.addoption("--grader-timeout", type=float, default=10.0, help="seconds per check")
    group.addoption("--grader-memory-limit", type=float, default=4.0, help="GB for the worker's process tree")
    group.addoption("--grader-standby", action="store_true",
                    help="start before the learner's file exists, and grade it on the grader's go")


class _Grading:
    """The state of one grading session."""

    def __init__(self, config):
        self.lesson = catalog.BY_ID[config.getoption("grader_lesson")]
        self.submission = Path(config.getoption("grader_submission")).resolve()
        self.display = config.getoption("grader_display")
        self.channel = _reused_channel or Client(config.getoption("grader_channel"),
                                                 authkey=bytes.fromhex(os.environ.pop("GRADER_CHANNEL_KEY")))
        self.source_map = notebooks.read_source_map(self.submission)  # None unless a notebook
        self.supervisor = None
        self.start_failure = None  # the outcome of the import when the worker could not start
        self.reference = None
        self.standby = config.getoption("grader_standby")
        self.start_worker(config)

    def start_worker(self, config) -> None:
        if _forks is not None and self.standby:
            scratch = _forks.new_scratch()
        else:
            scratch = Path.cwd() / "worker-scratch"
            scratch.mkdir(exist_ok=True)
        self.confinement = config.getoption("grader_sandbox")
        settings = Settings(submission=self.submission, module_name=f"student_{self.lesson.id}",
                            scratch=scratch, output=Path.cwd() / "worker-output.log",
                            sandbox=self.confinement, timeout=config.getoption("grader_timeout"),
                            memory_limit=config.getoption("grader_memory_limit"),
                            standby=standby_modules(self.lesson) if self.standby else None,
                            forks=_forks if self.standby else None)
        confinement.share_with_worker(scratch, scratch, self.confinement)
        try:
            self.supervisor = Supervisor(settings)
        except WorkerFailure as failure:
            self.start_failure = failure.outcome

    def await_go(self) -> None:
        """A standby's wait (no CPU) for the grader's go, which says that the private copy of
        the learner's file is in place and how the learner names it. What a cold grading imports
        for a model lesson is imported first, so that only the learner's file and the checks
        remain. A grader that gave up its standby closes the channel: then end, with the worker."""
        for name in standby_modules(self.lesson):
            __import__(name)
        if self.supervisor is not None:
            try:
                self.supervisor.wait_ready()  # the worker's imports too: then nothing uses the CPU
            except WorkerFailure as failure:
                self.start_failure = failure.outcome
        self.emit(event="standing_by")
        try:
            go = protocol.receive(self.channel)
        except (EOFError, OSError, protocol.ProtocolError):
            go = {}
        if go.get("go") is not True:
            if self.supervisor is not None:
                self.supervisor.close()
            confinement.kill_descendants()
            os._exit(0)
        self.display = go["display"]
        self.source_map = notebooks.read_source_map(self.submission)  # written with the copy

    def emit(self, **event) -> None:
        protocol.send(self.channel, event)

    def output_size(self) -> int:
        """Bytes the learner's code has printed so far (the worker's output)."""
        return self.supervisor.output_size() if self.supervisor is not None else 0

    def where(self, line: int | None) -> str:
        """Every line number a message shows goes through here, to point into the learner's file."""
        return notebooks.where(line, self.source_map)

    def error_data(self, error: BaseException) -> dict:
        from grader.judge.proxy import LEARNER_ERRORS

        if isinstance(error, LEARNER_ERRORS):
            return error.data
        return protocol.error_data(error, self.submission)

    def classify(self, error: BaseException) -> dict:
        if isinstance(error, CheckFailure):
            return {"status": "failed", "message": str(error), "mistake": error.template}
        if isinstance(error, WorkerFailure):
            return error.outcome
        return self.classify_data(self.error_data(error))

    def classify_data(self, data: dict) -> dict:
        """How a step ended, from what the learner's code raised (see protocol.error_data)."""
        frames = data.get("frames") or []
        function, at = (frames[-1][0], self.where(frames[-1][1])) if frames else ("?", self.where(None))
        kind = data.get("type")
        if kind == "ReferenceImportBlocked":
            return outcome("failed", common.USES_REFERENCE, module=data["message"])
        if kind in ("FileNotFoundError", "PermissionError") and str(catalog.SOLUTIONS_DIR) in data.get("message", ""):
            # under bubblewrap solutions/ is an empty folder: reading the reference by path fails
            return outcome("failed", common.USES_REFERENCE, module=str(catalog.SOLUTIONS_DIR))
        if kind == "NotImplementedError" and data.get("not_implemented_here"):
            return {**outcome("not_started", common.NOT_STARTED, function=function, where=at),
                    "function": function, "where": at}
        if "exit_code" in data:
            return outcome("failed", common.CALLED_SYS_EXIT, code=data["exit_code"], where=at, function=function)
        detail = _one_line(data.get("message", ""))
        if frames:
            return outcome("error", common.RAISED, error=kind, where=at, function=function, detail=detail)
        return outcome("error", common.GRADER_ERROR, detail=f"{kind}: {detail}")

    def import_student(self) -> dict:
        """Load the learner's file in the worker; the outcome of the import step."""
        if self.start_failure is not None:
            return self.start_failure
        try:
            answer = self.supervisor.import_outcome()
        except WorkerFailure as failure:
            return failure.outcome
        if answer.get("import") == "reference_function":
            return outcome("failed", common.REFERENCE_FUNCTION, function=answer["function"], file=self.display)
        if answer.get("import") != "passed":
            return self.import_failure(answer.get("error") or {})
        return {"status": "passed", "message": ""}

    def import_failure(self, data: dict) -> dict:
        syntax = data.get("syntax")
        if syntax is not None:
            source = (syntax.get("text") or "").rstrip("\n")
            caret = " " * max((syntax.get("offset") or 1) - 1 - (len(source) - len(source.lstrip())), 0) + "^"
            return outcome("error", common.SYNTAX_ERROR, file=self.display, where=self.where(syntax.get("line")),
                           detail=syntax.get("msg"), source=f"    {source.strip()}\n    {caret}")
        if "exit_code" in data:
            return outcome("error", common.IMPORT_EXIT, file=self.display, code=data["exit_code"])
        ended = self.classify_data(data)
        if ended["status"] == "failed":
            return ended
        frames = data.get("frames") or []
        at = self.where(frames[-1][1]) if frames else self.where(None)
        detail = f"{data.get('type')} at {at}: {_one_line(data.get('message', ''))}"
        return outcome("error", common.IMPORT_FAILED, file=self.display, detail=detail)

    def tensorflow_imported(self) -> bool | None:
        """Whether TensorFlow was imported by this process or by the worker (None: the last
        worker died before it could say)."""
        if "tensorflow" in sys.modules or self.supervisor is None:  # no worker: nothing was graded
            return "tensorflow" in sys.modules
        return self.supervisor.worker_imported_tensorflow()


def standby_modules(lesson: catalog.Lesson) -> tuple[str, ...]:
    """What a standby judge and worker import while they wait: what a cold grading imports
    anyway. Keras (and so TensorFlow) for a model lesson; NumPy for the others, which promise
    never to import TensorFlow unless the learner's code does."""
    return ("keras",) if lesson.grading_imports_tensorflow else ("numpy",)


def can_grade_again(lesson: catalog.Lesson) -> bool:
    """Whether this judge can grade `lesson` again as a new one would: not when it had to import
    TensorFlow for a lesson that needs none (the next report would say it was imported)."""
    return lesson.grading_imports_tensorflow or "tensorflow" not in sys.modules


def load_reference(lesson: catalog.Lesson):
    """The reference solution of `lesson`, trusted, loaded here (never in the worker)."""
    spec = importlib.util.spec_from_file_location(f"_reference_{lesson.id}", catalog.SOLUTIONS_DIR / lesson.filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split()) or "(no message)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    return doc.strip().splitlines()[0] if doc else item.name


_session: _Grading | None = None
_reused_channel = None  # set in a judge that grades again and again (grader/judge/reused.py)
_forks = None  # its grader.judge.forks.ForkServer, where there is one


def grade_here_again(channel, forks=None) -> None:
    """Report every grading of this process on `channel`, and let the process live on after
    each verdict, for the next grading (grader/judge/reused.py); fork its workers from `forks`."""
    global _reused_channel, _forks
    _reused_channel, _forks = channel, forks


def pytest_configure(config):
    global _session
    if config.getoption("grader_lesson"):
        if os.environ.get("GRADER_PARENT_PID"):
            from grader.parent import die_with_parent

            die_with_parent(int(os.environ["GRADER_PARENT_PID"]))
        confinement.become_subreaper()  # what the learner's code starts stays ours to kill
        _session = _Grading(config)


def pytest_collectreport(report):
    if report.failed and _session is not None:
        _session.emit(event="grader_error", detail=str(report.longrepr)[-2000:])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    grading = _session
    if grading is not None:
        grading.emit(event="collected", confinement=grading.confinement,
                     checks=[{"nodeid": i.nodeid, "name": _title(i)} for i in items])


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    grading = _session
    if grading is None:
        return None
    if session.testsfailed:
        return True  # a broken checks file was reported by pytest_collectreport
    if grading.standby:
        grading.await_go()
    # The reference imports TensorFlow in a model lesson: loading it now, while the worker
    # imports the learner's file, overlaps the two processes' imports.
    grading.reference = load_reference(grading.lesson)
    grading.emit(event="start", nodeid=IMPORT_STEP)
    # A cold worker imports the learner's file as soon as it starts, maybe before this line:
    # all its output is the import's. A standby imports only when told, in import_student.
    printed = grading.output_size() if grading.standby else 0
    ended = grading.import_student()
    printed = grading.output_size() - printed
    if printed > OUTPUT_LIMIT and ended["status"] != "timeout":
        ended = outcome("failed", common.IMPORT_OUTPUT_FLOOD, file=grading.display, size=output_size_text(printed))
    grading.emit(event="result", nodeid=IMPORT_STEP, **ended)
    if ended["status"] != "passed":
        return True
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    grading = _session
    if grading is not None:
        grading.emit(event="start", nodeid=item.nodeid)
        if grading.supervisor is not None:
            grading.supervisor.begin_step()
        printed = grading.output_size()
    yield
    if grading is not None:
        ended = item.stash.get(_OUTCOME, {"status": "passed", "message": ""})
        printed = grading.output_size() - printed
        if printed > OUTPUT_LIMIT and ended["status"] != "timeout":
            ended = outcome("failed", common.OUTPUT_FLOOD, size=output_size_text(printed))
        grading.emit(event="result", nodeid=item.nodeid, **ended)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    grading = _session
    if grading is not None and grading.supervisor is not None:
        basetemp = Path(item.config.getoption("basetemp"))  # where the check just wrote its inputs
        confinement.share_with_worker(grading.supervisor.settings.scratch, basetemp, grading.confinement)


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
        grading.emit(event="finished", tensorflow_imported=grading.tensorflow_imported(),
                     again=_reused_channel is not None and can_grade_again(grading.lesson))
        if grading.supervisor is not None:
            grading.supervisor.close()
        confinement.kill_descendants()  # orphans the worker's processes left to this subreaper


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    global _session
    if _session is None:
        return
    for stream in (sys.stdout, sys.stderr):  # the verdict is sent and the worker is gone
        stream.flush()
    if _reused_channel is None:
        os._exit(0)  # skip the interpreter's teardown: seconds once TensorFlow is loaded
    _session = None  # the next grading of this process starts its own


@pytest.fixture(scope="session")
def student(request):
    from grader.judge.proxy import StudentProxy

    return StudentProxy(_session.supervisor, _session.display)


@pytest.fixture(scope="session")
def reference(request):
    return _session.reference
