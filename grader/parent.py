"""Die with the parent: used by the judge (whose parent is the grader) and by the worker
(whose parent is the judge), so that neither outlives a killed grader."""

from __future__ import annotations

import os
import sys


def die_with_parent(parent_pid: int) -> None:
    """Make the kernel kill this process when the process that started it dies (Linux;
    elsewhere the parent's supervision is what ends it)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != parent_pid:  # the parent died before we asked
        os._exit(1)
