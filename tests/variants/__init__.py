"""Correct-but-differently-written answers and named mistakes for every exercise, one module per check module.

Each module defines ``CORRECT = {exercise: [fn, ...]}`` and ``MISTAKES = {exercise: [(fn, fragment), ...]}``
(see ``tests/test_variants.py``).
"""
