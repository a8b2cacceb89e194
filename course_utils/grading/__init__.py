"""Batch grading for the course: nbgrader's autograder plus statuses, an integrity re-check and a sandbox.

Entry point: the ``course-grade`` console script (:mod:`course_utils.grading.cli`). See docs/grading.md.
"""
