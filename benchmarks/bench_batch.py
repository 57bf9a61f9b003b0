"""Batch grading against the ideal: N students on C cores should take about N x one grading / C.

    uv run python benchmarks/bench_batch.py [--students 30] [--lesson lesson4]

Target: at most 1.5x that ideal, here with copies of a NumPy lesson.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import api, catalog  # noqa: E402
from grader.batch import run_batch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lesson", default="lesson4")
    args = parser.parse_args()
    lesson = catalog.resolve(args.lesson)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "class")
        for i in range(args.students):
            (root / f"student{i:02d}").mkdir(parents=True)
            shutil.copy(catalog.SOLUTIONS_DIR / lesson.filename, root / f"student{i:02d}")
        singles = []
        for _ in range(3):
            start = time.perf_counter()
            api.grade(lesson, root / "student00")
            singles.append(time.perf_counter() - start)
        one = statistics.median(singles)
        start = time.perf_counter()
        run_batch(root, Path(tmp, "grades.csv"), jobs=cores, show=lambda _: None)
        batch = time.perf_counter() - start
    ideal = args.students * one / cores
    print(f"one grading of {lesson.id}: {one:.2f} s (median of 3)")
    print(f"batch of {args.students} on {cores} cores: {batch:.2f} s")
    print(f"ideal {args.students} x {one:.2f} / {cores} = {ideal:.2f} s; ratio {batch / ideal:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
