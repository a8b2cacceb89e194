"""Checks for the week 3 batch normalization notebook.

Exercises: ``batchnorm_forward_train`` (train-mode forward with a cache dict), ``batchnorm_backward``
(also run through the gradient-check harness on a small network), ``update_running_stats`` and
``batchnorm_forward_test``.

The student's cache is a dict with the keys of :data:`CACHE_KEYS`:
``{"Z_norm": (n, m), "mu": (n, 1), "var": (n, 1), "gamma": (n, 1), "epsilon": float}`` where ``var`` is
the biased batch variance (``1/m``), without epsilon.
"""

from __future__ import annotations

import numpy as np

from course_utils import batchnorm as reference_batchnorm
from course_utils import mlp as reference_mlp
from course_utils.activations import sigmoid
from course_utils.costs import compute_cost
from course_utils.gradient_check import gradient_check
from course_utils.checks.framework import (
    Case, CheckFailed, Exercise, exercise_table, expect_array, expect_number, hinted, unpack,
)

CACHE_KEYS = ("Z_norm", "mu", "var", "gamma", "epsilon")
"""Keys of the cache returned by the student's ``batchnorm_forward``."""

FORBIDDEN = (reference_batchnorm, reference_mlp)

_EPS_INSIDE = "divide by sqrt(var + epsilon): epsilon goes inside the square root"


# ----------------------------------------------------------------------------- shared formulas


def _stats(Z, axis=1, ddof=0):
    return Z.mean(axis=axis, keepdims=True), Z.var(axis=axis, keepdims=True, ddof=ddof)


def _normalize(Z, mu, var, epsilon):
    return (Z - mu) / np.sqrt(var + epsilon)


def _student_cache(Z, gamma, epsilon):
    """The cache the student's forward builds, computed by the check (input of the backward cases)."""
    mu, var = _stats(Z)
    return {"Z_norm": _normalize(Z, mu, var, epsilon), "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}


def _random_problem(seed, n, m, scale=1.0, offset=0.0):
    rng = np.random.default_rng(seed)
    Z = offset + scale * rng.standard_normal((n, m)) + rng.uniform(-2, 2, (n, 1))
    gamma = rng.uniform(0.5, 2.0, (n, 1))
    beta = rng.uniform(-1.0, 1.0, (n, 1))
    return Z, gamma, beta


def _nan_guard(case, got, what, message):
    """Raise ``message`` when ``got`` is a numeric array holding NaN or inf (before the generic comparison)."""
    if got is None or isinstance(got, (dict, str)):
        return
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return
    if array.size and not np.all(np.isfinite(array)):
        raise CheckFailed(f"{what} contains NaN or inf [case: {case.label}]: {message}")


# ----------------------------------------------------------------------------- forward, train mode


def _forward_cases():
    Z1, gamma1, beta1 = _random_problem(1, 3, 5, scale=0.6)
    constant = np.array([[1.0, 2.0, 4.0, 5.0], [0.7, 0.7, 0.7, 0.7]])
    Z3, gamma3, beta3 = _random_problem(3, 2, 6, scale=1e-3, offset=0.5)
    Z3 = Z3 - Z3.mean(axis=1, keepdims=True) + 0.5  # every unit: mean 0.5, variance ~1e-6 (smaller than epsilon)
    return [
        Case(
            "the second unit (row) is constant over the batch: variance 0",
            {"Z": constant, "gamma": np.array([[2.0], [1.5]]), "beta": np.array([[0.5], [-1.0]]), "epsilon": 1e-5},
        ),
        Case("Z of shape (3, 5)", {"Z": Z1, "gamma": gamma1, "beta": beta1, "epsilon": 1e-5}),
        Case("tiny variance (~1e-6), epsilon=1e-5", {"Z": Z3, "gamma": gamma3, "beta": beta3, "epsilon": 1e-5}),
    ]


def _forward_hidden_cases():
    Z1, gamma1, beta1 = _random_problem(11, 7, 16, scale=0.8)
    Z2, gamma2, beta2 = _random_problem(12, 4, 4, scale=0.9)
    Z3, gamma3, beta3 = _random_problem(13, 5, 3, scale=0.5)
    return [
        Case("Z of shape (7, 16), epsilon=1e-3", {"Z": Z1, "gamma": gamma1, "beta": beta1, "epsilon": 1e-3}),
        Case("square Z (4, 4)", {"Z": Z2, "gamma": gamma2, "beta": beta2, "epsilon": 1e-5}),
        Case("mini-batch of 3 examples", {"Z": Z3, "gamma": gamma3, "beta": beta3, "epsilon": 1e-5}),
    ]


@np.errstate(divide="ignore", invalid="ignore")  # some wrong versions divide 0 by 0 on a constant row
def _forward_mistakes(Z, gamma, beta, epsilon):
    mu, var = _stats(Z)
    Z_norm = _normalize(Z, mu, var, epsilon)
    mu0, var0 = _stats(Z, axis=0)
    mistakes = [
        (gamma * _normalize(Z, mu0, var0, epsilon) + beta,
         "the statistics were taken over the wrong axis: normalize each unit (row) over the mini-batch (axis=1), "
         "i.e. over the m examples, not over the units of one example"),
        (gamma * _normalize(Z, Z.mean(), Z.var(), epsilon) + beta,
         "one mean and one variance were computed over the whole Z: normalize each unit (row) separately, "
         "np.mean(Z, axis=1, keepdims=True) and the same for the variance"),
        (gamma * ((Z - mu) / (np.sqrt(var) + epsilon)) + beta,
         f"epsilon was added outside the square root: {_EPS_INSIDE}"),
        (gamma * ((Z - mu) / np.sqrt(var)) + beta,
         f"epsilon is missing: {_EPS_INSIDE} (without it a unit with variance 0 gives 0/0 = NaN)"),
        (beta * Z_norm + gamma, "gamma and beta are swapped: Z_tilde = gamma * Z_norm + beta (gamma scales, beta shifts)"),
        (gamma * _normalize(Z, mu, Z.var(axis=1, keepdims=True, ddof=1), epsilon) + beta,
         "the variance divides by m - 1 (ddof=1): use the batch variance with 1/m, np.var's default"),
        (Z_norm, "you returned Z_norm: scale and shift it, Z_tilde = gamma * Z_norm + beta"),
        (gamma * _normalize(Z, mu, np.mean(Z**2, axis=1, keepdims=True), epsilon) + beta,
         "the variance was computed as mean(Z**2) on the raw Z: it is the mean of the squared deviations, "
         "var = mean((Z - mu)**2) (np.var)"),
        (gamma * (Z - mu) + beta, "Z_norm is only centred: divide by sqrt(var + epsilon) after subtracting mu"),
    ]
    if epsilon != 1e-5:
        mistakes.append((gamma * _normalize(Z, mu, var, 1e-5) + beta,
                         f"use the epsilon argument (here {epsilon:g}), not a hard-coded 1e-5"))
    if Z.shape[0] == Z.shape[1]:
        flat_mu, flat_var = Z.mean(axis=1), Z.var(axis=1)
        mistakes.append(
            (gamma * ((Z - flat_mu) / np.sqrt(flat_var + epsilon)) + beta,
             "the mean and variance have shape (n,) and were broadcast along the wrong axis: "
             "use keepdims=True so that they are (n, 1) columns")
        )
    return mistakes


def _judge_forward(case: Case, output) -> None:
    Z, gamma, beta, epsilon = (case.args[k] for k in ("Z", "gamma", "beta", "epsilon"))
    Z_tilde, cache = unpack(case, output, 2, "batchnorm_forward")
    mu, var = _stats(Z)
    Z_norm = _normalize(Z, mu, var, epsilon)
    if np.any(var == 0):
        _nan_guard(
            case, Z_tilde, "Z_tilde",
            f"a unit with the same value for every example has variance 0; {_EPS_INSIDE}, "
            "never by the bare standard deviation",
        )
    with hinted("mu and var: one value per unit (row), over the m examples (axis=1, keepdims=True), var with 1/m; "
                "Z_norm = (Z - mu) / np.sqrt(var + epsilon); Z_tilde = gamma * Z_norm + beta"):
        expect_array(case, Z_tilde, gamma * Z_norm + beta, "Z_tilde", mistakes=_forward_mistakes(Z, gamma, beta, epsilon))

    if not isinstance(cache, dict):
        raise CheckFailed(
            f"the cache should be a dict with keys {list(CACHE_KEYS)}, got a {type(cache).__name__} [case: {case.label}]"
        )
    missing = [key for key in CACHE_KEYS if key not in cache]
    if missing:
        raise CheckFailed(
            f"the cache is missing {missing} [case: {case.label}]: batchnorm_backward needs "
            f"{{'Z_norm', 'mu', 'var', 'gamma', 'epsilon'}}"
        )
    expect_array(case, cache["Z_norm"], Z_norm, "cache['Z_norm']",
                 mistakes=[(gamma * Z_norm + beta, "store the normalized Z_norm, before gamma and beta")])
    expect_array(case, cache["mu"], mu, "cache['mu']")
    expect_array(
        case, cache["var"], var, "cache['var']",
        mistakes=[
            (np.sqrt(var), "store the variance sigma^2, not the standard deviation"),
            (var + epsilon, "store the batch variance itself, without epsilon"),
            (np.sqrt(var + epsilon), "store the batch variance itself, not sqrt(var + epsilon)"),
        ],
    )
    expect_array(case, cache["gamma"], gamma, "cache['gamma']")
    expect_number(case, cache["epsilon"], epsilon, "cache['epsilon']")


# ----------------------------------------------------------------------------- backward


# A tiny network for the gradient-check case: X (3, m) -> W1 -> batch norm (gamma1, beta1) -> tanh -> W2, b2 -> sigmoid.
_NET_ACTIVATIONS = ["tanh", "sigmoid"]
_NET_EPSILON = 1e-5


def _net_problem(seed: int, m: int):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 2.0, (3, m))  # not centred, so a per-row error in dZ1 shows in dW1
    Y = (rng.uniform(size=(1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]
    parameters = {
        "W1": rng.standard_normal((4, 3)),
        "gamma1": rng.uniform(0.5, 1.5, (4, 1)),
        "beta1": rng.uniform(-0.5, 0.5, (4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": rng.standard_normal((1, 1)) * 0.1,
    }
    Z1 = parameters["W1"] @ X
    cache = _student_cache(Z1, parameters["gamma1"], _NET_EPSILON)
    A1 = np.tanh(parameters["gamma1"] * cache["Z_norm"] + parameters["beta1"])
    A2 = sigmoid(parameters["W2"] @ A1 + parameters["b2"])
    dZ2 = A2 - Y  # per-example convention
    dZ_tilde = (parameters["W2"].T @ dZ2) * (1.0 - A1**2)
    grads = {"dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
    return X, Y, parameters, cache, dZ_tilde, grads


_NET_CASES = {"gradient check: 2-layer network with batch norm, m=8": (21, 8)}
_NET_HIDDEN_CASES = {"gradient check: 2-layer network with batch norm, m=5": (22, 5)}


def _net_case(label, seed, m):
    _, _, _, cache, dZ_tilde, _ = _net_problem(seed, m)
    return Case(label, {"dZ_tilde": dZ_tilde, "cache": cache})


def _backward_case(label, seed, n, m, epsilon=1e-5, scale=0.7):
    Z, gamma, _ = _random_problem(seed, n, m, scale=scale)
    dZ_tilde = np.random.default_rng(seed + 100).standard_normal((n, m))
    return Case(label, {"dZ_tilde": dZ_tilde, "cache": _student_cache(Z, gamma, epsilon)})


def _backward_cases():
    return [_net_case(label, *spec) for label, spec in _NET_CASES.items()] + [
        _backward_case("dZ_tilde of shape (3, 6)", 31, 3, 6),
    ]


def _backward_hidden_cases():
    return [_net_case(label, *spec) for label, spec in _NET_HIDDEN_CASES.items()] + [
        _backward_case("dZ_tilde of shape (6, 10), epsilon=1e-3", 32, 6, 10, epsilon=1e-3),
        _backward_case("mini-batch of 2 examples", 33, 4, 2),
    ]


def _backward_expected(dZ_tilde, cache):
    Z_norm, gamma = cache["Z_norm"], cache["gamma"]
    inv_std = 1.0 / np.sqrt(cache["var"] + cache["epsilon"])
    G = gamma * dZ_tilde
    mean_G = G.mean(axis=1, keepdims=True)
    mean_GZ = np.mean(G * Z_norm, axis=1, keepdims=True)
    dZ = inv_std * (G - mean_G - Z_norm * mean_GZ)
    dgamma = np.mean(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dbeta = np.mean(dZ_tilde, axis=1, keepdims=True)
    m = Z_norm.shape[1]
    dZ_mistakes = [
        (inv_std * G,
         "you treated mu and sigma^2 as constants (dZ = gamma * dZ_tilde / sqrt(var + epsilon)); in train mode "
         "both depend on every example of the mini-batch, which adds two terms: "
         "dZ = (gamma / sqrt(var + epsilon)) * (dZ_tilde - mean(dZ_tilde) - Z_norm * mean(dZ_tilde * Z_norm))"),
        (inv_std * (G - Z_norm * mean_GZ),
         "the term coming from the batch mean mu is missing: subtract the mean over the examples of "
         "gamma * dZ_tilde (axis=1)"),
        (inv_std * (G - mean_G),
         "the term coming from the batch variance sigma^2 is missing: subtract Z_norm times the mean over the "
         "examples of gamma * dZ_tilde * Z_norm"),
        (inv_std * (dZ_tilde - dZ_tilde.mean(axis=1, keepdims=True)
                    - Z_norm * np.mean(dZ_tilde * Z_norm, axis=1, keepdims=True)),
         "gamma is missing: Z_tilde = gamma * Z_norm + beta, so the gradient reaching Z_norm is gamma * dZ_tilde"),
        (m * dZ,
         "dZ is m times too large: in the form dZ = (1/m) * (gamma / sqrt(var + epsilon)) * (m * dZ_tilde - "
         "sum(dZ_tilde) - Z_norm * sum(dZ_tilde * Z_norm)) the 1/m in front is part of dZ (equivalently, use "
         "means over the examples, as in the formula of the notebook)"),
        (dZ / m,
         "dZ carries a 1/m it should not have: dZ is per-example (the course convention); 1/m only appears in "
         "parameter gradients such as dgamma, dbeta and dW"),
        ((G - mean_G - Z_norm * mean_GZ) / np.sqrt(cache["var"]),
         "use 1 / sqrt(var + epsilon), with the same epsilon as the forward pass"),
        (G - mean_G - Z_norm * mean_GZ,
         "the factor 1 / sqrt(var + epsilon) is missing: dZ = (gamma / sqrt(var + epsilon)) * (dZ_tilde - ...)"),
        ((G - mean_G - Z_norm * mean_GZ) / (cache["var"] + cache["epsilon"]),
         "divide by sqrt(var + epsilon), the standard deviation, not by the variance var + epsilon"),
        (inv_std * (G - mean_G + Z_norm * mean_GZ),
         "the term coming from the batch variance is subtracted, not added: dZ = (gamma / sqrt(var + epsilon)) * "
         "(dZ_tilde - mean(dZ_tilde) - Z_norm * mean(dZ_tilde * Z_norm))"),
    ]
    sum_msg = "{0} is not averaged over the m examples: by the course convention {0} = (1/m) * sum(..., axis=1)"
    dgamma_mistakes = [
        (m * dgamma, sum_msg.format("dgamma")),
        (dbeta, "dgamma and dbeta are swapped: dgamma = mean(dZ_tilde * Z_norm), dbeta = mean(dZ_tilde)"),
        (np.mean(G * Z_norm, axis=1, keepdims=True), "dgamma = mean(dZ_tilde * Z_norm): do not multiply by gamma"),
    ]
    dbeta_mistakes = [
        (m * dbeta, sum_msg.format("dbeta")),
        (dgamma, "dgamma and dbeta are swapped: dgamma = mean(dZ_tilde * Z_norm), dbeta = mean(dZ_tilde)"),
    ]
    return (dZ, dZ_mistakes), (dgamma, dgamma_mistakes), (dbeta, dbeta_mistakes)


_BACKWARD_HINTS = {
    "dZ": "dZ = (gamma / np.sqrt(var + epsilon)) * (dZ_tilde - mean(dZ_tilde) - Z_norm * mean(dZ_tilde * Z_norm)), "
          "means over the examples (axis=1, keepdims=True)",
    "dgamma": "dgamma = np.mean(dZ_tilde * Z_norm, axis=1, keepdims=True)",
    "dbeta": "dbeta = np.mean(dZ_tilde, axis=1, keepdims=True)",
}


def _compare_backward(case, got, expected) -> None:
    n, m = expected[0][0].shape
    for value, what in zip(got[1:], ("dgamma", "dbeta")):
        if np.shape(value) in ((1, m), (m,)) and m != n:
            raise CheckFailed(
                f"{what} has shape {np.shape(value)}, expected {(n, 1)} [case: {case.label}]: it was averaged over the "
                "units (axis=0); average over the examples instead, axis=1 with keepdims=True"
            )
    for value, (reference, mistakes), what in zip(got, expected, ("dZ", "dgamma", "dbeta")):
        with hinted(_BACKWARD_HINTS[what]):
            expect_array(case, value, reference, what, mistakes=mistakes)


def _is_sound(value, shape) -> bool:
    """A numeric array of the right shape without NaN/inf (otherwise the framework's own messages apply)."""
    if value is None or isinstance(value, (list, dict, str)):
        return False
    array = np.asarray(value)
    return array.shape == shape and np.issubdtype(array.dtype, np.number) and bool(np.all(np.isfinite(array)))


def _net_gradient_report(seed: int, m: int, dZ, dgamma, dbeta):
    X, Y, parameters, _, _, grads = _net_problem(seed, m)
    grads = dict(grads, dW1=np.asarray(dZ, dtype=np.float64) @ X.T / m, dgamma1=dgamma, dbeta1=dbeta)

    def cost_fn(params):
        AL, _ = reference_mlp.model_forward(X, params, _NET_ACTIVATIONS, bn_mode="train", bn_epsilon=_NET_EPSILON)
        return compute_cost(AL, Y, output="sigmoid")

    return gradient_check(cost_fn, parameters, grads)


def _judge_backward(case: Case, output) -> None:
    dZ_tilde, cache = case.args["dZ_tilde"], case.args["cache"]
    got = unpack(case, output, 3, "batchnorm_backward")
    expected = _backward_expected(dZ_tilde, cache)
    n = dZ_tilde.shape[0]
    spec = {**_NET_CASES, **_NET_HIDDEN_CASES}.get(case.label)
    shapes = (dZ_tilde.shape, (n, 1), (n, 1))
    if spec is None or not all(_is_sound(value, shape) for value, shape in zip(got, shapes)):
        _compare_backward(case, got, expected)
        return
    report = _net_gradient_report(*spec, *(np.asarray(v, dtype=np.float64) for v in got))
    try:
        _compare_backward(case, got, expected)
    except CheckFailed as failure:
        if report.passed:
            raise
        names = {"dW1": "dW1 (= (1/m) dZ X^T, from your dZ)", "dgamma1": "dgamma1", "dbeta1": "dbeta1"}
        culprits = ", ".join(names.get(name, name) for name in report.culprits) or "none singled out"
        raise CheckFailed(
            f"gradient check on a small network (X -> W1 -> batch norm -> tanh -> sigmoid) failed, relative error "
            f"{report.relative_error:.1e}; culprit(s): {culprits}. {failure}"
        ) from None
    if not report.passed:  # the values match the reference: only a tolerance issue could get here
        raise CheckFailed(f"gradient check failed (culprits {report.culprits}) [case: {case.label}]")


# ----------------------------------------------------------------------------- running statistics


def _running_case(label, seed, n, momentum):
    rng = np.random.default_rng(seed)
    return Case(
        label,
        {
            "running_mean": rng.normal(size=(n, 1)),
            "running_var": rng.uniform(0.5, 2.0, (n, 1)),
            "batch_mean": rng.normal(2.0, 1.0, (n, 1)),
            "batch_var": rng.uniform(3.0, 5.0, (n, 1)),
            "momentum": momentum,
        },
    )


def _running_cases():
    return [
        _running_case("n=3, momentum=0.9", 41, 3, 0.9),
        _running_case("momentum=0: only the current batch counts", 42, 2, 0.0),
    ]


def _running_hidden_cases():
    return [
        _running_case("n=5, momentum=0.99", 43, 5, 0.99),
        _running_case("momentum=1: the running statistics never change", 44, 3, 1.0),
        _running_case("n=4, momentum=0.8", 45, 4, 0.8),
    ]


def _judge_running(case: Case, output) -> None:
    a = case.args
    beta = a["momentum"]
    new_mean = beta * a["running_mean"] + (1 - beta) * a["batch_mean"]
    new_var = beta * a["running_var"] + (1 - beta) * a["batch_var"]
    swapped = "momentum and (1 - momentum) are swapped: running = momentum * running + (1 - momentum) * batch " \
              "(the old average keeps the weight momentum, as in the exponentially weighted averages of week 2)"
    mean, var = unpack(case, output, 2, "update_running_stats")
    order = "the outputs are in the wrong order: return (new_running_mean, new_running_var)"
    rule = "new = momentum * running + (1 - momentum) * batch, for the mean and for the variance"
    with hinted(rule):
        expect_array(case, mean, new_mean, "new running_mean", mistakes=[
            ((1 - beta) * a["running_mean"] + beta * a["batch_mean"], swapped),
            (new_var, order),
            (a["batch_mean"], "the running mean was replaced by the batch mean: average it with the old value"),
        ])
    with hinted(rule):
        expect_array(case, var, new_var, "new running_var", mistakes=[
            ((1 - beta) * a["running_var"] + beta * a["batch_var"], swapped),
            (new_mean, order),
            (beta * a["running_var"] + (1 - beta) * a["batch_mean"],
             "the running variance was averaged with batch_mean: use batch_var"),
            (a["batch_var"], "the running variance was replaced by the batch variance: average it with the old value"),
        ])


# ----------------------------------------------------------------------------- forward, test mode


def _test_case(label, seed, n, m, running_scale=1.0, epsilon=1e-5):
    rng = np.random.default_rng(seed)
    Z = rng.normal(1.0, 2.0, (n, m))
    return Case(
        label,
        {
            "Z": Z,
            "gamma": rng.uniform(0.5, 2.0, (n, 1)),
            "beta": rng.uniform(-1.0, 1.0, (n, 1)),
            "running_mean": rng.normal(0.0, 0.5, (n, 1)),
            "running_var": running_scale * rng.uniform(0.3, 1.0, (n, 1)),
            "epsilon": epsilon,
        },
    )


def _test_cases():
    return [
        _test_case("Z (3, 4) whose batch statistics differ from the running ones", 51, 3, 4),
        _test_case("a test batch of one example", 52, 3, 1),
        _test_case("tiny running variance (~1e-6), epsilon=1e-5", 53, 2, 5, running_scale=2e-6),
        _test_case("epsilon=1e-3", 56, 3, 4, running_scale=1e-3, epsilon=1e-3),
    ]


def _test_hidden_cases():
    return [
        _test_case("Z (6, 9), epsilon=1e-3", 54, 6, 9, epsilon=1e-3),
        _test_case("one example, 5 units", 55, 5, 1),
    ]


def _judge_test(case: Case, output) -> None:
    Z, gamma, beta, mean, var, epsilon = (
        case.args[k] for k in ("Z", "gamma", "beta", "running_mean", "running_var", "epsilon")
    )
    batch_msg = ("at test time use the running averages, not the statistics of the test batch "
                 "(with one example they make Z_norm = 0 for every unit, whatever the input)")
    if Z.shape[1] == 1:
        _nan_guard(case, output, "Z_tilde", batch_msg)
    Z_norm = _normalize(Z, mean, var, epsilon)
    batch_mu, batch_var = _stats(Z)
    mistakes = [
        (gamma * _normalize(Z, batch_mu, batch_var, epsilon) + beta, batch_msg),
        (gamma * _normalize(Z, batch_mu, var, epsilon) + beta, batch_msg + " (here: the batch mean)"),
        (gamma * _normalize(Z, mean, batch_var, epsilon) + beta, batch_msg + " (here: the batch variance)"),
        (gamma * (Z - mean) / (np.sqrt(var) + epsilon) + beta,
         f"epsilon was added outside the square root: {_EPS_INSIDE}"),
        (gamma * (Z - mean) / np.sqrt(var) + beta, f"epsilon is missing: {_EPS_INSIDE}"),
        (gamma * (Z - mean) / (var + epsilon) + beta,
         "running_var is a variance: divide by sqrt(running_var + epsilon), not by the variance itself"),
        (beta * Z_norm + gamma, "gamma and beta are swapped: Z_tilde = gamma * Z_norm + beta"),
        (Z_norm, "you returned Z_norm: scale and shift it, Z_tilde = gamma * Z_norm + beta"),
        (gamma * _normalize(Z, mean, var, 1e-5) + beta,
         f"use the epsilon argument (here {epsilon:g}), not a hard-coded 1e-5"),
        (gamma * Z_norm, "beta is missing: Z_tilde = gamma * Z_norm + beta"),
        (Z_norm + beta, "gamma is missing: Z_tilde = gamma * Z_norm + beta"),
    ]
    with hinted("Z_tilde = gamma * (Z - running_mean) / np.sqrt(running_var + epsilon) + beta"):
        expect_array(case, output, gamma * Z_norm + beta, "Z_tilde", mistakes=mistakes)


EXERCISES = exercise_table(
    Exercise(
        name="batchnorm_forward_train",
        visible_cases=_forward_cases,
        hidden_cases=_forward_hidden_cases,
        judge=_judge_forward,
        forbidden=FORBIDDEN,
    ),
    Exercise(
        name="batchnorm_backward",
        visible_cases=_backward_cases,
        hidden_cases=_backward_hidden_cases,
        judge=_judge_backward,
        forbidden=FORBIDDEN,
    ),
    Exercise(
        name="update_running_stats",
        visible_cases=_running_cases,
        hidden_cases=_running_hidden_cases,
        judge=_judge_running,
        forbidden=FORBIDDEN,
        may_modify=("running_mean", "running_var"),  # updating the running statistics in place is fine
    ),
    Exercise(
        name="batchnorm_forward_test",
        visible_cases=_test_cases,
        hidden_cases=_test_hidden_cases,
        judge=_judge_test,
        forbidden=FORBIDDEN,
    ),
)
