"""Week 2 optimization exercises: correct answers written differently, and named mistakes with their messages."""

import math

import numpy as np

# =============================================================================== random_mini_batches


def batches_range_step(X, Y, mini_batch_size, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    X_s, Y_s = X[:, order], Y[:, order]
    return [(X_s[:, k:k + mini_batch_size], Y_s[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


def batches_complete_then_rest(X, Y, mini_batch_size, rng):
    """Full batches in a loop, then the rest; the permutation from rng.shuffle on an index array; lists, not tuples."""
    m = X.shape[1]
    idx = np.arange(m)
    rng.shuffle(idx)
    X_s, Y_s = X[:, idx], Y[:, idx]
    batches = []
    complete = math.floor(m / mini_batch_size)
    for k in range(complete):
        batches.append([X_s[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                        Y_s[:, k * mini_batch_size:(k + 1) * mini_batch_size]])
    if m % mini_batch_size != 0:
        batches.append([X_s[:, complete * mini_batch_size:], Y_s[:, complete * mini_batch_size:]])
    return batches


def batches_np_split(X, Y, mini_batch_size, rng):
    """argsort of uniform draws, np.split at the batch boundaries, zip."""
    m = X.shape[1]
    order = np.argsort(rng.random(m), kind="stable")
    cuts = list(range(mini_batch_size, m, mini_batch_size))
    return list(zip(np.split(X[:, order], cuts, axis=1), np.split(Y[:, order], cuts, axis=1)))


def batches_stacked(X, Y, mini_batch_size, rng):
    """X and Y stacked, columns permuted with rng.permuted, batches gathered column by column."""
    n_x, m = X.shape
    both = np.vstack([X, Y])[:, rng.permuted(np.arange(m))]
    batches = []
    for start in range(0, m, mini_batch_size):
        columns = [both[:, j] for j in range(start, min(start + mini_batch_size, m))]
        block = np.stack(columns, axis=1)
        batches.append((block[:n_x], block[n_x:]))
    return batches


# ---- named mistakes


def batches_global_numpy_seeded(X, Y, mini_batch_size, rng):
    np.random.seed(0)
    order = np.random.permutation(X.shape[1])
    return batches_range_step(X[:, order], Y[:, order], mini_batch_size, _Identity())


def batches_global_numpy(X, Y, mini_batch_size, rng):
    order = np.random.permutation(X.shape[1])
    return batches_range_step(X[:, order], Y[:, order], mini_batch_size, _Identity())


class _Identity:
    """Stands for an rng whose permutation keeps the order (to reuse batches_range_step on shuffled data)."""

    def permutation(self, m):
        return np.arange(m)


def batches_last_from_unshuffled(X, Y, mini_batch_size, rng):
    """The classic: the last, smaller batch is cut from X instead of the shuffled X."""
    m = X.shape[1]
    order = rng.permutation(m)
    X_s, Y_s = X[:, order], Y[:, order]
    complete = m // mini_batch_size
    batches = [(X_s[:, k * mini_batch_size:(k + 1) * mini_batch_size], Y_s[:, k * mini_batch_size:(k + 1) * mini_batch_size])
               for k in range(complete)]
    if m % mini_batch_size:
        batches.append((X[:, complete * mini_batch_size:], Y[:, complete * mini_batch_size:]))
    return batches


def batches_drop_last(X, Y, mini_batch_size, rng):
    return [batch for batch in batches_range_step(X, Y, mini_batch_size, rng) if batch[0].shape[1] == mini_batch_size]


def batches_separate_permutations(X, Y, mini_batch_size, rng):
    m = X.shape[1]
    X_s, Y_s = X[:, rng.permutation(m)], Y[:, rng.permutation(m)]
    return [(X_s[:, k:k + mini_batch_size], Y_s[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


def batches_rows_shuffled(X, Y, mini_batch_size, rng):
    X_s = rng.permutation(X)
    return [(X_s[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, X.shape[1], mini_batch_size)]


def batches_not_shuffled(X, Y, mini_batch_size, rng):
    return batches_range_step(X, Y, mini_batch_size, _Identity())


def batches_with_replacement(X, Y, mini_batch_size, rng):
    idx = rng.integers(0, X.shape[1], X.shape[1])
    return batches_range_step(X[:, idx], Y[:, idx], mini_batch_size, _Identity())


# =============================================================================== ewa


def ewa_loop(theta, beta, bias_correction=False):
    v, out = 0.0, np.zeros(len(theta))
    for t in range(1, len(theta) + 1):
        v = beta * v + (1 - beta) * theta[t - 1]
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    return out


def ewa_interpolation(theta, beta, bias_correction=False):
    """v += (1 - beta) * (theta_t - v), correction applied afterwards to the whole array."""
    values, v = [], 0.0
    for value in theta:
        v += (1 - beta) * (value - v)
        values.append(v)
    values = np.array(values)
    if bias_correction:
        values = values / (1 - beta ** np.arange(1, len(theta) + 1))
    return values


def ewa_weights_matrix(theta, beta, bias_correction=False):
    """Closed form v_t = (1 - beta) sum_k beta^(t-k) theta_k as a lower-triangular matrix product."""
    T = len(theta)
    t = np.arange(1, T + 1)
    powers = np.tril(np.power(float(beta), np.maximum(t[:, None] - t[None, :], 0)))
    v = (1 - beta) * powers @ np.asarray(theta, dtype=float)
    return v / (1 - float(beta) ** t) if bias_correction else v


def ewa_convolve(theta, beta, bias_correction=False):
    """The same closed form with np.convolve."""
    T = len(theta)
    v = (1 - beta) * np.convolve(theta, beta ** np.arange(T))[:T]
    if bias_correction:
        v /= 1 - beta ** np.arange(1, T + 1)
    return v


# ---- named mistakes


def ewa_swapped(theta, beta, bias_correction=False):
    return ewa_loop(theta, 1 - beta, bias_correction)


def ewa_starts_from_first_value(theta, beta, bias_correction=False):
    v, out = theta[0], np.zeros(len(theta))
    for t in range(1, len(theta) + 1):
        v = beta * v + (1 - beta) * theta[t - 1]
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    return out


def ewa_corrected_value_fed_back(theta, beta, bias_correction=False):
    v, out = 0.0, np.zeros(len(theta))
    for t in range(1, len(theta) + 1):
        v = beta * v + (1 - beta) * theta[t - 1]
        if bias_correction:
            v = v / (1 - beta**t)
        out[t - 1] = v
    return out


def ewa_value_not_weighted(theta, beta, bias_correction=False):
    """v = beta * v + theta_t: the new value is not weighted by (1 - beta)."""
    v, out = 0.0, np.zeros(len(theta))
    for t in range(1, len(theta) + 1):
        v = beta * v + theta[t - 1]
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    return out


def ewa_last_value_only(theta, beta, bias_correction=False):
    return ewa_loop(theta, beta, bias_correction)[-1]


def ewa_correction_power_of_difference(theta, beta, bias_correction=False):
    values = ewa_loop(theta, beta, False)
    return values / (1 - beta) ** np.arange(1, len(theta) + 1) if bias_correction else values


def ewa_includes_v0(theta, beta, bias_correction=False):
    return np.concatenate([[0.0], ewa_loop(theta, beta, bias_correction)])


def ewa_correction_ignored(theta, beta, bias_correction=False):
    return ewa_loop(theta, beta, False)


# =============================================================================== momentum / RMSProp / Adam


def momentum_dict_loop(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = {}, {}
    for name, value in parameters.items():
        new_v["d" + name] = beta * v["d" + name] + (1 - beta) * grads["d" + name]
        new_parameters[name] = value - learning_rate * new_v["d" + name]
    return new_parameters, new_v


def momentum_in_place_layers(parameters, grads, v, beta, learning_rate):
    """Coursera-style loop over the layers, updating (and returning) the dicts it was given."""
    L = len(parameters) // 2
    for l in range(1, L + 1):
        for p in ("W", "b"):
            v[f"d{p}{l}"] = beta * v[f"d{p}{l}"] + (1 - beta) * grads[f"d{p}{l}"]
            parameters[f"{p}{l}"] -= learning_rate * v[f"d{p}{l}"]
    return parameters, v


def momentum_interpolation(parameters, grads, v, beta, learning_rate):
    """v + (1 - beta) (dW - v), with np.subtract/np.add and copies."""
    new_v = {key: np.add(v[key], (1 - beta) * np.subtract(grads[key], v[key])) for key in v}
    new_parameters = {name: value.copy() for name, value in parameters.items()}
    for name in new_parameters:
        new_parameters[name] -= learning_rate * new_v["d" + name]
    return new_parameters, new_v


def rmsprop_dict_loop(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    new_parameters, new_s = {}, {}
    for name, value in parameters.items():
        key = "d" + name
        new_s[key] = beta * s[key] + (1 - beta) * np.square(grads[key])
        new_parameters[name] = value - learning_rate * grads[key] / (np.sqrt(new_s[key]) + epsilon)
    return new_parameters, new_s


def rmsprop_in_place_layers(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        for p in ("W", "b"):
            g = grads[f"d{p}{l}"]
            s[f"d{p}{l}"] = beta * s[f"d{p}{l}"] + (1 - beta) * g * g
            parameters[f"{p}{l}"] -= learning_rate / (s[f"d{p}{l}"] ** 0.5 + epsilon) * g
    return parameters, s


def rmsprop_interpolation(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    new_s = {key: s[key] + (1 - beta) * (np.power(grads[key], 2) - s[key]) for key in s}
    return ({name: value - np.divide(learning_rate * grads["d" + name], np.sqrt(new_s["d" + name]) + epsilon)
             for name, value in parameters.items()}, new_s)


def initialize_adam_comprehension(parameters):
    return ({"d" + k: np.zeros_like(w) for k, w in parameters.items()},
            {"d" + k: np.zeros_like(w) for k, w in parameters.items()})


def initialize_adam_layers(parameters):
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            v[f"d{p}{l}"] = np.zeros(parameters[f"{p}{l}"].shape)
            s[f"d{p}{l}"] = np.zeros((parameters[f"{p}{l}"].shape[0], parameters[f"{p}{l}"].shape[1]))
    return v, s


def initialize_adam_times_zero(parameters):
    v = {f"d{k}": 0.0 * w for k, w in parameters.items()}
    return v, {k: z.copy() for k, z in v.items()}


def adam_dict_loop(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    t = t + 1
    new_parameters, new_v, new_s = {}, {}, {}
    for name, value in parameters.items():
        key = "d" + name
        new_v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        new_s[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
        v_hat, s_hat = new_v[key] / (1 - beta1**t), new_s[key] / (1 - beta2**t)
        new_parameters[name] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new_parameters, new_v, new_s, t


def adam_in_place_layers(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Coursera-style loop over the layers, updating the given dicts in place."""
    L = len(parameters) // 2
    t += 1
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            v_corrected = v[key] / (1 - np.power(beta1, t))
            s_corrected = s[key] / (1 - np.power(beta2, t))
            parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return parameters, v, s, t


def adam_folded_step_size(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Kingma and Ba's efficient form: alpha_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), epsilon scaled to match."""
    step = t + 1
    correction2 = math.sqrt(1 - beta2**step)
    alpha = learning_rate * correction2 / (1 - beta1**step)
    new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
    new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] * grads[k] for k in s}
    new_parameters = {n: w - alpha * new_v["d" + n] / (np.sqrt(new_s["d" + n]) + epsilon * correction2)
                      for n, w in parameters.items()}
    return new_parameters, new_v, new_s, np.int64(step)


# ---- named mistakes (momentum, RMSProp, Adam)


def _last_layer_skipped(update):
    """Wrap a correct update so that it loops over range(1, L): the last layer's parameters keep their values."""
    def wrong(parameters, grads, *args, **kwargs):
        L = len(parameters) // 2
        result = update(parameters, grads, *args, **kwargs)
        new_parameters = dict(result[0])
        for p in ("W", "b"):
            new_parameters[f"{p}{L}"] = parameters[f"{p}{L}"]
        return (new_parameters, *result[1:])
    wrong.__name__ = update.__name__ + "_last_layer_skipped"
    return wrong


def momentum_pytorch_style(parameters, grads, v, beta, learning_rate):
    new_v = {k: beta * v[k] + grads[k] for k in v}
    return {n: w - learning_rate * new_v["d" + n] for n, w in parameters.items()}, new_v


def momentum_no_learning_rate(parameters, grads, v, beta, learning_rate):
    new_v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
    return {n: w - new_v["d" + n] for n, w in parameters.items()}, new_v


def momentum_old_velocity(parameters, grads, v, beta, learning_rate):
    new_parameters = {n: w - learning_rate * v["d" + n] for n, w in parameters.items()}
    return new_parameters, {k: beta * v[k] + (1 - beta) * grads[k] for k in v}


def rmsprop_no_epsilon(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    new_s = {k: beta * s[k] + (1 - beta) * grads[k] ** 2 for k in s}
    return {n: w - learning_rate * grads["d" + n] / np.sqrt(new_s["d" + n]) for n, w in parameters.items()}, new_s


def rmsprop_epsilon_inside(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    new_s = {k: beta * s[k] + (1 - beta) * grads[k] ** 2 for k in s}
    return ({n: w - learning_rate * grads["d" + n] / np.sqrt(new_s["d" + n] + epsilon) for n, w in parameters.items()},
            new_s)


def rmsprop_not_squared(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    new_s = {k: beta * s[k] + (1 - beta) * grads[k] for k in s}
    return ({n: w - learning_rate * grads["d" + n] / (np.sqrt(np.abs(new_s["d" + n])) + epsilon)
             for n, w in parameters.items()}, new_s)


def initialize_adam_parameter_keys(parameters):
    return ({k: np.zeros_like(w) for k, w in parameters.items()}, {k: np.zeros_like(w) for k, w in parameters.items()})


def initialize_adam_w_shape_for_b(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(1, L + 1):
        v[f"dW{l}"] = np.zeros(parameters[f"W{l}"].shape)
        v[f"db{l}"] = np.zeros(parameters[f"W{l}"].shape)
    return v, {k: z.copy() for k, z in v.items()}


def initialize_adam_ones(parameters):
    return ({"d" + k: np.ones_like(w) for k, w in parameters.items()},
            {"d" + k: np.ones_like(w) for k, w in parameters.items()})


def adam_t_not_incremented(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, _ = adam_dict_loop(parameters, grads, v, s, t - 1 if t > 0 else t,
                                                     learning_rate, beta1, beta2, epsilon)
    return new_parameters, new_v, new_s, t


def adam_t_in_loop(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s = {}, {}, {}
    for name, value in parameters.items():
        t += 1
        key = "d" + name
        new_v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        new_s[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
        new_parameters[name] = value - learning_rate * (new_v[key] / (1 - beta1**t)) / (
            np.sqrt(new_s[key] / (1 - beta2**t)) + epsilon)
    return new_parameters, new_v, new_s, t


def adam_no_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
    new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
    return ({n: w - learning_rate * new_v["d" + n] / (np.sqrt(new_s["d" + n]) + epsilon) for n, w in parameters.items()},
            new_v, new_s, t + 1)


def adam_returns_corrected_moments(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                   epsilon=1e-8):
    new_parameters, new_v, new_s, t = adam_dict_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    return new_parameters, {k: x / (1 - beta1**t) for k, x in new_v.items()}, new_s, t


def adam_corrections_power_of_difference(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                         epsilon=1e-8):
    t = t + 1
    new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
    new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
    return ({n: w - learning_rate * (new_v["d" + n] / (1 - beta1) ** t) / (np.sqrt(new_s["d" + n] / (1 - beta2) ** t)
                                                                          + epsilon)
             for n, w in parameters.items()}, new_v, new_s, t)


def adam_no_epsilon(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return adam_dict_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, 0.0)


# =============================================================================== schedule_lr


def schedule_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))


def schedule_integer_division(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * (1.0 / (1 + decay_rate * (epoch_num // time_interval)))


def schedule_math_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return float(learning_rate0 / (decay_rate * math.floor(epoch_num / time_interval) + 1))


def schedule_counting_loop(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    decays, epoch = 0, epoch_num
    while epoch >= time_interval:
        epoch -= time_interval
        decays += 1
    return learning_rate0 / (1 + decay_rate * decays)


# ---- named mistakes


def schedule_no_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


def schedule_every_epoch(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_exponential(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * decay_rate ** (epoch_num // time_interval)


def schedule_precedence(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """learning_rate0 / 1 + decay_rate * ...: the division binds first."""
    return learning_rate0 / 1 + decay_rate * (epoch_num // time_interval)


def schedule_factor_outside(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate) * np.floor(epoch_num / time_interval)


def schedule_ceil(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * math.ceil(epoch_num / time_interval))


CORRECT = {
    "random_mini_batches": [batches_range_step, batches_complete_then_rest, batches_np_split, batches_stacked],
    "ewa": [ewa_loop, ewa_interpolation, ewa_weights_matrix, ewa_convolve],
    "momentum_update": [momentum_dict_loop, momentum_in_place_layers, momentum_interpolation],
    "rmsprop_update": [rmsprop_dict_loop, rmsprop_in_place_layers, rmsprop_interpolation],
    "initialize_adam": [initialize_adam_comprehension, initialize_adam_layers, initialize_adam_times_zero],
    "adam_update": [adam_dict_loop, adam_in_place_layers, adam_folded_step_size],
    "schedule_lr": [schedule_floor, schedule_integer_division, schedule_math_floor, schedule_counting_loop],
}

MISTAKES = {
    "random_mini_batches": [
        (batches_global_numpy_seeded, "ignores the rng"),
        (batches_global_numpy, "not reproducible"),
        (batches_last_from_unshuffled, "the last mini-batch was cut from the unshuffled"),
        (batches_drop_last, "the last, smaller mini-batch is missing"),
        (batches_separate_permutations, "not shuffled with the same permutation"),
        (batches_rows_shuffled, "the rows (features) of X were shuffled"),
        (batches_not_shuffled, "original order"),
        (batches_with_replacement, "exactly once per epoch"),
    ],
    "ewa": [
        (ewa_swapped, "beta and (1 - beta) are swapped"),
        (ewa_starts_from_first_value, "v_0 = theta_1"),
        (ewa_corrected_value_fed_back, "fed back into the recurrence"),
        (ewa_value_not_weighted, "weighted by (1 - beta)"),
        (ewa_includes_v0, "without the starting value v_0 = 0"),
        (ewa_correction_ignored, "not divided by 1 - beta**t"),
        (ewa_last_value_only, "returned a single number"),
        (ewa_correction_power_of_difference, "divides by (1 - beta)**t"),
    ],
    "momentum_update": [
        (momentum_pytorch_style, "not scaled by (1 - beta)"),
        (momentum_old_velocity, "update v first"),
        (momentum_no_learning_rate, "learning_rate is missing"),
        (_last_layer_skipped(momentum_dict_loop), "range(1, L + 1)"),
    ],
    "rmsprop_update": [
        (rmsprop_no_epsilon, "epsilon is missing"),
        (rmsprop_epsilon_inside, "epsilon is inside the square root"),
        (rmsprop_not_squared, "the gradient is not squared"),
        (_last_layer_skipped(rmsprop_dict_loop), "range(1, L + 1)"),
    ],
    "initialize_adam": [
        (initialize_adam_parameter_keys, "'d' + parameter name"),
        (initialize_adam_w_shape_for_b, "the shape of W1"),
        (initialize_adam_ones, "start at zero"),
    ],
    "adam_update": [
        (adam_t_not_incremented, "t was not incremented"),
        (adam_t_in_loop, "t was incremented inside the loop"),
        (adam_no_bias_correction, "no bias correction"),
        (adam_returns_corrected_moments, "not the bias-corrected v_hat"),
        (adam_no_epsilon, "epsilon is missing"),
        (adam_corrections_power_of_difference, "divide by (1 - beta)**t"),
        (_last_layer_skipped(adam_dict_loop), "range(1, L + 1)"),
    ],
    "schedule_lr": [
        (schedule_no_floor, "the floor is missing"),
        (schedule_every_epoch, "decay applied at every epoch"),
        (schedule_exponential, "exponential decay"),
        (schedule_precedence, "learning_rate0 / 1 + decay_rate"),
        (schedule_ceil, "the rate changes too early"),
        (schedule_factor_outside, "it belongs in the denominator"),
    ],
}
