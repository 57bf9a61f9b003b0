import pytest

from grader.api import grade
from tests.submissions import write_submission


@pytest.fixture
def grade_variant(tmp_path):
    """Grade the reference of a lesson with some functions rewritten; returns the LessonResult.
    `confinement` is api.grade's sandbox= and memory_limit=."""
    counter = iter(range(1000))

    def run(lesson_id, *overrides, base=None, timeout=None, **confinement):
        folder = write_submission(tmp_path / f"submission{next(counter)}", lesson_id, *overrides, base=base)
        return grade(lesson_id, folder, timeout=timeout, **confinement)

    return run
