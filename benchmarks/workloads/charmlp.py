"""Workload ``charmlp_step``: one makemore MLP training step (ms/step).

The character model of makemore part 3/4 on ``examples/data/names.txt``: the
previous 3 characters -> Embedding(27, 10) -> flatten (30) -> Linear(30, 200,
no bias) -> BatchNorm1d(200) (training mode: batch statistics, running
statistics updated) -> tanh -> Linear(200, 27) -> cross-entropy (mean) -> SGD
(lr 0.1), minibatch 32, float32. The batches are drawn once and cycled, the
same in every engine. autodiff and PyTorch use their ``nn`` modules and
``optim.SGD``; NumPy is the backward written by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common import REPO_ROOT, Context, Result, run_case

BLOCK, VOCAB, EMB, HIDDEN, BATCH = 3, 27, 10, 200, 32
LR, EPS, MOMENTUM = 0.1, 1e-5, 0.1
N_BATCHES = 16
NAMES = Path(REPO_ROOT) / "examples" / "data" / "names.txt"


def make_data(seed: int = 0) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[np.ndarray]]:
    """``N_BATCHES`` (contexts, next characters) minibatches from names.txt, and the
    initial parameters ``[C, W1 (30, 200), gamma, beta, W2 (200, 27), b2]``."""
    words = NAMES.read_text().split()
    stoi = {ch: i + 1 for i, ch in enumerate(sorted(set("".join(words))))}
    xs, ys = [], []
    for w in words:
        context = [0] * BLOCK
        for ch in w + ".":
            xs.append(context)
            ys.append(stoi.get(ch, 0))
            context = context[1:] + [ys[-1]]
    X, Y = np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64)
    rng = np.random.default_rng(seed)
    picks = [rng.integers(0, len(X), BATCH) for _ in range(N_BATCHES)]
    batches = [(X[ix], Y[ix]) for ix in picks]
    fan_in = BLOCK * EMB
    params = [
        rng.standard_normal((VOCAB, EMB)),
        rng.standard_normal((fan_in, HIDDEN)) * (5 / 3) / fan_in**0.5,
        np.ones(HIDDEN),
        np.zeros(HIDDEN),
        rng.standard_normal((HIDDEN, VOCAB)) * 0.1 / HIDDEN**0.5,
        np.zeros(VOCAB),
    ]
    return batches, [p.astype(np.float32) for p in params]


class NumpyCharMLP:
    """The step written by hand: forward, every gradient, SGD, running statistics."""

    def __init__(self) -> None:
        self.batches, params = make_data()
        self.params = [p.copy() for p in params]
        self.running = [np.zeros(HIDDEN, np.float32), np.ones(HIDDEN, np.float32)]
        self.k = 0

    def _grads(self) -> tuple[float, list[np.ndarray]]:
        xb, yb = self.batches[self.k % N_BATCHES]
        self.k += 1
        C, W1, gamma, beta, W2, b2 = self.params
        n = len(xb)
        embcat = C[xb].reshape(n, -1)
        hpre = embcat @ W1
        mean = hpre.mean(0)
        diff = hpre - mean
        var = (diff * diff).mean(0)
        invstd = 1.0 / np.sqrt(var + np.float32(EPS))
        xhat = diff * invstd
        h = np.tanh(gamma * xhat + beta)
        logits = h @ W2 + b2
        shifted = logits - logits.max(1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, yb]))
        dlogits = e / s
        dlogits[rows, yb] -= 1.0
        dlogits *= np.float32(1.0 / n)
        dh = dlogits @ W2.T
        dz = dh * (1.0 - h * h)  # through tanh, into the BatchNorm output
        dxhat = dz * gamma
        # the BatchNorm backward in one expression (xhat's mean is 0, its variance 1)
        dhpre = invstd * (dxhat - dxhat.mean(0) - xhat * (dxhat * xhat).mean(0))
        dC = np.zeros_like(C)
        np.add.at(dC, xb.ravel(), (dhpre @ W1.T).reshape(-1, EMB))
        m = np.float32(MOMENTUM)
        self.running[0] = (1 - m) * self.running[0] + m * mean
        self.running[1] = (1 - m) * self.running[1] + m * var * np.float32(n / (n - 1))
        grads = [
            dC,
            embcat.T @ dhpre,
            (dz * xhat).sum(0),
            dz.sum(0),
            h.T @ dlogits,
            dlogits.sum(0),
        ]
        return loss, grads

    def _update(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads):
            p -= np.float32(LR) * g

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self._grads()
        self._update(grads)
        return loss, grads

    def step(self) -> None:
        self._update(self._grads()[1])


class ModuleCharMLP:
    """autodiff and PyTorch: ``nn.Embedding``, ``nn.Linear``, ``nn.BatchNorm1d``,
    ``torch.tanh``, ``F.cross_entropy``, ``optim.SGD`` (the same code for both)."""

    def __init__(self, engine: str) -> None:
        lib = __import__(engine)
        nn, F = lib.nn, lib.nn.functional  # noqa: N806
        batches, params = make_data()
        self.lib, self.F = lib, F
        self.batches = [(lib.tensor(x), lib.tensor(y)) for x, y in batches]
        self.emb = nn.Embedding(VOCAB, EMB)
        self.lin1 = nn.Linear(BLOCK * EMB, HIDDEN, bias=False)
        self.bn = nn.BatchNorm1d(HIDDEN)
        self.lin2 = nn.Linear(HIDDEN, VOCAB)
        self.params = [
            self.emb.weight,
            self.lin1.weight,
            self.bn.weight,
            self.bn.bias,
            self.lin2.weight,
            self.lin2.bias,
        ]
        with lib.no_grad():  # Linear keeps (out, in): the shared parameters are (in, out)
            for p, value, transpose in zip(self.params, params, (0, 1, 0, 0, 1, 0)):
                p.copy_(lib.tensor(value.T.copy() if transpose else value))
        self.opt = lib.optim.SGD(self.params, lr=LR)
        self.k = 0

    def _step(self) -> float:
        xb, yb = self.batches[self.k % N_BATCHES]
        self.k += 1
        emb = self.emb(xb)
        h = self.lib.tanh(self.bn(self.lin1(emb.view(emb.shape[0], -1))))
        loss = self.F.cross_entropy(self.lin2(h), yb)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._step()
        # (after opt.step the .grad tensors still hold this step's gradients)
        grads = [np.array(p.grad.numpy(), copy=True) for p in self.params]
        grads[1], grads[4] = grads[1].T, grads[4].T
        return loss, grads

    def step(self) -> None:
        self._step()


def run(ctx: Context) -> list[Result]:
    """Check and time one makemore MLP step per engine."""
    builders = {
        "numpy": NumpyCharMLP,
        "autodiff": lambda: ModuleCharMLP("autodiff"),
        "torch": lambda: ModuleCharMLP("torch"),
        "autograd": "not run: no nn modules (the NumPy row is the hand-written step)",
        "mygrad": "not run: no nn.BatchNorm1d/Embedding modules",
        "micrograd": "scalar engine: not applicable",
    }
    case = f"batch={BATCH} emb={EMB} hidden={HIDDEN}"
    return run_case(ctx, "charmlp_step", case, "ms/step", 1e3, builders)
