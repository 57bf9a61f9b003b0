"""The command line: exit codes, usage errors, and the JSON and Gradescope documents."""

import json
import subprocess
import sys

import pytest

from grader import catalog
from grader.messages import common
from grader.results import CHECK_STATUSES, LESSON_STATUSES
from tests.submissions import write_submission

LESSON_KEYS = {"lesson", "title", "status", "score", "max_score", "confinement", "tests"}
TEST_KEYS = {"name", "status", "message", "score", "max_score"}


def run_grader(*args, cwd=catalog.PROJECT_ROOT):
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd)


def assert_lesson_document(document):
    assert set(document) == LESSON_KEYS
    assert document["status"] in LESSON_STATUSES
    assert isinstance(document["score"], (int, float)) and isinstance(document["max_score"], (int, float))
    assert document["tests"]
    for test in document["tests"]:
        assert set(test) == TEST_KEYS
        assert test["status"] in CHECK_STATUSES
        assert isinstance(test["name"], str) and isinstance(test["message"], str)
    assert document["score"] == sum(test["score"] for test in document["tests"])
    assert document["max_score"] == sum(test["max_score"] for test in document["tests"])


@pytest.mark.parametrize("name", ["lesson1", "1", "8.1"])
def test_every_spelling_of_a_lesson_grades_it(name):
    completed = run_grader(name, "--solutions", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert_lesson_document(document)
    assert document["lesson"] == "lesson1" and document["status"] == "passed"


def test_stubs_exit_1_and_say_what_to_write():
    completed = run_grader("lesson4")
    assert completed.returncode == 1
    assert "not started" in completed.stdout
    assert "Next: write `conv2d` in lessons/lesson4_convolutional_networks.py" in completed.stdout
    assert completed.stderr == ""


def test_unknown_lesson_exits_2_listing_valid_ids():
    completed = run_grader("lesson42")
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and all(lesson.id in lines[0] for lesson in catalog.LESSONS)
    assert completed.stdout == ""


def test_missing_submission_folder_exits_2_with_one_line(tmp_path):
    completed = run_grader("lesson1", "--submission", str(tmp_path / "nowhere"))
    assert completed.returncode == 2
    assert completed.stderr.strip() == "grader: error: " + common.MISSING_SUBMISSION.format(path=tmp_path / "nowhere")


def test_missing_lesson_file_is_an_error_naming_the_file(tmp_path):
    completed = run_grader("lesson1", "--submission", str(tmp_path), "--format", "json")
    assert completed.returncode == 1
    document = json.loads(completed.stdout)
    assert_lesson_document(document)
    assert document["status"] == "error"
    assert all("lesson1_fashion_classification.py is missing" in t["message"] for t in document["tests"])


def test_all_gives_a_list_and_gradescope_results(tmp_path):
    folder = write_submission(tmp_path / "s", "lesson4")
    write_submission(folder, "lesson1", 'def count_images(data_dir):\n    return {}\n')
    results = tmp_path / "out" / "results.json"
    completed = run_grader("all", "--submission", str(folder), "--format", "json", "--gradescope", str(results))
    assert completed.returncode == 1
    documents = json.loads(completed.stdout)
    assert [d["lesson"] for d in documents] == [lesson.id for lesson in catalog.LESSONS]
    for document in documents:
        assert_lesson_document(document)
    by_id = {d["lesson"]: d for d in documents}
    assert by_id["lesson4"]["status"] == "passed"
    assert by_id["lesson1"]["status"] == "failed"
    assert by_id["lesson5"]["status"] == "error"

    gradescope = json.loads(results.read_text())
    assert set(gradescope) >= {"score", "tests"}
    assert gradescope["score"] == sum(d["score"] for d in documents)
    assert len(gradescope["tests"]) == sum(len(d["tests"]) for d in documents)
    for test in gradescope["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output"}
        assert test["status"] in ("passed", "failed")


@pytest.mark.parametrize("lesson_id", ["lesson1", "lesson4"])
def test_numpy_lessons_never_import_tensorflow(lesson_id):
    from grader.api import grade

    for folder in (catalog.SOLUTIONS_DIR, catalog.LESSONS_DIR):
        result = grade(lesson_id, folder)
        assert result.tensorflow_imported is False


def test_progress_without_a_lesson_lists_all_nine():
    completed = run_grader("--solutions")
    for lesson in catalog.LESSONS:
        assert lesson.title in completed.stdout
    assert "uv run python -m grader lesson" in completed.stdout


def test_readme_example_report_points_at_the_stub_of_make_datasets():
    """The README's example of an untouched lesson 5 names the line the grader names: the
    `raise NotImplementedError` of `make_datasets` (grading it would cost a TensorFlow import)."""
    import ast
    import re

    source = (catalog.LESSONS_DIR / catalog.BY_ID["lesson5"].filename).read_text(encoding="utf-8")
    function = next(node for node in ast.parse(source).body
                    if isinstance(node, ast.FunctionDef) and node.name == "make_datasets")
    stub = next(node for node in ast.walk(function) if isinstance(node, ast.Raise))
    readme = (catalog.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"Next: write `make_datasets` in lessons/lesson5_transfer_learning\.py \(line (\d+)\)", readme)
    assert shown is not None and int(shown.group(1)) == stub.lineno
