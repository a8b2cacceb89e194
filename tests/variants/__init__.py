"""Correct-but-differently-written answers and named mistakes for every exercise check (issue 11)."""
