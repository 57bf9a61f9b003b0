"""How the worker is confined, on each operating system.

- Everywhere: a minimal environment, its own process group (POSIX: its own session),
  no handle of the judge's except its own request channel (Python's descriptors are not
  inherited, and the worker is started after the judge's channel to the grader is open),
  a memory limit over its whole process tree, and a kill of that tree after each grading.
- Linux with bubblewrap (`--sandbox bwrap`, or `auto` when it works): a read-only view of
  `/`, only the scratch folder writable, `solutions/` hidden under an empty tmpfs, no
  network, its own PID namespace (it cannot see or signal the judge), no capabilities,
  `--die-with-parent`. The judge is also a child subreaper, so a process that double-forks
  away from the worker is still the judge's to kill.
- Without bubblewrap: the same limits, but the worker can reach the file system as its user
  can; the grader hashes its own and the reference's files around each grading instead
  (`grader/integrity.py`). Run as root, the worker drops to the unprivileged `nobody`
  (who must be able to run the grader's Python).
  On macOS and Windows a process that detaches itself (double fork, a new session) is
  outside the tree the judge can find, and may outlive the grading.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader import catalog, protocol

SANDBOXES = ("auto", "bwrap", "none")
UNPRIVILEGED_USER = "nobody"


class SandboxUnavailable(Exception):
    """`--sandbox bwrap` was asked for where bubblewrap does not work."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap") if sys.platform.startswith("linux") else None


@functools.lru_cache(maxsize=None)
def bwrap_works() -> bool:
    """Whether bubblewrap can start a confined process here (probed once per process)."""
    bwrap = bwrap_path()
    if bwrap is None:
        return False
    scratch = Path(os.environ.get("TMPDIR", "/tmp"))
    command = bwrap_arguments(bwrap, scratch) + ["--", sys.executable, "-I", "-S", "-c", "pass"]
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def resolve(sandbox: str) -> str:
    """The confinement `sandbox` names here: "bwrap" or "none"."""
    if sandbox == "auto":
        return "bwrap" if bwrap_works() else "none"
    if sandbox == "bwrap" and not bwrap_works():
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed or does not work here")
    return sandbox


def bwrap_arguments(bwrap: str, scratch: Path) -> list[str]:
    return [
        bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
        "--tmpfs", str(catalog.SOLUTIONS_DIR), "--bind", str(scratch), str(scratch),
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--chdir", str(scratch),
    ]


def command(arguments: list[str], scratch: Path, sandbox: str, init: bool = False) -> list[str]:
    """The command line that runs `python arguments...` as the worker under `sandbox`. With
    `init`, that process is the first of bubblewrap's PID namespace (the zygote, which forks
    the workers: as with bubblewrap's own first process, no worker can signal it)."""
    python = [sys.executable, *arguments]
    if sandbox == "bwrap":
        return bwrap_arguments(bwrap_path(), scratch) + (["--as-pid-1"] if init else []) + ["--", *python]
    return python


def drop_privileges(bwrap: bool) -> dict:
    """Popen's user and group for the worker: `nobody` when the grader runs as root without
    bubblewrap. Under bubblewrap a root worker keeps its user id but loses every capability,
    and sees a read-only file system: Python itself may live where only root can read it."""
    if bwrap or os.name != "posix" or os.geteuid() != 0:
        return {}
    import pwd

    return {"user": UNPRIVILEGED_USER, "group": pwd.getpwnam(UNPRIVILEGED_USER).pw_gid}


def open_to_worker(sandbox: str, *folders: Path) -> None:
    """When the worker runs as another user: let it list and read `folders` (not write them),
    as it must to reach its own folders inside them."""
    if drop_privileges(sandbox == "bwrap"):
        for folder in folders:
            folder.chmod(0o755)


def share_with_worker(scratch: Path, readable: Path, sandbox: str) -> None:
    """When the worker runs as another user: give it `scratch`, and let it read the files
    under `readable` (the checks' temporary folders, which pytest makes private)."""
    user = drop_privileges(sandbox == "bwrap")
    if not user:
        return
    os.chown(scratch, _uid(user["user"]), user["group"])
    for folder, _, files in os.walk(readable):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def listen_for_worker(folder: Path, sandbox: str):
    """`protocol.listen` in `folder`, for a worker (or zygote) confined by `sandbox`: when it
    runs as another user, that user is given the socket too (connecting needs write access)."""
    listener, authkey = protocol.listen(folder)
    user = drop_privileges(sandbox == "bwrap")
    if user and isinstance(listener.address, str):
        os.chown(listener.address, _uid(user["user"]), user["group"])
    return listener, authkey


def _uid(name: str) -> int:
    import pwd

    return pwd.getpwnam(name).pw_uid


def environment(scratch: Path, sandbox: str) -> dict[str, str]:
    """The worker's whole environment: what Python, NumPy and TensorFlow need, nothing of
    the grader's (no channel addresses, no keys, no credentials). Without bubblewrap (whose
    --die-with-parent does it) the worker is told the judge's process id, to die with it."""
    keep = ("PATH", "SYSTEMROOT", "WINDIR", "COMSPEC", "LANG", "LC_ALL", "KERAS_HOME")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        HOME=str(scratch), TMPDIR=str(scratch), TEMP=str(scratch), TMP=str(scratch),
        PYTHONPATH=str(catalog.PROJECT_ROOT), PYTHONDONTWRITEBYTECODE="1", PYTHONUTF8="1",
        PYTHONIOENCODING="utf-8", TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
        MPLBACKEND="Agg", CUDA_VISIBLE_DEVICES="-1",
    )
    if sandbox != "bwrap":
        env["GRADER_JUDGE_PID"] = str(os.getpid())
    return env


def start(arguments: list[str], scratch: Path, sandbox: str, output, authkey: bytes,
          init: bool = False) -> subprocess.Popen:
    """Start `python arguments...` confined by `sandbox` in `scratch` (a worker, or the zygote
    that forks them: `init`, see `command`), its output to the file `output`, and hand it the
    key of its channel on stdin, where no other process can read it."""
    process = subprocess.Popen(
        command(arguments, scratch, sandbox, init), cwd=scratch, env=environment(scratch, sandbox),
        stdin=subprocess.PIPE, stdout=output, stderr=subprocess.STDOUT, **process_options(),
        **drop_privileges(sandbox == "bwrap"),
    )
    try:
        process.stdin.write(authkey.hex().encode() + b"\n")
        process.stdin.close()
    except OSError:  # it died at once: its channel says how
        pass
    return process


def process_options() -> dict:
    """Popen options that give the worker its own session (POSIX) or process group (Windows)."""
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}


def become_subreaper() -> None:
    """Linux: orphans of the worker become this process's children, not init's, so that a
    double-forked process stays in the tree `kill_descendants` ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


# psutil is imported where it is used: the judge starts the worker before it needs it.

_spared: set[int] = set()  # a zygote and its sandbox (grader/judge/forks.py): not a grading's


def spare(pids) -> None:
    """Leave these processes out of `descendants`: they outlive gradings, and run no learner code."""
    _spared.update(pids)


def descendants() -> list:
    """Every process below this one (psutil.Process objects), but the spared ones: their
    children, orphans included, are still listed."""
    import psutil

    try:
        return [p for p in psutil.Process().children(recursive=True) if p.pid not in _spared]
    except psutil.Error:
        return []


def memory_of(processes: list) -> int:
    """Resident bytes of `processes` together."""
    import psutil

    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def kill_descendants() -> None:
    """Kill every process this one started and every orphan it reaped, and reap them."""
    import psutil

    for _ in range(5):  # a process may fork while we kill its parent
        found = descendants()
        if not found:
            return
        for process in found:
            try:
                process.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(found, timeout=5)
