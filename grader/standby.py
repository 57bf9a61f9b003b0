"""Gradings started before the learner saves, so that a re-grade pays no start-up.

A standby is a judge started for one lesson and one set of options, which grades
one file after another (grader/judge/reused.py), and the grading it stands by
for. Before each grading the judge starts a fresh confined worker; both import
what a grading of that lesson needs (Keras and TensorFlow for a model lesson,
NumPy for the others), then wait on their channels, using no CPU. The judge
waits for the grader's go, the worker for the judge's request to load the
learner's file, which does not exist yet. On a save the grader copies the file
to the grading's private folder and says go; from there the grading is a cold
grading's, step for step. A worker grades once. The judge only ever receives
data, so it is kept for the next grading, with its state put back as a cold
judge starts (`reused.Baseline`); tests/test_standby.py proves the verdicts the
same.

A standby is thrown away when the grader's, the reference's or the course's
files change on disk after it started (it imported the old ones), when a grading
did not end with the judge's verdict, and when its grader ends: closed by
`Standbys.close`, or, if the grader is killed, by the judge itself (its channel
closes, and on Linux the kernel's parent-death signal), and then by its worker
(grader/parent.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from dataclasses import astuple
from pathlib import Path

from grader import catalog, integrity, protocol
from grader.judge import confinement
from grader.runner import (START_ALLOWANCE, ChildRun, Options, _handle_event, _kill, _reap, accept, follow,
                           grading_folders, spawn_judge)

REFRESH_EVERY = 2.0  # seconds between looks at the sources while `watch` waits for a save
REUSE_LIMIT = 50  # gradings per judge: a bound on the memory a long class leaves in one process


def sources_version(root: Path = catalog.PROJECT_ROOT) -> tuple:
    """What changes when a file that decides a verdict is edited: the path, time and size of
    every file in the grader, the reference and the course code (integrity.WATCHED)."""
    found = []
    for folder in integrity.WATCHED:
        for path in sorted((root / folder).rglob("*")):
            if "__pycache__" in path.parts:
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.is_file():
                found.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class Standby:
    """A judge for `lesson` started now, and the next grading it waits for: its private
    copy of the learner's file goes to `submission`."""

    def __init__(self, lesson: catalog.Lesson, options: Options):
        self.lesson, self.options = lesson, options
        self.sources = sources_version()
        self.folder = Path(tempfile.mkdtemp(prefix="grader-"))
        confinement.open_to_worker(options.sandbox, self.folder)  # its zygote's folder is inside
        self.gradings = 0
        listener, key = protocol.listen(self.folder)
        command = [sys.executable, "-m", "grader.judge.reused", lesson.id, str(listener.address),
                   options.sandbox, str(options.timeout), str(options.memory_limit)]
        self.judge = spawn_judge(command, listener, key, self.folder, self.folder / "judge-output.log", options)
        self._stand_by()

    def _stand_by(self) -> None:
        """Make the next grading's folders, and let the judge prepare for it in the background."""
        self.gradings += 1
        root = self.folder / f"grading-{self.gradings}"
        root.mkdir()
        self.submission, self.workdir = grading_folders(root, self.lesson, self.options.sandbox)
        self.run = ChildRun()
        self._warming = threading.Thread(target=self._warm, daemon=True)
        self._warming.start()

    def _warm(self) -> None:
        """Send the judge the grading's folders, and take its events up to `standing_by` (or its end)."""
        if self.judge.connection is None:
            self.judge.connection = accept(self.judge)
            if self.judge.connection is None:
                return
        try:
            protocol.send(self.judge.connection, {"next": {"submission": str(self.submission),
                                                           "workdir": str(self.workdir)}})
        except OSError:
            return
        while not (self.run.standing_by or self.run.finished):
            try:
                event = protocol.receive(self.judge.connection)  # blocks: no CPU is used waiting
            except (EOFError, OSError, protocol.ProtocolError):
                return
            _handle_event(event, self.run, None)

    def ready(self) -> bool:
        """Warm: the judge and the worker have imported everything and wait."""
        return self.run.standing_by and self.judge.process.poll() is None

    def fresh(self, sources: tuple) -> bool:
        """Still worth its go: alive, and started after the last change of the `sources`
        (a `sources_version()`)."""
        return self.judge.process.poll() is None and self.sources == sources

    def go(self, display: str, deadline: float | None = None) -> ChildRun:
        """Grade the file now at `self.submission` (which the learner names `display`): the
        judge's run, as `runner.run_child` gives it for a cold grading."""
        self._warming.join(START_ALLOWANCE)  # a standby taken while still warming
        if self._warming.is_alive():
            _kill(self.judge.process)
            self._warming.join()
        if self.run.standing_by:
            try:
                protocol.send(self.judge.connection, {"go": True, "display": display})
            except OSError:  # it died while waiting: follow() reports how
                pass
            self.judge.spawned = time.monotonic()
        return follow(self.judge, self.run, self.options, deadline, keep=True)

    def again(self) -> bool:
        """Stand by for another grading, if the judge ended the last one with its verdict and can
        grade again; else False."""
        if not (self.run.again and self.gradings < REUSE_LIMIT and self.judge.process.poll() is None):
            return False
        self._stand_by()
        return True

    def close(self) -> None:
        """End the judge and its worker if still running, and remove the private folder."""
        if self.judge.process.poll() is None:
            _kill(self.judge.process)
        _reap(self.judge.process)
        self._warming.join(10)
        if self.judge.connection is not None:
            self.judge.connection.close()
        self.judge.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class Standbys:
    """The standbys a grader keeps: at most `size` at a time, for the lessons it grades lately,
    and at most `per_lesson` (default: `size`) for one lesson and set of options.

    `take` gives a fresh standby for a lesson (one that is still warming, or a new one, when
    none is warm); `give_back` keeps its judge for another grading; `top_up` starts the next
    ones once a grading is done, so that they warm while the learner reads the report."""

    def __init__(self, size: int = 1, per_lesson: int | None = None):
        self.size, self.per_lesson = size, per_lesson or size
        self._waiting: list[Standby] = []  # oldest first
        self._out: list[Standby] = []  # grading now, and given back after
        self._lock = threading.Lock()
        self._closed = False
        self._looked = time.monotonic()

    def take(self, lesson: catalog.Lesson, options: Options) -> Standby:
        sources = sources_version()
        with self._lock:
            stale = [s for s in self._waiting if not s.fresh(sources)]
            self._waiting = [s for s in self._waiting if s not in stale]
            mine = [s for s in self._waiting if _key(s.lesson, s.options) == _key(lesson, options)]
            chosen = next((s for s in mine if s.ready()), mine[0] if mine else None)
            if chosen is not None:
                self._waiting.remove(chosen)
        for standby in stale:
            standby.close()
        chosen = chosen if chosen is not None else Standby(lesson, options)
        with self._lock:
            self._out.append(chosen)
        return chosen

    def give_back(self, standby: Standby) -> None:
        """After its grading: `standby` waits for the next one (or is closed, when it cannot)."""
        with self._lock:
            self._out.remove(standby)
            kept = not self._closed and standby.fresh(sources_version()) and standby.again()
            closing = [] if kept else [standby]
            if kept:
                self._waiting.append(standby)
                while len(self._waiting) > self.size:  # the oldest go: another lesson's, graded earlier
                    closing.append(self._waiting.pop(0))
        for old in closing:
            old.close()

    def top_up(self, lesson: catalog.Lesson, options: Options) -> None:
        """Start standbys for `lesson` until `per_lesson` wait or grade, giving up other lessons'
        oldest first when `size` wait."""
        with self._lock:
            if self._closed:
                return
            key = _key(lesson, options)
            count = sum(_key(s.lesson, s.options) == key for s in self._waiting + self._out)
            evicted = []
            while count < self.per_lesson:
                others = [s for s in self._waiting if _key(s.lesson, s.options) != key]
                if len(self._waiting) >= self.size and others:
                    evicted.append(others[0])
                    self._waiting.remove(others[0])
                self._waiting.append(Standby(lesson, options))
                count += 1
        for standby in evicted:
            standby.close()

    def refresh(self) -> None:
        """Replace the standbys that imported files changed since (looked at every few seconds)."""
        if time.monotonic() - self._looked < REFRESH_EVERY:
            return
        self._looked = time.monotonic()
        sources = sources_version()
        with self._lock:
            stale = [s for s in self._waiting if not s.fresh(sources)]
            self._waiting = [s for s in self._waiting if s not in stale]
        for standby in stale:
            standby.close()
            self.top_up(standby.lesson, standby.options)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            waiting, self._waiting = self._waiting, []
        for standby in waiting:
            standby.close()

    def __enter__(self) -> Standbys:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _key(lesson: catalog.Lesson, options: Options) -> tuple:
    return (lesson.id, *astuple(options))
