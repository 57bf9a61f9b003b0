"""Standby gradings (grader/standby.py): a warm re-grade is a cold grading, started earlier.

The corpus of lesson 8.8 is graded both ways, in one batch each; the other tests use
lesson 8.1 (no TensorFlow) where the lesson does not matter, and lesson 8.5 where an idle
TensorFlow process is the point.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from grader import api, catalog
from grader.judge import confinement, forks
from grader import standby as standby_module
from grader.batch import run_batch
from grader.standby import Standby, Standbys, sources_version
from grader.watch import watch
from tests import test_corpus_lesson8 as corpus
from tests.submissions import check_table, reference_source, write_submission

LESSON1 = catalog.BY_ID["lesson1"]


def wait_until(condition, seconds=300.0):
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def alive(processes):
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_every_corpus_case_of_lesson8_grades_the_same_warm_and_cold(tmp_path, monkeypatch):
    """The same status and message of every check, for every case. The warm batch grades the
    cases one after another in each of two judges (grader/judge/reused.py), so a judge's state
    left by one grading would show in the next. The first student changes Keras's global
    state, seeds and working folder at import, and leaves a registered class: nothing of it
    reaches the students graded after it."""
    root = tmp_path / "class"
    polluter = """
        import numpy as np
        import keras
        keras.config.set_floatx("float64")
        keras.utils.set_random_seed(1234)
        np.random.seed(99)
        open("left-behind.txt", "w").write("x")

        @keras.saving.register_keras_serializable(package="leak")
        class Leak(keras.layers.Layer):
            pass
        """
    write_submission(root / "00-polluter", "lesson8", polluter)
    cases = {**{name: source for name, (_, source) in corpus.WRONG.items()}, **corpus.CORRECT}
    for number, source in enumerate(cases.values(), start=1):
        write_submission(root / f"case{number:02d}", "lesson8", source)
    judges = []
    real_init = Standby.__init__

    def init(self, *args):
        real_init(self, *args)
        judges.append(self)

    monkeypatch.setattr(Standby, "__init__", init)
    warm = run_batch(root, tmp_path / "warm.csv", jobs=2, show=lambda _: None, standby=True)
    assert len(judges) == 2 and sum(judge.gradings for judge in judges) >= len(cases) + 1  # each judge reused
    cold = run_batch(root, tmp_path / "cold.csv", jobs=2, show=lambda _: None, standby=False)

    def verdicts(students):
        return {name: [(t["name"], t["status"], t["message"]) for doc in record["lessons"] for t in doc["tests"]]
                for name, record in students.items()}

    assert set(warm) == set(cold) == {folder.name for folder in root.iterdir()}
    assert verdicts(warm) == verdicts(cold)
    statuses = {t[1] for rows in verdicts(warm).values() for t in rows}
    assert {"passed", "failed"} <= statuses  # the corpus has both: the comparison is not vacuous


def test_an_idle_standby_uses_no_cpu_and_closing_it_leaves_nothing():
    lesson = catalog.BY_ID["lesson5"]
    standby = Standby(lesson, api.grading_options(lesson))
    try:
        wait_until(standby.ready)
        judge = psutil.Process(standby.judge.process.pid)
        tree = [judge, *judge.children(recursive=True)]
        assert any("grader.worker" in " ".join(p.cmdline()) for p in tree[1:])
        if forks.available():  # the standby worker was forked from the zygote, which waits too
            zygotes = [p for p in tree if p.name().startswith("python") and "grader.worker.zygote" in p.cmdline()]
            assert len(zygotes) == 2 and zygotes[1].ppid() == zygotes[0].pid, [p.cmdline() for p in tree]

        def cpu_seconds():
            return sum(sum(p.cpu_times()[:2]) for p in alive(tree))

        time.sleep(1.0)  # threads that wind down after the imports
        before = cpu_seconds()
        time.sleep(3.0)
        assert cpu_seconds() - before < 0.1
    finally:
        standby.close()
    psutil.wait_procs(tree, timeout=10)
    assert not alive(tree)
    assert not standby.folder.exists()


def test_watch_grades_a_save_with_the_standby_started_before_it(tmp_path, monkeypatch):
    """The first save starts a judge; it grades every later save too, each time standing by
    (with a fresh worker) before the save comes."""
    folder = write_submission(tmp_path / "s", "lesson1", "def count_images(data_dir):\n    raise NotImplementedError\n")
    path = folder / LESSON1.filename
    started, ready_at_go, workers = [], [], []
    real_init, real_go = Standby.__init__, Standby.go

    def init(self, *args):
        real_init(self, *args)
        started.append(self)

    def go(self, *args):
        ready_at_go.append(self.ready())
        judge = psutil.Process(self.judge.process.pid)
        workers.append({p.pid for p in judge.children(recursive=True)  # the worker: a leaf (not its zygote)
                        if "grader.worker" in " ".join(p.cmdline()) and not p.children()})
        return real_go(self, *args)

    monkeypatch.setattr(Standby, "__init__", init)
    monkeypatch.setattr(Standby, "go", go)

    def events():
        yield  # the first grading: no standby was warm yet
        for source in (reference_source(LESSON1), "def count_images(data_dir):\n    return 0\n"):
            wait_until(lambda: started[0].ready())
            path.write_text(source)
            yield

    shown = []
    watch(LESSON1, folder, show=shown.append, events=events())
    assert ready_at_go == [False, True, True]
    assert "✓ count_images" in shown[2] and "✗ count_images" in shown[4]  # shown[3]: congratulations
    assert len(started) == 1 and started[0].gradings == 4  # one judge; the fourth grading was never asked for
    assert workers[1] and workers[2] and not workers[1] & workers[2]  # a fresh worker each time (the first
    # grading's had not started when it was told to go)
    assert started[0].judge.process.poll() is not None
    assert not started[0].folder.exists()


def test_a_judge_that_had_to_import_tensorflow_for_lesson4_is_not_reused(tmp_path):
    """Lesson 8.4's grading never imports TensorFlow, unless the learner's code makes the judge
    load a Keras model: the next grading then gets a new judge, and says TensorFlow was not
    imported, as a cold grading would."""
    lesson = catalog.BY_ID["lesson4"]
    model = write_submission(tmp_path / "model", "lesson4", """
        def relu(x):
            import keras
            return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        """)
    slow = 120.0  # seconds per check: the learner's function imports Keras (8 s here when idle)
    with Standbys(size=1) as pool:
        pool.top_up(lesson, api.grading_options(lesson, timeout=slow))
        (old,) = pool._waiting
        first = api.grade(lesson, model, standbys=pool, timeout=slow)
        assert first.tensorflow_imported is True
        (new,) = pool._waiting
        assert new is not old and old.judge.process.poll() is not None  # that judge ended
        again = api.grade(lesson, write_submission(tmp_path / "honest", "lesson4"), standbys=pool, timeout=slow)
        assert again.status == "passed" and again.tensorflow_imported is False


def test_a_batch_given_a_pool_grades_with_its_warm_judges_and_leaves_it_open(tmp_path):
    """run_batch(standbys=pool): the class is graded by the pool's judges, started before the
    batch, and the pool still stands by after it (for the next class graded from the program)."""
    for name in ("ada", "bo", "cy"):
        write_submission(tmp_path / "class" / name, "lesson1")
    with Standbys(size=1) as pool:
        pool.top_up(LESSON1, api.grading_options(LESSON1))
        (judge,) = pool._waiting
        graded = run_batch(tmp_path / "class", tmp_path / "grades.csv", jobs=1, show=lambda _: None,
                           standbys=pool)
        assert sorted(graded) == ["ada", "bo", "cy"]
        assert all(doc["status"] == "passed" for record in graded.values() for doc in record["lessons"])
        assert pool._waiting == [judge] and judge.gradings == 4  # 3 students, and standing by for a 4th
        assert judge.judge.process.poll() is None


def test_a_warm_process_imports_with_the_collector_paused_then_freezes_what_it_imported():
    """grader.preload: what the imports made is out of every later collection's walk, and the
    collector runs again after (a reused judge's garbage is still collected)."""
    code = ("import gc; from grader.preload import import_and_freeze; before = gc.get_freeze_count(); "
            "import_and_freeze(['numpy']); print(before, gc.get_freeze_count() > 10000, gc.isenabled(), "
            "'numpy' in __import__('sys').modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=catalog.PROJECT_ROOT)
    assert done.stdout.split() == ["0", "True", "True", "True"], done.stderr


def test_a_reused_judge_starts_each_grading_as_a_new_process_would():
    """What the checks of one grading may change in the judge is put back before the next."""
    import warnings

    import keras
    import numpy as np

    from grader.judge.reused import Baseline

    baseline = Baseline()
    before = (os.getcwd(), dict(os.environ), list(warnings.filters), keras.config.floatx())
    keras.layers.Dense(1)
    os.chdir("/")
    os.environ["LEFT_BY_A_CHECK"] = "1"
    warnings.simplefilter("error")
    keras.config.set_floatx("float16")
    keras.utils.set_random_seed(5)

    @keras.saving.register_keras_serializable(package="left")
    class Left(keras.layers.Layer):
        pass

    baseline.restore()
    assert (os.getcwd(), dict(os.environ), list(warnings.filters), keras.config.floatx()) == before
    assert keras.saving.get_custom_objects() == {}
    assert keras.layers.Dense(1).name == "dense"  # name counters start again
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(5)
        baseline.restore()
        draws.append((np.random.rand(), random.random()))
    assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1]  # a check's seed does not carry over


@pytest.mark.skipif(not (forks.available() and confinement.bwrap_works()), reason="bubblewrap and forks (Linux)")
def test_a_forked_worker_cannot_signal_the_zygote(tmp_path):
    """Its parent is process 1 of the sandbox, as a new worker's is: the kill reaches nothing,
    the verdict is the cold one, and the same zygote forks the next worker."""
    killer = write_submission(tmp_path / "killer", "lesson1", """
        import os, signal
        for kind in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            os.kill(os.getppid(), kind)
        """)
    cold = api.grade(LESSON1, killer)
    with Standbys(size=1) as pool:
        pool.top_up(LESSON1, api.grading_options(LESSON1))
        (judge,) = pool._waiting
        wait_until(judge.ready)

        def zygote():
            return [p.pid for p in psutil.Process(judge.judge.process.pid).children(recursive=True)
                    if p.name().startswith("python") and "grader.worker.zygote" in p.cmdline()
                    and not psutil.Process(p.ppid()).name().startswith("python")]  # not a worker it forked

        before = zygote()
        warm = api.grade(LESSON1, killer, standbys=pool)
        assert check_table(warm) == check_table(cold)
        wait_until(judge.ready)
        assert zygote() == before and len(before) == 1


def test_without_forks_as_on_macos_and_windows_each_grading_gets_a_new_warm_worker(tmp_path, monkeypatch):
    """Where a judge cannot fork its workers, each standby worker is a new process that imports
    the lesson's modules before the learner saves. The verdicts are the cold ones, and no
    worker grades twice."""
    (tmp_path / "sitecustomize.py").write_text(  # the judge's own forks.available(), as on macOS
        "import grader.judge.forks\ngrader.judge.forks.available = lambda: False\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    submissions = [
        write_submission(tmp_path / "reference", "lesson1"),
        write_submission(tmp_path / "unsorted", "lesson1", """
            def list_classes(data_dir):
                from pathlib import Path
                return [p.name for p in Path(data_dir, "train").iterdir() if p.is_dir()][::-1]
            """),
        write_submission(tmp_path / "exits", "lesson1", "import os\nos._exit(3)\n"),
        write_submission(tmp_path / "kills-its-parent", "lesson1", """
            import os, signal
            os.kill(os.getppid(), signal.SIGKILL)
            """),
    ]
    workers = []
    with Standbys(size=1) as pool:
        pool.top_up(LESSON1, api.grading_options(LESSON1))
        (judge,) = pool._waiting
        for submission in submissions:
            wait_until(judge.ready)
            tree = psutil.Process(judge.judge.process.pid).children(recursive=True)
            assert not any("grader.worker.zygote" in p.cmdline() for p in tree)
            workers += [p.pid for p in tree if p.name().startswith("python") and "--standby" in p.cmdline()]
            warm = api.grade(LESSON1, submission, standbys=pool)
            assert check_table(warm) == check_table(api.grade(LESSON1, submission)), submission.name
        assert pool._waiting == [judge] and judge.gradings == len(submissions) + 1
    assert len(workers) == len(set(workers)) == len(submissions)


@pytest.mark.skipif(not forks.available(), reason="forks (Linux)")
def test_a_zygote_that_dies_before_it_connects_is_given_up_at_once(tmp_path, monkeypatch):
    """Then the judge starts its worker the usual way, rather than wait out the zygote's
    start-up allowance (which is ample: TensorFlow's import on a loaded machine)."""
    monkeypatch.setattr(forks, "START_ALLOWANCE", 3600.0)
    monkeypatch.setattr(confinement, "command", lambda *args, **kwargs: [sys.executable, "-c", "raise SystemExit(3)"])
    monkeypatch.setattr(confinement, "drop_privileges", lambda bwrap: {})  # as root, too: this one runs no learner code
    server = forks.ForkServer(tmp_path / "workers", "none", ())
    raised = []

    def fork():
        with open(tmp_path / "output.log", "ab") as output, pytest.raises(forks.ForkUnavailable) as error:
            server.fork({}, output)
        raised.append(error.value)

    attempt = threading.Thread(target=fork, daemon=True)
    attempt.start()
    attempt.join(120)  # far below the allowance: only a wait that notices the death ends in time
    server.close()
    assert not attempt.is_alive() and raised, "fork() still waits for a zygote that has died"


def test_a_standby_is_replaced_when_the_grader_or_the_reference_changes(monkeypatch):
    with Standbys(size=1) as pool:
        pool.top_up(LESSON1, api.grading_options(LESSON1))
        (old,) = pool._waiting
        monkeypatch.setattr(standby_module, "sources_version", lambda: ("edited",))
        monkeypatch.setattr(pool, "_looked", 0.0)
        pool.refresh()
        (new,) = pool._waiting
        assert new is not old and old.judge.process.poll() is not None
        assert new.sources == ("edited",)
        monkeypatch.setattr(standby_module, "sources_version", lambda: ("edited again",))
        taken = pool.take(LESSON1, api.grading_options(LESSON1))  # one started before a change is never used
        try:
            assert taken is not new and new.judge.process.poll() is not None
        finally:
            taken.close()


def test_sources_version_changes_when_a_check_or_the_reference_is_edited(tmp_path):
    for folder in ("grader/checks", "solutions", "course"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "file.py").write_text("x = 1\n")
    first = sources_version(tmp_path)
    assert sources_version(tmp_path) == first
    for edited in ("grader/checks/file.py", "solutions/file.py"):
        (tmp_path / edited).write_text("x = 22\n")
        assert sources_version(tmp_path) != first
        first = sources_version(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="signals by number; Windows ends a console's processes itself")
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_watch_leaves_nothing_running_when_it_ends(tmp_path, how):
    """Ctrl-C, a kill and a closed terminal end the standby with watch, and its folder goes
    (SIGKILL leaves the folder: nothing can run then, but the processes still end)."""
    folder = write_submission(tmp_path / "s", "lesson1")
    output = tmp_path / "watch.txt"
    with open(output, "wb") as sink:
        watcher = subprocess.Popen([sys.executable, "-m", "grader", "watch", "lesson1", "--submission", str(folder)],
                                   cwd=catalog.PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        process = psutil.Process(watcher.pid)

        def standby_judges():
            return [p for p in process.children(recursive=True)
                    if "grader.judge.reused" in p.cmdline() and p.status() != psutil.STATUS_ZOMBIE]

        # the start line and the first report are out: the judge now waiting is the next save's
        wait_until(lambda: output.read_text().count("\n\n") >= 2 and standby_judges(), 120)
        judge = standby_judges()[0]
        wait_until(lambda: any("grader.worker" in " ".join(p.cmdline()) for p in judge.children(recursive=True)))
        tree = [judge, *judge.children(recursive=True)]
        folder = os.path.dirname(judge.cmdline()[4])  # the standby's folder: where its channel is
        watcher.send_signal(getattr(signal, how))
        watcher.wait(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    psutil.wait_procs(tree, timeout=10)
    assert not alive(tree)
    if how != "SIGKILL":
        assert not os.path.exists(folder)
