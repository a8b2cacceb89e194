"""Variants for ``course_utils.checks.softmax``: right answers written differently, and named mistakes."""

import numpy as np

# ---------------------------------------------------------------------------------------------- softmax


def softmax_loop(Z):
    A = np.empty_like(Z)
    for j in range(Z.shape[1]):
        t = np.exp(Z[:, j] - max(Z[:, j]))
        A[:, j] = t / t.sum()
    return A


def softmax_log_domain(Z):
    shifted = Z - Z.max(axis=0)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=0)))


def softmax_in_place(Z):
    Z -= np.amax(Z, axis=0, keepdims=True)
    np.exp(Z, out=Z)
    Z /= np.einsum("km->m", Z)
    return Z


def softmax_transposed_view(Z):
    T = np.exp(Z.T - Z.T.max(axis=1)[:, None])
    return (T / T.sum(axis=1, keepdims=True)).T


def softmax_single_precision_sum(Z):
    T = np.exp(Z - np.max(Z, axis=0)[np.newaxis, :])
    return T * (1.0 / np.sum(T, axis=0, keepdims=True))


def softmax_mean_shift(Z):
    E = np.exp(Z - Z.mean(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_min_shift(Z):
    E = np.exp(Z - Z.min(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_naive(Z):
    return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)


def softmax_sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def softmax_without_exp(Z):
    return Z / Z.sum(axis=0, keepdims=True)


def softmax_log_probabilities(Z):
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax_hardmax(Z):
    return (Z == Z.max(axis=0, keepdims=True)).astype(float)


def softmax_rows(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_scaled_logits(Z):
    E = np.exp(2.0 * (Z - Z.max(axis=0, keepdims=True)))
    return E / E.sum(axis=0, keepdims=True)


# ----------------------------------------------------------------------------------------------- cost


def cost_loop(AL, Y):
    m = Y.shape[1]
    total = 0.0
    for i in range(m):
        total -= np.log(AL[np.argmax(Y[:, i]), i])
    return total / m


def cost_einsum(AL, Y):
    return -np.einsum("km,km->", Y, np.log(AL)) / Y.shape[1]


def cost_mean_of_losses(AL, Y):
    return np.mean(-np.sum(Y * np.log(AL), axis=0, keepdims=True))


def cost_true_class_first(AL, Y):
    return -np.sum(np.log(np.sum(Y * AL, axis=0))) / AL.shape[1]


def cost_trace_keepdims(AL, Y):
    return -np.trace(Y.T @ np.log(AL)) / Y.shape[1] * np.ones((1, 1))


def cost_log10(AL, Y):
    return -np.sum(Y * np.log10(AL)) / Y.shape[1]


def cost_predicted_class(AL, Y):
    return -np.mean(np.log(AL.max(axis=0)))


def cost_squared_error(AL, Y):
    return np.sum((AL - Y) ** 2) / Y.shape[1]


def cost_over_classes(AL, Y):
    return -np.sum(Y * np.log(AL)) / Y.shape[0]


def cost_log_of_one_minus(AL, Y):
    return -np.sum(Y * np.log(1 + AL)) / Y.shape[1]


# ------------------------------------------------------------------------------------------------ dZ


def dz_subtract(AL, Y):
    return np.subtract(AL, Y)


def dz_negated(AL, Y):
    return -(Y - AL)


def dz_in_place(AL, Y):
    AL -= Y
    return AL


def dz_loop(AL, Y):
    dZ = AL.copy()
    for i in range(AL.shape[1]):
        dZ[np.argmax(Y[:, i]), i] -= 1.0
    return dZ


def dz_minus_one(AL, Y):
    return AL - 1


def dz_true_class_only(AL, Y):
    return Y * (AL - 1)


def dz_extra_factor(AL, Y):
    return AL * (AL - Y)


def dz_half(AL, Y):
    return 0.5 * (AL - Y)


# -------------------------------------------------------------------------------------- training loop


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def train_vectorized(X, Y, learning_rate, num_iterations):
    (C, m), n_x = Y.shape, X.shape[0]
    W1, b1 = np.zeros((C, n_x)), np.zeros((C, 1))
    costs = []
    for _ in range(num_iterations):
        AL = _softmax(W1 @ X + b1)
        costs.append(-np.sum(Y * np.log(AL)) / m)
        dZ = AL - Y
        W1 = W1 - learning_rate * (dZ @ X.T) / m
        b1 = b1 - learning_rate * np.sum(dZ, axis=1, keepdims=True) / m
    return {"W1": W1, "b1": b1}, costs


def train_example_loop(X, Y, learning_rate, num_iterations):
    (C, m), n_x = Y.shape, X.shape[0]
    parameters = {"W1": np.zeros((C, n_x)), "b1": np.zeros((C, 1))}
    costs = np.zeros(num_iterations)
    for t in range(num_iterations):
        dW, db, total = np.zeros((C, n_x)), np.zeros((C, 1)), 0.0
        for i in range(m):
            a = _softmax(parameters["W1"] @ X[:, i:i + 1] + parameters["b1"])
            total -= np.log(a[np.argmax(Y[:, i]), 0])
            dW += (a - Y[:, i:i + 1]) @ X[:, i:i + 1].T
            db += a - Y[:, i:i + 1]
        costs[t] = total / m
        parameters["W1"] -= learning_rate / m * dW
        parameters["b1"] -= learning_rate / m * db
    return parameters, costs


def train_einsum_log_softmax(X, Y, learning_rate, num_iterations):
    C, m = Y.shape
    W1 = np.zeros((C, X.shape[0]))
    b1 = np.zeros((C, 1))
    costs = []
    for _ in range(num_iterations):
        Z = np.einsum("kn,nm->km", W1, X) + b1
        shifted = Z - Z.max(axis=0)
        log_A = shifted - np.log(np.exp(shifted).sum(axis=0))
        costs.append(np.array(-np.einsum("km,km->", Y, log_A) / m))
        dZ = np.exp(log_A) - Y
        W1 -= learning_rate * np.einsum("km,nm->kn", dZ, X) / m
        b1 -= learning_rate * dZ.mean(axis=1, keepdims=True)
    return dict(W1=W1, b1=b1), costs


def _train_with(X, Y, learning_rate, num_iterations, scale=None, sign=1.0, db_axis=1, init=0.0, after=False):
    (C, m), n_x = Y.shape, X.shape[0]
    W1 = init * np.random.default_rng(0).normal(size=(C, n_x))
    b1 = np.zeros((C, 1))
    costs = []
    for _ in range(num_iterations):
        AL = _softmax(W1 @ X + b1)
        dZ = AL - Y
        factor = 1.0 / m if scale is None else scale
        dW = factor * dZ @ X.T
        db = factor * (np.sum(dZ) if db_axis is None else np.sum(dZ, axis=db_axis, keepdims=True))
        if not after:
            costs.append(-np.sum(Y * np.log(AL)) / m)
        W1 = W1 - sign * learning_rate * dW
        b1 = b1 - sign * learning_rate * db
        if after:
            costs.append(-np.sum(Y * np.log(_softmax(W1 @ X + b1))) / m)
    return {"W1": W1, "b1": b1}, costs


def train_no_average(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, scale=1.0)


def train_ascent(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, sign=-1.0)


def train_db_whole_sum(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, db_axis=None)


def train_cost_after_update(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, after=True)


def train_random_init(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, init=0.01)


def train_db_over_classes(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate, num_iterations, db_axis=0)


def train_half_step(X, Y, learning_rate, num_iterations):
    return _train_with(X, Y, learning_rate / 2, num_iterations)


CORRECT = {
    "softmax": [softmax_loop, softmax_log_domain, softmax_transposed_view, softmax_single_precision_sum],
    "softmax_cross_entropy_cost": [cost_loop, cost_einsum, cost_mean_of_losses, cost_true_class_first,
                                   cost_trace_keepdims],
    "softmax_backward_dz": [dz_subtract, dz_negated, dz_loop],
    "train_softmax_regression": [train_vectorized, train_example_loop, train_einsum_log_softmax],
}

MISTAKES = {
    "softmax": [
        (softmax_in_place, "softmax modified its argument Z in place"),
        (softmax_mean_shift, "you subtracted each column's mean"),
        (softmax_min_shift, "you subtracted each column's min"),
        (softmax_naive, "subtract each column's max before exp"),
        (softmax_sigmoid, "this is the sigmoid of each entry"),
        (softmax_without_exp, "without exponentiating"),
        (softmax_log_probabilities, "log-probabilities (log-softmax)"),
        (softmax_hardmax, "this is hardmax"),
        (softmax_rows, "normalize each column (example) over the classes (axis=0)"),
        (softmax_scaled_logits, "Your columns sum to 1, so look at what you exponentiate"),
    ],
    "softmax_cross_entropy_cost": [
        (cost_log10, "np.log10 is the base-10 log"),
        (cost_predicted_class, "the probability of the predicted class"),
        (cost_squared_error, "this is a squared error"),
        (cost_over_classes, "average over the m examples (columns), not over classes"),
        (cost_log_of_one_minus, "the mean over the m = 5 examples of -log(AL[true class, i])"),
    ],
    "softmax_backward_dz": [
        (dz_in_place, "softmax_backward_dz modified its argument AL in place"),  # the dZ = AL; dZ -= Y
        (dz_minus_one, "you subtracted 1 from every entry"),
        (dz_true_class_only, "only the true class's entries are filled in"),
        (dz_extra_factor, "the extra factor AL does not belong"),
        (dz_half, "is class"),
    ],
    "train_softmax_regression": [
        (train_no_average, "divide them by m"),
        (train_ascent, "gradient ascent"),
        (train_db_whole_sum, "b never changes"),
        (train_cost_after_update, "the costs after each update"),
        (train_random_init, "expected log(C) = log(3)"),
        (train_db_over_classes, "one column per example"),
        (train_half_step, "the costs go wrong at iteration 1"),
    ],
}
