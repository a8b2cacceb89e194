"""Variants for ``course_utils.checks.tensorflow_intro``: right answers written differently, and named mistakes.

TensorFlow is imported lazily inside each function, so this module imports without it (the collector skips
the exercises when TensorFlow is missing).
"""

import numpy as np


def _tf():
    import tensorflow as tf

    return tf


# ----------------------------------------------------------------------------------------- quadratic cost


def quadratic_square(w):
    return _tf().square(w - 5.0)


def quadratic_ops(w):
    tf = _tf()
    return tf.add(tf.subtract(tf.multiply(w, w), tf.multiply(10.0, w)), 25.0)


def quadratic_product(w):
    return (w - 5) * (w - 5)


def quadratic_lost_w(w):
    return w**2 - 10.0 + 25.0


def quadratic_derivative(w):
    return 2 * w - 10


# -------------------------------------------------------------------------------------- coefficient cost


def coefficient_horner(w, x):
    return (x[0] * w + x[1]) * w + x[2]


def coefficient_polyval(w, x):
    tf = _tf()
    return tf.math.polyval(tf.unstack(x), w)


def coefficient_tensordot(w, x):
    tf = _tf()
    return tf.tensordot(x, tf.stack([tf.square(w), w, tf.ones_like(w)]), axes=1)


def coefficient_no_square(w, x):
    return x[0] * w + x[1] * w + x[2]


def coefficient_swapped(w, x):
    return x[1] * w**2 + x[0] * w + x[2]


def coefficient_reduce_sum(w, x):
    return _tf().reduce_sum(x * w)


def coefficient_plus_half(w, x):
    return x[0] * w**2 + x[1] * w + x[2] + 0.5


# -------------------------------------------------------------------------------------- cost and gradient


def gradient_watch_always(w, x):
    tf = _tf()
    with tf.GradientTape() as tape:
        tape.watch(w)
        J = (x[0] * w + x[1]) * w + x[2]
    return J, tape.gradient(J, w)


def gradient_persistent_list(w, x):
    tf = _tf()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(w)
        J = tf.math.polyval([x[0], x[1], x[2]], w)
    dJ_dw = tape.gradient(J, [w])[0]
    del tape
    return [J, dJ_dw]


def gradient_watch_identity(w, x):
    tf = _tf()
    w = tf.identity(w)
    with tf.GradientTape() as tape:
        tape.watch(w)
        J = x[0] * tf.square(w) + x[1] * w + x[2]
    return J, tape.gradient(J, w)


def gradient_swapped_order(w, x):
    tf = _tf()
    with tf.GradientTape() as tape:
        tape.watch(w)
        J = x[0] * w**2 + x[1] * w + x[2]
    return tape.gradient(J, w), J


def gradient_no_factor_two(w, x):
    tf = _tf()
    with tf.GradientTape() as tape:
        tape.watch(w)
        J = x[0] * w**2 + x[1] * w + x[2]
    return J, x[0] * w + x[1]


def gradient_without_watch(w, x):
    tf = _tf()
    with tf.GradientTape() as tape:
        J = x[0] * w**2 + x[1] * w + x[2]
    return J, tape.gradient(J, w)


# ------------------------------------------------------------------------------------------------ minimize


def _cost(w, x):
    return x[0] * w**2 + x[1] * w + x[2]


def minimize_numpy_item(w, x, optimizer, num_steps):
    tf = _tf()
    history = []
    step = 0
    while step < num_steps:
        with tf.GradientTape() as tape:
            J = _cost(w, x)
        optimizer.apply_gradients(zip(tape.gradient(J, [w]), [w]))
        history.append(w.numpy().item())
        step += 1
    return history


def minimize_identity_array(w, x, optimizer, num_steps):
    tf = _tf()
    history = []
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            J = _cost(w, x)
        optimizer.apply_gradients([(tape.gradient(J, w), w)])
        history.append(tf.identity(w))
    return np.array([value.numpy() for value in history])


def minimize_read_value(w, x, optimizer, num_steps):
    tf = _tf()
    history = []
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            J = _cost(w, x)
        grads = tape.gradient(J, [w])
        optimizer.apply_gradients(list(zip(grads, [w])))
        history.append(float(w.read_value()))
    return tuple(history)


def minimize_frozen_gradient(w, x, optimizer, num_steps):
    tf = _tf()
    with tf.GradientTape() as tape:
        J = _cost(w, x)
    gradient = tape.gradient(J, w)
    history = []
    for _ in range(num_steps):
        optimizer.apply_gradients([(gradient, w)])
        history.append(float(w.numpy()))
    return history


def minimize_records_cost(w, x, optimizer, num_steps):
    tf = _tf()
    history = []
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            J = _cost(w, x)
        optimizer.apply_gradients([(tape.gradient(J, w), w)])
        history.append(float(J.numpy()))
    return history


def minimize_by_hand(w, x, optimizer, num_steps):
    tf = _tf()
    history = []
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            J = _cost(w, x)
        w.assign_sub(float(optimizer.learning_rate.numpy()) * tape.gradient(J, w))
        history.append(float(w.numpy()))
    return history


# ------------------------------------------------------------------------------------------ softmax cost


def softmax_cost_axis0(W, b, X, Y):
    tf = _tf()
    Z = W @ X + b
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=Z, axis=0))


def softmax_cost_log_softmax(W, b, X, Y):
    tf = _tf()
    Z = tf.matmul(W, X) + b
    return -tf.reduce_sum(Y * tf.nn.log_softmax(Z, axis=0)) / tf.cast(tf.shape(Y)[1], Z.dtype)


def softmax_cost_logsumexp(W, b, X, Y):
    tf = _tf()
    Z = tf.add(tf.linalg.matmul(W, X), b)
    return tf.reduce_mean(tf.reduce_logsumexp(Z, axis=0) - tf.reduce_sum(Y * Z, axis=0))


def softmax_cost_keras(W, b, X, Y):
    tf = _tf()
    Z = tf.transpose(W @ X + b)
    loss = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
    return loss(tf.transpose(Y), Z)


def softmax_cost_swapped(W, b, X, Y):
    tf = _tf()
    Z = W @ X + b
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(tf.transpose(Z), tf.transpose(Y)))


def softmax_cost_not_from_logits(W, b, X, Y):
    tf = _tf()
    Z = W @ X + b
    return tf.reduce_mean(tf.keras.losses.categorical_crossentropy(tf.transpose(Y), tf.transpose(Z)))


def softmax_cost_no_bias(W, b, X, Y):
    tf = _tf()
    Z = W @ X
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(Y), logits=tf.transpose(Z)))


def softmax_cost_half(W, b, X, Y):
    tf = _tf()
    Z = W @ X + b
    return 0.5 * tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(Y),
                                                                        logits=tf.transpose(Z)))


CORRECT = {
    "tf_quadratic_cost": [quadratic_square, quadratic_ops, quadratic_product],
    "tf_coefficient_cost": [coefficient_horner, coefficient_polyval, coefficient_tensordot],
    "tf_gradients": [gradient_watch_always, gradient_persistent_list, gradient_watch_identity],
    "tf_minimize": [minimize_numpy_item, minimize_identity_array, minimize_read_value],
    "tf_softmax_cost": [softmax_cost_axis0, softmax_cost_log_softmax, softmax_cost_logsumexp, softmax_cost_keras],
}

MISTAKES = {
    "tf_quadratic_cost": [
        (quadratic_lost_w, "the linear term lost its w"),
        (quadratic_derivative, "this is the derivative dJ/dw"),
    ],
    "tf_coefficient_cost": [
        (coefficient_no_square, "x[0] multiplies w**2, not w"),
        (coefficient_swapped, "x[0] and x[1] are swapped"),
        (coefficient_reduce_sum, "w times the sum of the coefficients"),
        (coefficient_plus_half, "compare each term with yours"),
    ],
    "tf_gradients": [
        (gradient_swapped_order, "this is the derivative dJ/dw, not the cost"),
        (gradient_no_factor_two, "the factor 2 is missing"),
        (gradient_without_watch, "tape.gradient returned None"),
    ],
    "tf_minimize": [
        (minimize_frozen_gradient, "every step used the gradient at the starting w"),
        (minimize_records_cost, "these are the costs before each step"),
        (minimize_by_hand, "update w with the optimizer you were given"),
    ],
    "tf_softmax_cost": [
        (softmax_cost_swapped, "labels and logits are swapped"),
        (softmax_cost_not_from_logits, "from_logits=True"),
        (softmax_cost_no_bias, "the bias b is missing"),
        (softmax_cost_half, "the mean over the m = 5 examples of -log softmax(z)[true class]"),
    ],
}
