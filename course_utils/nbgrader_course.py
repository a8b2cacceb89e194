"""The course's nbgrader set-up: one config used by the CLI (notebooks/nbgrader_config.py) and the Python API.

nbgrader's Python API does not read ``nbgrader_config.py``, so everything that drives nbgrader from
Python builds its config with :func:`course_config`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COURSE_ID = "improving-deep-neural-networks"
REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_ROOT = REPO_ROOT / "notebooks"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
CELL_TIMEOUT_S = 120
"""Per-cell limit: our slowest training cell takes a few seconds on 2 cores; a hang is cut here."""


def course_config(root: Path | str | None = None, db_url: str | None = None):
    """A traitlets ``Config`` for the course rooted at ``root`` (default: the repo's ``notebooks/``).

    ``db_url``: the gradebook's SQLAlchemy URL (nbgrader's ``--db``; default: ``sqlite:///<root>/gradebook.db``)."""
    from traitlets.config import Config

    root = Path(root or COURSE_ROOT).resolve()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.Exchange.root = str(root / "exchange")
    if db_url:
        c.CourseDirectory.db_url = db_url
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.Execute.timeout = CELL_TIMEOUT_S
    c.Execute.interrupt_on_timeout = True
    c.Execute.execute_retries = 0
    c.OverwriteCells.add_missing_cells = True
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "nbgrader.preprocessors.ClearHiddenTests",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
    return c


def ensure_venv_on_path() -> None:
    """nbgrader runs ``alembic`` as a subprocess when it creates a gradebook: put this Python's bin/ on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(root: Path | str | None = None, db_url: str | None = None):
    """An ``NbGraderAPI`` for the course at ``root`` (gradebook at ``db_url``, see :func:`course_config`)."""
    ensure_venv_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = course_config(root, db_url)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def assignments(root: Path | str | None = None) -> list[str]:
    """The assignment folders under ``<root>/source``, sorted."""
    return sorted(p.name for p in (Path(root or COURSE_ROOT) / "source").iterdir() if p.is_dir())


def generate_student_versions(root: Path | str | None = None, names=None, db_url: str | None = None) -> None:
    """Run nbgrader's generate_assignment for ``names`` (default: all) into ``<root>/release``."""
    root = root or COURSE_ROOT
    api = nbgrader_api(root, db_url)
    for name in names or assignments(root):
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {name}:\n{result['error']}\n{result['log']}")
