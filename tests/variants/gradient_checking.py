"""Correct answers written differently and named mistakes for the gradient checking exercises (week 1, part 3).

Every function has the exercise's parameter names. The correct ones round differently from the reference
(actual step, each term divided first, helper functions, loops over the dict, other orders, column vectors),
so they pass only if the check judges the meaning of the relative error, not its last bits.
"""

from __future__ import annotations

import math

import numpy as np

# ============================================================================ gradient_check_1d


def _centred(f, x, epsilon):
    return (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)


def one_d_textbook(f, df, x, epsilon=1e-7):
    g = df(x)
    approx = _centred(f, x, epsilon)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def one_d_halved_then_divided(f, df, x, epsilon=1e-7):
    g = float(df(x))
    approx = (f(x + epsilon) - f(x - epsilon)) / 2 / epsilon
    return abs(approx - g) / (abs(approx) + abs(g))


def one_d_actual_step(f, df, x, epsilon=1e-7):
    x_plus, x_minus = x + epsilon, x - epsilon
    approx = (f(x_plus) - f(x_minus)) / (x_plus - x_minus)  # the step the floats really took
    g = df(x)
    return float(abs(g - approx) / (abs(g) + abs(approx)))


def one_d_terms_divided_first(f, df, x, epsilon=1e-7):
    approx = f(x + epsilon) / (2 * epsilon) - f(x - epsilon) / (2 * epsilon)
    g = df(x)
    return math.fabs(g - approx) / (math.fabs(g) + math.fabs(approx))


def one_d_arrays_and_sqrt(f, df, x, epsilon=1e-7):
    g = np.array([df(x)])
    approx = np.array([f(x + epsilon) - f(x - epsilon)]) * (0.5 / epsilon)
    return np.sqrt(np.sum((g - approx) ** 2)) / (np.sqrt(np.sum(g**2)) + np.sqrt(np.sum(approx**2)))


def _numerical_derivative(f, x, epsilon):
    return (f(x + epsilon) - f(x - epsilon)) / (2.0 * epsilon)


def _relative_error(a, b):
    return np.linalg.norm(np.subtract(a, b)) / (np.linalg.norm(a) + np.linalg.norm(b))


def one_d_helpers(f, df, x, epsilon=1e-7):
    return _relative_error(_numerical_derivative(f, x, epsilon), df(x))


# ----------------------------------------------------------------- mistakes


def one_d_one_sided(f, df, x, epsilon=1e-7):
    g, approx = df(x), (f(x + epsilon) - f(x)) / epsilon
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_no_two(f, df, x, epsilon=1e-7):
    g, approx = df(x), (f(x + epsilon) - f(x - epsilon)) / epsilon
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_times_epsilon(f, df, x, epsilon=1e-7):
    g, approx = df(x), (f(x + epsilon) - f(x - epsilon)) / 2 * epsilon  # the precedence slip
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_numerator_without_parentheses(f, df, x, epsilon=1e-7):
    g, approx = df(x), f(x + epsilon) - f(x - epsilon) / (2 * epsilon)
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_absolute(f, df, x, epsilon=1e-7):
    return abs(df(x) - _centred(f, x, epsilon))


def one_d_over_g(f, df, x, epsilon=1e-7):
    g = df(x)
    return abs(g - _centred(f, x, epsilon)) / abs(g)


def one_d_over_approx(f, df, x, epsilon=1e-7):
    approx = _centred(f, x, epsilon)
    return abs(df(x) - approx) / abs(approx)


def one_d_signed(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, epsilon)
    return (g - approx) / (abs(g) + abs(approx))


def one_d_norm_of_sum(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, epsilon)
    return abs(g - approx) / abs(g + approx)


def one_d_squared(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, epsilon)
    return (g - approx) ** 2 / (g**2 + approx**2)


def one_d_fixed_epsilon(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, 1e-7)  # ignores its epsilon argument
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_verdict_instead_of_error(f, df, x, epsilon=1e-7):
    return bool(one_d_textbook(f, df, x, epsilon) < 1e-7)


# ============================================================================ gradient_check_nd


def _to_vector(arrays, keys):
    return np.concatenate([arrays[k].reshape(-1) for k in keys])


def _to_dict(theta, like, keys):
    out, start = {}, 0
    for k in keys:
        out[k] = theta[start : start + like[k].size].reshape(like[k].shape)
        start += like[k].size
    return out


def _numeric_vector(cost_fn, parameters, keys, epsilon, step):
    """``step(J, theta_plus, theta_minus, i)`` gives entry i of the numerical gradient."""
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = step(lambda v: cost_fn(_to_dict(v, parameters, keys)), plus, minus, i)
    return approx


def _relative(g, approx):
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def _nd(step, keys_of=list, grads_keys_of=None):
    """A gradient_check_nd whose numerical entries come from ``step`` (see :func:`_numeric_vector`)."""

    def gradient_check_nd(cost_fn, parameters, grads, epsilon=1e-7):
        keys = keys_of(parameters)
        approx = _numeric_vector(cost_fn, parameters, keys, epsilon, lambda J, p, m, i: step(J, p, m, i, epsilon))
        analytic_keys = keys if grads_keys_of is None else [name[1:] for name in grads_keys_of(grads)]
        return _relative(_to_vector({k: grads["d" + k] for k in analytic_keys}, analytic_keys), approx)

    return gradient_check_nd


def nd_textbook(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / (2 * e))(cost_fn, parameters, grads, epsilon)


def nd_actual_step(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / (p[i] - m[i]))(cost_fn, parameters, grads, epsilon)


def nd_terms_divided_first(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: J(p) / (2 * e) - J(m) / (2 * e))(cost_fn, parameters, grads, epsilon)


def nd_sorted_names(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / 2 / e, keys_of=sorted)(cost_fn, parameters, grads, epsilon)


def nd_in_place_restored(cost_fn, parameters, grads, epsilon=1e-7):
    """Perturbs the dict's own arrays entry by entry and restores each one (sorted names for both vectors)."""
    numeric, analytic = [], []
    for key in sorted(parameters):
        array = parameters[key]
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + epsilon
            j_plus = cost_fn(parameters)
            array[index] = old - epsilon
            j_minus = cost_fn(parameters)
            array[index] = old
            numeric.append((j_plus - j_minus) / (2 * epsilon))
            analytic.append(grads["d" + key][index])
    numeric, analytic = np.array(numeric), np.array(analytic)
    return float(np.sqrt(np.sum((numeric - analytic) ** 2)) / (np.sqrt(np.sum(numeric**2)) + np.sqrt(np.sum(analytic**2))))


def nd_add_and_subtract_in_place(cost_fn, parameters, grads, epsilon=1e-7):
    """+eps, -2 eps, +eps on the dict's arrays: theta comes back only up to rounding (in the grads' order)."""
    numeric, analytic = [], []
    copies = {k: np.array(v, dtype=float) for k, v in parameters.items()}
    for name in grads:
        key = name[1:]
        for index in np.ndindex(copies[key].shape):
            copies[key][index] += epsilon
            j_plus = cost_fn(copies)
            copies[key][index] -= 2 * epsilon
            j_minus = cost_fn(copies)
            copies[key][index] += epsilon
            numeric.append((j_plus - j_minus) / (2 * epsilon))
            analytic.append(grads[name][index])
    return _relative(np.array(analytic), np.array(numeric))


def numerical_gradient(cost_fn, parameters, epsilon):
    """The student's own helper: {"d" + name: centred differences}, one fresh dict of copies per evaluation."""
    result = {}
    for key, value in parameters.items():
        slope = np.zeros(np.shape(value))
        for index in np.ndindex(slope.shape):
            plus = {k: np.array(v, dtype=float) for k, v in parameters.items()}
            minus = {k: np.array(v, dtype=float) for k, v in parameters.items()}
            plus[key][index] += epsilon
            minus[key][index] -= epsilon
            slope[index] = (cost_fn(plus) - cost_fn(minus)) / (2 * epsilon)
        result["d" + key] = slope
    return result


def relative_error(g, g_approx):
    """The student's own helper."""
    return np.linalg.norm(g - g_approx) / (np.linalg.norm(g) + np.linalg.norm(g_approx))


def nd_helpers_in_grads_order(cost_fn, parameters, grads, epsilon=1e-7):
    numeric = numerical_gradient(cost_fn, parameters, epsilon)
    names = list(grads)
    flat = lambda d: np.concatenate([np.ravel(d[n]) for n in names])  # noqa: E731
    return float(relative_error(flat(grads), flat(numeric)))


def nd_column_vectors_fortran_order(cost_fn, parameters, grads, epsilon=1e-7):
    """theta as an (n, 1) column, each array flattened in Fortran (column-major) order, in both vectors."""
    keys = list(parameters)
    shapes = {k: np.shape(parameters[k]) for k in keys}
    theta = np.vstack([np.reshape(parameters[k], (-1, 1), order="F") for k in keys])
    grad = np.vstack([np.reshape(grads["d" + k], (-1, 1), order="F") for k in keys])

    def as_dict(column):
        out, start = {}, 0
        for k in keys:
            size = int(np.prod(shapes[k]))
            out[k] = np.reshape(column[start : start + size, 0], shapes[k], order="F")
            start += size
        return out

    approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        unit = np.zeros_like(theta)
        unit[i, 0] = epsilon
        approx[i, 0] = (cost_fn(as_dict(theta + unit)) - cost_fn(as_dict(theta - unit))) / (2 * epsilon)
    return float(np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx)))


# ----------------------------------------------------------------- mistakes


def nd_no_two(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / e)(cost_fn, parameters, grads, epsilon)


def nd_times_epsilon(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / 2 * e)(cost_fn, parameters, grads, epsilon)


def nd_numerator_without_parentheses(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: J(p) - J(m) / (2 * e))(cost_fn, parameters, grads, epsilon)


def nd_fixed_epsilon(cost_fn, parameters, grads, epsilon=1e-7):
    return nd_textbook(cost_fn, parameters, grads, 1e-7)


def nd_one_sided(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    j0 = cost_fn(parameters)
    approx = _numeric_vector(cost_fn, parameters, keys, epsilon, lambda J, p, m, i: (J(p) - j0) / epsilon)
    return _relative(_to_vector({k: grads["d" + k] for k in keys}, keys), approx)


def nd_drift(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += epsilon
        j_plus = cost_fn(_to_dict(theta, parameters, keys))
        theta[i] -= 2 * epsilon
        j_minus = cost_fn(_to_dict(theta, parameters, keys))
        approx[i] = (j_plus - j_minus) / (2 * epsilon)
    return _relative(_to_vector({k: grads["d" + k] for k in keys}, keys), approx)


def nd_alias_half(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus = theta
        theta_plus[i] = theta_plus[i] + epsilon
        j_plus = cost_fn(_to_dict(theta_plus, parameters, keys))
        theta_minus = theta
        theta_minus[i] = theta_minus[i] - epsilon
        j_minus = cost_fn(_to_dict(theta_minus, parameters, keys))
        approx[i] = (j_plus - j_minus) / (2 * epsilon)
    return _relative(_to_vector({k: grads["d" + k] for k in keys}, keys), approx)


def nd_alias_zero(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus = theta
        theta_plus[i] += epsilon
        theta_minus = theta
        theta_minus[i] -= epsilon
        j_plus = cost_fn(_to_dict(theta_plus, parameters, keys))  # both evaluated after the two changes
        approx[i] = (j_plus - cost_fn(_to_dict(theta_minus, parameters, keys))) / (2 * epsilon)
    return _relative(_to_vector({k: grads["d" + k] for k in keys}, keys), approx)


def nd_original_parameters(cost_fn, parameters, grads, epsilon=1e-7):
    """Perturbs theta but hands cost_fn the untouched parameters dict."""
    return _nd(lambda J, p, m, i, e: (cost_fn(parameters) - cost_fn(parameters)) / (2 * e))(
        cost_fn, parameters, grads, epsilon)


def nd_grads_in_their_own_order(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / (2 * e), grads_keys_of=list)(cost_fn, parameters, grads, epsilon)


def nd_grads_sorted(cost_fn, parameters, grads, epsilon=1e-7):
    return _nd(lambda J, p, m, i, e: (J(p) - J(m)) / (2 * e), grads_keys_of=sorted)(cost_fn, parameters, grads, epsilon)


def _both(cost_fn, parameters, grads, epsilon):
    keys = list(parameters)
    approx = _numeric_vector(cost_fn, parameters, keys, epsilon, lambda J, p, m, i: (J(p) - J(m)) / (2 * epsilon))
    return _to_vector({k: grads["d" + k] for k in keys}, keys), approx


def nd_absolute(cost_fn, parameters, grads, epsilon=1e-7):
    g, approx = _both(cost_fn, parameters, grads, epsilon)
    return np.linalg.norm(g - approx)


def nd_over_g(cost_fn, parameters, grads, epsilon=1e-7):
    g, approx = _both(cost_fn, parameters, grads, epsilon)
    return np.linalg.norm(g - approx) / np.linalg.norm(g)


def nd_squared(cost_fn, parameters, grads, epsilon=1e-7):
    g, approx = _both(cost_fn, parameters, grads, epsilon)
    return np.sum((g - approx) ** 2) / (np.sum(g**2) + np.sum(approx**2))


# ============================================================================ fixed_backward


def _forward(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = np.maximum(Z2, 0)
    Z3 = parameters["W3"] @ A2 + parameters["b3"]
    A3 = 1 / (1 + np.exp(-Z3))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3}


def make_backward(wrong_dW3=False, transposed_dW2=False, db1_without_m=False, dW2_without_m=False,
                  dA1_without_transpose=False, flipped_dZ3=False, db_axis=1, db_keepdims=True):
    """The notebook's backward pass, with the chosen mistakes (none: the right answer)."""

    def backward(X, Y, parameters):
        m = X.shape[1]
        cache = _forward(X, parameters)
        dZ3 = (Y - cache["A3"]) if flipped_dZ3 else (cache["A3"] - Y)
        dW3 = dZ3 @ (cache["Z2"] if wrong_dW3 else cache["A2"]).T / m
        db3 = np.sum(dZ3, axis=1, keepdims=True) / m
        dZ2 = (parameters["W3"].T @ dZ3) * (cache["Z2"] > 0)
        dW2 = cache["A1"] @ dZ2.T / m if transposed_dW2 else dZ2 @ cache["A1"].T / m
        if dW2_without_m:
            dW2 = dW2 * m
        db2 = np.sum(dZ2, axis=db_axis, keepdims=db_keepdims) / m
        dA1 = (parameters["W2"] if dA1_without_transpose else parameters["W2"].T) @ dZ2
        dZ1 = dA1 * (cache["Z1"] > 0)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / (1 if db1_without_m else m)
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}

    chosen = {"wrong_dW3": wrong_dW3, "transposed_dW2": transposed_dW2, "db1_without_m": db1_without_m,
              "dW2_without_m": dW2_without_m, "dA1_without_transpose": dA1_without_transpose,
              "flipped_dZ3": flipped_dZ3, f"db2_axis_{db_axis}": db_axis != 1, "db2_without_keepdims": not db_keepdims}
    backward.__name__ = "_".join(["backward", *(name for name, on in chosen.items() if on)])
    return backward


def fixed_textbook(X, Y, parameters):
    return make_backward()(X, Y, parameters)


def fixed_mask_from_activations(X, Y, parameters):
    """ReLU'(Z) as (A > 0), einsum for the products, mean for the biases."""
    m = X.shape[1]
    c = _forward(X, parameters)
    dZ3 = c["A3"] - Y
    dZ2 = np.einsum("ji,jk->ik", parameters["W3"], dZ3) * (c["A2"] > 0)
    dZ1 = np.einsum("ji,jk->ik", parameters["W2"], dZ2) * (c["A1"] > 0)
    grads = {}
    for l, (dZ, A_prev) in enumerate(((dZ1, X), (dZ2, c["A1"]), (dZ3, c["A2"])), start=1):
        grads[f"dW{l}"] = np.einsum("ik,jk->ij", dZ, A_prev) / m
        grads[f"db{l}"] = dZ.mean(axis=1, keepdims=True)
    return grads


def fixed_per_example_loop(X, Y, parameters):
    """One example at a time (vectors of shape (n, 1)), averaged at the end; the mask via np.where."""
    m = X.shape[1]
    grads = {f"d{k}": np.zeros_like(v, dtype=float) for k, v in parameters.items()}
    for j in range(m):
        c = _forward(X[:, j : j + 1], parameters)
        dZ3 = c["A3"] - Y[:, j : j + 1]
        dZ2 = np.where(c["Z2"] > 0, parameters["W3"].T.dot(dZ3), 0.0)
        dZ1 = np.where(c["Z1"] > 0, parameters["W2"].T.dot(dZ2), 0.0)
        for l, (dZ, A_prev) in enumerate(((dZ1, X[:, j : j + 1]), (dZ2, c["A1"]), (dZ3, c["A2"])), start=1):
            grads[f"dW{l}"] += dZ.dot(A_prev.T) * (1.0 / m)
            grads[f"db{l}"] += dZ * (1.0 / m)
    return grads


def fixed_heaviside_float_mask(X, Y, parameters):
    """ReLU' as np.heaviside(Z, 0) and (Z > 0).astype(float); 1/m multiplied first."""
    m = X.shape[1]
    c = _forward(X, parameters)
    dZ3 = c["A3"] - Y
    dZ2 = np.dot(parameters["W3"].T, dZ3) * np.heaviside(c["Z2"], 0.0)
    dZ1 = np.dot(parameters["W2"].T, dZ2) * (c["Z1"] > 0).astype(float)
    return {
        "dW3": 1.0 / m * np.dot(dZ3, c["A2"].T), "db3": 1.0 / m * dZ3.sum(axis=1).reshape(-1, 1),
        "dW2": 1.0 / m * np.dot(dZ2, c["A1"].T), "db2": 1.0 / m * dZ2.sum(axis=1).reshape(-1, 1),
        "dW1": 1.0 / m * np.dot(dZ1, X.T), "db1": 1.0 / m * dZ1.sum(axis=1).reshape(-1, 1),
    }


CORRECT = {
    "gradient_check_1d": [one_d_textbook, one_d_halved_then_divided, one_d_actual_step, one_d_terms_divided_first,
                          one_d_arrays_and_sqrt, one_d_helpers],
    "gradient_check_nd": [nd_textbook, nd_actual_step, nd_terms_divided_first, nd_sorted_names, nd_in_place_restored,
                          nd_add_and_subtract_in_place, nd_helpers_in_grads_order, nd_column_vectors_fortran_order],
    "fixed_backward": [fixed_textbook, fixed_mask_from_activations, fixed_per_example_loop, fixed_heaviside_float_mask],
}

MISTAKES = {
    "gradient_check_1d": [
        (one_d_one_sided, "one-sided difference"),
        (one_d_no_two, "factor 2 is missing"),
        (one_d_times_epsilon, "write `/ (2 * epsilon)`"),
        (one_d_numerator_without_parentheses, "put the difference in parentheses"),
        (one_d_absolute, "absolute error"),
        (one_d_over_g, "divide by |g| only"),
        (one_d_over_approx, "divide by |g_approx| only"),
        (one_d_signed, "the numerator must be a norm"),
        (one_d_norm_of_sum, "not |g + g_approx|"),
        (one_d_squared, "the norms are squared"),
        (one_d_fixed_epsilon, "use the epsilon argument"),
        (one_d_verdict_instead_of_error, "return the relative error itself"),
    ],
    "gradient_check_nd": [
        (nd_no_two, "the factor 2 is missing in the denominator"),
        (nd_times_epsilon, "write `/ (2 * epsilon)`"),
        (nd_numerator_without_parentheses, "put the difference in parentheses"),
        (nd_fixed_epsilon, "use the epsilon argument"),
        (nd_one_sided, "one-sided difference"),
        (nd_drift, "theta drifts"),
        (nd_alias_half, "the same array as theta (no .copy())"),
        (nd_alias_zero, "numerical gradient is all zeros"),
        (nd_original_parameters, "given the original parameters"),
        (nd_grads_in_their_own_order, "your numerical and analytic vectors are in different orders"),
        (nd_grads_sorted, "your numerical and analytic vectors are in different orders"),
        (nd_absolute, "absolute error"),
        (nd_over_g, "divide by ||g|| only"),
        (nd_squared, "the norms are squared"),
    ],
    "fixed_backward": [
        (make_backward(True, True, True), "computed from Z2"),
        (make_backward(wrong_dW3=True), "computed from Z2"),
        (make_backward(transposed_dW2=True), "still transposed"),
        (make_backward(db1_without_m=True), "db1 is still missing the 1/m"),
        (make_backward(dW2_without_m=True), "dW2 is m = 8 times too large"),
        (make_backward(dA1_without_transpose=True), "dA1 is computed with W2 instead of W2^T"),
        (make_backward(flipped_dZ3=True), "every gradient has the wrong sign"),
        (make_backward(db_axis=0), "sums over the units"),
        (make_backward(db_keepdims=False), "keepdims=True"),
    ],
}
