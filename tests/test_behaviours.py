"""The seven behaviours users check first, with PyTorch's numbers."""

import numpy as np
import pytest

import autodiff


def test_5_kinks():
    x = autodiff.tensor([0.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.item() == 0
    x.grad = None
    x.abs().sum().backward()
    assert x.grad.item() == 0
    x = autodiff.tensor([-1.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clamp(min=-1.0, max=1.0).sum().backward()
    assert x.grad.tolist() == [1, 1, 1, 0]  # passes at the bounds


def test_6_softmax_abs_sum_has_zero_gradient():
    x = autodiff.tensor([[1.0, -2.0, 3.0], [0.5, 0.1, -0.3]], requires_grad=True)
    autodiff.softmax(x, dim=1).abs().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0, atol=1e-6)


def test_7_repeated_indices_add_up():
    x = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2, 0, 1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_stays_through_forward_and_backward(dtype):
    x = autodiff.tensor(np.linspace(-1, 1, 6, dtype=dtype).reshape(2, 3), requires_grad=True)
    w = autodiff.tensor(np.ones((3, 2), dtype=dtype), requires_grad=True)
    y = (x @ w).tanh() * 2.5 + 1
    loss = autodiff.log_softmax(y, dim=1).sum() + (x**2).mean()
    assert loss.dtype == dtype
    loss.backward()
    assert x.grad.dtype == dtype and w.grad.dtype == dtype


def test_promotion_follows_pytorch():
    f32 = autodiff.ones(3)
    assert (f32 * autodiff.tensor(2.0, dtype=autodiff.float64)).dtype == np.float32
    assert (f32 * 2.5).dtype == np.float32
    ints = autodiff.tensor([1, 2])
    assert ints.dtype == np.int64
    assert (ints / ints).dtype == np.float32
    assert (ints * 2.5).dtype == np.float32
    assert (ints * 2).dtype == np.int64
    assert (ints * autodiff.tensor([1.0, 2.0], dtype=autodiff.float64)).dtype == np.float64
    assert autodiff.tensor(np.arange(3, dtype=np.int32)).dtype == np.int32
    autodiff.set_default_dtype(autodiff.float64)
    assert autodiff.tensor([1.0]).dtype == np.float64


def test_stable_softmax_family_at_large_logits():
    x = autodiff.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    for fn in (
        lambda t: autodiff.softmax(t, dim=1)[0, 0],
        lambda t: autodiff.log_softmax(t, dim=1).sum(),
        lambda t: autodiff.logsumexp(t, dim=1).sum(),
    ):
        x.grad = None
        out = fn(x)
        assert np.isfinite(out.item())
        out.backward()
        assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(autodiff.logsumexp(x, dim=1).item(), 1000.0)
