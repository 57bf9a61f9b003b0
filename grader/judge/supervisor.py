"""Start the worker, talk to it within the time and memory limits, replace it when it dies.

The judge asks, the worker answers (`grader.protocol`). While the judge waits,
it watches the clock, the worker's process tree (memory over the whole tree,
orphans included) and the size of the worker's output. A worker that runs out
of time or memory is killed with everything it started, the step it was in gets
the outcome that says why, and a fresh worker serves the next request.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Client
from pathlib import Path

from grader import catalog, protocol
from grader.judge import confinement
from grader.messages import common
from grader.results import outcome

START_ALLOWANCE = 180.0  # seconds for Python and the worker's own imports, before the learner's file
POLL = 0.05  # seconds between looks at the channel
WATCH = 0.1  # seconds between looks at the worker's memory and output (a look scans every process)
OUTPUT_CAP = 50_000_000  # bytes of output after which the worker is stopped (the flood is reported)


class WorkerFailure(BaseException):
    """The worker could not answer; `outcome` is what the step it was in gets. Not an
    `Exception`, so that a check's `except Exception` around a call (to judge what the
    learner's code raised) never turns a timeout or a crash into a wrong answer."""

    def __init__(self, ended: dict):
        super().__init__(ended["message"])
        self.outcome = ended


@dataclass
class Settings:
    submission: Path  # the private copy of the learner's file
    module_name: str
    scratch: Path  # the worker's only writable folder
    output: Path  # where the worker's fd 1 and 2 go: counted and sampled, never parsed
    sandbox: str  # "bwrap" or "none"
    timeout: float  # seconds per check
    memory_limit: float  # GB over the worker's whole process tree
    standby: tuple[str, ...] | None = None  # modules a standby imports before it loads the file
    forks: object = None  # a grader.judge.forks.ForkServer to fork standby workers from, if any


class Worker:
    """One worker process, from its start to its death."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.listener, self.authkey = confinement.listen_for_worker(settings.scratch, settings.sandbox)
        arguments = ["-m", "grader.worker", str(self.listener.address),
                     "AF_PIPE" if os.name == "nt" else "AF_UNIX", str(settings.submission),
                     settings.module_name, str(catalog.SOLUTIONS_DIR)]
        if settings.standby is not None:
            arguments += ["--standby", *settings.standby]
        self.output = open(settings.output, "ab")
        self.forked = False
        try:
            self.process = self._fork() or confinement.start(arguments, settings.scratch, settings.sandbox,
                                                             self.output, self.authkey)
        except OSError:
            self.listener.close()
            self.output.close()
            raise
        self.connection = None
        self.stopped_for: dict | None = None  # why the monitor stopped the worker
        self.said_ready = False
        self.watching = threading.Event()  # a standby is only watched once it has the file
        if settings.standby is None:
            self.watching.set()
        self._accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        self._monitor = threading.Thread(target=self._watch, daemon=True)
        self._monitor.start()

    def _fork(self):
        """A standby worker forked from the warm zygote, or None (then it is started anew)."""
        from grader.judge.forks import ForkUnavailable

        settings = self.settings
        if settings.forks is None or settings.standby is None:
            return None
        try:
            process = settings.forks.fork({"address": str(self.listener.address), "key": self.authkey.hex(),
                                           "scratch": str(settings.scratch), "submission": str(settings.submission),
                                           "module": settings.module_name, "solutions": str(catalog.SOLUTIONS_DIR)},
                                          self.output)
        except ForkUnavailable:
            return None
        self.forked = True
        return process

    def _accept(self) -> None:
        try:
            self.connection = self.listener.accept()
        except Exception:  # the worker died before connecting, or sent a wrong key
            pass
        self._accepted.set()

    def _watch(self) -> None:
        limit = self.settings.memory_limit * 2**30
        self.watching.wait()  # scanning processes costs CPU, which an idle standby must not use
        while self.process.poll() is None and self.stopped_for is None:
            if confinement.memory_of(confinement.descendants()) > limit:
                self._halt(outcome("failed", common.MEMORY_EXCEEDED, limit=self.settings.memory_limit))
            elif self.output_size() > OUTPUT_CAP:
                self._halt(outcome("failed", common.OUTPUT_FLOOD, size=output_size_text(self.output_size())))
            time.sleep(WATCH)

    def _halt(self, why: dict) -> None:
        """The monitor's part: record why and kill; the waiting thread notices, and cleans up."""
        self.stopped_for = why
        confinement.kill_descendants()

    def output_size(self) -> int:
        try:
            return os.stat(self.settings.output).st_size
        except OSError:
            return 0

    def stop(self, why: dict | None = None) -> None:
        """Kill the worker and everything it started, and close its channel (only ever called by
        the judge's main thread); `why` is the outcome of the step it was in."""
        if why is not None and self.stopped_for is None:
            self.stopped_for = why
        self.watching.set()  # let the monitor end
        confinement.kill_descendants()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if not self._accepted.is_set():  # unblock the accepting thread
            try:
                Client(self.listener.address, authkey=self.authkey).close()
            except OSError:
                pass
            self._accepted.wait(5)
        self.listener.close()
        if self.connection is not None:
            self.connection.close()
        self.output.close()

    def alive(self) -> bool:
        """Connected, running, and not stopped: ready for a request."""
        return self.connection is not None and self.process.poll() is None and self.stopped_for is None

    def connect(self, deadline: float) -> None:
        while not self._accepted.wait(POLL):
            self._fail_if_gone(deadline, common.TIMEOUT)
        if self.connection is None:
            self._fail_if_gone(0, common.TIMEOUT)
        self.listener.close()

    def receive(self, deadline: float, late: str = common.TIMEOUT) -> dict:
        """The worker's next message, or `WorkerFailure` for a timeout, a death, a memory or
        output flood, or a message that breaks the protocol."""
        while True:
            try:
                if self.connection.poll(POLL):
                    return protocol.receive(self.connection)
            except (EOFError, OSError):
                self._fail_if_gone(time.monotonic() + 10, late, closed=True)
            except protocol.ProtocolError as error:
                self.stop(outcome("error", common.BAD_REPLY, detail=str(error)))
                raise WorkerFailure(self.stopped_for) from None
            self._fail_if_gone(deadline, late)

    def request(self, message: dict, deadline: float) -> dict:
        try:
            protocol.send(self.connection, message)
        except (EOFError, OSError):
            self._fail_if_gone(time.monotonic() + 10, common.TIMEOUT, closed=True)
        return self.receive(deadline)

    def _fail_if_gone(self, deadline: float, late: str, closed: bool = False) -> None:
        """Raise `WorkerFailure` if the worker was stopped, died (or closed the channel), or
        `deadline` passed; otherwise return."""
        if self.stopped_for is not None:
            self.stop()
            raise WorkerFailure(self.stopped_for)
        if closed:
            try:
                self.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        returncode = self.process.poll()
        if returncode is not None or closed:
            self.stop(death_outcome(returncode, self.settings.sandbox == "bwrap" and not self.forked))
            raise WorkerFailure(self.stopped_for)
        if time.monotonic() >= deadline:
            self.stop(outcome("timeout", late, seconds=self.settings.timeout))
            raise WorkerFailure(self.stopped_for)


def death_outcome(returncode: int | None, bwrap: bool) -> dict:
    """What a worker's end says about the learner's code: a signal, or an exit in mid-check."""
    import signal

    if returncode is None:  # the channel was closed and the process kept running
        return outcome("error", common.CHANNEL_CLOSED)
    if bwrap and returncode > 128:  # bubblewrap reports a child's death by signal N as 128 + N
        returncode = -(returncode - 128)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = common.SEGFAULT_HINT if name == "SIGSEGV" else ""
        return outcome("error", common.CRASHED_SIGNAL, signal=name, hint=hint)
    return outcome("error", common.EXITED, code=returncode)


def output_size_text(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{count / 1000:.0f} kB"


def start_worker(settings: Settings) -> Worker:
    try:
        return Worker(settings)
    except OSError as error:  # e.g. `nobody` may not run this Python (installed under /root)
        user = confinement.drop_privileges(settings.sandbox == "bwrap").get("user", "this user")
        raise WorkerFailure(outcome("error", common.WORKER_CANNOT_START, user=user, detail=error)) from None


class Supervisor:
    """The judge's one worker at a time: started as soon as grading begins, so that its
    imports overlap the judge's, and replaced after every failure."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.worker = start_worker(settings)
        self.import_answer: dict | None = None
        self.step_deadline = time.monotonic() + START_ALLOWANCE + settings.timeout

    def import_outcome(self) -> dict:
        """The worker's answer to importing the learner's file (waits for it)."""
        self.import_answer = self._start(self.worker, common.TIMEOUT)
        return self.import_answer

    def wait_ready(self, worker: Worker | None = None, late: str = common.TIMEOUT) -> None:
        """Wait until the worker has started (a standby's: imported its modules) and said ready."""
        worker = worker or self.worker
        if worker.said_ready:
            return
        worker.connect(time.monotonic() + START_ALLOWANCE)
        ready = worker.receive(time.monotonic() + START_ALLOWANCE, late)
        if ready.get("ready") is not True:
            worker.stop(outcome("error", common.BAD_REPLY, detail="no ready message"))
            raise WorkerFailure(worker.stopped_for)
        worker.said_ready = True

    def _start(self, worker: Worker, late: str) -> dict:
        self.wait_ready(worker, late)
        if self.settings.standby is not None:  # the learner's file is there now: load it
            worker.watching.set()
            return worker.request({"op": "load"}, time.monotonic() + self.settings.timeout)
        return worker.receive(time.monotonic() + self.settings.timeout, late)

    def begin_step(self) -> None:
        self.step_deadline = time.monotonic() + self.settings.timeout

    def output_size(self) -> int:
        return self.worker.output_size()

    def call(self, function: str, args, kwargs) -> dict:
        """Call the learner's `function`: the worker's answer (see `grader.worker.serve`)."""
        return self.request({"op": "call", "function": function, "args": protocol.encode(list(args)),
                             "kwargs": protocol.encode(dict(kwargs))})

    def recipe(self, name: str, kwargs) -> dict:
        """Run the worker's recipe `name` (see `grader.worker.recipes`): the worker's answer."""
        return self.request({"op": "recipe", "recipe": name, "kwargs": protocol.encode(dict(kwargs))})

    def request(self, message: dict) -> dict:
        if not self.worker.alive():
            self.worker.stop()
            started = time.monotonic()
            self.worker = start_worker(self.settings)
            again = self._start(self.worker, common.TIMEOUT)
            if again.get("import") != "passed":
                self.worker.stop(outcome("error", common.GRADER_ERROR,
                                         detail=f"a fresh worker could not import the file again: {again}"[:300]))
                raise WorkerFailure(self.worker.stopped_for)
            self.step_deadline += time.monotonic() - started  # a restart is not the learner's time
        return self.worker.request(message, self.step_deadline)

    def worker_imported_tensorflow(self) -> bool | None:
        if not self.worker.alive():
            return None
        try:
            answer = self.worker.request({"op": "status"}, time.monotonic() + 10)
        except WorkerFailure:
            return None
        return answer.get("tensorflow_imported")

    def close(self) -> None:
        self.worker.stop()
