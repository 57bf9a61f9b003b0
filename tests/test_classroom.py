"""GitHub Classroom: the grader's result as the autograding reporter reads it, and the workflow."""

import base64
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from grader import catalog, classroom
from tests.submissions import write_submission

WORKFLOW = catalog.PROJECT_ROOT / ".github" / "workflows" / "classroom.yml"
PAGE = catalog.PROJECT_ROOT / "docs" / "instructors" / "classroom.md"
GITHUB_JOB_LIMIT_MINUTES = 360  # the most a job may run on a GitHub-hosted runner
ENVIRONMENT_LIMIT = 128 * 1024  # Linux's limit on one environment variable (MAX_ARG_STRLEN)

# What classroom-resources/autograding-grading-reporter reads from a runner's result: the
# statuses it knows, the points it adds up (tests' `score`, document's `max_score`), and the
# name and message it prints for each test.
REPORTER_SCHEMA = {
    "type": "object",
    "required": ["version", "status", "max_score", "tests"],
    "properties": {
        "version": {"const": 1},
        "status": {"enum": ["pass", "fail", "error"]},
        "max_score": {"type": "number", "exclusiveMinimum": 0},
        "tests": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "status", "score", "message", "line_no"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "status": {"enum": ["pass", "fail", "error"]},
                    "score": {"type": "number", "minimum": 0},
                    "message": {"type": "string", "minLength": 1},
                    "line_no": {"type": "integer"},
                },
            },
        },
    },
}

WRONG_COUNT = "def count_images(data_dir):\n    return {}\n"


def passing(folder):
    write_submission(folder, "lesson1")
    write_submission(folder, "lesson4")


def partial(folder):
    write_submission(folder, "lesson1", WRONG_COUNT)
    write_submission(folder, "lesson4")


def broken(folder):
    write_submission(folder, "lesson1", base="def list_classes(:\n")  # does not parse; no lesson 4 at all


def decode_step_output(path: Path) -> dict:
    """The `result` output as GitHub sets it from the step's $GITHUB_OUTPUT file, decoded as
    the reporter decodes `<RUNNER>_RESULTS`: base64, then JSON."""
    (line,) = path.read_text().splitlines()
    name, _, value = line.partition("=")
    assert name == "result"
    return json.loads(base64.b64decode(value, validate=True))


def reporter_points(document: dict) -> tuple[float, float]:
    """The points the reporter hands Classroom: the tests' scores over the document's max_score."""
    return sum(test["score"] for test in document["tests"]), document["max_score"]


@pytest.mark.parametrize("make, status", [(passing, "pass"), (partial, "fail"), (broken, "fail")])
def test_classroom_result_decodes_to_the_reporters_schema_and_adds_up(tmp_path, make, status):
    make(tmp_path / "submission")
    output = tmp_path / "github_output"
    output.write_text("")
    completed = subprocess.run(
        [sys.executable, "-m", "grader", "lesson1", "lesson4", "--submission", str(tmp_path / "submission"),
         "--format", "json", "--classroom", str(output)],
        cwd=catalog.PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == (0 if status == "pass" else 1), completed.stderr
    graded = json.loads(completed.stdout)
    document = decode_step_output(output)
    jsonschema.validate(document, REPORTER_SCHEMA)
    assert document["status"] == status

    checks = [check for lesson in graded for check in lesson["tests"]]
    assert [test["name"].split(": ", 1)[1] for test in document["tests"]] == [check["name"] for check in checks]
    score, max_score = reporter_points(document)
    assert (score, max_score) == (sum(l["score"] for l in graded), sum(l["max_score"] for l in graded))
    # The reporter's own table computes passed/total × max_score: the same points.
    passed = sum(test["status"] == "pass" for test in document["tests"])
    assert passed / len(document["tests"]) * max_score == score
    lesson1, lesson4 = graded
    if make is passing:
        assert score == max_score
    elif make is partial:
        assert lesson4["score"] == lesson4["max_score"] and 0 < lesson1["score"] < lesson1["max_score"]
    else:
        assert score == 0
        assert {test["message"] for test in document["tests"]} == {
            check["message"] for check in checks}, "each test carries its check's message"
        assert all("lesson1_fashion_classification.py" in t["message"] or "lesson4" in t["message"]
                   for t in document["tests"])


def test_classroom_output_keeps_the_steps_other_outputs(tmp_path):
    write_submission(tmp_path / "submission", "lesson1")
    output = tmp_path / "github_output"
    output.write_text("earlier=1\n")
    subprocess.run([sys.executable, "-m", "grader", "lesson1", "--submission", str(tmp_path / "submission"),
                    "--classroom", str(output)], cwd=catalog.PROJECT_ROOT, capture_output=True, timeout=300)
    first, second = output.read_text().splitlines()
    assert first == "earlier=1" and second.startswith("result=")


# ------------------------------------------------------------------ the workflow


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def job() -> dict:
    (only,) = workflow()["jobs"].values()
    return only


def step(key: str, value: str) -> dict:
    (found,) = [s for s in job()["steps"] if value in str(s.get(key, ""))]
    return found


def test_workflow_installs_with_uv_and_hands_the_grader_result_to_the_reporter():
    install = step("uses", "astral-sh/setup-uv")
    assert job()["steps"].index(install) < job()["steps"].index(step("name", "Grade"))
    assert "uv sync --locked --no-default-groups" in step("name", "Install the grader")["run"]
    assert "bubblewrap" in step("name", "Install the grader")["run"]
    grading = step("name", "Grade")
    assert "--classroom \"$GITHUB_OUTPUT\"" in grading["run"]
    reporter = step("uses", "classroom-resources/autograding-grading-reporter")
    runner = reporter["with"]["runners"]
    assert runner == grading["id"] and re.fullmatch(r"[a-zA-Z0-9]+", runner), "the reporter's runner id pattern"
    # The reporter reads `<RUNNER-ID in capitals>_RESULTS`, set from the grading step's output.
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": f"${{{{ steps.{runner}.outputs.result }}}}"}
    assert workflow()["name"] == "Autograding Tests"  # the name GitHub Classroom's own workflows have


def test_workflow_grades_nothing_until_the_template_names_its_lessons():
    """In the course's own repository no lessons are named: every step but a notice is skipped,
    so its pushes are not graded (and not marked failed)."""
    assert workflow()["env"]["GRADER_LESSONS"] == ""
    notice, *steps = job()["steps"]
    assert notice["if"] == "env.GRADER_LESSONS == ''" and "::notice::" in notice["run"]
    assert [s["if"] for s in steps] == ["env.GRADER_LESSONS != ''"] * len(steps) and len(steps) == 5


def test_workflow_fits_the_runners_time_limits():
    """A student whose every lesson hangs still gets a score: each lesson stops at
    GRADER_LESSON_TIMEOUT, all nine fit in the grading step, and every step in the job,
    which GitHub-hosted runners allow at most six hours."""
    lesson_seconds = workflow()["env"]["GRADER_LESSON_TIMEOUT"]
    grading = step("name", "Grade")
    assert '--lesson-timeout "$GRADER_LESSON_TIMEOUT"' in grading["run"]
    assert len(catalog.LESSONS) * lesson_seconds < grading["timeout-minutes"] * 60
    # A lesson's limit leaves room for two model checks at their own limit.
    assert lesson_seconds >= 2 * max(lesson.check_timeout for lesson in catalog.LESSONS)
    timed = [s["timeout-minutes"] for s in job()["steps"] if "timeout-minutes" in s]
    assert sum(timed) < job()["timeout-minutes"] <= GITHUB_JOB_LIMIT_MINUTES


# A learner's function that tries to set the step's outputs and the next steps' environment
# through the files Actions names in these variables.
FORGER = """
def count_images(data_dir):
    import os
    for name in ("GITHUB_OUTPUT", "GITHUB_ENV"):
        if os.environ.get(name):
            with open(os.environ[name], "a") as handle:
                handle.write("result=forged\\nGRADER_RESULTS=forged\\n")
    return {}
"""


def test_workflow_grading_step_writes_what_the_reporter_reads(tmp_path):
    """The grading step's own shell script, run as Actions runs it (bash -e -o pipefail), with
    `uv` standing in for the installed environment: with failed checks it still exits 0 (a
    failed check is no failed step), and it leaves the reporter the grader's result alone,
    whatever the learner's code writes."""
    write_submission(tmp_path / "submission", "lesson1", FORGER)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_uv = bin_dir / "uv"
    fake_uv.write_text(
        "#!/usr/bin/env bash\n"
        '[ "$1 $2 $3" = "run --no-sync python" ] || { echo "unexpected: uv $*" >&2; exit 99; }\n'
        f'shift 3; exec {shlex.quote(sys.executable)} "$@"\n')
    fake_uv.chmod(0o755)
    output, github_env = tmp_path / "github_output", tmp_path / "github_env"
    output.write_text("")
    github_env.write_text("")
    # GRADER_LESSONS is split into words by the step: here it also points the grader at the submission.
    lessons = f"lesson1 --submission {shlex.quote(str(tmp_path / 'submission'))}"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
           "GITHUB_ENV": str(github_env),
           **{name: str(value) for name, value in workflow()["env"].items()}, "GRADER_LESSONS": lessons}
    completed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step("name", "Grade")["run"]],
                               cwd=catalog.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "✗" in completed.stdout and "Score:" in completed.stdout, "the log shows the report students read"
    document = decode_step_output(output)
    jsonschema.validate(document, REPORTER_SCHEMA)
    score, max_score = reporter_points(document)
    assert 0 < score < max_score == len(document["tests"])
    assert github_env.read_text() == ""


def test_the_instructors_page_shows_what_the_grader_writes(tmp_path):
    """The example on the page is the reference of lesson 8.4 as the reporter receives it."""
    page = PAGE.read_text()
    (example,) = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", page, re.S)]
    output = tmp_path / "github_output"
    output.write_text("")
    subprocess.run([sys.executable, "-m", "grader", "lesson4", "--solutions", "--classroom", str(output)],
                   cwd=catalog.PROJECT_ROOT, capture_output=True, timeout=300)
    real = decode_step_output(output)
    assert {k: v for k, v in example.items() if k != "tests"} == {k: v for k, v in real.items() if k != "tests"}
    assert example["tests"] and all(test in real["tests"] for test in example["tests"])
    assert "grader/classroom.py" in page and ".github/workflows/classroom.yml" in page
    text = " ".join(page.split())
    assert "stop a job after six hours" in text and GITHUB_JOB_LIMIT_MINUTES == 6 * 60
    for setting in ("GRADER_LESSONS", "GRADER_LESSON_TIMEOUT"):
        assert setting in workflow()["env"] and f"`{setting}`" in text


def test_a_flood_of_long_messages_still_fits_the_reporters_environment_variable():
    """Learner-made messages can be long; the result stays short enough for the one
    environment variable the reporter reads it from, for 99 checks with long names."""
    from grader.results import CheckResult, LessonResult

    lessons = [LessonResult(lesson=lesson.id, title=f"{lesson.course_number} {lesson.title}", file="lesson.py",
                            tests=[CheckResult(name="n" * 200, status="failed", message="m" * 100_000)
                                   for _ in range(11)])
               for lesson in catalog.LESSONS]
    document = classroom.classroom(lessons)
    assert len(document["tests"]) == 99
    assert len(f"GRADER_RESULTS={classroom.encode(document)}") < ENVIRONMENT_LIMIT
    assert all(len(test["message"]) == classroom.MESSAGE_LIMIT for test in document["tests"])
