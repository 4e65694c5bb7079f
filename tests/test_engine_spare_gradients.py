"""The backward pass's one memory trick: an elementwise VJP writes its input's
gradient into the gradient it was given when only the backward loop holds that
array (autodiff/ops/_base.py, spare_gradient). Checked here: it happens (the
pass's peak allocation drops by one buffer), and it never happens where another
holder would see the change (a second consumer, a hook, a retained grad, the
caller's own gradient array)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

import autodiff
from autodiff.ops import _base
from autodiff.ops.xp import NP, LoopNP

BIG = _base.SPARE_MIN_BYTES // 8 + 1  # float64 elements: just large enough to be reused
W = np.linspace(0.5, 1.5, BIG)  # the other operand of mul


def _sigmoid_grad(h):
    s = 1 / (1 + np.exp(-h))
    return s * (1 - s)


# op applied to a tensor -> its derivative there (NumPy); for mul, the gradient
# reused is the one sent to the second operand
OPS = {
    "relu": (lambda a: a.relu(), lambda h: (h > 0) * 1.0),
    "tanh": (lambda a: a.tanh(), lambda h: 1 - np.tanh(h) ** 2),
    "sigmoid": (lambda a: a.sigmoid(), _sigmoid_grad),
    "exp": (lambda a: a.exp(), np.exp),
    "mul": (lambda a: autodiff.tensor(W, requires_grad=True) * a, lambda h: W),
}
REUSING_OPS = tuple(OPS)
reuse_available = pytest.mark.skipif(
    _base._ONLY_THE_LOOP == 0, reason="this Python's reference counts are not read"
)


def _arrays_around(op: str, keep: bool) -> tuple[int, int, list]:
    """ids of the gradient arriving at ``op``'s output and of the one it sends on, in
    sum(op(x * 0.5) * 3); with ``keep`` a hook also keeps the arriving gradient."""
    x = autodiff.tensor(np.linspace(-2.0, 2.0, BIG), requires_grad=True)
    a = x * 0.5
    y = OPS[op][0](a)
    ids, kept = [], []
    # (hooks that record only ids hold no reference once they return)
    y.register_hook(lambda g: ids.append(id(g.numpy())))
    if keep:
        y.register_hook(kept.append)
    a.register_hook(lambda g: ids.append(id(g.numpy())))
    (y * 3.0).sum().backward()
    return ids[0], ids[1], kept


@reuse_available
@pytest.mark.parametrize("op", REUSING_OPS)
def test_an_elementwise_vjp_writes_into_a_gradient_only_the_loop_holds(op):
    arrived, sent, _ = _arrays_around(op, keep=False)
    assert arrived == sent  # one activation-sized buffer less


@pytest.mark.parametrize("op", REUSING_OPS)
def test_a_gradient_a_hook_keeps_is_not_written_into(op):
    arrived, sent, kept = _arrays_around(op, keep=True)
    assert arrived != sent
    np.testing.assert_array_equal(kept[0].numpy(), np.full(BIG, 3.0))


def test_the_pass_peak_is_one_buffer_lower_with_reuse(monkeypatch):
    """tanh's backward step, the graph's largest: 2 MiB float64 buffers."""
    if _base._ONLY_THE_LOOP == 0:
        pytest.skip("this Python's reference counts are not read")

    def peak() -> int:
        x = autodiff.tensor(np.linspace(-2.0, 2.0, 1 << 18), requires_grad=True)
        loss = ((x * 0.5).tanh() * 3.0).sum()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            loss.backward()
            return tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()

    reused = peak()
    monkeypatch.setattr(_base, "_ONLY_THE_LOOP", 0)  # (nothing is reused)
    fresh = peak()
    assert fresh - reused >= 3.5 * (1 << 20), (reused, fresh)  # two 2 MiB buffers fewer


def _expected_grad(op: str, x: np.ndarray) -> np.ndarray:
    return 3.0 * 0.5 * OPS[op][1](x * 0.5)


@pytest.mark.parametrize("op", REUSING_OPS)
def test_a_reused_gradient_gives_the_gradient_a_fresh_one_does(op):
    x_np = np.linspace(-2.0, 2.0, BIG)
    x = autodiff.tensor(x_np, requires_grad=True)
    (OPS[op][0](x * 0.5) * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _expected_grad(op, x_np), rtol=1e-12)


@pytest.mark.parametrize("op", REUSING_OPS)
def test_a_gradient_sent_to_two_consumers_is_not_overwritten(op):
    # add's VJP hands the same array to both inputs: the first VJP must not change it
    x_np = np.linspace(-2.0, 2.0, BIG)
    x = autodiff.tensor(x_np, requires_grad=True)
    a = x * 0.5
    (OPS[op][0](a) + a.relu()).sum().backward()
    h = x_np * 0.5
    expected = _expected_grad(op, x_np) / 3.0 + 0.5 * (h > 0)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("op", REUSING_OPS)
def test_a_retained_gradient_keeps_its_values(op):
    x = autodiff.tensor(np.linspace(-2.0, 2.0, BIG), requires_grad=True)
    y = OPS[op][0](x * 0.5)
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()) or None)
    kept = []
    y.register_hook(lambda g: kept.append(g))
    (y * 3.0).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), np.full(BIG, 3.0))
    np.testing.assert_array_equal(kept[0].numpy(), seen[0])


@pytest.mark.parametrize("op", REUSING_OPS)
def test_the_callers_gradient_array_is_left_as_given(op):
    x = autodiff.tensor(np.linspace(-2.0, 2.0, BIG), requires_grad=True)
    y = OPS[op][0](x * 0.5)
    seed = np.full(BIG, 2.0)
    y.backward(gradient=autodiff.from_numpy(seed))
    np.testing.assert_array_equal(seed, np.full(BIG, 2.0))
    seed_tensor = autodiff.tensor(np.full(BIG, 2.0))
    x.grad = None
    OPS[op][0](x * 0.5).backward(seed_tensor)
    np.testing.assert_array_equal(seed_tensor.numpy(), np.full(BIG, 2.0))


def test_spare_gradient_refuses_views_other_dtypes_shapes_tensors_and_other_callers():
    like = np.zeros(BIG)
    loop = LoopNP
    assert _base.spare_gradient(np.zeros(2 * BIG)[:BIG], loop, like) is None  # a view
    assert _base.spare_gradient(np.zeros(BIG, dtype=np.float32), loop, like) is None
    assert _base.spare_gradient(np.zeros(BIG - 1), loop, like) is None
    assert _base.spare_gradient(autodiff.zeros(BIG), loop, like) is None
    assert _base.spare_gradient(np.zeros(4), loop, np.zeros(4)) is None  # small
    # a VJP called by anything but the backward loop (here, NP) never writes into g
    held = np.zeros(BIG)
    assert _base.spare_gradient(held, NP, like) is None
    node = (autodiff.linspace(-1.0, 1.0, BIG, requires_grad=True) * 1.0).relu().grad_fn
    g = np.ones(BIG)
    node.vjp(g, (None,), node.out, NP)
    np.testing.assert_array_equal(g, np.ones(BIG))


@pytest.mark.parametrize("op", REUSING_OPS)
def test_a_gradient_autodiff_grad_captures_keeps_its_values(op):
    x = autodiff.tensor(np.linspace(-2.0, 2.0, BIG), requires_grad=True)
    y = OPS[op][0](x * 0.5)
    gy, gx = autodiff.grad((y * 3.0).sum(), [y, x])
    np.testing.assert_array_equal(gy.numpy(), np.full(BIG, 3.0))
    np.testing.assert_allclose(gx.numpy(), _expected_grad(op, x.numpy()), rtol=1e-12)


def test_a_gradient_shared_with_a_leaf_is_not_written_into():
    # add's VJP sends one array to a leaf (stored as its .grad without a copy) and to relu
    w = autodiff.tensor(np.linspace(-1.0, 1.0, BIG), requires_grad=True)
    ((w * 1.0).relu() + w).mul(2.0).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 2.0 * (w.numpy() > 0) + 2.0)


def test_a_tracer_reading_locals_at_import_does_not_inflate_the_count():
    # (a tracer's frame reads add references: a count measured under one would let a
    # VJP write into an array that a hook kept)
    code = textwrap.dedent(
        """
        import sys
        def trace(frame, event, arg):
            frame.f_locals
            return trace
        sys.settrace(trace)
        import autodiff
        sys.settrace(None)
        import numpy as np
        from autodiff.ops import _base
        x = autodiff.tensor(np.linspace(-1, 1, 10000), requires_grad=True)
        z = (x * 2.0).relu()
        kept = []
        z.register_hook(kept.append)
        (z * 3.0).sum().backward()
        print(_base._ONLY_THE_LOOP, np.unique(kept[0].numpy()).tolist())
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    count, kept = out.stdout.split(maxsplit=1)
    assert int(count) in (0, _base._ONLY_THE_LOOP) and kept.strip() == "[3.0]"
