"""A judge that grades one lesson again and again: one pytest session per file, in one process.

    python -m grader.judge.reused LESSON CHANNEL SANDBOX TIMEOUT MEMORY_LIMIT

The grader (`grader/standby.py`) starts it once for a lesson and a set of options,
so pytest, the checks and, for a model lesson, Keras and TensorFlow are imported
once. For each grading the grader sends `{"next": {"submission": ..., "workdir":
...}}`. The judge then runs a standby session of `grader.plugin` there: the session
starts a fresh worker, which waits for the file, and the session waits for the
grader's go. After the verdict, the judge removes that grading's folder and puts
the process back as a cold judge would find it (`Baseline.restore`).

Reuse is safe because the learner's code never runs here. What reaches this
process from a worker is data (`grader.protocol`), so one grading cannot leave
code behind for the next. It could only leave state that the checks changed
while judging: Keras's session and settings, seeds, registered objects, the
working folder, the environment, warning filters, pyplot figures.
`Baseline.restore` resets all of them. tests/test_standby.py grades a corpus in
sequence through one such judge and shows that the verdicts are those of cold
gradings.

It ends when the grader closes the channel or sends anything but `next`, and
with the grader, as every judge does (grader/parent.py).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import warnings
from multiprocessing.connection import Client
from pathlib import Path

from grader import catalog, preload, protocol
from grader.judge import confinement
from grader.parent import die_with_parent


class Baseline:
    """What a grading may change in this process, as it was before the first one."""

    def __init__(self):
        self.folder = os.getcwd()
        self.environ = dict(os.environ)
        self.filters = list(warnings.filters)
        self.keras_config = _keras_config()

    def restore(self) -> None:
        os.chdir(self.folder)
        os.environ.clear()
        os.environ.update(self.environ)
        warnings.filters[:] = self.filters
        random.seed()  # fresh entropy, as a new process starts with
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        if "keras" in sys.modules:
            import keras

            keras.backend.clear_session()  # layer-name counters, the global seed generator, graphs
            keras.saving.get_custom_objects().clear()
            for name, value in self.keras_config.items():
                getattr(keras.config, f"set_{name}")(value)
        if "tensorflow" in sys.modules:
            sys.modules["tensorflow"].random.set_seed(None)


def _keras_config() -> dict:
    if "keras" not in sys.modules:
        return {}
    import keras

    return {"floatx": keras.config.floatx(), "epsilon": keras.config.epsilon(),
            "image_data_format": keras.config.image_data_format()}


def start_forks(lesson: catalog.Lesson, sandbox: str):
    """Where this judge's workers come from: a warm zygote (grader/judge/forks.py) on Linux."""
    from grader import plugin
    from grader.judge import forks

    if not forks.available():
        return None
    return forks.ForkServer(Path.cwd() / "workers", sandbox, plugin.standby_modules(lesson))


def main(argv: list[str]) -> None:
    lesson_id, address, sandbox, timeout, memory_limit = argv
    if os.environ.get("GRADER_PARENT_PID"):
        die_with_parent(int(os.environ["GRADER_PARENT_PID"]))
    confinement.become_subreaper()  # what a worker starts stays ours to kill
    channel = Client(address, authkey=bytes.fromhex(os.environ.pop("GRADER_CHANNEL_KEY")))
    import pytest

    from grader import plugin
    from grader.runner import Options, pytest_arguments

    lesson = catalog.BY_ID[lesson_id]
    options = Options(float(timeout), sandbox, float(memory_limit))
    forks = start_forks(lesson, sandbox)  # its imports overlap the judge's
    preload.import_and_freeze(plugin.standby_modules(lesson))
    baseline = Baseline()
    while True:
        if forks is not None and not forks.alive():  # a learner's code killed it: start another
            forks.close()
            forks = start_forks(lesson, sandbox)
        plugin.grade_here_again(channel, forks)
        try:
            place = protocol.receive(channel).get("next")
        except (EOFError, OSError, protocol.ProtocolError):
            place = None
        if not isinstance(place, dict):
            os._exit(0)  # skip the interpreter's teardown: seconds once TensorFlow is loaded
        workdir = Path(place["workdir"])
        os.chdir(workdir)
        pytest.main(pytest_arguments(lesson, Path(place["submission"]), "", "reused", workdir, options, [])
                    + ["--grader-standby"])
        baseline.restore()
        shutil.rmtree(workdir.parent, ignore_errors=True)  # its worker is gone: nothing writes there now
        if forks is not None:
            forks.clear_scratch()
        if not plugin.can_grade_again(lesson):  # as its verdict told the grader
            os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
