"""Re-grading with a warm standby (grader/standby.py), as ratios to the imports it avoids.

    uv run python benchmarks/bench_watch.py [--repeat 3] [--students 20] [--sandbox auto]

Targets (issue 15):
- lesson 5 re-graded in `watch`, from the save to the report, with the standby warm: at most
  0.5x `python -c "import tensorflow"`;
- lesson 4 the same way: at most 0.5x `python -c "import numpy, pytest"`;
- a batch of --students copies of lesson 5 on this machine's cores: at most 1.2x the ideal
  of students x (one warm grading) / cores.

A save is a real write of the file, seen by watch's own file watcher; the report is the moment
watch shows it. One warm grading is `api.grade` with a warm standby (no save to notice).
The machine's load average is printed: on a shared machine every figure moves with it.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import api, catalog, standby  # noqa: E402
from grader.batch import run_batch  # noqa: E402
from grader.watch import watch  # noqa: E402

WARM_WAIT = 600.0  # seconds a standby may take to warm on a loaded machine


def import_seconds(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Started:
    """Every Standby started while this is in use, to wait until one is warm for the next grading."""

    def __init__(self):
        self.all: list[standby.Standby] = []
        self._init = standby.Standby.__init__

    def __enter__(self):
        def init(instance, *args):
            self._init(instance, *args)
            self.all.append(instance)

        standby.Standby.__init__ = init
        return self

    def __exit__(self, *exc):
        standby.Standby.__init__ = self._init

    def wait_warm(self, count: int = 1) -> None:
        end = time.monotonic() + WARM_WAIT
        while sum(started.ready() for started in self.all) < count:  # reused or new, standing by again
            if time.monotonic() > end:
                raise SystemExit("a standby did not warm up in time")
            time.sleep(0.05)


def watch_regrade_seconds(lesson: catalog.Lesson, repeat: int, sandbox: str) -> list[float]:
    """Seconds from a save to watch's report, each save graded by a warm standby."""
    with tempfile.TemporaryDirectory() as tmp, Started() as started:
        folder = Path(tmp)
        source = (catalog.SOLUTIONS_DIR / lesson.filename).read_text()
        path = folder / lesson.filename
        path.write_text(source)
        reports: queue.Queue = queue.Queue()
        stop = threading.Event()

        def saves_until_stopped():
            from grader.watch import saves

            for tick in saves([path], idle=lambda: None):
                if stop.is_set():
                    return
                yield tick

        thread = threading.Thread(target=watch, args=(lesson, folder), daemon=True, kwargs={
            "show": lambda text: reports.put(time.perf_counter()), "events": saves_until_stopped(),
            "confinement": {"sandbox": sandbox}})
        thread.start()
        reports.get(timeout=WARM_WAIT)  # the start line
        reports.get(timeout=WARM_WAIT)  # the first report
        times = []
        for number in range(repeat):
            started.wait_warm()
            time.sleep(1.0)  # let the warm-up's last threads settle, as while a learner edits
            while not reports.empty():  # the congratulations after the first report
                reports.get()
            saved = time.perf_counter()
            path.write_text(source + f"\n# save {number}\n")
            times.append(reports.get(timeout=WARM_WAIT) - saved)
        stop.set()
        path.write_text(source)  # one more save ends the loop
        thread.join(WARM_WAIT)
    return times


def warm_grading_seconds(lesson: catalog.Lesson, repeat: int, sandbox: str) -> float:
    """Median seconds of `api.grade` given a warm standby."""
    times = []
    with standby.Standbys(size=1) as pool, Started() as started:
        api.grade(lesson, catalog.SOLUTIONS_DIR, standbys=pool, sandbox=sandbox)
        for number in range(repeat):
            started.wait_warm()
            time.sleep(1.0)
            start = time.perf_counter()
            api.grade(lesson, catalog.SOLUTIONS_DIR, standbys=pool, sandbox=sandbox)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch_seconds(lesson: catalog.Lesson, students: int, cores: int, sandbox: str,
                  warm: bool) -> tuple[float, list[float]]:
    """The whole batch's seconds, and each student's (as batch records them), fastest first.
    `warm`: the pool's standbys, one per core, are warm before the clock starts (as one
    program grading several classes keeps them); else the batch starts them, as the command does."""
    with tempfile.TemporaryDirectory() as tmp, standby.Standbys(size=cores) as pool, Started() as started:
        root = Path(tmp, "class")
        for i in range(students):
            (root / f"student{i:02d}").mkdir(parents=True)
            shutil.copy(catalog.SOLUTIONS_DIR / lesson.filename, root / f"student{i:02d}")
        if warm:
            pool.top_up(lesson, api.grading_options(lesson, sandbox=sandbox))
            started.wait_warm(count=cores)
            time.sleep(1.0)
        start = time.perf_counter()
        graded = run_batch(root, Path(tmp, "grades.csv"), jobs=cores, show=lambda _: None, sandbox=sandbox,
                           standbys=pool)
        return time.perf_counter() - start, sorted(record["seconds"] for record in graded.values())


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "none"))
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"load average at start: {load()} on {cores} cores")
    for lesson_id, what in (("lesson5", "import tensorflow"), ("lesson4", "import numpy, pytest")):
        before = import_seconds(what, args.repeat)
        times = watch_regrade_seconds(catalog.BY_ID[lesson_id], args.repeat, args.sandbox)
        base = min(before, import_seconds(what, args.repeat))  # the lower: load only flatters a ratio
        print(f"baseline `python -c \"{what}\"`: {base:.2f} s (the lower median, before and after)")
        ratio = statistics.median(times) / base
        print(f"watch re-grade of {lesson_id}, save to report: {statistics.median(times):.2f} s "
              f"(each: {', '.join(f'{t:.2f}' for t in times)}); {ratio:.2f}x `{what}` (target <= 0.5x) "
              f"{'ok' if ratio <= 0.5 else 'SLOW'}; load {load()}")
    if args.skip_batch:
        return
    lesson = catalog.BY_ID["lesson5"]
    print(f"load average before the batch: {load()}")
    one = warm_grading_seconds(lesson, args.repeat, args.sandbox)
    ideal = args.students * one / cores
    print(f"one warm grading of lesson5: {one:.2f} s (median of {args.repeat}); the ideal batch of "
          f"{args.students} on {cores} cores: {args.students} x {one:.2f} / {cores} = {ideal:.2f} s")
    for warm, how in ((True, "with the pool warm (the target)"), (False, "from a cold start, as the command runs")):
        batch, each = batch_seconds(lesson, args.students, cores, args.sandbox, warm)
        ratio = batch / ideal
        verdict = ("ok" if ratio <= 1.2 else "SLOW") if warm else "(start-up included)"
        print(f"batch {how}: {batch:.2f} s; {ratio:.2f}x the ideal (target <= 1.2x) {verdict}; load {load()}")
        # From a cold start each job's first student waits for its judge's start; warm, none does.
        first, rest = ([], each) if warm else (each[-cores:], each[:-cores])
        if first:
            print(f"  where each job's first student took {', '.join(f'{t:.1f}' for t in first)} s (its judge "
                  f"and zygote importing TensorFlow)")
        if rest:
            who = "every student" if warm else "students after each job's first"
            print(f"  {who}: "
                  f"{statistics.median(rest):.2f} s each (median), {statistics.median(rest) / one:.2f}x one warm grading")


if __name__ == "__main__":
    main()
