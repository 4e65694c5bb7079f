"""In-place changes, views and saved arrays: a gradient is right or backward raises.

Each case here once gave a silently wrong gradient (found by differential
testing against PyTorch); PyTorch's behaviour is noted with each.
"""

import numpy as np
import pytest

import autodiff


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda x: x.mul_(x.sigmoid()),
        lambda x: x.add_(x.exp()),
        lambda x: x.mul_(x),
        lambda x: x.div_(x.norm()),
    ],
    ids=["mul_sigmoid", "add_exp", "mul_self", "div_norm"],
)
def test_inplace_with_an_operand_computed_from_the_same_tensor_raises(change):
    # once: the earlier consumer of x followed x's new grad_fn, making a cycle whose
    # nodes never ran, and a.grad stayed None (PyTorch: a gradient or this error)
    a = leaf([1.0, 2.0])
    x = a * 2.0
    change(x)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        x.sum().backward()


def test_inplace_after_a_value_free_use_still_routes_through_the_old_history():
    a = leaf([1.0, 2.0])
    x = a * 2.0
    s = x.sum()  # sum reads no values: the change below does not affect its backward
    x.mul_(3.0)
    (s + x.sum()).backward()
    assert a.grad.tolist() == [8.0, 8.0]  # 2 (through s) + 6 (through x), as PyTorch


@pytest.mark.parametrize(
    "make_view",
    [
        lambda x: x[0:2],
        lambda x: x.reshape(2, 2),
        lambda x: x.reshape(2, 2).T,
        lambda x: x[None].expand(3, 4),
    ],
    ids=["slice", "reshape", "transpose", "expand"],
)
def test_view_used_after_its_base_changed_in_place_raises(make_view):
    # once: the view kept its old history, so a.grad missed the * 2 (PyTorch
    # regenerates the view's grad_fn and gives the doubled gradient)
    a = leaf([1.0, 2.0, 3.0, 4.0])
    x = a * 1.0
    v = make_view(x)
    x.mul_(2.0)
    with pytest.raises(RuntimeError, match="view made by .* after the tensor it views was changed"):
        v.sum().backward()
    with pytest.raises(RuntimeError, match="as the backward root"):
        v.backward(autodiff.ones(*v.shape))


def test_view_used_before_its_base_changed_keeps_its_gradient():
    a = leaf([1.0, 2.0, 3.0, 4.0])
    x = a * 1.0
    s = x[0:2].sum()  # recorded before the change: its history is right
    x.mul_(2.0)
    s.backward()
    assert a.grad.tolist() == [1.0, 1.0, 0.0, 0.0]  # as PyTorch
