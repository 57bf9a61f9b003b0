"""Gradescope: the autograder zip `gradescope-bundle` writes, and the two scripts in it."""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from grader import bundle, catalog

REPOSITORY_SCRIPT = catalog.PROJECT_ROOT / "gradescope" / "run_autograder"
LESSON4, LESSON1 = "8.4 Convolutional neural networks", "8.1 Fashion classification"


def expect_lesson4_passed_and_lesson1_missing(results):
    """The upload holds lesson 8.4's reference and no lesson 8.1: every 8.4 check scores, no 8.1 one."""
    statuses = {}
    for test in results["tests"]:
        statuses.setdefault(test["name"].split(":")[0], set()).add(test["status"])
    assert statuses == {LESSON4: {"passed"}, LESSON1: {"failed"}}
    passed = sum(test["name"].startswith(LESSON4) for test in results["tests"])
    assert results["score"] == passed and results["max_score"] == len(results["tests"])


def gradescope_root(tmp_path):
    """Gradescope's layout under a temporary root: source/, submission/ (with a student's
    lessons/ folder holding the reference of lesson 8.4 only), results/ made by the script."""
    root = tmp_path / "autograder"
    (root / "submission" / "lessons").mkdir(parents=True)
    shutil.copy(catalog.SOLUTIONS_DIR / "lesson4_convolutional_networks.py", root / "submission" / "lessons")
    return root


def run_autograder(root, script=None, **env):
    """Run `script` (default: the one at the top of source/, as Gradescope does) in `root`'s layout."""
    environment = {key: value for key, value in os.environ.items() if key not in ("GRADER_LESSONS", "PYTHONPATH")}
    environment.update(AUTOGRADER_ROOT=str(root), GRADER_PYTHON=sys.executable, **env)
    completed = subprocess.run(["bash", str(script or root / "source" / "run_autograder")], env=environment,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_a_bundle_built_by_the_command_grades_its_lessons_in_gradescope_layout(tmp_path):
    out = tmp_path / "autograder.zip"
    completed = subprocess.run([sys.executable, "-m", "grader", "gradescope-bundle", str(out),
                                "--lessons", "8.4", "lesson1"],
                               cwd=catalog.PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert str(out) in completed.stdout and "lesson4 lesson1" in completed.stdout
    root = gradescope_root(tmp_path)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        for script in bundle.SCRIPTS:
            assert (archive.getinfo(script).external_attr >> 16) & 0o111, f"{script} is not executable"
        archive.extractall(root / "source")
    for name in (*bundle.SCRIPTS, "uv.lock", "pyproject.toml"):
        assert name in names, f"{name} is not at the top of the zip"
    assert (root / "source" / "uv.lock").read_bytes() == (catalog.PROJECT_ROOT / "uv.lock").read_bytes()
    for script in bundle.SCRIPTS:  # extractall drops the mode: Gradescope's unzip keeps it
        (root / "source" / script).chmod(0o755)

    # No GRADER_LESSONS: the lessons baked into the zip are graded, with the grader from the zip.
    results = run_autograder(root)
    expect_lesson4_passed_and_lesson1_missing(results)
    assert all(test["output"] for test in results["tests"])


def make_project(root):
    """A copy of the files a bundle is made of, among the things it must leave out."""
    for name in ("gradescope", *bundle.PROJECT_FOLDERS):
        shutil.copytree(catalog.PROJECT_ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    for name in bundle.PROJECT_FILES:
        shutil.copy(catalog.PROJECT_ROOT / name, root / name)
    decoys = [".git/HEAD", ".venv/bin/python", "site/index.html", ".pytest_cache/README.md",
              "lessons/lesson1_fashion_classification.py", "tests/test_x.py", "docs/index.md",
              "grader/__pycache__/cli.cpython-312.pyc", "grader/checks/__pycache__/lesson1.cpython-312.pyc",
              "course/stale.pyc", "grader/.pytest_cache/v/cache", "solutions/.ipynb_checkpoints/x.py",
              "course/.hidden.py"]
    for decoy in decoys:
        (root / decoy).parent.mkdir(parents=True, exist_ok=True)
        (root / decoy).write_text("must not be bundled")
    script = root / "gradescope" / "run_autograder"  # as a Windows checkout with autocrlf leaves it
    script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))
    return decoys


def test_the_bundle_holds_no_git_venv_site_or_cache_files_and_is_reproducible(tmp_path, monkeypatch):
    project = tmp_path / "project"
    decoys = make_project(project)
    monkeypatch.setattr(catalog, "PROJECT_ROOT", project)
    lessons = [catalog.resolve("lesson5")]
    entries = bundle.write_bundle(tmp_path / "one.zip", lessons)
    bundle.write_bundle(tmp_path / "two.zip", lessons)
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        names = set(archive.namelist())
    assert names == set(entries)
    assert not names & set(decoys)
    assert not [name for name in names if "cache" in name or name.endswith(".pyc") or "/." in name]
    sources = {path.relative_to(project).as_posix() for folder in bundle.PROJECT_FOLDERS
               for path in (project / folder).rglob("*") if path.is_file()} - set(decoys)
    assert names == {*bundle.SCRIPTS, *bundle.PROJECT_FILES, bundle.LESSONS_FILE, *sources}
    assert entries[bundle.LESSONS_FILE] == b"lesson5\n"
    assert b"\r" not in entries["run_autograder"] and entries["run_autograder"].startswith(b"#!/usr/bin/env bash\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["one.zip", "project", "two.zip"], "no temporary left"
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_an_unknown_lesson_stops_the_build_with_one_line(tmp_path):
    completed = subprocess.run([sys.executable, "-m", "grader", "gradescope-bundle", str(tmp_path / "a.zip"),
                                "--lessons", "lesson42"],
                               cwd=catalog.PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2 and len(completed.stderr.strip().splitlines()) == 1
    assert "lesson42" in completed.stderr and not (tmp_path / "a.zip").exists()


# ------------------------------------------------------------------ setup.sh, without downloads

FAKE = """#!/bin/bash
echo "{name} $* (in $PWD)${{UV_PYTHON_INSTALL_DIR:+ python in $UV_PYTHON_INSTALL_DIR}}" >> {log}
"""
# What the stand-in for uv's installer prints, to be run by `sh`: it records where it was
# asked to install uv and leaves a stand-in uv on the PATH.
INSTALLER = """#!/bin/bash
printf '%s\\n' 'echo "installer into $UV_UNMANAGED_INSTALL" >> {log}' \
  '/bin/cp {bin}/uv.later {bin}/uv'
"""


@pytest.mark.parametrize("uv_present", [True, False])
def test_setup_installs_bubblewrap_uv_and_the_locked_packages(tmp_path, uv_present):
    root = tmp_path / "autograder"
    source = root / "source"
    shutil.copytree(catalog.PROJECT_ROOT / "gradescope", source)
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for name in ("apt-get", "uv" if uv_present else "uv.later"):
        (bin_dir / name).write_text(FAKE.format(name="uv" if name.startswith("uv") else name, log=log))
    (bin_dir / "curl").write_text(INSTALLER.format(log=log, bin=bin_dir))
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    for tool in ("env", "sh"):  # the installer's pipeline; nothing else of the system is on PATH
        os.symlink(shutil.which(tool), bin_dir / tool)
    completed = subprocess.run(["/bin/bash", str(source / "setup.sh")], capture_output=True, text=True,
                               env={"PATH": str(bin_dir), "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)},
                               timeout=60)
    assert completed.returncode == 0, completed.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("apt-get update")
    assert calls[1].startswith("apt-get install") and " bubblewrap " in calls[1]
    if not uv_present:
        assert calls[2] == "installer into /usr/local/bin"
    # Python goes where the unprivileged worker user can read it, not under /root.
    assert calls[-1] == f"uv sync --locked --no-default-groups (in {source}) python in /opt/uv-python"
    assert len(calls) == (3 if uv_present else 4)


# ------------------------------------------------------------------ run_autograder from the repository


def test_run_autograder_in_gradescope_layout_grades_the_lessons_named(tmp_path):
    root = gradescope_root(tmp_path)
    os.symlink(catalog.PROJECT_ROOT, root / "source")
    results = run_autograder(root, REPOSITORY_SCRIPT, GRADER_LESSONS="lesson4 lesson1")
    expect_lesson4_passed_and_lesson1_missing(results)


def test_run_autograder_grades_loose_notebooks_beside_a_lessons_folder(tmp_path):
    """A student who uploads lesson 8.4 as a notebook, beside an untouched lessons/ folder."""
    import jupytext

    root = tmp_path / "autograder"
    (root / "submission" / "lessons").mkdir(parents=True)
    shutil.copy(catalog.LESSONS_DIR / "lesson4_convolutional_networks.py", root / "submission" / "lessons")
    notebook = jupytext.read(catalog.SOLUTIONS_DIR / "lesson4_convolutional_networks.py")
    jupytext.write(notebook, root / "submission" / "lesson4_convolutional_networks.ipynb")
    os.symlink(catalog.PROJECT_ROOT, root / "source")
    results = run_autograder(root, REPOSITORY_SCRIPT, GRADER_LESSONS="lesson4 lesson1")
    expect_lesson4_passed_and_lesson1_missing(results)


def test_run_autograder_reports_when_the_grader_cannot_run(tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    os.symlink(catalog.PROJECT_ROOT, root / "source")
    results = run_autograder(root, REPOSITORY_SCRIPT, GRADER_LESSONS="lesson42")
    assert results["score"] == 0 and "could not run" in results["output"]
