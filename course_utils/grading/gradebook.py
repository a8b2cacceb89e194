"""Where the gradebook lives: nbgrader's database URL (SQLite by default, or a server such as PostgreSQL).

``course-grade --db URL`` passes the URL to nbgrader (``CourseDirectory.db_url``, nbgrader's own ``--db``);
without it the gradebook is ``sqlite:///<course root>/gradebook.db``. Workers never use it: they grade in
a scratch course whose SQLite gradebook holds only the assignments' definitions (:func:`copy_definitions`).
"""

from __future__ import annotations

from pathlib import Path

DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells",
                     "task_cells", "source_cell")
"""What nbgrader's autograde reads from the gradebook: the assignments, their notebooks and cells (with
the instructor's source and hidden tests). No student, submission or grade."""


def url(root: Path, db: str | None = None) -> str:
    """The gradebook's SQLAlchemy URL: ``db``, or the course's SQLite file."""
    return db or f"sqlite:///{Path(root) / 'gradebook.db'}"


def open_gradebook(root: Path, db: str | None = None):
    """nbgrader's ``Gradebook`` on the course's database (a context manager)."""
    from nbgrader.api import Gradebook

    from course_utils.nbgrader_course import COURSE_ID

    return Gradebook(url(root, db), course_id=COURSE_ID)


def copy_definitions(db: str, target: Path) -> Path:
    """A new SQLite gradebook at ``target`` with the :data:`DEFINITION_TABLES` rows of the one at ``db``."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, text

    target = Path(target)
    target.unlink(missing_ok=True)
    source, copy = create_engine(db), create_engine(f"sqlite:///{target}")
    try:
        Base.metadata.create_all(bind=copy)
        with source.connect() as reading, copy.begin() as writing:
            for table in Base.metadata.sorted_tables:  # parents before children (foreign keys)
                if table.name in DEFINITION_TABLES:
                    rows = [dict(row) for row in reading.execute(table.select()).mappings()]
                    if rows:
                        writing.execute(table.insert(), rows)
            version = reading.execute(text("SELECT version_num FROM alembic_version")).scalar()
            writing.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            writing.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        source.dispose()
        copy.dispose()
    return target
