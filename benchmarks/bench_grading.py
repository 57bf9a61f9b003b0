"""How long grading takes, as a ratio to the imports it cannot avoid.

    uv run python benchmarks/bench_grading.py [--repeat 3] [lesson ...]

Targets: a NumPy lesson (1, 4) grades in at most 2.5x `import numpy, pytest`;
a TensorFlow lesson in at most 1.5x `import tensorflow` (the judge and the
worker start together, so their imports overlap). Each figure is the median of
--repeat runs of the real command (`--sandbox` as given, default auto), in this
environment.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import catalog  # noqa: E402


def seconds(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", default=[lesson.id for lesson in catalog.LESSONS])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "none"))
    args = parser.parse_args()
    python = sys.executable
    baselines = {
        False: ("import numpy, pytest", seconds([python, "-c", "import numpy, pytest"], args.repeat), 2.5),
        True: ("import tensorflow", seconds([python, "-c", "import tensorflow"], args.repeat), 1.5),
    }
    for needs_tf, (what, base, _) in baselines.items():
        print(f"baseline `python -c \"{what}\"`: {base:.2f} s")
    print(f"{'lesson':8} {'reference':>10} {'stubs':>8} {'ratio':>6} {'target':>7}")
    for name in args.lessons:
        lesson = catalog.resolve(name)
        what, base, target = baselines[lesson.needs_tensorflow]
        graded = seconds([python, "-m", "grader", lesson.id, "--solutions", "--sandbox", args.sandbox], args.repeat)
        stubs = seconds([python, "-m", "grader", lesson.id, "--sandbox", args.sandbox], args.repeat)
        ratio = max(graded, stubs) / base
        verdict = "ok" if ratio <= target else "SLOW"
        print(f"{lesson.id:8} {graded:9.2f}s {stubs:7.2f}s {ratio:5.2f}x {target:5.1f}x  {verdict}  (vs {what})")


if __name__ == "__main__":
    main()
