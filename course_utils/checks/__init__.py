"""Exercise checks for the notebooks: ``check("dropout_forward", dropout_forward)``.

Every exercise lives in the module of its notebook (``course_utils.checks.<topic>``) and is
registered by name here; graders look exercises up with :func:`get_exercise`.
"""

from __future__ import annotations

import importlib
import pkgutil

from course_utils.checks.framework import CheckFailed, Exercise, run_check


def check_modules() -> list[str]:
    """Every module of this package except the framework: one per notebook topic, each with ``EXERCISES``."""
    return sorted(
        f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__) if info.name != "framework"
    )


def all_exercises() -> dict:
    """Every registered exercise, by name."""
    exercises = {}
    for module_name in check_modules():
        module = importlib.import_module(module_name)
        for name, exercise in module.EXERCISES.items():
            if name in exercises:
                raise RuntimeError(f"exercise {name!r} is registered twice")
            exercises[name] = exercise
    return exercises


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``; ``ValueError`` listing the known names otherwise."""
    exercises = all_exercises()
    if name not in exercises:
        raise ValueError(f"name must be one of {sorted(exercises)}, got {name!r}")
    return exercises[name]


def check(name: str, student_fn, hidden: bool = False) -> None:
    """Check the student's function for exercise ``name``; raise ``CheckFailed`` with a teaching message."""
    run_check(get_exercise(name), student_fn, hidden=hidden)


__all__ = ["CheckFailed", "check", "get_exercise", "all_exercises"]
