"""Hints, watch mode and the notebook round trip: the student's loop around the grader."""

import os
import queue
import threading
import time

import jupytext
import pytest

from grader import catalog, submissions
from grader.api import display_path as api_display
from grader.api import grade
from grader.hints import hints_for, next_hint
from grader.messages import common
from grader import watch as watch_module
from grader.watch import changes, saves, watch
from tests.submissions import reference_source, write_submission


@pytest.fixture(autouse=True)
def private_hint_state(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_STATE_DIR", str(tmp_path / "state"))


@pytest.mark.parametrize("lesson", catalog.LESSONS, ids=lambda lesson: lesson.id)
def test_every_check_has_question_hints(lesson):
    check_ids = [line.split("(")[0][4:] for line in lesson.checks_file.read_text().splitlines()
                 if line.startswith("def check_")]
    assert check_ids
    for check_id in check_ids:
        hints = hints_for(lesson, check_id)
        assert hints, f"{lesson.id}: no hint for {check_id}"
        assert all("?" in hint for hint in hints), f"{lesson.id}: a hint for {check_id} asks no question"


def test_hints_progress_for_the_first_failing_check(tmp_path):
    folder = write_submission(tmp_path / "s", "lesson4", base=(catalog.LESSONS_DIR / "lesson4_convolutional_networks.py").read_text())
    result = grade("lesson4", folder)
    path = folder / "lesson4_convolutional_networks.py"
    hints = hints_for(catalog.BY_ID["lesson4"], result.tests[0].check_id)
    shown = [next_hint(result, path) for _ in range(len(hints) + 1)]
    assert [hint.number for hint in shown] == [*range(1, len(hints) + 1), len(hints)]
    assert [hint.text for hint in shown[:-1]] == list(hints)
    assert all(hint.check.name == result.tests[0].name for hint in shown)
    assert next_hint(grade("lesson4", catalog.SOLUTIONS_DIR), path) is None


def test_watch_reports_changes_survives_a_broken_save_and_congratulates(tmp_path):
    folder = write_submission(tmp_path / "s", "lesson1", "def count_images(data_dir):\n    raise NotImplementedError\n")
    path = folder / "lesson1_fashion_classification.py"
    edits = queue.Queue()
    shown = []

    def events():
        yield  # the first grading
        while (edit := edits.get()) is not None:
            path.write_text(edit)
            yield

    thread = threading.Thread(target=watch, args=(catalog.BY_ID["lesson1"], folder),
                              kwargs={"show": shown.append, "events": events()})
    thread.start()
    edits.put(reference_source(catalog.BY_ID["lesson1"]) + "\ndef count_images(data_dir)\n")  # half-written
    edits.put(reference_source(catalog.BY_ID["lesson1"]))  # finished
    edits.put(None)
    thread.join(timeout=120)
    assert not thread.is_alive()
    first, broken, fixed, cheer = shown[1:]
    assert "not started" in first
    assert "line" in broken and "expected ':'" in broken
    assert "✓ count_images" in fixed and "✓ list_classes" in fixed
    assert cheer == common.WATCH_PASSED.format(number="8.1", next_number="8.2")


def test_changes_lists_only_what_changed(tmp_path):
    before = grade("lesson1", catalog.LESSONS_DIR)
    after = grade("lesson1", catalog.SOLUTIONS_DIR)
    assert changes(after, after) == common.WATCH_UNCHANGED.format(score=after.score, max_score=after.max_score)
    assert changes(before, after).count("(was not started)") == len(after.tests)


def test_saves_waits_until_the_file_stops_changing(tmp_path):
    path = tmp_path / "lesson.py"
    path.write_text("a")
    ticks = saves([path], settle=0.2)
    next(ticks)
    got = queue.Queue()
    threading.Thread(target=lambda: got.put((next(ticks), path.read_text())), daemon=True).start()
    for text in ("ab", "abc", "abcd"):  # an editor writing in bursts
        time.sleep(0.08)
        path.write_text(text)
    assert got.get(timeout=10) == (None, "abcd")


def next_tick(ticks, seconds=10):
    """What `ticks` gives next: None for a save, "ended" if it ends, "no save seen" if nothing
    comes within `seconds`."""
    got = queue.Queue()
    threading.Thread(target=lambda: got.put(next(ticks, "ended")), daemon=True).start()
    try:
        return got.get(timeout=seconds)
    except queue.Empty:
        return "no save seen"


def test_saves_sees_an_editors_save_by_rename_and_ignores_other_files(tmp_path):
    path = tmp_path / "lesson.py"
    path.write_text("a")
    ticks = saves([path])
    next(ticks)
    got = queue.Queue()
    threading.Thread(target=lambda: got.put((next(ticks), path.read_text())), daemon=True).start()
    time.sleep(0.5)
    (tmp_path / ".lesson.py.swp").write_text("an editor's swap file")
    (tmp_path / "other.py").write_text("another file")
    time.sleep(0.5)
    assert got.empty()
    (tmp_path / "lesson.py.tmp").write_text("ab")
    os.replace(tmp_path / "lesson.py.tmp", path)
    assert got.get(timeout=10) == (None, "ab")


def test_a_save_made_while_a_grading_runs_is_graded_after_it(tmp_path):
    path = tmp_path / "lesson.py"
    path.write_text("a")
    ticks = saves([path])
    next(ticks)  # the first grading starts; the learner saves before it ends
    path.write_text("ab")
    assert next_tick(ticks) is None
    path.write_text("abc")  # and again during the second
    assert next_tick(ticks) is None
    assert next_tick(ticks, seconds=2) == "no save seen"  # nothing more was saved


def test_watch_grades_the_notebook_once_the_learner_saves_it_and_says_so(tmp_path, monkeypatch):
    """A learner who started watch on the .py file, then works in a notebook copy of the
    lesson, is graded on the notebook from its first save, and told which file is graded."""
    lesson = catalog.BY_ID["lesson1"]
    folder = write_submission(tmp_path / "s", "lesson1", "def count_images(data_dir):\n    raise NotImplementedError\n")
    shown = queue.Queue()
    stop = threading.Event()

    def saves_until_stopped(*args, **kwargs):  # watch's own saves (of the files it chose), ended by `stop`
        for tick in saves(*args, **kwargs):
            if stop.is_set():
                return
            yield tick

    monkeypatch.setattr(watch_module, "saves", saves_until_stopped)
    thread = threading.Thread(target=watch, args=(lesson, folder), daemon=True, kwargs={"show": shown.put})
    thread.start()
    assert shown.get(timeout=60) == common.WATCH_START.format(  # the start line names both files
        file=api_display(folder / lesson.filename), others=common.WATCH_ALSO.format(name=submissions.notebook_name(lesson)))
    assert "not started" in shown.get(timeout=60)  # the first report: count_images
    notebook = jupytext.reads(reference_source(lesson), fmt="py:percent")
    jupytext.write(notebook, folder / submissions.notebook_name(lesson))
    report = shown.get(timeout=60)
    stop.set()
    (folder / lesson.filename).touch()  # one more save ends the loop
    thread.join(60)
    assert report.startswith(common.SUBMISSION_NEWER.split("{")[0] + submissions.notebook_name(lesson)), report
    assert "✓ count_images" in report


def test_changes_names_the_file_graded_when_it_is_not_the_one_before():
    before = grade("lesson1", catalog.LESSONS_DIR)
    after = grade("lesson1", catalog.SOLUTIONS_DIR)
    assert changes(before, after).splitlines()[0] == common.WATCH_NOW_GRADING.format(file=after.file)
    after.notes = ["Graded the notebook: it was saved later."]
    assert changes(before, after).splitlines()[0] == after.notes[0]
    assert after.notes == ["Graded the notebook: it was saved later."]


@pytest.mark.parametrize("lesson_id", ["lesson1", "lesson4"])
def test_notebook_round_trip_keeps_stubs_gradeable(tmp_path, lesson_id):
    lesson = catalog.BY_ID[lesson_id]
    source = catalog.LESSONS_DIR / lesson.filename
    notebook = jupytext.read(source)
    assert any(cell.cell_type == "markdown" for cell in notebook.cells)
    assert any(cell.cell_type == "code" for cell in notebook.cells)
    jupytext.write(notebook, tmp_path / "notebook.ipynb")
    back = jupytext.read(tmp_path / "notebook.ipynb")
    folder = tmp_path / "lessons"
    folder.mkdir()
    jupytext.write(back, folder / lesson.filename, fmt="py:percent")
    result = grade(lesson_id, folder)
    assert {check.status for check in result.tests} == {"not_started"}
    # Only jupytext's own version stamp may be added to the header; every cell comes back as it was.
    assert without_header((folder / lesson.filename).read_text()) == without_header(source.read_text())


def without_header(text):
    return text.split("# ---\n", 2)[2]
