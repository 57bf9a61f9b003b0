"""Importing a grading's heavy modules once, in a process that stays warm: a reused judge
(grader/judge/reused.py) and the zygote its workers are forked from (grader/worker/zygote.py).
Both sides use it; it runs no learner code.

Importing Keras makes millions of Python objects, and every full pass of the cyclic
garbage collector walks all of them. A warm process pays that pass again and again:
Keras's `clear_session` collects, and so does pytest at the end of each session, so
a reused judge spent about 0.7 s of CPU between two gradings doing nothing else
(profiled with py-spy on a reused lesson-5 judge). Freezing what the imports made moves it out
of the collector's sight for good: they are modules, classes and functions, which
live as long as the process anyway. Pausing the collector during the imports saves
its passes there too (about a second of Keras's 8 s import on this 2-core machine). In a zygote, frozen
objects also stay untouched by a forked child's collections, so their memory pages
stay shared (the use the `gc.freeze` documentation gives).
"""

from __future__ import annotations

import gc


def import_and_freeze(modules) -> None:
    """Import `modules` with the collector paused, then freeze everything alive."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            __import__(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
