"""Edge cases where autodiff once differed from PyTorch (found by differential
testing); each expected value is PyTorch 2.13's."""

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_tensor_copies_a_numpy_array():
    # once: the Tensor shared the array, so an optimizer step changed the caller's
    # array and a change to the array changed the saved values (wrong gradient)
    array = np.array([1.0, 2.0])
    x = autodiff.tensor(array, requires_grad=True)
    y = (x * x).sum()
    array *= 100
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]
    start = np.array([1.0, 2.0])
    w = autodiff.tensor(start, requires_grad=True)
    (w * w).sum().backward()
    autodiff.optim.SGD([w], lr=0.5).step()
    assert start.tolist() == [1.0, 2.0] and w.tolist() == [0.0, 0.0]
    shared = autodiff.from_numpy(start)  # the sharing constructor
    start[0] = 7.0
    assert shared.tolist() == [7.0, 2.0]


def test_int_too_large_for_int64_raises():
    with pytest.raises(OverflowError, match="does not fit int64"):
        autodiff.tensor(2**63)
    assert autodiff.tensor(2**63 - 1).item() == 2**63 - 1


def test_inf_norm_over_a_dim_shares_ties():
    x = leaf([[3.0, -3.0, 1.0], [2.0, 0.0, -1.0]])
    x.norm(p=float("inf"), dim=1).sum().backward()
    assert x.grad.tolist() == [[0.5, -0.5, 0.0], [1.0, 0.0, -0.0]]
    assert x.norm(p=float("inf"), dim=(0, 1)).item() == 3.0  # once: a TypeError


def test_p_norm_of_zeros_has_zero_gradient():
    z = leaf([[0.0, 0.0], [1.0, 2.0]])
    z.norm(p=3, dim=1).sum().backward()  # once: NaN for the zero row
    row = np.array([1.0, 2.0])
    assert z.grad.numpy()[0].tolist() == [0.0, 0.0]
    assert np.allclose(z.grad.numpy()[1], row**2 / np.sum(row**3) ** (2 / 3))


def test_max_with_a_nan_sends_the_gradient_to_the_nan():
    x = leaf([1.0, np.nan, 3.0])
    x.max().backward()  # once: ZeroDivisionError
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


def test_losses_on_one_sample_without_reduction_are_0d():
    logits = leaf([1.0, 2.0, 3.0])
    loss = F.cross_entropy(logits, autodiff.tensor(2), reduction="none")
    assert loss.shape == ()  # once: (1,)
    loss.backward()
    softmax = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    assert np.allclose(logits.grad.numpy(), softmax - [0, 0, 1])
    probs = F.cross_entropy(leaf([1.0, 2.0, 3.0]), autodiff.tensor([0.2, 0.3, 0.5]), reduction="none")
    assert probs.shape == ()
    assert F.nll_loss(autodiff.tensor([-1.0, -2.0]), autodiff.tensor(1), reduction="none").shape == ()


def test_probability_targets_on_an_empty_batch_give_nan():
    assert np.isnan(F.cross_entropy(autodiff.zeros(0, 3), autodiff.zeros(0, 3)).item())


def test_loss_weight_larger_than_the_input_raises():
    p = autodiff.tensor([0.2, 0.4, 0.6, 0.8])
    y = autodiff.tensor([0.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="does not broadcast to the input's"):
        F.binary_cross_entropy(p, y, weight=autodiff.ones(3, 4))
    with pytest.raises(ValueError, match="pos_weight of shape"):
        F.binary_cross_entropy_with_logits(p, y, pos_weight=autodiff.ones(3, 4))
    assert F.binary_cross_entropy(p, y, weight=autodiff.ones(4)).shape == ()


def test_clip_grad_norm_with_a_nan_gradient_makes_all_nan():
    a, b = leaf([1.0]), leaf([1.0])
    a.grad, b.grad = leaf([np.nan]).detach(), leaf([1.0]).detach()
    nn.utils.clip_grad_norm_([a, b], 1.0)
    assert np.isnan(b.grad.item())


def test_var_and_std_over_an_empty_dim_have_empty_gradients():
    for op in ("var", "std"):
        x = autodiff.zeros(0, 2, dtype=np.float64, requires_grad=True)
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
            getattr(x, op)(dim=0).sum().backward()
        assert x.grad.shape == (0, 2)


@pytest.mark.parametrize("op, expected", [("sum", 10.0), ("mean", 2.5), ("norm", 30**0.5)])
def test_reducing_over_dim_empty_tuple_reduces_everything(op, expected):
    x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.isclose(getattr(x, op)(dim=()).item(), expected)


def test_small_api_edges():
    assert (autodiff.tensor([1.0, 2.0]) == None) is False  # noqa: E711 - the point
    assert (autodiff.tensor([1.0]) != None) is True  # noqa: E711
    with pytest.raises(ValueError, match="arange: step -1 cannot go from 0 to 10"):
        autodiff.arange(0, 10, -1)
    assert autodiff.arange(5, 0, -2).tolist() == [5, 3, 1]
    with pytest.raises(TypeError, match="randn_like: random floats cannot have dtype int64"):
        autodiff.randn_like(autodiff.tensor([1, 2]))
    a = autodiff.tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    loss = F.mse_loss(a, autodiff.tensor([1.5, 2.0], dtype=np.float64))
    assert loss.dtype == np.float64  # promoted, as PyTorch
    loss.backward()
    assert a.grad.dtype == np.float32 and a.grad.tolist() == [-0.5, 0.0]


def test_max_pool_with_a_nan_sends_the_gradient_to_it():
    values = np.arange(16.0).reshape(1, 1, 4, 4)
    values[0, 0, 1, 1] = np.nan
    x = leaf(values)
    F.max_pool2d(x, 2).sum().backward()  # once: the NaN window's gradient was lost
    expected = np.zeros((4, 4))
    expected[1, 1] = expected[1, 3] = expected[3, 1] = expected[3, 3] = 1.0
    assert np.array_equal(x.grad.numpy()[0, 0], expected)


def test_from_numpy_shares_memory_when_it_requires_grad():
    array = np.array([1.0, 2.0])
    t = autodiff.from_numpy(array, requires_grad=True)
    array[0] = 5.0
    assert t.tolist() == [5.0, 2.0] and t.requires_grad


def test_p_norm_below_one_has_zero_gradient_at_zero_elements():
    x = leaf([[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]])
    x.norm(p=0.5, dim=1).sum().backward()
    norm = (1.0 + 2.0**0.5) ** 2
    expected = [[0.0, 0.0, 0.0], [norm**0.5, -((norm / 2.0) ** 0.5), 0.0]]
    assert np.allclose(x.grad.numpy(), expected)  # once: NaN in the last place
