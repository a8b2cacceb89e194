"""Correct variants and named mistakes per check module (issue 11), collected by ``tests/test_variants.py``.

``tests/variants/<check module>.py`` defines ``CORRECT = {"<exercise>": [fn, ...]}`` (correct answers written
differently) and ``MISTAKES = {"<exercise>": [(fn, "fragment of the expected message"), ...]}``.
"""
