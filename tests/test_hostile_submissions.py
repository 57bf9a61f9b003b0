"""Learner code that crashes, hangs, exits, floods or cheats fails its checks, never passes
them, never stops the grader from reporting, and never changes the graded folder: graded
cold, and by warm judges (grader/judge/reused.py) that graded the attacks before it."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import catalog
from grader.api import grade
from grader.messages import common
from tests.submissions import tree_snapshot, variant_grader, write_submission



@pytest.fixture(params=["cold", "warm"])
def grade_variant(request, tmp_path, warm_judges):
    return variant_grader(tmp_path, warm_judges if request.param == "warm" else None)


SORTED_CLASSES = """
    def list_classes(data_dir):
        return sorted(p.name for p in (Path(data_dir) / "train").iterdir() if p.is_dir() and not p.name.startswith("."))
    """

IN_A_FUNCTION = {
    "infinite loop": ("timeout", common.TIMEOUT, """
        def count_images(data_dir):
            while True:
                pass
        """),
    "os._exit": ("error", common.EXITED, """
        import os
        def count_images(data_dir):
            os._exit(3)
        """),
    "sys.exit": ("failed", common.CALLED_SYS_EXIT, """
        import sys
        def count_images(data_dir):
            sys.exit(0)
        """),
    "segmentation fault": ("error", common.CRASHED_SIGNAL, """
        import ctypes
        def count_images(data_dir):
            return ctypes.string_at(0)
        """),
    "flood of output": ("failed", common.OUTPUT_FLOOD, """
        _count = count_images
        def count_images(data_dir):
            for _ in range(100_000):
                print("spam " * 20)
            return _count(data_dir)
        """),
    "solutions imported at run time": ("failed", common.USES_REFERENCE, """
        import importlib
        def count_images(data_dir):
            return importlib.import_module("sol" + "utions.lesson1_fashion_classification").count_images(data_dir)
        """),
}

AT_IMPORT = {
    "sys.exit": (common.IMPORT_EXIT, "import sys\nsys.exit(2)\n"),
    "os._exit": (common.EXITED, "import os\nos._exit(0)\n"),
    "a hang": (common.IMPORT_TIMEOUT, "while True:\n    pass\n"),
    "a syntax error": (common.SYNTAX_ERROR, "def broken(x)\n    return x\n"),
    "an exception": (common.IMPORT_FAILED, "raise RuntimeError('oops')\n"),
    "import of solutions": (common.USES_REFERENCE, "from solutions.lesson1_fashion_classification import *\n"),
    "the reference loaded by path": (common.REFERENCE_FUNCTION, f"""
import importlib.util
_spec = importlib.util.spec_from_file_location("ref", {str(catalog.SOLUTIONS_DIR / 'lesson1_fashion_classification.py')!r})
_ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)
list_classes = _ref.list_classes
count_images = _ref.count_images
"""),
}


@pytest.mark.parametrize("case", IN_A_FUNCTION)
def test_hostile_function_fails_only_its_own_checks(grade_variant, case):
    status, mistake, source = IN_A_FUNCTION[case]
    result = grade_variant("lesson1", source, timeout=3)
    by_function = {check.name: check for check in result.tests}
    counting = [c for name, c in by_function.items() if name.startswith("count_images")]
    others = [c for name, c in by_function.items() if not name.startswith("count_images")]
    assert counting and all(c.status == status and c.mistake == mistake for c in counting), \
        [(c.status, c.message) for c in counting]
    assert others and all(c.status == "passed" for c in others)
    assert result.status == "failed"


@pytest.mark.parametrize("case", AT_IMPORT)
def test_hostile_import_fails_every_check(tmp_path, case):
    mistake, source = AT_IMPORT[case]
    folder = write_submission(tmp_path / "s", "lesson1", base=source)
    result = grade("lesson1", folder, timeout=3)
    if mistake == common.REFERENCE_FUNCTION and result.confinement == "bwrap":
        mistake = common.USES_REFERENCE  # bubblewrap hides solutions/: the file cannot even be read
    assert result.status == "error"
    assert result.tests and all(c.mistake == mistake and c.status != "passed" for c in result.tests), \
        [(c.status, c.message) for c in result.tests]


def test_syntax_error_names_file_and_line_without_traceback(tmp_path):
    folder = write_submission(tmp_path / "s", "lesson1", "def broken(x)\n    return x\n")
    line = (folder / "lesson1_fashion_classification.py").read_text().splitlines().index("def broken(x)") + 1
    completed = subprocess.run([sys.executable, "-m", "grader", "lesson1", "--submission", str(folder)],
                               capture_output=True, text=True, cwd=catalog.PROJECT_ROOT)
    assert completed.returncode == 1
    assert f"lesson1_fashion_classification.py, line {line}: expected ':'" in " ".join(completed.stdout.split())
    assert "Traceback" not in completed.stdout + completed.stderr


def test_grading_never_changes_the_folder(grade_variant, tmp_path):
    source = """
        from pathlib import Path as _P
        _P(__file__).with_name("written-by-import.txt").write_text("x")
        _P(__file__).write_text("overwritten")
        def count_images(data_dir):
            _P(__file__).parent.joinpath("written-by-check.txt").write_text("x")
            return {}
        """
    folder = write_submission(tmp_path / "s", "lesson1", source)
    (folder / "notes.md").write_text("my notes")
    before = tree_snapshot(folder)
    grade("lesson1", folder, timeout=5)
    assert tree_snapshot(folder) == before


def test_printed_fake_results_are_ignored(grade_variant):
    fake = json.dumps({"event": "result", "nodeid": "x", "status": "passed", "message": ""})
    result = grade_variant("lesson1", f"""
        print({fake!r})
        print("Score: 5/5")
        def count_images(data_dir):
            print({fake!r})
            raise NotImplementedError("count_images")
        """)
    assert [c.status for c in result.tests if c.name.startswith("count_images")] == ["not_started"] * 2
    assert result.status == "failed"


def test_a_lingering_thread_does_not_hang_the_grader(grade_variant):
    result = grade_variant("lesson1", """
        import threading, time
        threading.Thread(target=lambda: time.sleep(3600)).start()
        """, timeout=5)
    assert result.status == "passed"


def processes_mentioning(text):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the grader's processes")
def test_killing_the_grader_ends_the_learners_endless_loop(tmp_path):
    folder = write_submission(tmp_path / "unique-loop-folder", "lesson1", "def list_classes(data_dir):\n    while True:\n        pass\n")
    grader = subprocess.Popen([sys.executable, "-m", "grader", "lesson1", "--submission", str(folder), "--timeout", "600"],
                              cwd=catalog.PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not [pid for pid in processes_mentioning(str(folder)) if pid != grader.pid] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in processes_mentioning(str(folder)) if pid != grader.pid], "the checks never started"
    time.sleep(1)
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 10
    while processes_mentioning(str(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(str(folder)) == []
