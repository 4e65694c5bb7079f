"""Elementwise ops (arithmetic, pow, clamp, relu/abs, masked_fill): values and gradients at edge cases."""

import numpy as np
import pytest

import autodiff


def test_relu_abs_clamp_gradients_at_their_kinks():
    x = autodiff.tensor([0.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.item() == 0
    x.grad = None
    x.abs().sum().backward()
    assert x.grad.item() == 0
    x = autodiff.tensor([-1.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clamp(min=-1.0, max=1.0).sum().backward()
    assert x.grad.tolist() == [1, 1, 1, 0]  # passes at the bounds


def test_clamp_int_tensor_float_bounds_gives_default_float():
    out = autodiff.tensor([-1, 5]).clamp(0.5, 3)
    assert out.dtype == autodiff.float32
    np.testing.assert_allclose(out.data, [0.5, 3.0])


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


def test_masked_fill_broadcast_error_names_masked_fill():
    with pytest.raises(
        ValueError, match=r"masked_fill.*\(3,\).*\(2,\)|masked_fill.*\(2,\).*\(3,\)"
    ):
        autodiff.ones(2).masked_fill(autodiff.tensor([True, False, True]), 0.0)
