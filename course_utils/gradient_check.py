"""Gradient checking: find *and locate* a bug in a backward pass.

The check compares the gradients ``grads`` returned by a backward pass (keys ``"d" + key``,
see ``docs/conventions.md``) with centred finite differences of the cost::

    numeric_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

and summarizes the agreement with the relative error
``||g - g_approx|| / (||g|| + ||g_approx||)`` (``0/0`` is defined as ``0``).

Verdict bands (constants ``GOOD``, ``SUSPICIOUS``, ``BUG``), used everywhere in this module::

    relative error <  GOOD = 1e-7          -> "fine"
    GOOD <= relative error <= BUG = 1e-3   -> "look again"   (typically around SUSPICIOUS = 1e-5)
    relative error >  BUG                  -> "bug"          (NaN is a "bug" too)

Practical rules (from the course):

1. ``cost_fn`` must compute the *same* cost the backward pass differentiates: if ``grads``
   include the L2 term ``lambd/m * W``, ``cost_fn`` must include ``lambd/(2m) sum ||W||^2``.
2. The cost must be deterministic. :func:`gradient_check` evaluates ``cost_fn`` twice at the
   start and refuses (``ValueError``) when the two values differ, e.g. because a dropout mask is
   redrawn at every call: pass fixed ``dropout_masks`` or use ``keep_prob=1``.
3. Non-differentiable points (ReLU kinks) make the numerical gradient unreliable. The check
   detects entries whose perturbation straddles such a point from the one-sided differences it
   already has, at no extra cost (see :func:`gradient_check`), and warns with
   :class:`GradCheckWarning`.
4. Gradient checking is slow (two cost evaluations per parameter): do not run it during
   training. Check at initialization and again after some training, with dropout off.
5. A saturated example (true-class probability below ``costs.EPS = 1e-15``) makes the course's
   cross-entropy flat there (clipped) while ``dZ = A - Y`` is not: the check then blames every
   parameter of a correct network. It detects this (``report.clipped``), blames none and warns.
"""

from __future__ import annotations

import html
import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_number, check_positive, check_positive_int, check_rng
from .costs import EPS, count_clipped

__all__ = [
    "BUG",
    "GOOD",
    "SUSPICIOUS",
    "DirectionCheck",
    "EntryDiff",
    "GradCheckReport",
    "GradCheckWarning",
    "LayoutEntry",
    "ParameterCheck",
    "check_gradient_1d",
    "dictionary_to_vector",
    "gradient_check",
    "numerical_gradient",
    "one_sided_difference",
    "relative_error",
    "two_sided_difference",
    "vector_to_dictionary",
    "verdict",
]

GOOD = 1e-7
"""Relative errors below this are "fine"."""
SUSPICIOUS = 1e-5
"""Typical value of the "look again" band [GOOD, BUG]: maybe fine (kinks, float noise), maybe a small bug."""
BUG = 1e-3
"""Relative errors above this are a "bug"."""

NOISE_ULPS = 16
"""Rounding noise of a centred difference, per entry: ``NOISE_ULPS * machine_eps * |J| / epsilon``.

A parameter (or fast-mode direction) whose absolute difference ``||g - g_approx||`` is below this
noise level (times ``sqrt(size)``) is reported "fine" whatever its relative error, marked
``below_noise``: its true gradient is ~0 and the finite difference cannot resolve it (e.g. a
bias before batch norm, whose true gradient is exactly 0). With ``|J| ~ 1`` and
``epsilon = 1e-7`` the level is ~4e-8 per entry.
"""

_MACHINE_EPS = float(np.finfo(np.float64).eps)
_VERDICTS = ("fine", "look again", "bug")


class GradCheckWarning(UserWarning):
    """Warns that a gradient check result may be unreliable (e.g. a perturbation crossed a ReLU kink)."""


# ----------------------------------------------------------------------------- verdicts


def verdict(rel_error) -> str:
    """Verdict for a relative error: ``"fine"`` (< GOOD), ``"look again"`` (GOOD..BUG, inclusive) or ``"bug"`` (> BUG or NaN)."""
    if isinstance(rel_error, bool) or not isinstance(rel_error, (int, float, np.integer, np.floating)):
        raise TypeError(f"rel_error must be a real number, got {type(rel_error).__name__} {rel_error!r}")
    value = float(rel_error)
    if math.isnan(value):
        return "bug"
    if value < 0:
        raise ValueError(f"rel_error must be >= 0, got {value!r}")
    if value < GOOD:
        return "fine"
    if value <= BUG:
        return "look again"
    return "bug"


def relative_error(g, g_approx) -> float:
    """``||g - g_approx|| / (||g|| + ||g_approx||)`` over all entries (Frobenius norm), with ``0/0 = 0``.

    NaN or infinite entries give ``nan`` (which :func:`verdict` calls a "bug").
    """
    g = as_float_array(g, "g", allow_nan=True)
    g_approx = as_float_array(g_approx, "g_approx", allow_nan=True)
    if g.shape != g_approx.shape:
        raise ValueError(f"g and g_approx must have the same shape, got {g.shape} and {g_approx.shape}")
    return _rel(np.linalg.norm(g - g_approx), np.linalg.norm(g) + np.linalg.norm(g_approx))


def _rel(diff_norm: float, denominator: float) -> float:
    diff_norm, denominator = float(diff_norm), float(denominator)
    if not (math.isfinite(diff_norm) and math.isfinite(denominator)):
        return math.nan
    if denominator == 0.0:
        return 0.0
    return diff_norm / denominator


# ----------------------------------------------------------------------------- 1-D helpers


def _scalar_or_array(value, name: str):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number or array, got bool {value!r}")
    array = as_float_array(value, name)
    return float(array) if array.ndim == 0 else array


def _check_epsilon(epsilon):
    epsilon = _scalar_or_array(epsilon, "epsilon")
    if np.any(np.asarray(epsilon) <= 0):
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    return epsilon


def one_sided_difference(f: Callable, x, epsilon=1e-7):
    """Forward difference ``(f(x + eps) - f(x)) / eps``: error O(eps).

    ``x`` and ``epsilon`` may be numbers or arrays (broadcast together; ``f`` must then accept
    arrays, like ``np.sin``), e.g. ``one_sided_difference(np.sin, 1.0, np.logspace(-8, -1, 8))``.
    """
    if not callable(f):
        raise TypeError(f"f must be a callable f(x), got {type(f).__name__}")
    x = _scalar_or_array(x, "x")
    epsilon = _check_epsilon(epsilon)
    return (f(x + epsilon) - f(x)) / epsilon


def two_sided_difference(f: Callable, x, epsilon=1e-7):
    """Centred difference ``(f(x + eps) - f(x - eps)) / (2 eps)``: error O(eps^2). Same arguments as :func:`one_sided_difference`."""
    if not callable(f):
        raise TypeError(f"f must be a callable f(x), got {type(f).__name__}")
    x = _scalar_or_array(x, "x")
    epsilon = _check_epsilon(epsilon)
    return (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)


def check_gradient_1d(f: Callable, df: Callable, x, epsilon=1e-7) -> float:
    """Relative error between the derivative ``df(x)`` and the centred difference of ``f`` at the number ``x``.

    ``|df(x) - approx| / (|df(x)| + |approx|)`` (``0/0 = 0``); compare it with :func:`verdict`.
    Example (the course's first exercise, ``J(theta) = theta * x`` with x = 2):
    ``check_gradient_1d(lambda t: t * 2, lambda t: 2, x=4.0)`` is ~0.
    """
    if not callable(f):
        raise TypeError(f"f must be a callable f(x), got {type(f).__name__}")
    if not callable(df):
        raise TypeError(f"df must be a callable df(x), got {type(df).__name__}")
    x = check_number(x, "x")
    epsilon = check_positive(epsilon, "epsilon")
    analytic = _to_float(df(x), "df(x)")
    approx = (_to_float(f(x + epsilon), "f(x)") - _to_float(f(x - epsilon), "f(x)")) / (2 * epsilon)
    return _rel(abs(analytic - approx), abs(analytic) + abs(approx))


def _to_float(value, name: str) -> float:
    if type(value) is float:
        return value
    if isinstance(value, (np.floating, np.integer, int)) and not isinstance(value, bool):
        return float(value)
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must return a real number, got {type(value).__name__}") from None
    if array.size != 1 or isinstance(value, bool):
        raise TypeError(f"{name} must return a real number (the cost), got {type(value).__name__} of shape {array.shape}")
    return float(array.reshape(-1)[0])


# ----------------------------------------------------------------------------- dict <-> vector


class LayoutEntry(NamedTuple):
    """Where parameter ``key`` (shape ``shape``) lives in the flat vector: ``theta[offset:offset + size]``."""

    key: str
    shape: tuple
    offset: int
    size: int


_KEY_NUMBER = re.compile(r"^(.*?)(\d+)$")


def _sort_key(key: str):
    match = _KEY_NUMBER.match(key)
    if match:
        return (0, int(match.group(2)), match.group(1))
    return (1, 0, key)


def _check_parameters(parameters, keys) -> tuple[list[str], dict]:
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict such as {{'W1': ..., 'b1': ...}}, got {type(parameters).__name__}")
    if not parameters:
        raise ValueError("parameters must contain at least one array, got an empty dict")
    for key in parameters:
        if not isinstance(key, str):
            raise TypeError(f"parameters keys must be strings such as 'W1', got {type(key).__name__} {key!r}")
    if keys is None:
        keys = sorted(parameters, key=_sort_key)
    else:
        if isinstance(keys, str) or not hasattr(keys, "__iter__"):
            raise TypeError(f"keys must be a list of parameter names, got {type(keys).__name__}")
        keys = list(keys)
        if not keys:
            raise ValueError("keys must name at least one parameter, got []")
        missing = [k for k in keys if k not in parameters]
        if missing:
            raise ValueError(f"keys must be keys of parameters {list(parameters)}, got unknown {missing}")
        if len(set(keys)) != len(keys):
            raise ValueError(f"keys must not repeat a name, got {keys}")
    arrays = {k: as_float_array(parameters[k], f"parameters['{k}']") for k in keys}
    return keys, arrays


def dictionary_to_vector(parameters, keys=None) -> tuple[np.ndarray, tuple[LayoutEntry, ...]]:
    """Flatten a parameter dict into one float64 vector ``theta``; return ``(theta, layout)``.

    Works for any keys and shapes. The order is ``keys`` when given (e.g. ``list(parameters)``
    for the dict's order), otherwise sorted by layer number then name: ``W1, b1, W2, beta2,
    gamma2, ...`` (keys without a trailing number come last). ``layout`` is a tuple of
    :class:`LayoutEntry` ``(key, shape, offset, size)``; arrays are flattened in C order.
    """
    keys, arrays = _check_parameters(parameters, keys)
    layout, offset = [], 0
    for key in keys:
        array = arrays[key]
        layout.append(LayoutEntry(key, tuple(array.shape), offset, int(array.size)))
        offset += int(array.size)
    theta = np.empty(offset, dtype=np.float64)
    for entry in layout:
        theta[entry.offset : entry.offset + entry.size] = arrays[entry.key].reshape(-1)
    return theta, tuple(layout)


def _check_layout(layout) -> tuple[LayoutEntry, ...]:
    if isinstance(layout, (str, bytes)) or not hasattr(layout, "__iter__"):
        raise TypeError(f"layout must be the layout returned by dictionary_to_vector, got {type(layout).__name__}")
    entries = []
    for item in layout:
        try:
            key, shape, offset = item[0], tuple(item[1]), int(item[2])
        except (TypeError, IndexError, ValueError):
            raise TypeError(f"layout entries must be (key, shape, offset[, size]), got {item!r}") from None
        entries.append(LayoutEntry(key, shape, offset, math.prod(shape)))
    return tuple(entries)


def vector_to_dictionary(theta, layout) -> dict:
    """Inverse of :func:`dictionary_to_vector`: a new dict ``{key: array of its shape}`` (copies, not views)."""
    theta = as_float_array(theta, "theta", ndim=1, allow_nan=True)
    layout = _check_layout(layout)
    total = sum(entry.size for entry in layout)
    if theta.size != total:
        raise ValueError(f"theta must have {total} entries to match layout, got {theta.size}")
    return {
        entry.key: theta[entry.offset : entry.offset + entry.size].reshape(entry.shape).copy() for entry in layout
    }


def _views(buffer: np.ndarray, layout) -> dict:
    return {entry.key: buffer[entry.offset : entry.offset + entry.size].reshape(entry.shape) for entry in layout}


def _flat_grads(grads, layout) -> np.ndarray:
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict such as {{'dW1': ..., 'db1': ...}}, got {type(grads).__name__}")
    missing = ["d" + entry.key for entry in layout if "d" + entry.key not in grads]
    if missing:
        raise ValueError(
            f"grads must contain 'd' + key for every parameter, got no {missing} (grads keys: {sorted(map(str, grads))})"
        )
    flat = np.empty(sum(entry.size for entry in layout), dtype=np.float64)
    for entry in layout:
        name = "d" + entry.key
        array = as_float_array(grads[name], f"grads['{name}']", allow_nan=True)
        if array.shape != entry.shape:
            raise ValueError(
                f"grads['{name}'] must have the shape of parameters['{entry.key}'] {entry.shape}, got {array.shape}"
            )
        flat[entry.offset : entry.offset + entry.size] = array.reshape(-1)
    return flat


# ----------------------------------------------------------------------------- evaluation core


class _Cost:
    """Evaluates ``cost_fn`` on dicts of views into one buffer (no copies per evaluation) and counts calls."""

    def __init__(self, cost_fn, parameters, keys):
        if not callable(cost_fn):
            raise TypeError(f"cost_fn must be a callable cost_fn(parameters) -> float, got {type(cost_fn).__name__}")
        self.cost_fn = cost_fn
        self.theta0, self.layout = dictionary_to_vector(parameters, keys)
        self.buffer = self.theta0.copy()
        checked = _views(self.buffer, self.layout)
        # cost_fn sees every parameter (dict order kept); only the checked ones are perturbed
        self.views = {
            key: checked[key] if key in checked else as_float_array(value, f"parameters['{key}']").copy()
            for key, value in parameters.items()
        }
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        # A fresh (shallow) dict each call: cost_fn may rebind keys without breaking the views.
        return _to_float(self.cost_fn(dict(self.views)), "cost_fn")

    def check_deterministic(self) -> float:
        """Rule 2: evaluate twice at theta; refuse a cost that changes (dropout mask redrawn) or mutates parameters."""
        first = self()
        second = self()
        if not np.array_equal(self.buffer, self.theta0):
            raise ValueError(
                "cost_fn must not modify parameters in place, got changed values after calling it: "
                "compute the cost from a copy or without updating the parameters"
            )
        if not math.isfinite(first):
            raise ValueError(f"cost_fn must return a finite cost at the given parameters, got {first!r}")
        if first != second and abs(first - second) > 4 * _MACHINE_EPS * max(abs(first), abs(second)):
            raise ValueError(
                f"cost_fn must be deterministic for gradient checking, but cost_fn returned different values for the "
                f"same parameters ({first!r} then {second!r}): fix the dropout mask (pass dropout_masks) or set "
                f"keep_prob=1 before gradient checking"
            )
        return first

    def noise(self, j0: float, epsilon: float) -> float:
        """Rounding noise of one centred difference with step ``epsilon`` (see ``NOISE_ULPS``)."""
        return NOISE_ULPS * _MACHINE_EPS * abs(j0) / epsilon

    def scan(self, epsilon: float):
        """Full two-sided scan: returns ``(J_plus, J_minus, h_plus, h_minus)`` per entry (actual float steps)."""
        theta0, buffer = self.theta0, self.buffer
        plus = theta0 + epsilon
        minus = theta0 - epsilon
        n = theta0.size
        j_plus = np.empty(n)
        j_minus = np.empty(n)
        for i in range(n):
            buffer[i] = plus[i]
            j_plus[i] = self()
            buffer[i] = minus[i]
            j_minus[i] = self()
            buffer[i] = theta0[i]
        return j_plus, j_minus, plus - theta0, theta0 - minus

    def directional(self, u: np.ndarray, step: float):
        """``J(theta + step u)``, ``J(theta - step u)`` and the actual float displacements."""
        theta0, buffer = self.theta0, self.buffer
        np.add(theta0, step * u, out=buffer)
        delta_plus = buffer - theta0
        j_plus = self()
        np.subtract(theta0, step * u, out=buffer)
        delta_minus = theta0 - buffer
        j_minus = self()
        buffer[...] = theta0
        return j_plus, j_minus, delta_plus, delta_minus


def numerical_gradient(cost_fn: Callable, parameters, epsilon=1e-7) -> dict:
    """Centred-difference gradient ``(J(theta + eps e_i) - J(theta - eps e_i)) / 2eps`` of every entry, in float64.

    ``cost_fn(parameters) -> float``; returns ``{"d" + key: array}`` with the parameters' shapes.
    Costs ``2 n + 2`` evaluations for ``n`` entries (the first two check that ``cost_fn`` is
    deterministic, as in :func:`gradient_check`). ``parameters`` is not modified.
    """
    epsilon = check_positive(epsilon, "epsilon")
    cost = _Cost(cost_fn, parameters, None)
    cost.check_deterministic()
    j_plus, j_minus, h_plus, h_minus = cost.scan(epsilon)
    numeric = (j_plus - j_minus) / (h_plus + h_minus)
    return {"d" + key: value for key, value in vector_to_dictionary(numeric, cost.layout).items()}


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True)
class EntryDiff:
    """One entry of a gradient: its index in the parameter, both gradients and their absolute difference."""

    index: tuple
    analytic: float
    numeric: float
    abs_diff: float


@dataclass(frozen=True)
class ParameterCheck:
    """Result for one parameter gradient (``name`` like ``"dW2"``); ``worst`` holds its top-3 entries by ``abs_diff``."""

    name: str
    relative_error: float
    verdict: str
    abs_error: float
    size: int
    worst: tuple = ()
    below_noise: bool = False


@dataclass(frozen=True)
class DirectionCheck:
    """Fast mode: directional derivative along one random unit direction, numeric vs analytic (``grads . u``)."""

    numeric: float
    analytic: float
    relative_error: float
    verdict: str


@dataclass
class GradCheckReport:
    """What :func:`gradient_check` found.

    ``relative_error``/``verdict``: overall (full mode: over all entries; fast mode without
    fall-back: the worst direction). ``passed``: no parameter (or direction) in the "bug" band.
    ``parameters``: ``{"dW1": ParameterCheck, ...}`` (empty if fast mode passed). ``culprits``:
    names of the parameters whose own error is in the "bug" band. ``mode`` is ``"full"`` or
    ``"fast"``; ``fell_back`` tells that fast mode was not "fine" and the full check was run.
    ``kinks`` lists entries (or directions) whose perturbation straddled a non-differentiable point.
    ``clipped``: examples whose true-class probability the course's cross-entropy clipped at ``EPS`` at theta;
    when the check then fails, no parameter is blamed (``culprits`` is empty): see :func:`gradient_check`.
    """

    relative_error: float
    verdict: str
    mode: str
    epsilon: float
    parameters: dict = field(default_factory=dict)
    directions: tuple = ()
    fell_back: bool = False
    fast_relative_error: float | None = None
    n_evaluations: int = 0
    kinks: tuple = ()
    noise: float = 0.0
    clipped: int = 0

    @property
    def culprits(self) -> list[str]:
        """Gradient names (``"dW2"``, ...) whose own relative error is in the "bug" band (none when ``clipped``)."""
        if self.clipped:
            return []
        return [name for name, check in self.parameters.items() if check.verdict == "bug"]

    @property
    def passed(self) -> bool:
        """True when neither the overall error nor any parameter is in the "bug" band."""
        return self.verdict != "bug" and not any(check.verdict == "bug" for check in self.parameters.values())

    def __getitem__(self, name: str) -> ParameterCheck:
        return self.parameters[name]

    # -- text
    def _headline(self) -> str:
        status = "PASSED" if self.passed else "CANNOT JUDGE (cost clipped)" if self.clipped else "FAILED"
        lines = []
        if self.fast_relative_error is not None:
            n = len(self.directions)
            fast = f"fast mode ({n} random direction{'s' if n != 1 else ''}): worst relative error {self.fast_relative_error:.2e} -> {verdict(self.fast_relative_error)}"
            if self.fell_back:
                fast += "; fell back to the full check to locate the problem"
            lines.append(fast)
        lines.append(
            f"gradient check ({self.mode}, epsilon={self.epsilon:g}, {self.n_evaluations} cost evaluations): "
            f"relative error {self.relative_error:.2e} -> {self.verdict}: {status}"
        )
        if self.culprits:
            lines.append("culprit(s): " + ", ".join(self.culprits))
        if self.clipped and not self.passed:
            lines.append(_clipped_message(self.clipped))
        if self.kinks:
            shown = ", ".join(self.kinks[:3]) + (", ..." if len(self.kinks) > 3 else "")
            lines.append(
                f"warning: {len(self.kinks)} perturbation(s) straddle a kink ({shown}): "
                "their error may be an artefact of the kink, not a bug"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        text = self._headline()
        if not self.parameters:
            return text
        rows = [("parameter", "rel. error", "verdict", "worst entry: analytic vs numeric (|diff|)")]
        for check in self.parameters.values():
            worst = "-"
            if check.worst:
                w = check.worst[0]
                worst = f"{list(w.index)}: {w.analytic:.6g} vs {w.numeric:.6g} ({w.abs_diff:.1e})"
            note = " (below noise)" if check.below_noise else ""
            rows.append((check.name, f"{check.relative_error:.2e}", check.verdict + note, worst))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3] + ("  <--" if row[2] == "bug" else "")
            for row in rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        return text + "\n" + "\n".join(lines)

    def __repr__(self) -> str:
        return f"<GradCheckReport {self.mode} rel_error={self.relative_error:.2e} {self.verdict!r} passed={self.passed} culprits={self.culprits}>"

    # -- notebook
    def _repr_html_(self) -> str:
        colours = {"fine": "#e6f4ea", "look again": "#fff4ce", "bug": "#fbd5d5"}
        head = "<br>".join(html.escape(line) for line in self._headline().splitlines())
        parts = [f"<div class='gradcheck'><p>{head}</p>"]
        if self.parameters:
            parts.append(
                "<table><thead><tr><th>parameter</th><th>relative error</th><th>verdict</th>"
                "<th>worst entries (index: analytic vs numeric)</th></tr></thead><tbody>"
            )
            for check in self.parameters.values():
                worst = "<br>".join(
                    html.escape(f"{list(w.index)}: {w.analytic:.6g} vs {w.numeric:.6g} (|diff| {w.abs_diff:.1e})")
                    for w in check.worst
                )
                style = f" style='background:{colours[check.verdict]}'" if check.verdict != "fine" else ""
                weight = "<b>" if check.verdict == "bug" else ""
                end = "</b>" if weight else ""
                parts.append(
                    f"<tr class='{check.verdict.replace(' ', '-')}'{style}><td>{weight}{html.escape(check.name)}{end}</td>"
                    f"<td>{check.relative_error:.2e}</td><td>{html.escape(check.verdict)}</td><td>{worst}</td></tr>"
                )
            parts.append("</tbody></table>")
        parts.append("</div>")
        return "".join(parts)


# ----------------------------------------------------------------------------- the check


def _kink_mask(j0, j_plus, j_minus, h_plus, h_minus, analytic, noise):
    """Entries whose centred difference straddles a non-differentiable point.

    With a kink inside ``[theta - eps, theta + eps]`` the two one-sided slopes R and L differ by
    a finite jump and the centred estimate C misses the correct one-sided derivative by exactly
    ``|R - L| / 2``. For a smooth cost ``R - L ~ eps * J''`` while ``C - A = O(eps^2)``. So an entry
    is flagged when its error ``|C - A|`` is real (above 100x the rounding noise and not "fine")
    and the slopes disagree enough to explain it: ``|R - L| >= |C - A|``.
    """
    right = (j_plus - j0) / h_plus
    left = (j0 - j_minus) / h_minus
    centred = (j_plus - j_minus) / (h_plus + h_minus)
    err = np.abs(centred - analytic)
    with np.errstate(invalid="ignore", divide="ignore"):
        real = (err > 100 * noise) & (err >= GOOD * (np.abs(centred) + np.abs(analytic)))
    return real & (np.abs(right - left) >= err)


def _index_name(layout, flat_index: int) -> str:
    for entry in layout:
        if entry.offset <= flat_index < entry.offset + entry.size:
            index = np.unravel_index(flat_index - entry.offset, entry.shape) if entry.shape else ()
            return f"d{entry.key}[{', '.join(str(int(i)) for i in index)}]"
    raise IndexError(flat_index)


def _full(cost: _Cost, analytic: np.ndarray, j0: float, epsilon: float):
    j_plus, j_minus, h_plus, h_minus = cost.scan(epsilon)
    numeric = (j_plus - j_minus) / (h_plus + h_minus)
    noise = cost.noise(j0, epsilon)
    diff = np.abs(analytic - numeric)
    results = {}
    for entry in cost.layout:
        sl = slice(entry.offset, entry.offset + entry.size)
        a, g, d = analytic[sl], numeric[sl], diff[sl]
        abs_error = float(np.linalg.norm(d))
        rel = _rel(abs_error, np.linalg.norm(a) + np.linalg.norm(g))
        below_noise = bool(
            math.isfinite(rel) and abs_error <= noise * math.sqrt(entry.size) and verdict(rel) != "fine"
        )
        k = min(3, entry.size)
        safe = np.where(np.isnan(d), np.inf, d)
        top = np.argpartition(-safe, k - 1)[:k] if entry.size > k else np.arange(entry.size)
        top = top[np.argsort(-safe[top], kind="stable")]
        worst = tuple(
            EntryDiff(
                tuple(int(i) for i in np.unravel_index(int(t), entry.shape)) if entry.shape else (),
                float(a[t]),
                float(g[t]),
                float(d[t]),
            )
            for t in top
        )
        results["d" + entry.key] = ParameterCheck(
            "d" + entry.key,
            rel,
            "fine" if below_noise else verdict(rel),
            abs_error,
            entry.size,
            worst,
            below_noise,
        )
    total_diff = float(np.linalg.norm(analytic - numeric))
    overall = _rel(total_diff, np.linalg.norm(analytic) + np.linalg.norm(numeric))
    overall_verdict = "fine" if total_diff <= noise * math.sqrt(analytic.size) else verdict(overall)
    kinks = np.flatnonzero(_kink_mask(j0, j_plus, j_minus, h_plus, h_minus, analytic, noise))
    kink_names = tuple(_index_name(cost.layout, int(i)) for i in kinks)
    return overall, overall_verdict, results, kink_names, noise


def _fast(cost: _Cost, analytic: np.ndarray, j0: float, epsilon: float, rng, n_directions: int):
    n = analytic.size
    step = epsilon * math.sqrt(n)
    noise = cost.noise(j0, step)
    directions, kinks = [], []
    for k in range(n_directions):
        u = rng.standard_normal(n)
        norm = np.linalg.norm(u)
        u = u / norm if norm > 0 else np.ones(n) / math.sqrt(n)
        j_plus, j_minus, delta_plus, delta_minus = cost.directional(u, step)
        # Project the analytic gradient on the displacements actually taken (float rounding included).
        a_plus = float(analytic @ delta_plus) / step
        a_minus = float(analytic @ delta_minus) / step
        dd_ana = 0.5 * (a_plus + a_minus)
        dd_num = (j_plus - j_minus) / (2 * step)
        diff = abs(dd_num - dd_ana)
        rel = _rel(diff, abs(dd_num) + abs(dd_ana))
        below_noise = math.isfinite(rel) and diff <= noise
        directions.append(DirectionCheck(dd_num, dd_ana, rel, "fine" if below_noise else verdict(rel)))
        straddles = _kink_mask(
            j0, np.array([j_plus]), np.array([j_minus]), step, step, np.array([dd_ana]), noise
        )
        if straddles[0]:
            kinks.append(f"direction {k}")
    return tuple(directions), tuple(kinks), noise


def _warn_kinks(kinks, epsilon):
    if kinks:
        shown = ", ".join(kinks[:3]) + (", ..." if len(kinks) > 3 else "")
        warnings.warn(
            f"{len(kinks)} perturbation(s) ({shown}) straddle a non-differentiable point (a ReLU kink?): the left and "
            f"right one-sided slopes differ enough to explain their error, so their numerical gradient is unreliable "
            f"(this is not a bug in the backward pass). Check again at other parameters or inputs, or with a smaller "
            f"epsilon than {epsilon:g}.",
            GradCheckWarning,
            stacklevel=3,
        )


def _clipped_message(clipped: int) -> str:
    return (
        f"{clipped} example(s) have a true-class probability below {EPS:g}: the cost clips it (flat at "
        f"-log({EPS:g}) = {-math.log(EPS):.1f} per example) while the backward pass (dZ = A - Y) does not, so every "
        "gradient looks wrong. That says nothing about the backward pass: check at parameters where no example is "
        "saturated (smaller weights, other inputs), or without those examples."
    )


def gradient_check(
    cost_fn: Callable,
    parameters,
    grads,
    epsilon=1e-7,
    *,
    fast: bool = False,
    rng=None,
    n_directions: int = 2,
    keys=None,
) -> GradCheckReport:
    """Compare ``grads`` (from your backward pass) with centred differences of ``cost_fn``; locate any bug.

    Arguments:
        cost_fn: ``cost_fn(parameters) -> float``, the cost your backward pass differentiates. It
            must include the L2 term ``lambd/(2m) sum ||W||^2`` if ``grads`` include
            ``lambd/m * W``, and must be deterministic: with dropout, pass fixed
            ``dropout_masks`` (or ``keep_prob=1``). It receives a dict of arrays; do not modify them.
        parameters: ``{"W1": ..., "b1": ..., "gamma2": ...}`` of any shapes (not modified).
        grads: ``{"dW1": ..., ...}``, one ``"d" + key`` per parameter (extra keys such as ``dA1``
            are ignored).
        epsilon: finite-difference step (full mode: per entry).
        fast: check ``n_directions`` random directional derivatives instead of every entry
            (``2 + 2 * n_directions`` cost evaluations, like ``torch.autograd.gradcheck(fast_mode=True)``).
            Each direction ``u`` is a random unit vector over all ``n`` flattened entries; the
            step along it is ``h = epsilon * sqrt(n)`` so that each entry moves by about
            ``epsilon`` as in the full check (a step of ``epsilon`` would drown the directional
            derivative, ~``||g|| / sqrt(n)``, in rounding noise). It compares
            ``(J(theta + h u) - J(theta - h u)) / 2h`` with ``grads . u`` using
            ``|dd_num - dd_ana| / (|dd_num| + |dd_ana|)`` and the same bands. If any direction
            is not "fine" the full check runs automatically to name the culprit
            (``report.fell_back``); "look again" also falls back because a random direction mixes
            all parameters, so a bug in a parameter with small gradients shows only weakly.
        rng: ``numpy.random.Generator`` for the directions (default ``np.random.default_rng(0)``).
        n_directions: number of random directions in fast mode.
        keys: parameter names to check (default: all, sorted by layer then name); ``cost_fn``
            still receives every parameter, the others held fixed.

    Returns a :class:`GradCheckReport`: ``report.passed``, ``report.verdict``,
    ``report.culprits`` (e.g. ``["dW2"]``), ``report["dW2"].worst``; ``print(report)`` shows a
    table and notebooks render it as HTML.

    Raises ``ValueError`` if the two initial evaluations of ``cost_fn(parameters)`` differ
    ("cost_fn returned different values for the same parameters"): a non-deterministic cost
    (dropout mask redrawn at each call) cannot be gradient-checked.

    Kinks: ReLU (and max, abs, ...) are not differentiable at 0; when a perturbation of
    ``+-epsilon`` crosses such a point the centred difference is wrong by half the jump in slope.
    The check already has ``J(theta)`` and ``J(theta +- epsilon)``, so it compares the right and
    left one-sided slopes ``R`` and ``L`` of every entry (or direction) for free and emits a
    :class:`GradCheckWarning` (listed in ``report.kinks``) when ``|R - L|`` is large enough to
    explain that entry's error (``>= |numeric - analytic|``, an error that is not "fine" and above
    100x rounding noise). A smooth cost has ``R - L ~ epsilon * J''``, far too small to do so.

    Clipping: when ``cost_fn`` uses the course's cross-entropy (:mod:`course_utils.costs`) and an
    example's true-class probability is below ``EPS`` at ``parameters``, the cost is clipped (flat)
    there while the backward pass is not. The report counts those examples (``report.clipped``); if
    the check fails it blames no parameter (``culprits == []``, status "CANNOT JUDGE") and emits a
    :class:`GradCheckWarning`. A cost of your own that clips is not detected.

    Use it at initialization and again after some training, never inside the training loop (it
    costs two cost evaluations per parameter entry), and with dropout off or masks fixed.
    """
    epsilon = check_positive(epsilon, "epsilon")
    if not isinstance(fast, bool):
        raise TypeError(f"fast must be a bool, got {type(fast).__name__} {fast!r}")
    n_directions = check_positive_int(n_directions, "n_directions")
    if rng is None:
        rng = np.random.default_rng(0)
    check_rng(rng)

    cost = _Cost(cost_fn, parameters, keys)
    analytic = _flat_grads(grads, cost.layout)
    with count_clipped() as clipped:
        j0 = cost.check_deterministic()
    clipped = clipped[0]

    directions, fast_rel, fell_back = (), None, False
    if fast:
        directions, kinks, noise = _fast(cost, analytic, j0, epsilon, rng, n_directions)
        fast_rel = max(
            (d.relative_error for d in directions), key=lambda r: math.inf if math.isnan(r) else r
        )
        fast_verdict = max((d.verdict for d in directions), key=_VERDICTS.index)
        if fast_verdict == "fine":
            _warn_kinks(kinks, epsilon)
            return GradCheckReport(
                fast_rel, fast_verdict, "fast", epsilon, {}, directions, False, fast_rel, cost.calls, kinks, noise,
                clipped,
            )
        fell_back = True

    overall, overall_verdict, results, kinks, noise = _full(cost, analytic, j0, epsilon)
    _warn_kinks(kinks, epsilon)
    report = GradCheckReport(
        overall, overall_verdict, "full", epsilon, results, directions, fell_back, fast_rel, cost.calls, kinks, noise,
        clipped,
    )
    if clipped and not report.passed:
        warnings.warn(_clipped_message(clipped), GradCheckWarning, stacklevel=2)
    return report
