"""The command line: a thin layer over `grader.api`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader import api, catalog, report
from grader.messages import common
from grader.results import gradescope


class UsageError(Exception):
    """A mistake on the command line: exit 2 with one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=common.DESCRIPTION)
    parser.add_argument("lesson", nargs="?", help=common.LESSON_HELP)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--solutions", action="store_true", help="grade the reference solutions (instructors, CI)")
    source.add_argument("--submission", metavar="DIR", help="grade the lesson files in DIR instead of lessons/")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for programs")
    parser.add_argument("--gradescope", metavar="PATH", help="also write Gradescope's results.json to PATH")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit per check")
    return parser


def lessons_named(name: str) -> list[catalog.Lesson]:
    if name.strip().lower() == "all":
        return list(catalog.LESSONS)
    try:
        return [catalog.resolve(name)]
    except catalog.UnknownLesson:
        valid = ", ".join(lesson.id for lesson in catalog.LESSONS)
        raise UsageError(common.UNKNOWN_LESSON.format(name=name, valid=valid)) from None


def submission_folder(args) -> Path:
    if args.solutions:
        return catalog.SOLUTIONS_DIR
    if args.submission is None:
        return catalog.LESSONS_DIR
    folder = Path(args.submission)
    if not folder.exists():
        raise UsageError(common.MISSING_SUBMISSION.format(path=folder))
    if not folder.is_dir():
        raise UsageError(common.NOT_A_FOLDER.format(path=folder))
    return folder


def command_suffix(args) -> str:
    if args.solutions:
        return " --solutions"
    return f" --submission {args.submission}" if args.submission else ""


def grade_command(args) -> int:
    lessons = lessons_named(args.lesson)
    folder = submission_folder(args)
    results = []
    for lesson in lessons:
        result = api.grade(lesson, folder, timeout=args.timeout)
        results.append(result)
        if args.format == "text":
            print(report.render(result, command_suffix(args)) + "\n", flush=True)
    if args.format == "json":
        documents = [result.to_json() for result in results]
        print(json.dumps(documents if args.lesson.strip().lower() == "all" else documents[0], indent=2))
    elif len(results) > 1:
        print(report.render_summary(results))
    if args.gradescope:
        path = Path(args.gradescope)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(gradescope(results), indent=2))
    return 0 if all(result.status == "passed" for result in results) else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.lesson is None:
            from grader.progress import show_progress

            return show_progress(submission_folder(args), command_suffix(args))
        return grade_command(args)
    except UsageError as error:
        print(f"grader: error: {error}", file=sys.stderr)
        return 2
