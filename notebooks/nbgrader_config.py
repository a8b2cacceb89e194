# nbgrader configuration for this course; the same settings are used through the Python API.
from course_utils.nbgrader_course import course_config

c = get_config()  # noqa: F821 (provided by nbgrader)
c.merge(course_config())
