"""Review findings in the core (engine, tensor, ops, function, factories).

Each test states PyTorch's behaviour; each was a strict xfail until fixed.
"""

import numpy as np
import pytest

import autodiff


@pytest.mark.parametrize(
    "fn",
    [
        lambda: autodiff.tensor([1.0]).var(),
        lambda: autodiff.tensor([1.0]).std(),
        lambda: autodiff.ones(3, 1).var(dim=1),
    ],
    ids=["var-1-element", "std-1-element", "var-dim-of-size-1"],
)
def test_var_std_of_single_element_is_nan(fn):
    out = fn()
    assert np.isnan(out.data).all()


def test_clamp_int_tensor_float_bounds_gives_default_float():
    out = autodiff.tensor([-1, 5]).clamp(0.5, 3)
    assert out.dtype == autodiff.float32
    np.testing.assert_allclose(out.data, [0.5, 3.0])


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp"])
@pytest.mark.parametrize("dim", [0, -1])
def test_reductions_accept_dim_0_on_0d_tensor(name, dim):
    x = autodiff.tensor(2.0, requires_grad=True)
    out = getattr(autodiff, name)(x, dim=dim)
    assert out.shape == ()
    np.testing.assert_allclose(out.item(), 2.0)
    out.backward()
    assert x.grad.item() == 1.0


def test_retain_grad_sees_hooked_gradient():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.data, [80.0, 160.0])
    np.testing.assert_allclose(y.grad.data, [40.0, 80.0])  # torch: tensor([40., 80.])


def test_assigning_grad_of_wrong_shape_raises():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((RuntimeError, ValueError), match=r"shape|size"):
        x.grad = autodiff.zeros(3)


def test_no_grad_as_bare_decorator():
    @autodiff.no_grad
    def f(x):
        return x * 2

    assert f(autodiff.ones(2, requires_grad=True)).requires_grad is False


def test_function_backward_wrong_grad_shape_raises():
    class Bad(autodiff.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((RuntimeError, ValueError), match=r"shape"):
        Bad.apply(x).sum().backward()
    assert x.grad is None


def test_randint_high_and_size():
    out = autodiff.randint(5, (100,))
    assert out.shape == (100,) and out.dtype == autodiff.int64
    assert 0 <= out.data.min() and out.data.max() < 5


def test_from_numpy_takes_dtype_and_requires_grad():
    t = autodiff.from_numpy(np.ones(3), requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert autodiff.from_numpy(np.ones(3), dtype=autodiff.float32).dtype == autodiff.float32


def test_view_of_non_contiguous_tensor_raises_or_aliases():
    x = autodiff.ones(2, 3)
    try:
        v = x.T.view(6)
    except (RuntimeError, ValueError):
        return  # PyTorch's behaviour: a clear error pointing to reshape
    v[0] = 5.0
    assert x.data[0, 0] == 5.0, "view() returned a copy: the write did not reach the base"


def test_format_spec_on_0d_tensor():
    assert f"{autodiff.tensor(1.23456):.2f}" == "1.23"


def test_max_dim_on_empty_batch():
    values, indices = autodiff.zeros(0, 3).max(dim=1)
    assert values.shape == (0,) and indices.shape == (0,)


def test_cat_0d_tensors_gives_clear_error():
    with pytest.raises((ValueError, RuntimeError), match=r"0-d|zero-dim"):
        autodiff.cat([autodiff.tensor(1.0), autodiff.tensor(2.0)])


def test_masked_fill_broadcast_error_names_masked_fill():
    with pytest.raises(
        ValueError, match=r"masked_fill.*\(3,\).*\(2,\)|masked_fill.*\(2,\).*\(3,\)"
    ):
        autodiff.ones(2).masked_fill(autodiff.tensor([True, False, True]), 0.0)


def test_conv2d_zero_size_kernel_raises():
    from autodiff.nn import functional as F

    with pytest.raises((ValueError, RuntimeError), match=r"kernel"):
        F.conv2d(autodiff.ones(1, 1, 3, 3), autodiff.ones(1, 1, 0, 0))


def test_std_gradient_of_constant_input_is_zero():
    x = autodiff.ones(2, 4, dtype=autodiff.float64, requires_grad=True)
    x.std(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 4)))


def test_pow_tensor_exponent_zero_at_zero_base_has_zero_grad():
    x = autodiff.tensor([0.0, 0.0], dtype=autodiff.float64, requires_grad=True)
    y = autodiff.tensor([0.0, 2.0], dtype=autodiff.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        (x**y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    np.testing.assert_array_equal(y.grad.data, [0.0, 0.0])


# ------------------------------------------------------------ second core review
# Aliasing: a leaf's .grad never shares memory with another leaf's grad, a seed, a
# tensor a hook returned or saw, or a tensor a Function's backward returned (PyTorch
# copies unless nothing else can see the gradient).


def test_create_graph_leaf_grads_are_distinct_copies():
    a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    b = autodiff.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)  # add hands one gradient to both leaves
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad.data, b.grad.data)
    seed = autodiff.tensor([5.0, 6.0])
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    (x + 0).backward(seed, create_graph=True)
    assert x.grad is not seed and not np.shares_memory(x.grad.data, seed.data)
    with autodiff.no_grad():
        x.grad.mul_(2.0)
    np.testing.assert_array_equal(seed.data, [5.0, 6.0])


def test_create_graph_leaf_grad_stays_differentiable():
    x = autodiff.tensor([1.0, 2.0], dtype=autodiff.float64, requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    (gg,) = autodiff.grad(x.grad.sum(), x)
    np.testing.assert_allclose(gg.data, [6.0, 12.0])


def test_leaf_grad_never_aliases_a_tensor_returned_by_a_hook():
    held = autodiff.tensor([7.0, 8.0])
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: held)
    (x * 2).sum().backward()
    assert not np.shares_memory(x.grad.data, held.data)
    y = autodiff.tensor([1.0, 2.0], requires_grad=True)
    z = y + 0  # the non-leaf's gradient passes unchanged to y
    z.register_hook(lambda g: held)
    (z * 1).sum().backward()
    assert not np.shares_memory(y.grad.data, held.data)
    with autodiff.no_grad():
        x.grad.zero_()
        y.grad.zero_()
    np.testing.assert_array_equal(held.data, [7.0, 8.0])


def test_leaf_grad_never_aliases_a_gradient_a_hook_kept():
    seen = []
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(seen.append)
    (x * 3).sum().backward()
    assert not np.shares_memory(x.grad.data, seen[0].data)


def test_leaf_grad_never_aliases_a_saved_tensor_returned_by_function_backward():
    class Dot(autodiff.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return (x * w).sum()

        @staticmethod
        def backward(ctx, g):  # g == 1 here, so the saved tensors are the gradients
            x, w = ctx.saved_tensors
            return w, x

    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    w = autodiff.tensor([3.0, 4.0], requires_grad=True)
    Dot.apply(x, w).backward()
    assert not np.shares_memory(x.grad.data, w.data)
    assert not np.shares_memory(w.grad.data, x.data)
    with autodiff.no_grad():
        w.sub_(w.grad, alpha=0.5)  # an optimizer step on w must not change x.grad
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_retain_grad_under_create_graph_is_not_the_leafs_grad():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y = x + 0  # passes its (recorded) gradient unchanged to x
    y.retain_grad()
    (y * y).sum().backward(create_graph=True)
    assert y.grad is not x.grad and not np.shares_memory(y.grad.data, x.grad.data)
    assert y.grad.requires_grad
    np.testing.assert_array_equal(y.grad.data, [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


# 0-d results: NumPy ufuncs return immutable NumPy scalars for 0-d arrays


def test_0d_leaf_grad_is_a_writeable_array():
    from autodiff.nn.utils import clip_grad_value_

    x = autodiff.tensor(3.0, requires_grad=True)
    (x * 2).backward()
    assert type(x.grad.data) is np.ndarray and x.grad.data.flags.writeable
    (x * 2).backward()  # accumulated
    assert type(x.grad.data) is np.ndarray
    with autodiff.no_grad():
        x.grad.mul_(2.0)
    assert x.grad.item() == 8.0
    clip_grad_value_([x], 1.0)
    assert x.grad.item() == 1.0
    x.grad.zero_()
    assert x.grad.item() == 0.0
    (g,) = autodiff.grad(x * 2, x)
    assert type(g.data) is np.ndarray
    y = x * 2
    y.retain_grad()
    (y * 3).backward()
    assert type(y.grad.data) is np.ndarray


def test_inplace_on_0d_results():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    s = x.sum()
    with autodiff.no_grad():
        s.add_(1.0)
    assert s.item() == 4.0
    t = x.detach().sum()
    t.zero_()
    assert t.item() == 0.0
    w = (x * 2).sum()
    w.mul_(3)  # recorded: 3 * 2 per element
    w.backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])


def test_integer_index_gives_a_0d_view_as_pytorch():
    x = autodiff.tensor([1.0, 2.0, 3.0])
    x[0].add_(10.0)
    x[2].zero_()
    m = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    m[1, 1].mul_(2.0)
    np.testing.assert_array_equal(x.data, [11.0, 2.0, 0.0])
    np.testing.assert_array_equal(m.data, [[1.0, 2.0], [3.0, 8.0]])
    y = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (y[1] * 3 + y[2] ** 2).backward()
    np.testing.assert_array_equal(y.grad.data, [0.0, 3.0, 6.0])


def test_cached_scalar_constants_keep_the_sign_of_zero():
    x = autodiff.tensor([1.0, -0.0])
    for _ in range(2):  # the second round would use cached constants
        x * 0.0  # caches +0.0 if zeros were cached
        np.testing.assert_array_equal(np.signbit((x * -0.0).data), [True, False])
        np.testing.assert_array_equal(np.signbit((x - 0.0).data), [False, True])
        with np.errstate(all="ignore"):
            x / 0.0
            np.testing.assert_array_equal((x[:1] / -0.0).data, [-np.inf])


def test_direct_inplace_on_read_only_view_names_the_cause():
    y = autodiff.tensor([1.0, 2.0]).expand(3, 2)
    with pytest.raises(RuntimeError, match="read-only"):
        y.add_(1.0)
