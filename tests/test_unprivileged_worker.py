"""Run as root without bubblewrap (a Gradescope image where user namespaces are off, say), the
grader runs the learner's code as `nobody` (grader/judge/confinement.py). These tests grade
that way for real, cold and warm (the standby, its zygote and its forked workers).

`nobody` must be able to run the grader's Python, as gradescope/setup.sh arranges. Here the
project's Python usually lives under /root, so the tests build an environment that `nobody`
can run: a virtual environment of the system's Python of the same version, which sees the
project's installed packages.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import psutil
import pytest

from grader import api, catalog
from grader.messages import common
from grader.standby import Standbys
from tests.submissions import assert_passes, write_submission
from tests.test_standby import wait_until

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and os.geteuid() == 0),
    reason="the worker drops to `nobody` only when the grader runs as root (Linux here)")

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def python_for_nobody():
    """A Python command that both root and `nobody` can run, with the project's packages."""
    system = next((path for path in (f"/usr/bin/python{VERSION}", f"/usr/local/bin/python{VERSION}")
                   if os.access(path, os.X_OK)), None)
    if system is None:
        pytest.skip(f"no system Python {VERSION} that `nobody` could run")
    folder = Path(tempfile.mkdtemp(prefix="python-for-nobody-"))
    folder.chmod(0o755)  # mkdtemp's folder is root's alone
    try:
        subprocess.run([system, "-m", "venv", "--without-pip", str(folder / "venv")], check=True,
                       capture_output=True)
        purelib = Path(sysconfig.get_paths(vars={"base": str(folder / "venv")})["purelib"])
        # addsitedir, not a bare path: the project's own .pth files (its editable install) count too
        (purelib / "project.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
        python = str(folder / "venv" / "bin" / "python")
        probe = subprocess.run([python, "-c", "import numpy, pytest, grader.worker.serve"], user="nobody",
                               cwd=catalog.PROJECT_ROOT, capture_output=True, text=True)
        if probe.returncode != 0:
            pytest.skip(f"`nobody` cannot import the project's packages: {probe.stderr.strip()[-300:]}")
        yield python
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def grade(python: str, *arguments: str) -> dict:
    completed = subprocess.run([python, "-m", "grader", *arguments, "--sandbox", "none", "--format", "json"],
                               capture_output=True, text=True, cwd=catalog.PROJECT_ROOT, timeout=600)
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    return json.loads(completed.stdout)


def statuses(document: dict) -> list[str]:
    return [check["status"] for check in document["tests"]]


@pytest.fixture
def guarded(tmp_path):
    """A file that root may write and `nobody` may not, and the submission that tries to: it
    also tries to kill the judge (whose process id a worker without bubblewrap is told), and
    is otherwise the reference."""
    folder = Path(tempfile.mkdtemp(prefix="guarded-"))
    folder.chmod(0o755)
    target = folder / "root-only.txt"
    target.write_text("untouched\n")
    target.chmod(0o644)
    submission = write_submission(tmp_path / "attacker", "lesson1", f"""
        import os, signal
        try:
            open({str(target)!r}, "w").write("changed by the learner's code")
        except PermissionError:  # only the refusal: any other failure fails the import, and the test
            pass
        try:
            os.kill(int(os.environ["GRADER_JUDGE_PID"]), signal.SIGKILL)
        except PermissionError:
            pass
        """)
    yield submission, target
    shutil.rmtree(folder, ignore_errors=True)


def test_as_root_without_bubblewrap_the_reference_passes_and_the_stub_is_not_started(python_for_nobody):
    reference = grade(python_for_nobody, "lesson1", "--solutions")
    assert reference["confinement"] == "none" and set(statuses(reference)) == {"passed"}, reference
    stub = grade(python_for_nobody, "lesson1", "--submission", str(catalog.LESSONS_DIR))
    assert set(statuses(stub)) == {"not_started"}, stub


def test_as_root_without_bubblewrap_a_model_lesson_passes(python_for_nobody):
    """`nobody` imports TensorFlow, and reads the ImageNet weights the checks use."""
    reference = grade(python_for_nobody, "lesson5", "--solutions")
    assert set(statuses(reference)) == {"passed"}, reference


def test_as_nobody_the_learners_code_can_neither_write_roots_files_nor_signal_the_judge(python_for_nobody,
                                                                                          guarded):
    submission, target = guarded
    document = grade(python_for_nobody, "lesson1", "--submission", str(submission))
    assert set(statuses(document)) == {"passed"}, document  # the judge lived to give its verdict
    assert target.read_text() == "untouched\n"


def test_as_root_without_bubblewrap_a_standby_forks_its_workers_from_a_zygote_run_as_nobody(
        python_for_nobody, guarded, tmp_path, monkeypatch):
    """watch's and batch's warm path: one judge for several gradings, each worker forked from a
    zygote that, like the workers, runs as `nobody`."""
    monkeypatch.setattr(sys, "executable", python_for_nobody)  # the judge, the zygote and the workers run it
    attacker, target = guarded
    lesson = catalog.BY_ID["lesson1"]
    with Standbys(size=1) as pool:
        pool.top_up(lesson, api.grading_options(lesson, sandbox="none"))
        (standby,) = pool._waiting
        wait_until(standby.ready)
        forked = [process for process in psutil.Process(standby.judge.process.pid).children(recursive=True)
                  if "grader.worker.zygote" in process.cmdline()]  # the zygote, and the worker it forked
        zygotes = [process for process in forked if process.ppid() not in {other.pid for other in forked}]
        assert len(zygotes) == 1 and {process.username() for process in forked} == {"nobody"}
        for submission in (attacker, write_submission(tmp_path / "reference", "lesson1")):
            assert_passes(api.grade(lesson, submission, standbys=pool, sandbox="none"))
        assert pool._waiting == [standby] and standby.gradings == 3  # the same judge, standing by again
        assert zygotes[0].is_running() and zygotes[0].status() != psutil.STATUS_ZOMBIE
    assert target.read_text() == "untouched\n"


def test_run_by_a_user_without_bubblewrap_a_learner_who_patches_the_checks_gets_no_verdict(python_for_nobody):
    """The everyday grading of a student on macOS, Windows, or Linux without bubblewrap: the
    grader and the learner's code run as one user, who may write the project's files. A
    submission that rewrites a check as it is imported has its verdict voided, naming the file."""
    home = Path(tempfile.mkdtemp(prefix="student-"))  # not under pytest's folders, which are root's alone
    try:
        project = home / "project"
        for folder in ("grader", "solutions", "lessons", "course"):
            shutil.copytree(catalog.PROJECT_ROOT / folder, project / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        checks = project / "grader" / "checks" / "lesson1.py"
        attacker = write_submission(home / "attacker", "lesson1", f"""
            from pathlib import Path
            Path({str(checks)!r}).write_text("def test_everything():\\n    pass\\n")
            """)
        subprocess.run(["chown", "-R", "nobody", str(home)], check=True)
        home.chmod(0o755)
        completed = subprocess.run([python_for_nobody, "-m", "grader", "lesson1", "--submission", str(attacker),
                                    "--sandbox", "none", "--format", "json"], user="nobody", cwd=project,
                                   env={**os.environ, "HOME": str(home)}, capture_output=True, text=True,
                                   timeout=600)
        assert completed.returncode in (0, 1), completed.stderr[-2000:]
        document = json.loads(completed.stdout)
        assert "def test_everything" in checks.read_text()  # the learner's code did write it
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert document["status"] == "error" and document["score"] == 0, document
    assert all("grader/checks/lesson1.py" in check["message"] for check in document["tests"]), document


def test_a_submission_the_user_may_not_open_is_one_line_not_a_traceback(python_for_nobody, tmp_path):
    """tmp_path is root's alone: `nobody` may not look into it."""
    folder = write_submission(tmp_path / "s", "lesson1")
    completed = subprocess.run([python_for_nobody, "-m", "grader", "lesson1", "--submission", str(folder)],
                               user="nobody", cwd=catalog.PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert completed.stderr.strip() == "grader: error: " + common.SUBMISSION_NOT_ALLOWED.format(
        path=folder, reason=os.strerror(errno.EACCES))
