"""Load the learner's file, and keep the reference out of its reach.

A finder refuses every import of `solutions`, however the name was spelled or
computed (under bubblewrap the folder is not even visible). A function the
learner's module took from a file in `solutions/` (loaded by path) is named, so
the judge can refuse to grade it.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BLOCKED_PACKAGE = "solutions"


class ReferenceImportBlocked(ImportError):
    """The learner's code tried to import the reference solutions."""


class _BlockReference(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == BLOCKED_PACKAGE or fullname.startswith(BLOCKED_PACKAGE + "."):
            raise ReferenceImportBlocked(fullname)
        return None


def block_reference_imports() -> None:
    for name in [n for n in sys.modules if n == BLOCKED_PACKAGE or n.startswith(BLOCKED_PACKAGE + ".")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _BlockReference())


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at `path` as module `name` (never as `__main__`)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def functions_taken_from(module: ModuleType, directory: Path) -> list[str]:
    """Public functions of `module` whose code was written in `directory`."""
    directory = directory.resolve()
    taken = []
    for name, value in vars(module).items():
        code = getattr(value, "__code__", None)
        if name.startswith("_") or code is None:
            continue
        if Path(code.co_filename).resolve().parent == directory:
            taken.append(name)
    return taken
