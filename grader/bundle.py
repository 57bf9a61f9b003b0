"""`python -m grader gradescope-bundle OUT.zip [--lessons ...]`: the Gradescope autograder zip.

Gradescope unpacks the zip into /autograder/source and wants `setup.sh` and
`run_autograder` at its top. Next to them go the files grading needs (the
grader, the given code the lessons import, the reference solutions the checks
compare with, and the locked dependencies), and a `graded-lessons` file that
`run_autograder` reads, so the lessons an assignment grades are fixed when the
zip is built. Nothing else: no virtual environment, no git history, no built
site, no caches.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader import catalog

SCRIPTS = ("setup.sh", "run_autograder")  # from gradescope/, placed at the zip's top
PROJECT_FILES = ("pyproject.toml", "uv.lock", "README.md")  # README.md: pyproject.toml names it
PROJECT_FOLDERS = ("grader", "course", "solutions")
LESSONS_FILE = "graded-lessons"  # read by run_autograder
SKIPPED_PARTS = ("__pycache__", ".pytest_cache", ".ipynb_checkpoints")
SKIPPED_SUFFIXES = (".pyc", ".pyo")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same sources give the same zip, byte for byte
EXECUTABLE = 0o100755 << 16  # a regular file with mode 755, in the zip entry's external attributes
REGULAR = 0o100644 << 16


def bundled(path: Path) -> bool:
    """Whether a file under one of the project folders belongs in the zip."""
    relative = path.relative_to(catalog.PROJECT_ROOT)
    hidden = any(part.startswith(".") for part in relative.parts)
    cache = any(part in SKIPPED_PARTS for part in relative.parts)
    return path.is_file() and not hidden and not cache and path.suffix not in SKIPPED_SUFFIXES


def contents(lessons: list[catalog.Lesson]) -> dict[str, bytes]:
    """Every entry of the zip, by its name inside the zip."""
    root = catalog.PROJECT_ROOT
    # A Windows checkout may have given the scripts CRLF line ends, which bash on Gradescope refuses.
    entries = {name: (root / "gradescope" / name).read_bytes().replace(b"\r\n", b"\n") for name in SCRIPTS}
    entries.update({name: (root / name).read_bytes() for name in PROJECT_FILES})
    for folder in PROJECT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if bundled(path):
                entries[path.relative_to(root).as_posix()] = path.read_bytes()
    entries[LESSONS_FILE] = (" ".join(lesson.id for lesson in lessons) + "\n").encode()
    return entries


def write_bundle(out: Path, lessons: list[catalog.Lesson]) -> dict[str, bytes]:
    """Write the zip to `out` (through a temporary file, so a failed build leaves no half zip)."""
    entries = contents(lessons)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(entries.items()):
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = EXECUTABLE if name in SCRIPTS else REGULAR
                archive.writestr(info, data)
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)
    return entries
