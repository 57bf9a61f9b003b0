"""The course site: it builds strictly and quickly without TensorFlow, its pages state
only numbers that the data, the reference code and Keras give, it documents the grader
as the grader is, and it works in a real browser (headless Chromium).

The site is built once for the module, into a temporary folder, by the same
`mkdocs build --strict` that CI and the Pages workflow run.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from html import unescape
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
import yaml

from grader import catalog

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"
FACTS = FIGURES / "facts.json"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; .ci/run installs it


def chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM_PATH, Debian's, or one on the PATH (Playwright's own
    download does not work on the course machines)."""
    candidates = [os.environ.get("CHROMIUM_PATH"), str(CHROMIUM),
                  *(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))]
    return next((path for path in candidates if path and Path(path).is_file()), None)

FIGURES_BUDGET = 1_500_000  # bytes: the figures are committed, keep them small

PLACEHOLDER = re.compile(r"(?<!\\)\{\{\s*([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\s*(?:\|\s*plain)?\s*\}\}")

# A stand-in `tensorflow` first on the path during the build: importing it leaves a
# mark and fails, so a build that imports TensorFlow, even inside a try, is caught.
TENSORFLOW_TRAP = '''
import os, pathlib
pathlib.Path(os.environ["TENSORFLOW_TRAP_MARK"]).write_text("imported")
raise ImportError("the site build must not import TensorFlow")
'''


# ------------------------------------------------------------------ the build


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """`(site folder, process)` of one strict build with TensorFlow made unimportable.

    Its speed is measured by benchmarks/bench_site.py, never asserted here."""
    work = tmp_path_factory.mktemp("site-build")
    trap = work / "trap" / "tensorflow"
    trap.mkdir(parents=True)
    (trap / "__init__.py").write_text(TENSORFLOW_TRAP)
    mark = work / "tensorflow-imported"
    site = work / "site"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(trap.parent), os.environ.get("PYTHONPATH")])),
        "TENSORFLOW_TRAP_MARK": str(mark),
        "NO_MKDOCS_2_WARNING": "1",
    }
    process = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    return {"site": site, "process": process, "tensorflow_imported": mark.exists()}


@pytest.fixture(scope="module")
def site(build) -> Path:
    process = build["process"]
    if process.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}")
    return build["site"]


def test_site_builds_strictly_and_without_tensorflow(build, site):
    assert not build["tensorflow_imported"], "the site build imported TensorFlow: no page may run it"
    assert (site / "index.html").is_file()


def nav_entries(nav=None):
    """(title path, file) of every page in mkdocs.yml's navigation."""
    if nav is None:
        nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    for item in nav:
        for title, value in item.items():
            if isinstance(value, list):
                for path, file in nav_entries(value):
                    yield (title, *path), file
            else:
                yield (title,), value


def test_navigation_pairs_each_lesson_with_its_notes():
    entries = list(nav_entries())
    files = [file for _, file in entries]
    sections = {path[0] for path, _ in entries}
    assert {"Home", "Getting started", "Lessons", "For instructors", "Grader reference"} <= sections
    for lesson in catalog.LESSONS:
        [(path, _)] = [(path, file) for path, file in entries if file == f"lessons/{lesson.filename}"]
        notes = [file for other, file in entries if other[:-1] == path[:-1] and file != f"lessons/{lesson.filename}"]
        assert path[1].startswith(lesson.course_number), path
        assert len(notes) == 1 and notes[0].startswith(f"notes/{lesson.course_number}-"), (path, notes)
    for file in files:
        if not file.startswith("lessons/"):
            assert (DOCS / file).is_file(), f"mkdocs.yml names {file}, which is not in docs/"


def test_lessons_are_fed_from_lessons_folder_without_copies(site):
    assert not list(DOCS.rglob("*.py")), "docs/ holds Python files: the lessons must come from lessons/"
    assert not list(DOCS.rglob("*.ipynb"))
    for lesson in catalog.LESSONS:
        page = site / "lessons" / lesson.filename.removesuffix(".py") / "index.html"
        html = page.read_text()
        for function in lesson.functions:
            assert f'<span class="nf">{function}</span>' in html, (page, function)


# ------------------------------------------------------------------ the numbers


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def without_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


# Numbers a page may write as they are: not facts about the data, the code or Keras, but the
# settings the course chooses (input sizes, learning rates, layer sizes, dropout rates, epochs,
# batch size), the ranges of a pixel, the lesson numbers, and the course's published results.
SETTINGS = {
    "0", "1", "2", "3", "4", "5", "8", "10", "30", "32", "80", "100", "150", "255", "299", "1000",
    "127.5", "0.0", "0.2", "0.5", "0.8", "0.0001", "0.001", "0.01", "0.1",
    "0.812",  # an example checkpoint's validation accuracy, in lesson 8.7's file name
}
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")


def prose_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_pages_state_numbers_only_through_facts():
    """Every number on the course pages is a placeholder filled from facts.json, a course
    setting, a lesson number, or one of the course's published results."""
    facts = json.loads(FACTS.read_text())
    published = {f"{row['value']}" for row in facts["published"]}
    for page in prose_pages():
        text = without_placeholders(page.read_text())
        text = re.sub(r"```json\n.*?```", "", text, flags=re.S)  # real grader output: see test_json_reference_*
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are not claims
        text = re.sub(r"https?://\S+", "", text)
        text = re.sub(r"\b8\.\d{1,2}\b", "", text)  # lesson numbers
        text = re.sub(r"\blesson\d\b|_v\d_|\bv\d\b|\bKeras \d\b|\bint\d+|\bfloat\d+|\buint\d+", "", text)
        text = re.sub(r"\b\d+ [×x] \d+\b", lambda m: " ".join(re.findall(r"\d+", m.group(0))), text)
        stray = [n for n in NUMBER.findall(text) if n not in SETTINGS and n not in published]
        assert not stray, (
            f"{page.relative_to(ROOT)} states {stray}: write a placeholder filled from facts.json "
            "(scripts/make_figures.py computes it), or, for a setting the course chooses, add it to SETTINGS"
        )


def test_every_placeholder_has_a_fact():
    facts = json.loads(FACTS.read_text())
    for page in DOCS.rglob("*.md"):
        for name in placeholders(page.read_text()):
            group, _, key = name.partition(".")
            if group in ("table", "grader"):
                continue  # rendered by the hook itself; an unknown one fails the strict build
            assert key in facts.get(group, {}), f"{page.relative_to(ROOT)}: {{{{ {name} }}}} is not in facts.json"


def test_facts_of_lesson4_match_the_reference(make_figures):
    facts = json.loads(FACTS.read_text())
    assert facts["lesson4"] == make_figures.lesson4_facts(), "run `uv run python scripts/make_figures.py`"


def test_facts_of_the_dataset_match_the_photos(make_figures):
    from course.dataset import find_dataset, missing_dataset_message

    data_dir = find_dataset()
    if data_dir is None:
        pytest.skip(f"the dataset facts need the dataset: {missing_dataset_message()}")
    facts = json.loads(FACTS.read_text())
    assert facts["dataset"] == make_figures.dataset_facts(data_dir), "run `uv run python scripts/make_figures.py`"


def test_facts_of_the_models_match_keras(make_figures):
    facts = json.loads(FACTS.read_text())
    assert facts["models"] == make_figures.model_facts(make_figures.build_models()), (
        "run `uv run python scripts/make_figures.py`"
    )


def test_facts_of_the_experiments_match_their_results(make_figures):
    facts = json.loads(FACTS.read_text())
    results = make_figures.load_results(make_figures.RESULTS)
    assert set(results) == set(make_figures.EXPERIMENTS), "docs/results/ lacks an experiment"
    assert facts["results"] == make_figures.results_facts(results, make_figures.COURSE_PUBLISHED)
    assert facts["final"] == make_figures.final_facts(make_figures.load_final(make_figures.RESULTS))
    for lesson, run in results.items():
        settings = run["settings"]
        assert settings.get("weights") in ("imagenet", "none") and settings.get("input_size") and settings.get("epochs")
        label = facts["results"][f"{lesson}_label"]
        for shown in (f"{settings['input_size']}x{settings['input_size']}", f"{settings['epochs']} epochs"):
            assert shown in label, (lesson, label)
        assert ("ImageNet" if settings["weights"] == "imagenet" else "random") in label
        assert "all images" in label or f"at most {settings['limit']}" in label


# ------------------------------------------------------------------ the course's choices, where they are shown

COURSE_PUBLISHED = DOCS / "results" / "course_published.json"
# How the pages say what the course chose in each sweep: "the course keeps a dropout rate of 0.2".
CHOICE_PHRASES = {"8.6": "a learning rate of", "8.8": "an inner layer of", "8.9": "a dropout rate of"}


def page_text(html: str) -> str:
    """The words a reader sees on a built page."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_courses_choices_are_shown_as_the_course_made_them(site):
    """The value the course chose in each sweep (quoted with its source in
    docs/results/course_published.json) is the one that the built notes page and lesson page of
    that lesson say the course keeps, and the one of the published table; no page says another."""
    sweeps = json.loads(COURSE_PUBLISHED.read_text())["sweeps"]
    texts = {path: page_text(path.read_text()) for path in site.rglob("*.html")}
    tables = [page for page in texts if page.parent.parent.name == "notes" and "course's result" in texts[page]]
    assert {next(site.glob(f"notes/{number}-*/index.html")) for number in sweeps} <= set(tables), (
        "the notes of 8.6, 8.8 and 8.9 show the course's results: {{ table.published }}")
    for number, sweep in sweeps.items():
        chosen = str(sweep["chosen"])
        keeps = re.compile(rf"course keeps {CHOICE_PHRASES[number]} (\d+(?:\.\d+)?)")
        [lesson] = [lesson for lesson in catalog.LESSONS if lesson.course_number == number]
        [notes] = site.glob(f"notes/{number}-*/index.html")
        shown = site / "lessons" / lesson.filename.removesuffix(".py") / "index.html"
        for page in (notes, shown):
            assert keeps.findall(texts[page]), f"{page.relative_to(site)} does not say what the course keeps"
        for page, text in texts.items():
            assert set(keeps.findall(text)) <= {chosen}, (
                f"{page.relative_to(site)} says the course keeps {keeps.findall(text)}; it chose {chosen}")
        for page in tables:
            assert f"{sweep['hyperparameter']} {chosen}, chosen among" in texts[page], page


# ------------------------------------------------------------------ figures


def test_figures_are_used_and_small():
    files = [path for path in FIGURES.iterdir() if path.suffix in (".png", ".jpg")]
    total = sum(path.stat().st_size for path in files)
    assert total < FIGURES_BUDGET, f"docs/figures holds {total:,} bytes of images"
    pages = "".join(page.read_text() for page in DOCS.rglob("*.md"))
    expected = {"samples.jpg", "class_distribution.png", "feature_maps.png", "feature_maps_xception.png",
                "model_structure.png", *(f"curves_lesson{n}.png" for n in range(5, 10))}
    assert expected <= {path.name for path in files}
    for path in files:
        assert f"figures/{path.name}" in pages, f"{path.name} is on no page"


# ------------------------------------------------------------------ the grader, documented as it is


def grader_parsers():
    from grader import cli

    yield "", cli.build_parser()
    for name in getattr(cli, "SUBCOMMANDS", ()):
        yield name, cli.build_subcommand_parser(name)


def test_reference_documents_every_command_and_option():
    """The hand-written part of the reference names every option of every command (the
    `--help` blocks on the same page are generated from the grader at build time)."""
    page = (DOCS / "reference" / "commands.md").read_text()
    for command, parser in grader_parsers():
        if command:
            assert f"## {command}" in page, f"the reference has no section on `python -m grader {command}`"
            assert f"{{{{ grader.help_{command} }}}}" in page
        for action in parser._actions:
            for option in action.option_strings or [action.metavar or action.dest]:
                assert f"`{option}" in page, f"the reference does not document {option!r} of `grader {command}`"
    for status in ("0", "1", "2"):
        assert f"| {status} |" in page


def json_blocks(text: str) -> list:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def run_grader(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_json_reference_shows_what_the_grader_writes(tmp_path):
    """The examples on the JSON page are the grader's real output: the untouched lesson 8.1
    with `--format json`, and the reference of lesson 8.4 with `--gradescope`."""
    page = (DOCS / "reference" / "json.md").read_text()
    lesson_doc, gradescope_doc = json_blocks(page)

    real = json.loads(run_grader("lesson1", "--format", "json").stdout)
    assert {key: real[key] for key in lesson_doc if key != "tests"} == {
        key: value for key, value in lesson_doc.items() if key != "tests"}
    assert lesson_doc["tests"] == real["tests"][: len(lesson_doc["tests"])]
    assert set(lesson_doc) == set(real)
    others = len(real["tests"]) - len(lesson_doc["tests"])
    assert f"(the other {others} checks follow" in " ".join(page.split()), "update the sentence after the example"

    path = tmp_path / "results.json"
    run_grader("lesson4", "--solutions", "--gradescope", str(path))
    real = json.loads(path.read_text())
    assert set(gradescope_doc) == set(real)
    assert {key: real[key] for key in gradescope_doc if key != "tests"} == {
        key: value for key, value in gradescope_doc.items() if key != "tests"}
    assert all(test in real["tests"] for test in gradescope_doc["tests"])


# ------------------------------------------------------------------ in a real browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = chromium()
    if executable is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (nor $CHROMIUM_PATH, nor on the PATH): "
                    "install it with `apt-get install chromium`, as .ci/run does")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    """Every page of the navigation, opened once: what each showed, and every request made."""
    external = []

    def route(route):
        if urlparse(route.request.url).hostname != "127.0.0.1":
            external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    browser.route("**/*", route)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append((page.url, str(error))))
    response = page.goto(server)
    assert response.ok
    nav = page.eval_on_selector_all(
        "nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)")
    urls = sorted({urldefrag(url).url for url in nav if url.startswith(server)} | {server})
    pages = {}
    for url in urls:
        response = page.goto(url, wait_until="load")  # after every image has loaded or failed
        pages[url] = {
            "status": response.status,
            "title": page.title(),
            # (mkdocs-jupyter wraps each code cell in a second div of the same classes)
            "code_cells": page.eval_on_selector_all(
                ".jp-CodeCell .jp-InputArea",
                "areas => areas.map(a => [a.innerText, a.getBoundingClientRect().height])"),
            "images": page.eval_on_selector_all(
                "article img",
                "images => images.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])"),
            "links": page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"),
            "ids": page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)"),
        }
    yield {"pages": pages, "errors": errors, "external": external, "page": page, "server": server}
    page.close()


def test_every_page_of_the_navigation_loads(visits):
    pages = visits["pages"]
    expected = len(list(nav_entries()))
    assert len(pages) == expected, f"the navigation links {len(pages)} pages; mkdocs.yml lists {expected}"
    for url, seen in pages.items():
        assert seen["status"] == 200, url
        assert seen["title"] and "404" not in seen["title"], url
    assert not visits["errors"], f"JavaScript errors: {visits['errors'][:5]}"
    assert not visits["external"], f"the site fetched from other hosts (it must work offline): {visits['external'][:5]}"


def test_every_lesson_page_shows_its_code_cells(visits):
    import jupytext

    for lesson in catalog.LESSONS:
        url = urljoin(visits["server"], f"lessons/{lesson.filename.removesuffix('.py')}/")
        notebook = jupytext.read(ROOT / "lessons" / lesson.filename)
        code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        shown = visits["pages"][url]["code_cells"]
        assert len(shown) == len(code_cells) > 0, (url, len(shown), len(code_cells))
        for cell, (text, height) in zip(code_cells, shown):
            first_line = next(line for line in cell.source.splitlines() if line.strip())
            assert first_line.strip() in text and height > 0, (url, first_line)


def test_every_image_loads(visits):
    count = 0
    for url, seen in visits["pages"].items():
        for src, complete, width, height in seen["images"]:
            assert complete and width > 0 and height > 0, f"{src} on {url} did not load"
            count += 1
    assert count >= 7


def test_no_internal_link_is_broken(visits, browser):
    server, pages = visits["server"], visits["pages"]
    ids = {url: set(seen["ids"]) for url, seen in pages.items()}
    broken = []
    targets = {link for seen in pages.values() for link in seen["links"] if link.startswith(server)}
    for link in sorted(targets):
        url, fragment = urldefrag(link)
        if url not in ids:
            response = browser.request.get(url)
            if not response.ok:
                broken.append((link, response.status))
                continue
            if fragment and "text/html" in response.headers.get("content-type", ""):
                ids[url] = set(re.findall(r'\bid="([^"]+)"', response.text()))
        if fragment and url in ids and fragment not in ids[url]:
            broken.append((link, f"no #{fragment}"))
    assert not broken, broken
    assert len(targets) > 50


def test_search_finds_dropout(visits):
    page, server = visits["page"], visits["server"]
    page.goto(server)
    page.keyboard.press("/")  # Material's shortcut that opens the search box
    page.locator("input.md-search__input").press_sequentially("dropout", delay=30)  # typed, as a reader does
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert any("8.9-dropout" in href or "lesson9_dropout" in href for href in hrefs), hrefs
