"""Week 1 regularization exercises: correct answers written differently, and named mistakes with their messages."""

import numpy as np

# ------------------------------------------------------------------------------------------ compute_cost_with_l2


def cost_vectorized(AL, Y, parameters, lambd):
    m = Y.shape[1]
    L = len(parameters) // 2
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(cross_entropy + lambd / (2 * m) * sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, L + 1)))


def cost_dot_products(AL, Y, parameters, lambd):
    """Cross-entropy as dot products (a (1, 1) array), squares summed with einsum over the keys starting with W."""
    m = AL.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    squares = sum(np.einsum("ij,ij->", value, value) for key, value in parameters.items() if key.startswith("W"))
    return cross_entropy + squares * lambd / m / 2


def cost_loops(AL, Y, parameters, lambd):
    """Examples and weights visited one by one; Frobenius norms from np.linalg.norm."""
    m = Y.shape[1]
    total = 0.0
    for j in range(m):
        total += -np.log(AL[0, j]) if Y[0, j] == 1 else -np.log(1 - AL[0, j])
    penalty = 0.0
    l = 1
    while f"W{l}" in parameters:
        penalty += np.linalg.norm(parameters[f"W{l}"], "fro") ** 2
        l += 1
    return np.float64(total / m + 0.5 * lambd * penalty / m)


def cost_mean_and_flat(AL, Y, parameters, lambd):
    """np.mean for the cross-entropy, one dot product of the flattened weights."""
    weights = np.concatenate([parameters[f"W{l}"].ravel() for l in range(1, len(parameters) // 2 + 1)])
    return np.mean(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))) + lambd * (weights @ weights) / (2 * Y.shape[1])


# ---- named mistakes


def _cross_entropy(AL, Y):
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]


def _squares(parameters):
    return sum(np.sum(value**2) for key, value in parameters.items() if key.startswith("W"))


def cost_lambda_over_m(AL, Y, parameters, lambd):
    return _cross_entropy(AL, Y) + lambd / Y.shape[1] * _squares(parameters)


def cost_with_biases(AL, Y, parameters, lambd):
    return _cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * sum(np.sum(v**2) for v in parameters.values())


def cost_precedence(AL, Y, parameters, lambd):
    m = Y.shape[1]
    return _cross_entropy(AL, Y) + lambd / 2 * m * _squares(parameters)


def cost_m_from_rows(AL, Y, parameters, lambd):
    """m = Y.shape[0] (= 1): the cross-entropy is summed and the penalty misses its 1/m."""
    m = Y.shape[0]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m + lambd / (2 * m) * _squares(parameters)


def cost_norm_not_squared(AL, Y, parameters, lambd):
    norms = sum(np.linalg.norm(v) for k, v in parameters.items() if k.startswith("W"))
    return _cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * norms


def cost_square_of_sum(AL, Y, parameters, lambd):
    return _cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * sum(
        np.sum(v) ** 2 for k, v in parameters.items() if k.startswith("W"))


def cost_positive_term_only(AL, Y, parameters, lambd):
    return -np.sum(Y * np.log(AL)) / Y.shape[1] + lambd / (2 * Y.shape[1]) * _squares(parameters)


def cost_misses_last_layer(AL, Y, parameters, lambd):
    L = len(parameters) // 2
    penalty = sum(np.sum(parameters[f"W{l}"] ** 2) for l in range(1, L))
    return _cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * penalty


# ------------------------------------------------------------------------------------------------- backward_with_l2


def backward_matmul(X, Y, parameters, cache, lambd):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1**2)
    return {"dW1": dZ1 @ X.T / m + lambd / m * parameters["W1"], "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m + lambd / m * parameters["W2"], "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def backward_einsum(X, Y, parameters, cache, lambd):
    """einsum products, tanh' from Z1 (1 - tanh(Z1)**2), db as means."""
    m = X.shape[1]
    W1, W2 = parameters["W1"], parameters["W2"]
    dZ2 = cache["A2"] - Y
    dZ1 = np.einsum("hk,km->hm", W2.T, dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {
        "dW2": np.einsum("km,hm->kh", dZ2, cache["A1"]) / m + (lambd / m) * W2,
        "db2": dZ2.mean(axis=1, keepdims=True),
        "dW1": np.einsum("hm,xm->hx", dZ1, X) / m + (lambd / m) * W1,
        "db1": dZ1.mean(axis=1, keepdims=True),
    }


def backward_per_example(X, Y, parameters, cache, lambd):
    """Sums of per-example outer products, the L2 term added last."""
    m = X.shape[1]
    W1, W2 = parameters["W1"], parameters["W2"]
    grads = {"dW1": np.zeros_like(W1), "db1": np.zeros((W1.shape[0], 1)),
             "dW2": np.zeros_like(W2), "db2": np.zeros((1, 1))}
    for j in range(m):
        a1 = cache["A1"][:, j:j + 1]
        dz2 = cache["A2"][:, j:j + 1] - Y[:, j:j + 1]
        dz1 = (W2.T @ dz2) * (1 - a1 * a1)
        grads["dW2"] += np.outer(dz2, a1) / m
        grads["db2"] += dz2 / m
        grads["dW1"] += np.outer(dz1, X[:, j]) / m
        grads["db1"] += dz1 / m
    grads["dW1"] += lambd * W1 / m
    grads["dW2"] += lambd * W2 / m
    return grads


def backward_dot(X, Y, parameters, cache, lambd):
    """np.dot with the factor 1/m applied to the sum of both terms."""
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = (np.dot(dZ2, cache["A1"].T) + lambd * parameters["W2"]) * (1.0 / m)
    dA1 = np.dot(parameters["W2"].T, dZ2)
    dZ1 = np.multiply(dA1, 1 - np.power(cache["A1"], 2))
    dW1 = (np.dot(dZ1, X.T) + lambd * parameters["W1"]) * (1.0 / m)
    return {"dW1": dW1, "db1": dZ1.sum(axis=1).reshape(-1, 1) / m, "dW2": dW2, "db2": dZ2.sum(1, keepdims=True) / m}


# ---- named mistakes


def backward_half_lambda(X, Y, parameters, cache, lambd):
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    m = X.shape[1]
    return {k: (v - lambd / (2 * m) * parameters[k[1:]] if k.startswith("dW") else v) for k, v in grads.items()}


def backward_l2_on_one_layer(X, Y, parameters, cache, lambd):
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    grads["dW1"] = grads["dW1"] - lambd / X.shape[1] * parameters["W1"]
    return grads


def backward_dz2_sign(X, Y, parameters, cache, lambd):
    """dZ2 = Y - A2: every cross-entropy term has the wrong sign."""
    return backward_matmul(X, Y, parameters, {**cache, "A2": 2 * Y - cache["A2"]}, lambd)


def backward_square_after_subtraction(X, Y, parameters, cache, lambd):
    """tanh' written (1 - A1)**2 instead of 1 - A1**2."""
    m = X.shape[1]
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    dZ1 = (parameters["W2"].T @ (cache["A2"] - Y)) * (1 - cache["A1"]) ** 2
    grads["dW1"] = dZ1 @ X.T / m + lambd / m * parameters["W1"]
    grads["db1"] = np.sum(dZ1, axis=1, keepdims=True) / m
    return grads


def backward_sigmoid_derivative(X, Y, parameters, cache, lambd):
    m = X.shape[1]
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    dZ1 = (parameters["W2"].T @ (cache["A2"] - Y)) * cache["A1"] * (1 - cache["A1"])
    grads["dW1"] = dZ1 @ X.T / m + lambd / m * parameters["W1"]
    grads["db1"] = np.sum(dZ1, axis=1, keepdims=True) / m
    return grads


def backward_m_twice(X, Y, parameters, cache, lambd):
    """dZ2 = (A2 - Y) / m, then dW and db divided by m again."""
    m = X.shape[1]
    return backward_matmul(X, Y + (cache["A2"] - Y) * (1 - 1 / m), parameters, cache, lambd)


def backward_db_over_units(X, Y, parameters, cache, lambd):
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    dZ1 = (parameters["W2"].T @ (cache["A2"] - Y)) * (1 - cache["A1"] ** 2)
    grads["db1"] = np.sum(dZ1, axis=0, keepdims=True) / X.shape[1]
    return grads


def backward_bias_regularized(X, Y, parameters, cache, lambd):
    grads = backward_matmul(X, Y, parameters, cache, lambd)
    m = X.shape[1]
    return {k: (v + lambd / m * parameters[k[1:]] if k.startswith("db") else v) for k, v in grads.items()}


# ------------------------------------------------------------------------------------------------- dropout_forward


def dropout_boolean_mask(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_float_mask(A, keep_prob, rng):
    """A 0/1 float mask from rng.uniform, the rescaling factor applied to the mask first."""
    D = (rng.uniform(0.0, 1.0, size=A.shape) < keep_prob).astype(float)
    return np.multiply(A, D * (1.0 / keep_prob)), D


def dropout_binomial(A, keep_prob, rng):
    D = rng.binomial(1, keep_prob, size=A.shape)
    return A * D / keep_prob, D


def dropout_drop_draw(A, keep_prob, rng):
    """Draw which units to drop (u < 1 - keep_prob), build A_out in place on a copy."""
    D = ~(rng.random(A.shape[::-1]).T < 1 - keep_prob)
    A_out = A.copy()
    A_out[~D] = 0.0
    A_out /= keep_prob
    return A_out, D


def dropout_choice(A, keep_prob, rng):
    """rng.choice between 0 and 1 with the keep probability; A_out through np.where."""
    D = rng.choice([0, 1], size=A.shape, p=[1 - keep_prob, keep_prob])
    return np.where(D == 1, A / keep_prob, 0.0), D


def dropout_loop(A, keep_prob, rng):
    """One scalar draw per entry."""
    n, m = A.shape
    D = np.zeros((n, m), dtype=int)
    A_out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            if rng.random() < keep_prob:
                D[i, j] = 1
                A_out[i, j] = A[i, j] / keep_prob
    return A_out, D


# ---- named mistakes


def dropout_global_numpy_seeded(A, keep_prob, rng):
    np.random.seed(1)
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_reseeded_generator(A, keep_prob, rng):
    D = np.random.default_rng(0).random(A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_global_numpy(A, keep_prob, rng):
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_not_rescaled(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D, D


def dropout_divides_by_drop_probability(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / (1 - keep_prob) if keep_prob < 1 else A * D, D


def dropout_inverted_mask(A, keep_prob, rng):
    D = rng.random(A.shape) > keep_prob
    return A * D / keep_prob, D


def dropout_uniform_values_as_mask(A, keep_prob, rng):
    D = rng.random(A.shape)
    return A * (D < keep_prob) / keep_prob, D


def dropout_normal_draws(A, keep_prob, rng):
    D = rng.standard_normal(A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_fair_coin(A, keep_prob, rng):
    D = rng.integers(0, 2, size=A.shape)
    return A * D / keep_prob, D


def dropout_mask_per_unit(A, keep_prob, rng):
    D = rng.random((A.shape[0], 1)) < keep_prob
    return A * D / keep_prob, D


def dropout_returns_other_mask(A, keep_prob, rng):
    A_out = A * (rng.random(A.shape) < keep_prob) / keep_prob
    return A_out, rng.random(A.shape) < keep_prob


# ------------------------------------------------------------------------------------------------ dropout_backward


def dropout_backward_product(dA, D, keep_prob):
    return dA * D / keep_prob


def dropout_backward_where(dA, D, keep_prob):
    return np.where(D.astype(bool), dA / keep_prob, 0.0)


def dropout_backward_in_place(dA, D, keep_prob):
    dA_prev = dA.copy()
    dA_prev[D == 0] = 0
    dA_prev /= keep_prob
    return dA_prev


def dropout_backward_loop(dA, D, keep_prob):
    dA_prev = np.zeros_like(dA)
    for (i, j), keep in np.ndenumerate(D):
        if keep:
            dA_prev[i, j] = dA[i, j] * (1 / keep_prob)
    return dA_prev


# ---- named mistakes


def dropout_backward_not_rescaled(dA, D, keep_prob):
    return dA * D


def dropout_backward_no_mask(dA, D, keep_prob):
    return dA / keep_prob


def dropout_backward_times_keep_prob(dA, D, keep_prob):
    return dA * D * keep_prob


def dropout_backward_rescaled_twice(dA, D, keep_prob):
    return dA * D / keep_prob / keep_prob


def dropout_backward_new_mask(dA, D, keep_prob):
    return dA * (np.random.default_rng(0).random(dA.shape) < keep_prob) / keep_prob


CORRECT = {
    "compute_cost_with_l2": [cost_vectorized, cost_dot_products, cost_loops, cost_mean_and_flat],
    "backward_with_l2": [backward_matmul, backward_einsum, backward_per_example, backward_dot],
    "dropout_forward": [dropout_boolean_mask, dropout_float_mask, dropout_binomial, dropout_drop_draw, dropout_choice,
                        dropout_loop],
    "dropout_backward": [dropout_backward_product, dropout_backward_where, dropout_backward_in_place,
                         dropout_backward_loop],
}

MISTAKES = {
    "compute_cost_with_l2": [
        (cost_lambda_over_m, "the L2 term uses lambd/m"),
        (cost_with_biases, "the biases are included in the L2 term"),
        (cost_precedence, "`lambd / 2 * m` means (lambd / 2) * m"),
        (cost_m_from_rows, "Y.shape[1]"),
        (cost_norm_not_squared, "the Frobenius norm is not squared"),
        (cost_misses_last_layer, "is left out of the sum"),
        (cost_square_of_sum, "np.sum(W)**2 squares the sum"),
        (cost_positive_term_only, "(1 - Y) * log(1 - AL) term"),
    ],
    "backward_with_l2": [
        (backward_half_lambda, "adds lambd/(2m) * W"),
        (backward_l2_on_one_layer, "dW1 is missing the L2 term"),
        (backward_dz2_sign, "dZ2 = A2 - Y"),
        (backward_square_after_subtraction, "(1 - A1)**2"),
        (backward_sigmoid_derivative, "the derivative of the sigmoid"),
        (backward_bias_regularized, "biases are not regularized"),
        (backward_m_twice, "divided by m twice"),
        (backward_db_over_units, "summed over the units (axis=0)"),
    ],
    "dropout_forward": [
        (dropout_global_numpy_seeded, "ignores the rng"),
        (dropout_reseeded_generator, "ignores the rng"),
        (dropout_global_numpy, "not reproducible"),
        (dropout_not_rescaled, "dropout mask not rescaled by 1/keep_prob"),
        (dropout_divides_by_drop_probability, "divided by 1 - keep_prob"),
        (dropout_inverted_mask, "It looks inverted"),
        (dropout_uniform_values_as_mask, "D = rng.random(A.shape) < keep_prob"),
        (dropout_normal_draws, "The draws look normal"),
        (dropout_fair_coin, "Half the units are kept whatever keep_prob"),
        (dropout_mask_per_unit, "One mask value is shared along an axis"),
        (dropout_returns_other_mask, "drops other units than the returned mask D"),
    ],
    "dropout_backward": [
        (dropout_backward_not_rescaled, "not rescaled by 1/keep_prob"),
        (dropout_backward_no_mask, "the mask D is not applied"),
        (dropout_backward_times_keep_prob, "multiplied by keep_prob instead of dividing by it"),
        (dropout_backward_rescaled_twice, "divided by keep_prob twice"),
        (dropout_backward_new_mask, "Reuse the forward mask D"),
    ],
}
