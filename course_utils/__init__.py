"""course_utils: reference kernels, checks, datasets and widgets for "Improving deep neural networks".

Import the module you need, e.g. ``from course_utils import dropout``; see docs/api.md.
"""

__version__ = "0.1.0"
