"""The judge's side of grading, beside `grader/plugin.py` and `grader/checks/`.

The judge is pytest with the grader's plugin, the checks and the reference. It
never imports, executes or unpickles anything the learner wrote: the learner's
file runs in a worker process (`grader/worker/`), started and confined by
`supervisor.py` and `confinement.py`, and reached through the `student` proxy
of `proxy.py`. Only data crosses (`grader/protocol.py`).

`reused.py` runs one judge for many gradings (`watch`, `batch`), and `forks.py`
forks its workers from a warm, confined zygote (`grader/worker/zygote.py`), so a
grading pays neither process's imports.
"""
