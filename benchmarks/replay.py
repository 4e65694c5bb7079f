"""Would replaying a recorded step close ``micrograd_demo``? ``python -m benchmarks.replay``.

RESULTS.md names two execution models that could reach the 0.5x-PyTorch target,
which no per-op trim of the eager engine reaches. This measures the first:
record one training step with autodiff as usual, keep its nodes in topological
order (a tape), then run later steps by calling the same ops' ``forward`` and
``vjp`` functions in that order on plain arrays. No Tensor or Node is created
per step, and no graph is walked. The tape is valid while the step's structure
(ops, shapes, dtypes, constants) stays the same, as a training loop's does; a
real implementation would check that and fall back to recording. It takes only
ops whose forward recomputes everything from its inputs (``REPLAYABLE``): an op
that keeps something it computed from data at record time (max's argmax, a
dropout mask) would replay that stale value. It is a yardstick, not a feature:
autodiff itself stays eager. Example::

    python -m benchmarks.replay --rounds 7
"""

from __future__ import annotations

import argparse

import numpy as np

from autodiff import Tensor
from autodiff.engine import sum_to_shape
from autodiff.ops.xp import NP

from .floor import check_and_time, topological_order, yardstick_runners
from .workloads.micrograd_demo import LR, TensorDemo

# ops whose forward recomputes everything from its inputs and constant attrs
REPLAYABLE = frozenset(
    "add sub rsub mul square div rdiv neg matmul relu tanh exp sum mean cross_entropy "
    "log_softmax".split()
)


class Tape:
    """The nodes behind ``loss`` in topological order, with array slots for values.

    Slot ``i`` of ``self.leaves`` is a leaf Tensor (its ``.data`` is read live, so
    in-place parameter updates are seen); node ``k`` writes slot ``n_leaves + k``.
    """

    def __init__(self, loss: Tensor, params: list[Tensor]) -> None:
        order = topological_order(
            loss.grad_fn, lambda n: [t.grad_fn for t in n.inputs if t.grad_fn is not None]
        )
        stale = sorted({n.name for n in order} - REPLAYABLE)
        if stale:
            raise ValueError(f"cannot replay {', '.join(stale)}: not known to recompute its state")
        leaves: dict[int, int] = {}
        self.leaves: list[Tensor] = []
        slot_of = {id(node): None for node in order}
        self.steps = []
        for node in order:
            slots = []
            for t in node.inputs:
                if t.grad_fn is None:
                    if id(t) not in leaves:
                        leaves[id(t)] = len(self.leaves)
                        self.leaves.append(t)
                    slots.append(("leaf", leaves[id(t)]))
                else:
                    slots.append(("node", t.grad_fn))
            self.steps.append((node, slots))
        n = len(self.leaves)
        for k, node in enumerate(order):
            slot_of[id(node)] = n + k
        self.steps = [
            (node, type(node).forward, [s if k == "leaf" else slot_of[id(s)] for k, s in slots])
            for node, slots in self.steps
        ]
        self.n_slots = n + len(order)
        self.param_slots = [leaves[id(p)] for p in params]

    def run(self) -> tuple[float, list[np.ndarray]]:
        """One forward and backward pass; the loss and the parameters' gradients."""
        vals: list = [t.data for t in self.leaves] + [None] * (self.n_slots - len(self.leaves))
        k = len(self.leaves)
        for node, forward, ins in self.steps:
            if len(ins) == 1:
                vals[k] = forward(vals[ins[0]], node.attrs)
            elif len(ins) == 2:
                vals[k] = forward(vals[ins[0]], vals[ins[1]], node.attrs)
            else:
                vals[k] = forward(*[vals[i] for i in ins], node.attrs)
            k += 1
        grads: list = [None] * self.n_slots
        grads[k - 1] = np.ones((), vals[k - 1].dtype)
        for node, _, ins in reversed(self.steps):
            k -= 1
            n = len(ins)
            xs = (vals[ins[0]],) if n == 1 else (vals[ins[0]], vals[ins[1]]) if n == 2 else [
                vals[i] for i in ins
            ]
            for i, x, gi in zip(ins, xs, node.vjp(grads[k], xs, vals[k], NP)):
                if gi is not None:
                    if gi.shape != x.shape:
                        gi = sum_to_shape(gi, x.shape)
                    prev = grads[i]
                    grads[i] = gi if prev is None else prev + gi
        return float(vals[-1]), [grads[i] for i in self.param_slots]


class ReplayDemo:
    """micrograd_demo: one eager autodiff step records the tape, later steps replay it."""

    def __init__(self) -> None:
        eager = TensorDemo("autodiff")
        self.params = eager.params
        self.tape = Tape(eager.loss(), self.params)

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self.tape.run()
        out = [np.array(g) for g in grads]
        self._update(grads)
        return loss, out

    def _update(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads):
            p.data -= LR * g

    def step(self) -> None:
        self._update(self.tape.run()[1])


def main(argv: list[str] | None = None) -> int:
    """Time the replayed step next to NumPy, the minimal engine, autodiff and PyTorch."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replay", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds")
    parser.add_argument("--round-seconds", type=float, default=0.2, help="length of a round")
    args = parser.parse_args(argv)
    eager, dtype = yardstick_runners("micrograd_demo")
    runners = {"numpy": eager.pop("numpy"), "autodiff replay": ReplayDemo(), **eager}
    check_and_time("micrograd_demo", runners, dtype, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
