"""Build learner submissions for tests: the reference with some functions rewritten."""

from __future__ import annotations

import textwrap
from pathlib import Path

from grader import catalog


def reference_source(lesson: catalog.Lesson) -> str:
    return (catalog.SOLUTIONS_DIR / lesson.filename).read_text()


def write_submission(folder: Path, lesson_id: str, *overrides: str, base: str | None = None) -> Path:
    """A folder holding `lesson_id`'s file: `base` (default: the reference) with `overrides`
    appended, so each later `def` replaces the reference's function of that name."""
    lesson = catalog.resolve(lesson_id)
    folder.mkdir(parents=True, exist_ok=True)
    source = reference_source(lesson) if base is None else textwrap.dedent(base)
    parts = [source, *(textwrap.dedent(part) for part in overrides)]
    (folder / lesson.filename).write_text("\n\n".join(parts))
    return folder


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove grading changed nothing."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}
