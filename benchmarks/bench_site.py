"""How long `mkdocs build` takes: from a cold cache and from a warm one.

    uv run python benchmarks/bench_site.py [--repeat 3]

Target: under 60 s on the course machine, cold. A cold build converts every
lesson with mkdocs-jupyter; a warm one reuses its cache (.cache/mkdocs-jupyter),
as `mkdocs serve` and a second local build do. No page runs TensorFlow: the
figures and their numbers come from scripts/make_figures.py, not from the build.
Exits with 1 when a cold build misses the target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 60.0


def build_seconds(site: Path, cache: Path, cold: bool) -> float:
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cache = ROOT / ".cache" / "mkdocs-jupyter"
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        cold = [build_seconds(site, cache, cold=True) for _ in range(args.repeat)]
        warm = [build_seconds(site, cache, cold=False) for _ in range(args.repeat)]
    print(f"mkdocs build, cold cache: median {statistics.median(cold):.2f} s (runs: "
          + ", ".join(f"{s:.2f}" for s in cold) + ")")
    print(f"mkdocs build, warm cache: median {statistics.median(warm):.2f} s (runs: "
          + ", ".join(f"{s:.2f}" for s in warm) + ")")
    ok = max(cold) < TARGET
    print(f"target: under {TARGET:g} s cold: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
