"""`python -m grader watch lessonN`: grade again on every save, and say only what changed.

Between saves a standby grading waits (grader/standby.py): a judge and a worker that have
imported the checks and, for a model lesson, TensorFlow. A save is graded by it at once, and
the next standby starts when the report is out. It ends with `watch` (Ctrl-C, a kill, or the
terminal closing); a standby that imported files changed since is replaced.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from grader import api, catalog, report, submissions
from grader.messages import common
from grader.results import LessonResult
from grader.standby import Standbys

IDLE_EVERY = 1.0  # seconds between calls of `idle` (the standbys' look at the sources) without a save


def file_version(path: Path):
    """What changes when the file is saved (None while it does not exist)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def saves(paths: list[Path], settle: float = 0.05, idle: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Yield once now, then once per save of any of `paths` (files of one folder: a lesson's
    .py file and its notebook), as the operating system reports changes (watchfiles:
    inotify, FSEvents, ReadDirectoryChangesW; polling on WSL), so that waiting costs no CPU. A
    save counts when the files have stopped changing for `settle` seconds, so an editor's
    half-written file is not graded mid-write. The folder is watched, not the files, so that
    an editor's save by renaming a new file over the old one counts too, and so does a file
    that does not exist yet. `idle` is called every IDLE_EVERY seconds while nothing
    changes, and after every change."""
    import watchfiles  # here: only watch needs it, and its import costs 40 ms

    names = {path.name for path in paths}
    (folder,) = {path.parent for path in paths}

    def versions():
        return [file_version(path) for path in paths]

    graded = versions()
    yield
    # The watcher starts after the first grading; a save made during it is found on its first
    # look (at most IDLE_EVERY later), and later saves queue up while a grading runs.
    for _ in watchfiles.watch(folder, watch_filter=lambda change, name: Path(name).name in names,
                              step=round(settle * 1000), rust_timeout=round(IDLE_EVERY * 1000),
                              yield_on_timeout=True, recursive=False):
        idle()
        current = versions()
        if current == graded:  # a timeout, or a write that left the files as they were graded
            continue
        graded = current
        yield


def changes(before: LessonResult, after: LessonResult) -> str:
    """The report of a re-grade: only the checks whose status changed (and which file was
    graded, when it is not the one graded before: the learner moved to the notebook, say)."""
    previous = {check.name: check.status for check in before.tests}
    lines = []
    for check in after.tests:
        if previous.get(check.name) == check.status:
            continue
        was = previous.get(check.name, "new").replace("_", " ")
        lines.append(common.WATCH_CHANGED.format(mark=common.STATUS_MARKS[check.status], name=check.name, before=was))
        if check.status not in ("passed", "not_started") and check.message:
            lines.append("      " + check.message.replace("\n", "\n      "))
    if not lines:
        lines.append(common.WATCH_UNCHANGED.format(score=after.score, max_score=after.max_score))
    else:
        lines.append(common.SCORE.format(score=after.score, max_score=after.max_score))
    if after.file != before.file:
        lines = [*(after.notes or [common.WATCH_NOW_GRADING.format(file=after.file)]), *lines]
    return "\n".join(lines)


def congratulations(lesson: catalog.Lesson) -> str:
    later = [other for other in catalog.LESSONS if other.number > lesson.number]
    if not later:
        return common.WATCH_PASSED_LAST.format(number=lesson.course_number)
    return common.WATCH_PASSED.format(number=lesson.course_number, next_number=later[0].course_number)


def watch(lesson: catalog.Lesson, folder: Path, show: Callable[[str], None] = print,
          timeout: float | None = None, command_suffix: str = "", events: Iterator | None = None,
          confinement: dict | None = None) -> None:
    """Grade at every save of the lesson file and `show` the news; runs until interrupted
    (or until `events` ends, which tests use)."""
    path = submissions.choose(lesson, folder).path  # the .py file, or a notebook graded instead
    watched = submissions.candidates(lesson, folder)
    others = "".join(common.WATCH_ALSO.format(name=other.name) for other in watched if other != path)
    show(common.WATCH_START.format(file=api.display_path(path), others=others))
    previous: LessonResult | None = None
    with ended_by_signals(), Standbys(size=1) as standbys:
        for _ in events if events is not None else saves(watched, idle=standbys.refresh):
            result = api.grade(lesson, folder, timeout=timeout, standbys=standbys, **(confinement or {}))
            if previous is None:
                show(report.render(result, command_suffix))
            else:
                show(changes(previous, result))
            if result.status == "passed" and (previous is None or previous.status != "passed"):
                show(congratulations(lesson))
            previous = result


@contextlib.contextmanager
def ended_by_signals():
    """A kill (SIGTERM) or a lost terminal (SIGHUP) ends `watch` as Ctrl-C does, so that its
    standby is closed and its folder removed (where signals reach the main thread)."""
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(number, frame):
        raise KeyboardInterrupt

    previous = {name: signal.signal(getattr(signal, name), interrupt) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
