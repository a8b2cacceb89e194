"""Shared pieces of the explorers: off-screen figures rendered to PNG, the explorer container, a disk cache.

Nothing here touches pyplot: figures are plain :class:`matplotlib.figure.Figure` objects with an Agg
canvas, so no figure is ever registered with pyplot (``plt.get_fignums()`` is unchanged) and they are
freed with the explorer.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import tempfile
import threading
import time
import traceback
from collections import OrderedDict
from pathlib import Path

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Resolution of every explorer picture (pixels per inch). 80 keeps PNGs small and fast to draw.
DPI = 80

#: Environment variable naming the folder of the disk cache; ``off`` (or ``0``) disables it.
CACHE_ENV = "COURSE_WIDGETS_CACHE"

SLIDER_STYLE = {"description_width": "initial"}


def slider_layout(width: str = "340px") -> widgets.Layout:
    return widgets.Layout(width=width)

#: Held while any explorer draws: pictures may be drawn by a background thread (see :class:`Prerenderer`),
#: and matplotlib objects are not meant to be used from two threads at once.
RENDER_LOCK = threading.RLock()


def new_figure(width: float, height: float, dpi: int = DPI) -> Figure:
    """A figure of ``width`` x ``height`` inches with its own Agg canvas (not known to pyplot)."""
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure: Figure) -> bytes:
    """Draw ``figure`` once and return it as PNG bytes (fast zlib level: pictures are sent, not stored)."""
    buffer = io.BytesIO()
    with RENDER_LOCK:
        figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def canvas_png(figure: Figure) -> bytes:
    """PNG bytes of what is on the canvas now, without drawing it again (for blitted frames)."""
    from PIL import Image  # matplotlib depends on Pillow

    rgba = np.asarray(figure.canvas.buffer_rgba())
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


class Blitter:
    """Draw a figure's static parts once, then redraw only its *animated* artists per frame.

    Mark the artists that change with ``artist.set_animated(True)``; :meth:`frame` restores the saved
    background, draws the given artists in order and returns the PNG. 5-10x faster than a full draw,
    because ticks, labels and titles (most of the drawing time) are drawn once.
    """

    def __init__(self, figure: Figure):
        self.figure = figure
        figure.canvas.draw()  # animated artists are skipped here
        self.background = figure.canvas.copy_from_bbox(figure.bbox)

    def frame(self, artists) -> bytes:
        with RENDER_LOCK:
            canvas = self.figure.canvas
            canvas.restore_region(self.background)
            renderer = canvas.get_renderer()
            for artist in artists:
                artist.draw(renderer)
            return canvas_png(self.figure)


class Prerenderer:
    """Draw pictures ahead of time in a background thread, nearest ones first.

    ``start(keys, render, store)`` calls ``store[key] = render(key)`` for every key not yet in
    ``store``, in the given order, holding :data:`RENDER_LOCK` one picture at a time (so the kernel's
    own thread can cut in between two pictures). Calling ``start`` again cancels the previous run.
    Nothing here touches a widget: widgets are only updated from the kernel's thread.
    """

    def __init__(self):
        self._generation = 0
        self._thread: threading.Thread | None = None

    def start(self, keys, render, store) -> None:
        self._generation += 1
        generation = self._generation

        def work():
            for key in keys:
                if generation != self._generation:
                    return
                if key not in store:
                    try:
                        store[key] = render(key)
                    except Exception:  # noqa: BLE001 - the kernel thread draws it again and reports errors
                        return

        self._thread = threading.Thread(target=work, name="explorer-prerender", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._generation += 1

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run to finish; True if it did within ``timeout`` seconds."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True


def freeze_layout(figure: Figure) -> None:
    """Run constrained layout once, then keep the axes where they are.

    Re-running the layout engine on every frame costs more than drawing the frame, and a layout that
    moves with the tick labels makes the pictures jump while a slider moves.
    """
    figure.set_layout_engine("constrained")
    figure.canvas.draw()
    figure.set_layout_engine("none")


def pct(value: float) -> str:
    return f"{100.0 * value:.1f} %"


def readout(label: str) -> widgets.HTML:
    """An HTML read-out box; ``label`` is only the initial text."""
    return widgets.HTML(value=html.escape(label), layout=widgets.Layout(min_width="11em", margin="0 1.2em 0 0"))


def set_readout(box: widgets.HTML, name: str, value: str) -> None:
    box.value = f"<span style='color:#555'>{html.escape(name)}</span> <b>{html.escape(value)}</b>"


class FrameCache:
    """A small LRU cache of rendered pictures (``key -> bytes``)."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __contains__(self, key) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


def guarded(method):
    """Decorator for observers: time the update, show errors in the status line instead of losing them.

    Exceptions raised inside a widget callback are otherwise only written to the browser's log
    console, so a student would just see a picture that no longer changes.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            result = method(self, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - shown to the user, kept for tests
            self.last_error = error
            self.end_progress()
            detail = html.escape("".join(traceback.format_exception_only(type(error), error)).strip())
            self.say(f"error: {detail}", error=True)
            return None
        self.last_error = None
        self.timings.append(time.perf_counter() - start)
        del self.timings[:-50]
        return result

    return wrapper


class Explorer(widgets.VBox):
    """The container every explorer returns (CSS classes ``course-explorer`` and ``explorer-<name>``).

    Attributes
    ----------
    name : short name (``regularization``, ``optimizer``, ``lr-decay``, ``initialization``, ``ewa``).
    controls : dict ``name -> widget`` of every input (sliders, dropdowns, check boxes, play).
    sliders : dict ``name -> widget``, the slider subset of ``controls``.
    image : the :class:`ipywidgets.Image` showing the current picture (PNG bytes in ``image.value``).
    readouts : dict ``name -> ipywidgets.HTML`` of the numbers shown next to the picture.
    status : an HTML line (timings, progress messages, errors); ``progress`` : an IntProgress bar.
    The constructor's ``rows`` lists the control names of each row (default: three per row).
    last_error : the exception raised by the last update (``None`` when it went well).
    timings : list of the last update durations in seconds (kernel side: compute + draw).
    """

    def __init__(self, name: str, title: str, description: str, controls: dict, readouts: dict, image_width: int,
                 rows=None):
        self.name = name
        self.controls = dict(controls)
        self.sliders = {
            name: w
            for name, w in self.controls.items()
            if isinstance(w, (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider, widgets.SelectionSlider))
        }
        self.readouts = dict(readouts)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{image_width}px", max_width="100%"))
        self.status = widgets.HTML(value="", layout=widgets.Layout(margin="0 0 0 0.5em"))
        self.progress = widgets.IntProgress(
            value=0, min=0, max=100, description="", layout=widgets.Layout(width="240px", visibility="hidden")
        )
        self.last_error: BaseException | None = None
        self.timings: list[float] = []
        header = widgets.HTML(value=f"<h3 style='margin:0.2em 0'>{html.escape(title)}</h3><div>{description}</div>")
        if rows is None:  # three controls per row
            names = list(self.controls)
            rows = [names[start : start + 3] for start in range(0, len(names), 3)]
        rows = [widgets.HBox([self.controls[n] for n in row], layout=widgets.Layout(flex_flow="row wrap")) for row in rows]
        readout_row = widgets.HBox(list(self.readouts.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(
            children=[header, *rows, readout_row, self.image, widgets.HBox([self.progress, self.status])],
            layout=widgets.Layout(border="1px solid #ddd", padding="0.4em", max_width=f"{image_width + 40}px"),
        )
        # CSS classes: stable hooks for browser tests and for styling
        self.add_class("course-explorer")
        self.add_class(f"explorer-{name}")
        readout_row.add_class("explorer-readouts")
        self.image.add_class("explorer-image")

    # -- helpers for the subclasses
    @guarded
    def _update(self, change=None) -> None:
        """Redraw for the current control values; also the observer of controls that only need a redraw."""
        self._update_now()

    def _update_now(self) -> None:
        """Compute and show the picture for the current control values (each explorer defines it)."""
        raise NotImplementedError

    def show_png(self, png: bytes) -> None:
        if self.image.value != png:
            self.image.value = png

    def say(self, message: str, error: bool = False) -> None:
        color = "#b00" if error else "#555"
        self.status.value = f"<span style='color:{color};font-size:90%'>{message}</span>"

    def start_progress(self, total: int, label: str) -> None:
        self.progress.max = max(1, int(total))
        self.progress.value = 0
        self.progress.description = label
        self.progress.layout.visibility = "visible"

    def step_progress(self, value: int) -> None:
        self.progress.value = int(value)

    def end_progress(self) -> None:
        self.progress.layout.visibility = "hidden"


# --------------------------------------------------------------------------- disk cache
def cache_dir() -> Path | None:
    """Folder of the disk cache, or ``None`` when disabled (``COURSE_WIDGETS_CACHE=off``).

    Default: ``$XDG_CACHE_HOME/course_utils/widgets`` (``~/.cache/course_utils/widgets``).
    """
    value = os.environ.get(CACHE_ENV)
    if value is not None and value.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "course_utils" / "widgets"


def fingerprint(*parts) -> str:
    """A short hash of ``parts`` (reprs, bytes or file paths), the matplotlib and numpy versions."""
    digest = hashlib.sha256()
    for part in (*parts, matplotlib.__version__, np.__version__):
        if isinstance(part, Path):
            digest.update(part.read_bytes())
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def cache_load(name: str) -> dict | None:
    """The arrays saved under ``name`` (a dict), or ``None`` if absent, unreadable or the cache is off."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{name}.npz"
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: np.array(archive[key]) for key in archive.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None


def cache_save(name: str, arrays: dict) -> None:
    """Save ``arrays`` under ``name`` atomically; a read-only or full disk just means no cache."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
        os.replace(tmp, folder / f"{name}.npz")
    except OSError:
        pass


def pack_bytes(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate byte strings into one uint8 array plus the offsets to cut it again."""
    offsets = np.cumsum([0] + [len(item) for item in items]).astype(np.int64)
    data = np.frombuffer(b"".join(items), dtype=np.uint8) if items else np.zeros(0, np.uint8)
    return data, offsets


def unpack_bytes(data: np.ndarray, offsets: np.ndarray) -> list[bytes]:
    raw = data.tobytes()
    return [raw[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
