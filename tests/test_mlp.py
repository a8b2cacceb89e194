"""Tests for course_utils.mlp."""

import numpy as np
import pytest

from course_utils import mlp
from course_utils.activations import sigmoid
from course_utils.costs import compute_cost
from course_utils.initialization import initialize_parameters
from course_utils.layers import linear_activation_forward
from tests._numeric import assert_gradient_close, numeric_gradient


def _data(n_x, m, classes, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    if classes == 1:
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = np.eye(classes)[:, rng.integers(0, classes, m)]
    return X, Y


def _fixed_masks(layer_dims, m, keep_prob, seed):
    rng = np.random.default_rng(seed)
    return {l: rng.random((layer_dims[l], m)) < keep_prob for l in range(1, len(layer_dims) - 1)}


def test_layer_count():
    assert mlp.layer_count({"W1": 0, "b1": 0, "W2": 0, "b2": 0}) == 2
    assert mlp.layer_count({"W1": 0, "gamma1": 0, "beta1": 0}) == 1
    with pytest.raises(ValueError, match="parameters must contain weights W1..WL with no gaps"):
        mlp.layer_count({"W1": 0, "W3": 0})
    with pytest.raises(ValueError, match="parameters must contain weights W1..WL"):
        mlp.layer_count({"b1": 0})
    with pytest.raises(TypeError, match="parameters must be a dict"):
        mlp.layer_count([1, 2])


def test_forward_known_values():
    parameters = {"W1": np.array([[2.0]]), "b1": np.array([[1.0]]), "W2": np.array([[1.0]]), "b2": np.array([[-4.0]])}
    AL, caches = mlp.model_forward(np.array([[1.0, 2.0]]), parameters, ["linear", "sigmoid"])
    np.testing.assert_allclose(AL, sigmoid(np.array([[-1.0, 1.0]])))  # A1 = [3, 5], Z2 = A1 - 4
    assert len(caches) == 2 and caches[0]["dropout_mask"] is None


def test_forward_matches_layer_by_layer_composition():
    rng = np.random.default_rng(0)
    parameters = initialize_parameters([3, 4, 4, 2], method="he", rng=rng)
    X = rng.standard_normal((3, 5))
    activations = ["relu", "tanh", "softmax"]
    A = X
    for l, name in enumerate(activations, start=1):
        A, _ = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], name)
    AL, _ = mlp.model_forward(X, parameters, activations)
    np.testing.assert_allclose(AL, A)


CASES = {
    "softmax_bn_dropout_l2": dict(dims=[3, 4, 3, 3], acts=["tanh", "relu", "softmax"], bn=True, keep_prob=0.7, lambd=0.7),
    "sigmoid_bn_dropout_l2": dict(dims=[4, 5, 3, 1], acts=["relu", "sigmoid", "sigmoid"], bn=True, keep_prob=0.6, lambd=0.3),
    "sigmoid_plain": dict(dims=[3, 4, 1], acts=["tanh", "sigmoid"], bn=False, keep_prob=1.0, lambd=0.0),
    "softmax_l2_only": dict(dims=[2, 3, 3], acts=["linear", "softmax"], bn=False, keep_prob=1.0, lambd=1.5),
    "logistic_regression": dict(dims=[3, 1], acts=["sigmoid"], bn=False, keep_prob=1.0, lambd=0.2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_backward_matches_finite_differences_of_compute_cost(case):
    spec = CASES[case]
    dims, acts, keep_prob, lambd = spec["dims"], spec["acts"], spec["keep_prob"], spec["lambd"]
    m = 6
    rng = np.random.default_rng(10)
    parameters = initialize_parameters(dims, method="xavier", rng=rng, batchnorm=spec["bn"])
    for key in parameters:  # move gamma/beta/b away from their initial 1/0 so every term matters
        parameters[key] = parameters[key] + 0.3 * rng.standard_normal(parameters[key].shape)
    X, Y = _data(dims[0], m, dims[-1], seed=11)
    masks = _fixed_masks(dims, m, keep_prob, seed=12) if keep_prob < 1 else None
    output = acts[-1]

    def J(params):
        AL, _ = mlp.model_forward(X, params, acts, keep_prob=keep_prob, dropout_masks=masks)
        return compute_cost(AL, Y, params, lambd=lambd, output=output)

    AL, caches = mlp.model_forward(X, parameters, acts, keep_prob=keep_prob, dropout_masks=masks)
    grads = mlp.model_backward(AL, Y, caches, lambd=lambd)
    assert set(grads) == {"d" + key for key in parameters}
    for key, value in parameters.items():
        numeric = numeric_gradient(lambda v: J({**parameters, key: v}), value)
        assert_gradient_close(grads["d" + key], numeric, tol=1e-6)


def test_batchnorm_on_output_layer_is_differentiated_too():
    rng = np.random.default_rng(3)
    parameters = {
        "W1": rng.standard_normal((3, 2)),
        "gamma1": rng.uniform(0.5, 1.5, (3, 1)),
        "beta1": rng.standard_normal((3, 1)),
    }
    X, Y = _data(2, 5, 3, seed=4)

    def J(params):
        return compute_cost(mlp.model_forward(X, params, ["softmax"])[0], Y, output="softmax")

    AL, caches = mlp.model_forward(X, parameters, ["softmax"])
    grads = mlp.model_backward(AL, Y, caches)
    for key, value in parameters.items():
        assert_gradient_close(grads["d" + key], numeric_gradient(lambda v: J({**parameters, key: v}), value))


def test_l2_adds_lambd_over_m_times_W():
    rng = np.random.default_rng(5)
    parameters = initialize_parameters([3, 4, 1], rng=rng)
    X, Y = _data(3, 8, 1, seed=6)
    AL, caches = mlp.model_forward(X, parameters, ["relu", "sigmoid"])
    plain = mlp.model_backward(AL, Y, caches)
    regularized = mlp.model_backward(AL, Y, caches, lambd=0.4)
    for l in (1, 2):
        np.testing.assert_allclose(regularized[f"dW{l}"] - plain[f"dW{l}"], 0.4 / 8 * parameters[f"W{l}"])
        np.testing.assert_array_equal(regularized[f"db{l}"], plain[f"db{l}"])


def test_dropout_masks_are_exposed_and_replayable():
    rng = np.random.default_rng(7)
    dims = [3, 5, 4, 1]
    parameters = initialize_parameters(dims, rng=rng)
    X, _ = _data(3, 10, 1, seed=8)
    acts = ["relu", "relu", "sigmoid"]
    AL, caches = mlp.model_forward(X, parameters, acts, keep_prob=0.5, rng=np.random.default_rng(9))
    masks = {l: caches[l - 1]["dropout_mask"] for l in (1, 2)}
    assert all(mask.dtype == bool and mask.shape == (dims[l], 10) for l, mask in masks.items())
    assert caches[-1]["dropout_mask"] is None  # never on the output layer
    replay, _ = mlp.model_forward(X, parameters, acts, keep_prob=0.5, dropout_masks=masks)
    np.testing.assert_array_equal(replay, AL)
    # Dropped units are exactly zero after the activation.
    A1 = caches[1]["linear"][0]
    assert np.all(A1[~masks[1]] == 0)


def test_batchnorm_state_created_updated_and_used_at_test_time():
    rng = np.random.default_rng(13)
    parameters = initialize_parameters([3, 4, 1], rng=rng, batchnorm=True)
    X, _ = _data(3, 20, 1, seed=14)
    acts = ["relu", "sigmoid"]
    bn_state = {}
    mlp.model_forward(X, parameters, acts, bn_state=bn_state, bn_momentum=0.0)  # momentum 0: batch statistics
    assert set(bn_state) == {"running_mean1", "running_var1"}
    Z1 = parameters["W1"] @ X
    np.testing.assert_allclose(bn_state["running_mean1"], Z1.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(bn_state["running_var1"], Z1.var(axis=1, keepdims=True))
    # With the running statistics equal to the batch ones, test mode reproduces train mode.
    train_AL, _ = mlp.model_forward(X, parameters, acts)
    test_AL, _ = mlp.model_forward(X, parameters, acts, bn_state=bn_state, bn_mode="test")
    np.testing.assert_allclose(test_AL, train_AL)
    with pytest.raises(ValueError, match="bn_state must contain running_mean1 and running_var1"):
        mlp.model_forward(X, parameters, acts, bn_mode="test")


def test_predict_and_accuracy():
    parameters = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])}
    X = np.array([[2.0, 0.0, 1.0, -3.0], [1.0, 1.0, 1.0, 0.0]])  # Z = [1, -1, 0, -3]
    predictions = mlp.predict(X, parameters, ["sigmoid"])
    np.testing.assert_array_equal(predictions, [[1, 0, 0, 0]])  # sigmoid(0) = 0.5 is not > 0.5
    assert np.issubdtype(predictions.dtype, np.integer)
    assert mlp.accuracy(predictions, np.array([[1, 0, 1, 0]])) == 0.75

    soft = {"W1": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]), "b1": np.zeros((3, 1))}
    X = np.array([[3.0, 0.0, -1.0], [1.0, 2.0, -1.0]])
    predictions = mlp.predict(X, soft, ["softmax"])
    np.testing.assert_array_equal(predictions, [[0, 1, 2]])
    assert mlp.accuracy(predictions, np.eye(3)[:, [0, 2, 2]]) == pytest.approx(2 / 3)
    assert mlp.accuracy(predictions, np.array([[0, 1, 2]])) == 1.0


def test_predict_with_batchnorm_is_per_example():
    rng = np.random.default_rng(15)
    parameters = initialize_parameters([3, 4, 3], rng=rng, batchnorm=True)
    X, _ = _data(3, 12, 3, seed=16)
    bn_state = {}
    mlp.model_forward(X, parameters, ["tanh", "softmax"], bn_state=bn_state)
    full = mlp.predict(X, parameters, ["tanh", "softmax"], bn_state=bn_state)
    assert full.shape == (1, 12)
    single = mlp.predict(X[:, :1], parameters, ["tanh", "softmax"], bn_state=bn_state)
    np.testing.assert_array_equal(single, full[:, :1])


def test_gradient_descent_reduces_the_cost():
    rng = np.random.default_rng(17)
    X = rng.standard_normal((2, 64))
    Y = (X[0:1] * X[1:2] > 0).astype(float)  # XOR-like quadrants
    acts = ["relu", "relu", "sigmoid"]
    parameters = initialize_parameters([2, 8, 8, 1], rng=rng, batchnorm=True)
    costs = []
    for _ in range(150):
        AL, caches = mlp.model_forward(X, parameters, acts, keep_prob=0.9, rng=rng)
        costs.append(compute_cost(AL, Y, parameters, lambd=0.01))
        grads = mlp.model_backward(AL, Y, caches, lambd=0.01)
        parameters = {key: value - 0.3 * grads["d" + key] for key, value in parameters.items()}
    assert np.mean(costs[-10:]) < 0.7 * np.mean(costs[:10])


def test_invalid_inputs_name_the_argument():
    rng = np.random.default_rng(0)
    parameters = initialize_parameters([3, 4, 1], rng=rng)
    X, Y = _data(3, 5, 1, seed=1)
    with pytest.raises(ValueError, match=r"activations must have one name per layer \(L = 2 from parameters\), got 3"):
        mlp.model_forward(X, parameters, ["relu", "relu", "sigmoid"])
    with pytest.raises(TypeError, match="activations must be a list"):
        mlp.model_forward(X, parameters, "relu")
    with pytest.raises(ValueError, match=r"activations\[0\] \(hidden layer 1\) must be one of"):
        mlp.model_forward(X, parameters, ["softmax", "sigmoid"])
    with pytest.raises(ValueError, match=r"activations\[1\] \(output layer\) must be one of"):
        mlp.model_forward(X, parameters, ["relu", "relu"])
    with pytest.raises(ValueError, match=r"parameters\['W1'\] must have shape \(any, 2\), got \(4, 3\)"):
        mlp.model_forward(X[:2], parameters, ["relu", "sigmoid"])
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], keep_prob=0.5)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\], got 0.0"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], keep_prob=0.0, rng=rng)
    with pytest.raises(ValueError, match="dropout_masks must only be given when keep_prob < 1"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], dropout_masks={1: np.ones((4, 5), bool)})
    with pytest.raises(ValueError, match=r"dropout_masks keys must be hidden layers 1..1, got \[2\]"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], keep_prob=0.5, dropout_masks={2: np.ones((1, 5), bool)})
    with pytest.raises(ValueError, match="bn_mode must be one of"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], bn_mode="eval")
    with pytest.raises(TypeError, match="bn_state must be a dict"):
        mlp.model_forward(X, parameters, ["relu", "sigmoid"], bn_state=[1])
    both = {**parameters, "gamma1": np.ones((4, 1)), "beta1": np.zeros((4, 1))}
    with pytest.raises(ValueError, match="parameters must not contain b1 for a batch-normalized layer"):
        mlp.model_forward(X, both, ["relu", "sigmoid"])
    no_bias = {key: value for key, value in parameters.items() if key != "b2"}
    with pytest.raises(ValueError, match="parameters must contain b2"):
        mlp.model_forward(X, no_bias, ["relu", "sigmoid"])
    AL, caches = mlp.model_forward(X, parameters, ["relu", "sigmoid"])
    with pytest.raises(ValueError, match=r"AL and Y must have the same shape"):
        mlp.model_backward(AL, Y[:, :3], caches)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        mlp.model_backward(AL, Y, caches, lambd=-1)
    with pytest.raises(TypeError, match="caches must be the non-empty list"):
        mlp.model_backward(AL, Y, [])
    with pytest.raises(ValueError, match=r"predictions must have shape \(1, any\)"):
        mlp.accuracy(np.zeros((2, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"Y must have shape \(any, 3\), got \(1, 4\)"):
        mlp.accuracy(np.zeros((1, 3)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="Y must be one-hot"):
        mlp.accuracy(np.zeros((1, 2)), np.ones((2, 2)))


def test_public_and_unchecked_passes_agree_and_no_input_gradient():
    """model_forward / model_backward = their checks + the unchecked _forward / _backward train() uses."""
    dims = [4, 6, 5, 3]
    X, Y = _data(4, 9, 3, seed=21)
    parameters = initialize_parameters(dims, rng=np.random.default_rng(22), batchnorm=True)
    parameters["b3"] = np.zeros((3, 1))
    masks = _fixed_masks(dims, 9, 0.7, seed=23)
    acts = ["tanh", "relu", "softmax"]
    bn_public, bn_private = {}, {}
    AL, caches = mlp.model_forward(X, parameters, acts, keep_prob=0.7, dropout_masks=masks, bn_state=bn_public)
    AL_private, caches_private = mlp._forward(X, parameters, acts, 0.7, None, masks, bn_private)
    np.testing.assert_array_equal(AL, AL_private)
    assert bn_public.keys() == bn_private.keys()
    for key in bn_public:
        np.testing.assert_array_equal(bn_public[key], bn_private[key])
    grads = mlp.model_backward(AL, Y, caches, lambd=0.2)
    grads_private = mlp._backward(AL, Y, caches_private, 0.2)
    assert list(grads) == list(grads_private)
    assert set(grads) == {"d" + key for key in parameters}  # parameter gradients only (no dA0)
    for key in grads:
        np.testing.assert_array_equal(grads[key], grads_private[key])


def test_model_forward_does_not_modify_bn_state_in_test_mode():
    dims = [3, 4, 1]
    X, _ = _data(3, 5, 1, seed=24)
    parameters = initialize_parameters(dims, rng=np.random.default_rng(25), batchnorm=True)
    bn_state = {"running_mean1": [[0.1]] * 4, "running_var1": [[2.0]] * 4, "other": "kept"}
    snapshot = dict(bn_state)
    mlp.model_forward(X, parameters, ["relu", "sigmoid"], bn_state=bn_state, bn_mode="test")
    assert bn_state == snapshot and all(bn_state[key] is snapshot[key] for key in bn_state)
    mlp.model_forward(X, parameters, ["relu", "sigmoid"], bn_state=bn_state)  # train mode updates the statistics
    assert isinstance(bn_state["running_mean1"], np.ndarray) and bn_state["other"] == "kept"
