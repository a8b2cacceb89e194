"""Week 1 set-up exercises: correct answers written differently, and named mistakes with their messages."""

import math

import numpy as np

# ------------------------------------------------------------------------------------ train_dev_test_split


def _sizes_round(ratios, m):
    return int(round(ratios[0] * m)), int(round((ratios[0] + ratios[1]) * m))


def _cut(Xs, Ys, a, b):
    return Xs[:, :a], Ys[:, :a], Xs[:, a:b], Ys[:, a:b], Xs[:, b:], Ys[:, b:]


def _split_by(X, Y, ratios, perm):
    """The sets of the textbook split, with the columns in the order ``perm``."""
    return _cut(X[:, perm], Y[:, perm], *_sizes_round(ratios, X.shape[1]))


def split_permutation(X, Y, ratios, rng):
    return _split_by(X, Y, ratios, rng.permutation(X.shape[1]))


def split_shuffle_in_place_truncating(X, Y, ratios, rng):
    """rng.shuffle on an index array, int() sizes, the test set takes the rest, np.take."""
    m = X.shape[1]
    order = np.arange(m)
    rng.shuffle(order)
    n_train, n_dev = int(ratios[0] * m), int(ratios[1] * m)
    Xs, Ys = np.take(X, order, axis=1), np.take(Y, order, axis=1)
    return _cut(Xs, Ys, n_train, n_train + n_dev)


def split_argsort_np_split(X, Y, ratios, rng):
    """A permutation from argsort of uniform draws, cut with np.split at math.ceil of the cumulative ratios."""
    m = X.shape[1]
    order = np.argsort(rng.random(m))
    cut1 = min(m, math.ceil(ratios[0] * m))
    cut2 = max(cut1, min(m, math.ceil((ratios[0] + ratios[1]) * m)))
    X_train, X_dev, X_test = np.split(X[:, order], [cut1, cut2], axis=1)
    Y_train, Y_dev, Y_test = np.split(Y[:, order], [cut1, cut2], axis=1)
    return X_train, Y_train, X_dev, Y_dev, X_test, Y_test


def split_stacked(X, Y, ratios, rng):
    """X and Y stacked into one array whose columns are permuted together (rng.permutation on the transpose)."""
    n_x, m = X.shape
    both = rng.permutation(np.vstack([X, Y]).T).T
    a, b = _sizes_round(ratios, m)
    return _cut(both[:n_x], both[n_x:], a, b)


def split_choice_per_set(X, Y, ratios, rng):
    """Sample the training set, then the dev set from the rest (each set's columns kept in their original order)."""
    m = X.shape[1]
    a, b = _sizes_round(ratios, m)
    train = np.sort(rng.choice(m, size=a, replace=False))
    rest = np.setdiff1d(np.arange(m), train)
    dev = np.sort(rng.choice(rest, size=b - a, replace=False))
    test = np.setdiff1d(rest, dev)
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]


def split_loop(X, Y, ratios, rng):
    """Columns gathered one by one in Python loops."""
    m = X.shape[1]
    perm = list(rng.permutation(m))
    a, b = _sizes_round(ratios, m)
    sets = []
    for start, stop in ((0, a), (a, b), (b, m)):
        columns = perm[start:stop]
        X_part = np.zeros((X.shape[0], len(columns)))
        Y_part = np.zeros((Y.shape[0], len(columns)))
        for k, j in enumerate(columns):
            X_part[:, k] = X[:, j]
            Y_part[:, k] = Y[:, j]
        sets += [X_part, Y_part]
    return tuple(sets)


# ---- named mistakes


def split_global_numpy_seeded(X, Y, ratios, rng):
    np.random.seed(1)
    return _split_by(X, Y, ratios, np.random.permutation(X.shape[1]))


def split_global_numpy(X, Y, ratios, rng):
    return _split_by(X, Y, ratios, np.random.permutation(X.shape[1]))


def split_reseeded_generator(X, Y, ratios, rng):
    return _split_by(X, Y, ratios, np.random.default_rng(0).permutation(X.shape[1]))


def split_only_train_shuffled(X, Y, ratios, rng):
    """Shuffles the training block only: dev and test keep the last columns in their original order."""
    a, b = _sizes_round(ratios, X.shape[1])
    perm = rng.permutation(a)
    X_train, Y_train = X[:, :a][:, perm], Y[:, :a][:, perm]
    return X_train, Y_train, X[:, a:b], Y[:, a:b], X[:, b:], Y[:, b:]


def split_test_not_shuffled(X, Y, ratios, rng):
    """Shuffles train + dev together, the test set is the last columns of X."""
    a, b = _sizes_round(ratios, X.shape[1])
    perm = rng.permutation(b)
    Xs, Ys = X[:, :b][:, perm], Y[:, :b][:, perm]
    return Xs[:, :a], Ys[:, :a], Xs[:, a:], Ys[:, a:], X[:, b:], Y[:, b:]


def split_blocks_shuffled_separately(X, Y, ratios, rng):
    """Cuts first, then shuffles inside each block: the sets still hold the original blocks."""
    m = X.shape[1]
    parts = []
    for start, stop in zip((0, *_sizes_round(ratios, m)), (*_sizes_round(ratios, m), m)):
        perm = start + rng.permutation(stop - start)
        parts += [X[:, perm], Y[:, perm]]
    return tuple(parts)


def split_wrong_return_order(X, Y, ratios, rng):
    X_train, Y_train, X_dev, Y_dev, X_test, Y_test = split_permutation(X, Y, ratios, rng)
    return X_train, X_dev, X_test, Y_train, Y_dev, Y_test


def split_separate_permutations(X, Y, ratios, rng):
    m = X.shape[1]
    a, b = _sizes_round(ratios, m)
    return _cut(X[:, rng.permutation(m)], Y[:, rng.permutation(m)], a, b)


def split_rows_shuffled(X, Y, ratios, rng):
    X, Y = X.copy(), Y.copy()
    rng.shuffle(X)
    rng.shuffle(Y)
    return _cut(X, Y, *_sizes_round(ratios, X.shape[1]))


def split_no_shuffle(X, Y, ratios, rng):
    return _cut(X, Y, *_sizes_round(ratios, X.shape[1]))


def split_sizes_from_features(X, Y, ratios, rng):
    perm = rng.permutation(X.shape[1])
    return _cut(X[:, perm], Y[:, perm], *_sizes_round(ratios, X.shape[0]))


def split_second_cut_not_cumulative(X, Y, ratios, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    return _cut(X[:, perm], Y[:, perm], round(ratios[0] * m), round(ratios[1] * m))


def split_with_replacement(X, Y, ratios, rng):
    m = X.shape[1]
    idx = rng.integers(0, m, size=m)
    return _cut(X[:, idx], Y[:, idx], *_sizes_round(ratios, m))


# ------------------------------------------------------------------------------------ diagnose


def diagnose_flags(train_error, dev_error, bayes_error):
    high_bias = train_error - bayes_error > 0.02
    high_variance = dev_error - train_error > 0.02
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "good fit"


def diagnose_table(train_error, dev_error, bayes_error):
    """Comparisons written as sums, the verdict looked up in a dict."""
    verdicts = {(True, True): "high bias and high variance", (True, False): "high bias",
                (False, True): "high variance", (False, False): "good fit"}
    return verdicts[(train_error > bayes_error + 0.02, dev_error > train_error + 0.02)]


def diagnose_percent(train_error, dev_error, bayes_error):
    """Gaps in percent, compared with 2 (percent)."""
    bias, variance = 100 * (train_error - bayes_error), 100 * (dev_error - train_error)
    words = [word for word, high in (("high bias", bias > 2), ("high variance", variance > 2)) if high]
    return " and ".join(words) if words else "Good fit"


def diagnose_nested(train_error, dev_error, bayes_error):
    avoidable_bias = train_error - bayes_error
    variance = dev_error - train_error
    if avoidable_bias > 0.02:
        if variance > 0.02:
            return "High bias and high variance "
        return "high bias"
    elif variance > 0.02:
        return "high variance"
    else:
        return "good fit"


# ---- named mistakes


def diagnose_ignores_bayes(train_error, dev_error, bayes_error):
    return diagnose_flags(train_error, dev_error, 0.0)


def verdict(high_bias, high_variance):
    """The verdict for the two flags (tests/test_checks_setup.py writes its answers with it too)."""
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    return "high variance" if high_variance else "good fit"


def diagnose_at_least(train_error, dev_error, bayes_error):
    return verdict(train_error - bayes_error >= 0.02, dev_error - train_error >= 0.02)


def diagnose_dev_vs_bayes(train_error, dev_error, bayes_error):
    return verdict(train_error - bayes_error > 0.02, dev_error - bayes_error > 0.02)


def diagnose_swapped(train_error, dev_error, bayes_error):
    return verdict(dev_error - train_error > 0.02, train_error - bayes_error > 0.02)


def diagnose_percent_threshold(train_error, dev_error, bayes_error):
    return verdict(train_error - bayes_error > 2, dev_error - train_error > 2)


def diagnose_elif_misses_both(train_error, dev_error, bayes_error):
    if train_error - bayes_error > 0.02:
        return "high bias"
    if dev_error - train_error > 0.02:
        return "high variance"
    return "good fit"


# ------------------------------------------------------------------------------------ normalize


def normalize_numpy(X_train, X_dev):
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_dev - mu) / sigma


def normalize_loops(X_train, X_dev):
    """Feature by feature, mean and standard deviation written out as sums."""
    X_train_n, X_dev_n = np.empty_like(X_train, dtype=float), np.empty_like(X_dev, dtype=float)
    m = X_train.shape[1]
    for i in range(X_train.shape[0]):
        mu = sum(X_train[i]) / m
        sigma = math.sqrt(sum((x - mu) ** 2 for x in X_train[i]) / m)
        X_train_n[i] = (X_train[i] - mu) / sigma
        X_dev_n[i] = (X_dev[i] - mu) / sigma
    return X_train_n, X_dev_n


def normalize_second_moment(X_train, X_dev):
    """einsum means and the variance as E[x^2] - mu^2, then multiplication by 1/sigma."""
    m = X_train.shape[1]
    mu = np.einsum("ij->i", X_train)[:, None] / m
    var = np.einsum("ij,ij->i", X_train, X_train)[:, None] / m - mu**2
    inv_sigma = 1.0 / np.sqrt(var)
    return (X_train - mu) * inv_sigma, (X_dev - mu) * inv_sigma


def normalize_in_place(X_train, X_dev):
    """Ng's lecture order: subtract the mean in place, then sigma^2 = mean(x^2) of the centred data."""
    X_train_n, X_dev_n = X_train.astype(float), X_dev.astype(float)
    mu = np.mean(X_train_n, axis=1, keepdims=True)
    X_train_n -= mu
    X_dev_n -= mu
    sigma = np.sqrt(np.mean(X_train_n**2, axis=1, keepdims=True))
    X_train_n /= sigma
    X_dev_n /= sigma
    return X_train_n, X_dev_n


# ---- named mistakes


def normalize_dev_own_stats(X_train, X_dev):
    return tuple((X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True) for X in (X_train, X_dev))


def normalize_by_variance(X_train, X_dev):
    mu, var = X_train.mean(axis=1, keepdims=True), X_train.var(axis=1, keepdims=True)
    return (X_train - mu) / var, (X_dev - mu) / var


def normalize_global_stats(X_train, X_dev):
    mu, sigma = X_train.mean(), X_train.std()
    return (X_train - mu) / sigma, (X_dev - mu) / sigma


def normalize_uncentred_second_moment(X_train, X_dev):
    """sigma^2 = mean(x^2) taken on the raw data, before subtracting the mean."""
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = np.sqrt(np.mean(X_train**2, axis=1, keepdims=True))
    return (X_train - mu) / sigma, (X_dev - mu) / sigma


def normalize_by_row_norm(X_train, X_dev):
    mu = X_train.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(X_train - mu, axis=1, keepdims=True)
    return (X_train - mu) / norm, (X_dev - mu) / norm


def normalize_dev_untouched(X_train, X_dev):
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, X_dev


def normalize_dev_own_sigma(X_train, X_dev):
    mu = X_train.mean(axis=1, keepdims=True)
    return (X_train - mu) / X_train.std(axis=1, keepdims=True), (X_dev - mu) / X_dev.std(axis=1, keepdims=True)


# ------------------------------------------------------------------------------------ initialize_he


def he_standard_normal(layer_dims, rng):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(2.0 / layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def he_normal_scale(layer_dims, rng):
    """rng.normal with the standard deviation as scale, layers built from the last one down."""
    parameters = {}
    for l in range(len(layer_dims) - 1, 0, -1):
        n_prev, n_curr = layer_dims[l - 1], layer_dims[l]
        parameters["b" + str(l)] = np.zeros((n_curr, 1))
        parameters["W" + str(l)] = rng.normal(0.0, math.sqrt(2 / n_prev), size=(n_curr, n_prev))
    return parameters


def he_transposed_draw(layer_dims, rng):
    """Draws (n_prev, n_curr) and returns its transpose (a non-contiguous view)."""
    return {
        key: value
        for l, (n_prev, n_curr) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1)
        for key, value in ((f"W{l}", (rng.standard_normal((n_prev, n_curr)) / np.sqrt(n_prev / 2)).T),
                           (f"b{l}", np.zeros((n_curr, 1), dtype=np.float64)))
    }


def he_one_draw(layer_dims, rng):
    """One draw for every weight, then cut into layers (np.sqrt(2) / np.sqrt(n_prev) scale)."""
    shapes = [(layer_dims[l], layer_dims[l - 1]) for l in range(1, len(layer_dims))]
    flat = rng.standard_normal(sum(a * b for a, b in shapes))
    parameters, start = {}, 0
    for l, (n_curr, n_prev) in enumerate(shapes, start=1):
        parameters[f"W{l}"] = flat[start:start + n_curr * n_prev].reshape(n_curr, n_prev) * np.sqrt(2) / np.sqrt(n_prev)
        parameters[f"b{l}"] = np.zeros_like(parameters[f"W{l}"][:, :1])
        start += n_curr * n_prev
    return parameters


# ---- named mistakes


def _he_with(scale, layer_dims, draw):
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n_curr = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = draw((n_curr, n_prev)) * scale(n_prev, n_curr)
        parameters[f"b{l}"] = np.zeros((n_curr, 1))
    return parameters


def he_global_numpy_seeded(layer_dims, rng):
    np.random.seed(3)
    return _he_with(lambda p, c: np.sqrt(2 / p), layer_dims, lambda shape: np.random.randn(*shape))


def he_reseeded_generator(layer_dims, rng):
    fixed = np.random.default_rng(42)
    return _he_with(lambda p, c: np.sqrt(2 / p), layer_dims, fixed.standard_normal)


def he_lecun(layer_dims, rng):
    return _he_with(lambda p, c: np.sqrt(1 / p), layer_dims, rng.standard_normal)


def he_n_curr(layer_dims, rng):
    return _he_with(lambda p, c: np.sqrt(2 / c), layer_dims, rng.standard_normal)


def he_variance_as_scale(layer_dims, rng):
    return _he_with(lambda p, c: 2 / p, layer_dims, rng.standard_normal)


def he_missing_last_layer(layer_dims, rng):
    return _he_with(lambda p, c: np.sqrt(2 / p), layer_dims[:-1], rng.standard_normal)


CORRECT = {
    "train_dev_test_split": [split_permutation, split_shuffle_in_place_truncating, split_argsort_np_split,
                             split_stacked, split_choice_per_set, split_loop],
    "diagnose": [diagnose_flags, diagnose_table, diagnose_percent, diagnose_nested],
    "normalize": [normalize_numpy, normalize_loops, normalize_second_moment, normalize_in_place],
    "initialize_he": [he_standard_normal, he_normal_scale, he_transposed_draw, he_one_draw],
}

MISTAKES = {
    "train_dev_test_split": [
        (split_global_numpy_seeded, "ignores the rng"),
        (split_global_numpy, "not reproducible"),
        (split_reseeded_generator, "ignores the rng"),
        (split_only_train_shuffled, "only part of the data was shuffled"),
        (split_test_not_shuffled, "only part of the data was shuffled"),
        (split_blocks_shuffled_separately, "only part of the data was shuffled"),
        (split_wrong_return_order, "in the wrong order"),
        (split_separate_permutations, "X and Y were shuffled separately"),
        (split_rows_shuffled, "rows of X were shuffled instead of its columns"),
        (split_no_shuffle, "not shuffled"),
        (split_sizes_from_features, "not from the number of examples"),
        (split_second_cut_not_cumulative, "computed from r_dev alone"),
        (split_with_replacement, "partition the examples"),
    ],
    "diagnose": [
        (diagnose_ignores_bayes, "the Bayes error was ignored"),
        (diagnose_at_least, "not `>=`"),
        (diagnose_dev_vs_bayes, "not dev_error - bayes_error"),
        (diagnose_swapped, "bias and variance are swapped"),
        (diagnose_percent_threshold, "the threshold is 0.02"),
        (diagnose_elif_misses_both, "both gaps are above 0.02"),
    ],
    "normalize": [
        (normalize_dev_own_stats, "normalized with its own mean and standard deviation"),
        (normalize_by_variance, "divided by the variance"),
        (normalize_global_stats, "over the whole array"),
        (normalize_uncentred_second_moment, "before subtracting the mean"),
        (normalize_dev_untouched, "X_dev was returned unchanged"),
        (normalize_by_row_norm, "Euclidean norm of each centred row"),
        (normalize_dev_own_sigma, "the dev set's own standard deviation"),
    ],
    "initialize_he": [
        (he_global_numpy_seeded, "ignores the rng"),
        (he_reseeded_generator, "ignores the rng"),
        (he_lecun, "LeCun's scale"),
        (he_n_curr, "you used n_curr"),
        (he_variance_as_scale, "that is the variance He wants"),
        (he_missing_last_layer, "range(1, L + 1)"),
    ],
}
