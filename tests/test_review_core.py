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


def test_randint_high_and_size():
    out = autodiff.randint(5, (100,))
    assert out.shape == (100,) and out.dtype == autodiff.int64
    assert 0 <= out.data.min() and out.data.max() < 5


def test_from_numpy_takes_dtype_and_requires_grad():
    t = autodiff.from_numpy(np.ones(3), requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert autodiff.from_numpy(np.ones(3), dtype=autodiff.float32).dtype == autodiff.float32


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


def test_cached_scalar_constants_keep_the_sign_of_zero():
    x = autodiff.tensor([1.0, -0.0])
    for _ in range(2):  # the second round would use cached constants
        x * 0.0  # caches +0.0 if zeros were cached
        np.testing.assert_array_equal(np.signbit((x * -0.0).data), [True, False])
        np.testing.assert_array_equal(np.signbit((x - 0.0).data), [False, True])
        with np.errstate(all="ignore"):
            x / 0.0
            np.testing.assert_array_equal((x[:1] / -0.0).data, [-np.inf])
