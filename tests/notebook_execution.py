"""Run each solution notebook once per test session, as a student sees it, and check what its text promises.

``executed_solution`` executes an instructor notebook with nbclient and matplotlib's **inline** backend (the
test suite otherwise runs with ``MPLBACKEND=Agg``, where a notebook displays no image at all). A preamble cell,
run first and removed afterwards, wraps the kernel's PNG formatter: every figure displayed is inspected (title,
labelled axes) and a short report is published after the cell as a display output of type ``REPORT_MIME``. The
notebooks themselves are not changed for the test's sake.

The marks the checks read are cell metadata (docs/authoring.md):

- ``"quotes": [{"text", "cell", "pattern"}]`` on a markdown cell that quotes a number printed by a code cell;
- ``"figures": <int>`` on a code cell that displays figures (absent means none).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path

import nbformat

from course_utils.nbgrader_course import CELL_TIMEOUT_S

REPORT_MIME = "application/vnd.course-figure-report+json"

PREAMBLE = f'''
from IPython import get_ipython
from IPython.display import display
from matplotlib.figure import Figure


def _course_figure_problems(figure):
    """What a reader misses on this figure: a title, axis labels on a visible axes that shows data (an image
    drawn with its axes turned off needs none)."""
    problems = []
    axes = [ax for ax in figure.axes if ax.has_data() and not hasattr(ax, "_colorbar")]
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    if not suptitle and not all(any(ax.get_title(loc) for loc in ("left", "center", "right")) for ax in axes):
        problems.append("no title (neither a suptitle nor a title on every axes)")
    for ax in (ax for ax in axes if ax.axison):
        for name, label, shared, figure_label in (
            ("x", "get_xlabel", ax.get_shared_x_axes(), figure._supxlabel),
            ("y", "get_ylabel", ax.get_shared_y_axes(), figure._supylabel),
        ):
            siblings = shared.get_siblings(ax)
            if not any(getattr(other, label)() for other in siblings) and not (
                figure_label is not None and figure_label.get_text()
            ):
                problems.append(f"axes {{ax.get_title()!r}} has no {{name}} label")
    return problems


get_ipython().run_line_magic("matplotlib", "inline")  # what a fresh Jupyter kernel does at the first plot
_course_reports = []
_course_png = get_ipython().display_formatter.formatters["image/png"]
_course_print_png = _course_png.lookup_by_type(Figure)


def _course_checked_png(figure, *args, **kwargs):
    _course_reports.append(_course_figure_problems(figure))
    return _course_print_png(figure, *args, **kwargs)


def _course_publish_reports(*_):
    if _course_reports:
        display({{"{REPORT_MIME}": {{"problems": list(_course_reports)}}}}, raw=True)
        _course_reports.clear()


_course_png.for_type(Figure, _course_checked_png)
get_ipython().events.register("post_execute", _course_publish_reports)
'''


@functools.lru_cache(maxsize=None)
def executed_solution(path: Path) -> nbformat.NotebookNode:
    """The instructor notebook at ``path`` after a full run (inline figures), outputs included. Cached: the
    prose and figure tests share one execution per notebook. A cell that raises fails the caller."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    run = copy.deepcopy(notebook)
    run.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE, id="course-figure-check-preamble"))
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    client = NotebookClient(run, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    run.cells.pop(0)
    return run


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
                   and o.get("name") == "stdout")


_NUMBER = re.compile(r"[-+]?\d+(?:\.(\d+))?(?:e([-+]?\d+))?")


def _half_unit(written: re.Match) -> float:
    """Half a unit of the last digit written: 0.5 for "22", 0.005 for "0.19", 0.5e-16 for "5e-16"."""
    decimals = len(written.group(1) or "")
    return 0.5 * 10.0 ** (int(written.group(2) or 0) - decimals)


def quote_problems(notebook) -> list[str]:
    """Every quoted number of an executed notebook that its output does not back: the quoted text is not in
    the markdown, names no code cell, the pattern finds nothing in that cell's printed output, or the number
    differs from the printed one rounded to the digits written in the text ("4.7e-16" is rounded to 0.1e-16)."""
    code_cells = {cell.get("id"): cell for cell in notebook.cells if cell.cell_type == "code"}
    problems = []
    for index, cell in enumerate(notebook.cells):
        for quote in cell.get("metadata", {}).get("quotes", []):
            where = f"cell {index} ({cell.get('id')}), quote {quote.get('text')!r}"
            if cell.cell_type != "markdown":
                problems.append(f"{where}: quotes belong on markdown cells, this is a {cell.cell_type} cell")
                continue
            if quote["text"] not in cell.source:
                problems.append(f"{where}: this text is not in the cell (edit the mark with the prose)")
                continue
            written = _NUMBER.search(quote["text"])
            if written is None:
                problems.append(f"{where}: the text holds no number")
                continue
            if quote["cell"] not in code_cells:
                problems.append(f"{where}: no code cell has the id {quote['cell']!r}")
                continue
            pattern = re.compile(quote["pattern"])
            if pattern.groups != 1:
                problems.append(f"{where}: the pattern {quote['pattern']!r} must have exactly one group")
                continue
            printed = pattern.search(_stdout(code_cells[quote["cell"]]))
            if printed is None:
                problems.append(f"{where}: pattern {quote['pattern']!r} matches nothing printed by {quote['cell']}")
                continue
            if abs(float(printed.group(1)) - float(written.group())) > _half_unit(written) * (1 + 1e-9):
                problems.append(f"{where}: the prose says {written.group()}, the output prints {printed.group(1)}")
    return problems


def figure_problems(notebook) -> list[str]:
    """Every code cell of an executed notebook whose number of displayed images differs from its ``figures``
    mark (0 when absent), and every displayed figure without a title or with an unlabelled axis."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        images = sum("image/png" in o.get("data", {}) for o in outputs)
        expected = cell.get("metadata", {}).get("figures", 0)
        where = f"cell {index} ({cell.get('id')})"
        if images != expected:
            problems.append(f"{where}: displays {images} figure(s), its mark says {expected}")
        reports = [p for o in outputs if REPORT_MIME in o.get("data", {})
                   for p in _report(o["data"][REPORT_MIME])["problems"]]
        if len(reports) != images:
            problems.append(f"{where}: {images} image(s) but {len(reports)} inspected figure(s)")
        for number, figure in enumerate(reports, 1):
            problems.extend(f"{where}, figure {number}: {problem}" for problem in figure)
    return problems


def _report(data):
    return json.loads(data) if isinstance(data, str) else data


def lock_problems(notebook) -> list[str]:
    """Every code or markdown cell that is neither an answer cell nor locked (students could edit it)."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type in ("code", "markdown") and not meta.get("solution") and not meta.get("locked"):
            problems.append(f"cell {index} ({cell.get('id')}, {cell.cell_type}) is not locked: "
                            f"{cell.source.splitlines()[0] if cell.source else ''!r}")
    return problems


def solution_path(assignment: str) -> Path:
    from tests.notebook_tools import SOURCE

    (path,) = sorted((SOURCE / assignment).glob("*.ipynb"))
    return path
