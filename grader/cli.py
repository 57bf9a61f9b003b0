"""The command line: a thin layer over `grader.api` and its companions.

    python -m grader [LESSON ...]             grade (no lesson: show progress)
    python -m grader hint LESSON              the next hint
    python -m grader watch LESSON             grade on every save
    python -m grader batch DIR --csv FILE     grade a class
    python -m grader gradescope-bundle OUT.zip  the Gradescope autograder zip
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from grader import api, catalog, classroom, report, submissions
from grader.messages import common
from grader.results import gradescope

SUBCOMMANDS = ("hint", "watch", "batch", "gradescope-bundle")


class UsageError(Exception):
    """A mistake on the command line: exit 2 with one line."""


def add_source_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--solutions", action="store_true", help="grade the reference solutions (instructors, CI)")
    source.add_argument("--submission", metavar="PATH",
                        help="grade PATH instead of lessons/: a folder of lesson files (lessonN_*.py, lessonN_*.ipynb, "
                             "or both: the newer is graded), or one .py or .ipynb file")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit per check")
    add_confinement_options(parser)


def add_confinement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto", help=common.SANDBOX_HELP)
    parser.add_argument("--memory-limit", type=float, default=api.DEFAULT_MEMORY_LIMIT, metavar="GB",
                        help=common.MEMORY_LIMIT_HELP)


def confinement(args) -> dict:
    """`api.grade`'s sandbox and memory_limit, from the command line; bwrap must work here."""
    from grader.judge.confinement import SandboxUnavailable, resolve

    try:
        return {"sandbox": resolve(args.sandbox), "memory_limit": args.memory_limit}
    except SandboxUnavailable as error:
        raise UsageError(common.SANDBOX_UNAVAILABLE.format(detail=error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader", description=common.DESCRIPTION,
        epilog="Also: `python -m grader hint LESSON`, `watch LESSON`, `batch DIR --csv FILE` (each with --help).")
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help=common.LESSON_HELP)
    add_source_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for programs")
    parser.add_argument("--gradescope", metavar="PATH", help="also write Gradescope's results.json to PATH")
    parser.add_argument("--classroom", metavar="PATH",
                        help="also add GitHub Classroom's `result=` line to PATH (a step's $GITHUB_OUTPUT)")
    parser.add_argument("--lesson-timeout", type=float, metavar="SECONDS",
                        help="time limit for one lesson's grading; its checks not run by then count as timed out")
    return parser


def build_subcommand_parser(name: str) -> argparse.ArgumentParser:
    descriptions = {"hint": common.HINT_DESCRIPTION, "watch": common.WATCH_DESCRIPTION, "batch": common.BATCH_DESCRIPTION,
                    "gradescope-bundle": common.BUNDLE_DESCRIPTION}
    parser = argparse.ArgumentParser(prog=f"python -m grader {name}", description=descriptions[name])
    if name == "batch":
        parser.add_argument("submissions", metavar="SUBMISSIONS_DIR")
        parser.add_argument("--csv", required=True, metavar="FILE", help="one row per student, one column per lesson")
        parser.add_argument("--json", metavar="FILE", help="full details (default: the CSV's name with .json)")
        parser.add_argument("--jobs", type=int, metavar="N", help="students graded at once (default: the number of cores)")
        parser.add_argument("--student-timeout", type=float, default=900.0, metavar="SECONDS",
                            help="time limit for one student's whole submission (default 900)")
        parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit per check")
        parser.add_argument("--gradescope-dir", metavar="DIR", help="also write DIR/<student>/results.json")
        add_confinement_options(parser)
    elif name == "gradescope-bundle":
        parser.add_argument("out", metavar="OUT.zip", help="the zip to write, for the assignment's autograder settings")
        parser.add_argument("--lessons", nargs="+", default=["all"], metavar="LESSON",
                            help="the lessons the assignment grades (default: all)")
    else:
        parser.add_argument("lesson", metavar="LESSON", help="lesson5, 5 or 8.5")
        add_source_options(parser)
    return parser


def lessons_named(names: list[str]) -> list[catalog.Lesson]:
    if any(name.strip().lower() == "all" for name in names):
        return list(catalog.LESSONS)
    try:
        return [catalog.resolve(name) for name in names]
    except catalog.UnknownLesson as error:
        valid = ", ".join(lesson.id for lesson in catalog.LESSONS)
        raise UsageError(common.UNKNOWN_LESSON.format(name=str(error), valid=valid)) from None


def submission_folder(args) -> Path:
    if args.solutions:
        return catalog.SOLUTIONS_DIR
    if args.submission is None:
        return catalog.LESSONS_DIR
    return existing_submission(args.submission)


def existing_submission(name: str) -> Path:
    folder = Path(name)
    try:
        exists = folder.exists()
    except OSError as error:  # a folder on the way that this user may not enter, say
        raise UsageError(common.SUBMISSION_NOT_ALLOWED.format(path=folder, reason=error.strerror)) from None
    if not exists:
        raise UsageError(common.MISSING_SUBMISSION.format(path=folder))
    if not folder.is_dir() and folder.suffix not in submissions.SUFFIXES:
        raise UsageError(common.NOT_A_LESSON_FILE.format(path=folder))
    return folder


def lesson_of_single_file(path: Path) -> str:
    """`--submission lesson5_mine.ipynb` with no lesson named grades lesson 5; another name is a usage error."""
    lesson = submissions.lesson_of_file(path)
    if lesson is None:
        raise UsageError(common.SINGLE_FILE_LESSON.format(path=path))
    return lesson.id


def command_suffix(args) -> str:
    if args.solutions:
        return " --solutions"
    return f" --submission {args.submission}" if args.submission else ""


def grade_command(args) -> int:
    lessons = lessons_named(args.lessons)
    folder = submission_folder(args)
    results = []
    for lesson in lessons:
        # One deadline per lesson, not one for all: every lesson still reports all its checks.
        deadline = time.monotonic() + args.lesson_timeout if args.lesson_timeout else None
        result = api.grade(lesson, folder, timeout=args.timeout, deadline=deadline, **confinement(args))
        results.append(result)
        if args.format == "text":
            print(report.render(result, command_suffix(args)) + "\n", flush=True)
    if args.format == "json":
        documents = [result.to_json() for result in results]
        single = len(args.lessons) == 1 and args.lessons[0].strip().lower() != "all"
        print(json.dumps(documents[0] if single else documents, indent=2))
    elif len(results) > 1:
        print(report.render_summary(results))
    if args.gradescope:
        path = Path(args.gradescope)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(gradescope(results), indent=2))
    if args.classroom:
        classroom.append_step_output(Path(args.classroom), results)
    return 0 if all(result.status == "passed" for result in results) else 1


def hint_command(args) -> int:
    from grader.hints import next_hint

    (lesson,) = lessons_named([args.lesson])
    folder = submission_folder(args)
    result = api.grade(lesson, folder, timeout=args.timeout, **confinement(args))
    hint = next_hint(result, folder / lesson.filename)
    if hint is None:
        print(common.HINT_NONE_NEEDED.format(number=lesson.course_number))
        return 0
    print(common.HINT_CHECK.format(mark=common.STATUS_MARKS[hint.check.status], name=hint.check.name))
    if hint.check.message:
        print("      " + hint.check.message.replace("\n", "\n      "))
    print()
    if not hint.total:
        print(common.HINT_NO_HINTS)
        return 1
    print(common.HINT_TEXT.format(number=hint.number, total=hint.total, text=hint.text))
    print(common.HINT_MORE if hint.number < hint.total else common.HINT_LAST)
    return 1


def watch_command(args) -> int:
    from grader.watch import watch

    (lesson,) = lessons_named([args.lesson])
    try:
        watch(lesson, submission_folder(args), timeout=args.timeout, command_suffix=command_suffix(args),
              confinement=confinement(args),
              show=lambda text: print(text + "\n", flush=True))
    except KeyboardInterrupt:
        pass
    return 0


def batch_command(args) -> int:
    from grader.batch import BatchError, run_batch

    try:
        run_batch(Path(args.submissions), Path(args.csv), Path(args.json) if args.json else None,
                  jobs=args.jobs, time_limit=args.student_timeout, timeout=args.timeout,
                  gradescope_dir=Path(args.gradescope_dir) if args.gradescope_dir else None, **confinement(args))
    except BatchError as error:
        raise UsageError(str(error)) from None
    return 0


def gradescope_bundle_command(args) -> int:
    from grader.bundle import write_bundle

    lessons = lessons_named(args.lessons)
    entries = write_bundle(Path(args.out), lessons)
    print(common.BUNDLE_WRITTEN.format(out=args.out, count=len(entries),
                                       lessons=" ".join(lesson.id for lesson in lessons)))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = build_subcommand_parser(argv[0]).parse_args(argv[1:])
            commands = {"hint": hint_command, "watch": watch_command, "batch": batch_command,
                        "gradescope-bundle": gradescope_bundle_command}
            return commands[argv[0]](args)
        args = build_parser().parse_args(argv)
        if not args.lessons and args.submission and Path(args.submission).is_file():
            args.lessons = [lesson_of_single_file(Path(args.submission))]
        if not args.lessons:
            from grader.progress import show_progress

            return show_progress(submission_folder(args), command_suffix(args))
        return grade_command(args)
    except UsageError as error:
        print(f"grader: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: nothing left to say
        sys.stderr.close()
        return 1
