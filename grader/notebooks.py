"""A learner's notebook as the Python file the grader imports, without running any of it.

Code cells become one Python source, line for line; markdown and raw cells are
ignored. IPython magics and shell escapes (`%matplotlib inline`, `!pip install`,
`x = !ls`, `%%time` cells, `len?`) are not Python and are left out: each such
line becomes a blank line (`pass` when indented, so that its block stays valid),
and every other line keeps its place. A source map says which cell and line of
the notebook each line of the source came from, so that messages can point at
"cell 7, line 3".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.messages import common

SUFFIX = ".ipynb"
READABLE_VERSIONS = (3, 4)  # what nbformat converts to the current format, 4
FUTURE_IMPORT = re.compile(r"from\s+__future__\s+import\s+[\w\s,]+$")  # one line, at the top level


class NotebookError(ValueError):
    """The file is not a notebook the grader can read; the message says why, in one line."""


@dataclass
class Converted:
    source: str
    # source_map[i] is (cell, line) for line i + 1 of `source`, both counted from 1; every
    # cell counts, markdown included, as a reader counts them from the top of the notebook.
    source_map: list[tuple[int, int]]
    left_out: dict[int, int]  # cell number -> how many of its lines were magics or shell escapes


def convert(text: str) -> Converted:
    """The Python source of the notebook `text` (the JSON of an .ipynb file)."""
    source, source_map, left_out = [], [], {}
    for number, cell in enumerate(read_cells(text), start=1):
        if cell["cell_type"] != "code":
            continue
        lines, dropped = without_magics(cell["source"])
        if dropped:
            left_out[number] = dropped
        source += lines
        source_map += [(number, line) for line in range(1, len(lines) + 1)]
    source, source_map = future_imports_first(source, source_map)
    return Converted("".join(source), source_map, left_out)


def future_imports_first(lines: list[str], source_map: list) -> tuple[list[str], list]:
    """`from __future__` imports moved to the top (a blank line left in their place): Python
    allows them only there, while Jupyter runs one in any cell. The source map follows them."""
    moved = [index for index, line in enumerate(lines) if FUTURE_IMPORT.match(line)]
    if not moved:
        return lines, source_map
    rest = ["\n" if index in moved else line for index, line in enumerate(lines)]
    return [lines[i] for i in moved] + rest, [source_map[i] for i in moved] + source_map


def read_cells(text: str) -> list[dict]:
    """The cells of the notebook `text`, or NotebookError saying in one line what is wrong."""
    import nbformat

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(common.NOTEBOOK_NOT_JSON.format(line=error.lineno, column=error.colno, detail=error.msg)) \
            from None
    except RecursionError:  # JSON nested deeper than Python parses: no notebook is
        raise NotebookError(common.NOTEBOOK_INVALID.format(detail="nested too deeply")) from None
    version = document.get("nbformat") if isinstance(document, dict) else None
    if version not in READABLE_VERSIONS:
        found = f"nbformat {version!r}" if isinstance(document, dict) and "nbformat" in document else "no nbformat field"
        raise NotebookError(common.NOTEBOOK_WRONG_FORMAT.format(found=found))
    try:
        notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
        return [{"cell_type": cell["cell_type"], "source": cell["source"]} for cell in notebook.cells]
    except Exception as error:  # nbformat names a broken structure with many exception types
        raise NotebookError(common.NOTEBOOK_INVALID.format(detail=" ".join(str(error).split())[:200])) from None


def without_magics(cell: str) -> tuple[list[str], int]:
    """The lines of `cell` (each ending in a newline) with its magics and shell escapes left out,
    and how many lines were left out. Jupytext decides what is a magic, as it does when it writes
    a notebook as a script; lines inside a string are never one. Other lines stay byte for byte."""
    from jupytext.magics import is_magic
    from jupytext.stringparser import StringParser

    lines = cell.splitlines(keepends=True)
    if not lines or not cell.strip():
        return [], 0
    lines[-1] = lines[-1].rstrip("\r\n") + "\n"
    if lines[0].startswith("%%"):  # a cell magic: the whole cell is its input, not Python
        return ["\n"] * len(lines), len(lines)
    parser, kept, dropped, continued = StringParser("python"), [], 0, False
    for line in lines:
        text = line.rstrip("\r\n")
        starts = not continued and not parser.is_quoted() and not text.lstrip().startswith("#") \
            and is_magic(text, "python", explicitly_code=True)
        if not (starts or continued):
            kept.append(line)
            parser.read_line(line)
            continue
        # An indented magic may be all its block holds: `pass` keeps the block. At the top
        # level a blank line does, and keeps `from __future__` imports valid below it.
        indent = text[: len(text) - len(text.lstrip())]
        kept.append(indent + "pass\n" if starts and indent else "\n")
        dropped += 1
        continued = text.endswith("\\")  # `!pip install \` goes on on the next line
    return kept, dropped


def where(line: int | None, source_map: list | None) -> str:
    """A line of the graded file as the learner finds it: "line 12" in a .py file,
    "cell 7, line 3" in a notebook. Every message that points at a line says it this way."""
    if source_map is None:
        return common.AT_LINE.format(line=line if line else "?")
    if not line or not 0 < line <= len(source_map):
        return common.AT_CELL.format(cell="?", line="?")
    cell, cell_line = source_map[line - 1]
    return common.AT_CELL.format(cell=cell, line=cell_line)


def source_map_path(converted_file: Path) -> Path:
    """Where the source map of a converted notebook is kept: beside the converted file."""
    return converted_file.with_name(converted_file.name + ".map.json")


def write_source_map(converted_file: Path, source_map: list[tuple[int, int]]) -> None:
    source_map_path(converted_file).write_text(json.dumps(source_map))


def read_source_map(graded_file: Path) -> list | None:
    """The source map of `graded_file` if it was converted from a notebook, else None."""
    try:
        return json.loads(source_map_path(graded_file).read_text())
    except FileNotFoundError:
        return None


def left_out_note(left_out: dict[int, int]) -> str | None:
    """The report's one line about magics and shell escapes, or None when there were none."""
    if not left_out:
        return None
    cells = sorted(left_out)
    return common.MAGICS_LEFT_OUT.format(
        count=sum(left_out.values()), lines="line" if sum(left_out.values()) == 1 else "lines",
        cells=("cell " if len(cells) == 1 else "cells ") + ", ".join(map(str, cells)))
