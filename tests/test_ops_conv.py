"""Convolution and pooling ops: values, gradients and errors at edge cases."""

import numpy as np
import pytest

import autodiff
from autodiff.nn import functional as F


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_conv2d_zero_size_kernel_raises():
    from autodiff.nn import functional as F

    with pytest.raises((ValueError, RuntimeError), match=r"kernel"):
        F.conv2d(autodiff.ones(1, 1, 3, 3), autodiff.ones(1, 1, 0, 0))


def test_max_pool_with_a_nan_sends_the_gradient_to_it():
    values = np.arange(16.0).reshape(1, 1, 4, 4)
    values[0, 0, 1, 1] = np.nan
    x = leaf(values)
    F.max_pool2d(x, 2).sum().backward()  # once: the NaN window's gradient was lost
    expected = np.zeros((4, 4))
    expected[1, 1] = expected[1, 3] = expected[3, 1] = expected[3, 3] = 1.0
    assert np.array_equal(x.grad.numpy()[0, 0], expected)
