"""Tests for course_utils.optimizers."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils.optimizers import (
    OPTIMIZERS,
    adam_init,
    adam_update,
    gd_init,
    gd_update,
    make_optimizer,
    momentum_init,
    momentum_update,
    rmsprop_init,
    rmsprop_update,
)

FAST = settings(max_examples=40, deadline=None)


def _params():
    return {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}


def _grads():
    return {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[2.0]])}


def test_gd_step_by_hand():
    new, state = gd_update(_params(), _grads(), gd_init(_params()), learning_rate=0.1)
    np.testing.assert_allclose(new["W1"], [[0.95, 2.1]])
    np.testing.assert_allclose(new["b1"], [[0.3]])
    assert state == {}


def test_momentum_two_steps_by_hand():
    state = momentum_init(_params())
    np.testing.assert_array_equal(state["v"]["dW1"], [[0.0, 0.0]])
    p1, state = momentum_update(_params(), _grads(), state, learning_rate=0.1, beta=0.9)
    # v = 0.9*0 + 0.1*[0.5, -1] = [0.05, -0.1]; W = [1, 2] - 0.1*v
    np.testing.assert_allclose(state["v"]["dW1"], [[0.05, -0.1]])
    np.testing.assert_allclose(p1["W1"], [[0.995, 2.01]])
    p2, state = momentum_update(p1, _grads(), state, learning_rate=0.1, beta=0.9)
    # v = 0.9*0.05 + 0.05 = 0.095; W = 0.995 - 0.0095
    np.testing.assert_allclose(state["v"]["dW1"], [[0.095, -0.19]])
    np.testing.assert_allclose(p2["W1"], [[0.9855, 2.029]])


def test_rmsprop_step_by_hand():
    params = {"W": np.array([[1.0]])}
    state = rmsprop_init(params)
    new, state = rmsprop_update(params, {"dW": np.array([[2.0]])}, state, learning_rate=0.01, beta=0.999)
    # s = 0.001 * 2**2 = 0.004; step = 0.01 * 2 / sqrt(0.004) = 0.01 * 31.6227766
    np.testing.assert_allclose(state["s"]["dW"], [[0.004]])
    np.testing.assert_allclose(new["W"], [[1.0 - 0.01 * 2.0 / (np.sqrt(0.004) + 1e-8)]], rtol=1e-12)
    np.testing.assert_allclose(new["W"], [[1.0 - 0.316227766016838]], rtol=1e-6)


def test_adam_two_steps_by_hand():
    params = {"W": np.array([[0.0]])}
    state = adam_init(params)
    assert state["t"] == 0
    p1, state = adam_update(params, {"dW": np.array([[1.0]])}, state, learning_rate=0.01)
    # t = 1: v = 0.1, s = 0.001; v_hat = 1, s_hat = 1; step = 0.01 * 1 / (1 + 1e-8)
    assert state["t"] == 1
    np.testing.assert_allclose(state["v"]["dW"], [[0.1]])
    np.testing.assert_allclose(state["s"]["dW"], [[0.001]])
    np.testing.assert_allclose(p1["W"], [[-0.01]], rtol=1e-7)
    p2, state = adam_update(p1, {"dW": np.array([[2.0]])}, state, learning_rate=0.01)
    # t = 2: v = 0.09 + 0.2 = 0.29, s = 0.000999 + 0.004 = 0.004999
    # v_hat = 0.29 / 0.19 = 1.5263158, s_hat = 0.004999 / 0.001999 = 2.5007504, sqrt = 1.5813761
    # step = 0.01 * 1.5263158 / 1.5813761 = 0.01 * 0.9651820
    assert state["t"] == 2
    np.testing.assert_allclose(state["v"]["dW"], [[0.29]])
    np.testing.assert_allclose(state["s"]["dW"], [[0.004999]])
    np.testing.assert_allclose(p2["W"], [[-0.01 - 0.00965182025821768]], rtol=1e-7)


@FAST
@given(
    grad=hnp.arrays(np.float64, (3, 2), elements=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)),
    lr=st.floats(1e-5, 1.0),
)
def test_adam_first_step_moves_each_entry_by_about_the_learning_rate(grad, lr):
    params = {"W1": np.zeros((3, 2))}
    new, _ = adam_update(params, {"dW1": grad}, adam_init(params), learning_rate=lr)
    np.testing.assert_allclose(new["W1"], -lr * np.sign(grad), rtol=1e-4)


@FAST
@given(
    w=hnp.arrays(np.float64, (2, 3), elements=st.floats(-10, 10)),
    g=hnp.arrays(np.float64, (2, 3), elements=st.floats(-10, 10)),
    lr=st.floats(0, 1),
)
def test_momentum_with_beta_zero_is_gd(w, g, lr):
    params, grads = {"W1": w}, {"dW1": g}
    expected, _ = gd_update(params, grads, {}, lr)
    got, _ = momentum_update(params, grads, momentum_init(params), lr, beta=0.0)
    np.testing.assert_allclose(got["W1"], expected["W1"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_any_parameter_names_and_no_mutation(name):
    init, update = OPTIMIZERS[name]
    params = {
        "W1": np.ones((3, 2)),
        "gamma2": np.full((3, 1), 2.0),
        "beta2": np.full((3, 1), -1.0),  # a batch-norm parameter, not Adam's beta2
    }
    grads = {"dW1": np.full((3, 2), 0.5), "dgamma2": np.ones((3, 1)), "dbeta2": -np.ones((3, 1)),
             "dA1": np.zeros((3, 5))}  # extra entries are ignored
    state = init(params)
    params_before, grads_before, state_before = map(copy.deepcopy, (params, grads, state))
    new_params, new_state = update(params, grads, state, 0.1)
    assert set(new_params) == set(params)
    for key in params:
        assert new_params[key].shape == params[key].shape
        assert not np.shares_memory(new_params[key], params[key])
        np.testing.assert_array_equal(params[key], params_before[key])
        assert (new_params[key] != params[key]).all()
    for key in grads:
        np.testing.assert_array_equal(grads[key], grads_before[key])
    assert _state_equal(state, state_before)
    assert new_state is not state


def _state_equal(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_state_equal(a[k], b[k]) for k in a)
    return np.array_equal(a, b)


@pytest.mark.parametrize(
    "name, hyper, steps", [("gd", {}, 200), ("momentum", {}, 300), ("rmsprop", {}, 500), ("adam", {}, 500)]
)
def test_each_optimizer_minimizes_a_quadratic(name, hyper, steps):
    target = np.array([[1.0, -2.0], [0.5, 3.0]])
    opt = make_optimizer(name, **hyper)
    params = {"W1": np.zeros((2, 2))}
    state = opt.init(params)
    lr = {"gd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.05}[name]
    for _ in range(steps):
        grads = {"dW1": params["W1"] - target}  # gradient of 0.5 * ||W - target||^2
        params, state = opt.step(params, grads, state, lr)
    np.testing.assert_allclose(params["W1"], target, atol=0.05)


def test_make_optimizer_matches_functions():
    params, grads = _params(), _grads()
    opt = make_optimizer("adam", beta1=0.8, epsilon=1e-7)
    assert opt.name == "adam" and opt.hyper == {"beta1": 0.8, "epsilon": 1e-7}
    got, got_state = opt.step(params, grads, opt.init(params), 0.05)
    expected, expected_state = adam_update(params, grads, adam_init(params), 0.05, beta1=0.8, epsilon=1e-7)
    for key in params:
        np.testing.assert_array_equal(got[key], expected[key])
    assert got_state["t"] == expected_state["t"] == 1
    assert "adam" in repr(opt)
    assert set(OPTIMIZERS) == {"gd", "momentum", "rmsprop", "adam"}


def test_make_optimizer_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        make_optimizer("sgd")
    with pytest.raises(TypeError, match="name"):
        make_optimizer(3)
    with pytest.raises(TypeError, match="'beta1'"):
        make_optimizer("momentum", beta1=0.9)
    with pytest.raises(TypeError, match="'beta'"):
        make_optimizer("gd", beta=0.9)
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\)"):
        make_optimizer("adam", beta2=1.0)
    with pytest.raises(ValueError, match="epsilon"):
        make_optimizer("rmsprop", epsilon=0.0)


def test_missing_or_misshaped_gradient():
    params = _params()
    with pytest.raises(KeyError, match="db1"):
        gd_update(params, {"dW1": np.zeros((1, 2))}, {}, 0.1)
    with pytest.raises(KeyError, match="dW1"):
        adam_update(params, {"db1": np.zeros((1, 1))}, adam_init(params), 0.1)
    with pytest.raises(ValueError, match=r"grads\['dW1'\] must have the shape"):
        momentum_update(params, {"dW1": np.zeros((2, 1)), "db1": np.zeros((1, 1))}, momentum_init(params), 0.1)
    with pytest.raises(ValueError, match=r"grads\['db1'\] must not contain NaN"):
        rmsprop_update(params, {"dW1": np.zeros((1, 2)), "db1": np.array([[np.nan]])}, rmsprop_init(params), 0.1)


def test_bad_state():
    params, grads = _params(), _grads()
    with pytest.raises(KeyError, match="'s'"):
        adam_update(params, grads, momentum_init(params), 0.1)  # state from the wrong init
    with pytest.raises(KeyError, match="dW1"):
        momentum_update(params, grads, {"v": {}}, 0.1)
    state = adam_init(params)
    state["t"] = -1
    with pytest.raises(ValueError, match=r"state\['t'\] must be >= 0"):
        adam_update(params, grads, state, 0.1)
    state["t"] = 1.5
    with pytest.raises(TypeError, match=r"state\['t'\]"):
        adam_update(params, grads, state, 0.1)
    with pytest.raises(TypeError, match="state"):
        gd_update(params, grads, None, 0.1)


@pytest.mark.parametrize(
    "update, init, kwargs, match",
    [
        (momentum_update, momentum_init, {"beta": 1.0}, "beta"),
        (momentum_update, momentum_init, {"beta": -0.1}, "beta"),
        (rmsprop_update, rmsprop_init, {"epsilon": 0.0}, "epsilon"),
        (rmsprop_update, rmsprop_init, {"beta": 1.2}, "beta"),
        (adam_update, adam_init, {"beta1": 1.0}, "beta1"),
        (adam_update, adam_init, {"beta2": -0.5}, "beta2"),
        (adam_update, adam_init, {"epsilon": -1e-8}, "epsilon"),
        (gd_update, gd_init, {"learning_rate": -0.1}, "learning_rate"),
        (adam_update, adam_init, {"learning_rate": float("nan")}, "learning_rate"),
    ],
)
def test_bad_hyperparameters(update, init, kwargs, match):
    params, grads = _params(), _grads()
    kwargs = {"learning_rate": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        update(params, grads, init(params), **kwargs)


def test_bad_parameters():
    with pytest.raises(TypeError, match="parameters"):
        adam_init([np.zeros(2)])
    with pytest.raises(ValueError, match="parameters must not be empty"):
        momentum_init({})
    with pytest.raises(ValueError, match=r"parameters\['W1'\] must not contain NaN"):
        gd_update({"W1": np.array([np.nan])}, {"dW1": np.zeros(1)}, {}, 0.1)
    with pytest.raises(TypeError, match="grads"):
        gd_update(_params(), None, {}, 0.1)


@pytest.mark.parametrize(
    "name, hyper", [("gd", {}), ("momentum", {"beta": 0.8}), ("rmsprop", {}), ("adam", {"beta1": 0.5, "epsilon": 1e-6})]
)
def test_unchecked_step_is_the_public_update(name, hyper):
    """Optimizer._step (train()'s inner loop) computes exactly what the public update does, without mutating."""
    rng = np.random.default_rng(5)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    opt = make_optimizer(name, **hyper)
    state_public = state_private = opt.init(parameters)
    public = private = parameters
    for _ in range(3):
        grads = {"d" + key: rng.standard_normal(value.shape) for key, value in parameters.items()}
        inputs = (private, grads, state_private)
        snapshot = copy.deepcopy(inputs)
        public, state_public = opt.step(public, grads, state_public, 0.05)
        private, state_private = opt._step(private, grads, state_private, 0.05)
        assert repr(inputs) == repr(snapshot)  # nothing was modified in place
        assert private is not inputs[0] and state_private is not inputs[2]
        for key in parameters:
            np.testing.assert_array_equal(public[key], private[key])
    assert repr(state_public) == repr(state_private)
