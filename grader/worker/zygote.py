"""A warm process that forks workers (Linux): `python -m grader.worker.zygote ADDRESS MODULE...`.

It is started as a worker is started, confined the same way, and imports what a
worker of the lesson needs: Keras and TensorFlow for a model lesson. Then it only
forks. On the judge's request (`grader/judge/forks.py`) it forks a child, which
becomes a standby worker for one grading (`grader.worker.serve.serve`), and it
tells the judge how each child ended. It never loads a learner's file, so every
worker starts from the same untouched state as a new process would, only without
the imports.

In the child, before anything else runs: the zygote's channel and descriptors
are closed; the child gets its own session, output file, scratch folder and
fresh random seeds; and it dies with the zygote. The zygote itself cannot be
traced or read by its children: it is not dumpable, and they hold no capability.
Under bubblewrap it is process 1 of the sandbox, which its children cannot signal.

The key of its channel comes on stdin. A message to it is the fork request (a
JSON object, followed by the worker's output file descriptor); it answers
`{"forked": pid}`, and `{"exited": pid, "code": code}` when a child ends (a
negative code is the signal that killed it).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
from multiprocessing.connection import Client, wait
from multiprocessing.reduction import recv_handle
from pathlib import Path

from grader import protocol
from grader.worker import serve

PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4


def main(argv: list[str]) -> None:
    address, *modules = argv
    if os.environ.get("GRADER_JUDGE_PID"):
        from grader.parent import die_with_parent

        die_with_parent(int(os.environ["GRADER_JUDGE_PID"]))
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    sys.stdin.close()
    channel = Client(address, "AF_UNIX", authkey=authkey)
    serve.preload(modules)
    _prctl(PR_SET_DUMPABLE, 0)
    wake_read, wake_write = os.pipe()  # SIGCHLD wakes the loop through this pipe: no polling
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # reaps workers, and orphans when it is process 1
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as process 1, a signal without a handler is ignored
    protocol.send(channel, {"ready": True})
    while True:
        ready = wait([channel, wake_read])
        if wake_read in ready:
            os.read(wake_read, 512)
            report_exits(channel)
        if channel in ready:
            try:
                request = protocol.receive(channel)
                output = recv_handle(channel)
            except (EOFError, OSError, protocol.ProtocolError):
                os._exit(0)  # the judge is gone: so are its workers (they die with this process)
            child = os.fork()
            if child == 0:
                become_worker(request, output, closing=[channel.fileno(), wake_read, wake_write])
            os.close(output)
            protocol.send(channel, {"forked": child})


def report_exits(channel) -> None:
    while True:
        try:
            child, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if child == 0:
            return
        protocol.send(channel, {"exited": child, "code": os.waitstatus_to_exitcode(status)})


def become_worker(request: dict, output: int, closing: list[int]) -> None:
    """The forked child: a worker for one grading, as a new process would start it. Never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a new Python process
        for descriptor in closing:
            os.close(descriptor)
        os.setsid()  # a kill of its process group never reaches the zygote
        _prctl(PR_SET_DUMPABLE, 1)
        _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        scratch = request["scratch"]
        os.chdir(scratch)
        os.environ.update(HOME=scratch, TMPDIR=scratch, TEMP=scratch, TMP=scratch)
        tempfile.tempdir = None  # worked out again, from TMPDIR
        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        connection = Client(request["address"], "AF_UNIX", authkey=bytes.fromhex(request["key"]))
        serve.serve(connection, Path(request["submission"]), request["module"], Path(request["solutions"]),
                    standby=True)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # the learner's code may have closed or replaced the stream
                pass
        os._exit(0)


def _prctl(option: int, value: int) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(option, value)


if __name__ == "__main__":
    main(sys.argv[1:])
