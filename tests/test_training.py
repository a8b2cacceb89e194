"""Tests for course_utils.training.train: optimizers, mini-batches, L2, dropout, batch norm,
schedules, early stopping, warm starts, argument checks and the progress bar.

Every test asserts properties (cost goes down, shapes, equalities between two ways of computing
the same thing), never values that depend on the order of random draws.
"""

import numpy as np
import pytest

from course_utils import mlp
from course_utils.costs import compute_cost
from course_utils.initialization import initialize_parameters
from course_utils.training import TrainingResult, default_activations, train

LAYER_DIMS = [2, 8, 4, 1]
ACTIVATIONS = ["relu", "relu", "sigmoid"]


def _blobs(m, seed, flip=0.0):
    """2-D points labelled by the sign of x0 + x1, with a fraction ``flip`` of the labels flipped."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (2, m))
    Y = (X[0:1] + X[1:2] > 0).astype(float)
    flipped = rng.random((1, m)) < flip
    return X, np.where(flipped, 1.0 - Y, Y)


@pytest.fixture(scope="module")
def data():
    return _blobs(64, seed=0)


@pytest.fixture(scope="module")
def P0():
    return initialize_parameters(LAYER_DIMS, "he", rng=np.random.default_rng(1))


def _weight_norm(parameters):
    return sum(float(np.sum(value**2)) for key, value in parameters.items() if key.startswith("W"))


def _assert_history_lengths(result, epochs):
    assert set(result.history) >= {"cost", "learning_rate", "train_accuracy"}
    for key, values in result.history.items():
        assert len(values) == epochs, key


# ----------------------------------------------------------------------------- optimizers and mini-batches
@pytest.mark.parametrize(
    "optimizer, learning_rate", [("gd", 0.5), ("momentum", 0.5), ("rmsprop", 0.002), ("adam", 0.01)]
)
def test_cost_decreases_for_each_optimizer(data, optimizer, learning_rate):
    X, Y = data
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(2), optimizer=optimizer,
                   learning_rate=learning_rate, num_epochs=60, progress=False)
    assert isinstance(result, TrainingResult)
    cost = result.history["cost"]
    assert np.all(np.isfinite(cost))
    assert cost[-1] < 0.8 * cost[0]
    _assert_history_lengths(result, 60)
    assert result.history["learning_rate"] == [learning_rate] * 60
    assert result.best_epoch == 59 and not result.stopped_early
    assert result.activations == ACTIVATIONS
    assert set(result.parameters) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert result.history["train_accuracy"][-1] > 0.8


def test_cost_decreases_with_mini_batches(data):
    X, Y = data
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(3), optimizer="adam", learning_rate=0.01,
                   mini_batch_size=16, num_epochs=30, progress=False)
    cost = result.history["cost"]
    assert cost[-1] < 0.8 * cost[0]
    _assert_history_lengths(result, 30)
    # the train accuracy is that of the final parameters on the whole training set
    assert result.history["train_accuracy"][-1] == mlp.accuracy(result.predict(X), Y)


def test_optimizer_hyperparameters_are_passed_and_checked(data):
    X, Y = data
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(4), optimizer="adam",
                   optimizer_hyper={"beta1": 0.5, "beta2": 0.9}, learning_rate=0.01, num_epochs=5, progress=False)
    _assert_history_lengths(result, 5)
    with pytest.raises(TypeError, match="unexpected hyperparameter 'beta'"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(4), optimizer="adam", optimizer_hyper={"beta": 0.5},
              num_epochs=1, progress=False)


def test_softmax_output_for_several_classes():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 60))
    labels = np.argmax(np.vstack([X[0], X[1], -X[0] - X[1]]), axis=0)
    Y = np.eye(3)[:, labels]
    result = train(X, Y, [2, 8, 3], rng=np.random.default_rng(6), optimizer="adam", learning_rate=0.02,
                   num_epochs=40, progress=False)
    assert result.activations == ["relu", "softmax"] == default_activations([2, 8, 3])
    assert result.history["cost"][-1] < 0.8 * result.history["cost"][0]
    predictions = result.predict(X)
    assert predictions.shape == (1, 60) and set(np.unique(predictions)) <= {0, 1, 2}


# ----------------------------------------------------------------------------- the recorded accuracies
def test_train_accuracy_is_that_of_the_parameters_after_each_epoch(data, P0):
    """Full batch GD from fixed parameters draws no random numbers, so k-epoch runs replay the history."""
    X, Y = data
    kwargs = dict(rng=np.random.default_rng(0), parameters=P0, learning_rate=0.5, lambd=0.1, progress=False)
    history = train(X, Y, LAYER_DIMS, num_epochs=4, **kwargs).history
    for k in range(1, 5):
        shorter = train(X, Y, LAYER_DIMS, num_epochs=k, **kwargs)
        assert history["train_accuracy"][k - 1] == mlp.accuracy(shorter.predict(X), Y)
        assert history["cost"][k - 1] == shorter.history["cost"][-1]


@pytest.mark.parametrize("mini_batch_size", [None, 500])
def test_train_accuracy_of_a_large_training_set(mini_batch_size):
    """More examples than train() predicts at once: the accuracy still covers every example."""
    X, Y = _blobs(2100, seed=17)
    result = train(X, Y, [2, 4, 1], rng=np.random.default_rng(18), optimizer="adam", learning_rate=0.05,
                   mini_batch_size=mini_batch_size, num_epochs=3, progress=False)
    _assert_history_lengths(result, 3)
    assert result.history["train_accuracy"][-1] == mlp.accuracy(result.predict(X), Y)


def test_dev_history_matches_predict(data):
    X, Y = data
    X_dev, Y_dev = _blobs(40, seed=7)
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(8), learning_rate=0.5, lambd=0.3, num_epochs=20,
                   X_dev=X_dev, Y_dev=Y_dev, progress=False)
    _assert_history_lengths(result, 20)
    assert result.history["dev_accuracy"][-1] == mlp.accuracy(result.predict(X_dev), Y_dev)
    AL, _ = mlp.model_forward(X_dev, result.parameters, result.activations)
    assert result.history["dev_cost"][-1] == pytest.approx(
        compute_cost(AL, Y_dev, result.parameters, lambd=0.3), rel=1e-12
    )


# ----------------------------------------------------------------------------- regularization
def test_l2_gives_smaller_weights(data, P0):
    X, Y = data
    common = dict(rng=np.random.default_rng(0), parameters=P0, learning_rate=0.3, num_epochs=150, progress=False)
    plain = train(X, Y, LAYER_DIMS, **common)
    regularized = train(X, Y, LAYER_DIMS, lambd=5.0, **common)
    assert _weight_norm(regularized.parameters) < 0.8 * _weight_norm(plain.parameters)


def test_dropout_trains_and_predict_is_deterministic(data):
    X, Y = data
    result = train(X, Y, [2, 16, 16, 1], rng=np.random.default_rng(9), optimizer="adam", learning_rate=0.01,
                   keep_prob=0.7, num_epochs=40, progress=False)
    assert np.all(np.isfinite(result.history["cost"]))
    _assert_history_lengths(result, 40)
    first, second = result.predict(X), result.predict(X)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (1, X.shape[1]) and set(np.unique(first)) <= {0, 1}
    # no dropout at prediction time: the same as the plain network's forward pass
    np.testing.assert_array_equal(first, mlp.predict(X, result.parameters, result.activations))
    assert result.history["train_accuracy"][-1] == mlp.accuracy(first, Y)


def test_batchnorm_trains_and_predict_uses_running_statistics(data):
    X, Y = data
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(10), optimizer="adam", learning_rate=0.02,
                   batchnorm=True, mini_batch_size=16, num_epochs=30, progress=False)
    assert result.history["cost"][-1] < 0.8 * result.history["cost"][0]
    parameters = result.parameters
    for l, n in ((1, 8), (2, 4)):
        assert f"b{l}" not in parameters
        assert parameters[f"gamma{l}"].shape == parameters[f"beta{l}"].shape == (n, 1)
        assert result.bn_state[f"running_mean{l}"].shape == result.bn_state[f"running_var{l}"].shape == (n, 1)
        assert not np.allclose(result.bn_state[f"running_mean{l}"], 0.0)  # updated from the initial zeros
    assert "b3" in parameters and "gamma3" not in parameters
    assert set(result.bn_state) == {"running_mean1", "running_var1", "running_mean2", "running_var2"}
    predictions = result.predict(X)
    np.testing.assert_array_equal(
        predictions, mlp.predict(X, parameters, result.activations, bn_state=result.bn_state)
    )
    # test mode treats examples independently: one example alone is predicted as within the batch
    # (batch statistics of a single example would normalize every unit to beta instead)
    for i in range(5):
        np.testing.assert_array_equal(result.predict(X[:, i : i + 1]), predictions[:, i : i + 1])
    assert result.history["train_accuracy"][-1] == mlp.accuracy(predictions, Y)


# ----------------------------------------------------------------------------- schedules
def test_schedule_sets_the_learning_rate_of_each_epoch(data):
    X, Y = data

    def schedule(epoch):
        return 0.5 / (1.0 + epoch)

    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(11), learning_rate=123.0, schedule=schedule,
                   num_epochs=12, progress=False)
    assert result.history["learning_rate"] == [schedule(epoch) for epoch in range(12)]
    assert result.history["cost"][-1] < result.history["cost"][0]


def test_schedule_is_used_for_the_updates(data, P0):
    X, Y = data
    frozen = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(0), parameters=P0, schedule=lambda epoch: 0.0,
                   num_epochs=5, progress=False)
    for key, value in P0.items():
        np.testing.assert_array_equal(frozen.parameters[key], value)
    assert len(set(frozen.history["cost"])) == 1


# ----------------------------------------------------------------------------- early stopping
def test_early_stopping_restores_the_best_dev_parameters():
    # 24 training points with 30% flipped labels and a large network: the dev cost (clean labels)
    # goes down while the boundary is learned, then up as the network memorizes the flipped labels.
    X, Y = _blobs(24, seed=12, flip=0.3)
    X_dev, Y_dev = _blobs(200, seed=13)
    patience, epochs = 10, 400
    result = train(X, Y, [2, 64, 64, 1], rng=np.random.default_rng(14), optimizer="adam", learning_rate=0.01,
                   num_epochs=epochs, X_dev=X_dev, Y_dev=Y_dev, patience=patience, progress=False)
    dev_cost = result.history["dev_cost"]
    last = len(dev_cost) - 1
    assert result.stopped_early
    assert len(dev_cost) < epochs
    _assert_history_lengths(result, len(dev_cost))
    assert result.best_epoch < last
    assert result.best_epoch == int(np.argmin(dev_cost))
    assert last - result.best_epoch == patience
    # the returned parameters are the best epoch's, not the last ones
    AL, _ = mlp.model_forward(X_dev, result.parameters, result.activations)
    assert compute_cost(AL, Y_dev) == pytest.approx(dev_cost[result.best_epoch], rel=1e-12)
    assert compute_cost(AL, Y_dev) < dev_cost[-1]


def test_no_early_stopping_without_patience():
    X, Y = _blobs(24, seed=12, flip=0.3)
    X_dev, Y_dev = _blobs(50, seed=13)
    result = train(X, Y, [2, 16, 1], rng=np.random.default_rng(15), optimizer="adam", learning_rate=0.01,
                   num_epochs=15, X_dev=X_dev, Y_dev=Y_dev, progress=False)
    assert not result.stopped_early and result.best_epoch == 14
    _assert_history_lengths(result, 15)


# ----------------------------------------------------------------------------- warm start
def test_warm_start_continues_from_given_parameters(data, P0):
    X, Y = data
    snapshot = {key: value.copy() for key, value in P0.items()}
    common = dict(rng=np.random.default_rng(0), learning_rate=0.5, progress=False)
    once = train(X, Y, LAYER_DIMS, parameters=P0, num_epochs=10, **common)
    twice = train(X, Y, LAYER_DIMS, parameters=once.parameters, num_epochs=10, **common)
    straight = train(X, Y, LAYER_DIMS, parameters=P0, num_epochs=20, **common)
    for key in P0:
        np.testing.assert_array_equal(P0[key], snapshot[key])  # the given dict is not modified
        np.testing.assert_allclose(twice.parameters[key], straight.parameters[key], rtol=1e-12, atol=1e-15)
    # the second run's first cost is the 11th epoch's cost of the uninterrupted run
    assert twice.history["cost"] == pytest.approx(straight.history["cost"][10:], rel=1e-12)


# ----------------------------------------------------------------------------- argument checks
@pytest.mark.parametrize(
    "changes, error, message",
    [
        (dict(Y=np.zeros((1, 9))), ValueError, r"X and Y must have the same number of examples"),
        (dict(X=np.zeros((2, 0)), Y=np.zeros((1, 0))), ValueError, r"X must contain at least one example"),
        (dict(layer_dims=[3, 4, 1]), ValueError, r"layer_dims must start with n_x=2"),
        (dict(layer_dims=[2, 4, 2]), ValueError, r"layer_dims must start with n_x=2 and end with 1"),
        (dict(layer_dims=[2]), ValueError, r"layer_dims must"),
        (dict(layer_dims=[2, 0, 1]), ValueError, r"layer_dims\[1\] must be >= 1"),
        (dict(layer_dims=[2, 2.5, 1]), TypeError, r"layer_dims\[1\] must be an integer"),
        (dict(patience=3), ValueError, r"patience needs a dev set"),
        (dict(patience=0, X_dev=np.zeros((2, 3)), Y_dev=np.zeros((1, 3))), ValueError, r"patience must be >= 1"),
        (dict(keep_prob=0.0), ValueError, r"keep_prob must be in \(0, 1\], got 0.0"),
        (dict(keep_prob=1.5), ValueError, r"keep_prob must be in \(0, 1\]"),
        (dict(num_epochs=0), ValueError, r"num_epochs must be >= 1"),
        (dict(learning_rate=-0.1), ValueError, r"learning_rate must be > 0"),
        (dict(lambd=-1.0), ValueError, r"lambd must be >= 0"),
        (dict(mini_batch_size=0), ValueError, r"mini_batch_size must be >= 1"),
        (dict(optimizer="sgd"), ValueError, r"name must be one of"),
        (dict(rng=0), TypeError, r"rng must be a numpy.random.Generator"),
        (dict(X=np.full((2, 10), np.nan)), ValueError, r"X must not contain NaN"),
        (dict(X=np.zeros(10)), ValueError, r"X must be a 2-D array"),
    ],
)
def test_invalid_arguments_raise_naming_the_argument(changes, error, message):
    arguments = dict(X=np.zeros((2, 10)), Y=np.zeros((1, 10)), layer_dims=[2, 4, 1], rng=np.random.default_rng(0),
                     num_epochs=2, progress=False)
    arguments.update(changes)
    with pytest.raises(error, match=message):
        train(**arguments)


# ----------------------------------------------------------------------------- progress bar
def test_progress_false_prints_nothing(data, capsys):
    X, Y = data
    train(X, Y, LAYER_DIMS, rng=np.random.default_rng(16), num_epochs=5, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_true_shows_a_bar(data, capsys):
    X, Y = data
    train(X, Y, LAYER_DIMS, rng=np.random.default_rng(16), num_epochs=5, progress=True)
    assert "training" in capsys.readouterr().err


# ----------------------------------------------------------------------------- one implementation, checked once
@pytest.mark.parametrize(
    "options",
    [
        dict(optimizer="adam", mini_batch_size=16, keep_prob=0.8, lambd=0.1),
        dict(optimizer="momentum", mini_batch_size=20, batchnorm=True),
        dict(optimizer="rmsprop", learning_rate=0.01),
    ],
)
def test_train_computes_what_the_public_kernels_compute(data, options):
    """train()'s unchecked inner loop gives exactly the parameters of the same loop over the public kernels."""
    X, Y = data
    options = {"learning_rate": 0.05, **options}
    P = initialize_parameters(LAYER_DIMS, "he", rng=np.random.default_rng(1), batchnorm=options.get("batchnorm", False))
    result = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(30), parameters=P, num_epochs=4, progress=False,
                   **options)

    from course_utils.minibatch import random_mini_batches
    from course_utils.optimizers import make_optimizer

    rng, rule, bn_state = np.random.default_rng(30), make_optimizer(options["optimizer"]), {}
    parameters, state = P, rule.init(P)
    size, keep_prob, lambd = options.get("mini_batch_size"), options.get("keep_prob", 1.0), options.get("lambd", 0.0)
    costs = []
    for _ in range(4):
        batches = [(X, Y)] if size is None else random_mini_batches(X, Y, size, rng=rng)
        total = 0.0
        for X_batch, Y_batch in batches:
            AL, caches = mlp.model_forward(X_batch, parameters, ACTIVATIONS, keep_prob=keep_prob, rng=rng,
                                           bn_state=bn_state)
            total += X_batch.shape[1] * compute_cost(AL, Y_batch, parameters, lambd=lambd)
            grads = mlp.model_backward(AL, Y_batch, caches, lambd=lambd)
            parameters, state = rule.step(parameters, grads, state, options["learning_rate"])
        costs.append(total / X.shape[1])
    assert result.history["cost"] == costs
    for key in parameters:
        np.testing.assert_array_equal(result.parameters[key], parameters[key])
    for key in bn_state:
        np.testing.assert_array_equal(result.bn_state[key], bn_state[key])


def test_diverging_training_raises_a_clear_error(data):
    X, Y = data
    with pytest.warns(RuntimeWarning), pytest.raises(ValueError, match=r"cost became NaN at epoch \d+: lower learning_rate"):
        train(X * 1e300, Y, LAYER_DIMS, rng=np.random.default_rng(0), num_epochs=3, progress=False)
    with pytest.warns(RuntimeWarning), pytest.raises(ValueError, match=r"cost became (NaN|inf) at epoch \d+"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(0), learning_rate=1e200, lambd=1.0, num_epochs=5,
              progress=False)


def test_invalid_labels_and_parameters_are_still_reported_up_front(data, P0):
    X, Y = data
    with pytest.raises(ValueError, match="Y must contain only 0/1 labels"):
        train(X, 2 * Y, LAYER_DIMS, rng=np.random.default_rng(0), num_epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"parameters\['W2'\] must have shape \(any, 8\)"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(0), parameters={**P0, "W2": np.ones((4, 3))},
              num_epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"parameters\['W1'\] must have shape \(any, 3\)"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(0), X_dev=np.zeros((3, 4)), Y_dev=np.zeros((1, 4)),
              num_epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"activations must have one name per layer"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(0), activations=["relu", "sigmoid"], num_epochs=1,
              progress=False)


@pytest.mark.parametrize("mini_batch_size", [None, 16])
def test_eval_every_only_skips_the_train_accuracy(data, P0, mini_batch_size):
    X, Y = data
    common = dict(parameters=P0, learning_rate=0.1, optimizer="adam", mini_batch_size=mini_batch_size, num_epochs=7,
                  progress=False)
    every = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(31), **common)
    sparse = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(31), eval_every=3, **common)
    never = train(X, Y, LAYER_DIMS, rng=np.random.default_rng(31), eval_every=None, **common)
    _assert_history_lengths(sparse, 7)
    _assert_history_lengths(never, 7)
    for key in P0:  # the accuracy pass draws no random numbers: the training is the same
        np.testing.assert_array_equal(sparse.parameters[key], every.parameters[key])
        np.testing.assert_array_equal(never.parameters[key], every.parameters[key])
    assert sparse.history["cost"] == every.history["cost"] == never.history["cost"]
    for epoch, value in enumerate(sparse.history["train_accuracy"]):
        if epoch in (0, 3, 6):  # every third epoch from the first, and the last
            assert value == every.history["train_accuracy"][epoch]
        else:
            assert np.isnan(value)
    assert np.all(np.isnan(never.history["train_accuracy"]))
    with pytest.raises(ValueError, match="eval_every must be >= 1"):
        train(X, Y, LAYER_DIMS, rng=np.random.default_rng(31), eval_every=0, **common)


def test_no_progress_bar_while_nbgrader_executes(monkeypatch, capsys):
    X = np.array([[0.0, 1.0, 2.0, 3.0]])
    Y = np.array([[0.0, 0.0, 1.0, 1.0]])
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    train(X, Y, [1, 2, 1], rng=np.random.default_rng(0), num_epochs=3, progress=True)
    assert "training" in capsys.readouterr().err  # the bar, outside nbgrader
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    train(X, Y, [1, 2, 1], rng=np.random.default_rng(0), num_epochs=3, progress=True)
    assert capsys.readouterr().err == ""
