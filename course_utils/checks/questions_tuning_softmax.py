"""Short conceptual questions of the week 3 notebooks on hyperparameter tuning (3.1) and softmax regression (3.3)."""

from __future__ import annotations

from course_utils.checks.framework import exercise_table, question

EXERCISES = exercise_table(
    # week3_1: hyperparameter tuning
    question(
        "quiz_grid_distinct",
        6.0,
        "Only alpha matters here: count the different values of alpha that the grid's 36 points take.",
    ),
    question(
        "quiz_log_share",
        0.5,
        "On a log scale each decade gets a share proportional to its width in log10 units: how many decades does "
        "[1e-5, 1e-1] span, and how many of them lie in [1e-3, 1e-1]?",
        rel_tol=0.01,
    ),
    question(
        "quiz_borrow_hyperparameters",
        "c",
        "The notes say that ideas and tricks carry over between domains, but the best values themselves rarely "
        "do, and even in one domain they drift as the data and the hardware change.",
        choices="abcd",
    ),
    # week3_3: softmax regression
    question(
        "quiz_softmax_shift",
        "b",
        "Write a_k = exp(z_k + c) / sum_j exp(z_j + c) and factor exp(c) out of the numerator and the denominator.",
        choices="abcd",
    ),
    question(
        "quiz_two_class_logit",
        3.0,
        "For C = 2, a_1 = 1 / (1 + exp(-(z_1 - z_2))): only the difference of the two logits matters.",
        rel_tol=1e-6,
    ),
    question(
        "quiz_zero_start",
        "a",
        "Symmetry is a problem when units of a hidden layer would all compute the same thing; count the hidden "
        "layers of softmax regression, and think about what a convex cost means for the starting point.",
        choices="abcd",
    ),
)
