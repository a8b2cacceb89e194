"""The checks of the week 1 set-up notebook: right answers pass, every recognized mistake gets its message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils import initialization, normalization, splits
from course_utils.checks import CheckFailed, check, get_exercise
from course_utils.checks.framework import collect_outputs, judge_outputs
from tests.check_tools import fails_with as _fails_with
from tests.variants import setup as variants




# ------------------------------------------------------------------------------------ train_dev_test_split


def _cut_points(ratios, m):
    return int(math.floor(ratios[0] * m + 0.5)), int(math.floor((ratios[0] + ratios[1]) * m + 0.5))


def _cut(X_s, Y_s, a, b):
    return X_s[:, :a], Y_s[:, :a], X_s[:, a:b], Y_s[:, a:b], X_s[:, b:], Y_s[:, b:]


def split_right(X, Y, ratios, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    a, b = _cut_points(ratios, m)
    return _cut(X[:, perm], Y[:, perm], a, b)


def split_truncating(X, Y, ratios, rng):
    """Another acceptable rounding rule: int() on each set, the test set takes the rest."""
    m = X.shape[1]
    perm = rng.permutation(m)
    n_train, n_dev = int(ratios[0] * m), int(ratios[1] * m)
    return _cut(X[:, perm], Y[:, perm], n_train, n_train + n_dev)


def split_separate_permutations(X, Y, ratios, rng):
    m = X.shape[1]
    a, b = _cut_points(ratios, m)
    return _cut(X[:, rng.permutation(m)], Y[:, rng.permutation(m)], a, b)


def split_only_x_shuffled(X, Y, ratios, rng):
    m = X.shape[1]
    a, b = _cut_points(ratios, m)
    return _cut(X[:, rng.permutation(m)], Y, a, b)


def split_rows_shuffled(X, Y, ratios, rng):
    m = X.shape[1]
    a, b = _cut_points(ratios, m)
    return _cut(X[::-1, :], Y, a, b)


def split_rows_shuffled_with_rng(X, Y, ratios, rng):
    m = X.shape[1]
    a, b = _cut_points(ratios, m)
    X, Y = X.copy(), Y.copy()
    rng.shuffle(X)  # shuffles the rows: the classic mistake
    rng.shuffle(Y)
    return _cut(X, Y, a, b)


def split_no_shuffle(X, Y, ratios, rng):
    a, b = _cut_points(ratios, X.shape[1])
    return _cut(X, Y, a, b)


def split_wrong_axis(X, Y, ratios, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    a, b = _cut_points(ratios, X.shape[0])
    return _cut(X[:, perm], Y[:, perm], a, b)


def split_with_replacement(X, Y, ratios, rng):
    m = X.shape[1]
    idx = rng.integers(0, m, size=m)
    a, b = _cut_points(ratios, m)
    return _cut(X[:, idx], Y[:, idx], a, b)


def split_drops_examples(X, Y, ratios, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    X_s, Y_s = X[:, perm], Y[:, perm]
    n = [int(r * m) for r in ratios]
    a, b, c = n[0], n[0] + n[1], n[0] + n[1] + n[2] - 1
    return X_s[:, :a], Y_s[:, :a], X_s[:, a:b], Y_s[:, a:b], X_s[:, b:c], Y_s[:, b:c]


def split_slices_rows(X, Y, ratios, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    a, b = _cut_points(ratios, m)
    X_s, Y_s = X[:, perm], Y[:, perm]
    return X_s[:a], Y_s[:, :a], X_s[a:b], Y_s[:, a:b], X_s[b:], Y_s[:, b:]


def split_second_cut_not_cumulative(X, Y, ratios, rng):
    """The second cut at round(r_dev * m) instead of round((r_train + r_dev) * m)."""
    m = X.shape[1]
    perm = rng.permutation(m)
    a, b = round(ratios[0] * m), round(ratios[1] * m)
    return _cut(X[:, perm], Y[:, perm], a, b)


def test_split_right_answers_pass():
    check("train_dev_test_split", split_right, hidden=True)
    check("train_dev_test_split", split_truncating, hidden=True)


def test_split_separate_permutations():
    _fails_with("train_dev_test_split", split_separate_permutations, "X and Y were shuffled separately", "no longer has its label")
    _fails_with("train_dev_test_split", split_only_x_shuffled, "shuffled separately", "Y was not shuffled at all")


def test_split_rows_shuffled():
    _fails_with("train_dev_test_split", split_rows_shuffled, "rows of X were shuffled instead of its columns")
    _fails_with("train_dev_test_split", split_rows_shuffled_with_rng, "rows of X were shuffled instead of its columns")


def test_split_no_shuffle_detected_on_sorted_data():
    _fails_with("train_dev_test_split", split_no_shuffle, "not shuffled")
    outputs = collect_outputs(get_exercise("train_dev_test_split"), split_no_shuffle)
    exercise = get_exercise("train_dev_test_split")
    sorted_case = exercise.cases()[1]
    with pytest.raises(CheckFailed, match="sorted by label"):
        exercise.judge(sorted_case, outputs[1]["output"])


def test_split_wrong_axis():
    _fails_with("train_dev_test_split", split_wrong_axis, "number of features", "not from the number of examples")


def test_split_other_mistakes():
    _fails_with("train_dev_test_split", split_with_replacement, "partition the examples")
    _fails_with("train_dev_test_split", split_drops_examples, "exactly one set")
    _fails_with("train_dev_test_split", split_slices_rows, "rows, expected", "X_shuffled[:, a:b]")
    _fails_with("train_dev_test_split", split_second_cut_not_cumulative, "computed from r_dev alone",
                "round((r_train + r_dev) * m)")


def test_split_none_and_shape_mistakes():
    _fails_with("train_dev_test_split", lambda X, Y, ratios, rng: None, "should return 6 values")
    _fails_with("train_dev_test_split", lambda X, Y, ratios, rng: split_right(X, Y, ratios, rng)[:4], "should return 6 values")

    def returns_none_part(X, Y, ratios, rng):
        parts = list(split_right(X, Y, ratios, rng))
        parts[3] = None
        return tuple(parts)

    _fails_with("train_dev_test_split", returns_none_part, "Y_dev is None")

    def transposed(X, Y, ratios, rng):
        return tuple(part.T for part in split_right(X, Y, ratios, rng))

    _fails_with("train_dev_test_split", transposed, "X_train has", "rows, expected")


def test_split_refuses_the_reference():
    _fails_with("train_dev_test_split", lambda X, Y, ratios, rng: splits.train_dev_test_split(X, Y, ratios, rng=rng),
                "reference solution")


def test_split_unimplemented_raises_not_implemented():
    def stub(X, Y, ratios, rng):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("train_dev_test_split", stub)


# ------------------------------------------------------------------------------------ diagnose


def diagnose_right(train_error, dev_error, bayes_error):
    return variants.verdict(train_error - bayes_error > 0.02 + 1e-12, dev_error - train_error > 0.02 + 1e-12)


def test_diagnose_right_answers_pass():
    check("diagnose", diagnose_right, hidden=True)
    check("diagnose", lambda train_error, dev_error, bayes_error: "  " + diagnose_right(train_error, dev_error, bayes_error).upper(),
          hidden=True)


def test_diagnose_recognized_mistakes():
    _fails_with("diagnose", variants.diagnose_ignores_bayes,
                "avoidable bias is train_error - bayes_error, not train_error")
    _fails_with("diagnose", variants.diagnose_at_least, "exactly 0.02 is not high", "not `>=`")
    _fails_with("diagnose", variants.diagnose_dev_vs_bayes, "dev_error - train_error", "not dev_error - bayes_error")


def test_diagnose_other_mistakes():
    _fails_with("diagnose", lambda train_error, dev_error, bayes_error: None, "returned None")
    _fails_with("diagnose", lambda train_error, dev_error, bayes_error: 1, "should return a string")
    _fails_with("diagnose", lambda train_error, dev_error, bayes_error: "underfitting", "must be one of")
    _fails_with("diagnose", lambda train_error, dev_error, bayes_error: "good fit", "expected 'high variance'")


def test_diagnose_refuses_the_reference():
    def uses_reference(train_error, dev_error, bayes_error):
        return splits.diagnose_bias_variance(train_error, dev_error, bayes_error).verdict

    _fails_with("diagnose", uses_reference, "reference solution")


# ------------------------------------------------------------------------------------ normalize


def normalize_right(X_train, X_dev):
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_dev - mu) / sigma


def normalize_only_centered(X_train, X_dev):
    mu = X_train.mean(axis=1, keepdims=True)
    return X_train - mu, X_dev - mu


def normalize_per_example(X_train, X_dev):
    return tuple((X - X.mean(axis=0, keepdims=True)) / X.std(axis=0, keepdims=True) for X in (X_train, X_dev))


def normalize_sample_std(X_train, X_dev):
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, ddof=1, keepdims=True)
    return (X_train - mu) / sigma, (X_dev - mu) / sigma


def normalize_min_max(X_train, X_dev):
    low, high = X_train.min(axis=1, keepdims=True), X_train.max(axis=1, keepdims=True)
    return (X_train - low) / (high - low), (X_dev - low) / (high - low)


def test_normalize_right_answer_passes():
    check("normalize", normalize_right, hidden=True)

    def with_epsilon(X_train, X_dev):
        mu = X_train.mean(axis=1, keepdims=True)
        sigma = np.sqrt(X_train.var(axis=1, keepdims=True) + 1e-8)
        return (X_train - mu) / sigma, (X_dev - mu) / sigma

    check("normalize", with_epsilon, hidden=True)


def test_normalize_recognized_mistakes():
    _fails_with("normalize", variants.normalize_dev_own_stats, "X_dev_n",
                "normalized with its own mean and standard deviation")
    _fails_with("normalize", variants.normalize_by_variance, "divided by the variance",
                "instead of the standard deviation")
    _fails_with("normalize", normalize_only_centered, "only centered")
    _fails_with("normalize", normalize_per_example, "normalized each example (column) across its features")
    _fails_with("normalize", normalize_sample_std, "sample standard deviation (ddof=1)")
    _fails_with("normalize", variants.normalize_global_stats, "over the whole array", "axis=1, keepdims=True")
    _fails_with("normalize", normalize_min_max, "min-max scaling")


def test_normalize_single_dev_example_with_own_stats():
    exercise = get_exercise("normalize")
    case = exercise.cases(hidden=True)[2]
    assert case.args["X_dev"].shape[1] == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        output = variants.normalize_dev_own_stats(case.args["X_train"], case.args["X_dev"])
    with pytest.raises(CheckFailed, match="normalized with its own statistics"):
        exercise.judge(case, list(output))


def test_normalize_none_and_shape_mistakes():
    _fails_with("normalize", lambda X_train, X_dev: None, "should return 2 values")
    _fails_with("normalize", lambda X_train, X_dev: (normalize_right(X_train, X_dev)[0], None), "X_dev_n is None")
    _fails_with("normalize", lambda X_train, X_dev: tuple(A.T for A in normalize_right(X_train, X_dev)), "looks transposed")


def test_normalize_refuses_the_reference():
    def uses_reference(X_train, X_dev):
        stats = normalization.fit_normalizer(X_train)
        return normalization.apply_normalizer(X_train, stats), normalization.apply_normalizer(X_dev, stats)

    _fails_with("normalize", uses_reference, "reference solution")


# ------------------------------------------------------------------------------------ initialize_he


def _init(layer_dims, rng, std_fn, bias_fn=None, stop=0):
    parameters = {}
    for l in range(1, len(layer_dims) - stop):
        n_prev, n_curr = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = std_fn(n_prev, n_curr) * rng.standard_normal((n_curr, n_prev))
        parameters[f"b{l}"] = np.zeros((n_curr, 1)) if bias_fn is None else bias_fn(rng, n_curr)
    return parameters


def he_right(layer_dims, rng):
    return _init(layer_dims, rng, lambda n_prev, n_curr: np.sqrt(2 / n_prev))


def test_initialize_he_right_answer_passes():
    check("initialize_he", he_right, hidden=True)


def test_initialize_he_recognized_mistakes():
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(1 / p)),
                "that is LeCun's scale", "the videos call 'Xavier'")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(2 / c)),
                "you used n_curr", "n_prev")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: 0.01),
                "0.01", "small random numbers")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: 2 / p),
                "square root")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(2 / (p + c))),
                "Glorot")
    _fails_with("initialize_he",
                lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(2 / p),
                                              bias_fn=lambda rng, n: 0.01 * rng.standard_normal((n, 1))),
                "b1 is not zero")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(2 / p), stop=1),
                "parameters has no W2, b2", "range(1, L + 1)")
    _fails_with("initialize_he", lambda layer_dims, rng: _init(layer_dims, rng, lambda p, c: np.sqrt(2) / p),
                "np.sqrt(2 / n_prev), not np.sqrt(2) / n_prev")

    def centred_uniform(layer_dims, rng):
        parameters = he_right(layer_dims, rng)
        for l in range(1, len(layer_dims)):
            shape = parameters[f"W{l}"].shape
            parameters[f"W{l}"] = np.sqrt(2 / layer_dims[l - 1]) * (rng.random(shape) - 0.5)
        return parameters

    _fails_with("initialize_he", centred_uniform, "look uniformly distributed", "rng.standard_normal")


def test_initialize_he_other_mistakes():
    def uniform(layer_dims, rng):
        parameters = he_right(layer_dims, rng)
        for l in range(1, len(layer_dims)):
            parameters[f"W{l}"] = np.sqrt(2 / layer_dims[l - 1]) * rng.random(parameters[f"W{l}"].shape)
        return parameters

    def transposed(layer_dims, rng):
        return {k: (v.T if k.startswith("W") else v) for k, v in he_right(layer_dims, rng).items()}

    def flat_bias(layer_dims, rng):
        return {k: (v.ravel() if k.startswith("b") else v) for k, v in he_right(layer_dims, rng).items()}

    def zeros(layer_dims, rng):
        return {k: np.zeros_like(v) for k, v in he_right(layer_dims, rng).items()}

    def extra_key(layer_dims, rng):
        return {**he_right(layer_dims, rng), "W0": np.zeros((1, 1))}

    _fails_with("initialize_he", uniform, "centred on 0")
    _fails_with("initialize_he", transposed, "looks transposed")
    _fails_with("initialize_he", flat_bias, "np.zeros((4, 1))")
    _fails_with("initialize_he", zeros, "symmetry")
    _fails_with("initialize_he", extra_key, "unexpected keys ['W0']")
    _fails_with("initialize_he", lambda layer_dims, rng: None, "returned None")
    _fails_with("initialize_he", lambda layer_dims, rng: [1, 2], "should return a dict")


def test_initialize_he_refuses_the_reference():
    _fails_with("initialize_he", lambda layer_dims, rng: initialization.initialize_parameters(layer_dims, "he", rng),
                "reference solution")


# ------------------------------------------------------------------------------------ grading split


@pytest.mark.parametrize(
    "name, fn",
    [("train_dev_test_split", split_right), ("diagnose", diagnose_right), ("normalize", normalize_right),
     ("initialize_he", he_right)],
)
def test_collect_then_judge_in_two_steps(name, fn):
    exercise = get_exercise(name)
    outputs = collect_outputs(exercise, fn, hidden=True)
    judge_outputs(exercise, outputs, hidden=True)


# ------------------------------------------------------------------------ variants (tests/variants/setup.py)


def test_partial_shuffle_on_sorted_data_names_the_single_class():
    message = _fails_with("train_dev_test_split", variants.split_test_not_shuffled, "only part of the data was shuffled")
    assert "sorted" in message and "a single class" in message and "columns 45..49" in message
