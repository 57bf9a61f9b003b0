"""The learner's code runs in a confined worker; every verdict is made in the judge, where that
code never runs. One or more tests per attack class: each attack fails or errors its own checks
with a clear message, or is blocked and has no effect, and the judge keeps reporting.

Every attack is made twice: graded cold, and warm, by a reused judge whose worker was forked
from its zygote (grader/judge/reused.py, grader/judge/forks.py), one attack after another."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from grader import api, batch, catalog, integrity
from grader.judge import confinement
from grader.messages import common
from grader.results import CheckResult, LessonResult
from tests.submissions import variant_grader, write_submission

BWRAP = confinement.bwrap_works()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="bubblewrap does not work on this machine")
WRONG_RELU = """
    def relu(x):
        return np.abs(x)
    """


@pytest.fixture(params=["cold", "warm"])
def grade_variant(request, tmp_path, warm_judges):
    """Each attack graded cold, and by the warm judges that graded the attacks before it."""
    return variant_grader(tmp_path, warm_judges if request.param == "warm" else None)


def statuses(result, prefix):
    return [(c.status, c.mistake) for c in result.tests if c.name.startswith(prefix)]


def others_pass(result, prefix):
    others = [c for c in result.tests if not c.name.startswith(prefix)]
    return others and all(c.status == "passed" for c in others)


def test_patching_the_grader_pytest_and_numpy_changes_no_verdict(grade_variant):
    result = grade_variant("lesson4", """
        import sys, numpy, pytest
        numpy.allclose = numpy.array_equal = lambda *a, **k: True
        numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)
        import grader.expect, grader.results
        grader.expect.fail = lambda *a, **k: None
        grader.results.outcome = lambda *a, **k: {"status": "passed", "message": ""}
        import _pytest.reports
        _pytest.reports.TestReport.outcome = property(lambda self: "passed", lambda self, v: None)
        for name in list(sys.modules):
            if name.startswith("grader.plugin"):
                sys.modules[name].classify = lambda self, error: {"status": "passed", "message": ""}
        """, WRONG_RELU)
    assert [s for s, _ in statuses(result, "relu")] == ["failed"]
    assert result.status == "failed" and others_pass(result, "relu")


def test_the_judges_state_is_out_of_reach(grade_variant):
    """The reference and the plugin are in the judge's process, not the worker's."""
    result = grade_variant("lesson1", """
        import gc, sys
        def list_classes(data_dir):
            loaded = [m for m in sys.modules if m.startswith(("_reference", "grader.plugin", "grader.checks", "_pytest"))]
            if loaded:
                return sys.modules[loaded[0]].list_classes(data_dir)
            return ["not", "the", "reference"]
        """)
    assert {s for s, _ in statuses(result, "list_classes gives")} == {"failed"}


@needs_bwrap
def test_forwarding_to_the_reference_by_path_is_blocked_under_bwrap(grade_variant):
    result = grade_variant("lesson1", f"""
        def count_images(data_dir):
            import importlib.util
            spec = importlib.util.spec_from_file_location("r", {str(catalog.SOLUTIONS_DIR / 'lesson1_fashion_classification.py')!r})
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module.count_images(data_dir)
        """, sandbox="bwrap")
    assert set(statuses(result, "count_images")) == {("failed", common.USES_REFERENCE)}
    assert others_pass(result, "count_images")


def test_writing_to_the_judges_channel_or_any_descriptor_forges_nothing(grade_variant):
    fake = json.dumps({"event": "result", "nodeid": "lesson1.py::check_count_images", "status": "passed", "message": ""})
    result = grade_variant("lesson1", f"""
        import os
        def count_images(data_dir):
            for fd in range(3, 256):
                try:
                    os.write(fd, {fake!r}.encode() + b"\\n")
                except OSError:
                    pass
            return {{}}
        """)
    counting = statuses(result, "count_images")
    assert counting and all(status in ("failed", "error") for status, _ in counting), counting
    assert others_pass(result, "count_images")


def marker_processes(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if marker in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux guarantees a detached process is ended")
@pytest.mark.parametrize("lesson_id", ["lesson1", "lesson3"])  # in the worker; in the judge (not yet ported)
def test_a_double_forked_process_in_a_new_session_is_gone_after_grading(grade_variant, lesson_id):
    marker = f"{600 + uuid.uuid4().int % 1000}.{os.getpid()}"
    stub = (catalog.LESSONS_DIR / catalog.BY_ID[lesson_id].filename).read_text()
    result = grade_variant(lesson_id, f"""
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "{marker}"])
            os._exit(0)
        """, base=stub)
    assert result.tests and {c.status for c in result.tests} == {"not_started"}
    deadline = time.monotonic() + 10
    while marker_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker_processes(marker) == []


@needs_bwrap
def test_writes_into_the_project_are_blocked_under_bwrap(grade_variant, tmp_path):
    target = catalog.PROJECT_ROOT / "grader" / "checks" / f"zz_written_{uuid.uuid4().hex}.py"
    result = grade_variant("lesson1", f"""
        from pathlib import Path
        for path in ({str(target)!r}, {str(catalog.SOLUTIONS_DIR / 'lesson1_fashion_classification.py')!r}):
            try:
                Path(path).write_text("def check_everything(): pass")
            except OSError:
                pass
        """, sandbox="bwrap")
    assert not target.exists()
    assert result.status == "passed" and result.confinement == "bwrap" and not result.tampered


def test_a_changed_project_file_is_named_and_voids_the_verdict(tmp_path, monkeypatch):
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "plugin.py").write_text("original")
    monkeypatch.setattr(catalog, "PROJECT_ROOT", tmp_path)
    before = integrity.fingerprint()
    (tmp_path / "grader" / "plugin.py").write_text("patched")
    (tmp_path / "grader" / "extra.py").write_text("added")
    files = integrity.changed(before, integrity.fingerprint())
    assert files == ["grader/extra.py", "grader/plugin.py"]
    result = LessonResult("lesson1", "8.1", "x", tests=[CheckResult("a check", "passed", score=1.0)])
    api.void_if_tampered(result, files)
    assert result.status == "error" and result.score == 0
    assert result.tests[0].mistake == common.TAMPERED and "grader/plugin.py" in result.tests[0].message


def test_batch_stops_before_the_next_student_after_a_change(tmp_path, monkeypatch):
    for name in ("alice", "bob", "carol"):
        write_submission(tmp_path / "class" / name, "lesson1")

    def grade(lesson, folder, **options):
        result = LessonResult(lesson.id, "8.1", str(folder), tests=[CheckResult("a check", "passed", score=1.0)])
        result.tampered = ["grader/checks/lesson1.py"] if "alice" in str(folder) else []
        return result

    monkeypatch.setattr(batch.api, "grade", grade)
    with pytest.raises(batch.BatchError) as raised:
        batch.run_batch(tmp_path / "class", tmp_path / "grades.csv", jobs=1, show=lambda text: None)
    assert "alice" in str(raised.value) and "grader/checks/lesson1.py" in str(raised.value)
    saved = json.loads((tmp_path / "grades.json").read_text())["students"]
    assert saved == {}  # alice is graded again after the files are restored; bob and carol not yet


def test_signalling_the_parent_leaves_the_judge_reporting(grade_variant):
    result = grade_variant("lesson1", """
        import os, signal
        def count_images(data_dir):
            try:
                os.kill(os.getppid(), signal.SIGKILL)
            except OSError:
                pass
            return {}
        """)
    counting = statuses(result, "count_images")
    assert counting and all(status in ("failed", "error") for status, _ in counting), counting
    assert others_pass(result, "count_images")


def test_eating_memory_is_reported_as_memory(grade_variant):
    result = grade_variant("lesson1", """
        def count_images(data_dir):
            eaten = []
            for _ in range(120):  # 6 GB, 50 MB at a time, each page touched
                eaten.append(bytearray(b"x" * 50_000_000))
            return {}
        """, memory_limit=0.5)
    assert set(statuses(result, "count_images")) == {("failed", common.MEMORY_EXCEEDED)}, \
        [c.message for c in result.tests]
    assert "used more than 0.5 GB of memory" in next(c.message for c in result.tests if c.name.startswith("count"))
    assert others_pass(result, "count_images")


def test_a_huge_array_is_refused(grade_variant):
    result = grade_variant("lesson4", """
        def relu(x):
            return np.zeros(100_000_000)
        """)
    assert statuses(result, "relu") == [("failed", common.UNSENDABLE)]
    assert others_pass(result, "relu")


def test_a_huge_message_is_refused_before_it_is_read(grade_variant):
    result = grade_variant("lesson4", """
        import grader.protocol
        def relu(x):
            grader.protocol.send = lambda connection, message: connection.send_bytes(b" " * 70_000_000)
            return x
        """)
    assert statuses(result, "relu") == [("error", common.BAD_REPLY)]
    assert others_pass(result, "relu")


def test_a_pickle_blob_is_never_unpickled(grade_variant, tmp_path):
    marker = tmp_path / "unpickled"
    result = grade_variant("lesson4", f"""
        import base64, io, os
        import grader.protocol

        class _Payload:
            def __reduce__(self):
                return (os.system, ("touch {marker}",))

        def _encode(value):
            buffer = io.BytesIO()
            np.save(buffer, np.array([_Payload()], dtype=object), allow_pickle=True)
            return {{"$": "array", "npy": base64.b64encode(buffer.getvalue()).decode(), "scalar": False}}

        def relu(x):
            grader.protocol.encode = _encode
            return x
        """)
    assert statuses(result, "relu") == [("failed", common.UNSENDABLE)]
    assert not marker.exists()


def test_output_printed_on_import_is_reported_once_on_the_import(grade_variant):
    result = grade_variant("lesson1", """
        for _ in range(30_000):
            print("spam " * 20)
        """)
    assert result.status == "error"
    assert {c.mistake for c in result.tests} == {common.IMPORT_OUTPUT_FLOOD}
    assert "when it was imported" in result.tests[0].message


def test_the_json_report_names_the_confinement(tmp_path):
    completed = subprocess.run([sys.executable, "-m", "grader", "lesson1", "--solutions", "--format", "json",
                                "--sandbox", "auto"], capture_output=True, text=True, cwd=catalog.PROJECT_ROOT)
    document = json.loads(completed.stdout)
    assert document["confinement"] == ("bwrap" if BWRAP else "none")


def test_the_worker_environment_holds_none_of_the_graders(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_CHANNEL_KEY", "secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    env = confinement.environment(tmp_path, "bwrap")
    assert "secret" not in env.values() and env["HOME"] == str(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="user ids are POSIX")
def test_as_root_without_bwrap_the_worker_drops_to_nobody(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert confinement.drop_privileges(False)["user"] == "nobody"
    assert confinement.drop_privileges(True) == {}
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert confinement.drop_privileges(False) == {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="bubblewrap is Linux only")
def test_asking_for_bwrap_where_it_does_not_work_is_a_usage_error(monkeypatch):
    monkeypatch.setattr(confinement, "bwrap_works", lambda: False)
    with pytest.raises(confinement.SandboxUnavailable):
        confinement.resolve("bwrap")
    assert confinement.resolve("auto") == "none"


def test_signal_names_survive_bubblewraps_exit_status():
    from grader.judge.supervisor import death_outcome

    assert "SIGSEGV" in death_outcome(128 + signal.SIGSEGV, bwrap=True)["message"]
    assert "exit status 3" in death_outcome(3, bwrap=True)["message"]


@pytest.mark.parametrize("body, status, mistake", [
    ("sys.exit(4)", "failed", common.CALLED_SYS_EXIT),
    ("while True: pass", "timeout", common.TIMEOUT),
])
def test_an_exit_or_a_hang_inside_a_checks_except_exception_keeps_its_outcome(grade_variant, body, status, mistake):
    """check_missing_folder catches the learner's exceptions to judge them: a sys.exit or a
    timeout must still be reported as what it is, as it was when the code ran in process."""
    result = grade_variant("lesson1", f"""
        import sys
        def list_classes(data_dir):
            {body}
        """, timeout=3)
    assert set(statuses(result, "list_classes")) == {(status, mistake)}, [c.message for c in result.tests]
    assert others_pass(result, "list_classes")


def test_a_worker_that_cannot_start_is_the_machines_problem_not_the_learners(monkeypatch, tmp_path):
    from grader.judge import supervisor

    monkeypatch.setattr(confinement, "command", lambda arguments, scratch, sandbox, init=False: [str(tmp_path / "no-python")])
    settings = supervisor.Settings(tmp_path / "lesson1.py", "student", tmp_path, tmp_path / "out.log", "none", 5, 1)
    with pytest.raises(supervisor.WorkerFailure) as raised:
        supervisor.start_worker(settings)
    assert raised.value.outcome["mistake"] == common.WORKER_CANNOT_START


def test_tensorflow_in_the_worker_counts_as_imported(grade_variant):
    """`tensorflow_imported` (lessons 1 and 4 must never load it) asks the worker too: a module
    registered under that name there is seen."""
    result = grade_variant("lesson1", 'import sys\nsys.modules["tensorflow"] = sys\n')
    assert result.status == "passed" and result.tensorflow_imported is True
