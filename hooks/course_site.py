r"""MkDocs hook of the course site (`hooks:` in mkdocs.yml).

1. The lessons: `lessons/lesson*.py` are the one source of the rendered
   lessons. `on_files` adds them to the site as `lessons/<file>.py` without
   copying them into `docs/`; mkdocs-jupyter (which runs after this hook's
   `on_files`, see the priority) turns each into a page. `watch:` in
   mkdocs.yml makes `mkdocs serve` rebuild when one changes.
2. The numbers: a page writes `{{ dataset.train_images }}` instead of a number.
   `on_page_markdown` fills it from `docs/figures/facts.json`, which
   `scripts/make_figures.py` computes from the dataset, the reference
   solutions and Keras, and `tests/test_site.py` recomputes. An unknown name
   stops the build. `{{ name|plain }}` leaves out the thousands separators;
   `\{{` writes a literal `{{`. A few names produce Markdown rather than a
   number: `{{ table.class_counts }}`, `{{ table.published }}`, and text quoted
   from the grader itself (see `grader_text`): its `--help`, its status marks,
   its messages.
3. The lessons' tables of contents: `on_page_content` points them at the
   headings' real ids (see there).

Nothing here imports TensorFlow: the build only reads files.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
FACTS = ROOT / "docs" / "figures" / "facts.json"
PLACEHOLDER = re.compile(r"(?<!\\)\{\{\s*([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)\s*(?:\|\s*(plain))?\s*\}\}")
SPLITS = ("train", "validation", "test")


def project_module(name: str):
    """A module of the project, such as `grader.cli` (none of them imports TensorFlow on import).

    MkDocs restores `sys.path` after loading a hook, so the project folder is added here."""
    import importlib

    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    return importlib.import_module(name)


def lesson_files() -> list[Path]:
    return sorted(LESSONS.glob("lesson[0-9]*.py"))


@event_priority(100)  # before mkdocs-jupyter's on_files, which wraps the .py files as notebook pages
def on_files(files, config):
    for path in lesson_files():
        files.append(
            File(
                f"lessons/{path.name}",
                src_dir=str(ROOT),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


facts: dict = {}


def on_pre_build(config):
    """Read the facts once per build (`mkdocs serve` rebuilds when they change)."""
    facts.clear()
    facts.update(json.loads(FACTS.read_text()))


def on_page_markdown(markdown, page, config, files):
    def replace(match):
        name, plain = match.group(1), match.group(2)
        try:
            return render(name, facts, plain=bool(plain))
        except KeyError:
            raise PluginError(
                f"{page.file.src_uri}: unknown placeholder {{{{ {name} }}}}. Facts come from "
                f"{FACTS.relative_to(ROOT)}; regenerate it with `uv run python scripts/make_figures.py`."
            ) from None

    return PLACEHOLDER.sub(replace, markdown).replace("\\{{", "{{")


HEADING_ID = re.compile(r'<h[1-6][^>]* id="([^"]+)"')


def on_page_content(html, page, config, files):
    """Point a rendered lesson's table of contents at its headings.

    mkdocs-jupyter builds the table of contents from a Markdown copy of the lesson,
    whose anchors can differ from the ids nbconvert gives the headings (a heading
    with code, such as "Exercise: `load_image_array`", gets `#exercise` in one and
    `exercise-load_image_array` in the other). Both list the headings in order, so
    the n-th entry takes the id of the n-th heading.
    """
    if not page.file.src_uri.startswith("lessons/") or page.toc is None:
        return html
    ids = HEADING_ID.findall(html)
    entries = list(toc_entries(page.toc))
    if len(entries) == len(ids):
        for entry, heading_id in zip(entries, ids):
            entry.id = heading_id
    return html


def toc_entries(items):
    for item in items:
        yield item
        yield from toc_entries(item.children)


def render(name: str, facts: dict, plain: bool = False) -> str:
    """The text of placeholder `name`; KeyError when there is no such fact."""
    if name in SPECIAL:
        return SPECIAL[name](facts)
    if name.startswith("grader."):
        return grader_text(name.split(".")[1:])
    group, key = name.split(".", 1)
    value = facts[group][key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value) if plain else f"{value:,}"
    return repr(value)


def class_counts_table(facts: dict) -> str:
    counts = facts["dataset"]["counts"]
    lines = ["| class | " + " | ".join(SPLITS) + " |", "|---|" + "---:|" * len(SPLITS)]
    for name in counts["train"]:
        lines.append(f"| {name} | " + " | ".join(f"{counts[s].get(name, 0):,}" for s in SPLITS) + " |")
    totals = " | ".join(f"**{sum(counts[s].values()):,}**" for s in SPLITS)
    lines.append(f"| **total** | {totals} |")
    return "\n".join(lines)


COURSE_SOURCE = "https://github.com/DataTalksClub/machine-learning-zoomcamp/tree/master/08-deep-learning"


def published_table(facts: dict) -> str:
    """The course's published results, each with the course page that states it. The rows come
    from docs/results/course_published.json through facts.json; the link to that file is relative
    to docs/notes/, where the table is used."""
    lines = ["| lesson | setting | metric | course's result | source |", "|---|---|---|---:|---|"]
    for row in facts["published"]:
        lines.append(f"| {row['lesson']} | {row['setting']} | {row['metric']} | {row['value']:.4f} "
                     f"| [the course's page]({row['source']}) |")
    lines += [
        "",
        "*Source: the course's own runs, with Xception's ImageNet weights, as published with "
        "ML Zoomcamp module 8 (videos and notebooks by Alexey Grigorev, DataTalks.Club: "
        f"[08-deep-learning]({COURSE_SOURCE})). Quoted, not re-run here: "
        "[the validation accuracies its notebook logged](../results/course_published.json), "
        "epoch by epoch, and where it states each choice.*",
    ]
    return "\n".join(lines)


STATUS_MEANINGS = {
    "passed": "the check passed",
    "failed": "your function ran but gave a wrong result; the message says what differs",
    "not_started": "the function still raises `NotImplementedError`",
    "error": "your code raised an exception; the message names it and the line",
    "timeout": "the check did not finish within its time limit",
}


def grader_text(parts: list[str]) -> str:
    """Text taken from the grader itself, so that the pages quote it exactly:

    - `grader.help` and `grader.help_<subcommand>`: the output of `--help`;
    - `grader.status_marks`: a table of the marks the report uses;
    - `grader.lesson_statuses`, `grader.check_statuses`: the statuses of the JSON results;
    - `grader.messages.<module>.<NAME>`: one message template, quoted as it is.
    """
    if parts == ["help"]:
        return grader_help(("--help",))
    if len(parts) == 1 and parts[0].startswith("help_"):
        return grader_help((parts[0].removeprefix("help_"), "--help"))
    if parts in (["lesson_statuses"], ["check_statuses"]):
        results = project_module("grader.results")
        statuses = results.LESSON_STATUSES if parts[0] == "lesson_statuses" else results.CHECK_STATUSES
        return ", ".join(f"`{status}`" for status in statuses)
    if parts == ["status_marks"]:
        common = project_module("grader.messages.common")
        lines = ["| mark | status | meaning |", "|:---:|---|---|"]
        for status, mark in common.STATUS_MARKS.items():
            if status not in STATUS_MEANINGS:
                raise PluginError(f"the grader has a new status {status!r}: say what it means in STATUS_MEANINGS")
            lines.append(f"| {mark} | {status.replace('_', ' ')} | {STATUS_MEANINGS[status]} |")
        return "\n".join(lines)
    if len(parts) == 3 and parts[0] == "messages":
        module = project_module(f"grader.messages.{parts[1]}")
        try:
            return getattr(module, parts[2])
        except AttributeError:
            raise KeyError(".".join(parts)) from None
    raise KeyError(".".join(parts))


def grader_help(argv) -> str:
    """The grader's own `--help`, so the reference page can never fall behind the code."""
    import contextlib
    import io
    import os

    cli = project_module("grader.cli")
    buffer = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            cli.main(list(argv))
    finally:
        if previous is None:
            os.environ.pop("COLUMNS")
        else:
            os.environ["COLUMNS"] = previous
    return "```text\n$ python -m grader " + " ".join(argv) + "\n" + buffer.getvalue().rstrip() + "\n```"


SPECIAL = {
    "table.class_counts": class_counts_table,
    "table.published": published_table,
}
