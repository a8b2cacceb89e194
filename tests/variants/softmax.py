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


CORRECT = {
    "softmax": [softmax_loop, softmax_log_domain, softmax_in_place, softmax_transposed_view,
                softmax_single_precision_sum],
    "softmax_cross_entropy_cost": [cost_loop, cost_einsum, cost_mean_of_losses, cost_true_class_first,
                                   cost_trace_keepdims],
    "softmax_backward_dz": [dz_subtract, dz_negated, dz_in_place, dz_loop],
}

MISTAKES = {
    "softmax": [
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
        (dz_minus_one, "you subtracted 1 from every entry"),
        (dz_true_class_only, "only the true class's entries are filled in"),
        (dz_extra_factor, "the extra factor AL does not belong"),
        (dz_half, "is class"),
    ],
}
