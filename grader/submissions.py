"""Which file to grade for a lesson: its .py file, its notebook, or the newer of the two.

`--submission` names a folder (holding `lessonN_<slug>.py`, `lessonN_<slug>.ipynb` or
both) or one file. When a folder holds both, the one saved last is graded and the
report says so, so that a learner who worked in a paired or copied notebook is never
graded on the older file. A tie goes to the .py file: a paired notebook and its .py
file, saved together, hold the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader import catalog, notebooks
from grader.messages import common

SUFFIXES = (".py", notebooks.SUFFIX)


@dataclass(frozen=True)
class Submission:
    path: Path  # the file to grade; it may not exist, and then the lesson is missing
    reason: str | None = None  # why this file and not the other one, when there were two

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == notebooks.SUFFIX


def notebook_name(lesson: catalog.Lesson) -> str:
    return Path(lesson.filename).with_suffix(notebooks.SUFFIX).name


def candidates(lesson: catalog.Lesson, source: Path) -> list[Path]:
    """The files that may hold `lesson` in `source`: its .py file and its notebook in a folder,
    or the one file `source`."""
    if source.is_file():
        return [source]
    return [source / lesson.filename, source / notebook_name(lesson)]


def choose(lesson: catalog.Lesson, source: Path) -> Submission:
    """The file to grade for `lesson` in `source`, a folder or a single lesson file."""
    if source.is_file():
        return Submission(source)
    script, notebook = candidates(lesson, source)
    if not notebook.is_file():
        return Submission(script)
    if not script.is_file():
        return Submission(notebook)
    gap = notebook.stat().st_mtime_ns - script.stat().st_mtime_ns
    graded, other = (notebook, script) if gap > 0 else (script, notebook)
    if gap == 0:
        return Submission(graded, common.SUBMISSION_SAME_TIME.format(graded=graded.name, other=other.name))
    return Submission(graded, common.SUBMISSION_NEWER.format(graded=graded.name, other=other.name,
                                                              gap=duration(abs(gap) / 1e9)))


def present(lesson: catalog.Lesson, folder: Path) -> bool:
    """True when `folder` holds `lesson` as a .py file or a notebook."""
    return choose(lesson, folder).path.is_file()


def lesson_of_file(path: Path) -> catalog.Lesson | None:
    """The lesson a single file's name names (`lesson5_anything.ipynb`: lesson 5), if any."""
    name = path.name.lower()
    return next((lesson for lesson in catalog.LESSONS if name.startswith(f"{lesson.id}_")), None)


def duration(seconds: float) -> str:
    """A gap between two saves, as a person says it."""
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if unit == 'day' and count > 1 else ''}"
    return f"{seconds:.0f} s" if seconds >= 1 else "less than a second"
