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


def variant_grader(folder: Path, standbys=None):
    """`run(lesson_id, *overrides, base=None, timeout=None, **confinement)`: grade the reference of
    a lesson with some functions rewritten (see `write_submission`), in a new folder under
    `folder`; the LessonResult. Cold, or by the warm judges of `standbys` (grader.standby)."""
    from grader import api

    counter = iter(range(1000))

    def run(lesson_id, *overrides, base=None, timeout=None, **confinement):
        submission = write_submission(folder / f"submission{next(counter)}", lesson_id, *overrides, base=base)
        return api.grade(lesson_id, submission, timeout=timeout, standbys=standbys, **confinement)

    return run


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove grading changed nothing."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def check_table(result) -> list[tuple[str, str, str]]:
    """(name, status, message) of every check of a graded lesson, for assertion messages."""
    return [(check.name, check.status, check.message) for check in result.tests]


def assert_mistake_named(result, mistake: str) -> None:
    """The lesson failed, and its first check that did not pass failed naming `mistake` (the
    message template that names the mistake), so the learner reads that message first."""
    __tracebackhide__ = True
    first = next((check for check in result.tests if check.status != "passed"), None)
    assert first is not None and first.status == "failed", (
        f"expected a failed check naming {mistake!r}; the checks: {check_table(result)}")
    assert first.mistake == mistake, (
        f"{first.name!r} named {first.mistake!r}, expected {mistake!r}: {first.message}\n"
        f"the checks: {check_table(result)}")
    assert result.status == "failed", check_table(result)


def assert_passes(result) -> None:
    """Every check of the lesson passed."""
    __tracebackhide__ = True
    assert result.status == "passed", [row for row in check_table(result) if row[1] != "passed"]


def edit(source: str, *edits: tuple[str, str]) -> str:
    """`source` with each (old, new) of `edits` replaced; each `old` must be there."""
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    return source


def assert_only_check_fails(result, check_id: str) -> None:
    """Of all the lesson's checks, only `check_id` (a check function's name) did not pass: a
    mistake is reported by the check whose subject it is, and repeated by no other."""
    __tracebackhide__ = True
    others = [row for check, row in zip(result.tests, check_table(result))
              if check.status != "passed" and check.check_id != check_id]
    assert not others, f"only {check_id} should fail; these did too: {others}"
    assert any(check.check_id == check_id and check.status == "failed" for check in result.tests), (
        check_table(result))
