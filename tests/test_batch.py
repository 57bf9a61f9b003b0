"""Batch grading of a class (the Gradescope entry point: tests/test_gradescope_bundle.py)."""

import csv
import json
import subprocess
import sys

import pytest

from grader import catalog
from grader.batch import BatchError, run_batch, student_folders
from grader.messages import common
from tests.submissions import write_submission

LOOP = "def count_images(data_dir):\n    while True:\n        pass\n"


def make_class(root):
    write_submission(root / "alice", "lesson1")
    write_submission(root / "alice", "lesson4")
    write_submission(root / "bob", "lesson1", LOOP)
    write_submission(root / "carol" / "lessons", "lesson4", "def relu(x):\n    import os\n    os._exit(1)\n")
    (root / "dave").mkdir()
    (root / "dave" / "essay.txt").write_text("not a lesson")
    (root / "grades-from-last-year.csv").write_text("x")
    return root


def read_csv(path):
    with open(path, newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_batch_grades_every_student_despite_hangs_and_crashes(tmp_path):
    root = make_class(tmp_path / "class")
    shown = []
    run_batch(root, tmp_path / "out" / "grades.csv", jobs=2, timeout=2, gradescope_dir=tmp_path / "gs", show=shown.append)
    rows = read_csv(tmp_path / "out" / "grades.csv")
    assert set(rows) == {"alice", "bob", "carol", "dave"}
    assert list(rows["alice"])[:10] == ["student", *(lesson.id for lesson in catalog.LESSONS)]
    assert (rows["alice"]["lesson1"], rows["alice"]["lesson4"], rows["alice"]["score"]) == ("5", "14", "19")
    assert rows["bob"]["lesson1"] == "3" and rows["bob"]["lesson4"] == ""
    assert rows["carol"]["lesson4"] == "13"
    assert "no lesson files" in rows["dave"]["problem"]
    details = json.loads((tmp_path / "out" / "grades.json").read_text())["students"]
    bob_checks = details["bob"]["lessons"][0]["tests"]
    assert [t["status"] for t in bob_checks].count("timeout") == 2
    assert json.loads((tmp_path / "gs" / "alice" / "results.json").read_text())["score"] == 19
    assert any("grades-from-last-year.csv" in line for line in shown)
    assert common.BATCH_START.format(count=4, jobs=2) in shown
    assert shown.index(common.BATCH_START.format(count=4, jobs=2)) < min(
        shown.index(line) for line in shown if line.startswith("["))  # before the first student's line


def test_rerun_grades_only_missing_students_and_reads_no_corrupt_file(tmp_path):
    root = make_class(tmp_path / "class")
    out = tmp_path / "grades.csv"
    run_batch(root, out, jobs=2, timeout=2, show=lambda _: None)
    details = json.loads(out.with_suffix(".json").read_text())
    del details["students"]["alice"]  # as if interrupted before alice was written
    out.with_suffix(".json").write_text(json.dumps(details))
    shown = []
    run_batch(root, out, jobs=2, timeout=2, show=shown.append)
    assert any(line.startswith("[") and "alice" in line for line in shown)
    assert not any(line.startswith("[") and "bob" in line for line in shown)
    assert set(read_csv(out)) == {"alice", "bob", "carol", "dave"}
    out.with_suffix(".json").write_text('{"students": {"alice": ')  # a truncated file is never trusted
    run_batch(root, out, jobs=2, timeout=2, show=lambda _: None)
    assert set(json.loads(out.with_suffix(".json").read_text())["students"]) == {"alice", "bob", "carol", "dave"}


def test_student_time_limit_stops_one_student_only(tmp_path):
    root = tmp_path / "class"
    write_submission(root / "slow", "lesson1", LOOP)
    write_submission(root / "quick", "lesson1")
    # 8 s: room for one grading (two processes starting) on a loaded two-core machine
    students = run_batch(root, tmp_path / "g.csv", jobs=2, time_limit=8, timeout=30, show=lambda _: None)
    assert students["slow"]["problem"] == common.BATCH_TIMEOUT.format(seconds=8)
    assert students["slow"]["seconds"] < 20
    assert sum(doc["score"] for doc in students["quick"]["lessons"]) == 5


@pytest.mark.parametrize("layout, message", [
    ({}, common.BATCH_EMPTY),
    ({"Alice": "lesson1", "alice": "lesson1"}, common.BATCH_CASE_CLASH),
])
def test_bad_submissions_folders_get_one_line(tmp_path, layout, message):
    root = tmp_path / "class"
    root.mkdir()
    for name, lesson_id in layout.items():
        write_submission(root / name, lesson_id)
    if len(layout) == 2 and len(list(root.iterdir())) == 1:
        pytest.skip("this file system ignores case, so two such folders cannot exist")
    with pytest.raises(BatchError) as error:
        student_folders(root)
    assert str(error.value).startswith(message.split("{")[0])
    completed = subprocess.run([sys.executable, "-m", "grader", "batch", str(root), "--csv", str(tmp_path / "g.csv")],
                               capture_output=True, text=True, cwd=catalog.PROJECT_ROOT)
    assert completed.returncode == 2 and len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr


def test_a_lesson_file_that_is_not_utf8_is_named(tmp_path):
    root = tmp_path / "class"
    (root / "eve").mkdir(parents=True)
    (root / "eve" / "lesson1_fashion_classification.py").write_bytes(b"caf\xe9 = 1\n")
    students = run_batch(root, tmp_path / "g.csv", show=lambda _: None)
    (lesson,) = students["eve"]["lessons"]
    assert lesson["status"] == "error"
    assert "is not UTF-8" in lesson["tests"][0]["message"]

