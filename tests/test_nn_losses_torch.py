"""smooth_l1_loss, kl_div and cross_entropy(label_smoothing=) against PyTorch:
values, gradients (input and target, random upstream gradients), dtypes, edge
values, every reduction; SmoothL1Loss and KLDivLoss; errors."""

import warnings
import zlib

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
tnn = torch.nn


def _tol(dtype):
    return dict(rtol=2e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-12)


def _compare(fn_o, fn_t, arrays, grads, dtype, **kw):
    """Call both with the same arrays (``grads``: which require grad); compare
    value, dtype, shape and the gradients for a random upstream gradient."""
    a = [autodiff.tensor(x, requires_grad=g) for x, g in zip(arrays, grads)]
    t = [torch.tensor(x, requires_grad=g) for x, g in zip(arrays, grads)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            la = fn_o(*a, **kw)
        lt = fn_t(*t, **kw)
    assert la.shape == tuple(lt.shape)
    assert la.dtype == lt.detach().numpy().dtype
    np.testing.assert_allclose(la.data, lt.detach().numpy(), equal_nan=True, **_tol(dtype))
    up = np.random.default_rng(3).standard_normal(la.shape).astype(la.dtype)
    with np.errstate(all="ignore"):
        la.backward(autodiff.tensor(up))
    lt.backward(torch.tensor(up))
    for i, (x, y) in enumerate(zip(a, t)):
        if x.requires_grad:
            np.testing.assert_allclose(
                x.grad.data, y.grad.numpy(), equal_nan=True, err_msg=f"grad {i}", **_tol(dtype)
            )
    return la


REDUCTIONS = ["mean", "sum", "none"]

# ------------------------------------------------------------ smooth_l1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0, 0.0, 1e-3])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_smooth_l1(reduction, beta, dtype):
    r = np.random.default_rng(0)
    x = (r.standard_normal((4, 5)) * 2).astype(dtype)
    y = (r.standard_normal((4, 5)) * 2).astype(dtype)
    # edges: exactly equal, |d| == beta, large, NaN
    x[0, 0], y[0, 0] = 1.5, 1.5
    x[0, 1], y[0, 1] = beta + 0.5, 0.5
    x[0, 2], y[0, 2] = 1e20, -1e20
    kw = dict(reduction=reduction, beta=beta)
    _compare(F.smooth_l1_loss, TF.smooth_l1_loss, [x, y], [True, True], dtype, **kw)
    x[1, 1] = np.nan
    _compare(F.smooth_l1_loss, TF.smooth_l1_loss, [x, y], [True, False], dtype, **kw)


def test_smooth_l1_second_order_and_errors():
    x = autodiff.tensor(np.random.default_rng(1).standard_normal((3, 4)) * 2, requires_grad=True)
    y = autodiff.tensor(np.random.default_rng(2).standard_normal((3, 4)))
    assert autodiff.gradgradcheck(lambda v: F.smooth_l1_loss(v, y, beta=0.7), (x,))
    with pytest.raises(ValueError, match="beta must be >= 0"):
        F.smooth_l1_loss(x, y, beta=-1.0)
    with pytest.raises(ValueError, match="reduction"):
        F.smooth_l1_loss(x, y, reduction="batchmean")
    with pytest.raises(ValueError, match="shape"):
        F.smooth_l1_loss(x, autodiff.zeros(4, 3))
    with pytest.raises(TypeError, match="deprecated"):
        F.smooth_l1_loss(x, y, size_average=True)


def test_smooth_l1_mixed_dtypes():
    x32 = autodiff.ones(3, requires_grad=True)
    assert F.smooth_l1_loss(x32, autodiff.zeros(3, dtype=autodiff.float64)).dtype == np.float64
    assert F.smooth_l1_loss(x32, autodiff.tensor([0, 1, 2])).dtype == np.float32


# ----------------------------------------------------------------- kl_div


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
def test_kl_div(reduction, log_target, dtype):
    r = np.random.default_rng(4)
    logits = r.standard_normal((4, 5))
    inp = (logits - np.log(np.exp(logits).sum(1, keepdims=True))).astype(dtype)
    p = r.dirichlet(np.ones(5), size=4)
    p[0, 1] = 0.0  # a zero probability: 0 log 0 = 0
    with np.errstate(divide="ignore"):
        tgt = (np.log(p) if log_target else p).astype(dtype)
    kw = dict(reduction=reduction, log_target=log_target)
    with np.errstate(divide="ignore"):
        _compare(F.kl_div, TF.kl_div, [inp, tgt], [True, False], dtype, **kw)
    if not log_target:
        tgt[0, 1] = 0.3  # (the target's gradient at 0 is NaN in PyTorch: not compared)
    _compare(F.kl_div, TF.kl_div, [inp, tgt], [True, True], dtype, **kw)


def test_kl_div_edges():
    # negative and NaN targets: NaN losses, as PyTorch's xlogy; large log-probabilities
    x = np.array([-1.0, -2.0, -0.5, -1.0, -1e30, 0.0])
    t = np.array([0.0, 0.5, -0.1, np.nan, 0.5, 1.0])
    _compare(F.kl_div, TF.kl_div, [x, t], [True, False], np.float64, reduction="none")
    lt = np.array([-1000.0, 0.5, -np.inf, 2.0, -3.0, 0.0])
    _compare(
        F.kl_div, TF.kl_div, [x, lt], [True, False], np.float64, reduction="none", log_target=True
    )


@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none", "mean"])
def test_kl_div_broadcast_and_0d(reduction):
    x = np.log(np.full((3, 1), 0.25))
    t = np.full((1, 4), 0.25)
    _compare(F.kl_div, TF.kl_div, [x, t], [True, True], np.float64, reduction=reduction)
    _compare(
        F.kl_div,
        TF.kl_div,
        [np.array(-1.0), np.array(0.5)],
        [True, True],
        np.float64,
        reduction=reduction,
    )


def test_kl_div_warns_errors_and_second_order():
    x = autodiff.tensor(np.log(np.full((2, 3), 1 / 3)), requires_grad=True)
    t = autodiff.tensor(np.full((2, 3), 1 / 3))
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(x, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(x, t, reduction="batchmean")
    with pytest.raises(ValueError, match="reduction must be"):
        F.kl_div(x, t, reduction="avg")
    with pytest.raises(ValueError, match="broadcast"):
        F.kl_div(x, autodiff.ones(4))
    with pytest.raises(TypeError, match="floating"):
        F.kl_div(autodiff.tensor([1, 2]), t)
    tt = autodiff.tensor(np.random.default_rng(0).uniform(0.1, 1, (2, 3)), requires_grad=True)
    assert autodiff.gradgradcheck(lambda a, b: F.kl_div(a, b, reduction="batchmean"), (x, tt))
    assert autodiff.gradgradcheck(
        lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True), (x, tt)
    )


# ---------------------------------------------------- cross_entropy smoothing


def _ce_inputs(shape, kind, rng):
    c = shape[1] if len(shape) > 1 else shape[0]
    x = rng.standard_normal(shape) * 3
    if kind == "probs":
        t = rng.uniform(size=shape)
        t /= t.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
        return x, t
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = rng.integers(0, c, tshape)
    if kind == "ignored" and t.ndim:
        t.flat[0] = -100
        t.flat[-1] = 1
    return x, t


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["indices", "ignored", "probs"])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5), (5,)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.1, 0.55, 1.0])
def test_cross_entropy_label_smoothing(smoothing, reduction, shape, kind, weighted, dtype):
    rng = np.random.default_rng(zlib.crc32(repr((shape, kind)).encode()))
    x, t = _ce_inputs(shape, kind, rng)
    x = x.astype(dtype)
    if kind == "probs":
        t = t.astype(dtype)
    c = shape[1] if len(shape) > 1 else shape[0]
    w = rng.uniform(0.2, 2.0, c).astype(dtype) if weighted else None

    def ours(a, b):
        return F.cross_entropy(
            a,
            b,
            weight=None if w is None else autodiff.tensor(w),
            reduction=reduction,
            label_smoothing=smoothing,
        )

    def theirs(a, b):
        return TF.cross_entropy(
            a,
            b,
            weight=None if w is None else torch.tensor(w),
            reduction=reduction,
            label_smoothing=smoothing,
        )

    _compare(ours, theirs, [x, t], [True, kind == "probs"], dtype)


def test_cross_entropy_label_smoothing_all_ignored_and_module():
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = np.full(3, 2)
    for red in REDUCTIONS:
        _compare(
            F.cross_entropy,
            TF.cross_entropy,
            [x, t],
            [True, False],
            np.float64,
            ignore_index=2,
            reduction=red,
            label_smoothing=0.2,
        )
    ours = nn.CrossEntropyLoss(label_smoothing=0.3, ignore_index=1)
    theirs = tnn.CrossEntropyLoss(label_smoothing=0.3, ignore_index=1)
    t = np.array([0, 1, 3])
    _compare(ours, theirs, [x, t], [True, False], np.float64)
    a = autodiff.tensor(x, requires_grad=True)
    assert autodiff.gradgradcheck(
        lambda v: F.cross_entropy(v, autodiff.tensor(t), label_smoothing=0.3), (a,)
    )
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(a, autodiff.tensor(t), label_smoothing=1.5)


# ---------------------------------------------------------------- modules


@pytest.mark.parametrize(
    "name,kw",
    [
        ("SmoothL1Loss", {}),
        ("SmoothL1Loss", {"beta": 0.5, "reduction": "sum"}),
        ("SmoothL1Loss", {"reduction": "none"}),
        ("KLDivLoss", {"reduction": "batchmean"}),
        ("KLDivLoss", {"reduction": "sum", "log_target": True}),
        ("KLDivLoss", {}),
    ],
)
def test_loss_modules(name, kw):
    ours, theirs = getattr(nn, name)(**kw), getattr(tnn, name)(**kw)
    assert repr(ours) == repr(theirs)
    assert list(ours.parameters()) == [] and ours.state_dict() == {}
    for k in ("reduction", "beta", "log_target"):
        if hasattr(theirs, k):
            assert getattr(ours, k) == getattr(theirs, k)
    r = np.random.default_rng(8)
    x = np.log(r.dirichlet(np.ones(5), size=3))
    y = r.dirichlet(np.ones(5), size=3)
    if kw.get("log_target"):
        y = np.log(y)
    _compare(ours, theirs, [x, y], [True, True], np.float64)


def test_loss_module_errors():
    with pytest.raises(ValueError, match="beta"):
        nn.SmoothL1Loss(beta=-0.5)
    with pytest.raises(ValueError, match="reduction"):
        nn.SmoothL1Loss(reduction="batchmean")
    with pytest.raises(ValueError, match="reduction"):
        nn.KLDivLoss(reduction="avg")
    with pytest.raises(TypeError, match="deprecated"):
        nn.KLDivLoss(size_average=False)
