"""The margin, ranking and likelihood losses (autodiff/nn/margin_losses.py,
likelihood_losses.py) against PyTorch: values and every input's gradient under a
random upstream gradient (tests/_oracle.py), each reduction, the modules, and
gradchecks of each loss in float64."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import case as C  # noqa: E402
from _oracle import same_as_torch  # noqa: E402

import autodiff  # noqa: E402
from autodiff import nn  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")
R = np.random.default_rng(41)


def rn(*shape, low=None, high=None, dtype=np.float64):
    x = R.uniform(low, high, shape) if low is not None else R.standard_normal(shape)
    return x.astype(dtype)


def signs(*shape, dtype=np.float64):
    return np.where(R.random(shape) < 0.5, -1.0, 1.0).astype(dtype)


def fn_of(M):
    return M.nn.functional


REDUCTIONS = ("mean", "sum", "none")
SIGNS34 = signs(3, 4)
WEIGHT5 = rn(5, low=0.5, high=2.0)
CASES = [
    *(C(f"margin_ranking-{r}", lambda M, a, b, y, r=r: fn_of(M).margin_ranking_loss(
        a, b, y, margin=0.3, reduction=r), rn(6), rn(6), signs(6)) for r in REDUCTIONS),
    *(C(f"hinge_embedding-{r}", lambda M, x, y, r=r: fn_of(M).hinge_embedding_loss(
        x, y, margin=1.5, reduction=r), rn(3, 4), signs(3, 4)) for r in REDUCTIONS),
    # (PyTorch refuses a target or weight that requires grad in these: given as constants)
    *(C(f"soft_margin-{r}", lambda M, x, r=r: fn_of(M).soft_margin_loss(
        x, M.tensor(SIGNS34), reduction=r), rn(3, 4)) for r in REDUCTIONS),
    *(C(f"cosine_embedding-{r}", lambda M, a, b, y, r=r: fn_of(M).cosine_embedding_loss(
        a, b, y, margin=0.2, reduction=r), rn(5, 3), rn(5, 3), signs(5)) for r in REDUCTIONS),
    C("cosine_embedding-1d", lambda M, a, b, y: fn_of(M).cosine_embedding_loss(a, b, y),
      rn(4), rn(4), np.array(1.0)),
    *(C(f"triplet_margin-{r}", lambda M, a, p, n, r=r: fn_of(M).triplet_margin_loss(
        a, p, n, reduction=r), rn(4, 3), rn(4, 3), rn(4, 3)) for r in REDUCTIONS),
    C("triplet_margin-p1-swap", lambda M, a, p, n: fn_of(M).triplet_margin_loss(
        a, p, n, margin=2.0, p=1, swap=True), rn(4, 3), rn(4, 3), rn(4, 3)),
    *(C(f"multilabel_soft_margin-{r}", lambda M, x, y, r=r: fn_of(M).multilabel_soft_margin_loss(
        x, y, reduction=r), rn(3, 5), (R.random((3, 5)) < 0.5) * 1.0) for r in REDUCTIONS),
    C("multilabel_soft_margin-weight", lambda M, x, y, w: fn_of(M).multilabel_soft_margin_loss(
        x, y, weight=w), rn(3, 5), (R.random((3, 5)) < 0.5) * 1.0, rn(5, low=0.5, high=2.0)),
    *(C(f"multi_margin-{r}", lambda M, x, y, r=r: fn_of(M).multi_margin_loss(
        x, y, reduction=r), rn(4, 5), np.array([0, 3, 4, 1])) for r in REDUCTIONS),
    C("multi_margin-p2-margin-weight", lambda M, x, y:
      fn_of(M).multi_margin_loss(x, y, p=2, margin=0.5, weight=M.tensor(WEIGHT5)),
      rn(4, 5), np.array([0, 3, 4, 1])),
    C("multi_margin-1d", lambda M, x, y: fn_of(M).multi_margin_loss(x, y), rn(5), np.array(2)),
    *(C(f"poisson_nll-{r}", lambda M, x, y, r=r: fn_of(M).poisson_nll_loss(x, y, reduction=r),
        rn(3, 4), R.poisson(2.0, (3, 4)) * 1.0) for r in REDUCTIONS),
    C("poisson_nll-rate-full", lambda M, x, y: fn_of(M).poisson_nll_loss(
        x, y, log_input=False, full=True), rn(3, 4, low=0.1, high=3.0),
      # (targets of 0 give PyTorch NaN gradients for them, autodiff finite ones)
      R.poisson(2.0, (3, 4)) + 1.0),
    *(C(f"gaussian_nll-{r}", lambda M, x, y, v, r=r: fn_of(M).gaussian_nll_loss(
        x, y, v, reduction=r), rn(3, 4), rn(3, 4), rn(3, 4, low=0.1, high=2.0))
      for r in REDUCTIONS),
    C("gaussian_nll-var-one-fewer-full", lambda M, x, y, v: fn_of(M).gaussian_nll_loss(
        x, y, v, full=True), rn(3, 4), rn(3, 4), rn(3, low=0.1, high=2.0)),
    C("gaussian_nll-var-last-1-tiny", lambda M, x, y, v: fn_of(M).gaussian_nll_loss(
        x, y, v, eps=1e-3), rn(3, 4), rn(3, 4), rn(3, 1, low=0.0, high=2e-3)),
    C("modules", lambda M, a, b, y: M.nn.MarginRankingLoss(0.1)(a, b, y)
      + M.nn.SoftMarginLoss()(a, y.detach()) + M.nn.HingeEmbeddingLoss()(a, y)
      + M.nn.TripletMarginLoss()(a[None], b[None], a[None] * 2)
      + M.nn.PoissonNLLLoss()(a, y.abs()) + M.nn.GaussianNLLLoss()(a, b, y.abs()),
      rn(6), rn(6), signs(6)),
    C("modules-2d", lambda M, x, y, i: M.nn.CosineEmbeddingLoss()(x, x * 2 + 1, y[:, 0])
      + M.nn.MultiLabelSoftMarginLoss()(x, (y > 0) * 1.0) + M.nn.MultiMarginLoss()(x, i),
      rn(4, 3), signs(4, 3), np.array([0, 2, 1, 0])),
    C("float32", lambda M, a, b, y: fn_of(M).margin_ranking_loss(a, b, y),
      rn(6, dtype=np.float32), rn(6, dtype=np.float32), signs(6, dtype=np.float32)),
]


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_same_as_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


@pytest.mark.parametrize(
    "loss",
    [
        lambda x: F.soft_margin_loss(x, autodiff.tensor([1.0, -1.0, 1.0])),
        lambda x: F.cosine_embedding_loss(x[None], x[None] + 1.0, autodiff.tensor([-1.0]), 0.1),
        lambda x: F.triplet_margin_loss(x[None], x[None] * 0.5, x[None] * -1.0),
        lambda x: F.poisson_nll_loss(x, autodiff.tensor([1.0, 2.0, 0.0])),
        lambda x: F.gaussian_nll_loss(x, x * 0.5, x.abs() + 0.5),
        lambda x: F.multilabel_soft_margin_loss(x[None], autodiff.tensor([[1.0, 0.0, 1.0]])),
    ],
)
def test_losses_gradcheck_first_and_second_order(loss):
    x = autodiff.tensor([0.3, -1.2, 0.8], dtype=autodiff.float64, requires_grad=True)
    assert autodiff.gradcheck(loss, (x,))
    assert autodiff.gradgradcheck(loss, (x,))


def test_bad_arguments_say_what_is_wrong():
    x = autodiff.ones(2, 3)
    with pytest.raises(ValueError, match="reduction must be"):
        F.margin_ranking_loss(x, x, x, reduction="avg")
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        F.multi_margin_loss(x, autodiff.tensor([0, 1]), p=3)
    with pytest.raises(ValueError, match="var of shape"):
        F.gaussian_nll_loss(x, x, autodiff.ones(3))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(x, x, -autodiff.ones(2, 3))
    with pytest.raises(TypeError, match="must be a Tensor"):
        F.soft_margin_loss("x", x)
    assert isinstance(nn.MultiMarginLoss(), nn.Module) and "GaussianNLLLoss" in dir(nn)
