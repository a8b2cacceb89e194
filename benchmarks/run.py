#!/usr/bin/env python
"""Performance benchmarks of ``course_utils`` (a script, not a test): see benchmarks/README.md.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/run.py [--quick] [--no-notebooks] [--profile]

Every line compares two things measured in this same run (repeats interleaved, medians taken),
so it reports ratios rather than absolute timings, which are meaningless on a shared machine.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread, set before numpy is imported (threadpoolctl below also pins it at runtime).
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                     "VECLIB_MAXIMUM_THREADS")
for _var in _THREAD_VARIABLES:
    os.environ[_var] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

import argparse  # noqa: E402
import glob  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils.costs import compute_cost  # noqa: E402
from course_utils.datasets import load_moons, load_noisy  # noqa: E402
from course_utils.gradient_check import gradient_check  # noqa: E402
from course_utils.initialization import initialize_parameters  # noqa: E402
from course_utils.minibatch import random_mini_batches  # noqa: E402
from course_utils.mlp import accuracy, model_backward, model_forward, predict  # noqa: E402
from course_utils.optimizers import make_optimizer  # noqa: E402
from course_utils.training import train  # noqa: E402

try:  # how train() evaluates the train-set accuracy (private helper; plain predict if it changes)
    from course_utils.training import _predict_in_blocks  # noqa: E402
except ImportError:
    def _predict_in_blocks(X, parameters, activations, bn_state):
        return predict(X, parameters, activations, bn_state=bn_state)

try:  # how train() shuffles and cuts its (already checked) X, Y each epoch (private helper)
    from course_utils.minibatch import _mini_batches  # noqa: E402
except ImportError:
    def _mini_batches(X, Y, mini_batch_size, rng):
        return random_mini_batches(X, Y, mini_batch_size, rng=rng)

ROWS: list[tuple[str, str, str, str, str]] = []  # (id, what is compared, measured, target, verdict)


def row(key, what, measured, target="", ok=None):
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    ROWS.append((key, what, measured, target, verdict))
    print(f"  [{key}] {what}: {measured} {('(target ' + target + ') ' + verdict) if target else ''}", flush=True)


def note(text):
    print(f"      {text}", flush=True)


def interleaved(candidates: dict, repeats: int) -> dict:
    """Run each zero-argument callable once per repeat, alternating; return ``{name: [seconds, ...]}``."""
    times = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def median(values):
    return statistics.median(values)


def paired_ratio(numerator, denominator):
    """Median over repeats of numerator[i] / denominator[i] (pairs were measured back to back)."""
    return median([a / b for a, b in zip(numerator, denominator)])


def fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


# ----------------------------------------------------------------------------- bare NumPy loops
def _bare_forward(X, P, L, hidden):
    """Forward pass (relu/tanh hidden layers, sigmoid output); returns AL and the per-layer (A_prev, Z)."""
    A = X
    cache = []
    for l in range(1, L + 1):
        Z = P[f"W{l}"] @ A + P[f"b{l}"]
        cache.append((A, Z))
        if l < L:
            A = np.maximum(Z, 0.0) if hidden == "relu" else np.tanh(Z)
        else:
            A = 1.0 / (1.0 + np.exp(-Z))
    return A, cache


def _bare_backward(AL, Y, P, cache, L, hidden, lambd):
    m = Y.shape[1]
    grads = {}
    dZ = AL - Y
    for l in range(L, 0, -1):
        A_prev, _ = cache[l - 1]
        W = P[f"W{l}"]
        grads[f"dW{l}"] = dZ @ A_prev.T / m + (lambd / m) * W if lambd else dZ @ A_prev.T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            dA = W.T @ dZ
            Z_prev = cache[l - 2][1]
            dZ = dA * (Z_prev > 0) if hidden == "relu" else dA * (1.0 - np.tanh(Z_prev) ** 2)
    return grads


def _bare_cost(AL, Y, P, L, lambd):
    m = Y.shape[1]
    A = np.clip(AL, 1e-15, 1 - 1e-15)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    if lambd:
        cost += lambd / (2 * m) * sum(np.sum(P[f"W{l}"] ** 2) for l in range(1, L + 1))
    return float(cost)


def bare_gd(X, Y, P0, steps, learning_rate, lambd, hidden="relu"):
    """Full-batch gradient descent with L2: forward, cost, backward, update, written inline."""
    P = {k: v.copy() for k, v in P0.items()}
    L = len(P) // 2
    for _ in range(steps):
        AL, cache = _bare_forward(X, P, L, hidden)
        _bare_cost(AL, Y, P, L, lambd)
        grads = _bare_backward(AL, Y, P, cache, L, hidden, lambd)
        for key in P:
            P[key] = P[key] - learning_rate * grads["d" + key]
    return P


def bare_adam(X, Y, P0, epochs, batch, learning_rate, rng, beta1=0.9, beta2=0.999, eps=1e-8, hidden="relu"):
    """Mini-batch Adam: per epoch one permutation, consecutive batches; forward, cost, backward, Adam update."""
    P = {k: v.copy() for k, v in P0.items()}
    L = len(P) // 2
    v = {k: np.zeros_like(p) for k, p in P.items()}
    s = {k: np.zeros_like(p) for k, p in P.items()}
    t = 0
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        Xs, Ys = X[:, order], Y[:, order]
        for start in range(0, m, batch):
            Xb, Yb = Xs[:, start : start + batch], Ys[:, start : start + batch]
            AL, cache = _bare_forward(Xb, P, L, hidden)
            _bare_cost(AL, Yb, P, L, 0.0)
            grads = _bare_backward(AL, Yb, P, cache, L, hidden, 0.0)
            t += 1
            for key in P:
                g = grads["d" + key]
                v[key] = beta1 * v[key] + (1 - beta1) * g
                s[key] = beta2 * s[key] + (1 - beta2) * g * g
                P[key] = P[key] - learning_rate * (v[key] / (1 - beta1**t)) / (np.sqrt(s[key] / (1 - beta2**t)) + eps)
    return P


def max_diff(P, Q):
    return max(float(np.max(np.abs(P[k] - Q[k]))) for k in P)


# ----------------------------------------------------------------------------- (a) L2, full batch
def bench_a(repeats):
    X, Y = load_noisy("train")
    dims = [2, 20, 3, 1]
    P0 = initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    steps, lr, lambd = 300, 0.3, 0.7

    ours_result = train(X, Y, dims, rng=np.random.default_rng(0), parameters=P0, learning_rate=lr, lambd=lambd,
                        num_epochs=steps, progress=False)
    bare_result = bare_gd(X, Y, P0, steps, lr, lambd)
    same = max_diff(ours_result.parameters, bare_result)

    times = interleaved(
        {
            "ours": lambda: train(X, Y, dims, rng=np.random.default_rng(0), parameters=P0, learning_rate=lr,
                                  lambd=lambd, num_epochs=steps, progress=False),
            "bare": lambda: bare_gd(X, Y, P0, steps, lr, lambd),
        },
        repeats,
    )
    ratio = paired_ratio(times["ours"], times["bare"])
    ours, bare = median(times["ours"]) / steps, median(times["bare"]) / steps
    row("a", f"L2 GD [2,20,3,1] m={X.shape[1]} full batch: train() / bare loop, per step",
        f"{ratio:.2f}x ({fmt_time(ours)} vs {fmt_time(bare)})", "<= 1.20x", ratio <= 1.2)
    note(f"same math check: max |param difference| after {steps} steps = {same:.1e}")
    return ratio


# ----------------------------------------------------------------------------- (b) Adam mini-batch
def bench_b(repeats):
    X, Y = load_moons("train")
    dims = [2, 5, 2, 1]
    P0 = initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    epochs, batch, lr = 60, 64, 0.0007
    steps = epochs * -(-X.shape[1] // batch)

    ours_result = train(X, Y, dims, rng=np.random.default_rng(0), parameters=P0, optimizer="adam",
                        learning_rate=lr, mini_batch_size=batch, num_epochs=epochs, progress=False)
    bare_result = bare_adam(X, Y, P0, epochs, batch, lr, np.random.default_rng(0))
    same = max_diff(ours_result.parameters, bare_result)

    times = interleaved(
        {
            "ours": lambda: train(X, Y, dims, rng=np.random.default_rng(0), parameters=P0, optimizer="adam",
                                  learning_rate=lr, mini_batch_size=batch, num_epochs=epochs, progress=False),
            "bare": lambda: bare_adam(X, Y, P0, epochs, batch, lr, np.random.default_rng(0)),
        },
        repeats,
    )
    ratio = paired_ratio(times["ours"], times["bare"])
    ours, bare = median(times["ours"]) / steps, median(times["bare"]) / steps
    row("b", f"Adam [2,5,2,1] moons m={X.shape[1]} batch {batch}: train() / bare loop, per step",
        f"{ratio:.2f}x ({fmt_time(ours)} vs {fmt_time(bare)})", "<= 1.20x", ratio <= 1.2)
    note(f"same math check (same shuffles): max |param difference| after {steps} steps = {same:.1e}")
    return ratio


# ----------------------------------------------------------------------------- (c) batch norm GEMM efficiency
C_DIMS = [784, 256, 128, 10]
C_M, C_BATCH = 10_000, 256


def _c_data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((C_DIMS[0], C_M))
    Y = np.eye(C_DIMS[-1])[:, rng.integers(0, C_DIMS[-1], C_M)]
    return X, Y


def _c_batches():
    return [min(C_BATCH, C_M - start) for start in range(0, C_M, C_BATCH)]


def _gemm_flops(batch_sizes):
    """The GEMMs a step needs, 2*n*k*m flops each: per layer the forward Z = W A and the backward
    dW = dZ A^T, and dA_prev = W^T dZ for every layer but the first (the input gradient dA0 is not
    needed for training, and model_backward does not compute it): 8 GEMMs for the 3 layers."""
    flops = 0
    for l in range(1, len(C_DIMS)):
        gemms = 3 if l > 1 else 2
        flops += sum(gemms * 2 * m * C_DIMS[l] * C_DIMS[l - 1] for m in batch_sizes)
    return flops


def _plain_gemms(repeat_steps):
    """The 8 GEMMs of one full-size step (same shapes and transpositions as the model), np.dot only."""
    rng = np.random.default_rng(4)
    mats = []
    for l in range(1, len(C_DIMS)):
        n, k = C_DIMS[l], C_DIMS[l - 1]
        mats.append((rng.standard_normal((n, k)), rng.standard_normal((k, C_BATCH)), rng.standard_normal((n, C_BATCH)),
                     l > 1))

    def run():
        for _ in range(repeat_steps):
            for W, A, dZ, input_gradient in mats:
                np.dot(W, A)
                np.dot(dZ, A.T)
                if input_gradient:
                    np.dot(W.T, dZ)

    return run


def _c_train_epoch(X, Y, P0, eval_every=1):
    """One epoch of train() on the (c) model: shuffle, 40 steps and, unless ``eval_every=None``, the
    train-set accuracy pass."""

    def epoch():
        train(X, Y, C_DIMS, rng=np.random.default_rng(0), parameters=P0, learning_rate=0.01, batchnorm=True,
              mini_batch_size=C_BATCH, num_epochs=1, eval_every=eval_every, progress=False)

    return epoch


def bench_c(repeats):
    X, Y = _c_data()
    batches = _c_batches()
    flops = _gemm_flops(batches)
    steps = len(batches)
    plain_steps = steps  # about as long as one epoch of ours, so both see the same machine conditions
    plain_flops = _gemm_flops([C_BATCH] * plain_steps)
    activations = ["relu", "relu", "softmax"]
    P0 = initialize_parameters(C_DIMS, "he", rng=np.random.default_rng(1), batchnorm=True)
    bn_state = {}
    model_forward(X[:, :C_BATCH], P0, activations, bn_state=bn_state)
    cut = random_mini_batches(X, Y, C_BATCH, rng=np.random.default_rng(2))
    rule = make_optimizer("gd")

    def kernels():  # the same 40 steps with the public (validating) kernels, on pre-cut batches
        parameters, state = P0, rule.init(P0)
        for X_batch, Y_batch in cut:
            AL, caches = model_forward(X_batch, parameters, activations, bn_state=bn_state)
            compute_cost(AL, Y_batch, output="softmax")
            grads = model_backward(AL, Y_batch, caches)
            parameters, state = rule.step(parameters, grads, state, 0.01)

    times = interleaved(
        {
            "epoch": _c_train_epoch(X, Y, P0, eval_every=None),
            "shuffle": lambda: _mini_batches(X, Y, C_BATCH, np.random.default_rng(0)),
            "default epoch": _c_train_epoch(X, Y, P0),
            "gemm": _plain_gemms(plain_steps),
            "kernels": kernels,
            "accuracy": lambda: _predict_in_blocks(X, P0, activations, bn_state),
        },
        repeats,
    )
    gemm_rate = [plain_flops / t for t in times["gemm"]]
    # The optimizer steps of train(): one epoch with eval_every=None (shuffle + steps) minus the shuffle
    # measured right after it (the same private helper train() calls on its already-checked X, Y).
    times["steps"] = [epoch - shuffle for epoch, shuffle in zip(times["epoch"], times["shuffle"])]

    def fraction_of(name):
        return median([flops / t / rate for t, rate in zip(times[name], gemm_rate)])

    fraction = fraction_of("steps")
    step_time = median(times["steps"]) / steps
    epoch, full_epoch = median(times["epoch"]), median(times["default epoch"])
    evaluation, shuffle = median(times["accuracy"]), median(times["shuffle"])
    row("c", "BN softmax [784,256,128,10] m=10k batch 256: train() step GEMM rate / np.dot rate",
        f"{fraction:.0%} ({flops / steps / step_time / 1e9:.1f} vs {median(gemm_rate) / 1e9:.1f} GFLOP/s), "
        f"{fmt_time(step_time)}/step", ">= 60%", fraction >= 0.6)
    note(f"counted: {flops / steps / 1e6:.0f} MFLOP of GEMMs per step (8 GEMMs); step time = one epoch of "
         f"train(..., eval_every=None) minus its shuffle")
    note("per-epoch extras of train(), not in the step time:")
    note(f"  the shuffle into mini-batches: {fmt_time(shuffle)} (+{shuffle / (epoch - shuffle):.0%}); "
         f"with it the epoch reaches {fraction_of('epoch'):.0%} of the np.dot rate")
    note(f"  the train-set accuracy pass of the default eval_every=1 (predict on all {C_M} examples): "
         f"{fmt_time(evaluation)}; the whole default epoch ({fmt_time(full_epoch)}) reaches "
         f"{fraction_of('default epoch'):.0%}")
    note(f"the same {steps} steps with the public, validating kernels (model_forward, compute_cost, model_backward, "
         f"Optimizer.step) on pre-cut batches reach {fraction_of('kernels'):.0%}")


# ----------------------------------------------------------------------------- (d) gradient check
def bench_d(repeats):
    dims = [20, 100, 60, 1]
    m = 32
    rng = np.random.default_rng(5)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    P = initialize_parameters(dims, "he", rng=rng)
    activations = ["relu", "relu", "sigmoid"]
    n_params = sum(v.size for v in P.values())
    AL, caches = model_forward(X, P, activations)
    grads = model_backward(AL, Y, caches)

    def cost_fn(p):
        return compute_cost(model_forward(X, p, activations)[0], Y)

    full_report = {}

    def full():
        full_report["r"] = gradient_check(cost_fn, P, grads, fast=False)

    fast_report = {}

    def fast():
        fast_report["r"] = gradient_check(cost_fn, P, grads, fast=True, rng=np.random.default_rng(6))

    # full mode takes seconds: fewer repeats of it than of fast mode.
    fast_times = interleaved({"fast": fast}, max(3, repeats))["fast"]
    full_times = interleaved({"full": full}, max(1, repeats // 3))["full"]
    t_fast, t_full = median(fast_times), median(full_times)
    row("d", f"gradient_check [20,100,60,1] ({n_params} params, m={m}): fast mode",
        f"{fmt_time(t_fast)} (full {fmt_time(t_full)}, {t_full / t_fast:.0f}x slower)", "fast < 50 ms", t_fast < 0.05)
    fell_back = getattr(fast_report["r"], "fell_back", None)
    note(f"verdicts: full {getattr(full_report['r'], 'verdict', '?')}, fast {getattr(fast_report['r'], 'verdict', '?')}"
         f" (fell back to full: {fell_back})")


# ----------------------------------------------------------------------------- (e) PyTorch
def bench_e(repeats):
    try:
        import torch
    except ImportError:
        row("e", "(c) train() step / PyTorch CPU step (float64, 1 thread, SGD)", "torch not installed: skipped")
        return
    torch.set_num_threads(1)
    X, Y = _c_data()
    Xt = torch.from_numpy(X.T.copy())
    yt = torch.from_numpy(np.argmax(Y, axis=0))
    layers = []
    for l in range(1, len(C_DIMS)):
        last = l == len(C_DIMS) - 1
        layers.append(torch.nn.Linear(C_DIMS[l - 1], C_DIMS[l], bias=last))
        if not last:
            layers += [torch.nn.BatchNorm1d(C_DIMS[l], momentum=0.1, eps=1e-5), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    steps = len(_c_batches())

    def epoch():
        model.train()
        order = torch.randperm(C_M, generator=generator)
        for start in range(0, C_M, C_BATCH):
            index = order[start : start + C_BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(Xt[index]), yt[index])
            loss.backward()
            optimizer.step()

    P0 = initialize_parameters(C_DIMS, "he", rng=np.random.default_rng(1), batchnorm=True)
    times = interleaved({"ours": _c_train_epoch(X, Y, P0, eval_every=None), "torch": epoch}, repeats)
    ratio = paired_ratio(times["ours"], times["torch"])
    row("e", "(c) train() step / PyTorch CPU step (float64, 1 thread, SGD)",
        f"{ratio:.2f}x ({fmt_time(median(times['ours']) / steps)} vs {fmt_time(median(times['torch']) / steps)})")


# ----------------------------------------------------------------------------- (f) notebooks
def bench_f():
    from nbclient import NotebookClient
    import nbformat

    paths = sorted(glob.glob(str(ROOT / "notebooks" / "source" / "*" / "*.ipynb")))
    if not paths:
        row("f", "notebook execution", "no notebooks under notebooks/source/*/*.ipynb")
        return
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name="python3", timeout=900,
                                resources={"metadata": {"path": str(Path(path).parent)}})
        start = time.perf_counter()
        try:
            client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines; cell errors still raise
            status = "ok"
        except Exception as error:  # report and carry on with the next notebook
            lines = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines() or [""]
            status = f"FAILED: {type(error).__name__}: {lines[-1][:120]}"
        elapsed = time.perf_counter() - start
        row("f", f"execute notebook {Path(path).relative_to(ROOT / 'notebooks' / 'source')}", f"{elapsed:.1f} s {status}")


# ----------------------------------------------------------------------------- profile
def profile_a(repeats):
    """Where (a)'s time goes: each phase of one step timed separately, ours vs bare, then cProfile."""
    import cProfile
    import pstats

    X, Y = load_noisy("train")
    dims, activations, lambd, lr, steps = [2, 20, 3, 1], ["relu", "relu", "sigmoid"], 0.7, 0.3, 300
    P = initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    rule = make_optimizer("gd")
    ours = {"model_forward": [], "compute_cost": [], "model_backward": [], "optimizer step": [],
            "predict + accuracy": []}
    bare = {"forward": [], "cost": [], "backward": [], "update": []}
    clock = time.perf_counter
    for _ in range(repeats):
        spent_ours, spent_bare = dict.fromkeys(ours, 0.0), dict.fromkeys(bare, 0.0)
        for _ in range(steps):
            t0 = clock()
            AL, caches = model_forward(X, P, activations, keep_prob=1.0, bn_state={})
            t1 = clock()
            compute_cost(AL, Y, P, lambd=lambd, output="sigmoid")
            t2 = clock()
            grads = model_backward(AL, Y, caches, lambd=lambd)
            t3 = clock()
            new, _ = rule.step(P, grads, {}, lr)
            t4 = clock()
            accuracy(predict(X, new, activations), Y)
            t5 = clock()
            for key, (a, b) in zip(ours, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]):
                spent_ours[key] += b - a
            t0 = clock()
            ALb, cache = _bare_forward(X, P, 3, "relu")
            t1 = clock()
            _bare_cost(ALb, Y, P, 3, lambd)
            t2 = clock()
            gb = _bare_backward(ALb, Y, P, cache, 3, "relu", lambd)
            t3 = clock()
            {key: P[key] - lr * gb["d" + key] for key in P}
            t4 = clock()
            for key, (a, b) in zip(bare, [(t0, t1), (t1, t2), (t2, t3), (t3, t4)]):
                spent_bare[key] += b - a
        for key in ours:
            ours[key].append(spent_ours[key] / steps)
        for key in bare:
            bare[key].append(spent_bare[key] / steps)
    print("\nOne step of (a), by phase, median per step. train() runs predict + accuracy once per epoch with")
    print("mini-batches, dropout or batch norm; in full batch without them it reuses the next forward pass:")
    for name, table in (("train() kernels", ours), ("bare loop", bare)):
        total = sum(median(v) for v in table.values())
        parts = ", ".join(f"{key} {fmt_time(median(v))}" for key, v in table.items())
        print(f"  {name}: {fmt_time(total)} = {parts}")

    P0 = initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    profiler = cProfile.Profile()
    profiler.enable()
    train(X, Y, dims, rng=np.random.default_rng(0), parameters=P0, learning_rate=lr, lambd=lambd,
          num_epochs=2000, progress=False)
    profiler.disable()
    print("\ncProfile of train() for (a), 2000 steps, by internal time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip (f), the notebook execution times")
    parser.add_argument("--profile", action="store_true", help="also time (a) by phase and print a cProfile of it")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 11

    with threadpool_limits(1):
        print(f"numpy {np.__version__}, BLAS threads pinned to 1, {repeats} interleaved repeats, medians")
        start = time.perf_counter()
        bench_a(repeats)
        bench_b(repeats)
        bench_c(max(3, repeats // 2))
        bench_d(repeats)
        bench_e(max(3, repeats // 2))
        if not args.no_notebooks:
            bench_f()
        total = time.perf_counter() - start
        if args.profile:
            profile_a(repeats)

    width = max(len(r[1]) for r in ROWS)
    measured_width = max(len(r[2]) for r in ROWS)
    print(f"\nSummary ({total:.0f} s; medians of interleaved repeats, ratios measured in this run)")
    print(f"    {'what is compared':{width}}  {'measured':{measured_width}}  {'target':12} result")
    for key, what, measured, target, verdict in ROWS:
        print(f"{key:3} {what:{width}}  {measured:{measured_width}}  {target:12} {verdict}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
