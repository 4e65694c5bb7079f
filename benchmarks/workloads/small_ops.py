"""Workload ``small_ops``: per-op overhead on tiny tensors.

``x = tanh(x * 1.0001 + 0.0001)`` repeated ``ITERS`` = 333 times on 16 float32
elements, i.e. a chain of 999 elementwise ops (each of ``*``, ``+`` and
``tanh`` counts as one op), then ``sum`` and ``backward``. The figure is the
whole step's time divided by 999: microseconds per elementwise op, forward and
backward included.
"""

from __future__ import annotations

import numpy as np

from ..common import Context, Result, run_case

ITERS = 333
OPS = 3 * ITERS
SIZE = 16
A, B = 1.0001, 0.0001


def _x0() -> np.ndarray:
    return np.random.default_rng(1).uniform(-1, 1, SIZE).astype(np.float32)


class NumpyChain:
    """Hand-written forward (keeping tanh outputs) and backward."""

    def __init__(self) -> None:
        self.x0 = _x0()

    def _run(self) -> tuple[float, list[np.ndarray]]:
        x = self.x0
        outs = []
        for _ in range(ITERS):
            x = np.tanh(x * A + B)
            outs.append(x)
        loss = float(x.sum())
        g = np.ones_like(x)
        for t in reversed(outs):
            g = g * (1.0 - t * t) * A
        return loss, [g]

    def check(self) -> tuple[float, list[np.ndarray]]:
        return self._run()

    def step(self) -> None:
        self._run()


class TensorChain:
    """autodiff, PyTorch and MyGrad: the same code on each one's tensor."""

    def __init__(self, engine: str) -> None:
        if engine == "autodiff":
            import autodiff

            self.x = autodiff.tensor(_x0(), requires_grad=True)
        elif engine == "torch":
            import torch

            self.x = torch.tensor(_x0(), requires_grad=True)
        else:
            import mygrad

            self.x = mygrad.tensor(_x0())
        self.engine = engine

    def _run(self) -> float:
        x = self.x
        if self.engine == "mygrad":
            import mygrad

            for _ in range(ITERS):
                x = mygrad.tanh(x * A + B)
        else:
            for _ in range(ITERS):
                x = (x * A + B).tanh()
        loss = x.sum()
        loss.backward()
        return float(loss.item())

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._run()
        grad = np.array(self.x.grad if self.engine == "mygrad" else self.x.grad.numpy(), copy=True)
        self.step()  # leaves grads accumulated/cleared the same way as every later step
        return loss, [grad]

    def step(self) -> None:
        if self.engine != "mygrad":
            self.x.grad = None
        self._run()


class AutogradChain:
    """HIPS autograd: ``grad`` of a Python function."""

    def __init__(self) -> None:
        import autograd.numpy as anp
        from autograd import value_and_grad

        def f(x: np.ndarray) -> object:
            for _ in range(ITERS):
                x = anp.tanh(x * A + B)
            return anp.sum(x)

        self.vg = value_and_grad(f)
        self.x0 = _x0()

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, g = self.vg(self.x0)
        return float(loss), [g]

    def step(self) -> None:
        self.vg(self.x0)


def run(ctx: Context) -> list[Result]:
    """Time the 999-op chain; report microseconds per elementwise op."""
    builders = {
        "numpy": NumpyChain,
        "autodiff": lambda: TensorChain("autodiff"),
        "torch": lambda: TensorChain("torch"),
        "autograd": AutogradChain,
        "mygrad": lambda: TensorChain("mygrad"),
        "micrograd": "micrograd 0.1.0's Value has no tanh",
    }
    case = f"{OPS} ops on {SIZE} elements"
    return run_case(ctx, "small_ops", case, "us/op", 1e6 / OPS, builders)
