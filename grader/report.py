"""The report a learner reads in the terminal."""

from __future__ import annotations

import textwrap

from grader import catalog
from grader.messages import common
from grader.results import LessonResult

WIDTH = 88


def grade_command(lesson_id: str, extra: str = "") -> str:
    return f"uv run python -m grader {lesson_id}{extra}"


def render(result: LessonResult, command_suffix: str = "") -> str:
    lesson = catalog.BY_ID[result.lesson]
    lines = [common.HEADER.format(number=lesson.course_number, title=lesson.title, file=result.file),
             *(textwrap.fill(note, WIDTH, initial_indent="  ", subsequent_indent="  ") for note in result.notes), ""]
    shown_broken = False
    for check in result.tests:
        mark = common.STATUS_MARKS[check.status]
        label = f"  — {common.NOT_STARTED_LABEL}" if check.status == "not_started" else ""
        lines.append(f"  {mark} {check.name}{label}")
        if check.status in ("passed", "not_started") or not check.message:
            continue
        if result.broken and shown_broken:
            continue  # the file-level problem is the same for every check: say it once
        shown_broken = result.broken
        for paragraph in check.message.splitlines():
            lines += textwrap.wrap(paragraph, WIDTH, initial_indent="      ", subsequent_indent="      ",
                                   drop_whitespace=False) or [""]
    lines += ["", common.SCORE.format(score=result.score, max_score=result.max_score),
              next_step(result, command_suffix)]
    return "\n".join(lines)


def next_step(result: LessonResult, command_suffix: str = "") -> str:
    lesson = catalog.BY_ID[result.lesson]
    command = grade_command(lesson.id, command_suffix)
    if result.status == "passed":
        later = [other for other in catalog.LESSONS if other.number > lesson.number]
        if not later:
            return common.ALL_DONE.format(number=lesson.course_number)
        return common.NEXT_LESSON.format(number=lesson.course_number, next_number=later[0].course_number,
                                         command=grade_command(later[0].id, command_suffix))
    if any(check.mistake == common.FILE_MISSING for check in result.tests):
        return common.NEXT_FILE.format(file=result.file, command=command)
    first = next(check for check in result.tests if check.status != "passed")
    if first.status == "not_started" and first.function:
        return common.NEXT_WRITE.format(function=first.function, file=result.file, where=first.where,
                                        command=command)
    return common.NEXT_FIX.format(command=command)


def render_summary(results: list[LessonResult]) -> str:
    passed = sum(result.status == "passed" for result in results)
    return common.ALL_SUMMARY.format(passed=passed, total=len(results),
                                     score=sum(r.score for r in results),
                                     max_score=sum(r.max_score for r in results))
