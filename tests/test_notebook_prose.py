"""The course says only what is true: every number quoted in a notebook's prose is the number its output prints,
every figure is displayed (the expected number per cell) with a title and labelled axes, and students can edit
only the answer cells.

The solution notebooks are executed once per session (``tests.notebook_execution.executed_solution``); the
checks themselves are first tested on small hand-made notebooks, so that each of them is known to fail.
"""

from __future__ import annotations

import importlib.util

import nbformat
import pytest

from tests.notebook_execution import (
    REPORT_MIME,
    executed_solution,
    figure_problems,
    lock_problems,
    quote_problems,
    solution_path,
)
from tests.notebook_tools import source_notebooks

ASSIGNMENTS = sorted({path.parent.name for path in source_notebooks()})
TF_MISSING = "TensorFlow not installed (pip install -e '.[tf]')"


def _assignment(name: str):
    marks = [pytest.mark.slow]
    if "tensorflow" in name and importlib.util.find_spec("tensorflow") is None:
        marks.append(pytest.mark.skip(reason=TF_MISSING))
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("assignment", [_assignment(name) for name in ASSIGNMENTS])
def test_quoted_numbers_are_the_printed_ones(assignment):
    assert quote_problems(executed_solution(solution_path(assignment))) == []


@pytest.mark.parametrize("assignment", [_assignment(name) for name in ASSIGNMENTS])
def test_figures_are_displayed_titled_and_labelled(assignment):
    assert figure_problems(executed_solution(solution_path(assignment))) == []


@pytest.mark.parametrize("path", source_notebooks(), ids=lambda p: p.parent.name)
def test_only_answer_cells_are_unlocked(path):
    assert lock_problems(nbformat.read(path, as_version=4)) == []


# ----------------------------------------------------------------------------- the checks on hand-made notebooks
def _printing(text: str, cell_id: str = "run"):
    cell = nbformat.v4.new_code_cell("print(...)", id=cell_id)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def _quoting(source: str, **quote):
    quote = {"text": "accuracy 19%", "cell": "run", "pattern": r"accuracy (\d+\.\d)%"} | quote
    return nbformat.v4.new_markdown_cell(source, id="prose", metadata={"quotes": [quote]})


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


@pytest.mark.parametrize("printed", ["accuracy 19.4%\n", "loss 3\naccuracy 18.5%\n", "accuracy 19.0%"])
def test_quote_agreeing_with_the_output_passes(printed):
    assert quote_problems(_notebook(_printing(printed), _quoting("It reaches accuracy 19% here."))) == []


def test_quote_rounding_uses_the_decimals_written():
    cell = _quoting("accuracy 0.194 then", text="accuracy 0.194", pattern=r"acc (\S+)")
    assert quote_problems(_notebook(_printing("acc 0.1942"), cell)) == []
    assert "says 0.194, the output prints 0.1956" in quote_problems(_notebook(_printing("acc 0.1956"), cell))[0]


def test_quote_in_scientific_notation_is_rounded_to_its_mantissa():
    cell = _quoting("a difference of 4.7e-16 only", text="of 4.7e-16", pattern=r"difference (\S+)")
    assert quote_problems(_notebook(_printing("difference 4.72e-16"), cell)) == []
    assert "says 4.7e-16, the output prints 4.8e-16" in quote_problems(_notebook(_printing("difference 4.8e-16"), cell))[0]


@pytest.mark.parametrize("cells, fragment", [
    ((_printing("accuracy 22.4%"), _quoting("accuracy 19%")), "the prose says 19, the output prints 22.4"),
    ((_printing("accuracy 19.4%"), _quoting("accuracy of 19%")), "this text is not in the cell"),
    ((_printing("accuracy 19.4%", cell_id="other"), _quoting("accuracy 19%")), "no code cell has the id 'run'"),
    ((_printing("acc 19.4%"), _quoting("accuracy 19%")), "matches nothing printed by run"),
    ((_printing("accuracy 19.4%"), _quoting("accuracy 19%", pattern=r"accuracy \d+")), "exactly one group"),
    ((_printing("accuracy 19.4%"), _quoting("accuracy", text="accuracy")), "holds no number"),
])
def test_quote_not_backed_by_the_output_fails(cells, fragment):
    problems = quote_problems(_notebook(*cells))
    assert len(problems) == 1 and fragment in problems[0], problems


def _drawing(images: int, problems=(), figures=None, cell_id="plot"):
    metadata = {} if figures is None else {"figures": figures}
    cell = nbformat.v4.new_code_cell("plot()", id=cell_id, metadata=metadata)
    png = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}) for _ in range(images)]
    report = [nbformat.v4.new_output("display_data", data={REPORT_MIME: {"problems": [list(p) for p in problems]}})]
    cell.outputs = png + (report if problems else [])
    return cell


@pytest.mark.parametrize("cell, fragment", [
    (_drawing(0, figures=1), "displays 0 figure(s), its mark says 1"),
    (_drawing(2, [[], []], figures=1), "displays 2 figure(s), its mark says 1"),
    (_drawing(1, [[]]), "displays 1 figure(s), its mark says 0"),
    (_drawing(1, [["no title"]], figures=1), "figure 1: no title"),
    (_drawing(1, figures=1), "1 image(s) but 0 inspected"),
])
def test_figure_check_fails(cell, fragment):
    problems = figure_problems(_notebook(cell))
    assert len(problems) == 1 and fragment in problems[0], problems


def test_figure_check_passes_on_marked_clean_figures():
    assert figure_problems(_notebook(_drawing(2, [[], []], figures=2), _drawing(0, cell_id="text"))) == []


@pytest.mark.slow
def test_preamble_reports_each_displayed_figure(tmp_path):
    source = [
        "import matplotlib.pyplot as plt",
        "fig, ax = plt.subplots(); ax.plot([1, 2]); ax.set(title='t', xlabel='x', ylabel='y'); plt.show()",
        "fig, axes = plt.subplots(1, 2, sharey=True)\nfor ax in axes: ax.plot([1, 2]); ax.set_xlabel('x')\n"
        "axes[0].set_ylabel('y'); fig.suptitle('s'); plt.show()",
        "fig, ax = plt.subplots(); ax.plot([1, 2]); ax.set_xlabel('x')",  # shown by the inline backend at the end
        "fig, ax = plt.subplots(); plt.close(fig)",
        "fig, axes = plt.subplots(1, 2)\nfor ax in axes: ax.imshow([[0, 1]]); ax.set_axis_off()\n"
        "fig.suptitle('images'); plt.show()",
    ]
    path = tmp_path / "figures.ipynb"
    metadata = [{}, {"figures": 1}, {"figures": 1}, {"figures": 1}, {}, {"figures": 1}]
    cells = [nbformat.v4.new_code_cell(s, id=f"c{i}", metadata=m) for i, (s, m) in enumerate(zip(source, metadata))]
    nbformat.write(_notebook(*cells), path)
    problems = figure_problems(executed_solution(path))
    assert problems == ["cell 3 (c3), figure 1: no title (neither a suptitle nor a title on every axes)",
                        "cell 3 (c3), figure 1: axes '' has no y label"]


def test_lock_check_names_unlocked_cells():
    locked = {"nbgrader": {"locked": True, "grade_id": "a"}}
    answer = {"nbgrader": {"solution": True, "locked": False, "grade_id": "b"}}
    cells = [nbformat.v4.new_markdown_cell("# Title", metadata=locked), nbformat.v4.new_code_cell("x = 1", metadata=answer),
             nbformat.v4.new_code_cell("plot()"), nbformat.v4.new_markdown_cell("Note", metadata={"nbgrader": {}})]
    problems = lock_problems(_notebook(*cells))
    assert len(problems) == 2 and "'plot()'" in problems[0] and "markdown" in problems[1], problems
