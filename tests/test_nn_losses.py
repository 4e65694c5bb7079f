"""Losses: float64 gradchecks for every loss and reduction, stability, and error messages."""

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

REDUCTIONS = ["mean", "sum", "none"]


def _x(*shape, seed=0, low=None, high=None, grad=True):
    r = np.random.default_rng(seed)
    a = r.standard_normal(shape) if low is None else r.uniform(low, high, shape)
    return autodiff.tensor(a, dtype=autodiff.float64, requires_grad=grad)


def _idx(*shape, high, seed=0):
    return autodiff.tensor(np.random.default_rng(seed).integers(0, high, shape))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_gradcheck(reduction):
    x, y = _x(3, 4), _x(3, 4, seed=1)
    for fn in (F.mse_loss, F.l1_loss, F.huber_loss):
        assert autodiff.gradcheck(lambda a, b, fn=fn: fn(a, b, reduction=reduction), (x, y))
    assert autodiff.gradcheck(lambda a, b: F.huber_loss(a, b, reduction, delta=0.5), (x, y))
    for mod in (nn.MSELoss(reduction), nn.L1Loss(reduction), nn.HuberLoss(reduction, 0.7)):
        assert autodiff.gradcheck(lambda a, mod=mod: mod(a, y), (x,))


def test_regression_loss_values():
    x = autodiff.tensor([0.5, -3.0, 1.0])
    y = autodiff.tensor([0.0, 0.0, 1.0])
    assert F.mse_loss(x, y).item() == pytest.approx((0.25 + 9) / 3)
    assert F.l1_loss(x, y, reduction="sum").item() == pytest.approx(3.5)
    np.testing.assert_allclose(F.huber_loss(x, y, reduction="none").data, [0.125, 2.5, 0.0])
    np.testing.assert_allclose(
        F.huber_loss(x, y, reduction="none", delta=2.0).data, [0.125, 4.0, 0.0]
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_gradcheck_indices(reduction):
    x = _x(4, 5)
    t = autodiff.tensor([0, 4, 4, 2])
    assert autodiff.gradcheck(lambda a: F.cross_entropy(a, t, reduction=reduction), (x,))
    w = autodiff.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=autodiff.float64)
    t2 = autodiff.tensor([0, -100, 4, 2])
    for kw in (
        {"weight": w},
        {"ignore_index": -100},
        {"label_smoothing": 0.2},
        {"weight": w, "label_smoothing": 0.1},
    ):
        assert autodiff.gradcheck(
            lambda a, kw=kw: F.cross_entropy(a, t2, reduction=reduction, **kw), (x,)
        )
    # spatial: logits (N, C, d1) with targets (N, d1)
    xs, ts = _x(2, 3, 4, seed=1), _idx(2, 4, high=3)
    assert autodiff.gradcheck(lambda a: F.cross_entropy(a, ts, reduction=reduction), (xs,))
    loss = nn.CrossEntropyLoss(reduction=reduction)
    assert autodiff.gradcheck(lambda a: loss(a, t), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_gradcheck_probabilities(reduction):
    x = _x(3, 4)
    p = autodiff.tensor(np.random.default_rng(2).dirichlet(np.ones(4), 3), requires_grad=True)
    assert autodiff.gradcheck(lambda a, q: F.cross_entropy(a, q, reduction=reduction), (x, p))
    assert autodiff.gradcheck(
        lambda a: F.cross_entropy(a, p.detach(), reduction=reduction, label_smoothing=0.3), (x,)
    )


def test_cross_entropy_values_and_special_cases():
    x = autodiff.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    t = autodiff.tensor([2, 0])
    logp = x.data - np.log(np.exp(x.data).sum(1, keepdims=True))
    expected = -(logp[0, 2] + logp[1, 0]) / 2
    assert F.cross_entropy(x, t).item() == pytest.approx(expected, rel=1e-6)
    # probabilities that are one-hot agree with indices
    onehot = F.one_hot(t, 3).float()
    assert F.cross_entropy(x, onehot).item() == pytest.approx(expected, rel=1e-6)
    # ignored targets do not count in the mean
    t_ign = autodiff.tensor([2, -100])
    assert F.cross_entropy(x, t_ign).item() == pytest.approx(-logp[0, 2], rel=1e-6)
    # weights: the mean divides by the sum of the targets' weights
    w = autodiff.tensor([2.0, 1.0, 3.0])
    got = F.cross_entropy(x, t, weight=w).item()
    assert got == pytest.approx(-(3 * logp[0, 2] + 2 * logp[1, 0]) / 5, rel=1e-6)
    # a single sample: (C,) logits and a 0-d target
    assert F.cross_entropy(x[0], autodiff.tensor(2)).item() == pytest.approx(-logp[0, 2], rel=1e-6)
    # nll_loss on log_softmax is cross_entropy
    nll = F.nll_loss(F.log_softmax(x, dim=1), t)
    assert nll.item() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [autodiff.float32, autodiff.float64])
def test_cross_entropy_one_node_matches_log_softmax_then_nll(reduction, dtype):
    # (N, C) logits with class indices take the fused one-node path; nll_loss of
    # log_softmax takes the general one: values and gradients must agree
    w = autodiff.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=dtype)
    t = autodiff.tensor([0, 3, 4, 2, 3, 1])
    for kw in ({}, {"weight": w}, {"ignore_index": 3}, {"weight": w, "ignore_index": 3}):
        x1 = autodiff.tensor(np.random.default_rng(3).standard_normal((6, 5)), dtype=dtype)
        x1.requires_grad_()
        x2 = x1.detach().requires_grad_()
        fused = F.cross_entropy(x1, t, reduction=reduction, **kw)
        general = F.nll_loss(F.log_softmax(x2, dim=1), t, reduction=reduction, **kw)
        assert fused.grad_fn.name == "cross_entropy" and fused.dtype == dtype
        seed = autodiff.tensor(np.arange(1.0, 7.0), dtype=dtype) if reduction == "none" else None
        fused.backward(seed)
        general.backward(seed)
        tol = 1e-5 if dtype == autodiff.float32 else 1e-12
        np.testing.assert_allclose(fused.data, general.data, rtol=tol, atol=tol)
        np.testing.assert_allclose(x1.grad.data, x2.grad.data, rtol=tol, atol=tol)
        assert x1.grad.dtype == dtype
    # second order through the fused node (the registry gradchecks it as well)
    x = _x(3, 4)
    assert autodiff.gradgradcheck(lambda a: F.cross_entropy(a, _idx(3, high=4)), (x,))


def test_cross_entropy_is_stable_for_huge_logits():
    x = autodiff.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], requires_grad=True)
    t = autodiff.tensor([1, 2])
    loss = F.cross_entropy(x, t)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.data).all()
    assert loss.item() == pytest.approx((2000.0 + (1 + np.log1p(np.exp(-1.0)))) / 2, rel=1e-5)
    np.testing.assert_allclose(x.grad.data.sum(1), 0, atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_gradcheck(reduction):
    x = _x(4, 3)
    t = autodiff.tensor([0, 2, 1, 2])
    assert autodiff.gradcheck(lambda a: F.nll_loss(a, t, reduction=reduction), (x,))
    w = autodiff.tensor([0.5, 1.0, 2.0], dtype=autodiff.float64)
    loss = nn.NLLLoss(weight=w, ignore_index=1, reduction=reduction)
    assert autodiff.gradcheck(lambda a: loss(a, t), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses_gradcheck(reduction):
    p = _x(3, 4, low=0.05, high=0.95)
    y = _x(3, 4, seed=1, low=0.0, high=1.0)
    w = _x(4, seed=2, low=0.5, high=2.0, grad=False)
    assert autodiff.gradcheck(
        lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (p, y)
    )
    assert autodiff.gradcheck(
        lambda a: F.binary_cross_entropy(a, y, weight=w, reduction=reduction), (p,)
    )
    x = _x(3, 4, low=-5, high=5)
    pw = _x(4, seed=3, low=0.5, high=3.0)
    assert autodiff.gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), (x, y)
    )
    assert autodiff.gradcheck(
        lambda a, b, c: F.binary_cross_entropy_with_logits(
            a, b, weight=w, reduction=reduction, pos_weight=c
        ),
        (x, y, pw),
    )
    for mod in (nn.BCELoss(reduction=reduction),):
        assert autodiff.gradcheck(lambda a, mod=mod: mod(a, y), (p,))
    mod = nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pw.detach())
    assert autodiff.gradcheck(lambda a: mod(a, y), (x,))


def test_binary_losses_values_and_stability():
    x = autodiff.tensor([1000.0, -1000.0, 0.0, 30.0], requires_grad=True)
    y = autodiff.tensor([0.0, 0.0, 1.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 0.0, np.log(2.0), np.log1p(np.exp(-30.0))])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 0.0, -0.5, -1 / (1 + np.exp(30.0))], atol=1e-7)
    # agrees with sigmoid + binary_cross_entropy where the latter is accurate
    z = autodiff.tensor([-2.0, 0.3, 1.5])
    t = autodiff.tensor([0.0, 1.0, 0.4])
    a = F.binary_cross_entropy_with_logits(z, t)
    b = F.binary_cross_entropy(z.sigmoid(), t)
    assert a.item() == pytest.approx(b.item(), rel=1e-5)
    # probabilities of exactly 0 and 1: the logs are clamped at -100
    p = autodiff.tensor([0.0, 1.0, 1.0], requires_grad=True)
    q = autodiff.tensor([1.0, 0.0, 1.0])
    bce = F.binary_cross_entropy(p, q, reduction="none")
    np.testing.assert_allclose(bce.data, [100.0, 100.0, 0.0])
    bce.sum().backward()
    assert np.isfinite(p.grad.data).all()


def test_one_hot():
    oh = F.one_hot(autodiff.tensor([[0, 2], [1, 1]]), 3)
    assert oh.shape == (2, 2, 3) and oh.dtype == np.int64
    np.testing.assert_array_equal(oh.data[0], [[1, 0, 0], [0, 0, 1]])
    assert F.one_hot(autodiff.tensor([0, 4])).shape == (2, 5)
    with pytest.raises(ValueError, match=r"class values must be in \[0, 3\)"):
        F.one_hot(autodiff.tensor([3]), 3)


def test_loss_errors_name_shapes_and_dtypes():
    x = autodiff.zeros(8, 10)
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: target must be int64 class indices of shape \(8,\) or float "
        r"probabilities of shape \(8, 10\); got int target of shape \(8, 1\)",
    ):
        F.cross_entropy(x, autodiff.zeros(8, 1, dtype=autodiff.int64))
    with pytest.raises(ValueError, match=r"got float target of shape \(8,\)"):
        F.cross_entropy(x, autodiff.zeros(8))
    with pytest.raises(TypeError, match="got dtype bool"):
        F.cross_entropy(x, autodiff.zeros(8, dtype=autodiff.bool))
    with pytest.raises(IndexError, match="target value 10 is out of range for 10 classes"):
        F.cross_entropy(x, autodiff.full((8,), 10))
    with pytest.raises(
        ValueError, match=r"target shape \(3,\) does not match input shape \(3, 1\)"
    ):
        F.mse_loss(autodiff.zeros(3, 1), autodiff.zeros(3))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        F.l1_loss(autodiff.zeros(3), autodiff.zeros(3), reduction="avg")
    with pytest.raises(ValueError, match="reduction must be"):
        nn.MSELoss(reduction="total")
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        F.binary_cross_entropy(autodiff.tensor([1.5]), autodiff.tensor([1.0]))
    with pytest.raises(
        ValueError, match=r"nll_loss: target must be int64 class indices of shape \(8,\)"
    ):
        F.nll_loss(x, autodiff.zeros(8))
    with pytest.raises(ValueError, match=r"weight must have shape \(10,\)"):
        F.cross_entropy(x, autodiff.zeros(8, dtype=autodiff.int64), weight=autodiff.ones(3))
    with pytest.raises(TypeError, match="floating-point"):
        F.mse_loss(autodiff.zeros(3, dtype=autodiff.int64), autodiff.zeros(3))


def test_cross_entropy_single_sample_probability_tensor():
    # review: a (C,) input with a (C,) probability *Tensor* target raised a shape error
    x = _x(3)
    p = autodiff.tensor([0.2, 0.3, 0.5], dtype=autodiff.float64)
    loss = F.cross_entropy(x, p)
    expected = -(p.data * (x.data - np.log(np.exp(x.data).sum()))).sum()
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-10)
    autodiff.gradcheck(lambda a: F.cross_entropy(a, p), (x,))


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_all_targets_ignored_nan_loss_zero_grad(label_smoothing):
    # review: as PyTorch, the mean over no targets is NaN but the gradient is zero (not NaN)
    x = _x(3, 4)
    t = autodiff.tensor([-100, -100, -100])
    loss = F.cross_entropy(x, t, label_smoothing=label_smoothing)
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((3, 4)))


def test_cross_entropy_keeps_its_targets_and_frees_the_logits_after_backward():
    x = _x(4, 3)
    h = x * 1.0  # non-leaf logits
    t = autodiff.tensor([0, 1, 2, 0])
    loss = F.cross_entropy(h, t)
    t.data[:] = 2  # a batch buffer refilled in place: the loss keeps what it saw
    loss.backward()
    p = np.exp(x.data - x.data.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(4), [0, 1, 2, 0]] -= 1.0
    np.testing.assert_allclose(x.grad.data, p / 4, rtol=1e-12, atol=1e-15)
    # after backward the node holds no (N, C) array: the logits are released and it
    # saved only (N, 1) columns
    node = loss.grad_fn
    assert all(not isinstance(i, autodiff.Tensor) or i.grad_fn is None for i in node.inputs)
    saved = [a for a in node.attrs[-1][0]]
    assert all(a.shape == (4, 1) for a in saved)


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


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
