"""One MLP training step (ReLU, softmax cross-entropy, SGD) in every engine.

Every engine starts from the same NumPy parameters ``[W1, b1, W2, b2, ...]``
with ``W`` of shape ``(in, out)`` (so the forward is ``x @ W + b``) and runs
forward, backward and ``p -= lr * grad`` in its own idiom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class MLPData:
    """Inputs, labels and initial parameters shared by every engine."""

    x: np.ndarray
    y: np.ndarray
    params: list[np.ndarray]
    lr: float = 0.01


def make_mlp_data(sizes: list[int], batch: int, seed: int = 0) -> MLPData:
    """He-initialised float32 MLP parameters and a random batch."""
    rng = np.random.default_rng(seed)
    params: list[np.ndarray] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = rng.standard_normal((fan_in, fan_out), dtype=np.float32)
        w *= np.float32(np.sqrt(2.0 / fan_in))
        params += [w, rng.standard_normal(fan_out, dtype=np.float32) * np.float32(0.01)]
    x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], batch)
    return MLPData(x, y, params)


class NumpyMLP:
    """Hand-written forward and backward: the reference."""

    def __init__(self, d: MLPData) -> None:
        self.d = d
        self.params = [p.copy() for p in d.params]

    def _loss_and_grads(self) -> tuple[float, list[np.ndarray]]:
        x, y, ps = self.d.x, self.d.y, self.params
        acts = [x]
        h = x
        n_layers = len(ps) // 2
        for i in range(n_layers):
            z = h @ ps[2 * i] + ps[2 * i + 1]
            h = np.maximum(z, 0.0) if i < n_layers - 1 else z
            acts.append(h)
        logits = h
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        batch = x.shape[0]
        rows = np.arange(batch)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, y]))
        g = e / s
        g[rows, y] -= 1.0
        g *= np.float32(1.0 / batch)
        grads: list[np.ndarray] = [None] * len(ps)  # type: ignore[list-item]
        for i in reversed(range(n_layers)):
            a = acts[i]
            grads[2 * i] = a.T @ g
            grads[2 * i + 1] = g.sum(axis=0)
            if i > 0:
                g = (g @ ps[2 * i].T) * (a > 0)
        return loss, grads

    def _update(self, grads: list[np.ndarray]) -> None:
        lr = np.float32(self.d.lr)
        for p, g in zip(self.params, grads):
            p -= lr * g

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self._loss_and_grads()
        out = [g.copy() for g in grads]
        self._update(grads)
        return loss, out

    def step(self) -> None:
        self._update(self._loss_and_grads()[1])


class AutodiffMLP:
    """autodiff with raw tensors (``@``, ``relu``) and ``F.cross_entropy``, as PyTorch's."""

    def __init__(self, d: MLPData) -> None:
        import autodiff
        import autodiff.nn.functional as F  # noqa: N812

        self.ad, self.d, self.F = autodiff, d, F
        self.params = [autodiff.tensor(p.copy(), requires_grad=True) for p in d.params]
        self.x = autodiff.tensor(d.x)
        self.y = autodiff.tensor(d.y)

    def _forward_backward(self) -> float:
        ps = self.params
        h = self.x
        n_layers = len(ps) // 2
        for i in range(n_layers):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < n_layers - 1:
                h = h.relu()
        loss = self.F.cross_entropy(h, self.y)
        loss.backward()
        return loss.item()

    def _update(self) -> None:
        with self.ad.no_grad():
            for p in self.params:
                p.sub_(p.grad, alpha=self.d.lr)
                p.grad = None

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = [p.grad.numpy().copy() for p in self.params]
        self._update()
        return loss, grads

    def step(self) -> None:
        self._forward_backward()
        self._update()


class AutodiffNNMLP(AutodiffMLP):
    """autodiff with ``autodiff.nn.Linear`` layers and ``F.cross_entropy``."""

    def __init__(self, d: MLPData) -> None:
        import autodiff
        import autodiff.nn as nn
        import autodiff.nn.functional as F  # noqa: N812

        self.ad, self.d, self.F = autodiff, d, F
        self.layers = []
        for w, b in zip(d.params[0::2], d.params[1::2]):
            layer = nn.Linear(w.shape[0], w.shape[1])
            with autodiff.no_grad():
                layer.weight.copy_(autodiff.tensor(w.T.copy()))
                layer.bias.copy_(autodiff.tensor(b))
            self.layers.append(layer)
        self.params = [p for layer in self.layers for p in (layer.weight, layer.bias)]
        self.x = autodiff.tensor(d.x)
        self.y = autodiff.tensor(d.y)

    def _forward_backward(self) -> float:
        h = self.x
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:
                h = self.F.relu(h)
        loss = self.F.cross_entropy(h, self.y)
        loss.backward()
        return loss.item()

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = []
        for w, b in zip(self.params[0::2], self.params[1::2]):
            grads += [w.grad.numpy().T.copy(), b.grad.numpy().copy()]  # weight is (out, in)
        self._update()
        return loss, grads


class TorchMLP:
    """PyTorch with raw tensors and ``F.cross_entropy``."""

    def __init__(self, d: MLPData) -> None:
        import torch

        self.torch = torch
        self.d = d
        self.params = [torch.tensor(p.copy(), requires_grad=True) for p in d.params]
        self.x = torch.from_numpy(d.x)
        self.y = torch.from_numpy(d.y)

    def _forward_backward(self) -> float:
        ps = self.params
        h = self.x
        n_layers = len(ps) // 2
        for i in range(n_layers):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < n_layers - 1:
                h = h.relu()
        loss = self.torch.nn.functional.cross_entropy(h, self.y)
        loss.backward()
        return loss.item()

    def _update(self) -> None:
        with self.torch.no_grad():
            for p in self.params:
                p.sub_(p.grad, alpha=self.d.lr)
                p.grad = None

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = [p.grad.numpy().copy() for p in self.params]
        self._update()
        return loss, grads

    def step(self) -> None:
        self._forward_backward()
        self._update()


class AutogradMLP:
    """HIPS autograd: a pure loss function of a parameter list, ``value_and_grad``."""

    def __init__(self, d: MLPData) -> None:
        import autograd.numpy as anp
        from autograd import value_and_grad

        self.d = d
        self.params = [p.copy() for p in d.params]
        rows = np.arange(d.x.shape[0])

        def loss_fn(ps: list) -> object:
            h = d.x
            n_layers = len(ps) // 2
            for i in range(n_layers):
                h = anp.dot(h, ps[2 * i]) + ps[2 * i + 1]
                if i < n_layers - 1:
                    h = anp.maximum(h, 0.0)
            m = anp.max(h, axis=1, keepdims=True)
            lse = anp.log(anp.sum(anp.exp(h - m), axis=1)) + m[:, 0]
            return anp.mean(lse - h[rows, d.y])

        self.vg: Callable = value_and_grad(loss_fn)

    def _run(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self.vg(self.params)
        lr = np.float32(self.d.lr)
        self.params = [p - lr * g for p, g in zip(self.params, grads)]
        return float(loss), grads

    def check(self) -> tuple[float, list[np.ndarray]]:
        return self._run()

    def step(self) -> None:
        self._run()


class MygradMLP:
    """MyGrad tensors with its fused ``softmax_crossentropy``."""

    def __init__(self, d: MLPData) -> None:
        import mygrad as mg
        from mygrad.nnet.activations import relu
        from mygrad.nnet.losses import softmax_crossentropy

        self.mg, self.relu, self.xent = mg, relu, softmax_crossentropy
        self.d = d
        self.params = [mg.tensor(p.copy()) for p in d.params]

    def _forward_backward(self) -> float:
        ps = self.params
        h = self.d.x
        n_layers = len(ps) // 2
        for i in range(n_layers):
            h = self.mg.matmul(h, ps[2 * i]) + ps[2 * i + 1]
            if i < n_layers - 1:
                h = self.relu(h)
        loss = self.xent(h, self.d.y)
        loss.backward()
        return float(loss.item())

    def _update(self) -> None:
        lr = np.float32(self.d.lr)
        for p in self.params:
            p.data -= lr * p.grad

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = [np.array(p.grad, copy=True) for p in self.params]
        self._update()
        return loss, grads

    def step(self) -> None:
        self._forward_backward()
        self._update()


MLP_ENGINES: dict[str, type | str] = {
    "numpy": NumpyMLP,
    "autodiff": AutodiffMLP,
    "autodiff_nn": AutodiffNNMLP,
    "torch": TorchMLP,
    "autograd": AutogradMLP,
    "mygrad": MygradMLP,
    "micrograd": "scalar engine: a 784-wide MLP batch is millions of Python objects",
}


def mlp_builders(d: MLPData) -> dict[str, Callable | str]:
    """Runner factories for ``run_case`` (strings explain a skip)."""
    return {
        name: (cls if isinstance(cls, str) else (lambda cls=cls: cls(d)))
        for name, cls in MLP_ENGINES.items()
    }
