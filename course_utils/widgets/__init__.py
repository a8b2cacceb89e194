"""Interactive explorers (ipywidgets): regularization, optimizers, learning-rate decay, initialization, EWA.

Each function returns an ipywidgets container (an :class:`~course_utils.widgets._common.Explorer`);
make it the last expression of a notebook cell to show it. Pictures are drawn off-screen (never with
pyplot) and sent as PNG. Every explorer exposes ``.controls`` / ``.sliders`` (name -> widget),
``.image`` and ``.readouts`` so it can be driven from Python. See docs/widgets.md.
"""

from .init_statistics import initialization_explorer
from .lr_decay import lr_decay_explorer
from .moving_average import ewa_explorer
from .optimizer_paths import optimizer_explorer
from .regularization import regularization_explorer

__all__ = [
    "ewa_explorer",
    "initialization_explorer",
    "lr_decay_explorer",
    "optimizer_explorer",
    "regularization_explorer",
]
