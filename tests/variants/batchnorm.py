"""Week 3 batch normalization exercises: correct answers written differently, and named mistakes with their messages."""

import numpy as np

# ----------------------------------------------------------------------------- batchnorm_forward (train mode)


def _cache(Z_norm, mu, var, gamma, epsilon):
    return {"Z_norm": Z_norm, "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}


def forward_numpy(Z, gamma, beta, epsilon=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, mu, var, gamma, epsilon)


def forward_var_and_inverse(Z, gamma, beta, epsilon=1e-5):
    """np.var, multiplication by the inverse standard deviation."""
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + epsilon)
    Z_norm = (Z - mu) * inv_std
    return Z_norm * gamma + beta, _cache(Z_norm, mu, var, gamma, float(epsilon))


def forward_second_moment(Z, gamma, beta, epsilon=1e-5):
    """einsum sums and var = E[z^2] - mu^2."""
    m = Z.shape[1]
    mu = np.einsum("nm->n", Z)[:, None] / m
    var = np.einsum("nm,nm->n", Z, Z)[:, None] / m - mu * mu
    Z_norm = (Z - mu) / (var + epsilon) ** 0.5
    return np.add(np.multiply(gamma, Z_norm), beta), _cache(Z_norm, mu, var, gamma, epsilon)


def forward_rows(Z, gamma, beta, epsilon=1e-5):
    """One unit (row) at a time."""
    n, m = Z.shape
    Z_norm, Z_tilde = np.zeros((n, m)), np.zeros((n, m))
    mu, var = np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        mu[i, 0] = sum(Z[i]) / m
        var[i, 0] = sum((z - mu[i, 0]) ** 2 for z in Z[i]) / m
        Z_norm[i] = (Z[i] - mu[i, 0]) / np.sqrt(var[i, 0] + epsilon)
        Z_tilde[i] = gamma[i, 0] * Z_norm[i] + beta[i, 0]
    return Z_tilde, _cache(Z_norm, mu, var, gamma.copy(), epsilon)


# ---- named mistakes


def forward_wrong_axis(Z, gamma, beta, epsilon=1e-5):
    mu, var = Z.mean(axis=0, keepdims=True), Z.var(axis=0, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, mu, var, gamma, epsilon)


def forward_whole_array_statistics(Z, gamma, beta, epsilon=1e-5):
    mu, var = np.mean(Z), np.var(Z)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, np.full((Z.shape[0], 1), mu), np.full((Z.shape[0], 1), var), gamma,
                                         epsilon)


def forward_epsilon_outside(Z, gamma, beta, epsilon=1e-5):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / (np.sqrt(var) + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, mu, var, gamma, epsilon)


def forward_sample_variance(Z, gamma, beta, epsilon=1e-5):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, ddof=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, mu, var, gamma, epsilon)


def forward_uncentred_variance(Z, gamma, beta, epsilon=1e-5):
    """var = mean(Z**2): the square of the raw values, not of the deviations from mu."""
    mu, var = Z.mean(axis=1, keepdims=True), np.mean(Z**2, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, _cache(Z_norm, mu, var, gamma, epsilon)


def forward_only_centred(Z, gamma, beta, epsilon=1e-5):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) + beta, _cache((Z - mu) / np.sqrt(var + epsilon), mu, var, gamma, epsilon)


def forward_gamma_beta_swapped(Z, gamma, beta, epsilon=1e-5):
    Z_tilde, cache = forward_numpy(Z, gamma, beta, epsilon)
    return beta * cache["Z_norm"] + gamma, cache


def forward_caches_std(Z, gamma, beta, epsilon=1e-5):
    Z_tilde, cache = forward_numpy(Z, gamma, beta, epsilon)
    return Z_tilde, {**cache, "var": np.sqrt(cache["var"] + epsilon)}


# ----------------------------------------------------------------------------- batchnorm_backward


def backward_means(dZ_tilde, cache):
    Z_norm, gamma = cache["Z_norm"], cache["gamma"]
    inv_std = 1.0 / np.sqrt(cache["var"] + cache["epsilon"])
    G = gamma * dZ_tilde
    dZ = inv_std * (G - G.mean(axis=1, keepdims=True) - Z_norm * (G * Z_norm).mean(axis=1, keepdims=True))
    return dZ, np.mean(dZ_tilde * Z_norm, axis=1, keepdims=True), np.mean(dZ_tilde, axis=1, keepdims=True)


def backward_sums(dZ_tilde, cache):
    """The (1/m) (m dZ_norm - sum - Z_norm sum) form."""
    m = dZ_tilde.shape[1]
    dZ_norm = dZ_tilde * cache["gamma"]
    std = np.sqrt(cache["var"] + cache["epsilon"])
    dZ = (m * dZ_norm - np.sum(dZ_norm, axis=1, keepdims=True)
          - cache["Z_norm"] * np.sum(dZ_norm * cache["Z_norm"], axis=1, keepdims=True)) / (m * std)
    dgamma = np.sum(dZ_tilde * cache["Z_norm"], axis=1, keepdims=True) / m
    return dZ, dgamma, dZ_tilde.sum(axis=1, keepdims=True) / m


def backward_graph(dZ_tilde, cache):
    """Step by step through the computational graph: dZ_norm, dvar, dmu (Z - mu recovered from Z_norm)."""
    m = dZ_tilde.shape[1]
    std = np.sqrt(cache["var"] + cache["epsilon"])
    centred = cache["Z_norm"] * std
    dZ_norm = dZ_tilde * cache["gamma"]
    dvar = np.sum(dZ_norm * centred, axis=1, keepdims=True) * -0.5 * std**-3
    dmu = np.sum(-dZ_norm / std, axis=1, keepdims=True) + dvar * np.mean(-2.0 * centred, axis=1, keepdims=True)
    dZ = dZ_norm / std + dvar * 2.0 * centred / m + dmu / m
    return dZ, np.einsum("nm,nm->n", dZ_tilde, cache["Z_norm"])[:, None] / m, np.mean(dZ_tilde, 1, keepdims=True)


def backward_rows(dZ_tilde, cache):
    """One unit at a time, with Python sums over the examples."""
    n, m = dZ_tilde.shape
    dZ, dgamma, dbeta = np.zeros((n, m)), np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        z, g = cache["Z_norm"][i], cache["gamma"][i, 0] * dZ_tilde[i]
        mean_g = sum(g) / m
        mean_gz = sum(a * b for a, b in zip(g, z)) / m
        dZ[i] = (g - mean_g - z * mean_gz) / np.sqrt(cache["var"][i, 0] + cache["epsilon"])
        dgamma[i, 0] = sum(dZ_tilde[i] * z) / m
        dbeta[i, 0] = sum(dZ_tilde[i]) / m
    return dZ, dgamma, dbeta


# ---- named mistakes


def backward_constant_statistics(dZ_tilde, cache):
    dZ, dgamma, dbeta = backward_means(dZ_tilde, cache)
    return cache["gamma"] * dZ_tilde / np.sqrt(cache["var"] + cache["epsilon"]), dgamma, dbeta


def backward_sums_for_parameters(dZ_tilde, cache):
    dZ, _, _ = backward_means(dZ_tilde, cache)
    return dZ, np.sum(dZ_tilde * cache["Z_norm"], axis=1, keepdims=True), np.sum(dZ_tilde, axis=1, keepdims=True)


def backward_variance_term_sign(dZ_tilde, cache):
    """+ Z_norm * mean(G * Z_norm): the variance term added instead of subtracted."""
    Z_norm, G = cache["Z_norm"], cache["gamma"] * dZ_tilde
    dZ = (G - G.mean(axis=1, keepdims=True) + Z_norm * (G * Z_norm).mean(axis=1, keepdims=True)) / np.sqrt(
        cache["var"] + cache["epsilon"])
    return (dZ, *backward_means(dZ_tilde, cache)[1:])


def backward_missing_gamma(dZ_tilde, cache):
    return backward_means(dZ_tilde, {**cache, "gamma": np.ones_like(cache["gamma"])})[0], \
        *backward_means(dZ_tilde, cache)[1:]


def backward_no_inverse_std(dZ_tilde, cache):
    dZ, dgamma, dbeta = backward_means(dZ_tilde, cache)
    return dZ * np.sqrt(cache["var"] + cache["epsilon"]), dgamma, dbeta


def backward_over_variance(dZ_tilde, cache):
    dZ, dgamma, dbeta = backward_means(dZ_tilde, cache)
    return dZ / np.sqrt(cache["var"] + cache["epsilon"]), dgamma, dbeta


def backward_parameters_over_units(dZ_tilde, cache):
    dZ, _, _ = backward_means(dZ_tilde, cache)
    return dZ, np.mean(dZ_tilde * cache["Z_norm"], axis=0, keepdims=True), np.mean(dZ_tilde, axis=0, keepdims=True)


def backward_over_m(dZ_tilde, cache):
    dZ, dgamma, dbeta = backward_means(dZ_tilde, cache)
    return dZ / dZ_tilde.shape[1], dgamma, dbeta


# ----------------------------------------------------------------------------- update_running_stats


def running_weighted(running_mean, running_var, batch_mean, batch_var, momentum):
    return (momentum * running_mean + (1 - momentum) * batch_mean,
            momentum * running_var + (1 - momentum) * batch_var)


def running_interpolation(running_mean, running_var, batch_mean, batch_var, momentum):
    """running + (1 - momentum) (batch - running), returned as a list."""
    return [running_mean + (1 - momentum) * (batch_mean - running_mean),
            running_var + (1 - momentum) * (batch_var - running_var)]


def running_in_place(running_mean, running_var, batch_mean, batch_var, momentum):
    """Updates the arrays it was given (np.multiply/np.add with out=) and returns them."""
    for running, batch in ((running_mean, batch_mean), (running_var, batch_var)):
        np.multiply(running, momentum, out=running)
        np.add(running, (1 - momentum) * batch, out=running)
    return running_mean, running_var


# ---- named mistakes


def running_swapped(running_mean, running_var, batch_mean, batch_var, momentum):
    return running_weighted(running_mean, running_var, batch_mean, batch_var, 1 - momentum)


def running_var_from_batch_mean(running_mean, running_var, batch_mean, batch_var, momentum):
    return (momentum * running_mean + (1 - momentum) * batch_mean,
            momentum * running_var + (1 - momentum) * batch_mean)


def running_replaced(running_mean, running_var, batch_mean, batch_var, momentum):
    return batch_mean, batch_var


# ----------------------------------------------------------------------------- batchnorm_forward_test


def test_mode_direct(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return gamma * (Z - running_mean) / np.sqrt(running_var + epsilon) + beta


def test_mode_folded(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    """Inference-time folding: one scale and one shift per unit."""
    scale = gamma / np.sqrt(running_var + epsilon)
    shift = beta - scale * running_mean
    return scale * Z + shift


def test_mode_columns(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    """One example (column) at a time, flat (n,) statistics."""
    mean, std = running_mean.ravel(), np.sqrt(running_var.ravel() + epsilon)
    columns = [gamma.ravel() * (Z[:, j] - mean) / std + beta.ravel() for j in range(Z.shape[1])]
    return np.stack(columns, axis=1)


# ---- named mistakes


def test_mode_batch_statistics(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + epsilon) + beta


def test_mode_divides_by_variance(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return gamma * (Z - running_mean) / (running_var + epsilon) + beta


def test_mode_beta_missing(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return gamma * (Z - running_mean) / np.sqrt(running_var + epsilon)


def test_mode_gamma_missing(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return (Z - running_mean) / np.sqrt(running_var + epsilon) + beta


def test_mode_hard_coded_epsilon(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return gamma * (Z - running_mean) / np.sqrt(running_var + 1e-5) + beta


CORRECT = {
    "batchnorm_forward_train": [forward_numpy, forward_var_and_inverse, forward_second_moment, forward_rows],
    "batchnorm_backward": [backward_means, backward_sums, backward_graph, backward_rows],
    "update_running_stats": [running_weighted, running_interpolation, running_in_place],
    "batchnorm_forward_test": [test_mode_direct, test_mode_folded, test_mode_columns],
}

MISTAKES = {
    "batchnorm_forward_train": [
        (forward_wrong_axis, "over the wrong axis"),
        (forward_whole_array_statistics, "computed over the whole Z"),
        (forward_epsilon_outside, "epsilon was added outside the square root"),
        (forward_sample_variance, "ddof=1"),
        (forward_uncentred_variance, "mean((Z - mu)**2)"),
        (forward_only_centred, "divide by sqrt(var + epsilon) after subtracting mu"),
        (forward_gamma_beta_swapped, "gamma and beta are swapped"),
        (forward_caches_std, "store the batch variance itself, not sqrt(var + epsilon)"),
    ],
    "batchnorm_backward": [
        (backward_constant_statistics, "you treated mu and sigma^2 as constants"),
        (backward_sums_for_parameters, "is not averaged over the m examples"),
        (backward_variance_term_sign, "subtracted, not added"),
        (backward_missing_gamma, "gamma is missing"),
        (backward_over_m, "dZ carries a 1/m it should not have"),
        (backward_parameters_over_units, "average over the examples instead, axis=1"),
        (backward_no_inverse_std, "the factor 1 / sqrt(var + epsilon) is missing"),
        (backward_over_variance, "not by the variance var + epsilon"),
    ],
    "update_running_stats": [
        (running_swapped, "momentum and (1 - momentum) are swapped"),
        (running_var_from_batch_mean, "batch_mean"),
        (running_replaced, "replaced by the batch"),
    ],
    "batchnorm_forward_test": [
        (test_mode_batch_statistics, "use the running averages"),
        (test_mode_divides_by_variance, "not by the variance itself"),
        (test_mode_beta_missing, "beta is missing"),
        (test_mode_hard_coded_epsilon, "not a hard-coded 1e-5"),
        (test_mode_gamma_missing, "gamma is missing"),
    ],
}
