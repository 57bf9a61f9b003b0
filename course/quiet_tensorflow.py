"""Keep TensorFlow's C++ start-up log off the learner's terminal.

`import tensorflow` writes lines such as "I0000 ... oneDNN custom operations
are on" and "Could not find cuda drivers" straight to file descriptor 2, before
absl logging is set up, so `TF_CPP_MIN_LOG_LEVEL` does not hide them. They
would bury the one-line messages of the experiment runners.

`silence_tensorflow_startup()` installs an import hook. It costs nothing until
TensorFlow is first imported. Then, while TensorFlow loads, the hook sends
descriptor 2 to a temporary file and afterwards writes back every line that is
not start-up noise. Real errors and Python warnings still show.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import re
import sys
import tempfile

STARTUP_NOISE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|I\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] .*"  # absl INFO lines; warnings and errors are kept
)


def without_startup_noise(text: str) -> str:
    """`text` without the lines TensorFlow logs at start-up."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not STARTUP_NOISE.fullmatch(line.rstrip("\r\n")))


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # get_resource_reader, get_filename, ...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as log:
            os.dup2(log.fileno(), 2)
            try:
                self._loader.exec_module(module)
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)
                log.seek(0)
                sys.stderr.write(without_startup_noise(log.read().decode("utf-8", "replace")))
                sys.stderr.flush()


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def silence_tensorflow_startup() -> None:
    """Filter TensorFlow's start-up log out of standard error when it is first imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # and the rest of its C++ log after start-up
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlowFinder())
