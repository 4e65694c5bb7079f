"""Regenerate the graph pictures in docs/ (needs Graphviz's `dot`).

    python docs/make_pictures.py

Each picture is one training step (forward, ``viz.watch``, backward with
``retain_graph=True`` so intermediate values stay drawable), on the digits
data (8x8 images, 64 features, 10 classes) when scikit-learn is installed,
else on random data of the same shape.
"""

from __future__ import annotations

import os

import numpy as np

import autodiff
from autodiff import nn, viz

HERE = os.path.dirname(os.path.abspath(__file__))
DPI = 100


def digits_batch(n: int = 16):
    try:
        from sklearn.datasets import load_digits

        d = load_digits()
        x, y = d.data[:n] / 16.0, d.target[:n]
    except ImportError:  # same shapes without scikit-learn
        rng = np.random.default_rng(0)
        x, y = rng.random((n, 64)), rng.integers(0, 10, n)
    return autodiff.tensor(x.astype(np.float32)), autodiff.tensor(y.astype(np.int64))


def save(graph, name: str) -> None:
    path = graph.render(os.path.join(HERE, name), format="png", cleanup=True)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path) // 1024} KB)")


def expression() -> None:
    a = autodiff.tensor(2.0, requires_grad=True)
    b = autodiff.tensor(-0.5, requires_grad=True)
    c = autodiff.tensor(0.5, requires_grad=True)
    y = (a * b + c).tanh()
    viz.watch(y)
    y.backward(retain_graph=True)
    save(viz.draw(y, params={"a": a, "b": b, "c": c}, dpi=DPI), "expression")


def mlp_step() -> None:
    autodiff.manual_seed(0)
    model = nn.MLP(64, [32], 10)
    x, y = digits_batch()
    loss = nn.CrossEntropyLoss()(model(x), y)
    viz.watch(loss)
    loss.backward(retain_graph=True)
    params = dict(model.named_parameters())
    save(viz.draw(loss, params=params, group_modules=True, dpi=DPI), "mlp_step")
    save(viz.draw(loss, params=params, collapse_modules=True, dpi=DPI), "mlp_step_collapsed")


def dead_relu() -> None:
    autodiff.manual_seed(0)
    model = nn.MLP(64, [16, 12], 10)
    with autodiff.no_grad():
        model.net[2].bias.data[:7] -= 10.0  # 7 of the second layer's 12 units never fire
    x, y = digits_batch()
    loss = nn.CrossEntropyLoss()(model(x), y)
    viz.watch(loss)
    loss.backward(retain_graph=True)
    params = dict(model.named_parameters())
    save(viz.draw(loss, params=params, collapse_modules=True, dpi=DPI), "dead_relu")


def nan() -> None:
    # A norm penalty (not squared) on a zero-initialised bias: sqrt'(0) is Inf,
    # and the Inf times the zero bias becomes NaN on its way to the bias.
    autodiff.manual_seed(0)
    model = nn.MLP(64, [32], 10)
    bias = model.net[2].bias
    nn.init.zeros_(bias)
    x, y = digits_batch()
    loss = nn.CrossEntropyLoss()(model(x), y) + 1e-3 * (bias * bias).sum().sqrt()
    viz.watch(loss)
    with np.errstate(all="ignore"):
        loss.backward(retain_graph=True)
    params = dict(model.named_parameters())
    save(viz.draw(loss, params=params, collapse_modules=True, dpi=DPI), "nan")


if __name__ == "__main__":
    expression()
    mlp_step()
    dead_relu()
    nan()
