"""How fast can a pure-Python tensor engine run ``micrograd_demo`` and ``mlp_step`` at best?

``python -m benchmarks.floor`` times one training step of a workload with a
deliberately minimal reverse-mode engine (about 100 lines below: one small class, a
depth-first topological sort, an if-chain of VJPs, no dtype rules, no checks,
no hooks, no error messages) next to hand-written NumPy, autodiff and PyTorch.
It is a yardstick, not a library: it shows how much of a step is inherent to
recording ops as Python objects and walking them back, which is the floor for
the per-op design autodiff shares with micrograd, PyTorch's eager mode and
every peer here. Both engines do the NumPy work of the hand-written step (no
gradient for the data, one fused cross-entropy op). For ``mlp_step`` the minimal
engine keeps its parameters in 64-byte-aligned memory, as autodiff does, and the
hand-written step is timed twice: as written (NumPy's allocation) and with its
parameters aligned the same way. Example::

    python -m benchmarks.floor --rounds 7
    python -m benchmarks.floor --workload mlp_step
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autodiff import _storage

from .workloads.micrograd_demo import ALPHA, LR, NumpyDemo, TensorDemo, make_data
from .workloads.mlp_impl import AutodiffMLP, MLPData, NumpyMLP, TorchMLP, make_mlp_data

MATMUL, ADD, MUL, RELU, SUM, MEAN, RSUB, SCALE, XENT = range(9)


class Value:
    """A recorded array: data, gradient, the op that made it and its inputs.

    ``needs_grad`` is False for data (inputs, labels) and for what is computed from
    data alone: backward computes no gradient for those, as hand-written code does
    not (``x`` in ``x @ W1`` gets none).
    """

    __slots__ = ("data", "grad", "op", "inputs", "needs_grad")

    def __init__(
        self, data: np.ndarray, op: int | None = None, inputs: tuple = (), needs_grad: bool = True
    ) -> None:
        self.data, self.grad, self.op, self.inputs = data, None, op, inputs
        self.needs_grad = needs_grad

    def __matmul__(self, other: Value) -> Value:
        return Value(
            self.data @ other.data, MATMUL, (self, other), self.needs_grad or other.needs_grad
        )

    def __add__(self, other: Value) -> Value:
        return Value(
            self.data + other.data, ADD, (self, other), self.needs_grad or other.needs_grad
        )

    def __mul__(self, other: Value) -> Value:
        return Value(
            self.data * other.data, MUL, (self, other), self.needs_grad or other.needs_grad
        )

    def scale(self, c: float) -> Value:
        return Value(self.data * c, SCALE, (self, c), self.needs_grad)

    def rsub(self, c: float) -> Value:
        return Value(c - self.data, RSUB, (self,), self.needs_grad)

    def relu(self) -> Value:
        return Value(np.maximum(self.data, 0.0), RELU, (self,), self.needs_grad)

    def sum(self) -> Value:
        return Value(self.data.sum(), SUM, (self,), self.needs_grad)

    def mean(self) -> Value:
        return Value(self.data.mean(), MEAN, (self,), self.needs_grad)

    def cross_entropy(self, targets: np.ndarray) -> Value:
        """Mean softmax cross-entropy of (N, C) logits, one op (as autodiff's and
        PyTorch's); keeps the row maxima and log-sums for its VJP."""
        x = self.data
        m = x.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(x - m).sum(axis=1, keepdims=True))
        rows = np.arange(len(targets))
        loss = np.mean(m[:, 0] + log_sum[:, 0] - x[rows, targets])
        return Value(loss, XENT, (self, (m, log_sum, rows, targets)), self.needs_grad)


def _sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    return g if g.shape == shape else g.sum(axis=0)


def topological_order(root: Any, parents: Callable[[Any], Iterable[Any]]) -> list:
    """Iterative depth-first post-order from ``root``: each item after its parents.

    Examples
    --------
    >>> topological_order(3, lambda n: range(n))
    [0, 1, 2, 3]
    """
    order: list = []
    seen: set[int] = set()
    stack = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend([(u, False) for u in parents(v)])
    return order


def _vjp(v: Value, g: np.ndarray) -> tuple:
    """Gradients for ``v``'s inputs (None where an input needs none)."""
    op, ins = v.op, v.inputs
    if op == MATMUL:
        a, b = ins
        return (g @ b.data.T if a.needs_grad else None, a.data.T @ g if b.needs_grad else None)
    if op == ADD:
        return (_sum_to(g, ins[0].data.shape), _sum_to(g, ins[1].data.shape))
    if op == MUL:
        return (g * ins[1].data, g * ins[0].data)
    if op == SCALE:
        return (g * ins[1],)
    if op == RSUB:
        return (-g,)
    if op == RELU:
        return (g * (v.data > 0),)
    if op == SUM:
        return (np.broadcast_to(g, ins[0].data.shape),)
    if op == MEAN:
        return (np.broadcast_to(g / ins[0].data.size, ins[0].data.shape),)
    m, log_sum, rows, targets = ins[1]  # XENT: softmax - onehot, over the batch
    grad = np.exp(ins[0].data - m - log_sum)
    grad[rows, targets] -= 1.0
    grad *= g / len(targets)
    return (grad,)


def backward(root: Value) -> None:
    """Depth-first topological order, then each op's VJP in reverse."""
    order = topological_order(
        root, lambda v: [u for u in v.inputs if isinstance(u, Value) and u.needs_grad]
    )
    root.grad = np.ones((), root.data.dtype)
    for v in reversed(order):
        if v.op is None:
            continue
        for u, gu in zip(v.inputs, _vjp(v, v.grad)):
            if isinstance(u, Value) and u.needs_grad:
                u.grad = gu if u.grad is None else u.grad + gu
        v.grad = None


class _MinimalStep:
    """A training step on the minimal engine: ``_loss``, backward, ``p -= lr * grad``."""

    params: list[Value]
    lr: float | np.floating

    def _loss(self) -> Value:
        raise NotImplementedError

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._loss()
        backward(loss)
        grads = [np.array(p.grad, copy=True) for p in self.params]
        self._update()
        return float(loss.data), grads

    def _update(self) -> None:
        for p in self.params:
            p.data -= self.lr * p.grad
            p.grad = None

    def step(self) -> None:
        backward(self._loss())
        self._update()


class MinimalDemo(_MinimalStep):
    """The micrograd_demo step on the minimal engine above."""

    def __init__(self) -> None:
        x, y, params = make_data()
        self.x, self.y = Value(x, needs_grad=False), Value(y, needs_grad=False)
        self.params = [Value(p.copy()) for p in params]
        self.lr = LR

    def _loss(self) -> Value:
        ps, h = self.params, self.x
        for i in range(3):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < 2:
                h = h.relu()
        data_loss = (self.y * h).rsub(1.0).relu().mean()
        reg = (ps[0] * ps[0]).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        return data_loss + reg.scale(ALPHA)


class MinimalMLP(_MinimalStep):
    """The mlp_step step (784-256-256-10, batch 128, float32) on the minimal engine."""

    def __init__(self, d: MLPData) -> None:
        self.d = d
        self.x = Value(d.x, needs_grad=False)
        # (64-byte-aligned, as autodiff's parameters: see autodiff._storage)
        self.params = [Value(_storage.copy(p)) for p in d.params]
        self.lr = np.float32(d.lr)  # (a float32 step, as the hand-written one)

    def _loss(self) -> Value:
        ps, h = self.params, self.x
        n_layers = len(ps) // 2
        for i in range(n_layers):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < n_layers - 1:
                h = h.relu()
        return h.cross_entropy(self.d.y)


class AlignedNumpyMLP(NumpyMLP):
    """The hand-written step with its parameters in 64-byte-aligned memory, as autodiff's.

    NumPy's big arrays start 16 bytes past a 64-byte boundary; the update's ufunc
    loops then split every vector load and store across two cache lines.
    """

    def __init__(self, d: MLPData) -> None:
        super().__init__(d)
        self.params = [_storage.copy(p) for p in self.params]


def yardstick_runners(workload: str) -> tuple[dict[str, Any], np.dtype | type]:
    """NumPy first (the reference), the minimal engine, autodiff, PyTorch if installed."""
    if workload == "micrograd_demo":
        runners: dict[str, Any] = {
            "numpy": NumpyDemo(),
            "minimal engine": MinimalDemo(),
            "autodiff": TensorDemo("autodiff"),
        }
        try:
            runners["torch"] = TensorDemo("torch")
        except ImportError:
            pass
        return runners, np.float64
    d = make_mlp_data([784, 256, 256, 10], 128)
    runners = {
        "numpy": NumpyMLP(d),
        "numpy, aligned": AlignedNumpyMLP(d),
        "minimal engine": MinimalMLP(d),
        "autodiff": AutodiffMLP(d),
    }
    try:
        runners["torch"] = TorchMLP(d)
    except ImportError:
        pass
    return runners, np.float32


def check_and_time(title: str, runners: dict[str, Any], dtype, args: argparse.Namespace) -> None:
    """Check every runner's first step against ``runners["numpy"]``, then time them in
    interleaved rounds and print each median with its ratios to NumPy and PyTorch."""
    from .common import check_against, interleaved_medians

    ref = runners["numpy"].check()
    for name, runner in runners.items():
        if name != "numpy":
            problem = check_against(runner.check(), ref, dtype)
            if problem:
                raise SystemExit(f"{name}: {problem}")
    steps = {k: r.step for k, r in runners.items()}
    t = interleaved_medians(steps, 20, args.rounds, args.round_seconds)
    base = t["numpy"]["median"]
    torch = t.get("torch", {}).get("median")
    print(f"{title} step, median of {args.rounds} interleaved rounds")
    for name, v in t.items():
        vs_torch = f", {v['median'] / torch:.2f}x PyTorch" if torch else ""
        ratio = v["median"] / base
        print(f"  {name:16s} {v['median'] * 1e6:7.1f} us  ({ratio:.3f}x NumPy{vs_torch})")


def main(argv: list[str] | None = None) -> int:
    """Time the minimal engine next to NumPy, autodiff and (if installed) PyTorch."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument(
        "--workload", choices=("micrograd_demo", "mlp_step"), default="micrograd_demo"
    )
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds")
    parser.add_argument("--round-seconds", type=float, default=0.2, help="length of a round")
    args = parser.parse_args(argv)
    runners, dtype = yardstick_runners(args.workload)
    check_and_time(args.workload, runners, dtype, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
