"""x[index] = value with a value that broadcasts, exactly as PyTorch: leading
1-dims of the value may be dropped, then it broadcasts to x[index]'s shape.
Values and gradients (to x and to the value, summed over broadcast dims) and
errors against torch; shapes fuzzed with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from _oracle import check  # noqa: E402

import autodiff  # noqa: E402


def _assign(index):
    def run(x, v):
        y = x * 1.0  # a non-leaf copy, so the in-place write is recorded
        y[index] = v
        return y

    return run


def _index_for(mod, index):
    if isinstance(index, tuple):
        return tuple(_index_for(mod, i) for i in index)
    if isinstance(index, np.ndarray):
        return mod.tensor(index) if mod is autodiff else torch.from_numpy(index)
    return index


def _check(index, xshape, vshape, dtype=np.float64):
    r = np.random.default_rng(0)
    x = r.standard_normal(xshape).astype(dtype)
    v = r.standard_normal(vshape).astype(dtype)
    return check(
        lambda a, b: _assign(_index_for(autodiff, index))(a, b),
        lambda a, b: _assign(_index_for(torch, index))(a, b),
        x,
        v,
    )


S = slice(None)
OK = [
    (0, (3, 4), (1, 4)),
    (0, (3, 4), (1, 1, 4)),
    (0, (3, 4), (1, 1)),
    ((S, 1), (3, 4), (1, 3)),
    ((S, 1), (3, 4), (1, 1, 3)),
    ((S, slice(0, 2)), (3, 4), (3, 1)),
    ((S, slice(0, 2)), (3, 4), (1, 1, 1, 2)),
    ((1, 2), (3, 4), (1, 1)),
    ((1, 2), (3, 4), ()),
    (np.array([0, 2]), (3, 4), (1, 1, 4)),
    (np.array([0, 2]), (3, 4), (2, 1)),
    ((Ellipsis, 1), (2, 3, 4), (1, 3)),
    ((S, None, 1), (3, 4), (1, 3, 1)),
    (np.array([True, False, True]), (3, 4), (1, 4)),
]
BAD = [
    (0, (3, 4), (2, 4)),
    ((S, 1), (3, 4), (3, 1)),  # trailing 1s are not dropped
    ((S, slice(0, 2)), (3, 4), (2, 1, 2)),
    (np.array([0, 2]), (3, 4), (1, 2, 1, 4)),
    ((1, 2), (3, 4), (2,)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("index", "xshape", "vshape"), OK)
def test_broadcast_value_as_torch(index, xshape, vshape, dtype):
    assert _check(index, xshape, vshape, dtype) == "ok"


@pytest.mark.parametrize(("index", "xshape", "vshape"), BAD)
def test_unbroadcastable_value_raises_as_torch(index, xshape, vshape):
    assert _check(index, xshape, vshape) == "raises"
    x = autodiff.zeros(*xshape)
    with pytest.raises(ValueError, match=r"value of shape .* does not broadcast to x\[.*of shape"):
        x[_index_for(autodiff, index)] = autodiff.ones(*vshape)


def test_leaf_and_gradient_to_a_row_value():
    w = autodiff.zeros(3, 4, requires_grad=True)
    row = autodiff.tensor(np.arange(4.0).reshape(1, 4), requires_grad=True)
    y = w * 2.0
    y[1] = row
    (y * y).sum().backward()
    np.testing.assert_array_equal(row.grad.data, 2.0 * np.arange(4.0).reshape(1, 4))
    expect = np.zeros((3, 4))
    expect[[0, 2]] = 0.0  # 2 * 2w with w = 0, and the overwritten row gets none
    np.testing.assert_array_equal(w.grad.data, expect)
    assert row.grad.shape == (1, 4)


@st.composite
def _cases(draw):
    xshape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    index = []
    for n in xshape[: draw(st.integers(1, len(xshape)))]:
        kind = draw(st.sampled_from(["int", "slice", "all"]))
        if kind == "int":
            index.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            a = draw(st.integers(0, n - 1))
            index.append(slice(a, draw(st.integers(a + 1, n))))
        else:
            index.append(slice(None))
    target = np.empty(xshape)[tuple(index)].shape
    # some dims 1 (broadcast), some leading ones dropped, some extra leading 1s
    vshape = tuple(draw(st.sampled_from([1, n])) for n in target)
    vshape = vshape[draw(st.integers(0, len(vshape))) :]
    vshape = (1,) * draw(st.integers(0, 2)) + vshape
    return tuple(index), xshape, vshape


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(_cases(), st.sampled_from([np.float32, np.float64]))
def test_broadcast_setitem_fuzzed(case, dtype):
    assert _check(*case, dtype=dtype) == "ok"
