"""GitHub Classroom's autograding reporter format: what one grading step hands the reporter.

classroom-resources/autograding-grading-reporter reads each runner's result from the
environment variable `<RUNNER-ID>_RESULTS`, as base64 of one JSON document (the
step output `result`, as GitHub's own graders and exercism's Python test runner
write it):

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": N,
     "tests": [{"name", "status", "score", "max_score", "message", "line_no"}]}

Classroom records the sum of the tests' scores over `max_score`, so every check
counts on its own: partial credit, which the stock command grader (all points or
none per command) cannot give.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from grader.messages import common
from grader.results import CheckResult, LessonResult

OUTPUT_NAME = "result"  # the step output the reporter's environment variable is set from
# The reporter receives the whole result in one environment variable, and Linux starts no
# process with one longer than 128 KiB: a message is cut here (the step's log, which prints
# the grader's report, keeps it whole). 500 characters leave room for about 120 checks.
MESSAGE_LIMIT = 500


def reporter_status(check: CheckResult) -> str:
    """The reporter's three statuses: "error" only when the grader itself could not run, so
    that a learner's mistake (even one that raises) reads as a failed check with its name."""
    if check.status == "passed":
        return "pass"
    return "error" if check.mistake == common.GRADER_ERROR else "fail"


def shortened(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def classroom(results: list[LessonResult]) -> dict:
    """The reporter's document: one test per check, named with its lesson."""
    tests = [
        {
            "name": f"{result.title}: {check.name}",
            "status": reporter_status(check),
            "score": check.score,
            "max_score": check.max_score,
            "message": shortened(check.message or check.status.replace("_", " ")),
            # The reporter adds " - line N" to the name unless this is 0; a check is no line
            # of the learner's file (the message says where a stub or an error is).
            "line_no": 0,
        }
        for result in results
        for check in result.tests
    ]
    statuses = {test["status"] for test in tests}
    status = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"
    return {
        "version": 1,
        "status": status,
        "max_score": sum(result.max_score for result in results),
        "tests": tests,
    }


def encode(document: dict) -> str:
    """Base64 of the compact JSON: one line, as a step output must be."""
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode("ascii")


def append_step_output(path: Path, results: list[LessonResult]) -> None:
    """Add `result=<base64>` to `path`, the step's $GITHUB_OUTPUT file (other outputs stay)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as output:
        output.write(f"{OUTPUT_NAME}={encode(classroom(results))}\n")
