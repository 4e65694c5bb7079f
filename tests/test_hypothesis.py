"""Hypothesis-generated shapes for the elementwise and broadcasting ops."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import autodiff

BINARY = {
    "add": (autodiff.add, (-2, 2), (-2, 2)),
    "sub": (autodiff.sub, (-2, 2), (-2, 2)),
    "mul": (autodiff.mul, (-2, 2), (-2, 2)),
    "div": (autodiff.div, (-2, 2), (0.5, 2)),
    "pow": (autodiff.pow, (0.5, 2), (-1.5, 1.5)),
    "maximum": (autodiff.maximum, (-2, 2), (-2, 2)),
}
UNARY = {
    "exp": (autodiff.exp, (-2, 2)),
    "log": (autodiff.log, (0.3, 3)),
    "sqrt": (autodiff.sqrt, (0.3, 3)),
    "tanh": (autodiff.tanh, (-2, 2)),
    "sigmoid": (autodiff.sigmoid, (-3, 3)),
    "sin": (autodiff.sin, (-2, 2)),
    "gelu": (autodiff.gelu, (-2, 2)),
}


def _values(shape, lo, hi):
    return arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, width=64))


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(BINARY)),
    shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
    data=st.data(),
)
def test_binary_broadcasting_gradients(name, shapes, data):
    fn, (alo, ahi), (blo, bhi) = BINARY[name]
    sa, sb = shapes.input_shapes
    a = data.draw(_values(sa, alo, ahi))
    b = data.draw(_values(sb, blo, bhi))
    if name == "maximum":
        # keep operands apart so finite differences never cross a tie
        gap = np.abs(
            np.broadcast_to(a, shapes.result_shape) - np.broadcast_to(b, shapes.result_shape)
        )
        assume(gap.min(initial=1.0) >= 0.05)
    ta = autodiff.tensor(a, requires_grad=True)
    tb = autodiff.tensor(b, requires_grad=True)
    out = fn(ta, tb)
    assert out.shape == shapes.result_shape
    assert autodiff.gradcheck(fn, (ta, tb))
    # the engine sums broadcast gradients back to each input's own shape
    out.backward(np.ones(out.shape))
    assert ta.grad.shape == sa and tb.grad.shape == sb


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(UNARY)),
    shape=st.lists(st.integers(1, 3), max_size=3).map(tuple),
    data=st.data(),
)
def test_unary_gradients_any_shape(name, shape, data):
    fn, (lo, hi) = UNARY[name]
    x = autodiff.tensor(data.draw(_values(shape, lo, hi)), requires_grad=True)
    assert autodiff.gradcheck(fn, (x,))


@settings(max_examples=25, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
    data=st.data(),
)
def test_where_broadcasts_three_ways(shapes, data):
    sc, sa, sb = shapes.input_shapes
    cond = data.draw(arrays(np.bool_, sc))
    a = autodiff.tensor(data.draw(_values(sa, -2, 2)), requires_grad=True)
    b = autodiff.tensor(data.draw(_values(sb, -2, 2)), requires_grad=True)
    out = autodiff.where(cond, a, b)
    assert out.shape == shapes.result_shape
    assert autodiff.gradcheck(lambda x, y: autodiff.where(cond, x, y), (a, b))


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    data=st.data(),
)
def test_reductions_every_dim(shape, data):
    x = autodiff.tensor(data.draw(_values(shape, -2, 2)), requires_grad=True)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    for fn in (autodiff.sum, autodiff.mean, autodiff.logsumexp):
        out = fn(x, dim=dim, keepdim=keepdim)
        ref = {"sum": np.sum, "mean": np.mean}.get(fn.__name__)
        if ref is not None:
            np.testing.assert_allclose(out.numpy(), ref(x.numpy(), axis=dim, keepdims=keepdim))
        assert autodiff.gradcheck(lambda t, f=fn: f(t, dim=dim, keepdim=keepdim), (x,))
