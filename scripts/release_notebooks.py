"""Regenerate the student notebooks (notebooks/release) from the instructor sources with nbgrader.

    python scripts/release_notebooks.py [assignment ...]
"""

import sys

from course_utils.nbgrader_course import generate_student_versions

if __name__ == "__main__":
    generate_student_versions(names=sys.argv[1:] or None)
