"""`python -m grader` with no lesson: a table of all nine lessons and what to do next.

Lessons whose grading needs TensorFlow are not graded here (that would take a
minute); their status comes from reading the file: untouched stubs are "not
started", anything else "in progress".
"""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader import api, catalog, notebooks, report, submissions
from grader.messages import common
from grader.results import LessonResult


def stubs_untouched(path: Path, lesson: catalog.Lesson) -> bool:
    """True when every function the learner writes still ends in `raise NotImplementedError`
    (in a .py file, or in the code cells of a notebook)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(notebooks.convert(text).source if path.suffix == notebooks.SUFFIX else text)
    except (SyntaxError, notebooks.NotebookError):
        return False
    bodies = {node.name: node.body for node in tree.body if isinstance(node, ast.FunctionDef)}
    return all(
        name in bodies and isinstance(bodies[name][-1], ast.Raise)
        and "NotImplementedError" in ast.unparse(bodies[name][-1])
        for name in lesson.functions
    )


def status_of(result: LessonResult | None, path: Path, lesson: catalog.Lesson) -> str:
    if not path.is_file():
        return common.PROGRESS_MISSING
    if result is None:
        return common.PROGRESS_NOT_STARTED if stubs_untouched(path, lesson) else common.PROGRESS_IN_PROGRESS
    if result.status == "passed":
        return common.PROGRESS_DONE
    return common.PROGRESS_IN_PROGRESS if result.started else common.PROGRESS_NOT_STARTED


def progress_rows(folder: Path) -> list[tuple[catalog.Lesson, str, str]]:
    quick = [lesson for lesson in catalog.LESSONS if not lesson.needs_tensorflow]
    with ThreadPoolExecutor(max_workers=2) as pool:
        graded = dict(zip((lesson.id for lesson in quick), pool.map(lambda l: api.grade(l, folder), quick)))
    rows = []
    for lesson in catalog.LESSONS:
        result = graded.get(lesson.id)
        status = status_of(result, submissions.choose(lesson, folder).path, lesson)
        score = f"{result.score:g}/{result.max_score:g}" if result else common.PROGRESS_UNGRADED
        rows.append((lesson, status, score))
    return rows


def show_progress(folder: Path, command_suffix: str = "") -> int:
    rows = progress_rows(folder)
    table = [common.PROGRESS_HEADER] + [(l.course_number, l.title, status, score) for l, status, score in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    print(common.PROGRESS_TITLE.format(folder=api.display_path(folder)) + "\n")
    for row in table:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    unfinished = [lesson for lesson, status, _ in rows if status != common.PROGRESS_DONE]
    print()
    if unfinished:
        lesson = unfinished[0]
        print(common.PROGRESS_NEXT.format(number=lesson.course_number, title=lesson.title,
                                          command=report.grade_command(lesson.id, command_suffix)))
        print(common.PROGRESS_FULL)
    else:
        print(common.PROGRESS_ALL_DONE)
    return 0 if not unfinished else 1
