"""Short conceptual questions of the optimization (week 2), batch norm and TensorFlow (week 3) notebooks.

Each notebook asks them in a "Check your understanding" section; the answer cell defines a function returning
a letter or a number, graded by :func:`course_utils.checks.framework.question`.
"""

from course_utils.checks.framework import exercise_table, question

EXERCISES = exercise_table(
    # week 2: optimization algorithms
    question("quiz_ewa_window", 50.0, rel_tol=0.05,
             why="The weight of the value k steps back is (1 - beta) beta^k; count the steps until it has fallen "
                 "to about 1/e of the newest weight (section 2 gives a rule of thumb)."),
    question("quiz_minibatch_noise", "b", choices="abcd",
             why="Compare what the cost of two consecutive steps is computed on."),
    question("quiz_saddle", "c", choices="abcd",
             why="Count how many directions must all curve upwards for a minimum, and look at the d = 100 row "
                 "of the table in section 7."),
    # week 3: batch normalization
    question("quiz_bn_bias", "a", choices="abcd",
             why="Follow b through the mean: what does Z - mu do to a number added to every example of a unit?"),
    question("quiz_bn_test_time", "d", choices="abcd",
             why="Think of a single image arriving alone at test time, and of section 5.4."),
    question("quiz_torch_momentum", 0.1, rel_tol=1e-6,
             why="Our momentum is the weight kept by the old running value; PyTorch's is the weight given to "
                 "the new batch. The two weights add up to 1."),
    # week 3: TensorFlow
    question("quiz_keras_momentum_lr", 0.001, rel_tol=1e-6,
             why="Keras's velocity sums the past gradients without the (1 - beta) factor, so its steps are "
                 "1/(1 - beta) times week 2's at the same learning rate."),
    question("quiz_tape_none", "c", choices="abcd",
             why="The tape can only differentiate the TensorFlow operations it recorded on the variable."),
    question("quiz_tf_layout", "b", choices="abcd",
             why="Both arguments have the same shape, so TensorFlow has nothing to complain about; ask over which "
                 "axis it takes the softmax."),
)
