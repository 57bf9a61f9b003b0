"""The course's own results, as this package quotes them, checked.

`docs/results/course_published.json` quotes ML Zoomcamp's module 8: the validation accuracy
of every epoch of its three sweeps as its notebook logged them, the value it chose in each,
the sentence of its page that says so, and the test accuracy of its final model.
`scripts/make_figures.py` derives the `published` rows and the `course` numbers of
`docs/figures/facts.json` from it, the notes pages render those through placeholders, and the
lesson files state them in prose. These tests check the quotes name their source, that facts.json
and the lessons say what the quotes give, and that no page presents the course's lessons beyond
8.9 as lessons of this package. `tests/test_site.py` checks the chosen values where the built
site shows them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "results" / "course_published.json"
FACTS = ROOT / "docs" / "figures" / "facts.json"
REPOSITORY = "https://github.com/DataTalksClub/machine-learning-zoomcamp"

# How the pages name a lesson of the course that this package does not have: "the course's
# 8.10", "the course's lessons 8.10 to 8.12". Any other mention of 8.10-8.12 reads as ours.
BEYOND = re.compile(r"\b8\.1[0-2]\b")
NAMED_AS_THE_COURSES = re.compile(r"the course's (?:lessons? )?8\.1[0-2](?:(?:,| and| to| or) 8\.1[0-2]\b)*")


@pytest.fixture(scope="module")
def published() -> dict:
    return json.loads(PUBLISHED.read_text())


@pytest.fixture(scope="module")
def course(make_figures) -> dict:
    """The `course` facts: what the pages state of the course's results."""
    return make_figures.course_published()[1]


def runs(sweep: dict) -> dict:
    """`{key: [val_accuracy per epoch]}` with the keys as numbers, as the course wrote them."""
    return {json.loads(key): values for key, values in sweep["val_accuracy"].items()}


def prose(lesson: str) -> str:
    """A lesson file's text without comment markers, whitespace collapsed."""
    lines = (ROOT / "lessons" / lesson).read_text(encoding="utf-8").splitlines()
    return " ".join(" ".join(re.sub(r"^#\s?", "", line) for line in lines).split())


def states(lesson: str, *claims: str) -> None:
    text = prose(lesson)
    for claim in claims:
        assert claim in text, f"lessons/{lesson} no longer states {claim!r}: update this test with the prose"


# ------------------------------------------------------------------ the quotes and their sources


def test_every_quote_names_the_course_page_and_notebook_it_comes_from(published):
    notebook = published["notebook"]
    assert re.fullmatch(r"[0-9a-f]{40}", notebook["commit"])
    assert notebook["url"] == f"{REPOSITORY}/blob/{notebook['commit']}/{notebook['path']}"
    for lesson, sweep in published["sweeps"].items():
        assert sweep["page"].startswith(f"{REPOSITORY}/blob/"), lesson
        assert sweep["notebook_cell"].startswith(f"section {lesson},"), lesson
        quoted = runs(sweep)
        assert sweep["chosen"] in quoted, f"{lesson}: the course chose a value it did not try"
        assert f"{sweep['chosen']}`" in sweep["quote"], f"{lesson}: the quote does not state the choice"
        for key, values in quoted.items():
            assert len(values) == sweep["epochs"], (lesson, key)
            assert all(0 < value < 1 for value in values), (lesson, key)
    final = published["final"]
    assert final["page"].startswith(f"{REPOSITORY}/blob/") and final["notebook_cell"].startswith("section 8.12,")
    assert 0 < final["evaluate"]["accuracy"] < 1


def test_facts_state_what_the_quotes_give(make_figures):
    facts = json.loads(FACTS.read_text())
    rows, course = make_figures.course_published()
    assert facts["published"] == rows and facts["course"] == course, (
        "facts.json is behind docs/results/course_published.json: run `uv run python scripts/make_figures.py`")


# ------------------------------------------------------------------ what the course chose, and why


def test_lesson6_the_course_keeps_the_best_rate_and_the_smallest_was_still_rising(published, course):
    quoted = runs(published["sweeps"]["8.6"])
    chosen = published["sweeps"]["8.6"]["chosen"]
    assert course["lesson6_top_key"] == chosen == 0.001
    slowest = quoted[min(quoted)]
    assert slowest == sorted(slowest) and slowest[-1] == course["lesson6_smallest_last"]
    assert max(quoted[0.01]) < max(quoted[chosen])  # 0.01 does worse on validation
    states("lesson6_learning_rate.py", f"the course keeps a learning rate of {chosen}",
           f"a validation accuracy of {course['lesson6_chosen_best']}",
           f"still rising at the last epoch, at {course['lesson6_smallest_last']}")


def test_lesson8_sizes_10_and_100_tie_and_the_course_keeps_100(published, course):
    quoted = runs(published["sweeps"]["8.8"])
    best = {key: max(values) for key, values in quoted.items()}
    chosen = published["sweeps"]["8.8"]["chosen"]
    assert best[10] == best[100] == course["lesson8_chosen_best"] > best[1000]
    assert course["lesson8_top_key"] == 10 != chosen  # the smaller key on a tie, which the course does not take
    states("lesson8_more_layers.py", f"tie for the best epoch at {best[chosen]}", "would pick 10",
           f"the course keeps an inner layer of {chosen} units")


def test_lesson9_the_best_epoch_is_a_single_spike_of_0_5_and_the_course_keeps_0_2(published, course):
    sweep = published["sweeps"]["8.9"]
    quoted, chosen = runs(sweep), sweep["chosen"]
    best = {key: max(values) for key, values in quoted.items()}
    top = course["lesson9_top_key"]
    assert (top, chosen) == (0.5, 0.2)
    assert course["lesson9_top_epochs_above_chosen"] == 1  # "a single epoch"
    spike = course["lesson9_top_epoch"]
    assert quoted[top][spike] < quoted[top][spike - 1]  # the next epoch drops back
    assert min(best, key=best.get) == 0.8  # "0.8 is clearly the worst"
    assert any("don't add checkpointing" in quote for quote in sweep["also_quoted"])
    assert any("luck" in quote for quote in sweep["also_quoted"])
    states("lesson9_dropout.py", "does not checkpoint these runs",
           f"The highest epoch of the sweep, {course['lesson9_top']}, came with a rate of {top}",
           "more likely luck", f"the course keeps a dropout rate of {chosen} (best epoch: {best[chosen]})")
    assert "checkpointing of lesson 8.7 keeping the best epoch" not in prose("lesson9_dropout.py")


def test_lesson5_the_final_test_accuracy_is_the_courses(course):
    states("lesson5_transfer_learning.py", f"reports a test accuracy of {course['final_test_accuracy']}")


# ------------------------------------------------------------------ lessons beyond this package


def pages_that_could_name_lessons() -> list[Path]:
    return sorted([*(ROOT / "docs").rglob("*.md"), *(ROOT / "lessons").glob("lesson*.py"),
                   *(ROOT / "solutions").glob("lesson*.py"), ROOT / "README.md", FACTS])


def mentions_as_ours(text: str) -> list[str]:
    """The mentions of 8.10, 8.11 or 8.12 that do not say they are the course's lessons."""
    text = " ".join(re.sub(r"^#\s?", "", line) for line in text.splitlines())  # a lesson's comment lines
    text = " ".join(text.split())
    covered = {m.start() for span in NAMED_AS_THE_COURSES.finditer(text)
               for m in BEYOND.finditer(text, span.start(), span.end())}
    return [text[max(0, m.start() - 60):m.end() + 20] for m in BEYOND.finditer(text) if m.start() not in covered]


def test_mentions_as_ours_tells_the_courses_lessons_from_ours():
    assert mentions_as_ours("Lesson 8.10 adds augmentation; lessons 8.6 to 8.10 work on it.") != []
    assert len(mentions_as_ours("in lesson 8.12, and 8.11")) == 2
    assert mentions_as_ours("the course's 8.10 adds augmentation, and the course's lessons 8.11 and 8.12 ...") == []
    assert mentions_as_ours("the course's\n# 8.11 trains it") == []  # across a lesson's comment lines


def test_no_page_names_the_courses_lessons_beyond_8_9_as_lessons_of_this_package():
    found = {str(path.relative_to(ROOT)): mentions for path in pages_that_could_name_lessons()
             if (mentions := mentions_as_ours(path.read_text(encoding="utf-8")))}
    assert not found, (
        "this package has lessons 8.1 to 8.9; name a later lesson as \"the course's 8.10\" "
        f"(beyond this package), or leave it out: {found}")
