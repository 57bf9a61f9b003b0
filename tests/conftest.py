import sys
from pathlib import Path

import pytest

from grader.standby import Standbys
from tests.submissions import variant_grader

WARM_JUDGES = 3  # a judge and its zygote hold about 1.4 GB with TensorFlow, per test process


@pytest.fixture(scope="session")
def warm_judges():
    """Judges kept warm for the whole test session, as `watch` and `batch` keep them (one per
    lesson graded lately; each grading still gets a fresh worker)."""
    with Standbys(size=WARM_JUDGES, per_lesson=1) as pool:
        yield pool


@pytest.fixture
def grade_variant(tmp_path, warm_judges):
    """Grade the reference of a lesson with some functions rewritten; returns the LessonResult.
    `confinement` is api.grade's sandbox= and memory_limit=. Graded warm, as `watch` and
    `batch` grade: tests/test_standby.py shows a corpus gets the verdicts of cold gradings,
    tests/test_every_lesson.py grades every lesson cold, and the attacks of
    test_confinement.py and test_hostile_submissions.py are graded both ways."""
    return variant_grader(tmp_path, warm_judges)


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
