"""The week 2 optimization checks: right answers pass, each recognized mistake gets its own message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils import ewa as reference_ewa
from course_utils import minibatch as reference_minibatch
from course_utils import optimizers as reference_optimizers
from course_utils import schedules as reference_schedules
from course_utils.checks import CheckFailed, all_exercises, check, get_exercise
from course_utils.checks.framework import call_student, collect_outputs, judge_outputs

NAMES = ["random_mini_batches", "ewa", "momentum_update", "rmsprop_update", "initialize_adam", "adam_update", "schedule_lr"]


def failure(name, fn, hidden=True) -> str:
    with pytest.raises(CheckFailed) as info:
        check(name, fn, hidden=hidden)
    return str(info.value)


# =============================================================================== correct implementations


def good_mini_batches(X, Y, mini_batch_size, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k : k + mini_batch_size], Y[:, k : k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


def good_ewa(theta, beta, bias_correction):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**t) if bias_correction else v)
    return np.array(out)


def good_momentum(parameters, grads, v, beta, learning_rate):
    v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
    return {n: W - learning_rate * v["d" + n] for n, W in parameters.items()}, v


def good_rmsprop(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    s = {k: beta * s[k] + (1 - beta) * grads[k] ** 2 for k in s}
    new = {n: W - learning_rate * grads["d" + n] / (np.sqrt(s["d" + n]) + epsilon) for n, W in parameters.items()}
    return new, s


def good_initialize_adam(parameters):
    v = {"d" + n: np.zeros_like(W) for n, W in parameters.items()}
    s = {"d" + n: np.zeros(W.shape) for n, W in parameters.items()}
    return v, s


def make_adam(correct_v=True, correct_s=True, t_shift=1, increment=1, inside=False, sign=-1.0, square=True,
              scale_v=True, scale_s=True):
    """An Adam step with switches for the usual mistakes (the defaults are right)."""

    def adam(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        step = t + t_shift
        new_p, new_v, new_s = {}, {}, {}
        for n, W in parameters.items():
            g = grads["d" + n]
            new_v["d" + n] = beta1 * v["d" + n] + ((1 - beta1) if scale_v else 1.0) * g
            new_s["d" + n] = beta2 * s["d" + n] + ((1 - beta2) if scale_s else 1.0) * (g**2 if square else g)
            with np.errstate(divide="ignore", invalid="ignore"):
                v_hat = new_v["d" + n] / (1 - beta1**step) if correct_v else new_v["d" + n]
                s_hat = new_s["d" + n] / (1 - beta2**step) if correct_s else new_s["d" + n]
                denominator = np.sqrt(s_hat + epsilon) if inside else np.sqrt(s_hat) + epsilon
                new_p[n] = W + sign * learning_rate * v_hat / denominator
        return new_p, new_v, new_s, t + increment

    return adam


def good_schedule(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))


GOOD = {
    "random_mini_batches": good_mini_batches,
    "ewa": good_ewa,
    "momentum_update": good_momentum,
    "rmsprop_update": good_rmsprop,
    "initialize_adam": good_initialize_adam,
    "adam_update": make_adam(),
    "schedule_lr": good_schedule,
}


def test_exercises_are_registered_once():
    exercises = all_exercises()
    for name in NAMES:
        assert exercises[name].name == name


@pytest.mark.parametrize("name", NAMES)
def test_correct_implementation_passes(name, capsys):
    check(name, GOOD[name])
    check(name, GOOD[name], hidden=True)
    assert "checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_grader_split_accepts_correct_implementation(name):
    exercise = get_exercise(name)
    judge_outputs(exercise, collect_outputs(exercise, GOOD[name], hidden=True), hidden=True)


@pytest.mark.parametrize("name", NAMES)
def test_stub_raises_not_implemented(name):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check(name, stub)


@pytest.mark.parametrize("name", NAMES)
def test_none_return_is_named(name):
    assert "None" in failure(name, lambda **kwargs: None)


# =============================================================================== calling the reference is refused


def test_reference_kernels_are_refused():
    cheats = {
        "random_mini_batches": lambda X, Y, mini_batch_size, rng: reference_minibatch.random_mini_batches(
            X, Y, mini_batch_size, rng=rng
        ),
        "ewa": lambda theta, beta, bias_correction: reference_ewa.exponentially_weighted_average(theta, beta, bias_correction),
        "momentum_update": lambda parameters, grads, v, beta, learning_rate: (
            lambda out: (out[0], out[1]["v"])
        )(reference_optimizers.momentum_update(parameters, grads, {"v": v}, learning_rate, beta=beta)),
        "rmsprop_update": lambda parameters, grads, s, beta, learning_rate, epsilon: (
            lambda out: (out[0], out[1]["s"])
        )(reference_optimizers.rmsprop_update(parameters, grads, {"s": s}, learning_rate, beta=beta, epsilon=epsilon)),
        "initialize_adam": lambda parameters: (
            lambda state: (state["v"], state["s"])
        )(reference_optimizers.adam_init(parameters)),
        "adam_update": lambda parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon: (
            lambda out: (out[0], out[1]["v"], out[1]["s"], out[1]["t"])
        )(reference_optimizers.adam_update(parameters, grads, {"v": v, "s": s, "t": t}, learning_rate, beta1, beta2, epsilon)),
        "schedule_lr": lambda learning_rate0, epoch_num, decay_rate, time_interval: reference_schedules.interval_decay(
            learning_rate0, epoch_num, decay_rate, time_interval
        ),
    }
    for name, cheat in cheats.items():
        assert "reference solution" in failure(name, cheat), name


def test_reference_call_through_an_alias_is_refused():
    shortcut = reference_minibatch.random_mini_batches

    def sneaky(X, Y, mini_batch_size, rng):
        return shortcut(X, Y, mini_batch_size, rng=rng)

    assert "reference solution" in failure("random_mini_batches", sneaky)


# =============================================================================== random_mini_batches mistakes


def _cut(X, Y, size, m=None):
    m = X.shape[1] if m is None else m
    return [(X[:, k : k + size], Y[:, k : k + size]) for k in range(0, m, size)]


def mb_separate_shuffles(X, Y, mini_batch_size, rng):
    m = X.shape[1]
    return _cut(X[:, rng.permutation(m)], Y[:, rng.permutation(m)], mini_batch_size)


def mb_drop_last(X, Y, mini_batch_size, rng):
    order = rng.permutation(X.shape[1])
    X, Y = X[:, order], Y[:, order]
    full = X.shape[1] // mini_batch_size
    return _cut(X, Y, mini_batch_size, full * mini_batch_size)


def mb_rows_shuffled(X, Y, mini_batch_size, rng):
    return _cut(rng.permutation(X), rng.permutation(Y), mini_batch_size)


def mb_rows_shuffled_in_place(X, Y, mini_batch_size, rng):
    rng.shuffle(X)
    rng.shuffle(Y)
    return _cut(X, Y, mini_batch_size)


def mb_no_shuffle(X, Y, mini_batch_size, rng):
    return _cut(X, Y, mini_batch_size)


def mb_wrong_sizes(X, Y, mini_batch_size, rng):
    order = rng.permutation(X.shape[1])
    parts = math.ceil(X.shape[1] / mini_batch_size)
    return list(zip(np.array_split(X[:, order], parts, axis=1), np.array_split(Y[:, order], parts, axis=1)))


def mb_empty_last(X, Y, mini_batch_size, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k * mini_batch_size : (k + 1) * mini_batch_size], Y[:, k * mini_batch_size : (k + 1) * mini_batch_size])
            for k in range(m // mini_batch_size + 1)]


def mb_with_replacement(X, Y, mini_batch_size, rng):
    order = rng.integers(0, X.shape[1], size=X.shape[1])
    return _cut(X[:, order], Y[:, order], mini_batch_size)


def mb_transposed(X, Y, mini_batch_size, rng):
    return [(Xb.T, Yb.T) for Xb, Yb in good_mini_batches(X, Y, mini_batch_size, rng)]


def mb_array(X, Y, mini_batch_size, rng):
    return np.zeros(3)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (mb_separate_shuffles, "not shuffled with the same permutation"),
        (mb_drop_last, "last, smaller mini-batch is missing"),
        (mb_rows_shuffled, "rows (features) of X were shuffled"),
        (mb_rows_shuffled_in_place, "rows (features) of X were shuffled"),
        (mb_no_shuffle, "original order"),
        (mb_wrong_sizes, "wrong mini-batch sizes"),
        (mb_empty_last, "empty mini-batch at the end"),
        (mb_with_replacement, "exactly once per epoch"),
        (mb_transposed, "looks transposed"),
        (mb_array, "should return a list"),
    ],
)
def test_random_mini_batches_mistakes(wrong, message):
    assert message in failure("random_mini_batches", wrong)


def test_random_mini_batches_visible_cases_have_several_label_rows():
    """Y[:, permutation].reshape((1, m)) (from the binary original) must fail before the hidden tests."""

    def reshape_binary(X, Y, mini_batch_size, rng):
        m = X.shape[1]
        order = rng.permutation(m)
        return _cut(X[:, order], Y[:, order].reshape((1, m)), mini_batch_size)

    with pytest.raises(ValueError, match="cannot reshape"):
        check("random_mini_batches", reshape_binary, hidden=False)


# =============================================================================== ewa mistakes


def make_ewa(keep=lambda b: b, add=lambda b: 1 - b, start_first=False, exponent_shift=0, include_v0=False,
             always_correct=False, never_correct=False):
    def ewa(theta, beta, bias_correction):
        theta = np.asarray(theta, dtype=float)
        v = theta[0] if start_first else 0.0
        out = [v] if include_v0 else []
        for value in theta:
            v = keep(beta) * v + add(beta) * value
            out.append(v)
        out = np.array(out)
        if (bias_correction or always_correct) and not never_correct:
            t = np.arange(1, theta.size + 1) + exponent_shift
            with np.errstate(divide="ignore", invalid="ignore"):
                out = out / (1 - beta**t)
        return out

    return ewa


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_ewa(keep=lambda b: 1 - b, add=lambda b: b), "beta and (1 - beta) are swapped"),
        (make_ewa(exponent_shift=-1), "1 - beta**0 = 0"),
        (make_ewa(exponent_shift=1), "off by one in the bias correction"),
        (make_ewa(start_first=True), "legitimate variant"),
        (make_ewa(never_correct=True), "not divided by 1 - beta**t"),
        (make_ewa(always_correct=True), "although bias_correction=False"),
        (make_ewa(include_v0=True), "without the starting value v_0"),
    ],
)
def test_ewa_mistakes(wrong, message):
    assert message in failure("ewa", wrong)


def test_ewa_corrected_value_fed_back_is_named():
    def fed_back(theta, beta, bias_correction):
        v, out = 0.0, []
        for t, value in enumerate(theta, start=1):
            v = beta * v + (1 - beta) * value
            if bias_correction:
                v = v / (1 - beta**t)
            out.append(v)
        return np.array(out)

    assert "fed back into the recurrence" in failure("ewa", fed_back)


def test_ewa_list_and_shape_mistakes_get_framework_messages():
    assert "should be a numpy array" in failure("ewa", lambda theta, beta, bias_correction: list(good_ewa(theta, beta, bias_correction)))
    assert "has shape" in failure("ewa", lambda theta, beta, bias_correction: good_ewa(theta, beta, bias_correction).reshape(1, -1))


# =============================================================================== momentum mistakes


def make_momentum(scale_new=True, swapped=False, sign=-1.0, use="v_new"):
    def momentum(parameters, grads, v, beta, learning_rate):
        new_v = {}
        for k in v:
            if swapped:
                new_v[k] = (1 - beta) * v[k] + beta * grads[k]
            else:
                new_v[k] = beta * v[k] + ((1 - beta) if scale_new else 1.0) * grads[k]
        direction = {"v_new": new_v, "v_old": v, "grad": grads}[use]
        return {n: W + sign * learning_rate * direction["d" + n] for n, W in parameters.items()}, new_v

    return momentum


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_momentum(scale_new=False), "not scaled by (1 - beta)"),
        (make_momentum(swapped=True), "beta and (1 - beta) are swapped"),
        (make_momentum(sign=1.0), "wrong sign"),
        (make_momentum(use="grad"), "moved along dW"),
        (make_momentum(use="v_old"), "moved along the old v"),
    ],
)
def test_momentum_mistakes(wrong, message):
    assert message in failure("momentum_update", wrong)


def test_momentum_structure_mistakes():
    one = lambda parameters, grads, v, beta, learning_rate: good_momentum(parameters, grads, v, beta, learning_rate)[0]
    assert "should return 2 values" in failure("momentum_update", one)
    renamed = lambda parameters, grads, v, beta, learning_rate: (
        lambda p, vv: (p, {k[1:]: x for k, x in vv.items()})
    )(*good_momentum(parameters, grads, v, beta, learning_rate))
    assert "wrong keys" in failure("momentum_update", renamed)
    transposed = lambda parameters, grads, v, beta, learning_rate: (
        lambda p, vv: ({k: x.T for k, x in p.items()}, vv)
    )(*good_momentum(parameters, grads, v, beta, learning_rate))
    assert "looks transposed" in failure("momentum_update", transposed)


# =============================================================================== RMSProp mistakes


def make_rmsprop(square=True, scale_new=True, swapped=False, sign=-1.0, inside=False, root=True, old_s=False, divide=True):
    def rmsprop(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
        new_s = {}
        for k in s:
            g2 = grads[k] ** 2 if square else grads[k]
            new_s[k] = (1 - beta) * s[k] + beta * g2 if swapped else beta * s[k] + ((1 - beta) if scale_new else 1.0) * g2
        used = s if old_s else new_s
        new_p = {}
        with np.errstate(invalid="ignore"):
            for n, W in parameters.items():
                g, sk = grads["d" + n], used["d" + n]
                if not divide:
                    step = g
                elif inside:
                    step = g / np.sqrt(sk + epsilon)
                elif root:
                    step = g / (np.sqrt(sk) + epsilon)
                else:
                    step = g / (sk + epsilon)
                new_p[n] = W + sign * learning_rate * step
        return new_p, new_s

    return rmsprop


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_rmsprop(square=False), "gradient is not squared"),
        (make_rmsprop(scale_new=False), "not scaled by (1 - beta)"),
        (make_rmsprop(swapped=True), "beta and (1 - beta) are swapped"),
        (make_rmsprop(sign=1.0), "wrong sign"),
        (make_rmsprop(inside=True), "epsilon is inside the square root"),
        (make_rmsprop(root=False), "divided by s instead of sqrt(s)"),
        (make_rmsprop(old_s=True), "used the old s"),
        (make_rmsprop(divide=False), "not divided by sqrt(s) + epsilon"),
    ],
)
def test_rmsprop_mistakes(wrong, message):
    assert message in failure("rmsprop_update", wrong)


# =============================================================================== initialize_adam mistakes


def test_initialize_adam_mistakes():
    no_prefix = lambda parameters: ({n: np.zeros_like(W) for n, W in parameters.items()},) * 2
    assert "wrong keys" in failure("initialize_adam", no_prefix)
    ones = lambda parameters: tuple({"d" + n: np.ones_like(W) for n, W in parameters.items()} for _ in range(2))
    assert "start at zero" in failure("initialize_adam", ones)
    flat = lambda parameters: tuple({"d" + n: np.zeros(W.size) for n, W in parameters.items()} for _ in range(2))
    assert "has shape" in failure("initialize_adam", flat)
    only_v = lambda parameters: {"d" + n: np.zeros_like(W) for n, W in parameters.items()}
    assert "should return 2 values" in failure("initialize_adam", only_v)


# =============================================================================== Adam mistakes


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_adam(correct_v=False, correct_s=False), "no bias correction"),
        (make_adam(correct_s=False), "only v is bias-corrected"),
        (make_adam(correct_v=False), "only s is bias-corrected"),
        (make_adam(t_shift=0), "t counted from 0"),
        (make_adam(t_shift=0, increment=0), "t was not incremented"),
        (make_adam(increment=0), "t was not incremented"),
        (make_adam(t_shift=2, increment=2), "t was incremented twice"),
        (make_adam(t_shift=2), "off by one"),
        (make_adam(inside=True), "epsilon is inside the square root"),
        (make_adam(sign=1.0), "wrong sign"),
        (make_adam(square=False), "gradient is not squared"),
        (make_adam(scale_v=False), "not scaled by (1 - beta1)"),
        (make_adam(scale_s=False), "not scaled by (1 - beta2)"),
    ],
)
def test_adam_mistakes(wrong, message):
    assert message in failure("adam_update", wrong)


def test_adam_t_from_zero_on_the_first_step_is_named_not_reported_as_nan():
    exercise = get_exercise("adam_update")
    (first_step,) = [case for case in exercise.cases() if case.args["t"] == 0]
    output = call_student(exercise, make_adam(t_shift=0), first_step)
    with pytest.raises(CheckFailed) as info:
        exercise.judge(first_step, output)
    assert "first Adam step uses t = 1" in str(info.value) and "not finite" in str(info.value)


def test_adam_returning_corrected_moments_is_named():
    def wrong(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        new_p, new_v, new_s, t = make_adam()(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        return new_p, {k: x / (1 - beta1**t) for k, x in new_v.items()}, new_s, t

    assert "not the bias-corrected v_hat" in failure("adam_update", wrong)


def test_adam_t_incremented_inside_the_loop_is_named():
    def per_parameter(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        new_p, new_v, new_s = {}, {}, {}
        for n, W in parameters.items():
            t = t + 1  # belongs before the loop
            k = "d" + n
            new_v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            new_s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_hat, s_hat = new_v[k] / (1 - beta1**t), new_s[k] / (1 - beta2**t)
            new_p[n] = W - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        return new_p, new_v, new_s, t

    assert "incremented inside the loop over the parameters" in failure("adam_update", per_parameter)


@pytest.mark.parametrize(
    "v_beta, s_beta, message",
    [("beta1", "beta1", "s_hat was divided by 1 - beta1**t"), ("beta2", "beta2", "v_hat was divided by 1 - beta2**t"),
     ("beta2", "beta1", "bias corrections are swapped")],
)
def test_adam_corrections_with_the_wrong_beta_are_named(v_beta, s_beta, message):
    def wrong(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        betas = {"beta1": beta1, "beta2": beta2}
        t = t + 1
        new_p, new_v, new_s = {}, {}, {}
        for n, W in parameters.items():
            k = "d" + n
            new_v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            new_s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_hat = new_v[k] / (1 - betas[v_beta] ** t)
            s_hat = new_s[k] / (1 - betas[s_beta] ** t)
            new_p[n] = W - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        return new_p, new_v, new_s, t

    assert message in failure("adam_update", wrong)


def test_adam_values_in_the_wrong_order_are_named():
    def t_second(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        new_p, new_v, new_s, t = make_adam()(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        return new_p, t, new_v, new_s

    assert "wrong order" in failure("adam_update", t_second)


def test_adam_three_values_like_the_original_assignment_is_named():
    def three(parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return make_adam()(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)[:3]

    assert "should return 4 values" in failure("adam_update", three)


# =============================================================================== schedule_lr mistakes


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0 / (1 + decay_rate * epoch_num),
         "decay applied at every epoch instead of every time_interval epochs"),
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0
         / (1 + decay_rate * epoch_num / time_interval), "floor is missing"),
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0
         * (1 + decay_rate * (epoch_num // time_interval)), "do not multiply"),
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0
         / (1 + decay_rate * math.ceil(epoch_num / time_interval)), "changes too early"),
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0
         / (1 + decay_rate * round(epoch_num / time_interval)), "changes too early"),
        (lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0
         / (1 + decay_rate * ((epoch_num + 1) // time_interval)), "changes too early"),
    ],
)
def test_schedule_lr_mistakes(wrong, message):
    assert message in failure("schedule_lr", wrong)


def test_schedule_lr_operator_precedence_is_named():
    wrong = lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0 / (
        1 + decay_rate * epoch_num // time_interval)
    assert "operator precedence" in failure("schedule_lr", wrong, hidden=False)


def test_schedule_lr_not_a_number():
    assert "single number" in failure("schedule_lr", lambda learning_rate0, epoch_num, decay_rate, time_interval: [0.1, 0.2])


# =============================================================================== variants

from tests.check_tools import fails_with  # noqa: E402
from tests.variants import optimization as variants  # noqa: E402


def test_a_step_off_by_1e_5_relative_is_caught():
    """The check compares the step (new value - old value), exact to rounding (|W| * 1e-16): an error of 1e-5 of the
    step is far above rounding and must fail, whatever the size of W."""
    def slightly_long_step(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        new_parameters, v, s, t = variants.adam_dict_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                          epsilon)
        return {n: w + 1e-5 * (w - parameters[n]) for n, w in new_parameters.items()}, v, s, t

    fails_with("adam_update", slightly_long_step, "the step of parameters['W1']", "has wrong values", "at index",
               "Look at W = W - learning_rate * v_hat")


def test_mini_batches_that_reseed_or_use_global_numpy_are_named():
    fails_with("random_mini_batches", variants.batches_global_numpy_seeded,
               "two different rng seeds gave the same mini-batches")
    fails_with("random_mini_batches", variants.batches_global_numpy, "same rng seed gave different mini-batches")
