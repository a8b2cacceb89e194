"""Checks for the week 1 regularization notebook (L2 and inverted dropout)."""

from __future__ import annotations

import numpy as np

from course_utils import dropout as reference_dropout
from course_utils.checks.framework import CheckFailed, Case, Exercise, Seed, expect_array, unpack


def _dropout_forward_cases():
    grid = np.linspace(-2.0, 3.0, 20).reshape(4, 5)
    return [
        Case("A of shape (4, 5), keep_prob=0.5", {"A": grid, "keep_prob": 0.5, "rng": Seed(1)}),
        Case("A of ones (200, 300), keep_prob=0.8", {"A": np.ones((200, 300)), "keep_prob": 0.8, "rng": Seed(2)}),
        Case("keep_prob=1 keeps everything", {"A": grid, "keep_prob": 1.0, "rng": Seed(3)}),
    ]


def _dropout_forward_hidden_cases():
    values = np.random.default_rng(11).normal(size=(7, 9))
    return [
        Case("A of shape (7, 9), keep_prob=0.3", {"A": values, "keep_prob": 0.3, "rng": Seed(4)}),
        Case("A of ones (300, 200), keep_prob=0.6", {"A": np.ones((300, 200)), "keep_prob": 0.6, "rng": Seed(5)}),
    ]


def _judge_dropout_forward(case: Case, output) -> None:
    A, keep_prob = case.args["A"], case.args["keep_prob"]
    A_out, D = unpack(case, output, 2, "dropout_forward")
    D = np.asarray(D)
    if D.shape != A.shape:
        raise CheckFailed(f"the mask D has shape {D.shape}, expected the shape of A {A.shape} [case: {case.label}]")
    if not np.isin(D, (0, 1)).all():
        raise CheckFailed(f"the mask D must hold only 0/1 (or False/True) [case: {case.label}]")
    D = D.astype(np.float64)
    kept = D.mean()
    if A.size >= 10_000 and abs(kept - keep_prob) > 0.02:
        hint = " It looks inverted: use `< keep_prob`, not `> keep_prob`." if abs(kept - (1 - keep_prob)) < 0.02 else ""
        raise CheckFailed(
            f"the mask keeps {kept:.1%} of the units but keep_prob={keep_prob} should keep about {keep_prob:.0%}."
            f"{hint} [case: {case.label}]"
        )
    expect_array(
        case,
        A_out,
        A * D / keep_prob,
        "A_out",
        mistakes=[
            (A * D, "dropout mask not rescaled by 1/keep_prob (inverted dropout divides by keep_prob)"),
            (A * D * keep_prob, "multiplied by keep_prob instead of dividing by it"),
            (A * (1 - D) / keep_prob, "the mask is applied the wrong way round: kept units are zeroed"),
        ],
    )


EXERCISES = {
    "dropout_forward": Exercise(
        name="dropout_forward",
        visible_cases=_dropout_forward_cases,
        hidden_cases=_dropout_forward_hidden_cases,
        judge=_judge_dropout_forward,
        forbidden=(reference_dropout,),
    ),
}
