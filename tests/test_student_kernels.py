"""train() with the student's own pieces (course_utils.student_kernels)."""

import numpy as np
import pytest

from course_utils.datasets import load_moons
from course_utils.student_kernels import REFERENCE, Kernels, own_kernels
from course_utils.training import train

# Correct answers written as a student would (not the reference code), each counting its calls.
CALLS: dict = {}


def counted(fn):
    def wrapper(*args, **kwargs):
        CALLS[fn.__name__] = CALLS.get(fn.__name__, 0) + 1
        return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    return wrapper


@counted
def backward_with_l2(X, Y, parameters, cache, lambd):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - cache["A1"] ** 2)
    return {"dW2": (dZ2 @ cache["A1"].T + lambd * parameters["W2"]) / m, "db2": dZ2.mean(axis=1, keepdims=True),
            "dW1": (dZ1 @ X.T + lambd * parameters["W1"]) / m, "db1": dZ1.mean(axis=1, keepdims=True)}


@counted
def dropout_forward(A, keep_prob, rng):
    D = (rng.random(A.shape) < keep_prob).astype(float)
    return A * D / keep_prob, D


@counted
def dropout_backward(dA, D, keep_prob):
    return dA * D / keep_prob


@counted
def random_mini_batches(X, Y, mini_batch_size, rng):
    order = rng.permutation(X.shape[1])
    return [(X[:, order[i:i + mini_batch_size]], Y[:, order[i:i + mini_batch_size]])
            for i in range(0, X.shape[1], mini_batch_size)]


@counted
def momentum_update(parameters, grads, v, beta, learning_rate):
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    return {name: value - learning_rate * v["d" + name] for name, value in parameters.items()}, v


@counted
def rmsprop_update(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    s = {key: beta * s[key] + (1 - beta) * grads[key] ** 2 for key in s}
    return {name: value - learning_rate * grads["d" + name] / (np.sqrt(s["d" + name]) + epsilon)
            for name, value in parameters.items()}, s


@counted
def initialize_adam(parameters):
    return ({"d" + name: np.zeros(value.shape) for name, value in parameters.items()},
            {"d" + name: np.zeros(value.shape) for name, value in parameters.items()})


@counted
def adam_update(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    t += 1
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    new = {}
    for name, value in parameters.items():
        v_hat, s_hat = v["d" + name] / (1 - beta1**t), s["d" + name] / (1 - beta2**t)
        new[name] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new, v, s, t


@counted
def batchnorm_forward(Z, gamma, beta, epsilon=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + epsilon)
    return gamma * Z_norm + beta, {"Z_norm": Z_norm, "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}


@counted
def batchnorm_backward(dZ_tilde, cache):
    Z_norm, gamma = cache["Z_norm"], cache["gamma"]
    m = Z_norm.shape[1]
    dZ_norm = gamma * dZ_tilde
    dZ = (m * dZ_norm - dZ_norm.sum(axis=1, keepdims=True) - Z_norm * (dZ_norm * Z_norm).sum(axis=1, keepdims=True))
    dZ /= m * np.sqrt(cache["var"] + cache["epsilon"])
    return dZ, (dZ_tilde * Z_norm).mean(axis=1, keepdims=True), dZ_tilde.mean(axis=1, keepdims=True)


@counted
def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    return (momentum * running_mean + (1 - momentum) * batch_mean,
            momentum * running_var + (1 - momentum) * batch_var)


@counted
def batchnorm_forward_test(Z, gamma, beta, running_mean, running_var, epsilon=1e-5):
    return gamma * (Z - running_mean) / np.sqrt(running_var + epsilon) + beta


STUDENT = {fn.__name__: fn for fn in (
    backward_with_l2, dropout_forward, dropout_backward, random_mini_batches, momentum_update, rmsprop_update,
    initialize_adam, adam_update, batchnorm_forward, batchnorm_backward, update_running_stats, batchnorm_forward_test)}
EVERY_KERNEL = Kernels(backward_with_l2=backward_with_l2, dropout_forward=dropout_forward,
                       dropout_backward=dropout_backward, mini_batches=random_mini_batches,
                       momentum_update=momentum_update, rmsprop_update=rmsprop_update, initialize_adam=initialize_adam,
                       adam_update=adam_update, batchnorm_forward=batchnorm_forward,
                       batchnorm_backward=batchnorm_backward, update_running_stats=update_running_stats,
                       batchnorm_forward_test=batchnorm_forward_test)

SETTINGS = {
    "dropout and L2, full batch GD": dict(keep_prob=0.8, lambd=0.3, optimizer="gd"),
    "momentum, mini-batches": dict(optimizer="momentum", mini_batch_size=32),
    "RMSProp, mini-batches": dict(optimizer="rmsprop", mini_batch_size=32, optimizer_hyper={"beta": 0.9}),
    "Adam, mini-batches, dropout": dict(optimizer="adam", mini_batch_size=32, keep_prob=0.9),
    "batch norm, Adam, mini-batches": dict(batchnorm=True, optimizer="adam", mini_batch_size=32),
}
USES = {
    "dropout and L2, full batch GD": {"dropout_forward", "dropout_backward"},
    "momentum, mini-batches": {"momentum_update", "random_mini_batches"},
    "RMSProp, mini-batches": {"rmsprop_update", "random_mini_batches"},
    "Adam, mini-batches, dropout": {"initialize_adam", "adam_update", "dropout_forward", "dropout_backward"},
    "batch norm, Adam, mini-batches": {"batchnorm_forward", "batchnorm_backward", "update_running_stats",
                                       "batchnorm_forward_test", "adam_update"},
}


@pytest.fixture(scope="module")
def moons():
    X, Y, X_test, Y_test = load_moons()
    return X[:, :200], Y[:, :200], X_test[:, :100], Y_test[:, :100]


@pytest.mark.parametrize("name", SETTINGS)
def test_training_with_the_students_pieces_matches_the_reference(name, moons):
    X, Y, X_dev, Y_dev = moons
    common = dict(layer_dims=[2, 8, 4, 1], learning_rate=0.01, num_epochs=15, X_dev=X_dev, Y_dev=Y_dev,
                  progress=False, **SETTINGS[name])
    reference = train(X, Y, rng=np.random.default_rng(4), **common)
    CALLS.clear()
    own = train(X, Y, rng=np.random.default_rng(4), kernels=EVERY_KERNEL, **common)
    assert USES[name] <= set(CALLS), f"not called: {USES[name] - set(CALLS)}"
    for key in ("cost", "dev_cost", "dev_accuracy", "train_accuracy"):
        np.testing.assert_allclose(own.history[key], reference.history[key], rtol=1e-9, atol=1e-12, err_msg=key)
    for key, value in reference.parameters.items():
        np.testing.assert_allclose(own.parameters[key], value, rtol=1e-8, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_a_two_layer_tanh_network_trains_with_the_students_l2_backward_pass(lambd, moons):
    X, Y, X_dev, Y_dev = moons
    common = dict(layer_dims=[2, 6, 1], activations=["tanh", "sigmoid"], lambd=lambd, optimizer="adam",
                  num_epochs=15, mini_batch_size=50, X_dev=X_dev, Y_dev=Y_dev, progress=False)
    reference = train(X, Y, rng=np.random.default_rng(5), **common)
    CALLS.clear()
    own = train(X, Y, rng=np.random.default_rng(5), kernels=EVERY_KERNEL, **common)
    assert CALLS["backward_with_l2"] == 15 * 4
    np.testing.assert_allclose(own.history["cost"], reference.history["cost"], rtol=1e-9)
    for key, value in reference.parameters.items():
        np.testing.assert_allclose(own.parameters[key], value, rtol=1e-8, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("other", [dict(activations=["relu", "sigmoid"]), dict(keep_prob=0.8),
                                   dict(batchnorm=True), dict(layer_dims=[2, 6, 3, 1], activations=None)])
def test_the_l2_backward_pass_is_only_used_for_its_own_network(other, moons):
    X, Y, _, _ = moons
    settings = dict(layer_dims=[2, 6, 1], activations=["tanh", "sigmoid"], num_epochs=2, progress=False) | other
    CALLS.clear()
    train(X, Y, rng=np.random.default_rng(5), kernels=Kernels(backward_with_l2=backward_with_l2), **settings)
    assert "backward_with_l2" not in CALLS


def test_a_students_dropout_changes_what_is_trained(moons):
    """A dropout without the 1/keep_prob rescaling (wrong, but runnable) really is what train runs."""
    X, Y, _, _ = moons

    def unscaled_dropout(A, keep_prob, rng):
        D = rng.random(A.shape) < keep_prob
        return A * D, D

    common = dict(layer_dims=[2, 8, 1], num_epochs=5, keep_prob=0.5, progress=False)
    right = train(X, Y, rng=np.random.default_rng(0), **common)
    wrong = train(X, Y, rng=np.random.default_rng(0), kernels=Kernels(dropout_forward=unscaled_dropout), **common)
    assert not np.allclose(right.history["cost"], wrong.history["cost"])


def test_kernels_must_be_a_kernels():
    with pytest.raises(TypeError, match="kernels must be a Kernels"):
        train(np.zeros((2, 3)), np.zeros((1, 3)), [2, 1], rng=np.random.default_rng(0), kernels={"dropout": None})


def test_reference_kernels_are_the_default(moons):
    X, Y, _, _ = moons
    common = dict(layer_dims=[2, 4, 1], num_epochs=3, keep_prob=0.7, batchnorm=True, progress=False)
    a = train(X, Y, rng=np.random.default_rng(2), **common)
    b = train(X, Y, rng=np.random.default_rng(2), kernels=REFERENCE, **common)
    assert a.history["cost"] == b.history["cost"]


def test_own_kernels_takes_every_passing_function(capsys):
    kernels = own_kernels(STUDENT, "dropout_forward", "dropout_backward", "adam_update", "initialize_adam")
    assert kernels.dropout_forward is dropout_forward and kernels.adam_update is adam_update
    expected = "Training with your dropout_forward, dropout_backward, adam_update, initialize_adam.\n"
    assert capsys.readouterr().out == expected


def test_own_kernels_falls_back_with_a_one_line_notice(capsys):
    def stub(A, keep_prob, rng):
        raise NotImplementedError()

    def no_rescaling(dA, D, keep_prob):
        return dA * D

    def crashing(parameters, grads, v, beta, learning_rate):
        return 1 / 0

    namespace = {"dropout_forward": stub, "dropout_backward": no_rescaling, "momentum_update": crashing,
                 "rmsprop_update": rmsprop_update}
    kernels = own_kernels(namespace, "dropout_forward", "dropout_backward", "momentum_update", "rmsprop_update",
                          "random_mini_batches")
    assert kernels == Kernels(rmsprop_update=rmsprop_update)
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    assert line.startswith("Training with your rmsprop_update; the course's reference for ")
    for fragment in ("dropout_forward (not written yet)", "dropout_backward (its check fails)",
                     "momentum_update (it raises ZeroDivisionError)", "random_mini_batches (not defined)"):
        assert fragment in line


def test_pieces_that_work_together_fall_back_together(capsys):
    def stub(dZ_tilde, cache):
        raise NotImplementedError()

    kernels = own_kernels({**STUDENT, "batchnorm_backward": stub}, "batchnorm_forward_train", "batchnorm_backward",
                          "update_running_stats")
    assert kernels == Kernels(update_running_stats=update_running_stats)
    assert "batchnorm_forward_train (it works with batchnorm_backward, which is not ready)" in capsys.readouterr().out


def test_own_kernels_names_an_unknown_exercise():
    with pytest.raises(ValueError, match="exercises must be among"):
        own_kernels(STUDENT, "dropout")
