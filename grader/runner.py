"""Run one lesson's checks in a child process and supervise it.

The child is pytest with `grader.plugin`. It reports each step as a JSON line on
a private pipe. The learner's output arrives on another pipe, which is only
counted and sampled, never parsed. When a check outlives its time limit the
child is killed; when the child dies (a crash, `os._exit`) the check it was in
is marked, and a fresh child carries on with the checks not yet run.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog
from grader.messages import common
from grader.results import IMPORT_STEP, outcome

OUTPUT_LIMIT = 1_000_000  # bytes of output one check may print before it counts as a flood
OUTPUT_SAMPLE = 2_000  # bytes kept for diagnosing a crash
START_ALLOWANCE = 180.0  # seconds to import pytest, TensorFlow and the checks before the first step


@dataclass
class _Step:
    nodeid: str
    started: float
    output: int = 0


@dataclass
class ChildRun:
    """What one child process reported before it ended."""

    checks: list[dict] | None = None
    outcomes: dict[str, dict] = field(default_factory=dict)
    interrupted: str | None = None  # the step the child was in when it died or was killed
    interruption: dict | None = None
    finished: bool = False
    tensorflow_imported: bool | None = None
    grader_error: str | None = None
    output_sample: bytes = b""
    out_of_time: bool = False  # stopped by the overall deadline, not by one check's limit


def child_environment() -> dict[str, str]:
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
    )
    return env


def pytest_command(lesson: catalog.Lesson, submission: Path, display: str, events_fd: int,
                   workdir: Path, skip: list[str]) -> list[str]:
    command = [
        sys.executable, "-m", "pytest", str(lesson.checks_file),
        "-p", "grader.plugin", "-p", "no:cacheprovider", "-p", "no:stepwise",
        "-c", os.devnull, "--rootdir", str(catalog.CHECKS_DIR), "-o", "python_functions=check_*",
        "--capture=no", "-q", "--no-header", "--tb=no", "-W", "ignore",
        f"--basetemp={workdir / 'pytest-tmp'}",
        f"--grader-lesson={lesson.id}", f"--grader-submission={submission}",
        f"--grader-display={display}", f"--grader-events-fd={events_fd}",
    ]
    for nodeid in skip:
        command.append(f"--deselect={nodeid}")
    return command


def run_child(command: list[str], events_read: int, events_write: int, workdir: Path,
              timeout: float, deadline: float | None = None) -> ChildRun:
    run = ChildRun()
    process = subprocess.Popen(
        command, cwd=workdir, env=child_environment(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(events_write,),
        start_new_session=True,
    )
    os.close(events_write)
    # Non-blocking: after an event the output is drained, so a "ready" seen earlier may be stale.
    os.set_blocking(process.stdout.fileno(), False)
    selector = selectors.DefaultSelector()
    selector.register(events_read, selectors.EVENT_READ, "events")
    selector.register(process.stdout.fileno(), selectors.EVENT_READ, "output")
    pending, step, sample = b"", None, bytearray()
    spawned = time.monotonic()
    try:
        while selector.get_map():
            limit = step.started + timeout if step else spawned + START_ALLOWANCE + timeout
            if deadline is not None and deadline < limit:
                limit = deadline
            ready = selector.select(max(0.0, limit - time.monotonic()))
            if not ready and time.monotonic() >= limit:
                _kill(process)
                run.out_of_time = limit == deadline
                if step is not None:
                    run.interrupted = step.nodeid
                    run.interruption = outcome("timeout", common.TIMEOUT, seconds=timeout)
                else:
                    run.grader_error = "the checks did not start in time"
                return run
            for key, _ in ready:
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    selector.unregister(key.fd)
                    continue
                if key.data == "output":
                    if step is not None:
                        step.output += len(data)
                    if len(sample) < OUTPUT_SAMPLE:
                        sample += data[: OUTPUT_SAMPLE - len(sample)]
                    continue
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    step = _handle_event(line, run, step, process, spawned)
            if run.finished:
                break
    finally:
        selector.close()
        os.close(events_read)
        run.output_sample = bytes(sample)
        returncode = _reap(process)
    if step is not None and step.nodeid not in run.outcomes and not run.finished:
        run.interrupted = step.nodeid
        run.interruption = _deathoutcome(returncode)
    return run


def _handle_event(line: bytes, run: ChildRun, step: _Step | None, process, spawned) -> _Step | None:
    import json

    try:
        event = json.loads(line)
    except ValueError:
        return step  # a line cut short by a dying child
    kind = event.pop("event", None)
    if kind == "collected":
        run.checks = event["checks"]
    elif kind == "start":
        return _Step(event["nodeid"], time.monotonic())
    elif kind == "result":
        nodeid = event.pop("nodeid")
        if step is not None and step.nodeid == nodeid:
            step.output += _drain(process.stdout.fileno())
            if step.output > OUTPUT_LIMIT:
                event = outcome("failed", common.OUTPUT_FLOOD, size=_size(step.output))
        run.outcomes[nodeid] = event
        return None
    elif kind == "finished":
        run.finished = True
        run.tensorflow_imported = event.get("tensorflow_imported")
    elif kind == "grader_error":
        run.grader_error = event.get("detail", "")
    return step


def _drain(fd: int) -> int:
    """Bytes already waiting on the non-blocking `fd`: output written before the last event."""
    total = 0
    try:
        while data := os.read(fd, 65536):
            total += len(data)
    except BlockingIOError:
        pass
    return total


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(process: subprocess.Popen) -> int:
    """Wait for the child; kill its whole group if it lingers (a thread that never ends)."""
    try:
        returncode = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _kill(process)
        returncode = process.wait()
    _kill(process)  # anything the learner's code left running in the background
    process.stdout.close()
    return returncode


def _deathoutcome(returncode: int) -> dict:
    if returncode < 0:
        name = signal.Signals(-returncode).name
        hint = common.SEGFAULT_HINT if name == "SIGSEGV" else ""
        return outcome("error", common.CRASHED_SIGNAL, signal=name, hint=hint)
    return outcome("error", common.EXITED, code=returncode)



def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{count / 1000:.0f} kB"


def run_checks(lesson: catalog.Lesson, submission: Path, display: str, timeout: float,
               workdir: Path, deadline: float | None = None) -> list[ChildRun]:
    """Every check of `lesson` against the file `submission`, restarting after a death,
    until `deadline` (a time.monotonic() value) if one is given."""
    runs: list[ChildRun] = []
    done: list[str] = []
    while True:
        events_read, events_write = os.pipe()
        command = pytest_command(lesson, submission, display, events_write, workdir, done)
        run = run_child(command, events_read, events_write, workdir, timeout, deadline)
        runs.append(run)
        checks = runs[0].checks or []
        done += [n for n in run.outcomes if n != IMPORT_STEP and n not in done]
        if run.interrupted and run.interrupted != IMPORT_STEP:
            done.append(run.interrupted)
        import_failed = run.interrupted == IMPORT_STEP or run.outcomes.get(IMPORT_STEP, {}).get("status", "passed") != "passed"
        remaining = [c for c in checks if c["nodeid"] not in done]
        if run.finished or import_failed or run.grader_error or run.out_of_time or not run.interrupted or not remaining:
            return runs
