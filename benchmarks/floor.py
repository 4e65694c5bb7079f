"""How fast can a pure-Python tensor engine run ``micrograd_demo`` at best?

``python -m benchmarks.floor`` times one training step of the workload with a
deliberately minimal reverse-mode engine (60 lines below: one tiny class, a
depth-first topological sort, an if-chain of VJPs, no dtype rules, no checks,
no hooks, no error messages) next to hand-written NumPy, autodiff and PyTorch.
It is a yardstick, not a library: it shows how much of a step is inherent to
recording ops as Python objects and walking them back, which is the floor for
the per-op design autodiff shares with micrograd, PyTorch's eager mode and
every peer here. Example::

    python -m benchmarks.floor --rounds 7
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .workloads.micrograd_demo import ALPHA, LR, NumpyDemo, TensorDemo, make_data

MATMUL, ADD, MUL, RELU, SUM, MEAN, RSUB, SCALE = range(8)


class Value:
    """A recorded array: data, gradient, the op that made it and its inputs."""

    __slots__ = ("data", "grad", "op", "inputs")

    def __init__(self, data: np.ndarray, op: int | None = None, inputs: tuple = ()) -> None:
        self.data, self.grad, self.op, self.inputs = data, None, op, inputs

    def __matmul__(self, other: Value) -> Value:
        return Value(self.data @ other.data, MATMUL, (self, other))

    def __add__(self, other: Value) -> Value:
        return Value(self.data + other.data, ADD, (self, other))

    def __mul__(self, other: Value) -> Value:
        return Value(self.data * other.data, MUL, (self, other))

    def scale(self, c: float) -> Value:
        return Value(self.data * c, SCALE, (self, c))

    def rsub(self, c: float) -> Value:
        return Value(c - self.data, RSUB, (self,))

    def relu(self) -> Value:
        return Value(np.maximum(self.data, 0.0), RELU, (self,))

    def sum(self) -> Value:
        return Value(self.data.sum(), SUM, (self,))

    def mean(self) -> Value:
        return Value(self.data.mean(), MEAN, (self,))


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


def backward(root: Value) -> None:
    """Depth-first topological order, then each op's VJP in reverse."""
    order = topological_order(root, lambda v: [u for u in v.inputs if isinstance(u, Value)])
    root.grad = np.ones(())
    for v in reversed(order):
        g, op, ins = v.grad, v.op, v.inputs
        if op is None:
            continue
        if op == MATMUL:
            grads = (g @ ins[1].data.T, ins[0].data.T @ g)
        elif op == ADD:
            grads = (_sum_to(g, ins[0].data.shape), _sum_to(g, ins[1].data.shape))
        elif op == MUL:
            grads = (g * ins[1].data, g * ins[0].data)
        elif op == SCALE:
            grads = (g * ins[1],)
        elif op == RSUB:
            grads = (-g,)
        elif op == RELU:
            grads = (g * (v.data > 0),)
        elif op == SUM:
            grads = (np.broadcast_to(g, ins[0].data.shape),)
        else:  # MEAN
            grads = (np.broadcast_to(g / ins[0].data.size, ins[0].data.shape),)
        for u, gu in zip(ins, grads):
            if isinstance(u, Value):
                u.grad = gu if u.grad is None else u.grad + gu
        v.grad = None


class MinimalDemo:
    """The micrograd_demo step on the minimal engine above."""

    def __init__(self) -> None:
        x, y, params = make_data()
        self.x, self.y = Value(x), Value(y)
        self.params = [Value(p.copy()) for p in params]

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

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._loss()
        backward(loss)
        grads = [np.array(p.grad) for p in self.params]
        self._update()
        return float(loss.data), grads

    def _update(self) -> None:
        for p in self.params:
            p.data -= LR * p.grad
            p.grad = None

    def step(self) -> None:
        backward(self._loss())
        self._update()


def main(argv: list[str] | None = None) -> int:
    """Time the minimal engine next to NumPy, autodiff and (if installed) PyTorch."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds")
    parser.add_argument("--round-seconds", type=float, default=0.2, help="length of a round")
    args = parser.parse_args(argv)
    from .common import check_against, interleaved_medians

    runners = {"numpy": NumpyDemo(), "minimal engine": MinimalDemo(), "autodiff": None}
    runners["autodiff"] = TensorDemo("autodiff")
    try:
        runners["torch"] = TensorDemo("torch")
    except ImportError:
        pass
    ref = runners["numpy"].check()
    for name, runner in runners.items():
        if name != "numpy":
            problem = check_against(runner.check(), ref, np.float64)
            if problem:
                raise SystemExit(f"{name}: {problem}")
    t = interleaved_medians(
        {k: r.step for k, r in runners.items()}, 200, args.rounds, args.round_seconds
    )
    base = t["numpy"]["median"]
    print(f"micrograd_demo step, median of {args.rounds} interleaved rounds")
    for name, v in t.items():
        print(f"  {name:15s} {v['median'] * 1e6:7.1f} us  ({v['median'] / base:.2f}x NumPy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
