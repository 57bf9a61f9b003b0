"""Run one lesson's judge in a child process and watch over it.

The judge is pytest with `grader.plugin`. It reports each step as a JSON
message on a channel of its own (`grader.protocol`'s framing); its output goes
to a file that is only sampled for a grader error. The judge enforces each
check's time limit on the worker itself; this watchdog only catches a judge
that stops reporting (a bug of the grader's, or a machine too loaded to keep up),
kills it with everything it started, and starts a fresh judge for the checks
not yet run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog, protocol
from grader.judge import confinement
from grader.messages import common
from grader.results import IMPORT_STEP, outcome

OUTPUT_SAMPLE = 2_000  # bytes of the judge's output kept for diagnosing a grader error
START_ALLOWANCE = 180.0  # seconds to import pytest, TensorFlow and the checks before the first step
RESTART_ALLOWANCE = 60.0  # seconds the judge may add to a check to replace a dead worker


@dataclass
class ChildRun:
    """What one judge process reported before it ended."""

    checks: list[dict] | None = None
    outcomes: dict[str, dict] = field(default_factory=dict)
    interrupted: str | None = None  # the step the judge was in when it died or was killed
    interruption: dict | None = None
    finished: bool = False
    tensorflow_imported: bool | None = None
    confinement: str | None = None
    grader_error: str | None = None
    output_sample: bytes = b""
    out_of_time: bool = False  # stopped by the overall deadline, not by one check's limit
    standing_by: bool = False  # a standby judge is waiting for its go
    again: bool = False  # the judge, which finished, can grade another file (grader/judge/reused.py)


@dataclass
class Options:
    timeout: float  # seconds per check
    sandbox: str  # "bwrap" or "none"
    memory_limit: float  # GB for the worker's process tree


def child_environment(key: bytes) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(catalog.PROJECT_ROOT), env.get("PYTHONPATH")])),
        PYTHONDONTWRITEBYTECODE="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        KERAS_BACKEND="tensorflow",
        MPLBACKEND="Agg",
        CUDA_VISIBLE_DEVICES="-1",
        GRADER_PARENT_PID=str(os.getpid()),
        GRADER_CHANNEL_KEY=key.hex(),
    )
    return env


def pytest_command(lesson: catalog.Lesson, submission: Path, display: str, channel: str,
                   workdir: Path, options: Options, skip: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", *pytest_arguments(lesson, submission, display, channel, workdir,
                                                              options, skip)]


def pytest_arguments(lesson: catalog.Lesson, submission: Path, display: str, channel: str,
                     workdir: Path, options: Options, skip: list[str]) -> list[str]:
    """pytest's arguments for one grading (its command line, or `pytest.main`'s list)."""
    command = [
        str(lesson.checks_file),
        "-p", "grader.plugin", "-p", "no:cacheprovider", "-p", "no:stepwise",
        "-c", os.devnull, "--rootdir", str(catalog.CHECKS_DIR), "-o", "python_functions=check_*",
        "--capture=no", "-q", "--no-header", "--tb=no", "-W", "ignore",
        f"--basetemp={workdir / 'pytest-tmp'}",
        f"--grader-lesson={lesson.id}", f"--grader-submission={submission}",
        f"--grader-display={display}", f"--grader-channel={channel}",
        f"--grader-sandbox={options.sandbox}", f"--grader-timeout={options.timeout}",
        f"--grader-memory-limit={options.memory_limit}",
    ]
    for nodeid in skip:
        command.append(f"--deselect={nodeid}")
    return command


@dataclass
class Judge:
    """A judge process just started, and the channel it reports on."""

    process: subprocess.Popen
    listener: object
    output_path: Path
    step_limit: float  # the watchdog's limit per step
    spawned: float  # when it started, or (a standby) when it was told to go
    connection: object = None


def start_judge(lesson: catalog.Lesson, submission: Path, display: str, workdir: Path, options: Options,
                skip: list[str]) -> Judge:
    """Start a judge for one grading."""
    listener, key = protocol.listen(workdir)
    command = pytest_command(lesson, submission, display, str(listener.address), workdir, options, skip)
    return spawn_judge(command, listener, key, workdir, workdir / f"judge-output-{len(skip)}.log", options)


def spawn_judge(command: list[str], listener, key: bytes, cwd: Path, output_path: Path, options: Options) -> Judge:
    """Start the judge process `command`, which reports on `listener`'s channel; its output
    goes to `output_path`."""
    with open(output_path, "wb") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=child_environment(key), stdin=subprocess.DEVNULL, stdout=output,
            stderr=subprocess.STDOUT,
            **({"start_new_session": True} if os.name == "posix" else
               {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}),
        )
    # The watchdog's limit per step: the judge's own limit, plus room to replace a worker.
    step_limit = options.timeout + RESTART_ALLOWANCE
    return Judge(process, listener, output_path, step_limit, time.monotonic())


def run_child(lesson: catalog.Lesson, submission: Path, display: str, workdir: Path, options: Options,
              skip: list[str], deadline: float | None = None) -> ChildRun:
    judge = start_judge(lesson, submission, display, workdir, options, skip)
    judge.connection = accept(judge)
    return follow(judge, ChildRun(), options, deadline)


def accept(judge: Judge):
    """The judge's connection, or None (the judge is killed) if it did not connect in time."""
    return _accept(judge.listener, judge.process, judge.spawned + START_ALLOWANCE)


def follow(judge: Judge, run: ChildRun, options: Options, deadline: float | None = None,
           keep: bool = False) -> ChildRun:
    """Read the judge's events into `run` until it finishes, dies or runs out of time; then
    reap it (with everything it started), unless it is to be `keep`t and can grade another
    grading (grader/judge/reused.py)."""
    connection, spawned, step_limit = judge.connection, judge.spawned, judge.step_limit
    step: tuple[str, float] | None = None
    try:
        while connection is not None:
            limit = step[1] + step_limit if step else spawned + START_ALLOWANCE + step_limit
            if deadline is not None and deadline < limit:
                limit = deadline
            if not connection.poll(max(0.0, min(1.0, limit - time.monotonic()))):
                if time.monotonic() < limit:
                    continue
                run.out_of_time = limit == deadline
                if step is not None:
                    run.interrupted = step[0]
                    run.interruption = outcome("timeout", common.TIMEOUT, seconds=options.timeout)
                else:
                    run.grader_error = "the checks did not start in time"
                return run
            try:
                event = protocol.receive(connection)
            except (EOFError, OSError, protocol.ProtocolError):
                break
            step = _handle_event(event, run, step)
            if run.finished:
                break
    finally:
        returncode = None
        if not (keep and run.again):
            if connection is not None:
                connection.close()
            judge.listener.close()
            returncode = _reap(judge.process)
        run.output_sample = judge.output_path.read_bytes()[-OUTPUT_SAMPLE:]
    if connection is None and not run.grader_error:
        run.grader_error = "the checks did not connect to the grader"
    if step is not None and step[0] not in run.outcomes and not run.finished:
        run.interrupted = step[0]
        run.interruption = _death_outcome(returncode)
    return run


def _accept(listener, process: subprocess.Popen, deadline: float):
    """The judge's connection, or None if it died or never connected by `deadline`."""
    import threading

    accepted: list = []
    thread = threading.Thread(target=lambda: accepted.append(_try_accept(listener)), daemon=True)
    thread.start()
    while thread.is_alive() and process.poll() is None and time.monotonic() < deadline:
        thread.join(0.05)
    if accepted:
        return accepted[0]
    _kill(process)
    return None


def _try_accept(listener):
    try:
        return listener.accept()
    except Exception:  # the listener was closed, or a client without the key
        return None


def _handle_event(event: dict, run: ChildRun, step):
    kind = event.pop("event", None)
    if kind == "collected":
        run.checks = event["checks"]
        run.confinement = event.get("confinement")
    elif kind == "standing_by":
        run.standing_by = True
    elif kind == "start":
        return event["nodeid"], time.monotonic()
    elif kind == "result":
        run.outcomes[event.pop("nodeid")] = event
        return None
    elif kind == "finished":
        run.finished = True
        run.tensorflow_imported = event.get("tensorflow_imported")
        run.again = event.get("again") is True
    elif kind == "grader_error":
        run.grader_error = event.get("detail", "")
    return step


def _kill(process: subprocess.Popen) -> None:
    """Kill the judge and everything under it (the worker, and orphans it reaped)."""
    import psutil

    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    for member in tree:
        try:
            member.kill()
        except psutil.Error:
            pass
    try:
        process.kill()
    except OSError:
        pass


def _reap(process: subprocess.Popen) -> int:
    """Wait for the judge; kill it and its tree if it lingers. A judge that ended has already
    killed its worker's tree (and the worker dies with the judge: bubblewrap's
    --die-with-parent, or the parent-death signal)."""
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _kill(process)
        return process.wait()


def _death_outcome(returncode: int) -> dict:
    import signal

    if returncode < 0:
        name = signal.Signals(-returncode).name
        hint = common.SEGFAULT_HINT if name == "SIGSEGV" else ""
        return outcome("error", common.CRASHED_SIGNAL, signal=name, hint=hint)
    return outcome("error", common.EXITED, code=returncode)


def grading_folders(root: Path, lesson: catalog.Lesson, sandbox: str) -> tuple[Path, Path]:
    """Make, in the new private folder `root`, the places of one grading: where the copy of
    the learner's file goes, and the judge's working folder."""
    copy = root / "submission" / lesson.filename
    copy.parent.mkdir()
    workdir = root / "work"
    workdir.mkdir()
    confinement.open_to_worker(sandbox, root, copy.parent, workdir)  # the worker's user reads the copy
    return copy, workdir


def run_checks(lesson: catalog.Lesson, submission: Path, display: str, options: Options,
               workdir: Path, deadline: float | None = None, standby=None) -> list[ChildRun]:
    """Every check of `lesson` against the file `submission`, restarting after a death,
    until `deadline` (a time.monotonic() value) if one is given. A `standby`
    (`grader.standby.Standby`, started for this file and these options) runs the first judge."""
    runs: list[ChildRun] = []
    done: list[str] = []
    while True:
        if standby is not None and not runs:
            run = standby.go(display, deadline)
        else:
            run = run_child(lesson, submission, display, workdir, options, done, deadline)
        runs.append(run)
        checks = runs[0].checks or []
        done += [n for n in run.outcomes if n != IMPORT_STEP and n not in done]
        if run.interrupted and run.interrupted != IMPORT_STEP:
            done.append(run.interrupted)
        import_failed = run.interrupted == IMPORT_STEP or run.outcomes.get(IMPORT_STEP, {}).get("status", "passed") != "passed"
        remaining = [c for c in checks if c["nodeid"] not in done]
        if run.finished or import_failed or run.grader_error or run.out_of_time or not run.interrupted or not remaining:
            return runs
