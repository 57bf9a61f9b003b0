"""`working_directory(folder)`: run a block inside `folder`, then go back.

`contextlib.chdir` does this from Python 3.11; the course supports 3.10.
"""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def working_directory(folder):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
