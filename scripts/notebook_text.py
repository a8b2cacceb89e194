"""Author notebooks as text: convert between a jupytext "percent" .py file and a clean .ipynb.

    python scripts/notebook_text.py to-ipynb notes.py notebooks/source/<assignment>/<name>.ipynb
    python scripts/notebook_text.py to-py notebooks/source/<assignment>/<name>.ipynb notes.py

Cell metadata (the nbgrader dict) is written in the cell header, e.g.
``# %% nbgrader={"grade": true, "grade_id": "test_x", "points": 2, ...}``. The .ipynb in
notebooks/source is the instructor source of truth; the .py form is only for editing.
"""

import sys

import jupytext
import nbformat

KEEP_CELL_METADATA = ("nbgrader", "tags", "quotes", "figures")


def to_ipynb(src: str, dest: str) -> None:
    notebook = jupytext.read(src, fmt="py:percent")
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = (grade_id or f"cell-{index}").replace("_", "-")[:64]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(notebook)
    nbformat.write(notebook, dest)


def to_py(src: str, dest: str) -> None:
    jupytext.write(nbformat.read(src, as_version=4), dest, fmt="py:percent")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("to-ipynb", "to-py"):
        sys.exit(__doc__)
    (to_ipynb if sys.argv[1] == "to-ipynb" else to_py)(sys.argv[2], sys.argv[3])
