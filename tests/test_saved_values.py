"""What a node keeps for backward: only what its VJP needs (as PyTorch's saved tensors)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autodiff as ad
from autodiff import viz


def test_intermediates_no_vjp_reads_are_freed_during_forward():
    rng = np.random.default_rng(0)
    x = ad.tensor(rng.standard_normal((64, 32)))
    w = ad.tensor(rng.standard_normal((32, 48)), requires_grad=True)
    b = ad.tensor(rng.standard_normal(48), requires_grad=True)
    m = x @ w
    m_ref = weakref.ref(m.data)
    z = m + b  # add reads no values: it keeps matmul's node, not m
    z_ref = weakref.ref(z.data)
    h = z.relu()  # relu keeps its result, not its input
    del m, z
    gc.disable()  # freed by reference counting alone, not by the cycle collector
    try:
        assert m_ref() is None and z_ref() is None
    finally:
        gc.enable()
    loss = h.sum()
    loss.backward()
    expected_gw = x.data.T @ (h.data > 0).astype(float)
    np.testing.assert_allclose(w.grad.numpy(), expected_gw)
    np.testing.assert_allclose(b.grad.numpy(), (h.data > 0).sum(axis=0))


def test_values_a_vjp_reads_are_kept():
    x = ad.tensor(np.linspace(-1, 1, 40).reshape(5, 8), requires_grad=True)
    y = x * 3.0
    t = y.tanh()  # tanh keeps its result; mul by a constant keeps nothing
    y2 = t * t  # mul reads both inputs: t's value must stay
    t_ref = weakref.ref(t.data)
    del t
    assert t_ref() is not None
    y2.sum().backward()
    th = np.tanh(3 * x.data)
    np.testing.assert_allclose(x.grad.numpy(), 2 * th * (1 - th**2) * 3)


@pytest.mark.parametrize("in_place", ["mul_", "add_", "setitem"])
def test_inplace_after_a_shape_only_use_does_not_reroute_gradients(in_place):
    # sum() needs only z's shape, so changing z later is allowed; its gradient must
    # still flow to the op that made z before the change (PyTorch: [2, 2] and [8, 8])
    def run(both: bool) -> np.ndarray:
        x = ad.tensor([1.0, 2.0], requires_grad=True)
        z = x * 2
        y = z.sum()
        if in_place == "mul_":
            z.mul_(3)
            late = 6.0
        elif in_place == "add_":
            z.add_(1)
            late = 2.0
        else:
            z[0] = 5.0
            late = None
        (y + z.sum() if both else y).backward()
        return x.grad.numpy(), late

    g, _ = run(both=False)
    np.testing.assert_allclose(g, [2.0, 2.0])
    g, late = run(both=True)
    if late is not None:
        np.testing.assert_allclose(g, [2.0 + late, 2.0 + late])
    else:  # z[0] = 5 cuts x[0] out of the second sum
        np.testing.assert_allclose(g, [2.0, 4.0])


def test_inplace_rerouting_matches_torch():
    torch = pytest.importorskip("torch")
    for lib in (ad, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        z = x * 2
        y = z.mean()
        z.mul_(3)
        (y + (z * z).sum()).backward()
        if lib is ad:
            ours = x.grad.numpy()
        else:
            theirs = x.grad.numpy()
    np.testing.assert_allclose(ours, theirs)


def test_second_order_through_relu_uses_its_saved_result():
    x = ad.tensor([-1.5, 0.5, 2.0], requires_grad=True)
    y = (x * x * x).relu()
    (g,) = ad.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [0.0, 0.75, 12.0])
    (gg,) = ad.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), [0.0, 3.0, 12.0])


def test_picture_shows_small_values_and_says_when_a_value_was_not_kept():
    a = ad.tensor(2.0, requires_grad=True)
    b = ad.tensor(-3.0, requires_grad=True)
    y = (a * b + 1.0).tanh()  # small: every value stays for the picture
    dot = viz.to_dot(y)
    assert "value not kept" not in dot and "-6" in dot and "-5" in dot
    big = ad.tensor(np.ones((20, 30)), requires_grad=True)
    out = ((big * 2.0) + 1.0).sum()  # the 600-element products are not kept
    dot = viz.to_dot(out)
    assert dot.count("value not kept") == 3 and dot.count("(20, 30) float64") == 3  # big, mul, add
