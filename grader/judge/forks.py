"""Workers forked from a warm zygote (grader/worker/zygote.py), so that a grading does not pay
for the worker's imports (TensorFlow for a model lesson). Linux only.

A reused judge (grader/judge/reused.py) starts one `ForkServer`. The zygote runs
under the same confinement as a worker: the same command, environment, user and
limits. Its one writable folder, `root`, holds each grading's scratch folder, so
a forked worker is confined as a new one would be. Gradings follow one another,
and before the next fork the judge has killed every process of the last grading
(`confinement.kill_descendants` spares only the zygote and the sandbox around
it). A scratch folder's name is random, and the judge makes it. So nothing one
learner's code leaves behind, a process or a file, reaches the next worker.

Under bubblewrap the zygote is the first process of the sandbox's PID namespace,
where bubblewrap's own first process sits for a new worker: a worker's parent is
process 1, which it cannot signal, either way. Without bubblewrap, a learner's
code may kill the zygote, and with it its own worker (they die together), which
never passes a check. When the zygote is gone, `fork` raises `ForkUnavailable`,
and the judge starts a new worker the usual way (and, before the next grading,
a new zygote).
"""

from __future__ import annotations

import os
import queue
import secrets
import shutil
import signal
import subprocess
import threading
import time
from multiprocessing.reduction import send_handle
from pathlib import Path

from grader import protocol
from grader.judge import confinement

START_ALLOWANCE = 180.0  # seconds for the zygote's imports (TensorFlow on a loaded machine)
FORK_WAIT = 10.0  # seconds for the zygote's answer to a fork


class ForkUnavailable(Exception):
    """The zygote cannot fork (it died, or does not answer): start a worker the usual way."""


def available() -> bool:
    return hasattr(os, "fork") and os.uname().sysname == "Linux"


class ForkServer:
    def __init__(self, root: Path, sandbox: str, modules: tuple[str, ...]):
        self.root, self.sandbox = root, sandbox
        root.mkdir(exist_ok=True)
        confinement.share_with_worker(root, root, sandbox)
        self.listener, authkey = confinement.listen_for_worker(root, sandbox)
        self.output = open(root / "zygote-output.log", "ab")
        self.process = confinement.start(["-m", "grader.worker.zygote", str(self.listener.address), *modules],
                                         root, sandbox, self.output, authkey, init=True)
        self.exits: dict[int, int] = {}  # a forked child's pid (as the zygote sees it) -> its exit code
        self._forked: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.connection = None
        self.forking = False  # the zygote said ready, and its processes are spared
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        """Accept the zygote, wait for its ready, then sort its messages (no CPU while waiting)."""
        try:
            self.connection = self.listener.accept()
            self.listener.close()
            if protocol.receive(self.connection).get("ready") is not True:
                return
            self._spare_sandbox()
            self.forking = True
            self._ready.set()
            while True:
                message = protocol.receive(self.connection)
                if "exited" in message:
                    self.exits[int(message["exited"])] = int(message["code"])
                elif "forked" in message:
                    self._forked.put(int(message["forked"]))
        except Exception:  # the zygote died or broke the protocol: no more forks
            self._ready.set()

    def _spare_sandbox(self) -> None:
        """Keep the zygote and its sandbox (bwrap, and the zygote inside) out of every grading's
        kill: they are all this process tree holds before the first fork."""
        import psutil

        top = psutil.Process(self.process.pid)
        confinement.spare(process.pid for process in [top, *top.children(recursive=True)])

    def alive(self) -> bool:
        return self.process.poll() is None

    def new_scratch(self) -> Path:
        """A new, empty scratch folder for one grading's worker, named so that no one can guess it."""
        folder = self.root / f"worker-{secrets.token_hex(8)}"
        folder.mkdir()
        return folder

    def clear_scratch(self) -> None:
        """Remove every grading's scratch folder (between gradings: no worker is running)."""
        for folder in self.root.glob("worker-*"):
            shutil.rmtree(folder, ignore_errors=True)

    def _wait_ready(self) -> bool:
        """Wait for the zygote's ready; False as soon as it dies without one (it may never connect)."""
        end = time.monotonic() + START_ALLOWANCE
        while not self._ready.wait(0.05):
            if not self.alive() or time.monotonic() >= end:
                return False
        return True

    def fork(self, request: dict, output) -> ForkedProcess:
        """A worker forked for `request` (see grader/worker/zygote.py), writing to `output`."""
        if not self._wait_ready() or not self.forking or not self.alive():
            raise ForkUnavailable("the zygote is not running")
        with self._lock:
            try:
                protocol.send(self.connection, request)
                send_handle(self.connection, output.fileno(), self.process.pid)
                child = self._forked.get(timeout=FORK_WAIT)
            except (OSError, queue.Empty) as error:
                raise ForkUnavailable(f"the zygote did not fork: {error!r}") from None
        return ForkedProcess(self, child)

    def close(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        if self.connection is not None:
            self.connection.close()
        self.listener.close()
        self.output.close()


class ForkedProcess:
    """A forked worker, as the judge's supervisor uses a `subprocess.Popen`: `poll()`, `wait()`.
    (It finds the worker's processes as the judge's descendants, not by pid.)"""

    def __init__(self, server: ForkServer, child: int):
        self.server, self.child = server, child  # `child`: its pid as the zygote sees it

    def poll(self) -> int | None:
        code = self.server.exits.get(self.child)
        if code is None and not self.server.alive():
            return -int(signal.SIGKILL)  # it died with the zygote (its parent-death signal)
        return code

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if end is not None and time.monotonic() >= end:
                raise subprocess.TimeoutExpired("worker", timeout)
            time.sleep(0.02)
        return code
