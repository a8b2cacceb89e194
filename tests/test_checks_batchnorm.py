"""The batch-norm notebook's checks: right answers pass, every recognized mistake gets its own message."""

from __future__ import annotations


import numpy as np
import pytest

from course_utils import batchnorm as reference_batchnorm
from course_utils.checks import check, get_exercise
from course_utils.checks.batchnorm import CACHE_KEYS
from course_utils.checks.framework import collect_outputs, judge_outputs
from tests.check_tools import fails_with




# ----------------------------------------------------------------------------- forward, train mode


def make_forward(axis=1, ddof=0, eps="inside", swap=False, scale_shift=True, keepdims=True, cache_fix=None):
    def batchnorm_forward(Z, gamma, beta, epsilon=1e-5):
        mu = Z.mean(axis=axis, keepdims=keepdims)
        var = Z.var(axis=axis, keepdims=keepdims, ddof=ddof)
        if eps == "inside":
            std = np.sqrt(var + epsilon)
        elif eps == "outside":
            std = np.sqrt(var) + epsilon
        else:
            std = np.sqrt(var)
        Z_norm = (Z - mu) / std
        if not scale_shift:
            Z_tilde = Z_norm
        else:
            Z_tilde = beta * Z_norm + gamma if swap else gamma * Z_norm + beta
        cache = {"Z_norm": Z_norm, "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}
        if cache_fix is not None:
            cache = cache_fix(cache)
        return Z_tilde, cache

    return batchnorm_forward


def test_forward_correct_passes_visible_and_hidden(capsys):
    check("batchnorm_forward_train", make_forward())
    check("batchnorm_forward_train", make_forward(), hidden=True)
    assert "all" in capsys.readouterr().out


def test_forward_split_collect_and_judge():
    exercise = get_exercise("batchnorm_forward_train")
    judge_outputs(exercise, collect_outputs(exercise, make_forward(), hidden=True), hidden=True)


def test_forward_extra_cache_keys_are_fine():
    check("batchnorm_forward_train", make_forward(cache_fix=lambda c: dict(c, Z="kept for later")), hidden=True)


@pytest.mark.parametrize(
    "fn, fragments",
    [
        (make_forward(axis=0), ["normalize each unit (row) over the mini-batch (axis=1)"]),
        (make_forward(eps="outside"), ["epsilon was added outside the square root", "sqrt(var + epsilon)"]),
        (make_forward(eps="none"), ["NaN", "variance 0", "sqrt(var + epsilon)", "constant"]),
        (make_forward(swap=True), ["gamma and beta are swapped"]),
        (make_forward(ddof=1), ["use the batch variance with 1/m"]),
        (make_forward(scale_shift=False), ["you returned Z_norm"]),
    ],
    ids=["wrong-axis", "eps-outside-sqrt", "std-without-eps", "gamma-beta-swapped", "unbiased-variance", "no-scale-shift"],
)
def test_forward_mistakes_are_named(fn, fragments):
    fails_with("batchnorm_forward_train", fn, *fragments)


def test_forward_epsilon_outside_sqrt_shows_on_tiny_variance():
    # On the constant row both versions give 0; the tiny-variance case makes the gap large.
    Z = np.array([[0.5, 0.5 + 1e-3, 0.5 - 1e-3]])
    right, _ = make_forward()(Z, np.ones((1, 1)), np.zeros((1, 1)))
    wrong, _ = make_forward(eps="outside")(Z, np.ones((1, 1)), np.zeros((1, 1)))
    assert np.max(np.abs(right - wrong)) > 0.5


def test_forward_missing_epsilon_on_a_batch_without_constant_rows():
    def no_constant_first(Z, gamma, beta, epsilon=1e-5):
        if np.any(Z.var(axis=1) == 0):
            return make_forward()(Z, gamma, beta, epsilon)
        return make_forward(eps="none")(Z, gamma, beta, epsilon)

    fails_with("batchnorm_forward_train", no_constant_first, "epsilon is missing")


def test_forward_missing_keepdims_on_a_square_batch():
    def no_keepdims(Z, gamma, beta, epsilon=1e-5):
        if Z.shape[0] != Z.shape[1]:
            return make_forward()(Z, gamma, beta, epsilon)
        return make_forward(keepdims=False)(Z, gamma, beta, epsilon)

    check("batchnorm_forward_train", no_keepdims)  # no square visible case
    fails_with("batchnorm_forward_train", no_keepdims, "keepdims=True", hidden=True)


def test_forward_hard_coded_epsilon():
    def hard_coded(Z, gamma, beta, epsilon=1e-5):
        return make_forward()(Z, gamma, beta)

    check("batchnorm_forward_train", hard_coded)  # every visible case uses 1e-5
    fails_with("batchnorm_forward_train", hard_coded, "use the epsilon argument (here 0.001)", hidden=True)


@pytest.mark.parametrize(
    "fix, fragments",
    [
        (lambda c: {k: v for k, v in c.items() if k != "var"}, ["missing ['var']"]),
        (lambda c: dict(c, var=np.sqrt(c["var"])), ["not the standard deviation"]),
        (lambda c: dict(c, var=c["var"] + c["epsilon"]), ["without epsilon"]),
        (lambda c: dict(c, mu=c["mu"].T), ["cache['mu'] has shape", "transposed"]),
        (lambda c: [c["Z_norm"], c["var"]], ["should be a dict"]),
        (lambda c: dict(c, epsilon=None), ["cache['epsilon'] is None"]),
    ],
    ids=["missing-key", "std-stored", "var-plus-eps", "mu-transposed", "not-a-dict", "epsilon-none"],
)
def test_forward_cache_mistakes(fix, fragments):
    fails_with("batchnorm_forward_train", make_forward(cache_fix=fix), *fragments)


def test_forward_framework_messages():
    fails_with("batchnorm_forward_train", lambda Z, gamma, beta, epsilon: None, "should return 2 values")
    fails_with("batchnorm_forward_train", lambda Z, gamma, beta, epsilon: (None, {}), "Z_tilde is None", "return")

    def transposed(Z, gamma, beta, epsilon=1e-5):
        Z_tilde, cache = make_forward()(Z, gamma, beta, epsilon)
        return Z_tilde.T, cache

    fails_with("batchnorm_forward_train", transposed, "has shape", "transposed")


def test_forward_calling_the_reference_is_refused():
    def lazy(Z, gamma, beta, epsilon=1e-5):
        out, _ = reference_batchnorm.batchnorm_forward(Z, gamma, beta, epsilon=epsilon)
        return out, {}

    fails_with("batchnorm_forward_train", lazy, "calls the course's reference solution")


def test_forward_stub_raises_not_implemented():
    def stub(Z, gamma, beta, epsilon=1e-5):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("batchnorm_forward_train", stub)


# ----------------------------------------------------------------------------- backward


def make_backward(mean_term=True, var_term=True, use_gamma=True, dz_over_m=False, average=True,
                  swap=False, eps=True, gamma_in_dgamma=False):
    def batchnorm_backward(dZ_tilde, cache):
        Z_norm, gamma, var = cache["Z_norm"], cache["gamma"], cache["var"]
        m = Z_norm.shape[1]
        std = np.sqrt(var + cache["epsilon"]) if eps else np.sqrt(var)
        G = gamma * dZ_tilde if use_gamma else dZ_tilde
        dZ = G.copy()
        if mean_term:
            dZ = dZ - G.mean(axis=1, keepdims=True)
        if var_term:
            dZ = dZ - Z_norm * np.mean(G * Z_norm, axis=1, keepdims=True)
        dZ = dZ / std
        if dz_over_m:
            dZ = dZ / m
        reduce = np.mean if average else np.sum
        dgamma = reduce(dZ_tilde * Z_norm * (gamma if gamma_in_dgamma else 1.0), axis=1, keepdims=True)
        dbeta = reduce(dZ_tilde, axis=1, keepdims=True)
        if swap:
            dgamma, dbeta = dbeta, dgamma
        return dZ, dgamma, dbeta

    return batchnorm_backward


def test_backward_correct_passes_visible_and_hidden():
    check("batchnorm_backward", make_backward())
    check("batchnorm_backward", make_backward(), hidden=True)


def test_backward_matches_the_reference_kernel_on_the_reference_cache():
    rng = np.random.default_rng(0)
    Z, gamma, beta = rng.normal(size=(3, 7)), rng.uniform(0.5, 2, (3, 1)), rng.normal(size=(3, 1))
    dZ_tilde = rng.normal(size=(3, 7))
    _, ref_cache = reference_batchnorm.batchnorm_forward(Z, gamma, beta)
    _, cache = make_forward()(Z, gamma, beta)
    for ours, ref in zip(make_backward()(dZ_tilde, cache), reference_batchnorm.batchnorm_backward(dZ_tilde, ref_cache)):
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "fn, fragments",
    [
        (make_backward(mean_term=False), ["term coming from the batch mean mu is missing", "culprit(s): dW1"]),
        (make_backward(var_term=False), ["term coming from the batch variance sigma^2 is missing", "culprit(s): dW1"]),
        (make_backward(mean_term=False, var_term=False), ["treated mu and sigma^2 as constants", "dW1"]),
        (make_backward(use_gamma=False), ["gamma is missing", "dW1"]),
        (make_backward(dz_over_m=True), ["dZ carries a 1/m", "dW1"]),
        (make_backward(average=False), ["dgamma is not averaged over the m examples", "dgamma1", "dbeta1"]),
        (make_backward(swap=True), ["dgamma and dbeta are swapped", "dgamma1"]),
        (make_backward(gamma_in_dgamma=True), ["do not multiply by gamma", "dgamma1"]),
        (make_backward(eps=False), ["1 / sqrt(var + epsilon)"]),
    ],
    ids=["no-mean-term", "no-variance-term", "constant-statistics", "no-gamma", "dZ-over-m", "not-averaged",
         "dgamma-dbeta-swapped", "gamma-in-dgamma", "no-epsilon"],
)
def test_backward_mistakes_are_named(fn, fragments):
    message = fails_with("batchnorm_backward", fn, *fragments)
    assert "gradient check" in message or "epsilon" in message


def test_backward_m_form_without_its_one_over_m_is_named():
    def m_form(dZ_tilde, cache):  # (1/m) * gamma/std * (m dZn - sum dZn - Z_norm sum(dZn Z_norm)), 1/m forgotten
        dZ, dgamma, dbeta = make_backward()(dZ_tilde, cache)
        return dZ * dZ_tilde.shape[1], dgamma, dbeta

    fails_with("batchnorm_backward", m_form, "dZ is m times too large", "culprit(s): dW1")


def test_backward_dbeta_not_averaged():
    def dbeta_summed(dZ_tilde, cache):
        dZ, dgamma, dbeta = make_backward()(dZ_tilde, cache)
        return dZ, dgamma, dbeta * dZ_tilde.shape[1]

    fails_with("batchnorm_backward", dbeta_summed, "dbeta is not averaged", "culprit(s): dbeta1")


def test_backward_gradient_check_names_dgamma_only():
    def bad_dgamma(dZ_tilde, cache):
        dZ, dgamma, dbeta = make_backward()(dZ_tilde, cache)
        return dZ, dgamma + 0.3, dbeta

    message = fails_with("batchnorm_backward", bad_dgamma, "culprit(s): dgamma1.", "dgamma has wrong values")
    assert "dW1" not in message and "dbeta1" not in message


def test_backward_framework_messages():
    def nan_dz(dZ_tilde, cache):
        dZ, dgamma, dbeta = make_backward()(dZ_tilde, cache)
        dZ[0, 0] = np.nan
        return dZ, dgamma, dbeta

    def flat_dbeta(dZ_tilde, cache):
        dZ, dgamma, dbeta = make_backward()(dZ_tilde, cache)
        return dZ, dgamma, dbeta.ravel()

    fails_with("batchnorm_backward", nan_dz, "dZ contains NaN")
    fails_with("batchnorm_backward", flat_dbeta, "dbeta has shape")
    fails_with("batchnorm_backward", lambda dZ_tilde, cache: (None, None, None), "dZ is None")
    fails_with("batchnorm_backward", lambda dZ_tilde, cache: dZ_tilde, "should return 3 values")


def test_backward_calling_the_reference_is_refused():
    def lazy(dZ_tilde, cache):
        ref_cache = {"Z_hat": cache["Z_norm"], "inv_std": 1 / np.sqrt(cache["var"] + cache["epsilon"]),
                     "gamma": cache["gamma"], "mode": "train"}
        return reference_batchnorm.batchnorm_backward(dZ_tilde, ref_cache)

    fails_with("batchnorm_backward", lazy, "calls the course's reference solution")


def test_backward_cases_use_the_documented_cache():
    for case in get_exercise("batchnorm_backward").cases(hidden=True):
        assert set(case.args["cache"]) == set(CACHE_KEYS)


# ----------------------------------------------------------------------------- running statistics


def make_running(swap=False, order=False, replace=False):
    def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
        keep = 1 - momentum if swap else momentum
        mean = batch_mean if replace else keep * running_mean + (1 - keep) * batch_mean
        var = batch_var if replace else keep * running_var + (1 - keep) * batch_var
        return (var, mean) if order else (mean, var)

    return update_running_stats


def test_running_correct_passes():
    check("update_running_stats", make_running())
    check("update_running_stats", make_running(), hidden=True)


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (make_running(swap=True), "momentum and (1 - momentum) are swapped"),
        (make_running(order=True), "wrong order"),
        (make_running(replace=True), "replaced by the batch mean"),
    ],
    ids=["momentum-swapped", "outputs-swapped", "no-average"],
)
def test_running_mistakes_are_named(fn, fragment):
    fails_with("update_running_stats", fn, fragment)


def test_running_framework_messages():
    fails_with("update_running_stats", lambda **kw: None, "should return 2 values")

    def nan_var(**kw):
        mean, var = make_running()(**kw)
        return mean, var * np.nan

    fails_with("update_running_stats", nan_var, "contains NaN")


def test_running_calling_the_reference_is_refused():
    def lazy(running_mean, running_var, batch_mean, batch_var, momentum):
        running = {"mean": running_mean, "var": running_var}
        reference_batchnorm.batchnorm_forward(np.zeros((running_mean.shape[0], 1)), np.ones_like(running_mean),
                                              np.zeros_like(running_mean), running=running, momentum=momentum)
        return make_running()(running_mean, running_var, batch_mean, batch_var, momentum)

    fails_with("update_running_stats", lazy, "calls the course's reference solution")


# ----------------------------------------------------------------------------- forward, test mode


def make_test(stats="running", eps="inside", swap=False, var_as_std=False, scale_shift=True):
    def batchnorm_forward_test(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
        mean, var = running_mean, running_var
        if stats in ("batch", "batch-mean"):
            mean = Z.mean(axis=1, keepdims=True)
        if stats in ("batch", "batch-var"):
            var = Z.var(axis=1, keepdims=True)
        if var_as_std:
            scale = var + epsilon
        elif eps == "inside":
            scale = np.sqrt(var + epsilon)
        elif eps == "outside":
            scale = np.sqrt(var) + epsilon
        else:
            scale = np.sqrt(var)
        Z_norm = (Z - mean) / scale
        if not scale_shift:
            return Z_norm
        return beta * Z_norm + gamma if swap else gamma * Z_norm + beta

    return batchnorm_forward_test


def test_test_mode_correct_passes():
    check("batchnorm_forward_test", make_test())
    check("batchnorm_forward_test", make_test(), hidden=True)


@pytest.mark.parametrize(
    "fn, fragments",
    [
        (make_test(stats="batch"), ["use the running averages, not the statistics of the test batch"]),
        (make_test(stats="batch-mean"), ["not the statistics of the test batch", "the batch mean"]),
        (make_test(stats="batch-var"), ["not the statistics of the test batch", "the batch variance"]),
        (make_test(eps="outside"), ["epsilon was added outside the square root"]),
        (make_test(eps="none"), ["epsilon is missing"]),
        (make_test(var_as_std=True), ["running_var is a variance"]),
        (make_test(swap=True), ["gamma and beta are swapped"]),
        (make_test(scale_shift=False), ["you returned Z_norm"]),
    ],
    ids=["batch-stats", "batch-mean", "batch-var", "eps-outside", "no-eps", "var-not-sqrt", "swapped", "no-scale-shift"],
)
def test_test_mode_mistakes_are_named(fn, fragments):
    fails_with("batchnorm_forward_test", fn, *fragments)


def test_test_mode_batch_of_one_with_batch_statistics():
    """On one example the batch statistics make every unit output beta (or NaN with ddof=1): named either way."""

    def batch_only_for_one(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
        if Z.shape[1] > 1:
            return make_test()(Z, gamma, beta, running_mean, running_var, epsilon)
        return make_test(stats="batch")(Z, gamma, beta, running_mean, running_var, epsilon)

    def unbiased_for_one(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
        if Z.shape[1] > 1:
            return make_test()(Z, gamma, beta, running_mean, running_var, epsilon)
        return gamma * (Z - Z.mean(axis=1, keepdims=True)) / np.sqrt(Z.var(axis=1, keepdims=True, ddof=1)) + beta

    message = fails_with("batchnorm_forward_test", batch_only_for_one, "not the statistics of the test batch")
    assert "one example" in message
    fails_with("batchnorm_forward_test", unbiased_for_one, "NaN", "not the statistics of the test batch")


def test_test_mode_hard_coded_epsilon():
    def hard_coded(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
        return make_test()(Z, gamma, beta, running_mean, running_var)

    fails_with("batchnorm_forward_test", hard_coded, "use the epsilon argument", hidden=False)


def test_test_mode_framework_messages():
    fails_with("batchnorm_forward_test", lambda **kw: None, "Z_tilde is None")
    fails_with("batchnorm_forward_test", lambda **kw: make_test()(**kw).T, "transposed")


def test_test_mode_calling_the_reference_is_refused():
    def lazy(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
        running = {"mean": running_mean, "var": running_var}
        return reference_batchnorm.batchnorm_forward(Z, gamma, beta, running=running, mode="test", epsilon=epsilon)[0]

    fails_with("batchnorm_forward_test", lazy, "calls the course's reference solution")


def test_exercise_names_and_forbidden_modules():
    for name in ("batchnorm_forward_train", "batchnorm_backward", "update_running_stats", "batchnorm_forward_test"):
        exercise = get_exercise(name)
        assert reference_batchnorm in exercise.forbidden
        assert exercise.visible_cases() and exercise.hidden_cases()


# ----------------------------------------------------------------------------- variants

from tests.variants import batchnorm as variants  # noqa: E402


def test_generic_backward_message_names_case_entry_and_formula():
    def dgamma_slightly_off(dZ_tilde, cache):
        dZ, dgamma, dbeta = variants.backward_means(dZ_tilde, cache)
        return dZ, dgamma * 1.01, dbeta

    fails_with("batchnorm_backward", dgamma_slightly_off, "dgamma has wrong values", "[case:", "at index",
               "Look at dgamma = np.mean(dZ_tilde * Z_norm, axis=1, keepdims=True)")
