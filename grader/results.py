"""What grading produced: one record per check and per lesson, and their JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field

IMPORT_STEP = "<import>"  # the step that loads the learner's file, before any check
CHECK_STATUSES = ("passed", "failed", "not_started", "error", "timeout")
LESSON_STATUSES = ("passed", "failed", "error")


@dataclass
class CheckResult:
    name: str
    status: str
    message: str = ""
    score: float = 0.0
    max_score: float = 1.0
    # For tests, hints and the report, not part of the JSON schema: the check's function
    # name, the message template that named the mistake, and where a "not started" stub sits
    # (as grader.notebooks.where says it: "line 12", or "cell 7, line 3" in a notebook).
    check_id: str = ""
    mistake: str | None = None
    function: str | None = None
    where: str | None = None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "score": self.score,
            "max_score": self.max_score,
        }


@dataclass
class LessonResult:
    lesson: str
    title: str
    file: str
    tests: list[CheckResult] = field(default_factory=list)
    # True when the lesson file itself could not be graded (missing, does not import).
    broken: bool = False
    tensorflow_imported: bool | None = None
    # Said once above the checks: which of two files was graded and why, magics left out.
    notes: list[str] = field(default_factory=list)
    # How the worker that ran the learner's code was confined: "bwrap", or "none" (a separate
    # process without bubblewrap).
    confinement: str | None = None
    # Files of the grader or the reference that changed during grading: the verdict is void.
    tampered: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(check.score for check in self.tests)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.tests)

    @property
    def status(self) -> str:
        if self.broken:
            return "error"
        if self.tests and all(check.status == "passed" for check in self.tests):
            return "passed"
        return "failed"

    @property
    def started(self) -> bool:
        return any(check.status != "not_started" for check in self.tests)

    def to_json(self) -> dict:
        return {
            "lesson": self.lesson,
            "title": self.title,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "confinement": self.confinement,
            "tests": [check.to_json() for check in self.tests],
        }


def gradescope(results: list[LessonResult]) -> dict:
    """Gradescope's results.json: one test per check, named with its lesson."""
    tests = [
        {
            "name": f"{result.title}: {check.name}",
            "score": check.score,
            "max_score": check.max_score,
            "status": "passed" if check.status == "passed" else "failed",
            "output": check.message or check.status.replace("_", " "),
        }
        for result in results
        for check in result.tests
    ]
    document = {
        "score": sum(result.score for result in results),
        "max_score": sum(result.max_score for result in results),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    notes = [f"{result.title}: {note}" for result in results for note in result.notes]
    if notes:  # which file was graded, magics left out: shown above the tests
        document["output"] = "\n".join(notes)
    return document


def outcome(status: str, template: str, **fields) -> dict:
    """How a step ended, with the message template that names why (tests compare the template)."""
    return {"status": status, "message": template.format(**fields).strip(), "mistake": template}
