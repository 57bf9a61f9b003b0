"""`python -m grader batch SUBMISSIONS_DIR --csv grades.csv`: grade a whole class.

One folder per student. Students are graded several at a time, each within a
time limit; one student's hang or crash only costs that student's checks. After
every student the CSV and the JSON details are rewritten whole (to a temporary
file, then renamed), so an interrupted run leaves valid files, and a re-run
grades only the students missing from them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from grader import api, catalog, submissions
from grader.messages import common
from grader.results import LessonResult, gradescope
from grader.standby import Standbys


class BatchError(Exception):
    """A problem with the submissions folder as a whole: exit 2 with one line."""


def student_folders(root: Path) -> tuple[list[Path], list[str]]:
    """The student folders in `root`, and the names of entries that are not student folders."""
    if not root.is_dir():
        raise BatchError(common.MISSING_SUBMISSION.format(path=root))
    entries = sorted(root.iterdir())
    folders = [entry for entry in entries if entry.is_dir() and not entry.name.startswith(".")]
    ignored = [entry.name for entry in entries if entry not in folders and not entry.name.startswith(".")]
    if not folders:
        raise BatchError(common.BATCH_EMPTY.format(path=root))
    by_case: dict[str, list[str]] = {}
    for folder in folders:
        by_case.setdefault(folder.name.casefold(), []).append(folder.name)
    clashes = [names for names in by_case.values() if len(names) > 1]
    if clashes:
        raise BatchError(common.BATCH_CASE_CLASH.format(names=", ".join(clashes[0])))
    return folders, ignored


def lesson_folder(student: Path) -> Path:
    """Where a student's lesson files (.py or notebooks) are: the folder itself, or a `lessons/` inside it."""
    nested = student / "lessons"
    if nested.is_dir() and not any(submissions.present(lesson, student) for lesson in catalog.LESSONS):
        return nested
    return student


def grade_student(student: Path, time_limit: float, timeout: float | None, confinement: dict,
                  standbys: Standbys | None = None) -> dict:
    folder = lesson_folder(student)
    present = [lesson for lesson in catalog.LESSONS if submissions.present(lesson, folder)]
    started = time.monotonic()
    deadline = started + time_limit
    lessons: list[LessonResult] = []
    problem = None if present else common.BATCH_NO_LESSONS.format(
        student=student.name, example=catalog.LESSONS[0].filename)
    for lesson in present:
        try:
            lessons.append(api.grade(lesson, folder, timeout=timeout, deadline=deadline, standbys=standbys,
                                     **confinement))
        except Exception as error:  # a grader bug must not stop the class
            problem = common.BATCH_CRASHED.format(detail=f"{type(error).__name__}: {error}")
            break
        if lessons[-1].tampered:
            break  # the checks themselves may have changed: grade nothing more with them
        if time.monotonic() >= deadline:
            problem = common.BATCH_TIMEOUT.format(seconds=time_limit)
            break
    return {
        "tampered": sorted({name for result in lessons for name in result.tampered}),
        "lessons": [result.to_json() for result in lessons],
        "gradescope": gradescope(lessons),
        "problem": problem,
        "seconds": round(time.monotonic() - started, 2),
    }


def csv_text(students: dict[str, dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *(lesson.id for lesson in catalog.LESSONS), "score", "max_score", "problem"])
    for name in sorted(students):
        record = students[name]
        by_lesson = {doc["lesson"]: doc for doc in record["lessons"]}
        cells = [f"{by_lesson[l.id]['score']:g}" if l.id in by_lesson else "" for l in catalog.LESSONS]
        score = sum(doc["score"] for doc in record["lessons"])
        max_score = sum(doc["max_score"] for doc in record["lessons"])
        writer.writerow([name, *cells, f"{score:g}", f"{max_score:g}", record["problem"] or ""])
    return buffer.getvalue()


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def load_previous(details: Path) -> dict[str, dict]:
    try:
        return json.loads(details.read_text())["students"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def run_batch(root: Path, csv_path: Path, json_path: Path | None = None, *, jobs: int | None = None,
              time_limit: float = 900.0, timeout: float | None = None, gradescope_dir: Path | None = None,
              show=print, sandbox: str = "auto", memory_limit: float = api.DEFAULT_MEMORY_LIMIT,
              standby: bool = True, standbys: Standbys | None = None) -> dict[str, dict]:
    """Grade every student folder in `root`. A student whose grading changed the grader's or
    the reference's files (possible without bubblewrap) is not recorded, and the run stops
    with `BatchError` before grading anyone else.

    With `standby`, a pool of standby gradings (grader/standby.py), one per job, keeps judges
    and workers warm, so that each student's grading starts without its imports (TensorFlow
    for a model lesson). `standby=False` grades every student cold: the same results.
    `standbys` is a pool to use instead of a new one (then `standby` does not matter), left
    open after: for several classes graded from one program, whose judges then import their
    lesson once for all of them."""
    folders, ignored = student_folders(root)
    if ignored:
        show(common.BATCH_IGNORED.format(names=", ".join(ignored)))
    json_path = json_path or csv_path.with_suffix(".json")
    students = {name: record for name, record in load_previous(json_path).items()
                if name in {folder.name for folder in folders}}
    todo = [folder for folder in folders if folder.name not in students]
    if students:
        show(common.BATCH_SKIPPED.format(count=len(students), path=json_path, remaining=len(todo)))
    jobs = jobs or max(1, os.cpu_count() or 1)
    if todo:  # the first lines can be a while coming: a model lesson's graders import TensorFlow first
        show(common.BATCH_START.format(count=len(todo), jobs=min(jobs, len(todo))))

    def save():
        write_atomically(json_path, json.dumps({"students": students}, indent=1))
        write_atomically(csv_path, csv_text(students))

    if standbys is not None:
        pool_context = contextlib.nullcontext(standbys)
    else:
        pool_context = Standbys(size=jobs) if standby else contextlib.nullcontext()
    with pool_context as standbys, ThreadPoolExecutor(max_workers=jobs) as pool:
        confinement = {"sandbox": sandbox, "memory_limit": memory_limit}
        futures = {pool.submit(grade_student, folder, time_limit, timeout, confinement, standbys): folder
                   for folder in todo}
        for done, future in enumerate(as_completed(futures), start=len(students) + 1):
            folder = futures[future]
            record = future.result()
            if record["tampered"]:
                pool.shutdown(wait=False, cancel_futures=True)
                save()
                raise BatchError(common.BATCH_TAMPERED.format(student=folder.name, files=", ".join(record["tampered"][:5])))
            del record["tampered"]
            students[folder.name] = record
            if gradescope_dir is not None:
                write_atomically(gradescope_dir / folder.name / "results.json", json.dumps(record["gradescope"], indent=1))
            score = sum(doc["score"] for doc in record["lessons"])
            max_score = sum(doc["max_score"] for doc in record["lessons"])
            summary = f"{score:g}/{max_score:g}" + (f" ({record['problem']})" if record["problem"] else "")
            show(common.BATCH_STUDENT.format(done=done, total=len(folders), student=folder.name, summary=summary))
            save()
    save()
    show(common.BATCH_DONE.format(csv=csv_path, json=json_path, count=len(students)))
    return students
