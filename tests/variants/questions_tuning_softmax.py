"""Variants for ``course_utils.checks.questions_tuning_softmax``: answers written differently, and wrong ones."""

import numpy as np

CORRECT = {
    "quiz_grid_distinct": [lambda: 6, lambda: 6.0, lambda: np.int64(6)],
    "quiz_log_share": [lambda: 0.5, lambda: 2 / 4, lambda: np.float64(0.5)],
    "quiz_borrow_hyperparameters": [lambda: "c", lambda: "C", lambda: " c\n"],
    "quiz_softmax_shift": [lambda: "b", lambda: "B"],
    "quiz_two_class_logit": [lambda: 3, lambda: 2.5 - (-0.5), lambda: np.array(3.0)],
    "quiz_zero_start": [lambda: "a", lambda: " A "],
}

MISTAKES = {
    "quiz_grid_distinct": [(lambda: 36, "36 is not right"), (lambda: "6", "single number")],
    "quiz_log_share": [(lambda: 0.25, "0.25 is not right"), (lambda: 50, "50 is not right")],
    "quiz_borrow_hyperparameters": [(lambda: "a", "(a) is not the best answer"), (lambda: "e", "one letter")],
    "quiz_softmax_shift": [(lambda: "a", "(a) is not the best answer"), (lambda: None, "not answered yet")],
    "quiz_two_class_logit": [(lambda: 2.0, "2 is not right"), (lambda: -3.0, "-3 is not right")],
    "quiz_zero_start": [(lambda: "c", "(c) is not the best answer"), (lambda: "ab", "one letter")],
}
