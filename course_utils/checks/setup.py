"""Checks for the week 1 set-up notebook: train/dev/test split, bias/variance diagnosis,
input normalization and He initialization."""

from __future__ import annotations

import math

import numpy as np

from course_utils import initialization as reference_initialization
from course_utils import normalization as reference_normalization
from course_utils import splits as reference_splits
from course_utils.checks.framework import (
    Case, CheckFailed, describe, Exercise, exercise_table, expect_array, hinted, judge_seed_cases, Seed, seed_cases,
    unpack,
)


# ------------------------------------------------------------------------------------ train_dev_test_split

_SPLIT_NAMES = ("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test")


def _binary_labels(rng, m: int) -> np.ndarray:
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = (0.0, 1.0)  # both classes present
    return Y


def _split_cases():
    data = np.random.default_rng(101)
    X1 = data.normal(size=(5, 20))
    Y1 = _binary_labels(data, 20)
    X2 = data.normal(size=(2, 50))
    Y2 = np.concatenate([np.zeros(25), np.ones(25)]).reshape(1, 50)
    X3 = data.normal(size=(4, 30))
    Y3 = _binary_labels(data, 30)
    return [
        Case("X (5, 20), ratios (0.6, 0.2, 0.2)", {"X": X1, "Y": Y1, "ratios": (0.6, 0.2, 0.2), "rng": Seed(1)}),
        Case(
            "50 examples sorted by label (25 zeros then 25 ones), ratios (0.8, 0.1, 0.1)",
            {"X": X2, "Y": Y2, "ratios": (0.8, 0.1, 0.1), "rng": Seed(2)},
        ),
        Case("no test set: X (4, 30), ratios (0.9, 0.1, 0.0)", {"X": X3, "Y": Y3, "ratios": (0.9, 0.1, 0.0), "rng": Seed(3)}),
    ] + seed_cases("split of X (2, 30)", {"X": data.normal(size=(2, 30)), "Y": _binary_labels(data, 30),
                                         "ratios": (0.5, 0.25, 0.25)}, (21, 21, 22))


def _split_hidden_cases():
    data = np.random.default_rng(202)
    X1 = data.normal(size=(2, 1000))
    Y1 = _binary_labels(data, 1000)
    X2 = data.normal(size=(5, 7))
    Y2 = _binary_labels(data, 7)
    X3 = data.normal(size=(2, 40))
    Y3 = np.eye(3)[:, data.integers(0, 3, size=40)]
    return [
        Case("1,000 examples, ratios (0.98, 0.01, 0.01)", {"X": X1, "Y": Y1, "ratios": (0.98, 0.01, 0.01), "rng": Seed(4)}),
        Case("7 examples (sizes need rounding), ratios (0.6, 0.2, 0.2)", {"X": X2, "Y": Y2, "ratios": (0.6, 0.2, 0.2), "rng": Seed(5)}),
        Case("one-hot labels Y (3, 40), ratios (0.5, 0.25, 0.25)", {"X": X3, "Y": Y3, "ratios": (0.5, 0.25, 0.25), "rng": Seed(6)}),
        Case(
            "60 examples sorted by X's first feature, ratios (0.7, 0.15, 0.15)",
            {"X": np.vstack([np.arange(60.0), data.normal(size=60)]), "Y": _binary_labels(data, 60),
             "ratios": (0.7, 0.15, 0.15), "rng": Seed(7)},
        ),
    ]


def _cuts(ratios, total: int, rounding) -> tuple:
    """Set sizes when the cut points are rounding(cumulative ratio * total)."""
    r_train, r_dev, _ = ratios
    cut1 = min(total, rounding(r_train * total))
    cut2 = min(total, max(cut1, rounding((r_train + r_dev) * total)))
    return cut1, cut2


_ROUNDINGS = (lambda x: int(math.floor(x + 0.5)), lambda x: int(math.floor(x)), round)


def _split_part(case: Case, name: str, part, rows: int) -> np.ndarray:
    kind = "features" if name.startswith("X") else "label rows"
    if part is None:
        raise CheckFailed(f"{name} is None {describe(case)}: did you forget to return it?")
    if not isinstance(part, np.ndarray):
        raise CheckFailed(f"{name} should be a numpy array, got a {type(part).__name__} {describe(case)}")
    if part.ndim != 2:
        raise CheckFailed(
            f"{name} should be 2-D ({kind}, examples), got shape {part.shape} {describe(case)}: "
            "slice columns with X[:, a:b], which keeps both axes"
        )
    if not np.issubdtype(part.dtype, np.number):
        raise CheckFailed(f"{name} should hold numbers, got dtype {part.dtype} {describe(case)}")
    if part.shape[0] != rows:
        raise CheckFailed(
            f"{name} has {part.shape[0]} rows, expected {rows} {describe(case)}: every set keeps all the {kind} "
            "(rows) and takes a slice of the examples (columns), e.g. X_shuffled[:, a:b]"
        )
    return part.astype(np.float64)


def _judge_split(case: Case, output) -> None:
    X, Y, ratios = case.args["X"], case.args["Y"], case.args["ratios"]
    n_x, m = X.shape
    n_y = Y.shape[0]
    parts = unpack(case, output, 6, "train_dev_test_split")
    rows = [np.shape(part)[0] if isinstance(part, np.ndarray) and part.ndim == 2 else None for part in parts]
    if n_x != n_y and rows == [n_x] * 3 + [n_y] * 3:
        raise CheckFailed(
            f"train_dev_test_split returned its 6 arrays in the wrong order {describe(case)}: the first three have "
            f"X's {n_x} rows and the last three Y's {n_y}. Return (X_train, Y_train, X_dev, Y_dev, X_test, Y_test)"
        )
    parts = [_split_part(case, name, part, n_x if name.startswith("X") else n_y) for name, part in zip(_SPLIT_NAMES, parts)]
    X_parts, Y_parts = parts[0::2], parts[1::2]
    for set_name, Xs, Ys in zip(("train", "dev", "test"), X_parts, Y_parts):
        if Xs.shape[1] != Ys.shape[1]:
            raise CheckFailed(
                f"X_{set_name} has {Xs.shape[1]} examples but Y_{set_name} has {Ys.shape[1]} {describe(case)}: "
                "cut X and Y at the same places"
            )

    # Sizes: each within one example of ratio * m, summing to m.
    sizes = tuple(part.shape[1] for part in X_parts)
    cut1, cut2 = _cuts(ratios, m, _ROUNDINGS[0])
    reference_sizes = (cut1, cut2 - cut1, m - cut2)
    sizes_ok = sum(sizes) == m and all(abs(size - r * m) < 1 - 1e-9 for size, r in zip(sizes, ratios))
    if not sizes_ok:
        for total, what in ((n_x, "X.shape[0], the number of features"), (n_y, "Y.shape[0], the number of label rows")):
            for rounding in _ROUNDINGS:
                a, b = _cuts(ratios, total, rounding)
                if total != m and sizes == (a, b - a, m - b):
                    raise CheckFailed(
                        f"the sets have {sizes} examples {describe(case)}: the sizes were computed from {what} "
                        f"= {total}, not from the number of examples m = X.shape[1] = {m}. "
                        f"Expected {reference_sizes}."
                    )
        for rounding in _ROUNDINGS:
            c1, c2_alone = min(m, rounding(ratios[0] * m)), min(m, rounding(ratios[1] * m))
            if c2_alone != cut2 and sizes in ((c1, max(0, c2_alone - c1), m - c2_alone), (c1, c2_alone, m - c2_alone)):
                raise CheckFailed(
                    f"the sets have {sizes} examples {describe(case)}: the second cut point was computed from r_dev "
                    f"alone, round(r_dev * m) = {c2_alone}. Cut points are cumulative: c2 = round((r_train + r_dev) * m) "
                    f"= {cut2}, so the dev set is columns [c1, c2) and the test set [c2, m). Expected {reference_sizes}."
                )
        if sum(sizes) != m:
            raise CheckFailed(
                f"the three sets hold {sum(sizes)} examples in total but X has m = {m} {describe(case)}: every example "
                "must land in exactly one set (let the last set take all the remaining columns)"
            )
        raise CheckFailed(
            f"the sets have {sizes} examples, expected {reference_sizes} for m = {m} and ratios {tuple(ratios)} "
            f"{describe(case)}. Rule: cut the shuffled columns at round(r_train * m) and round((r_train + r_dev) * m); "
            "any sizes within one example of ratio * m that sum to m are accepted"
        )

    # Contents: the output columns must be X's columns, each exactly once.
    X_all = np.concatenate(X_parts, axis=1)
    Y_all = np.concatenate(Y_parts, axis=1)
    column_index = {tuple(np.round(X[:, j], 10)): j for j in range(m)}
    idx = [column_index.get(tuple(np.round(X_all[:, j], 10))) for j in range(m)]
    if any(i is None for i in idx):
        row_set = {tuple(np.round(row, 10)) for row in X}
        if all(tuple(np.round(row, 10)) in row_set for row in X_all):
            raise CheckFailed(
                f"the rows of X were shuffled instead of its columns {describe(case)}: each example is a column of X, so "
                "shuffle with X[:, permutation] where permutation = rng.permutation(m) (rng.permutation(X) and "
                "rng.shuffle(X) reorder the first axis, the rows, mixing up the features)"
            )
        raise CheckFailed(
            f"X_train, X_dev and X_test contain columns that are not examples of X {describe(case)}: the sets must hold "
            "X's columns unchanged (only their order changes)"
        )
    counts = np.bincount(np.asarray(idx), minlength=m)
    if (counts != 1).any():
        twice, missing = int(np.argmax(counts > 1)), int(np.argmax(counts == 0))
        raise CheckFailed(
            f"example {twice} appears {int(counts[twice])} times and example {missing} is missing {describe(case)}: the "
            "three sets must partition the examples (use one permutation, not sampling with replacement)"
        )
    idx = np.asarray(idx)
    wrong_label = np.flatnonzero(~np.all(np.isclose(Y_all, Y[:, idx]), axis=0))
    if wrong_label.size:
        i = int(idx[wrong_label[0]])
        also = " (Y was not shuffled at all)" if np.allclose(Y_all, Y) else ""
        raise CheckFailed(
            f"X and Y were shuffled separately: example {i} no longer has its label{also} {describe(case)}. Draw one "
            "permutation and use it for the columns of both X and Y"
        )
    if m >= 10 and np.array_equal(idx, np.arange(m)):
        sorted_hint = ""
        if Y.shape[0] == 1 and np.all(np.diff(Y[0]) >= 0) and Y[0, 0] != Y[0, -1]:
            dev_test = Y[0, reference_sizes[0]:]
            sorted_hint = (
                f" Here the data are sorted by label, so the dev and test sets would hold only class "
                f"{int(dev_test[0])}."
            )
        raise CheckFailed(
            f"the examples were not shuffled {describe(case)}: the sets are consecutive blocks of X's columns in their "
            f"original order.{sorted_hint} Shuffle the columns with rng.permutation(m) before cutting"
        )
    _judge_partial_shuffle(case, idx, sizes, Y)
    judge_seed_cases(case, parts, "splits", "permutation = rng.permutation(m)")


def _judge_partial_shuffle(case: Case, idx: np.ndarray, sizes, Y: np.ndarray) -> None:
    """Fail when some sets hold exactly their block of the original order, unlikely (< 1e-6) for a random split."""
    m = len(idx)
    starts = np.cumsum((0,) + tuple(sizes))
    blocks = [
        (set_name, int(a), int(b))
        for set_name, a, b in zip(("training", "dev", "test"), starts[:-1], starts[1:])
        if b > a and set(idx[a:b].tolist()) == set(range(a, b))
    ]
    taken = sum(b - a for _, a, b in blocks)
    arrangements = math.factorial(m) // math.factorial(m - taken)
    for _, a, b in blocks:
        arrangements //= math.factorial(b - a)
    if not blocks or arrangements < 1_000_000:  # a random split gives these blocks with probability 1/arrangements
        return
    where = "; ".join(f"the {set_name} set holds columns {a}..{b - 1}" for set_name, a, b in blocks)
    sorted_hint = ""
    one_class = [(set_name, Y[:, a:b]) for set_name, a, b in blocks if set_name != "training"]
    one_class = [(set_name, part) for set_name, part in one_class if np.all(part == part[:, :1])]
    labels_sorted = Y.shape[0] == 1 and bool(np.all(np.diff(Y[0]) >= 0)) and Y[0, 0] != Y[0, -1]
    if one_class and labels_sorted:
        sorted_hint = (
            f" These data are sorted, so the {' and '.join(name for name, _ in one_class)} set"
            f"{'s hold' if len(one_class) > 1 else ' holds'} examples of a single class only."
        )
    raise CheckFailed(
        f"only part of the data was shuffled {describe(case)}: {where} of X, exactly the block it would get without "
        f"shuffling (in some order).{sorted_hint} Shuffle all m columns with one permutation first, then cut: "
        "every set must be a random sample of the examples"
    )


# ------------------------------------------------------------------------------------ diagnose

_VERDICTS = ("high bias", "high variance", "high bias and high variance", "good fit")
_THRESHOLD = 0.02


def _verdict(high_bias: bool, high_variance: bool) -> str:
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    return "high variance" if high_variance else "good fit"


def _diagnose_case(train, dev, bayes):
    return Case(
        f"train {train:.1%}, dev {dev:.1%}, Bayes {bayes:.1%}",
        {"train_error": train, "dev_error": dev, "bayes_error": bayes},
    )


def _diagnose_cases():
    return [
        _diagnose_case(0.01, 0.11, 0.0),
        _diagnose_case(0.15, 0.16, 0.0),
        _diagnose_case(0.15, 0.30, 0.0),
        _diagnose_case(0.005, 0.01, 0.0),
        _diagnose_case(0.15, 0.16, 0.15),
        _diagnose_case(0.02, 0.04, 0.0),  # both gaps exactly 0.02 (exact in binary floating point): not high
    ]


def _diagnose_hidden_cases():
    return [
        _diagnose_case(0.15, 0.30, 0.15),
        _diagnose_case(0.08, 0.09, 0.075),
        _diagnose_case(0.10, 0.105, 0.02),
        _diagnose_case(0.0, 0.0, 0.0),
        _diagnose_case(0.02, 0.10, 0.02),
        _diagnose_case(0.30, 0.31, 0.12),
        _diagnose_case(0.30, 0.33, 0.30),
    ]


def _judge_diagnose(case: Case, output) -> None:
    train, dev, bayes = (case.args[k] for k in ("train_error", "dev_error", "bayes_error"))
    if output is None:
        raise CheckFailed(f"diagnose returned None {describe(case)}: did you forget a `return`?")
    if not isinstance(output, str):
        raise CheckFailed(f"diagnose should return a string such as 'high bias', got a {type(output).__name__} {describe(case)}")
    verdict = output.strip().lower()
    if verdict not in _VERDICTS:
        raise CheckFailed(f"diagnose returned {output!r} {describe(case)}; it must be one of {list(_VERDICTS)}")
    expected = reference_splits.diagnose_bias_variance(train, dev, bayes, threshold=_THRESHOLD).verdict
    if verdict == expected:
        return
    at_least = _verdict(train - bayes >= _THRESHOLD - 1e-12, dev - train >= _THRESHOLD - 1e-12)
    if verdict == at_least:
        raise CheckFailed(
            f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: a gap of exactly {_THRESHOLD} is not "
            f"high. The rule is strictly greater than {_THRESHOLD}: use `>`, not `>=`"
        )
    if bayes > 0 and verdict == reference_splits.diagnose_bias_variance(train, dev, 0.0, threshold=_THRESHOLD).verdict:
        raise CheckFailed(
            f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: the Bayes error was ignored. The "
            f"avoidable bias is train_error - bayes_error, not train_error (here {train - bayes:.3f}, not {train:.3f})"
        )
    if verdict == _verdict(train - bayes > _THRESHOLD, dev - bayes > _THRESHOLD):
        raise CheckFailed(
            f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: the variance is the gap between "
            f"dev and training error, dev_error - train_error ({dev - train:.3f}), not dev_error - bayes_error "
            f"({dev - bayes:.3f})"
        )
    if verdict == _verdict(dev - train > _THRESHOLD, train - bayes > _THRESHOLD):
        raise CheckFailed(
            f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: bias and variance are swapped. High "
            f"bias means the training error is far above the Bayes error (train_error - bayes_error = "
            f"{train - bayes:.3f}); high variance means the dev error is far above the training error "
            f"(dev_error - train_error = {dev - train:.3f})"
        )
    if expected == "high bias and high variance" and verdict in ("high bias", "high variance"):
        raise CheckFailed(
            f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: both gaps are above {_THRESHOLD} "
            f"(avoidable bias {train - bayes:.3f}, variance {dev - train:.3f}). Test the combined case first: an "
            "if/elif chain stops at the first condition that holds"
        )
    if verdict == "good fit" and verdict == _verdict(train - bayes > 100 * _THRESHOLD, dev - train > 100 * _THRESHOLD):
        raise CheckFailed(
            f"diagnose returned 'good fit', expected {expected!r} {describe(case)}: the errors are fractions (0.15 "
            f"means 15%), so the threshold is {_THRESHOLD}, not {100 * _THRESHOLD:g}: a gap of "
            f"{max(train - bayes, dev - train):.3f} is high"
        )
    raise CheckFailed(
        f"diagnose returned {verdict!r}, expected {expected!r} {describe(case)}: avoidable bias = train_error - "
        f"bayes_error = {train - bayes:.3f}, variance = dev_error - train_error = {dev - train:.3f}; each is high "
        f"when it is greater than {_THRESHOLD}"
    )


# ------------------------------------------------------------------------------------ normalize


def _normalize_cases():
    data = np.random.default_rng(303)
    scales, offsets = np.array([[100.0], [0.5]]), np.array([[300.0], [-1.0]])
    X_train = offsets + scales * data.normal(size=(2, 50))
    X_dev = offsets + scales * data.normal(size=(2, 20)) + np.array([[40.0], [0.3]])
    scales3, offsets3 = np.array([[3.0], [0.2], [20.0]]), np.array([[5.0], [0.0], [-50.0]])
    return [
        Case("2 features on very different scales, X_train (2, 50), X_dev (2, 20)", {"X_train": X_train, "X_dev": X_dev}),
        Case(
            "3 features, X_train (3, 40), X_dev (3, 15)",
            {"X_train": offsets3 + scales3 * data.normal(size=(3, 40)), "X_dev": offsets3 + scales3 * data.normal(size=(3, 15))},
        ),
    ]


def _normalize_hidden_cases():
    data = np.random.default_rng(404)
    scales, offsets = np.array([[4.0], [0.1], [30.0], [2.5]]), np.array([[-2.0], [1.0], [10.0], [0.0]])
    return [
        Case(
            "a single dev example: X_train (4, 30), X_dev (4, 1)",
            {"X_train": offsets + scales * data.normal(size=(4, 30)), "X_dev": offsets + scales * data.normal(size=(4, 1))},
        ),
        Case(
            "uniform features, X_train (2, 200), X_dev (2, 60)",
            {"X_train": data.uniform(0, [[1000.0], [3.0]], size=(2, 200)), "X_dev": data.uniform(0, [[1000.0], [3.0]], size=(2, 60))},
        ),
    ]


def _normalize_mistakes(X, mu, sigma, sigma_sample, own: bool, X_train=None) -> list:
    per_example = (X - X.mean(axis=0, keepdims=True)) / X.std(axis=0, keepdims=True)
    X_train = X if X_train is None else X_train
    low, high = X_train.min(axis=1, keepdims=True), X_train.max(axis=1, keepdims=True)
    mistakes = [
        (
            (X - X_train.mean()) / X_train.std(),
            "one mean and one standard deviation were computed over the whole array: normalize each feature (row) "
            "separately, with X_train.mean(axis=1, keepdims=True) and X_train.std(axis=1, keepdims=True)",
        ),
        (
            (X - low) / (high - low),
            "this is min-max scaling to [0, 1]; normalizing here means zero mean and unit variance per feature: "
            "(x - mu) / sigma with the training set's mean and standard deviation",
        ),
        (
            (X - mu) / sigma**2,
            "divided by the variance sigma**2 instead of the standard deviation sigma (the course notes' x / sigma^2 "
            "is a slip: it does not give unit variance)",
        ),
        (X - mu, "only centered: after subtracting the mean, also divide by the standard deviation sigma"),
        (
            (X - mu) / np.linalg.norm(X_train - mu, axis=1, keepdims=True),
            "divided by the Euclidean norm of each centred row, which is sigma * sqrt(m): the standard deviation "
            "divides the sum of squares by m first, sigma = sqrt(mean((x - mu)**2)) = X_train.std(axis=1, keepdims=True)",
        ),
        (
            X / np.linalg.norm(X_train, axis=1, keepdims=True),
            "divided each row by its norm (unit-norm rows): normalizing inputs here means (x - mu) / sigma per "
            "feature, zero mean and unit variance",
        ),
        (
            per_example,
            "normalized each example (column) across its features: compute one mean and one standard deviation per "
            "feature over the training examples, X_train.mean(axis=1, keepdims=True)",
        ),
        (
            (X - mu) / sigma_sample,
            "used the sample standard deviation (ddof=1); the course divides by m, as np.std does by default",
        ),
        (
            (X - mu) / np.sqrt(np.mean(X_train**2, axis=1, keepdims=True)),
            "sigma was computed as sqrt(mean(x**2)) on the raw data, before subtracting the mean. In the lecture's "
            "sigma^2 = (1/m) sum x^2 the x are already centred (x := x - mu); use X_train.std(axis=1, keepdims=True)",
        ),
    ]
    if own:
        own_mu, own_sigma = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
        same = "use the training set's mu and sigma for the dev set too, so that both sets go through the same " \
               "transformation"
        mistakes[:0] = [
            ((X - own_mu) / own_sigma, f"the dev set was normalized with its own mean and standard deviation: {same}"),
            ((X - mu) / own_sigma, f"the dev set's own standard deviation was used: {same}"),
            ((X - own_mu) / sigma, f"the dev set's own mean was used: {same}"),
            (X, "X_dev was returned unchanged: normalize it too, with the training set's mu and sigma"),
        ]
    return mistakes


def _judge_normalize(case: Case, output) -> None:
    X_train, X_dev = case.args["X_train"], case.args["X_dev"]
    X_train_n, X_dev_n = unpack(case, output, 2, "normalize")
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    sigma_sample = X_train.std(axis=1, ddof=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        train_mistakes = _normalize_mistakes(X_train, mu, sigma, sigma_sample, own=False)
        dev_mistakes = _normalize_mistakes(X_dev, mu, sigma, sigma_sample, own=True, X_train=X_train)
    look = "mu and sigma: one value per feature (row), computed on X_train over the examples (axis=1, " \
           "keepdims=True); sigma = np.std, which divides by m"
    with hinted(look):
        expect_array(case, X_train_n, (X_train - mu) / sigma, "X_train_n", mistakes=train_mistakes)
    if X_dev.shape[1] == 1 and isinstance(X_dev_n, np.ndarray) and X_dev_n.shape == X_dev.shape:
        if not np.isfinite(X_dev_n.astype(np.float64)).all():
            raise CheckFailed(
                f"X_dev_n is not finite {describe(case)}: one dev example has standard deviation 0 on its own, which is "
                "what you get when the dev set is normalized with its own statistics. Use the training set's mu and "
                "sigma for the dev set"
            )
    with hinted(look + ", and the dev set reuses the training set's mu and sigma"):
        expect_array(case, X_dev_n, (X_dev - mu) / sigma, "X_dev_n", mistakes=dev_mistakes)


# ------------------------------------------------------------------------------------ initialize_he


def _init_cases():
    return [
        Case("layer_dims [3, 4, 1]", {"layer_dims": [3, 4, 1], "rng": Seed(7)}),
        Case("large layers [600, 300, 200]: the spread of the weights is measured", {"layer_dims": [600, 300, 200], "rng": Seed(8)}),
    ] + seed_cases("He initialization of [4, 3, 2]", {"layer_dims": [4, 3, 2]}, (12, 12, 13))


def _init_hidden_cases():
    return [
        Case("four layers [5, 3, 3, 2, 1]", {"layer_dims": [5, 3, 3, 2, 1], "rng": Seed(9)}),
        Case("one layer (logistic regression) [2, 1]", {"layer_dims": [2, 1], "rng": Seed(10)}),
        Case("large layers [1000, 100, 40, 1]", {"layer_dims": [1000, 100, 40, 1], "rng": Seed(11)}),
    ]


_MIN_ENTRIES_FOR_STD = 2000


def _wrong_scales(n_prev: int, n_curr: int, l: int) -> list:
    return [
        (
            math.sqrt(1.0 / n_prev),
            f"sqrt(1/n_prev) = {math.sqrt(1.0 / n_prev):.4g}: that is LeCun's scale (the one the videos call "
            "'Xavier', for tanh). He initialization, made for ReLU, uses sqrt(2/n_prev)",
        ),
        (
            math.sqrt(2.0 / n_curr),
            f"sqrt(2/n_curr) = {math.sqrt(2.0 / n_curr):.4g}: you used n_curr = n[{l}], the number of units of layer "
            f"{l}, where He uses n_prev = n[{l - 1}], the number of inputs of each unit",
        ),
        (
            0.01,
            "0.01: that is the 'small random numbers' initialization. He scales the standard normal draws by "
            "sqrt(2/n_prev)",
        ),
        (
            math.sqrt(2.0) / n_prev,
            f"sqrt(2)/n_prev = {math.sqrt(2.0) / n_prev:.4g}: the square root must cover the whole fraction, "
            "np.sqrt(2 / n_prev), not np.sqrt(2) / n_prev",
        ),
        (
            2.0 / n_prev,
            f"2/n_prev = {2.0 / n_prev:.4g}: that is the variance He wants; the standard deviation is its square root",
        ),
        (
            math.sqrt(2.0 / (n_prev + n_curr)),
            f"sqrt(2/(n_prev + n_curr)) = {math.sqrt(2.0 / (n_prev + n_curr)):.4g}: that is Glorot's scale; He uses "
            "sqrt(2/n_prev)",
        ),
    ]


def _judge_initialize_he(case: Case, output) -> None:
    dims = list(case.args["layer_dims"])
    L = len(dims) - 1
    if output is None:
        raise CheckFailed(f"initialize_he returned None {describe(case)}: did you forget a `return`?")
    if not isinstance(output, dict):
        raise CheckFailed(f"initialize_he should return a dict {{'W1': ..., 'b1': ...}}, got a {type(output).__name__} {describe(case)}")
    expected_keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    missing = [k for k in expected_keys if k not in output]
    extra = sorted(k for k in output if k not in expected_keys)
    if missing:
        layers = sorted({int(k[1:]) for k in missing})
        raise CheckFailed(
            f"parameters has no {', '.join(missing)} {describe(case)}: layer_dims = {dims} describes L = "
            f"len(layer_dims) - 1 = {L} layers, so you need W1..W{L} and b1..b{L}: loop over l = 1, ..., L "
            f"(range(1, L + 1)). Layer(s) {layers} are missing"
        )
    if extra:
        raise CheckFailed(f"parameters has unexpected keys {extra} {describe(case)}: only W1..W{L} and b1..b{L}")
    for l in range(1, L + 1):
        n_prev, n_curr = dims[l - 1], dims[l]
        W, b = output[f"W{l}"], output[f"b{l}"]
        for name, value in ((f"W{l}", W), (f"b{l}", b)):
            if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.number):
                raise CheckFailed(f"{name} should be a numpy array of numbers, got {type(value).__name__} {describe(case)}")
        if W.shape != (n_curr, n_prev):
            hint = (
                " (it looks transposed: W[l] maps the n[l-1] outputs of the previous layer to the n[l] units of layer l)"
                if W.shape == (n_prev, n_curr)
                else ""
            )
            raise CheckFailed(f"W{l} has shape {W.shape}, expected (n[{l}], n[{l - 1}]) = {(n_curr, n_prev)}{hint} {describe(case)}")
        if b.shape != (n_curr, 1):
            hint = f": use np.zeros(({n_curr}, 1)), a column" if b.shape in ((n_curr,), (1, n_curr)) else ""
            raise CheckFailed(f"b{l} has shape {b.shape}, expected {(n_curr, 1)}{hint} {describe(case)}")
        if np.any(b != 0):
            raise CheckFailed(
                f"b{l} is not zero {describe(case)}: start the biases at zero. Random weights already break the symmetry "
                "between units; random biases are not needed"
            )
        W = W.astype(np.float64)
        if not np.isfinite(W).all():
            raise CheckFailed(f"W{l} contains NaN or inf {describe(case)}")
        if W.size > 1 and np.all(W == W.flat[0]):
            raise CheckFailed(
                f"every entry of W{l} equals {float(W.flat[0]):.4g} {describe(case)}: with identical weights every unit of "
                "the layer computes the same thing and receives the same update (the symmetry is never broken); "
                "draw them at random"
            )
        if W.size < _MIN_ENTRIES_FOR_STD:
            continue
        _judge_spread(case, W, l, n_prev, n_curr)
    judge_seed_cases(case, [output[k] for k in expected_keys], "weights",
                    "rng.standard_normal((n_curr, n_prev)) * np.sqrt(2 / n_prev)")


def _judge_spread(case: Case, W: np.ndarray, l: int, n_prev: int, n_curr: int) -> None:
    """Mean, standard deviation and shape of the distribution of a large W{l}."""
    expected_std = math.sqrt(2.0 / n_prev)
    mean, std = float(W.mean()), float(W.std())
    if abs(mean) > 5.0 * std / math.sqrt(W.size) + 1e-12:
        raise CheckFailed(
            f"W{l} has mean {mean:.3g} {describe(case)}, but weights should be centred on 0: draw them with "
            "rng.standard_normal (rng.random is uniform on [0, 1))"
        )
    tolerance = max(0.05, 5.0 / math.sqrt(2.0 * W.size))
    if abs(std / expected_std - 1.0) <= tolerance:
        return
    for wrong_std, message in _wrong_scales(n_prev, n_curr, l):
        if abs(std / wrong_std - 1.0) <= tolerance:
            raise CheckFailed(f"the standard deviation of W{l} is about {message} {describe(case)}")
    centred = W - mean
    kurtosis = float(np.mean(centred**4) / np.mean(centred**2) ** 2)
    if kurtosis < 2.4:  # a normal distribution has 3, a uniform one 1.8
        raise CheckFailed(
            f"W{l} has standard deviation {std:.4g}, expected about sqrt(2/n_prev) = {expected_std:.4g}, and its "
            f"values look uniformly distributed {describe(case)}: draw them from a normal distribution, "
            "rng.standard_normal(shape) * np.sqrt(2 / n_prev) (rng.random and rng.uniform are uniform)"
        )
    raise CheckFailed(
        f"W{l} has standard deviation {std:.4g}, expected about sqrt(2/n_prev) = sqrt(2/{n_prev}) = "
        f"{expected_std:.4g} {describe(case)}"
    )


EXERCISES = exercise_table(
    Exercise(
        name="train_dev_test_split",
        visible_cases=_split_cases,
        hidden_cases=_split_hidden_cases,
        judge=_judge_split,
        forbidden=(reference_splits,),
    ),
    Exercise(
        name="diagnose",
        visible_cases=_diagnose_cases,
        hidden_cases=_diagnose_hidden_cases,
        judge=_judge_diagnose,
        forbidden=(reference_splits,),
    ),
    Exercise(
        name="normalize",
        visible_cases=_normalize_cases,
        hidden_cases=_normalize_hidden_cases,
        judge=_judge_normalize,
        forbidden=(reference_normalization,),
    ),
    Exercise(
        name="initialize_he",
        visible_cases=_init_cases,
        hidden_cases=_init_hidden_cases,
        judge=_judge_initialize_he,
        forbidden=(reference_initialization,),
    ),
)
