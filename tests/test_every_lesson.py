"""Every reference passes, every stub is "not started", and the two agree on signatures and docstrings."""

import ast

import pytest

from grader import catalog
from grader.api import grade
from grader.judge import confinement

LESSONS = [lesson.id for lesson in catalog.LESSONS]


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_reference_passes_every_check(lesson_id):
    result = grade(lesson_id, catalog.SOLUTIONS_DIR)
    failures = [(c.name, c.status, c.message) for c in result.tests if c.status != "passed"]
    assert result.tests and not failures
    assert result.status == "passed" and result.score == result.max_score
    assert result.confinement == ("bwrap" if confinement.bwrap_works() else "none")  # a worker, for every lesson


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_stub_is_not_started(lesson_id):
    result = grade(lesson_id, catalog.LESSONS_DIR)
    assert result.tests
    assert {check.status for check in result.tests} == {"not_started"}, [(c.name, c.status, c.message) for c in result.tests]
    assert result.status == "failed" and result.score == 0


def public_functions(path):
    tree = ast.parse(path.read_text())
    return {
        node.name: (ast.unparse(node.args), ast.get_docstring(node, clean=False))
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_stub_and_reference_share_signatures_and_docstrings(lesson_id):
    lesson = catalog.BY_ID[lesson_id]
    stubs = public_functions(catalog.LESSONS_DIR / lesson.filename)
    references = public_functions(catalog.SOLUTIONS_DIR / lesson.filename)
    for name in lesson.functions:
        assert name in stubs and name in references, name
        assert stubs[name][1], f"{name} has no docstring"
        assert stubs[name] == references[name], name


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_stub_raises_not_implemented(lesson_id):
    lesson = catalog.BY_ID[lesson_id]
    tree = ast.parse((catalog.LESSONS_DIR / lesson.filename).read_text())
    stubs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in lesson.functions]
    assert len(stubs) == len(lesson.functions)
    for node in stubs:
        last = node.body[-1]
        assert isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last), node.name
