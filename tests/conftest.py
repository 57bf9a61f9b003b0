import sys
from pathlib import Path

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


@pytest.fixture(scope="session")
def make_figures():
    """scripts/make_figures.py as a module: the figures, facts.json and what computes them."""
    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    sys.path.insert(0, scripts)
    try:
        import make_figures
    finally:
        sys.path.remove(scripts)
    return make_figures
