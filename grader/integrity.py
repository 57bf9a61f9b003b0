"""Without bubblewrap the worker can write where its user can: the grader checks afterwards.

Before and after each grading the grader hashes its own files, the reference's
and the given course code. Any difference voids that verdict (an error naming
the files), and `batch` stops before the next student is graded by altered
checks.
"""

from __future__ import annotations

import hashlib
from grader import catalog

WATCHED = ("grader", "solutions", "course")  # folders of the project whose files decide a verdict


def fingerprint() -> dict[str, str]:
    """Every watched file (relative path) with the SHA-256 of its bytes."""
    found = {}
    for folder in WATCHED:
        for path in sorted((catalog.PROJECT_ROOT / folder).rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            try:
                found[path.relative_to(catalog.PROJECT_ROOT).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                found[path.relative_to(catalog.PROJECT_ROOT).as_posix()] = "unreadable"
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The files added, removed or changed between two fingerprints."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
