"""JupyterLab for this course: `uv run jupyter lab --config jupyter_lab_config.py`.

Jupytext's contents manager (installed with jupytext) opens the lessons' .py files
as notebooks and saves them back to the same .py file, the one the grader reads
(jupytext.toml keeps those saves clean). This file adds what a lesson's cells need
to run: JupyterLab serves the project folder wherever it is started from, and its
kernels, which start in lessons/, can import the project's `course` package.
"""

import os
from pathlib import Path

project = Path(__file__).resolve().parent
# Kernels inherit the server's environment: the project first, then whatever was there.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")]))
c.ServerApp.root_dir = str(project)  # noqa: F821 (`c` is the configuration Jupyter passes in)
