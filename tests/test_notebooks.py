"""Notebook-first lessons: the grader grades notebooks, and JupyterLab edits the lessons' .py files.

A notebook is converted without running it (magics and shell escapes left out,
markdown ignored), messages point at "cell N, line M", the newer of a lesson's .py
and .ipynb is graded and the report says so, and a broken notebook costs only its
own lesson. The last tests start a real JupyterLab server as the README does (the
project's jupytext.toml, in the project folder), edit a lesson through its
contents API and run a lesson's cell in its kernel.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jupytext
import nbformat
import pytest

from grader import catalog, notebooks, report
from grader.api import grade
from grader.batch import run_batch
from grader.messages import common
from tests.submissions import assert_passes, check_table

LESSONS = [lesson.id for lesson in catalog.LESSONS]
LESSON1 = catalog.BY_ID["lesson1"]
LESSON4 = catalog.BY_ID["lesson4"]


def notebook_of(path):
    """The notebook jupytext makes of a lesson file, as a student gets it with `jupytext --to ipynb`."""
    return jupytext.read(path)


def write_notebook(notebook, folder, lesson, name=None):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or Path(lesson.filename).with_suffix(".ipynb").name)
    nbformat.write(notebook, str(path))
    return path


def cell_and_line(notebook, text):
    """(cell, line) where `text` first appears in `notebook`, counted from 1 as a reader counts."""
    for number, cell in enumerate(notebook.cells, start=1):
        for line_number, line in enumerate(cell.source.splitlines(), start=1):
            if text in line:
                return number, line_number
    raise AssertionError(f"{text!r} is in no cell")


def run_grader(*args):
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True,
                          cwd=catalog.PROJECT_ROOT)


# --- every reference and every stub, as a notebook --------------------------------------

@pytest.mark.parametrize("lesson_id", LESSONS)
def test_notebook_of_the_reference_passes(lesson_id, tmp_path):
    lesson = catalog.BY_ID[lesson_id]
    path = write_notebook(notebook_of(catalog.SOLUTIONS_DIR / lesson.filename), tmp_path, lesson)
    result = grade(lesson, tmp_path)
    assert_passes(result)
    assert result.file.endswith(path.name) and result.notes == []


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_notebook_of_the_stub_is_not_started_and_points_at_its_cell(lesson_id, tmp_path):
    lesson = catalog.BY_ID[lesson_id]
    notebook = notebook_of(catalog.LESSONS_DIR / lesson.filename)
    write_notebook(notebook, tmp_path, lesson)
    result = grade(lesson, tmp_path)
    assert {check.status for check in result.tests} == {"not_started"}, check_table(result)
    first = result.tests[0]
    cell, line = cell_and_line(notebook, f'raise NotImplementedError("{first.function}")')
    assert first.where == f"cell {cell}, line {line}"
    assert f"({first.where})" in report.next_step(result)


# --- conversion -------------------------------------------------------------------------

MAGIC_CELLS = [
    "%matplotlib inline\n!pip install --quiet numpy",
    "%%time\nimport subprocess\nsubprocess.run(['echo', 'a cell magic: never run'])",
    "files = !ls\nlength = %timeit -o len([])\nif True:\n    !echo indented\n    pass\nlen?",
]


def test_magics_and_shell_escapes_are_left_out_and_said_once(tmp_path):
    notebook = notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename)
    notebook.cells[:0] = [nbformat.v4.new_code_cell(source) for source in MAGIC_CELLS]
    write_notebook(notebook, tmp_path, LESSON1)
    result = grade(LESSON1, tmp_path)
    assert_passes(result)
    assert len(result.notes) == 1 and "cells 1, 2, 3" in result.notes[0], result.notes
    assert report.render(result).count("magics and shell escapes") == 1


def test_conversion_keeps_lines_in_place_and_ignores_markdown():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\n```python\nnot = code\n```"),
        nbformat.v4.new_code_cell("import os\n!ls\nx = 1"),
        nbformat.v4.new_code_cell("def f():\n    %time g()\n    return 2"),
    ])
    converted = notebooks.convert(nbformat.writes(notebook))
    assert converted.source == "import os\n\nx = 1\ndef f():\n    pass\n    return 2\n"
    assert converted.source_map == [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3)]
    assert converted.left_out == {2: 1, 3: 1}


def test_conversion_needs_only_the_grading_packages():
    """Gradescope installs the project without its notebook and docs groups, hence without IPython."""
    script = ("import sys; sys.modules['IPython'] = None\n"
              "import nbformat\nfrom grader import notebooks\n"
              "cell = nbformat.v4.new_code_cell('%matplotlib inline\\nx = !ls\\ny = 1')\n"
              "print(repr(notebooks.convert(nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))).source))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=catalog.PROJECT_ROOT)
    assert completed.stdout.strip() == repr("\n\ny = 1\n"), completed.stderr


def test_a_future_import_in_a_later_cell_still_works_and_keeps_its_place_in_messages():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("from __future__ import annotations\ndef f() -> Later:\n    return x"),
    ])
    converted = notebooks.convert(nbformat.writes(notebook))
    assert converted.source == "from __future__ import annotations\nx = 1\n\ndef f() -> Later:\n    return x\n"
    compile(converted.source, "converted.py", "exec")
    assert notebooks.where(4, converted.source_map) == "cell 2, line 2"


def test_an_error_points_at_its_cell_and_line(tmp_path):
    notebook = notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "def count_images(data_dir):\n    counts = {}\n    raise ValueError('lost count')\n"))
    write_notebook(notebook, tmp_path, LESSON1)
    result = grade(LESSON1, tmp_path)
    raised = [check for check in result.tests if check.mistake == common.RAISED]
    assert raised, check_table(result)
    assert f"at cell {len(notebook.cells)}, line 3, in `count_images`" in raised[0].message


@pytest.mark.parametrize(("cell", "mistake", "expected"), [
    ("x = 1\ndef broken(:\n    pass", common.SYNTAX_ERROR, "cell {cell}, line 2:"),
    ("import os\nraise RuntimeError('at import')", common.IMPORT_FAILED, "RuntimeError at cell {cell}, line 2"),
])
def test_an_import_error_points_at_its_cell_and_line(tmp_path, cell, mistake, expected):
    notebook = notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename)
    notebook.cells.append(nbformat.v4.new_code_cell(cell))
    write_notebook(notebook, tmp_path, LESSON1)
    result = grade(LESSON1, tmp_path)
    assert result.status == "error" and result.tests[0].mistake == mistake, check_table(result)
    assert expected.format(cell=len(notebook.cells)) in result.tests[0].message


# --- which file is graded -----------------------------------------------------------------

def both_files(folder, notebook_offset: float):
    """lesson 1 as the stub .py and as the reference notebook, the notebook saved `notebook_offset` s later."""
    folder.mkdir()
    script = folder / LESSON1.filename
    shutil.copyfile(catalog.LESSONS_DIR / LESSON1.filename, script)
    notebook = write_notebook(notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename), folder, LESSON1)
    then = time.time() - 1000
    os.utime(script, (then, then))
    os.utime(notebook, (then + notebook_offset, then + notebook_offset))
    return script, notebook


@pytest.mark.parametrize(("offset", "graded", "note"), [
    (180, ".ipynb", "Graded lesson1_fashion_classification.ipynb, not lesson1_fashion_classification.py: "
                    "it was saved 3 min later."),
    (-5, ".py", "Graded lesson1_fashion_classification.py, not lesson1_fashion_classification.ipynb: "
                "it was saved 5 s later."),
    (0, ".py", common.SUBMISSION_SAME_TIME.format(graded="lesson1_fashion_classification.py",
                                                  other="lesson1_fashion_classification.ipynb")),
])
def test_the_newer_of_two_is_graded_and_the_report_says_why(tmp_path, offset, graded, note):
    both_files(tmp_path / "work", offset)
    result = grade(LESSON1, tmp_path / "work")
    assert result.file.endswith(graded)
    assert result.notes == [note]
    assert note.split(":")[0] in report.render(result)
    assert (result.status == "passed") == (graded == ".ipynb"), check_table(result)


def test_a_paired_notebook_in_lessons_newer_than_the_py_is_graded_and_said(tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    both_files(lessons, 60)
    monkeypatch.setattr(catalog, "LESSONS_DIR", lessons)
    result = grade("lesson1")
    assert_passes(result)
    assert result.file.endswith(".ipynb") and "saved 1 min later" in result.notes[0]


def test_a_single_file_is_graded_as_the_lesson_its_name_names(tmp_path):
    path = write_notebook(notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename), tmp_path, LESSON1,
                          name="lesson1_mine.ipynb")
    completed = run_grader("--submission", str(path), "--format", "json")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert json.loads(completed.stdout)["status"] == "passed"
    other = tmp_path / "homework.py"
    shutil.copyfile(catalog.SOLUTIONS_DIR / LESSON4.filename, other)
    assert run_grader("lesson4", "--submission", str(other)).returncode == 0
    unnamed = run_grader("--submission", str(other))
    assert unnamed.returncode == 2 and unnamed.stderr.count("\n") == 1


def test_progress_reads_lessons_handed_in_as_notebooks(tmp_path):
    write_notebook(notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename), tmp_path, LESSON1)
    lesson5 = catalog.BY_ID["lesson5"]
    write_notebook(notebook_of(catalog.LESSONS_DIR / lesson5.filename), tmp_path, lesson5)
    completed = run_grader("--submission", str(tmp_path))
    rows = {line.split()[0]: line for line in completed.stdout.splitlines() if line.startswith("  8.")}
    assert common.PROGRESS_DONE in rows["8.1"] and common.PROGRESS_NOT_STARTED in rows["8.5"], completed.stdout
    assert common.PROGRESS_MISSING in rows["8.2"], completed.stdout


# --- broken notebooks -----------------------------------------------------------------------

CORRUPT = {
    "not JSON": '{"cells": [',
    "a JSON list": "[1, 2]",
    "nbformat 5": json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}),
    "no nbformat": json.dumps({"metadata": {}, "cells": []}),
    "broken cells": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 3}),
    "nested too deeply": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("case", CORRUPT)
def test_a_corrupt_notebook_is_one_line_and_the_other_lessons_still_grade(tmp_path, case):
    (tmp_path / LESSON1.filename.replace(".py", ".ipynb")).write_text(CORRUPT[case])
    shutil.copyfile(catalog.SOLUTIONS_DIR / LESSON4.filename, tmp_path / LESSON4.filename)
    completed = run_grader("lesson1", "lesson4", "--submission", str(tmp_path), "--format", "json")
    assert completed.returncode == 1, completed.stderr
    first, second = json.loads(completed.stdout)
    assert first["status"] == "error" and second["status"] == "passed"
    message = first["tests"][0]["message"]
    assert "lesson1_fashion_classification.ipynb cannot be graded" in message and "\n" not in message


def test_batch_grades_students_who_handed_in_notebooks(tmp_path):
    alice = tmp_path / "class" / "alice" / "lessons"
    write_notebook(notebook_of(catalog.SOLUTIONS_DIR / LESSON1.filename), alice, LESSON1)
    bob = tmp_path / "class" / "bob"
    bob.mkdir()
    (bob / LESSON1.filename.replace(".py", ".ipynb")).write_text("not a notebook")
    write_notebook(notebook_of(catalog.SOLUTIONS_DIR / LESSON4.filename), bob, LESSON4)
    students = run_batch(tmp_path / "class", tmp_path / "grades.csv", jobs=1, show=lambda line: None)
    by_lesson = {name: {doc["lesson"]: doc["status"] for doc in record["lessons"]} for name, record in students.items()}
    assert by_lesson == {"alice": {"lesson1": "passed"}, "bob": {"lesson1": "error", "lesson4": "passed"}}


# --- JupyterLab ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """A JupyterLab server started as the README says, on the project copy `root`, reachable only
    with its token; its Jupyter user folders are private, so no setting of this machine's user counts."""

    def __init__(self, root):
        self.port, self.token = free_port(), secrets.token_hex(16)
        private = {name: str(root.parent / f"jupyter-{name}") for name in ("config", "data", "runtime")}
        env = dict(os.environ, JUPYTER_CONFIG_DIR=private["config"], JUPYTER_DATA_DIR=private["data"],
                   JUPYTER_RUNTIME_DIR=private["runtime"])
        self.runtime = root.parent / "jupyter-runtime"
        self.log = open(root.parent / "jupyterlab.log", "w")
        # Started in the project folder with no option of ours, as the README says.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", "--ServerApp.allow_root=True"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def request(self, method, path, body=None, token=True):
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"token {self.token}"} if token else {})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def request_no_content(self, method, path):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        urllib.request.urlopen(request, timeout=30).close()

    def wait_until_up(self, seconds=120.0):
        limit = time.monotonic() + seconds
        while time.monotonic() < limit:
            assert self.process.poll() is None, self.logged()
            try:
                return self.request("GET", "/api/status")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise AssertionError(f"JupyterLab did not start in {seconds:g} s: {self.logged()}")

    def logged(self) -> str:
        self.log.flush()
        return open(self.log.name).read()[-2000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """The project's jupytext.toml and lesson 1 in a private copy (the real lessons are never saved
    to). `course` is not copied: the kernel imports it from the project's environment."""
    root = tmp_path_factory.mktemp("jupyterlab") / "project"
    (root / "lessons").mkdir(parents=True)
    shutil.copyfile(catalog.PROJECT_ROOT / "jupytext.toml", root / "jupytext.toml")
    shutil.copyfile(catalog.LESSONS_DIR / LESSON1.filename, root / "lessons" / LESSON1.filename)
    server = JupyterLab(root)
    try:
        server.wait_until_up()
        yield server, root / "lessons"
    finally:
        server.stop()
    assert server.process.returncode is not None


def test_jupyterlab_opens_a_lesson_as_a_notebook_and_saves_the_py(jupyterlab):
    server, lessons = jupyterlab
    path = f"/api/contents/lessons/{LESSON1.filename}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.request("GET", path, token=False)
    assert refused.value.code == 403

    model = server.request("GET", path + "?type=notebook&content=1")
    assert model["type"] == "notebook"
    notebook = model["content"]
    expected = notebook_of(catalog.LESSONS_DIR / LESSON1.filename)
    assert [(c["cell_type"], c["source"]) for c in notebook["cells"]] == [(c.cell_type, c.source) for c in expected.cells]

    original = (lessons / LESSON1.filename).read_bytes()
    server.request("PUT", path, {"type": "notebook", "format": "json", "content": notebook})
    assert (lessons / LESSON1.filename).read_bytes() == original, "saving an unchanged lesson changed it"

    stub = 'raise NotImplementedError("list_classes")'
    cell = next(c for c in notebook["cells"] if stub in c["source"])
    cell["source"] = cell["source"].replace(
        stub, "return sorted(p.name for p in (Path(data_dir) / 'train').iterdir() if p.is_dir())")
    cell["metadata"] = {"tags": ["mine"], "collapsed": False}
    server.request("PUT", path, {"type": "notebook", "format": "json", "content": notebook})
    saved = (lessons / LESSON1.filename).read_text()
    assert stub not in saved and "return sorted(p.name for p in (Path(data_dir)" in saved
    assert "tags" not in saved
    graded = grade(LESSON1, lessons)
    assert graded.tests[0].status != "not_started", check_table(graded)
    assert [p.name for p in lessons.iterdir()] == [LESSON1.filename], "a second file was written"


def test_a_lessons_cells_run_in_jupyterlabs_kernel(jupyterlab):
    """The kernel of a lesson starts in lessons/, and the lesson's imports of `course` still work."""
    from jupyter_client import BlockingKernelClient

    server, lessons = jupyterlab
    notebook = notebook_of(catalog.LESSONS_DIR / LESSON1.filename)
    imports = next(cell.source for cell in notebook.cells if "from course." in cell.source)
    session = server.request("POST", "/api/sessions", {
        "path": f"lessons/{LESSON1.filename}", "type": "notebook", "name": LESSON1.filename,
        "kernel": {"name": "python3"}})
    client = BlockingKernelClient(connection_file=str(server.runtime / f"kernel-{session['kernel']['id']}.json"))
    client.load_connection_file()
    client.start_channels(hb=False)  # a kernel still importing IPython misses heartbeats, yet is alive
    seen = []
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(imports + "\nimport os\nprint(os.getcwd())", timeout=120,
                                           output_hook=seen.append)
    finally:
        client.stop_channels()
        server.request_no_content("DELETE", f"/api/sessions/{session['id']}")
    assert reply["content"]["status"] == "ok", reply["content"]
    printed = "".join(m["content"].get("text", "") for m in seen if m["msg_type"] == "stream")
    assert printed.strip() == str(lessons)
