"""`python -m grader hint lessonN`: the next hint for the first check that does not pass.

Hints are questions that lead towards the mistake without giving code. Each
call shows the next one for the same check; which hint a learner has seen is
kept outside the project (in the user's state folder), never in their files.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from grader import catalog
from grader.results import CheckResult, LessonResult

STATE_ENV = "GRADER_STATE_DIR"


def hints_for(lesson: catalog.Lesson, check_id: str) -> tuple[str, ...]:
    module = importlib.import_module(f"grader.messages.{lesson.id}")
    return tuple(getattr(module, "HINTS", {}).get(check_id, ()))


def state_file() -> Path:
    base = os.environ.get(STATE_ENV) or os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "module8-grader" / "hints.json"


def _load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=1))
    temporary.replace(path)


@dataclass
class Hint:
    check: CheckResult
    text: str
    number: int
    total: int


def next_hint(result: LessonResult, lesson_file: Path) -> Hint | None:
    """The next hint for `result`'s first check that did not pass (None when all pass)."""
    lesson = catalog.BY_ID[result.lesson]
    first = next((check for check in result.tests if check.status != "passed"), None)
    if first is None:
        return None
    hints = hints_for(lesson, first.check_id)
    if not hints:
        return Hint(first, "", 0, 0)
    path = state_file()
    state = _load_state(path)
    key = f"{lesson_file.resolve()}::{first.check_id}"
    number = min(state.get(key, 0) + 1, len(hints))
    state[key] = number
    _save_state(path, state)
    return Hint(first, hints[number - 1], number, len(hints))
