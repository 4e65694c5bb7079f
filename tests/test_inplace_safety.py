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
    [lambda x: x.mul_(x), lambda x: x.div_(x.norm()), lambda x: x.mul_(x.abs())],
    ids=["mul_self", "div_norm", "mul_abs"],
)
def test_inplace_with_an_operand_computed_from_the_same_tensor_raises(change):
    # once: the earlier consumer of x followed x's new grad_fn, making a cycle whose
    # nodes never ran, and a.grad stayed None; these ops read x's old values, so
    # backward must raise (as PyTorch does)
    a = leaf([1.0, 2.0])
    x = a * 2.0
    change(x)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        x.sum().backward()


def _silu_grad(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return s + x * s * (1.0 - s)


@pytest.mark.parametrize(
    "change, dfdx",
    [
        (lambda x: x.mul_(x.sigmoid()), _silu_grad),
        (lambda x: x.add_(x.exp()), lambda x: 1.0 + np.exp(x)),
        (lambda x: x.mul_(x.tanh()), lambda x: np.tanh(x) + x * (1.0 - np.tanh(x) ** 2)),
    ],
    ids=["mul_sigmoid", "add_exp", "mul_tanh"],
)
def test_inplace_with_an_op_that_keeps_only_its_result_is_differentiated(change, dfdx):
    # sigmoid, exp and tanh keep their result, not x: changing x later is fine, and
    # the gradient is PyTorch's (once: a cycle and a.grad None, then a version error)
    a = leaf([1.0, 2.0])
    x = a * 2.0
    change(x)
    x.sum().backward()
    assert np.allclose(a.grad.numpy(), 2.0 * dfdx(np.array([2.0, 4.0])))


@pytest.mark.parametrize("op", ["sigmoid", "tanh", "exp", "sqrt"])
def test_input_changed_after_an_op_that_keeps_its_result(op):
    # PyTorch saves these ops' results, not their inputs: no version error
    a = leaf([1.0, 2.0])
    x = a * 1.0
    y = getattr(x, op)()
    x.add_(1.0)
    y.sum().backward()
    expected = {
        "sigmoid": lambda v: (1 / (1 + np.exp(-v))) * (1 - 1 / (1 + np.exp(-v))),
        "tanh": lambda v: 1 - np.tanh(v) ** 2,
        "exp": np.exp,
        "sqrt": lambda v: 0.5 / np.sqrt(v),
    }[op]
    assert np.allclose(a.grad.numpy(), expected(np.array([1.0, 2.0])))


def test_inplace_after_a_value_free_use_still_routes_through_the_old_history():
    a = leaf([1.0, 2.0])
    x = a * 2.0
    s = x.sum()  # sum reads no values: the change below does not affect its backward
    x.mul_(3.0)
    (s + x.sum()).backward()
    assert a.grad.tolist() == [8.0, 8.0]  # 2 (through s) + 6 (through x), as PyTorch


@pytest.mark.parametrize(
    "make_view, want",
    [
        (lambda x: x[0:2], [2.0, 2.0, 0.0, 0.0]),
        (lambda x: x.reshape(2, 2), [2.0, 2.0, 2.0, 2.0]),
        (lambda x: x.reshape(2, 2).T, [2.0, 2.0, 2.0, 2.0]),
        (lambda x: x[None].expand(3, 4), [6.0, 6.0, 6.0, 6.0]),
    ],
    ids=["slice", "reshape", "transpose", "expand"],
)
def test_view_used_after_its_base_changed_in_place_gets_the_new_history(make_view, want):
    # once: the view kept its old history, so a.grad missed the * 2; it then raised;
    # now the view is regenerated from its base's new history, as PyTorch does
    a = leaf([1.0, 2.0, 3.0, 4.0])
    x = a * 1.0
    v = make_view(x)
    x.mul_(2.0)
    v.sum().backward()
    assert a.grad.tolist() == want
    a.grad = None
    x = a * 1.0
    v = make_view(x)
    x.mul_(2.0)
    v.backward(autodiff.ones(*v.shape))  # as the backward root
    assert a.grad.tolist() == want


def test_view_used_before_its_base_changed_keeps_its_gradient():
    a = leaf([1.0, 2.0, 3.0, 4.0])
    x = a * 1.0
    s = x[0:2].sum()  # recorded before the change: its history is right
    x.mul_(2.0)
    s.backward()
    assert a.grad.tolist() == [1.0, 1.0, 0.0, 0.0]  # as PyTorch


@pytest.mark.parametrize(
    "op, change",
    [
        (lambda x, i, m: x[i], "index"),
        (lambda x, i, m: x[None].gather(1, i[None]), "index"),
        (lambda x, i, m: autodiff.nn.functional.cross_entropy(x[None], i[:1]), "index"),
        (lambda x, i, m: x.masked_fill(m, 0.0), "mask"),
        (lambda x, i, m: autodiff.where(m, x, x * 0.0), "mask"),
    ],
    ids=["getitem", "gather", "cross_entropy", "masked_fill", "where"],
)
def test_index_and_mask_changed_after_use_do_not_change_the_gradient(op, change):
    # once: the node kept the caller's array, so backward used the changed values
    # (PyTorch raises a version error; here the gradient is the one of the forward)
    x = leaf([1.0, 2.0, 3.0])
    index = autodiff.tensor([0, 1, 1])
    mask = autodiff.tensor([True, False, False])
    y = op(x, index, mask)
    y.sum().backward()
    expected = x.grad.numpy().copy()
    x.grad = None
    y = op(x, index, mask)
    if change == "index":
        index.add_(1)
    else:
        mask.fill_(False)
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), expected)


def test_setitem_index_changed_after_use_does_not_change_the_gradient():
    a = leaf([1.0, 2.0, 3.0])
    index = np.array([0, 2])
    x = a * 1.0
    x[index] = 0.0
    index[:] = 1
    x.sum().backward()
    assert a.grad.tolist() == [0.0, 1.0, 0.0]


class SavesItsOutput(autodiff.Function):
    @staticmethod
    def forward(ctx, x):
        out = x.exp()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


def test_function_output_it_saved_then_changed_in_place_raises():
    # once: backward used the doubled output, a gradient 2x too large (PyTorch raises)
    a = leaf([0.0, 1.0])
    y = SavesItsOutput.apply(a * 1.0)
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="output of 'SavesItsOutput'.*in-place"):
        y.sum().backward()
    b = leaf([0.0, 1.0])
    SavesItsOutput.apply(b * 1.0).sum().backward()  # unchanged: the right gradient
    assert np.allclose(b.grad.numpy(), np.exp([0.0, 1.0]))


@pytest.mark.parametrize(
    "same_shape",
    [
        lambda x: x.reshape(2),
        lambda x: x.view(2),
        lambda x: x.squeeze(),
        lambda x: x.expand(2),
        lambda x: autodiff.broadcast_to(x, (2,)),
        lambda x: x.transpose(0, -1),
        lambda x: x.flatten(),
    ],
    ids=["reshape", "view", "squeeze", "expand", "broadcast_to", "transpose_1d", "flatten"],
)
def test_shape_op_that_changes_nothing_returns_a_new_tensor(same_shape):
    # once: x itself came back, so a hook on y also scaled x's own gradient (PyTorch: 11)
    a = leaf([1.0, 2.0])
    x = a * 1.0
    y = same_shape(x)
    assert y is not x and not y.is_leaf
    y.register_hook(lambda g: g * 10)
    (x + y).sum().backward()
    assert a.grad.tolist() == [11.0, 11.0]
    assert not same_shape(a).is_leaf


def test_fill_and_copy_on_a_non_leaf_keep_it_a_non_leaf():
    # once: x became a leaf that requires grad, and x.add_(1) then raised (PyTorch:
    # x keeps a history that passes a zero gradient to its old value)
    a = leaf([1.0, 2.0])
    x = a * 2.0
    x.zero_()
    assert not x.is_leaf and x.grad_fn is not None
    x.add_(1.0)
    (x * a).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and x.grad is None
    a, b = leaf([1.0, 2.0]), leaf([5.0, 6.0])
    x = a * 1.0
    x.copy_(b)
    (x * x).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0] and b.grad.tolist() == [10.0, 12.0]
    a, v = leaf([1.0, np.inf]), leaf(3.0)
    x = a * 1.0
    x.fill_(v)  # (once x * 0 + v: inf * 0 filled a nan)
    (x * x).sum().backward()
    assert x.tolist() == [3.0, 3.0] and v.grad.item() == 12.0 and a.grad.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="0-d tensor"):
        (a * 1.0).fill_(autodiff.ones(2))


def test_integer_and_array_index_apart_use_pytorchs_layout():
    # NumPy moves the dims of x[0, :, idx] to the front (an int counts as an array
    # index there); PyTorch selects with the int first: x[0][:, idx]
    values = np.arange(24.0).reshape(2, 3, 4)
    x = leaf(values)
    idx = [3, 0, 2]
    y = x[0, :, idx]
    assert np.array_equal(y.numpy(), values[0][:, idx]) and y.shape == (3, 3)
    weights = np.arange(9.0).reshape(3, 3)
    (y * autodiff.tensor(weights)).sum().backward()
    expected = np.zeros_like(values)
    expected[0][:, idx] = weights
    assert np.array_equal(x.grad.numpy(), expected)
    mask = np.array([True, False, True, False])
    assert x[-1, ..., mask].shape == (3, 2)  # NumPy: (2, 3)
    z = x * 1.0
    z[0, :, [1, 2]] = autodiff.tensor(np.ones((3, 2)))
    assert np.array_equal(z.numpy()[0][:, [1, 2]], np.ones((3, 2)))


def test_views_survive_changes_that_keep_the_history():
    # a change under no_grad (an optimizer step) keeps the base's history: a view
    # kept across steps, or used after such a change, is fine (as PyTorch)
    flat = leaf([1.0, 2.0, 3.0, 4.0])
    w = flat.reshape(2, 2)
    opt = autodiff.optim.SGD([flat], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward(retain_graph=True)
        opt.step()
    assert np.allclose(flat.numpy(), np.array([1.0, 2.0, 3.0, 4.0]) * 0.8**2)
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    x = a * 1.0
    v = x.transpose(0, 1)
    with autodiff.no_grad():
        x.mul_(1.0)
    (v + 1.0).sum().backward()
    assert a.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_view_used_before_a_recorded_change_with_unrelated_changes_between():
    # an unrelated in-place op (a counter) between the view and its use must not make
    # a use from before the base's change look stale (an RNN writing into a buffer)
    a = leaf([1.0, 2.0, 3.0, 4.0])
    counter = autodiff.zeros(1)
    x = a * 1.0
    v = x[0:2]
    with autodiff.no_grad():
        counter.add_(1.0)
    c = v.sum()
    x.mul_(2.0)
    c.backward()
    assert a.grad.tolist() == [1.0, 1.0, 0.0, 0.0]
    w = leaf([0.5, -0.3, 0.8])
    inputs = autodiff.tensor(np.arange(12.0).reshape(4, 3) / 10)
    out = autodiff.zeros(4, 3)
    for t in range(4):
        prev = out[t - 1] if t else autodiff.zeros(3)
        with autodiff.no_grad():
            counter.add_(1.0)
        out[t] = prev + inputs[t] * w
    out.sum().backward()
    # out[t] = sum_{s <= t} inputs[s] * w, so d/dw sum_t out[t] = sum_s (4 - s) inputs[s]
    expected = ((4 - np.arange(4))[:, None] * inputs.numpy()).sum(axis=0)
    assert np.allclose(w.grad.numpy(), expected)


def test_a_view_does_not_keep_its_base_alive():
    import weakref

    x = leaf(np.ones((10, 10)))
    a = x @ autodiff.tensor(np.ones((10, 1000)))
    alive = weakref.ref(a.data)
    c = a.reshape(100, 100).sum()  # reshape and sum read no values
    del a
    assert alive() is None
    c.backward()
    assert x.grad.shape == (10, 10)


def test_integer_like_indices_select_first():
    values = np.arange(60.0).reshape(3, 4, 5)
    x = autodiff.tensor(values)
    # a 0-d integer Tensor counts as an integer (PyTorch: (4, 2), NumPy: (2, 4))
    assert np.array_equal(x[autodiff.tensor(1), :, [0, 2]].numpy(), values[1][:, [0, 2]])
    # a bool scalar adds a dimension and uses none of x's
    assert x[0, True, :, [0, 1]].shape == (2, 4)


def test_view_regenerated_before_its_base_is_gone():
    # the view gets its new history when the base changes, so the base may die
    # before backward (once this gave [1, 1, 0], then raised; PyTorch: [2, 2, 0])
    def head_of_doubled(a):
        buf = a * 1.0
        head = buf[:2]
        buf.mul_(2.0)
        return head.sum()  # buf and head die here

    a = leaf([1.0, 2.0, 3.0])
    head_of_doubled(a).backward()
    assert a.grad.tolist() == [2.0, 2.0, 0.0]


def test_stale_view_raises_even_after_its_base_is_gone():
    # a view that is not regenerated (one no autodiff view op makes: here its data
    # was swapped for a copy, so its place in the base cannot be told) keeps its
    # base's record of history changes, not the base: a dead base must not hide
    # that it is stale
    def head_of_doubled(a):
        buf = a * 1.0
        head = buf[:2]
        head.data = head.data.copy()
        buf.mul_(2.0)
        return head.sum()  # buf and head die here

    a = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="view made by 'getitem'"):
        head_of_doubled(a).backward()


def test_input_that_needed_no_gradient_and_later_took_a_history_is_not_followed():
    # x needed no gradient when y = x + w was recorded; x.add_(y) then gave x a
    # history that includes y: following it made a cycle, and w.grad stayed None
    x = autodiff.zeros(3, dtype=np.float64)
    w = leaf([1.0, 1.0, 1.0])
    y = x + w
    x.add_(y)
    y.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0, 1.0]  # as PyTorch


def test_changing_an_operand_whose_value_no_needed_gradient_reads():
    # x * c reads x only for c's gradient: with c constant, x may change (PyTorch)
    a = leaf([1.0, 2.0])
    x = a * 1.0
    y = x * autodiff.tensor([3.0, 4.0], dtype=np.float64)
    with autodiff.no_grad():
        x.mul_(2.0)
    y.sum().backward()
    assert a.grad.tolist() == [3.0, 4.0]
    # ... but x @ W with W needing a gradient reads x: that still raises
    w = leaf(np.eye(2))
    inputs = autodiff.tensor([[1.0, 2.0]], dtype=np.float64)
    out = inputs @ w
    with autodiff.no_grad():
        inputs.mul_(3.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()


def test_grad_skips_a_stale_node_it_does_not_need():
    # y's mul read x, which x.mul_ then changed and rebased: autodiff.grad for w
    # never runs y's backward, so (as PyTorch) it must not raise; asking for u does
    w, u, v = leaf([1.0, 2.0, 3.0]), leaf([0.5, -1.0, 2.0]), leaf([1.0, 1.0, 2.0])

    def loss():
        x = v * 1.0
        y = x * u
        x.mul_(2.0)
        return (y * w).sum()

    (gw,) = autodiff.grad(loss(), [w])
    assert gw.tolist() == [0.5, -1.0, 4.0]  # y = v * u, as PyTorch
    with pytest.raises(RuntimeError, match="needed by the backward of 'mul' was modified by an in-place"):
        autodiff.grad(loss(), [u])
    with pytest.raises(RuntimeError, match="needed by the backward of 'mul' was modified by an in-place"):
        loss().backward()


def test_multi_output_function_saved_output_changed_in_place_raises():
    # backward read the changed output: once a silently wrong [4, 5.72] (PyTorch
    # raises); an output that was not saved may change
    class ExpAndDouble(autodiff.Function):
        @staticmethod
        def forward(ctx, x):
            a, b = x.exp(), x * 2
            ctx.save_for_backward(a)
            return a, b

        @staticmethod
        def backward(ctx, ga, gb):
            (a,) = ctx.saved_tensors
            return ga * a + gb * 2

    x = leaf([0.0, 1.0])
    a, b = ExpAndDouble.apply(x)
    kept = a * 1.0
    a.add_(1.0)
    with pytest.raises(RuntimeError, match="output of 'ExpAndDouble'.*modified by an in-place"):
        (kept.sum() + b.sum()).backward()
    a, b = ExpAndDouble.apply(x)
    b.add_(1.0)
    (a.sum() + b.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.0, 1.0]) + 2.0)


def test_hook_that_changes_a_saved_value_during_backward_raises():
    # the hook runs before y * y's backward, which reads y: once undetected (the
    # gradient used the doubled y); PyTorch raises
    x = leaf([1.0, 2.0])
    y = x * 1.0
    z = y * y

    def double_y(g):
        with autodiff.no_grad():
            y.mul_(2.0)

    z.register_hook(double_y)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        z.sum().backward()


def test_grad_of_a_captured_tensor_does_not_run_its_own_backward():
    # autodiff.grad for t4 = t3 @ t3.T needs the gradient reaching t4, not t4's
    # backward (which would read t3, changed since): as PyTorch, no error
    w = leaf([[1.0, 2.0], [3.0, 4.0]])

    def product():
        t3 = w * 1.0
        t4 = t3 @ t3.T
        t3.mul_(2.0)
        return t4

    t4 = product()
    (g4,) = autodiff.grad((t4 * 3.0).sum(), [t4])
    assert g4.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    with pytest.raises(RuntimeError, match="needed by the backward of 'matmul'"):
        autodiff.grad((product() * 3.0).sum(), [w])
