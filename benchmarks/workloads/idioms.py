"""Workload ``idioms``: small PyTorch idioms of the makemore / GPT lectures (us/call).

Each case is one idiom that was slow on autodiff (issue 17), timed as a
whole call in autodiff, PyTorch and the NumPy equivalent:

- ``pow3``: ``torch.pow(x, 3.0)`` on 1000 elements, forward and backward;
- ``slice0d``: ``[data[t:t + 8] for t in ix]``, 32 slices whose bounds are 0-d
  integer tensors (iterating a tensor gives those: nanoGPT's ``get_batch``);
- ``setitem_add``: the embedding gradient of makemore's hand-written backward,
  ``dC[Xb[k, j]] += demb[k, j]`` for the 32 x 3 positions of a batch;
- ``embedding_fb``: ``nn.Embedding(27, 10)`` on (32, 3) indices, ``.sum().backward()``;
- ``linear_fb``: ``nn.Linear(30, 200)`` on a batch of 32, ``.sum().backward()``.
"""

from __future__ import annotations

import numpy as np

from ..common import Context, Result, run_case

N_POW, BLOCK, BATCH, VOCAB, EMB, HIDDEN = 1000, 8, 32, 27, 10, 200


def _arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "x": rng.standard_normal(N_POW).astype(np.float32),
        "data": rng.integers(0, 65, 5000),
        "ix": rng.integers(0, 5000 - BLOCK, BATCH),
        "xb": rng.integers(0, VOCAB, (BATCH, 3)),
        "demb": rng.standard_normal((BATCH, 3, EMB)).astype(np.float32),
        "C": rng.standard_normal((VOCAB, EMB)).astype(np.float32),
        "W": (rng.standard_normal((HIDDEN, 3 * EMB)) * 0.2).astype(np.float32),
        "b": rng.standard_normal(HIDDEN).astype(np.float32),
        "inp": rng.standard_normal((BATCH, 3 * EMB)).astype(np.float32),
    }


class NumpyIdiom:
    """The same computation in NumPy (gradients written by hand)."""

    def __init__(self, case: str) -> None:
        self.a = _arrays()
        self.run = getattr(self, case)

    def pow3(self) -> tuple[float, list]:
        x = self.a["x"]
        return float(np.power(x, 3.0).sum()), [3.0 * x * x]

    def slice0d(self) -> tuple[float, list]:
        data = self.a["data"]
        return 0.0, [np.stack([data[t : t + BLOCK] for t in self.a["ix"]])]

    def setitem_add(self) -> tuple[float, list]:
        xb, demb = self.a["xb"], self.a["demb"]
        dC = np.zeros((VOCAB, EMB), np.float32)
        for k in range(xb.shape[0]):
            for j in range(xb.shape[1]):
                dC[xb[k, j]] += demb[k, j]
        return 0.0, [dC]

    def embedding_fb(self) -> tuple[float, list]:
        xb, C = self.a["xb"], self.a["C"]
        dC = np.zeros_like(C)
        np.add.at(dC, xb.ravel(), 1.0)
        return float(C[xb].sum()), [dC]

    def linear_fb(self) -> tuple[float, list]:
        inp, W, b = self.a["inp"], self.a["W"], self.a["b"]
        out = inp @ W.T + b
        g = np.ones_like(out)
        return float(out.sum()), [g.T @ inp, g.sum(0)]

    def check(self) -> tuple[float, list]:
        return self.run()

    def step(self) -> None:
        self.run()


class TensorIdiom:
    """autodiff and PyTorch: the same code on each one's tensors and modules."""

    def __init__(self, engine: str, case: str) -> None:
        self.lib = lib = __import__(engine)
        a = _arrays()
        self.t = {k: lib.tensor(v) for k, v in a.items()}
        self.x = lib.tensor(a["x"], requires_grad=True)
        self.emb = lib.nn.Embedding(VOCAB, EMB)
        self.lin = lib.nn.Linear(3 * EMB, HIDDEN)
        with lib.no_grad():
            self.emb.weight.copy_(self.t["C"])
            self.lin.weight.copy_(self.t["W"])
            self.lin.bias.copy_(self.t["b"])
        self.run = getattr(self, case)

    def pow3(self) -> tuple[float, list]:
        self.x.grad = None
        y = self.lib.pow(self.x, 3.0).sum()
        y.backward()
        return y.item(), [self.x.grad]

    def slice0d(self) -> tuple[float, list]:
        data = self.t["data"]
        return 0.0, [self.lib.stack([data[t : t + BLOCK] for t in self.t["ix"]])]

    def setitem_add(self) -> tuple[float, list]:
        xb, demb = self.t["xb"], self.t["demb"]
        dC = self.lib.zeros(VOCAB, EMB)
        for k in range(xb.shape[0]):
            for j in range(xb.shape[1]):
                dC[xb[k, j]] += demb[k, j]
        return 0.0, [dC]

    def embedding_fb(self) -> tuple[float, list]:
        self.emb.weight.grad = None
        y = self.emb(self.t["xb"]).sum()
        y.backward()
        return y.item(), [self.emb.weight.grad]

    def linear_fb(self) -> tuple[float, list]:
        self.lin.weight.grad = self.lin.bias.grad = None
        y = self.lin(self.t["inp"]).sum()
        y.backward()
        return y.item(), [self.lin.weight.grad, self.lin.bias.grad]

    def check(self) -> tuple[float, list]:
        loss, outs = self.run()
        return loss, [np.array(o.numpy(), copy=True) for o in outs]

    def step(self) -> None:
        self.run()


CASES = ("pow3", "slice0d", "setitem_add", "embedding_fb", "linear_fb")
# (a quick run times two: each timed call follows a gc.collect(), ~0.1-0.3 s with
# torch imported, and CI's smoke run must stay short)
QUICK_CASES = ("slice0d", "setitem_add")


def run(ctx: Context) -> list[Result]:
    """One case per idiom: check against NumPy, time, report us per call."""
    out: list[Result] = []
    for case in QUICK_CASES if ctx.quick else CASES:
        builders = {
            "numpy": lambda c=case: NumpyIdiom(c),
            "autodiff": lambda c=case: TensorIdiom("autodiff", c),
            "torch": lambda c=case: TensorIdiom("torch", c),
            "autograd": "not run: the idioms are PyTorch's",
            "mygrad": "not run: the idioms are PyTorch's",
            "micrograd": "scalar engine: not applicable",
        }
        out += run_case(ctx, "idioms", case, "us/call", 1e6, builders)
    return out
