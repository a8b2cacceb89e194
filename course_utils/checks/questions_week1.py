"""Short conceptual questions of the week 1 notebooks (set-up, regularization, gradient checking).

Each answer cell defines a function returning the answer (one letter or a number); its test cell calls
``check("quiz_<name>", answer_<name>)``. The ``why`` texts say what to reconsider without giving the answer.
"""

from __future__ import annotations

from course_utils.checks.framework import exercise_table, question

EXERCISES = exercise_table(
    # week1_1: set-up and initialization
    question("quiz_dev_share", 0.25,
             "The dev set keeps a fixed number of examples (10,000): divide it by the number of examples and give "
             "the result in percent (0.5 means half a percent).", rel_tol=1e-3),
    question("quiz_bayes_gap", "d",
             "Compute the two gaps: avoidable bias = train error - Bayes error, variance = dev error - train error, "
             "and compare each with the 2-point threshold.", choices="abcd"),
    question("quiz_relu_scale", "a",
             "For ReLU, Var(z[l]) = n[l-1] Var(w) Var(z[l-1]) / 2: which Var(w) makes the factor exactly 1?",
             choices="abcd"),
    # week1_2: regularization
    question("quiz_dropout_test_time", "b",
             "Think about what a prediction should be (random or not), and about what the division by keep_prob "
             "already did during training.", choices="abcd"),
    question("quiz_l1_zeros", "a",
             "Compare the size of the two penalties' gradients for a weight that is already very small.",
             choices="abcd"),
    question("quiz_decay_factor", 0.999,
             "Write the update W := W - alpha (backprop + lambd/m W) as (something) W - alpha backprop.",
             rel_tol=1e-9),
    # week1_3: gradient checking
    question("quiz_halve_epsilon", 4.0,
             "The two-sided difference's truncation error is proportional to a power of epsilon: which one?",
             rel_tol=1e-9),
    question("quiz_dropout_gradcheck", "b",
             "What does the cost function do when it is called twice with the same parameters and dropout on?",
             choices="abcd"),
    question("quiz_check_evaluations", 2000.0,
             "The full check perturbs one entry of theta at a time: how many cost evaluations per entry does the "
             "two-sided difference need?", rel_tol=1e-9),
)
