"""PyTorch's names, called the same way in both libraries (issue 17).

Each case is one call written once as ``fn(M, *arrays)`` and run with ``M = autodiff``
and ``M = torch`` on the same inputs (tests/_oracle.py): values, dtypes, shapes, and the
gradients of every floating input under a random upstream gradient. Error cases must
raise the same exception type on both sides. The names are the ones the issue lists and
the ones makemore, nanoGPT and the Zero-to-Hero notebooks use.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import Mismatch, NoGrad, check  # noqa: E402

import autodiff  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

TF = torch.nn.functional
pytestmark = pytest.mark.filterwarnings("ignore")

R = np.random.default_rng(17)


def rn(*shape, dtype=np.float64, low=None, high=None):
    if low is not None:
        return R.uniform(low, high, size=shape).astype(dtype)
    return R.standard_normal(shape).astype(dtype)


def distinct(*shape, dtype=np.float64):
    n = int(np.prod(shape))
    return (R.permutation(n) * 0.37 - n * 0.1).reshape(shape).astype(dtype)


def ints(*shape, low=0, high=5):
    return R.integers(low, high, size=shape).astype(np.int64)


def NG(a):
    return NoGrad(a)


def _ns(M):
    """The functional namespace of M."""
    return F if M is autodiff else TF


X34 = rn(3, 4)
X34f = rn(3, 4, dtype=np.float32)
D35 = distinct(3, 5)
D35f = distinct(3, 5, dtype=np.float32)
NAN34 = rn(3, 4)
NAN34[0, 1] = NAN34[2, 3] = np.nan
P34 = rn(3, 4, low=0.05, high=0.95)
POS34 = rn(3, 4, low=0.5, high=2.0)


def C(name, fn, *args, grad=True, tol=None):
    return pytest.param(fn, args, grad, tol, id=name)


CASES = [
    # ---- reductions with numpy's names and dims
    C("sum-axis-keepdims", lambda M, x: M.sum(x, axis=1, keepdims=True), X34),
    C("mean-axis", lambda M, x: M.mean(x, axis=0), X34f),
    C("max-dim", lambda M, x: M.max(x, dim=1), D35),
    C("min-axis-keepdims", lambda M, x: M.min(x, axis=1, keepdims=True), D35),
    C("amax-tuple", lambda M, x: M.amax(x, dim=(0, 1)), D35),
    C("prod-dim", lambda M, x: M.prod(x, 1, keepdim=True), X34),
    C("std-axis", lambda M, x: M.std(x, axis=1), X34),
    C("var-correction", lambda M, x: M.var(x, 0, correction=0), X34),
    C("logsumexp-axis", lambda M, x: M.logsumexp(x, axis=1), X34),
    C("argmax-keepdims", lambda M, x: M.argmax(x, dim=1, keepdims=True), D35),
    C("std_mean", lambda M, x: M.std_mean(x, dim=1), X34),
    C("var_mean-keepdim", lambda M, x: M.var_mean(x, 0, keepdim=True), X34),
    C("aminmax", lambda M, x: M.aminmax(x, dim=0), D35),
    C("any-dim", lambda M, x: M.any(x > 0, dim=1), X34),
    C("all-axis", lambda M, x: M.all(x > -3, axis=0), X34),
    C("nansum", lambda M, x: M.nansum(x), NAN34),
    C("nansum-dim", lambda M, x: M.nansum(x, 1, keepdim=True), NAN34),
    C("nanmean", lambda M, x: M.nanmean(x, dim=0), NAN34),
    C("nanmean-all", lambda M, x: M.nanmean(x), NAN34),
    C("median-all", lambda M, x: M.median(x), D35),
    C("median-dim", lambda M, x: M.median(x, 1), D35),
    C("median-even", lambda M, x: M.median(x, 0, keepdim=True), distinct(4, 3)),
    C("median-method", lambda M, x: x.median(dim=-1), D35f),
    C("median-nan", lambda M, x: M.median(x, 1), NAN34, grad=False),
    C("nanmedian", lambda M, x: M.nanmedian(x, 1), NAN34, grad=False),
    C("nanmedian-all", lambda M, x: M.nanmedian(x), NAN34, grad=False),
    C("median-int", lambda M, x: M.median(x, 0), ints(5, 3, high=100)),
    C("kthvalue", lambda M, x: M.kthvalue(x, 2, 1), D35),
    C("kthvalue-keepdim", lambda M, x: M.kthvalue(x, 3, 0, True), D35),
    C("mode", lambda M, x: M.mode(x, 1),
      np.array([[1.0, 2.0, 2.0, 3.0], [5.0, 4.0, 4.0, 5.0]]), grad=False),
    C("quantile", lambda M, x: M.quantile(x, 0.3), D35),
    C("quantile-dim", lambda M, x: M.quantile(x, 0.75, dim=1, keepdim=True), D35),
    C("quantile-q-tensor", lambda M, x, q: M.quantile(x, q, dim=0), D35,
      NG(np.array([0.1, 0.5, 0.9]))),
    C("quantile-lower", lambda M, x: M.quantile(x, 0.4, 1, interpolation="lower"), D35),
    C("quantile-higher", lambda M, x: M.quantile(x, 0.4, 1, interpolation="higher"), D35),
    C("quantile-midpoint", lambda M, x: M.quantile(x, 0.4, 1, interpolation="midpoint"),
      D35),
    C("quantile-nearest", lambda M, x: M.quantile(x, 0.4, 1, interpolation="nearest"), D35),
    C("quantile-f32", lambda M, x: M.quantile(x, 0.5, dim=1), D35f),
    C("nanquantile", lambda M, x: M.nanquantile(x, 0.5, dim=1), NAN34, grad=False),
    C("count_nonzero", lambda M, x: M.count_nonzero(x, dim=0),
      np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]])),
    C("count_nonzero-all", lambda M, x: M.count_nonzero(x), ints(3, 4)),
    C("trace", lambda M, x: M.trace(x), X34),
    C("trace-int", lambda M, x: M.trace(x), ints(3, 3)),
    C("dist", lambda M, a, b: M.dist(a, b), X34, rn(3, 4)),
    C("dist-p1", lambda M, a, b: M.dist(a, b, 1), X34, rn(4)),
    C("cumsum", lambda M, x: M.cumsum(x, dim=1), X34),
    C("cumprod", lambda M, x: M.cumprod(x, 0), X34),
    C("cummax", lambda M, x: M.cummax(x, 1), D35),
    C("logcumsumexp", lambda M, x: M.logcumsumexp(x, 1), X34),
    # ---- elementwise
    C("add-alpha", lambda M, a, b: M.add(a, b, alpha=2), X34, rn(4)),
    C("add-alpha-f32", lambda M, a, b: a.add(b, alpha=0.5), X34f, rn(3, 4, dtype=np.float32)),
    C("sub-alpha", lambda M, a, b: M.sub(a, b, alpha=-1.5), X34, rn(3, 1)),
    C("sub-alpha-method", lambda M, a, b: a.sub(b, alpha=3), X34, rn(3, 4)),
    C("add-alpha-scalar", lambda M, a: M.add(a, 2, alpha=3), X34),
    C("add-alpha-int", lambda M, a, b: M.add(a, b, alpha=2), ints(3), ints(3)),
    C("add-alpha-bool", lambda M, a, b: M.add(a > 2, b > 2, alpha=2), ints(4), ints(4)),
    C("add-alpha-int-float", lambda M, a, b: M.add(a, b, alpha=0.5), ints(3), rn(3)),
    C("add_-alpha", lambda M, a, b: a.clone().add_(b, alpha=2), X34, rn(3, 4)),
    C("sub_-alpha", lambda M, a, b: a.clone().sub_(b, alpha=0.25), X34, rn(4)),
    C("rsub", lambda M, a, b: M.rsub(a, b, alpha=2), X34, rn(3, 4)),
    C("rsub-scalar", lambda M, a: M.rsub(a, 5.0), X34),
    C("subtract", lambda M, a, b: M.subtract(a, b, alpha=2), X34, rn(3, 4)),
    C("multiply", lambda M, a, b: M.multiply(a, b), X34, rn(4)),
    C("divide-floor", lambda M, a, b: M.divide(a, b, rounding_mode="floor"), X34,
      rn(3, 4, low=0.5, high=2.0), grad=False),
    C("true_divide", lambda M, a, b: M.true_divide(a, b), ints(3, high=9), ints(3, 1, 5)),
    C("floor_divide", lambda M, a, b: M.floor_divide(a, b), ints(5, low=-9, high=9),
      ints(5, low=1, high=4)),
    C("floor_divide-float", lambda M, a, b: M.floor_divide(a, b), X34, POS34),
    C("positive", lambda M, a: M.positive(a), X34),
    C("negative", lambda M, a: M.negative(a), X34),
    C("square", lambda M, a: M.square(a), X34),
    C("absolute", lambda M, a: M.absolute(a), X34),
    C("reciprocal", lambda M, a: M.reciprocal(a), POS34),
    C("reciprocal-int", lambda M, a: a.reciprocal(), ints(3, low=1)),
    C("inplace-chain", lambda M, a: (a * 1).exp_().log1p_().clamp_min_(1.5).sqrt_(), X34),
    C("inplace-addcmul_", lambda M, a, b: (a * 1).addcmul_(b, b, value=0.5), X34, rn(4)),
    C("inplace-tril_", lambda M, a: (a * 1).tril_(-1), X34),
    C("inplace-pow_", lambda M, a: (a * 1).pow_(3), X34),
    C("inplace-lerp_", lambda M, a, b: (a * 1).lerp_(b, 0.3), X34, rn(3, 4)),
    C("inplace-scatter_add_", lambda M, a, b: (a * 1).scatter_add_(
        0, M.tensor([[0, 1, 2, 0]]), b), X34, rn(1, 4)),
    C("arcsin", lambda M, a: M.arcsin(a), rn(5, low=-0.9, high=0.9)),
    C("arccos", lambda M, a: M.arccos(a), rn(5, low=-0.9, high=0.9)),
    C("arctan", lambda M, a: M.arctan(a), X34),
    C("arctan2", lambda M, a, b: M.arctan2(a, b), X34, POS34),
    C("fix", lambda M, a: M.fix(a * 3), X34),
    C("clamp_min", lambda M, a: M.clamp_min(a, 0.1), X34),
    C("clamp_max", lambda M, a: a.clamp_max(0.1), X34f),
    C("clip", lambda M, a: M.clip(a, -0.5, 0.5), X34),
    C("addcmul", lambda M, a, b, c: M.addcmul(a, b, c, value=0.5), X34, rn(3, 4), rn(4)),
    C("addcdiv", lambda M, a, b, c: M.addcdiv(a, b, c, value=2), X34, rn(3, 4), POS34),
    C("addcmul-method", lambda M, a, b, c: a.addcmul(b, c), X34f,
      rn(3, 4, dtype=np.float32), rn(3, 4, dtype=np.float32)),
    C("logit", lambda M, a: M.logit(a), P34),
    C("logit-eps", lambda M, a: M.logit(a, eps=0.2), P34),
    C("logit-int", lambda M, a: M.logit(a), ints(3)),
    C("xlogy", lambda M, a, b: M.xlogy(a, b), X34, POS34),
    C("xlogy-zero", lambda M, a, b: M.xlogy(a, b), np.array([0.0, 1.0, 0.0, 2.0]),
      np.array([0.0, 2.0, np.nan, 3.0]), grad=False),
    C("xlogy-scalar", lambda M, a: M.xlogy(a, 3.0), X34),
    C("hypot", lambda M, a, b: M.hypot(a, b), X34, rn(3, 4)),
    C("deg2rad", lambda M, a: M.deg2rad(a), X34),
    C("rad2deg", lambda M, a: M.rad2deg(a), X34f),
    C("deg2rad-int", lambda M, a: M.deg2rad(a), ints(4, high=360)),
    C("sinc", lambda M, a: M.sinc(a), rn(3, 4, low=0.1, high=2.0)),
    C("sinc-zero", lambda M, a: M.sinc(a), np.array([0.0, 0.5, -1.0]), grad=False),
    C("erf", lambda M, a: M.erf(a), X34),
    C("erfc", lambda M, a: M.erfc(a), X34),
    C("erfinv", lambda M, a: M.erfinv(a), rn(3, 4, low=-0.99, high=0.99)),
    C("erfinv-f32", lambda M, a: M.erfinv(a), rn(3, 4, low=-0.9, high=0.9, dtype=np.float32)),
    C("erfinv-edges", lambda M, a: M.erfinv(a), np.array([-1.0, 1.0, 1.5, 0.0]),
      grad=False),
    C("float_power", lambda M, a, b: M.float_power(a, b), POS34, X34),
    C("float_power-int", lambda M, a: M.float_power(a, 2), ints(4)),
    C("float_power-f32", lambda M, a: M.float_power(a, 2.5), POS34.astype(np.float32)),
    C("heaviside", lambda M, a, b: M.heaviside(a, b), np.array([-1.0, 0.0, 2.0]),
      np.array([0.5]), grad=False),
    C("gcd", lambda M, a, b: M.gcd(a, b), ints(6, low=-20, high=20), ints(6, low=0, high=20)),
    C("lcm", lambda M, a, b: M.lcm(a, b), ints(6, low=1, high=20), ints(6, low=1, high=20)),
    C("fmax", lambda M, a, b: M.fmax(a, b), D35, distinct(3, 5)),
    C("fmin-nan", lambda M, a, b: M.fmin(a, b), np.array([1.0, np.nan, np.nan]),
      np.array([np.nan, 2.0, np.nan]), grad=False),
    C("nan_to_num", lambda M, a: M.nan_to_num(a, neginf=-9.0),
      np.array([np.nan, 1.0, np.inf, -np.inf])),
    C("nan_to_num-f32", lambda M, a: M.nan_to_num(a), np.array([np.nan, np.inf, -1.0],
                                                              dtype=np.float32)),
    C("signbit", lambda M, a: M.signbit(a), np.array([-1.0, -0.0, 0.0, 2.0])),
    C("sgn", lambda M, a: M.sgn(a), X34, grad=False),  # (torch's grad is a ZeroTensor)
    C("logaddexp", lambda M, a, b: M.logaddexp(a, b), X34, rn(3, 4)),
    C("logaddexp2", lambda M, a, b: M.logaddexp2(a, b), X34, rn(3, 4)),
    # (a negative exponent: torch's gradient is 0 there, 2 ** e in integers; ours 2.0 ** e)
    C("ldexp", lambda M, a, b: M.ldexp(a, b), rn(4), ints(4, low=0, high=3)),
    C("ldexp-negative", lambda M, a, b: M.ldexp(a, b), rn(4), ints(4, low=-2, high=0),
      grad=False),
    C("isclose", lambda M, a, b: M.isclose(a, b), X34, X34 + 1e-9),
    C("allclose", lambda M, a, b: M.allclose(a, b, atol=1e-3), X34, X34 + 1e-6),
    C("equal", lambda M, a, b: M.equal(a, b), X34, X34.copy()),
    C("isposinf", lambda M, a: M.isposinf(a), np.array([np.inf, -np.inf, 1.0])),
    C("isneginf", lambda M, a: M.isneginf(a), np.array([np.inf, -np.inf, 1.0])),
    C("isreal", lambda M, a: M.isreal(a), X34),
    C("isin", lambda M, a, b: M.isin(a, b), ints(6), ints(2)),
    C("isin-invert", lambda M, a, b: M.isin(a, b, invert=True), ints(6), ints(2)),
    # ---- linear algebra
    C("mm", lambda M, a, b: M.mm(a, b), X34, rn(4, 2)),
    C("mv", lambda M, a, b: M.mv(a, b), X34, rn(4)),
    C("inner", lambda M, a, b: M.inner(a, b), X34, rn(2, 4)),
    C("inner-1d", lambda M, a, b: M.inner(a, b), rn(4), rn(4)),
    C("addmv", lambda M, a, b, c: M.addmv(a, b, c, beta=0.5, alpha=2), rn(3), X34, rn(4)),
    C("addr", lambda M, a, b, c: M.addr(a, b, c), X34, rn(3), rn(4)),
    C("addbmm", lambda M, a, b, c: M.addbmm(a, b, c, alpha=0.5), rn(2, 4), rn(3, 2, 3),
      rn(3, 3, 4)),
    C("addmm", lambda M, a, b, c: M.addmm(a, b, c, beta=2), rn(2, 4), rn(2, 3), rn(3, 4)),
    C("baddbmm", lambda M, a, b, c: M.baddbmm(a, b, c), rn(3, 2, 4), rn(3, 2, 3),
      rn(3, 3, 4)),
    C("bmm", lambda M, a, b: M.bmm(a, b), rn(3, 2, 3), rn(3, 3, 4)),
    C("chain_matmul", lambda M, a, b, c: M.chain_matmul(a, b, c), rn(2, 3), rn(3, 4),
      rn(4, 2)),
    C("tensordot", lambda M, a, b: M.tensordot(a, b), rn(2, 3, 4), rn(3, 4, 5)),
    C("tensordot-pairs", lambda M, a, b: M.tensordot(a, b, dims=([1, 0], [0, 1])),
      rn(2, 3), rn(3, 2)),
    C("tensordot-1", lambda M, a, b: M.tensordot(a, b, 1), rn(3, 2), rn(2, 4)),
    C("kron", lambda M, a, b: M.kron(a, b), rn(2, 3), rn(2, 2)),
    C("kron-mixed", lambda M, a, b: M.kron(a, b), rn(3), rn(2, 2)),
    C("kron-int", lambda M, a, b: M.kron(a, b), ints(2, 2), ints(2)),
    C("cross", lambda M, a, b: M.cross(a, b, dim=1), rn(4, 3), rn(4, 3)),
    C("cross-default", lambda M, a, b: M.cross(a, b), rn(3, 5), rn(3, 5)),
    C("linalg-cross", lambda M, a, b: M.cross(a, b, dim=-1), rn(2, 3), rn(1, 3)),
    C("cdist", lambda M, a, b: M.cdist(a, b), rn(3, 2), rn(4, 2)),
    C("cdist-p1-batched", lambda M, a, b: M.cdist(a, b, p=1.0), rn(2, 3, 2), rn(2, 4, 2)),
    C("cdist-inf", lambda M, a, b: M.cdist(a, b, p=float("inf")), rn(3, 2), rn(4, 2)),
    C("outer", lambda M, a, b: M.outer(a, b), rn(3), rn(4)),
    C("dot", lambda M, a, b: M.dot(a, b), rn(3), rn(3)),
    C("einsum-implicit", lambda M, a, b: M.einsum("ij,jk", a, b), rn(2, 3), rn(3, 4)),
    C("einsum-ellipsis", lambda M, a: M.einsum("...ii->...i", a), rn(2, 3, 3)),
    # ---- indexing
    C("index_add", lambda M, x, s: M.index_add(x, 0, M.tensor([0, 2, 0]), s), rn(4, 3),
      rn(3, 3)),
    C("index_add-alpha", lambda M, x, s: x.index_add(1, M.tensor([3, 1]), s, alpha=2.0),
      rn(3, 4), rn(3, 2)),
    C("index_add_", lambda M, x, s: x.clone().index_add_(0, M.tensor([1, 1]), s), rn(3, 2),
      rn(2, 2)),
    C("index_copy", lambda M, x, s: M.index_copy(x, 0, M.tensor([3, 1, 0]), s), rn(4, 3),
      rn(3, 3)),
    C("index_copy_", lambda M, x, s: x.clone().index_copy_(1, M.tensor([0]), s), rn(4, 3),
      rn(4, 1)),
    C("index_fill", lambda M, x: M.index_fill(x, 1, M.tensor([0, 2]), -1.5), rn(4, 3)),
    C("index_fill_", lambda M, x: x.clone().index_fill_(0, M.tensor([1]), 2.0), rn(4, 3)),
    C("index_select", lambda M, x: M.index_select(x, 1, M.tensor([2, 0, 2])), X34),
    C("masked_fill", lambda M, x: x.masked_fill(x > 0, 0.0), X34),
    C("masked_fill_", lambda M, x: x.clone().masked_fill_(x < 0, -1.0), X34),
    C("masked_fill-tril", lambda M, x: x.masked_fill(M.tril(M.ones(4, 4)) == 0,
                                                     float("-inf")), rn(2, 4, 4)),
    C("take", lambda M, x: M.take(x, M.tensor([[0, 5], [11, -1]])), X34),
    C("take_along_dim", lambda M, x: M.take_along_dim(x, M.argsort(x, 1), 1), D35),
    C("gather", lambda M, x: M.gather(x, 1, M.tensor([[0, 0], [1, 0], [3, 2]])), X34),
    C("scatter_add", lambda M, x, s: M.scatter_add(x, 0, M.tensor([[0, 1, 2, 0]]), s),
      X34, rn(1, 4)),
    C("bincount", lambda M, x: M.bincount(x), ints(8)),
    C("bincount-weights", lambda M, x, w: M.bincount(x, w, minlength=7), ints(8), rn(8)),
    C("bincount-weights-f32", lambda M, x, w: M.bincount(x, weights=w), ints(8),
      rn(8, dtype=np.float32)),
    C("unique", lambda M, x: M.unique(x), ints(10)),
    C("unique-all", lambda M, x: M.unique(x, return_inverse=True, return_counts=True),
      ints(3, 4)),
    C("unique-dim", lambda M, x: M.unique(x, dim=0, return_inverse=True),
      np.array([[1, 2], [0, 1], [1, 2]])),
    C("unique-float", lambda M, x: M.unique(x, return_counts=True),
      np.array([1.5, -1.0, 1.5])),
    C("unique-method", lambda M, x: x.unique(sorted=True), ints(7)),
    C("unique_consecutive", lambda M, x: M.unique_consecutive(
        x, return_inverse=True, return_counts=True), np.array([1, 1, 2, 2, 3, 1, 1])),
    C("searchsorted", lambda M, s, v: M.searchsorted(s, v), np.array([1.0, 3.0, 5.0, 7.0]),
      np.array([[3.0, 6.0], [0.0, 9.0]])),
    C("searchsorted-right", lambda M, s, v: M.searchsorted(s, v, right=True),
      np.array([1.0, 3.0, 5.0, 7.0]), np.array([3.0, 6.0, 7.0])),
    C("searchsorted-side", lambda M, s, v: M.searchsorted(s, v, side="right", out_int32=True),
      np.array([1.0, 3.0, 5.0, 7.0]), np.array([3.0, 7.0])),
    C("searchsorted-batched", lambda M, s, v: M.searchsorted(s, v),
      np.sort(rn(2, 5), axis=1), rn(2, 3)),
    C("bucketize", lambda M, v, b: M.bucketize(v, b), np.array([[3.0, 6.0], [1.0, 9.0]]),
      np.array([1.0, 3.0, 5.0, 7.0])),
    C("bucketize-right", lambda M, v, b: M.bucketize(v, b, right=True),
      np.array([3.0, 6.0, 1.0]), np.array([1.0, 3.0, 5.0, 7.0])),
    C("nonzero", lambda M, x: M.nonzero(x > 0), X34),
    C("argwhere", lambda M, x: M.argwhere(x > 0), X34),
    C("tril_indices", lambda M: M.tril_indices(3, 4)),
    C("triu_indices-offset", lambda M: M.triu_indices(4, 3, 1)),
    C("combinations", lambda M, x: M.combinations(x), rn(4)),
    C("combinations-r3", lambda M, x: M.combinations(x, 3, with_replacement=True), rn(3)),
    C("diff", lambda M, x: M.diff(x), X34),
    C("diff-n2-dim0", lambda M, x: M.diff(x, n=2, dim=0), rn(4, 3)),
    C("diff-prepend", lambda M, x, p: M.diff(x, dim=1, prepend=p), X34, rn(3, 1)),
    C("diff-bool", lambda M, x: M.diff(x > 0), X34),
    C("multinomial-shape", lambda M, p: M.multinomial(p, 3).shape[0] == 3, rn(5, low=0.1,
                                                                              high=1.0)),
    C("topk", lambda M, x: M.topk(x, 2, dim=1), D35),
    C("sort", lambda M, x: M.sort(x, 0, descending=True), D35),
    C("argsort", lambda M, x: M.argsort(x, dim=1), D35),
    # ---- shapes
    C("movedim", lambda M, x: M.movedim(x, 0, 2), rn(2, 3, 4)),
    C("movedim-tuple", lambda M, x: M.movedim(x, (0, 1), (2, 0)), rn(2, 3, 4)),
    C("moveaxis", lambda M, x: x.moveaxis(-1, 0), rn(2, 3, 4)),
    C("swapaxes", lambda M, x: M.swapaxes(x, 0, 2), rn(2, 3, 4)),
    C("swapdims", lambda M, x: x.swapdims(1, 2), rn(2, 3, 4)),
    C("ravel", lambda M, x: M.ravel(x.t()), X34),
    C("tile", lambda M, x: M.tile(x, (2, 1)), X34),
    C("tile-short", lambda M, x: x.tile((2,)), X34),
    C("tile-long", lambda M, x: M.tile(x, (2, 1, 2)), rn(3)),
    C("rot90", lambda M, x: M.rot90(x), X34),
    C("rot90-k3", lambda M, x: M.rot90(x, 3, (0, 1)), X34),
    C("rot90-k-1", lambda M, x: M.rot90(x, -1, [1, 2]), rn(2, 3, 2)),
    C("rot90-k2", lambda M, x: x.rot90(2), X34),
    C("flipud", lambda M, x: M.flipud(x), X34),
    C("fliplr", lambda M, x: M.fliplr(x), X34),
    C("flip", lambda M, x: M.flip(x, [0, 1]), X34),
    C("roll", lambda M, x: M.roll(x, 1, 0), X34),
    C("atleast_1d", lambda M, x: M.atleast_1d(x), np.array(1.5)),
    C("atleast_2d", lambda M, x: M.atleast_2d(x), rn(3)),
    C("atleast_3d-1d", lambda M, x: M.atleast_3d(x), rn(3)),
    C("atleast_3d-2d", lambda M, x: M.atleast_3d(x), X34),
    C("atleast_2d-many", lambda M, x, y: M.atleast_2d(x, y), rn(3), np.array(2.0)),
    C("hstack", lambda M, x, y: M.hstack([x, y]), X34, rn(3, 2)),
    C("hstack-1d", lambda M, x, y: M.hstack((x, y)), rn(3), rn(2)),
    C("vstack", lambda M, x, y: M.vstack([x, y]), rn(4), rn(2, 4)),
    C("row_stack", lambda M, x, y: M.row_stack([x, y]), rn(4), rn(4)),
    C("dstack", lambda M, x, y: M.dstack([x, y]), X34, X34),
    C("column_stack", lambda M, x, y: M.column_stack([x, y]), rn(3), rn(3, 2)),
    C("broadcast_tensors", lambda M, x, y: M.broadcast_tensors(x, y), rn(2, 1), rn(3)),
    C("broadcast_to", lambda M, x: M.broadcast_to(x, (2, 3, 4)), rn(3, 1)),
    C("meshgrid-ij", lambda M, x, y: M.meshgrid(x, y, indexing="ij"), rn(3), rn(2)),
    C("meshgrid-xy", lambda M, x, y: M.meshgrid(x, y, indexing="xy"), rn(3), rn(2)),
    C("meshgrid-xy-3", lambda M, x, y, z: M.meshgrid(x, y, z, indexing="xy"), rn(3), rn(2),
      rn(4)),
    C("cartesian_prod", lambda M, x, y: M.cartesian_prod(x, y), rn(3), rn(2)),
    C("cartesian_prod-int", lambda M, x, y, z: M.cartesian_prod(x, y, z), ints(2), ints(3),
      ints(2)),
    C("block_diag", lambda M, a, b, c: M.block_diag(a, b, c), rn(2, 3), rn(1, 2), rn(3)),
    # (torch's vander cannot backward: it modifies its own saved values in place)
    C("vander", lambda M, x: M.vander(x), rn(3), grad=False),
    C("vander-N-inc", lambda M, x: M.vander(x, 4, True), rn(3), grad=False),
    C("vander-int", lambda M, x: M.vander(x, 3), ints(3)),
    C("diagflat", lambda M, x: M.diagflat(x, 1), rn(2, 2)),
    C("diag_embed", lambda M, x: M.diag_embed(x), rn(2, 3)),
    C("diag_embed-offset", lambda M, x: M.diag_embed(x, -1, 0, 2), rn(2, 3)),
    C("diag", lambda M, x: M.diag(x, -1), X34),
    C("diagonal", lambda M, x: M.diagonal(x, 1), X34),
    C("tril", lambda M, x: M.tril(x, -1), X34),
    C("triu", lambda M, x: x.triu(1), X34),
    C("trapezoid", lambda M, y: M.trapezoid(y), rn(5)),
    C("trapezoid-dx", lambda M, y: M.trapezoid(y, dx=0.5, dim=0), rn(4, 3)),
    C("trapezoid-x", lambda M, y, x: M.trapezoid(y, x), rn(2, 5), np.sort(rn(5))),
    C("trapz", lambda M, y: M.trapz(y), rn(5)),
    C("cov", lambda M, x: M.cov(x), rn(3, 6)),
    C("cov-1d", lambda M, x: M.cov(x, correction=0), rn(6)),
    C("cov-weights", lambda M, x, a: M.cov(x, fweights=M.tensor([1, 2, 1, 3]), aweights=a),
      rn(2, 4), NG(rn(4, low=0.5, high=1.5))),
    C("corrcoef", lambda M, x: M.corrcoef(x), rn(3, 6)),
    C("repeat_interleave", lambda M, x: M.repeat_interleave(x, 2, dim=0), X34),
    C("unflatten", lambda M, x: x.unflatten(1, (2, 2)), X34),
    C("split", lambda M, x: M.split(x, [1, 3], dim=1), X34),
    C("chunk", lambda M, x: M.chunk(x, 2, 1), X34),
    C("unbind", lambda M, x: M.unbind(x, 1), X34),
    C("narrow", lambda M, x: M.narrow(x, 1, 1, 2), X34),
    C("t", lambda M, x: M.t(x), X34),
    C("t-1d", lambda M, x: M.t(x), rn(3)),
    C("cat-stack", lambda M, x, y: M.stack([M.cat([x, y], 1), M.cat([y, x], 1)]), X34,
      X34 * 2),
    # ---- small answers and factories
    C("numel", lambda M, x: M.numel(x), X34),
    C("is_floating_point", lambda M, x: (M.is_floating_point(x), x.is_floating_point()),
      ints(3), grad=False),
    C("is_complex", lambda M, x: M.is_complex(x), X34),
    C("is_nonzero", lambda M, x: M.is_nonzero(x), np.array([0.5])),
    C("detach", lambda M, x: M.detach(x * 2).requires_grad, X34),
    C("dropout-eval", lambda M, x: M.dropout(x, 0.5, False), X34),
    C("dropout-p0", lambda M, x: M.dropout(x, 0.0, True), X34),
    C("histc", lambda M, x: M.histc(x, bins=5), X34, grad=False),
    C("histc-range", lambda M, x: M.histc(x, bins=4, min=-1, max=1), X34f, grad=False),
    C("histogram", lambda M, x: M.histogram(x, bins=4), X34, grad=False),
    C("histogram-weight-density", lambda M, x, w: M.histogram(x, 3, weight=w, density=True),
      X34, NG(rn(3, 4, low=0.0, high=1.0)), grad=False),
    C("histogram-edges", lambda M, x, e: M.histogram(x, e, density=True), X34,
      NG(np.array([-2.0, -0.5, 0.0, 2.0])), grad=False),
    C("histogram-range", lambda M, x: M.histogram(x, 4, range=(-1.0, 1.0)), X34f, grad=False),
]


def _call(fn, M):
    return lambda *a: fn(M, *a)


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


def test_the_list_is_broad():
    assert len(CASES) >= 250


# ---------------------------------------------------------------- errors
def E(name, fn, *args):
    return pytest.param(fn, args, id=name)


ERRORS = [
    E("sum-keepdim-keepdims", lambda M, x: M.sum(x, dim=0, keepdim=True, keepdims=True), X34),
    E("sum-positional-keepdims", lambda M, x: M.sum(x, 0, False, keepdims=True), X34),
    E("mean-both", lambda M, x: x.mean(0, keepdim=False, keepdims=False), X34),
    E("max-both", lambda M, x: M.max(x, 1, keepdim=True, keepdims=True), X34),
    E("min-both", lambda M, x: x.min(dim=1, keepdim=True, keepdims=True), X34),
    E("std-both", lambda M, x: M.std(x, 1, keepdim=True, keepdims=True), X34),
    E("var-both", lambda M, x: M.var(x, dim=1, keepdim=True, keepdims=True), X34),
    E("logsumexp-both", lambda M, x: M.logsumexp(x, 1, keepdim=True, keepdims=True), X34),
    E("argmax-both", lambda M, x: M.argmax(x, 1, keepdim=True, keepdims=True), X34),
    E("argmin-both", lambda M, x: x.argmin(1, keepdim=True, keepdims=True), X34),
    E("prod-both", lambda M, x: M.prod(x, 1, keepdim=True, keepdims=True), X34),
    E("amax-both", lambda M, x: M.amax(x, 1, keepdim=True, keepdims=True), X34),
    E("amin-both", lambda M, x: M.amin(x, 1, keepdim=True, keepdims=True), X34),
    E("any-both", lambda M, x: M.any(x > 0, 1, keepdim=True, keepdims=True), X34),
    E("all-both", lambda M, x: M.all(x > 0, 1, keepdim=True, keepdims=True), X34),
    E("aminmax-both", lambda M, x: M.aminmax(x, dim=1, keepdim=True, keepdims=True), X34),
    E("std_mean-both", lambda M, x: M.std_mean(x, 1, keepdim=True, keepdims=True), X34),
    E("var_mean-both", lambda M, x: M.var_mean(x, 1, keepdim=True, keepdims=True), X34),
    E("nansum-both", lambda M, x: M.nansum(x, 1, keepdim=True, keepdims=True), X34),
    E("nanmean-both", lambda M, x: M.nanmean(x, 1, keepdim=True, keepdims=True), X34),
    E("sum-dim-axis", lambda M, x: M.sum(x, dim=0, axis=0), X34),
    E("mean-dim-axis", lambda M, x: M.mean(x, dim=0, axis=1), X34),
    E("max-dim-axis", lambda M, x: M.max(x, dim=0, axis=0), X34),
    E("std-dim-axis", lambda M, x: x.std(dim=0, axis=0), X34),
    E("argmax-dim-axis", lambda M, x: M.argmax(x, dim=0, axis=0), X34),
    E("prod-dim-axis", lambda M, x: M.prod(x, dim=0, axis=0), X34),
    E("any-dim-axis", lambda M, x: M.any(x > 0, dim=0, axis=0), X34),
    E("add-alpha-float-on-int", lambda M, a: M.add(a, a, alpha=0.5), ints(3)),
    E("add-alpha-bool-on-float", lambda M, a: M.add(a, a, alpha=True), X34),
    E("add-alpha-float-on-bool", lambda M, a: M.add(a > 0, a > 0, alpha=0.5), X34),
    E("sub-alpha-bool", lambda M, a: M.sub(a > 0, a > 0, alpha=2), X34),
    E("add_-alpha-bool-on-float", lambda M, a: a.clone().add_(a, alpha=True), X34),
    E("sub_-alpha-float-on-int", lambda M, a: a.clone().sub_(a, alpha=0.5), ints(3)),
    E("add_-alpha-complex", lambda M, a: a.clone().add_(a, alpha=1j), X34),
    E("mul-alpha", lambda M, a: M.mul(a, a, alpha=2), X34),
    E("add_-alpha-float-on-int", lambda M, a: a.clone().add_(a, alpha=0.5), ints(3)),
    E("median-dim-range", lambda M, x: M.median(x, 2), X34),
    E("kthvalue-k-range", lambda M, x: M.kthvalue(x, 6, 1), D35),
    E("quantile-q-range", lambda M, x: M.quantile(x, 1.5), X34),
    E("quantile-int", lambda M, x: M.quantile(x, 0.5), ints(4)),
    E("quantile-interp", lambda M, x: M.quantile(x, 0.5, interpolation="cubic"), X34),
    E("trace-3d", lambda M, x: M.trace(x), rn(2, 2, 2)),
    E("mm-1d", lambda M, a, b: M.mm(a, b), rn(3), rn(3, 2)),
    E("mv-2d", lambda M, a, b: M.mv(a, b), X34, rn(4, 1)),
    E("cross-no-3", lambda M, a, b: M.cross(a, b, dim=1), X34, X34),
    E("cdist-cols", lambda M, a, b: M.cdist(a, b), rn(3, 2), rn(3, 4)),
    E("tensordot-mismatch", lambda M, a, b: M.tensordot(a, b, 1), rn(2, 3), rn(4, 2)),
    E("index_add-float-index", lambda M, x, s: M.index_add(x, 0, M.tensor([0.0]), s),
      rn(3, 2), rn(1, 2)),
    E("index_add-count", lambda M, x, s: M.index_add(x, 0, M.tensor([0, 1]), s), rn(3, 2),
      rn(1, 2)),
    E("index_copy-count", lambda M, x, s: M.index_copy(x, 0, M.tensor([0, 1]), s), rn(3, 2),
      rn(1, 2)),
    E("take-range", lambda M, x: M.take(x, M.tensor([12])), X34),
    E("bincount-negative", lambda M, x: M.bincount(x), ints(4, low=-2, high=2) - 5),
    E("bincount-2d", lambda M, x: M.bincount(x), ints(2, 2)),
    E("bucketize-2d-boundaries", lambda M, v, b: M.bucketize(v, b), rn(3), np.sort(rn(2, 2))),
    E("searchsorted-side-right", lambda M, s, v: M.searchsorted(s, v, right=True,
                                                                side="left"),
      np.array([1.0, 2.0]), np.array([1.5])),
    E("diff-0d", lambda M, x: M.diff(x), np.array(1.0)),
    E("movedim-repeat", lambda M, x: M.movedim(x, (0, 0), (1, 2)), rn(2, 3, 4)),
    E("movedim-count", lambda M, x: M.movedim(x, (0, 1), (1,)), rn(2, 3, 4)),
    E("rot90-same-dims", lambda M, x: M.rot90(x, 1, (0, 0)), X34),
    E("rot90-1d", lambda M, x: M.rot90(x), rn(3)),
    E("fliplr-1d", lambda M, x: M.fliplr(x), rn(3)),
    E("block_diag-3d", lambda M, x: M.block_diag(x), rn(2, 2, 2)),
    E("meshgrid-indexing", lambda M, x: M.meshgrid(x, x, indexing="ji"), rn(3)),
    E("meshgrid-2d", lambda M, x: M.meshgrid(x, indexing="ij"), X34),
    E("vander-2d", lambda M, x: M.vander(x), X34),
    E("t-3d", lambda M, x: M.t(x), rn(2, 2, 2)),
    E("is_nonzero-many", lambda M, x: M.is_nonzero(x), rn(2)),
    E("heaviside-dtypes", lambda M, a, b: M.heaviside(a, b), rn(3), rn(3, dtype=np.float32)),
    E("gcd-float", lambda M, a: M.gcd(a, a), rn(3)),
    E("addcdiv-int", lambda M, a: M.addcdiv(a, a, a), ints(3, low=1)),
    E("nanmean-int", lambda M, a: M.nanmean(a), ints(3)),
    E("histc-int", lambda M, x: M.histc(x), ints(4)),
]


@pytest.mark.parametrize("fn,args", ERRORS)
def test_same_error_as_torch(fn, args):
    from _oracle import to_ad, to_th

    errs = []
    for M, conv in ((torch, to_th), (autodiff, to_ad)):
        try:
            fn(M, *[conv(a, False) for a in args])
        except Exception as e:  # noqa: BLE001 - comparing what each raises
            errs.append(e)
        else:
            errs.append(None)
    t_err, a_err = errs
    assert t_err is not None, "torch accepts this call: the case is wrong"
    if a_err is None:
        raise Mismatch(f"torch raises {type(t_err).__name__}: {t_err}; autodiff does not")
    if isinstance(t_err, torch.linalg.LinAlgError):
        assert isinstance(a_err, autodiff.linalg.LinAlgError), repr(a_err)
        return
    assert isinstance(a_err, type(t_err)) or type(t_err).__name__ == type(a_err).__name__, (
        f"torch raises {type(t_err).__name__}: {str(t_err)[:200]}\n"
        f"autodiff raises {type(a_err).__name__}: {a_err}"
    )


def test_add_alpha_gradient():
    """``add(a, b, alpha)``: d/db is alpha (both sides, with a broadcast ``b``)."""
    a = autodiff.tensor(X34, requires_grad=True)
    b = autodiff.tensor(rn(4), requires_grad=True)
    autodiff.add(a, b, alpha=-2.5).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.ones((3, 4)))
    np.testing.assert_allclose(b.grad.numpy(), np.full(4, -7.5))


def test_interpolate_modes_against_torch():
    """``F.interpolate``'s modes, align_corners, scale_factor, recompute_scale_factor,
    antialias."""
    x1 = rn(2, 3, 7)
    x2 = rn(2, 3, 5, 6)
    x3 = rn(1, 2, 3, 4, 5)
    cases = [
        (x1, dict(size=11, mode="nearest")),
        (x1, dict(scale_factor=1.7, mode="nearest-exact")),
        (x1, dict(size=4, mode="linear")),
        (x1, dict(size=13, mode="linear", align_corners=True)),
        (x1, dict(scale_factor=0.6, mode="linear", recompute_scale_factor=True)),
        (x1, dict(size=3, mode="area")),
        (x2, dict(size=(7, 9), mode="bilinear")),
        (x2, dict(size=(3, 4), mode="bilinear", align_corners=True)),
        (x2, dict(scale_factor=(1.5, 0.5), mode="bicubic")),
        (x2, dict(size=(8, 3), mode="bicubic", align_corners=True)),
        (x2, dict(size=(2, 3), mode="area")),
        (x2, dict(scale_factor=2, mode="nearest")),
        (x3, dict(size=(4, 5, 3), mode="trilinear")),
        (x3, dict(scale_factor=1.5, mode="nearest-exact")),
        (x2, dict(size=(3, 4), mode="bilinear", antialias=True)),
        (x2, dict(size=(2, 9), mode="bilinear", antialias=True, align_corners=True)),
        (x2, dict(scale_factor=0.4, mode="bilinear", antialias=True)),
        (x2, dict(scale_factor=(0.7, 1.8), mode="bicubic", antialias=True)),
        (x2, dict(size=(2, 2), mode="bicubic", antialias=True, align_corners=True)),
        (rn(1, 2, 17, 13), dict(size=(4, 5), mode="bicubic", antialias=True)),
        (rn(1, 2, 17, 13, dtype=np.float32), dict(size=(5, 3), mode="bilinear",
                                                  antialias=True)),
        (x2, dict(scale_factor=0.5, mode="bilinear", antialias=True,
                  recompute_scale_factor=True)),
        (x2, dict(size=(3, 2), mode="lanczos", antialias=True)),
        (rn(1, 1, 16, 11), dict(scale_factor=0.3, mode="lanczos", antialias=True)),
        (x2, dict(size=(9, 13), mode="lanczos", antialias=True)),
    ]
    for x, kw in cases:
        check(lambda t, kw=kw: F.interpolate(t, **kw), lambda t, kw=kw: TF.interpolate(t, **kw),
              x)


# ----------------------------------------------- amp, compile: nanoGPT's train.py
def _scaler_run(M, device, steps):
    """A few SGD steps through a GradScaler (one with an inf gradient): the weights and
    the scale after each step."""
    w = M.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = M.optim.SGD([w], lr=0.1)
    scaler = M.amp.GradScaler(device, init_scale=8.0, growth_interval=2)
    out = []
    for k in range(steps):
        loss = (w * w).sum() * (float("inf") if k == 2 else 1.0)
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        out.append((w.detach().numpy().copy(), scaler.get_scale()))
    return out, scaler.state_dict()


def test_grad_scaler_as_torch():
    a, a_state = _scaler_run(autodiff, "cpu", 6)
    t, t_state = _scaler_run(torch, "cpu", 6)
    for (aw, ascale), (tw, tscale) in zip(a, t):
        np.testing.assert_allclose(aw, tw, rtol=1e-6)
        assert ascale == tscale
    assert a_state == t_state


def test_grad_scaler_errors_as_torch():
    for M in (torch, autodiff):
        w = M.ones(1, requires_grad=True)
        opt = M.optim.SGD([w], lr=0.1)
        s = M.amp.GradScaler("cpu")
        s.scale(w.sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
            s.unscale_(opt)
        s.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            s.step(opt)


def test_cuda_amp_disables_itself_without_cuda():
    """nanoGPT: ``torch.cuda.amp.GradScaler(enabled=(dtype == 'float16'))`` on a CPU."""
    with pytest.warns(UserWarning, match="CUDA is not available"):
        s = autodiff.cuda.amp.GradScaler(enabled=True)
    assert not s.is_enabled() and s.get_scale() == 1.0
    loss = autodiff.tensor(2.0, requires_grad=True)
    assert s.scale(loss) is loss
    assert s.state_dict() == {}
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ctx = autodiff.amp.autocast(device_type="cuda", dtype=autodiff.float16)
    with ctx:
        y = autodiff.ones(2, 2) @ autodiff.ones(2, 2)
    assert y.dtype == np.float32


def test_autocast_decorator_and_compile():
    @autodiff.autocast("cpu", dtype=autodiff.bfloat16)
    def f(x):
        return x * 2

    assert f(autodiff.ones(1)).dtype == np.float32
    lin = autodiff.nn.Linear(2, 2)
    assert autodiff.compile(lin) is lin
    autodiff.set_float32_matmul_precision("high")
    assert autodiff.get_float32_matmul_precision() == "high"
    autodiff.set_float32_matmul_precision("highest")
    for M in (torch, autodiff):
        with pytest.warns(UserWarning, match="has no effect"):
            M.set_float32_matmul_precision("low")
    assert autodiff.get_float32_matmul_precision() == "highest"


METHODS = [
    C("type_as", lambda M, x, y: x.type_as(y), X34f, rn(2)),
    C("element_size", lambda M, x: (x.element_size(), x.nbytes, x.itemsize), X34f),
    C("ndimension", lambda M, x: x.ndimension(), X34),
    C("is_contiguous", lambda M, x: (x.is_contiguous(), x.t().is_contiguous()), X34),
    C("stride", lambda M, x: (x.stride(), x.t().stride(), x.stride(0)), rn(2, 3, 4)),
    C("stride-expand", lambda M, x: M.broadcast_to(x, (4, 2, 3)).stride(), rn(2, 3)),
    C("storage_offset", lambda M, x: (x[:, 1:].storage_offset(), x[1].storage_offset()),
      X34),
    C("data_ptr", lambda M, x: x[1:].data_ptr() - x.data_ptr(), X34f),
    C("get_device", lambda M, x: x.get_device(), X34),
    C("is_pinned", lambda M, x: x.is_pinned(), X34),
    C("pin_memory", lambda M, x: x.pin_memory(), X34),
    C("casts", lambda M, x: (x.char(), x.byte(), x.short(), x.long(), x.int(), x.half(),
                             x.double(), x.float(), x.bool()), X34 * 3, grad=False),
    C("H", lambda M, x: x.H, X34),
    C("mH", lambda M, x: x.mH, rn(2, 3, 4)),
    C("t_", lambda M, x: x.detach().clone().t_(), X34),
    C("transpose_", lambda M, x: x.detach().clone().transpose_(0, 1), X34),
    C("squeeze_", lambda M, x: x.detach().clone().squeeze_(), rn(3, 1, 4)),
    C("unsqueeze_", lambda M, x: x.detach().clone().unsqueeze_(1), X34),
    C("to-non_blocking", lambda M, x: x.to("cpu", non_blocking=True), X34),
    C("greater", lambda M, x: M.greater(x, 0.1), X34),
    C("less", lambda M, x, y: x.less(y), X34, rn(4)),
    C("greater_equal", lambda M, x: M.greater_equal(x, 0.1), X34),
    C("less_equal", lambda M, x: M.less_equal(x, 0.1), X34),
    C("not_equal", lambda M, x: M.not_equal(x, x), X34),
    C("tensor_split", lambda M, x: M.tensor_split(x, 3), rn(7, 2)),
    C("tensor_split-indices", lambda M, x: x.tensor_split([1, 4], dim=1), rn(2, 6)),
    C("tensor_split-past-end", lambda M, x: M.tensor_split(x, [2, 9]), rn(5)),
    C("tensor_split-more-parts", lambda M, x: M.tensor_split(x, 4), rn(2)),
    C("hsplit", lambda M, x: M.hsplit(x, 3), rn(2, 6)),
    C("vsplit", lambda M, x: x.vsplit([1, 3]), rn(6, 2)),
    C("dsplit", lambda M, x: M.dsplit(x, 2), rn(2, 2, 4)),
    C("msort", lambda M, x: M.msort(x), D35),
    C("slice_scatter", lambda M, x, s: M.slice_scatter(x, s, 0, 1, 3), rn(4, 3), rn(2, 3)),
    C("slice_scatter-step", lambda M, x, s: M.slice_scatter(x, s, 1, step=3), rn(4, 6),
      rn(4, 2)),
    C("select_scatter", lambda M, x, s: M.select_scatter(x, s, 0, 2), rn(4, 3), rn(3)),
    C("diagonal_scatter", lambda M, x, s: M.diagonal_scatter(x, s), X34, rn(3)),
    C("diagonal_scatter-offset", lambda M, x, s: M.diagonal_scatter(x, s, 2), X34, rn(2)),
    C("diagonal_scatter-neg", lambda M, x, s: M.diagonal_scatter(x, s, -1), X34, rn(2)),
    C("masked_scatter", lambda M, x, s: x.masked_scatter(x > 0, s), X34, rn(12)),
    C("masked_scatter-broadcast", lambda M, x, s: M.masked_scatter(
        x, M.tensor([True, False, True, False]), s), X34, rn(8)),
    C("cumulative_trapezoid", lambda M, y: M.cumulative_trapezoid(y), rn(5)),
    C("cumulative_trapezoid-dx", lambda M, y: M.cumulative_trapezoid(y, dx=0.5, dim=0),
      rn(4, 3)),
    C("cumulative_trapezoid-x", lambda M, y, x: M.cumulative_trapezoid(y, x), rn(2, 5),
      np.sort(rn(5))),
    C("result_type", lambda M, x, y: (M.result_type(x, 1.0), M.result_type(x, y),
                                      M.result_type(y, 2)), ints(2), rn(2, dtype=np.float32)),
    C("promote_types", lambda M: (M.promote_types(M.int32, M.float32),
                                  M.promote_types(M.uint8, M.int8),
                                  M.promote_types(M.bool, M.int16))),
    C("can_cast", lambda M: (M.can_cast(M.float64, M.int32), M.can_cast(M.int32, M.float16),
                             M.can_cast(M.int64, M.bool), M.can_cast(M.bool, M.uint8))),
    C("empty_like", lambda M, x: M.empty_like(x).shape, X34),
    C("as_tensor", lambda M: M.as_tensor([1, 2, 3], dtype=M.float64)),
    C("as_tensor-int", lambda M: M.as_tensor([[1, 2], [3, 4]])),
    C("logspace", lambda M: M.logspace(0, 3, 4)),
    C("logspace-base", lambda M: M.logspace(-1, 1, 5, base=2.0, dtype=M.float64)),
    C("randint_like", lambda M, x: M.randint_like(x, 5).shape, X34),
]


def _dtype_name(d):
    return str(d).replace("torch.", "")


@pytest.mark.parametrize("fn,args,grad,tol", METHODS)
def test_methods_same_as_torch(fn, args, grad, tol):
    # dtype answers (result_type, ...) are compared by name
    a_fn, t_fn = _call(fn, autodiff), _call(fn, torch)

    def norm(out):
        if isinstance(out, tuple) and out and not isinstance(out[0], (autodiff.Tensor,
                                                                      torch.Tensor)):
            return tuple(_dtype_name(o) if not isinstance(o, (int, bool, float, tuple))
                         else o for o in out)
        return out

    check(lambda *a: norm(a_fn(*a)), lambda *a: norm(t_fn(*a)), *args, grad=grad, tol=tol)


def test_interpolate_errors_as_torch():
    x = rn(1, 1, 4, 4)
    bad = [
        dict(size=2, mode="nearest", antialias=True),
        dict(size=2, mode="bilinear", antialias=True, align_corners=None, scale_factor=0.5),
        dict(size=(2, 2), mode="lanczos"),
        dict(size=(2, 2), mode="lanczos", antialias=True, align_corners=True),
        dict(size=(2, 2), mode="nearest", align_corners=True),
        dict(size=(2, 2), mode="cubic"),
    ]
    for kw in bad:
        errs = []
        for M, T in ((torch, TF), (autodiff, F)):
            try:
                T.interpolate(M.tensor(x), **kw)
            except Exception as e:  # noqa: BLE001 - comparing what each raises
                errs.append(type(e))
            else:
                errs.append(None)
        assert errs[0] is not None and errs[1] is not None, (kw, errs)
    x3 = rn(1, 1, 4)
    for M, T in ((torch, TF), (autodiff, F)):
        with pytest.raises((ValueError, RuntimeError), match="[Aa]nti-alias"):
            T.interpolate(M.tensor(x3), size=2, mode="linear", antialias=True)


MORE = [
    C("clamp-tensor-bounds", lambda M, x, lo, hi: M.clamp(x, min=lo, max=hi), X34, rn(4) - 1,
      rn(3, 1) + 1),
    C("clamp-tensor-min", lambda M, x, lo: x.clamp(min=lo), X34, rn(3, 4)),
    C("clamp-tensor-max", lambda M, x, hi: M.clamp(x, max=hi), X34, NG(rn(4))),
    C("softmax-dtype", lambda M, x: M.softmax(x, dim=-1, dtype=M.float64), X34f),
    C("F.softmax-dtype", lambda M, x: _ns(M).softmax(x, -1, dtype=M.float64), X34f),
    C("F.log_softmax-dtype", lambda M, x: _ns(M).log_softmax(x, dim=1, dtype=M.float64), X34f),
    C("log_softmax-method-dtype", lambda M, x: x.log_softmax(0, dtype=M.float32), X34f),
    C("finfo", lambda M: (float(M.finfo(M.float32).eps), float(M.finfo(M.float64).max),
                          float(M.finfo(M.float16).tiny), float(M.finfo().eps),
                          M.finfo(M.float32).bits)),
    C("iinfo", lambda M: (int(M.iinfo(M.int64).max), int(M.iinfo(M.int8).min),
                          int(M.iinfo(M.uint8).max), M.iinfo(M.int32).bits)),
    C("bernoulli-extremes", lambda M, p: M.bernoulli(p), np.array([0.0, 1.0, 1.0, 0.0])),
    C("bernoulli-shape", lambda M, p: M.bernoulli(p).shape, rn(3, 4, low=0.0, high=1.0)),
    C("normal-shape", lambda M: (M.normal(0.0, 1.0, size=(2, 3)).shape,
                                 M.normal(0.0, 1.0, size=(2, 3)).dtype == M.float32)),
    C("normal-tensors", lambda M, m, s: M.normal(m, s).shape, rn(3, 1), rn(4, low=0.1,
                                                                          high=1.0)),
    C("normal-std0", lambda M, m: M.normal(m, 0.0), rn(3), grad=False),
]


@pytest.mark.parametrize("fn,args,grad,tol", MORE)
def test_more_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


def test_random_fills_are_in_range_and_seeded():
    g = autodiff.Generator().manual_seed(3)
    a = autodiff.empty(200).exponential_(2.0, generator=g)
    assert (a.numpy() >= 0).all() and abs(a.numpy().mean() - 0.5) < 0.15
    b = autodiff.empty(200).random_(2, 5)
    assert set(np.unique(b.numpy())) <= {2.0, 3.0, 4.0}
    c = autodiff.empty(300).bernoulli_(0.25)
    assert set(np.unique(c.numpy())) <= {0.0, 1.0} and 0.1 < c.numpy().mean() < 0.4
    assert (autodiff.empty(50).geometric_(0.5).numpy() >= 1).all()
    assert (autodiff.empty(50).log_normal_(0.0, 0.5).numpy() > 0).all()
    g1, g2 = autodiff.Generator().manual_seed(7), autodiff.Generator().manual_seed(7)
    assert autodiff.equal(autodiff.empty(5).cauchy_(generator=g1),
                          autodiff.empty(5).cauchy_(generator=g2))
    autodiff.manual_seed(11)
    assert autodiff.initial_seed() == 11
    s = autodiff.seed()
    assert autodiff.initial_seed() == s
    for M in (torch, autodiff):
        with pytest.raises(RuntimeError):
            M.bernoulli(M.tensor([0.5, 1.5]))
        with pytest.raises(RuntimeError):
            M.normal(M.zeros(2), -1.0)


NUMPY_NAMES = [
    C("median-axis", lambda M, x: M.median(x, axis=1), D35),
    C("median-keepdims", lambda M, x: M.median(x, 1, keepdims=True), D35),
    C("nanmedian-axis", lambda M, x: M.nanmedian(x, axis=0), NAN34, grad=False),
    C("mode-axis-keepdims", lambda M, x: M.mode(x, axis=1, keepdims=True),
      np.array([[1.0, 2.0, 2.0], [3.0, 3.0, 1.0]]), grad=False),
    C("kthvalue-axis", lambda M, x: M.kthvalue(x, 2, axis=0, keepdims=True), D35),
    C("count_nonzero-axis", lambda M, x: M.count_nonzero(x, axis=1), ints(3, 4)),
    C("nanmean-axis-keepdims", lambda M, x: M.nanmean(x, axis=1, keepdims=True), NAN34),
    C("nansum-axis", lambda M, x: M.nansum(x, axis=0), NAN34),
    C("quantile-axis", lambda M, x: M.quantile(x, 0.5, axis=1), D35),
    C("quantile-keepdims", lambda M, x: M.quantile(x, 0.25, dim=1, keepdims=True), D35),
    C("topk-axis", lambda M, x: M.topk(x, 2, axis=1), D35),
    C("diff-axis", lambda M, x: M.diff(x, axis=0), X34),
    C("index_select-axis", lambda M, x: M.index_select(x, axis=1, index=M.tensor([0, 2])),
      X34),
    C("narrow-axis", lambda M, x: M.narrow(x, axis=1, start=1, length=2), X34),
    C("chunk-axis", lambda M, x: M.chunk(x, 2, axis=1), X34),
    C("take_along_dim-axis", lambda M, x: M.take_along_dim(x, M.argsort(x, 1), axis=1), D35),
    C("tensor_split-axis", lambda M, x: M.tensor_split(x, 3, axis=1), X34),
    C("repeat_interleave-axis", lambda M, x: M.repeat_interleave(x, 2, axis=0), X34),
    C("select", lambda M, x: M.select(x, 1, -1), X34),
    C("select-method-axis", lambda M, x: x.select(axis=0, index=2), X34),
]


@pytest.mark.parametrize("fn,args,grad,tol", NUMPY_NAMES)
def test_numpy_names_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


NUMPY_NAME_ERRORS = [
    E("median-both", lambda M, x: M.median(x, 1, keepdim=True, keepdims=True), X34),
    E("kthvalue-both", lambda M, x: M.kthvalue(x, 1, 1, keepdim=True, keepdims=True), X34),
    E("quantile-both", lambda M, x: M.quantile(x, 0.5, 1, keepdim=True, keepdims=True), X34),
    E("mode-dim-axis", lambda M, x: M.mode(x, dim=1, axis=1), X34),
    E("count_nonzero-dim-axis", lambda M, x: M.count_nonzero(x, dim=1, axis=1), X34),
    E("topk-dim-axis", lambda M, x: M.topk(x, 1, dim=1, axis=1), X34),
    E("select-range", lambda M, x: M.select(x, 1, 4), X34),
    E("select-0d", lambda M, x: M.select(x, 0, 0), np.array(1.0)),
]


@pytest.mark.parametrize("fn,args", NUMPY_NAME_ERRORS)
def test_numpy_name_errors_as_torch(fn, args):
    test_same_error_as_torch(fn, args)


SPECIAL = [
    C("lgamma", lambda M, x: M.lgamma(x), rn(3, 4, low=0.1, high=6.0)),
    C("lgamma-negative", lambda M, x: x.lgamma(), rn(5, low=-3.9, high=-3.1)),
    C("lgamma-f32", lambda M, x: M.lgamma(x), rn(6, low=0.5, high=20.0, dtype=np.float32)),
    C("lgamma-poles", lambda M, x: M.lgamma(x), np.array([0.0, -1.0, -2.0, np.inf, -np.inf,
                                                          np.nan]), grad=False),
    C("digamma", lambda M, x: M.digamma(x), rn(3, 4, low=0.05, high=30.0)),
    C("digamma-negative", lambda M, x: M.digamma(x), rn(5, low=-2.9, high=-2.1)),
    C("digamma-edges", lambda M, x: M.digamma(x), np.array([0.0, -0.0, -1.0, 1e-8]),
      grad=False),
    C("digamma-int", lambda M, x: M.digamma(x), ints(4, low=1, high=9)),
    C("polygamma-1", lambda M, x: M.polygamma(1, x), rn(3, 4, low=0.1, high=8.0)),
    C("polygamma-2", lambda M, x: M.polygamma(2, x), rn(5, low=0.3, high=5.0)),
    C("polygamma-3-negative", lambda M, x: M.polygamma(3, x), rn(4, low=-1.9, high=-1.1)),
    C("polygamma-0", lambda M, x: M.polygamma(0, x), rn(4, low=0.5, high=3.0)),
    C("polygamma-method", lambda M, x: x.polygamma(2), rn(4, low=0.5, high=3.0)),
    C("polygamma-at-0", lambda M, x: M.polygamma(2, x), np.array([0.0]), grad=False),
    C("mvlgamma", lambda M, x: M.mvlgamma(x, 3), rn(3, 4, low=1.5, high=5.0)),
    C("nextafter", lambda M, a, b: M.nextafter(a, b), X34, rn(3, 4)),
    C("nextafter-f32", lambda M, a, b: M.nextafter(a, b), X34f, rn(3, 4, dtype=np.float32)),
    C("frexp", lambda M, x: M.frexp(x), np.array([8.0, -0.3, 0.0, 3.0])),
    # (a subnormal: torch's gradient there is inf, 2 ** 1029 overflowing; ours 0)
    C("frexp-subnormal", lambda M, x: M.frexp(x), np.array([1e-310, -2e-315]), grad=False),
    C("frexp-f32", lambda M, x: x.frexp(), X34f),
    C("conj", lambda M, x: M.conj(x) * 1.0, X34),
    C("conj_physical", lambda M, x: M.conj_physical(x), X34),
    C("resolve", lambda M, x: M.resolve_neg(M.resolve_conj(x)) * 2, X34),
    C("real", lambda M, x: M.real(x) * 1.0, X34),
    C("angle", lambda M, x: M.angle(x), np.array([2.0, -1.0, 0.0, -3.5])),
    C("angle-nan", lambda M, x: M.angle(x), np.array([np.nan, -1.0]), grad=False),
    C("adjoint", lambda M, x: M.adjoint(x), rn(2, 3, 4)),
    C("narrow_copy", lambda M, x: M.narrow_copy(x, 1, 1, 2), X34),
    C("renorm", lambda M, x: M.renorm(x, 2, 0, 1.0), X34),
    C("renorm-p1", lambda M, x: x.renorm(1, 1, 0.8), X34),
    C("matrix_power", lambda M, x: M.matrix_power(x, 3), rn(3, 3)),
    C("matrix_power-0", lambda M, x: M.matrix_power(x, 0), rn(2, 3, 3)),
    C("matrix_power-5", lambda M, x: x.matrix_power(5), rn(2, 2) * 0.5),
    C("matrix_power--2", lambda M, x: M.matrix_power(x, -2), rn(3, 3) + 3 * np.eye(3)),
    C("matrix_power--1-batched", lambda M, x: M.matrix_power(x, -1), rn(2, 3, 3) + 3 * np.eye(3)),
]


@pytest.mark.parametrize("fn,args,grad,tol", SPECIAL)
def test_special_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


def test_imag_refused_as_torch():
    for M in (torch, autodiff):
        with pytest.raises(RuntimeError, match="imag is not implemented"):
            M.imag(M.ones(2))


def wc(*shape, seed=0):
    """Well-conditioned square matrices."""
    n = shape[-1]
    return np.random.default_rng(seed).standard_normal(shape) * 0.4 + 2.0 * np.eye(n)


LA = lambda M: M.linalg  # noqa: E731

LINALG = [
    C("inverse", lambda M, a: M.inverse(a), wc(3, 3)),
    C("inverse-batched", lambda M, a: a.inverse(), wc(2, 3, 3, seed=1)),
    C("linalg.inv-f32", lambda M, a: LA(M).inv(a), wc(3, 3, seed=2).astype(np.float32)),
    C("det", lambda M, a: M.det(a), wc(3, 3, seed=3)),
    C("det-batched", lambda M, a: LA(M).det(a), wc(2, 2, 2, seed=4)),
    C("det-negative", lambda M, a: a.det(), np.array([[0.0, 1.0], [1.0, 0.5]])),
    C("slogdet", lambda M, a: M.slogdet(a), np.array([[0.3, 1.0], [1.2, 0.5]])),
    C("linalg.slogdet", lambda M, a: LA(M).slogdet(a), wc(2, 3, 3, seed=5)),
    C("logdet", lambda M, a: M.logdet(a), wc(3, 3, seed=6)),
    C("logdet-negative", lambda M, a: M.logdet(a), np.array([[0.0, 1.0], [1.0, 0.5]]),
      grad=False),
    C("solve", lambda M, a, b: LA(M).solve(a, b), wc(3, 3, seed=7), rn(3, 2)),
    C("solve-vector", lambda M, a, b: LA(M).solve(a, b), wc(3, 3, seed=8), rn(3)),
    C("solve-batched", lambda M, a, b: LA(M).solve(a, b), wc(2, 3, 3, seed=9), rn(2, 3, 4)),
    C("solve-right", lambda M, a, b: LA(M).solve(a, b, left=False), wc(3, 3, seed=10),
      rn(2, 3)),
    C("vector_norm", lambda M, x: LA(M).vector_norm(x), X34),
    C("vector_norm-ord1-dim", lambda M, x: LA(M).vector_norm(x, 1, dim=1, keepdim=True), X34),
    C("vector_norm-inf", lambda M, x: LA(M).vector_norm(x, float("inf")), D35),
    C("vector_norm--inf-dim", lambda M, x: LA(M).vector_norm(x, -float("inf"), dim=0), D35),
    C("vector_norm-0", lambda M, x: LA(M).vector_norm(x, 0), X34, grad=False),
    C("vector_norm-3", lambda M, x: LA(M).vector_norm(x, 3.0, dim=(0, 1)), X34),
    C("matrix_norm-fro", lambda M, x: LA(M).matrix_norm(x), rn(2, 3, 4)),
    C("matrix_norm-1", lambda M, x: LA(M).matrix_norm(x, 1), D35),
    C("matrix_norm--1", lambda M, x: LA(M).matrix_norm(x, -1, keepdim=True), D35),
    C("matrix_norm-inf", lambda M, x: LA(M).matrix_norm(x, float("inf")), D35),
    C("matrix_norm-inf-batched", lambda M, x: LA(M).matrix_norm(x, -float("inf")),
      distinct(2, 3, 4)),
    C("linalg.norm", lambda M, x: LA(M).norm(x), rn(2, 3, 4)),
    C("linalg.norm-1d-ord", lambda M, x: LA(M).norm(x, 3), rn(5)),
    C("linalg.norm-2d-ord", lambda M, x: LA(M).norm(x, "fro"), X34),
    C("linalg.norm-dim", lambda M, x: LA(M).norm(x, 1, dim=1), X34),
    C("linalg.norm-dims", lambda M, x: LA(M).norm(x, float("inf"), dim=(0, 1)), D35),
    C("multi_dot", lambda M, a, b, c: LA(M).multi_dot([a, b, c]), rn(3), rn(3, 4), rn(4)),
    C("multi_dot-mats", lambda M, a, b, c: LA(M).multi_dot([a, b, c]), rn(2, 3), rn(3, 4),
      rn(4, 2)),
    C("linalg.cross", lambda M, a, b: LA(M).cross(a, b), rn(4, 3), rn(4, 3)),
    C("vecdot", lambda M, a, b: LA(M).vecdot(a, b), X34, rn(4)),
    C("linalg.matrix_power", lambda M, a: LA(M).matrix_power(a, 2), rn(3, 3)),
    C("linalg.diagonal", lambda M, a: LA(M).diagonal(a, offset=1), rn(2, 3, 4)),
]


@pytest.mark.parametrize("fn,args,grad,tol", LINALG)
def test_linalg_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


LINALG_ERRORS = [
    E("inv-singular", lambda M, a: M.inverse(a), np.ones((2, 2))),
    E("inv-not-square", lambda M, a: M.linalg.inv(a), rn(2, 3)),
    E("det-1d", lambda M, a: M.det(a), rn(3)),
    E("inv-int", lambda M, a: M.inverse(a), ints(2, 2)),
    E("vector_norm-int", lambda M, a: M.linalg.vector_norm(a), ints(3)),
    E("multi_dot-one", lambda M, a: M.linalg.multi_dot([a]), rn(2, 2)),
    E("norm-3d-ord", lambda M, a: M.linalg.norm(a, 2), rn(2, 2, 2)),
]


@pytest.mark.parametrize("fn,args", LINALG_ERRORS)
def test_linalg_errors_as_torch(fn, args):
    test_same_error_as_torch(fn, args)


FUNCTIONAL = [
    C("pixel_shuffle", lambda M, x: M.pixel_shuffle(x, 2), rn(1, 8, 2, 3)),
    C("F.pixel_shuffle-3d", lambda M, x: _ns(M).pixel_shuffle(x, 3), rn(9, 2, 2)),
    C("pixel_unshuffle", lambda M, x: M.pixel_unshuffle(x, 2), rn(2, 2, 4, 6)),
    C("pdist", lambda M, x: M.pdist(x), rn(4, 3)),
    C("F.pdist-p1", lambda M, x: _ns(M).pdist(x, 1.0), rn(5, 2)),
    C("prelu", lambda M, x, w: M.prelu(x, w), rn(2, 3, 4), rn(3)),
    C("F.prelu-single", lambda M, x, w: _ns(M).prelu(x, w), rn(2, 3), rn(1)),
    C("hardshrink", lambda M, x: M.hardshrink(x), rn(3, 4) * 2),
    C("F.hardshrink-lambd", lambda M, x: _ns(M).hardshrink(x, 0.2), X34),
    C("threshold", lambda M, x: M.threshold(x, 0.1, -2.0), X34),
    C("F.threshold", lambda M, x: _ns(M).threshold(x, 0.5, 0.0), X34),
    C("adaptive_avg_pool1d", lambda M, x: M.adaptive_avg_pool1d(x, 3), rn(2, 3, 7)),
    C("F.adaptive_avg_pool1d-2d", lambda M, x: _ns(M).adaptive_avg_pool1d(x, 4), rn(3, 9)),
    C("conv1d-top", lambda M, x, w: M.conv1d(x, w, padding=1), rn(1, 2, 5), rn(3, 2, 3)),
    C("conv2d-top", lambda M, x, w: M.conv2d(x, w, stride=2), rn(1, 2, 5, 5), rn(3, 2, 3, 3)),
    C("conv_transpose2d-top", lambda M, x, w: M.conv_transpose2d(x, w), rn(1, 2, 3, 3),
      rn(2, 3, 2, 2)),
    C("max_pool2d-top", lambda M, x: M.max_pool2d(x, 2), distinct(1, 1, 4, 4)),
    C("avg_pool1d-top", lambda M, x: M.avg_pool1d(x, 2), rn(1, 2, 6)),
    C("cosine_similarity-top", lambda M, a, b: M.cosine_similarity(a, b), X34, rn(3, 4)),
    C("pairwise_distance-top", lambda M, a, b: M.pairwise_distance(a, b), X34, rn(3, 4)),
    C("selu-top", lambda M, x: M.selu(x), X34),
    C("celu-top", lambda M, x: M.celu(x), X34),
    C("hann_window", lambda M: M.hann_window(6)),
    C("hann_window-symmetric", lambda M: M.hann_window(5, periodic=False, dtype=M.float64)),
    C("hamming_window", lambda M: M.hamming_window(7)),
    C("blackman_window", lambda M: M.blackman_window(6, dtype=M.float64), tol=(1e-9, 1e-12)),
    C("bartlett_window", lambda M: M.bartlett_window(5)),
    C("windows-0-1", lambda M: (M.hann_window(0), M.hann_window(1))),
    C("arccosh", lambda M, x: M.arccosh(x), rn(3, 4, low=1.2, high=3.0)),
    C("arcsinh", lambda M, x: x.arcsinh(), X34),
    C("arctanh", lambda M, x: M.arctanh(x), rn(3, 4, low=-0.9, high=0.9)),
    C("ger", lambda M, a, b: M.ger(a, b), rn(3), rn(4)),
    C("vdot", lambda M, a, b: M.vdot(a, b), rn(3), rn(3)),
    C("split_with_sizes", lambda M, x: M.split_with_sizes(x, [2, 3]), rn(5, 2)),
    C("is_x", lambda M, x: (x.is_signed(), x.to(M.uint8).is_signed(), x.is_conj(), x.is_neg(),
                            x.is_inference(), x.is_same_size(x[0]), M.is_same_size(x, x)),
      X34, grad=False),
    C("broadcast_shapes", lambda M: tuple(M.broadcast_shapes((2, 1), (3,), (1, 1, 1)))),
    C("scalar_tensor", lambda M: M.scalar_tensor(3)),
    C("scalar_tensor-dtype", lambda M: M.scalar_tensor(2.5, dtype=M.float64)),
    C("unravel_index", lambda M, i: M.unravel_index(i, (2, 3, 4)), ints(5, high=24)),
]


@pytest.mark.parametrize("fn,args,grad,tol", FUNCTIONAL)
def test_functional_names_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


FUNCTIONAL_ERRORS = [
    E("pixel_shuffle-channels", lambda M, x: M.pixel_shuffle(x, 2), rn(1, 3, 2, 2)),
    E("pixel_unshuffle-size", lambda M, x: M.pixel_unshuffle(x, 2), rn(1, 1, 3, 4)),
    E("pdist-3d", lambda M, x: M.pdist(x), rn(2, 2, 2)),
    E("prelu-channels", lambda M, x, w: M.prelu(x, w), rn(2, 3), rn(2)),
    E("split_with_sizes-sum", lambda M, x: M.split_with_sizes(x, [2, 2]), rn(5)),
    E("broadcast_shapes", lambda M: M.broadcast_shapes((2,), (3,))),
    E("window-negative", lambda M: M.hann_window(-1)),
]


@pytest.mark.parametrize("fn,args", FUNCTIONAL_ERRORS)
def test_functional_errors_as_torch(fn, args):
    test_same_error_as_torch(fn, args)


LATE = [
    C("index_put", lambda M, x, v: M.index_put(x, (M.tensor([0, 2]),), v), rn(4, 3), rn(2, 3)),
    C("index_put-accumulate", lambda M, x, v: x.index_put((M.tensor([1, 1]), M.tensor([0, 2])),
                                                         v, True), rn(4, 3), rn(2)),
    C("index_put-accumulate-repeat", lambda M, x, v: x.index_put(
        (M.tensor([1, 1, 3]),), v, accumulate=True), rn(4, 3), rn(3, 3)),
    C("index_put_", lambda M, x, v: (x * 1).index_put_((M.tensor([0, 2]),), v), rn(4, 3),
      rn(3)),
    C("put", lambda M, x, v: M.put(x, M.tensor([0, 5, -1]), v), rn(3, 4), rn(3)),
    C("put-accumulate", lambda M, x, v: x.put(M.tensor([1, 1]), v, accumulate=True), rn(3, 4),
      rn(2)),
    C("put_", lambda M, x, v: (x * 1).put_(M.tensor([2]), v), rn(3, 4), rn(1)),
    C("where-method", lambda M, x, y: x.where(x > 0, y), X34, rn(3, 4)),
    C("where-method-scalar", lambda M, x: x.where(x > 0, 0.0), X34),
    C("sum_to_size", lambda M, x: x.sum_to_size(1, 4), X34),
    C("sum_to_size-lead", lambda M, x: x.sum_to_size((3, 1)), rn(2, 3, 4)),
    C("is_cpu", lambda M, x: x.is_cpu, X34),
    C("swapaxes_", lambda M, x: x.detach().clone().swapaxes_(0, 1), X34),
    C("broadcast_to-method", lambda M, x: x.broadcast_to((2, 3, 4)), rn(3, 1)),
    C("argwhere-method", lambda M, x: (x > 0).argwhere(), X34),
    C("real-property", lambda M, x: x.real * 2, X34),
    C("inplace-trig", lambda M, x: (x * 0.5).asin_().sinh_().atan_().cosh_(), rn(3, 4, low=-0.9,
                                                                                high=0.9)),
    C("inplace-special", lambda M, x: (x * 1).lgamma_().exp2_(), rn(4, low=0.5, high=3.0)),
    C("inplace-digamma_", lambda M, x: (x * 1).digamma_(), rn(4, low=0.5, high=3.0)),
    C("inplace-divide_", lambda M, x, y: (x * 1).divide_(y).multiply_(2.0).subtract_(y, alpha=2),
      X34, POS34),
    C("inplace-cumsum_", lambda M, x: (x * 1).cumsum_(1), X34),
    C("inplace-addmm_", lambda M, x, a, b: (x * 1).addmm_(a, b, beta=0.5), rn(2, 4), rn(2, 3),
      rn(3, 4)),
    C("inplace-renorm_", lambda M, x: (x * 1).renorm_(2, 0, 1.0), X34),
    C("inplace-masked_scatter_", lambda M, x, s: (x * 1).masked_scatter_(x > 0, s), X34, rn(12)),
    C("inplace-scatter_reduce_", lambda M, x, s: (x * 1).scatter_reduce_(
        0, M.tensor([0, 0, 1]), s, "sum"), rn(3), rn(3)),
]


@pytest.mark.parametrize("fn,args,grad,tol", LATE)
def test_late_names_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


def _layer(name, *args, **kwargs):
    return lambda M: getattr(M.nn, name)(*args, **kwargs)


LAYERS = [
    C("F.softshrink", lambda M, x: _ns(M).softshrink(x, 0.3), X34),
    C("F.tanhshrink", lambda M, x: _ns(M).tanhshrink(x), X34),
    C("rms_norm", lambda M, x, w: M.rms_norm(x, (4,), w), rn(2, 3, 4), rn(4)),
    C("F.rms_norm-eps", lambda M, x: _ns(M).rms_norm(x, (3, 4), eps=1e-3), rn(2, 3, 4)),
    C("F.rms_norm-f32", lambda M, x: _ns(M).rms_norm(x, (4,)), X34f),
    C("PixelShuffle", lambda M, x: _layer("PixelShuffle", 2)(M)(x), rn(1, 8, 2, 3)),
    C("PixelUnshuffle", lambda M, x: _layer("PixelUnshuffle", 2)(M)(x), rn(1, 2, 4, 4)),
    C("Hardshrink", lambda M, x: _layer("Hardshrink", 0.3)(M)(x), X34),
    C("Softshrink", lambda M, x: _layer("Softshrink")(M)(x), X34),
    C("Tanhshrink", lambda M, x: _layer("Tanhshrink")(M)(x), X34),
    C("Threshold", lambda M, x: _layer("Threshold", 0.1, 20.0)(M)(x), X34),
    C("PReLU", lambda M, x: _layer("PReLU")(M)(x), X34f),
    C("PReLU-channels", lambda M, x: _layer("PReLU", 3, 0.1)(M)(x), rn(2, 3, 4, dtype=np.float32)),
    C("AdaptiveAvgPool1d", lambda M, x: _layer("AdaptiveAvgPool1d", 3)(M)(x), rn(2, 3, 7)),
    C("PairwiseDistance", lambda M, a, b: _layer("PairwiseDistance", p=1.0)(M)(a, b), X34,
      rn(3, 4)),
    C("CosineSimilarity", lambda M, a, b: _layer("CosineSimilarity", dim=0)(M)(a, b), X34,
      rn(3, 4)),
    C("Fold", lambda M, x: _layer("Fold", (3, 3), 2)(M)(x), rn(1, 4, 4)),
    C("Unfold", lambda M, x: _layer("Unfold", 2, padding=1)(M)(x), rn(1, 2, 3, 3)),
    C("ZeroPad1d", lambda M, x: _layer("ZeroPad1d", (1, 2))(M)(x), rn(2, 3)),
    C("ZeroPad2d", lambda M, x: _layer("ZeroPad2d", 1)(M)(x), rn(1, 2, 2)),
    C("ConstantPad1d", lambda M, x: _layer("ConstantPad1d", 2, 3.5)(M)(x), rn(2, 3)),
    C("ConstantPad2d", lambda M, x: _layer("ConstantPad2d", (1, 0, 2, 1), -1.0)(M)(x),
      rn(1, 2, 2)),
    C("ReflectionPad1d", lambda M, x: _layer("ReflectionPad1d", 2)(M)(x), rn(1, 2, 4)),
    C("ReflectionPad2d", lambda M, x: _layer("ReflectionPad2d", (1, 1, 2, 0))(M)(x),
      rn(1, 1, 3, 3)),
    C("ReplicationPad1d", lambda M, x: _layer("ReplicationPad1d", (0, 3))(M)(x), rn(1, 2, 3)),
    C("ReplicationPad2d", lambda M, x: _layer("ReplicationPad2d", 1)(M)(x), rn(1, 1, 2, 3)),
    C("CircularPad1d", lambda M, x: _layer("CircularPad1d", 1)(M)(x), rn(1, 2, 3)),
    C("CircularPad2d", lambda M, x: _layer("CircularPad2d", (1, 1, 1, 0))(M)(x),
      rn(1, 1, 2, 3)),
    C("Softmax2d", lambda M, x: _layer("Softmax2d")(M)(x), rn(2, 3, 2, 2)),
    C("RMSNorm", lambda M, x: _layer("RMSNorm", 4)(M)(x), X34f),
    C("RMSNorm-no-affine", lambda M, x: _layer("RMSNorm", (3, 4), eps=1e-4,
                                               elementwise_affine=False)(M)(x), rn(2, 3, 4)),
]


@pytest.mark.parametrize("fn,args,grad,tol", LAYERS)
def test_layers_same_as_torch(fn, args, grad, tol):
    check(_call(fn, autodiff), _call(fn, torch), *args, grad=grad, tol=tol)


def test_prelu_weight_gradient_as_torch():
    x = rn(2, 3, 4)
    g = rn(2, 3, 4)
    grads = []
    for M in (torch, autodiff):
        m = M.nn.PReLU(3, 0.2)
        m.weight.data = M.tensor(m.weight.detach().numpy().astype(np.float64))
        m(M.tensor(x)).backward(M.tensor(g))
        grads.append(m.weight.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-10)
    assert repr(autodiff.nn.ReflectionPad1d(1)) == repr(torch.nn.ReflectionPad1d(1))
