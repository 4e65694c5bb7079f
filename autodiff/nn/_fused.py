"""Fused, numerically careful loss ops with their own VJPs (elementwise, unreduced).

- ``bce_with_logits``: (1 - y) x + (1 + (pw - 1) y) softplus(-x), with
  softplus(-x) = max(-x, 0) + log1p(exp(-|x|)): finite for every finite logit.
- ``bce``: -(y clamp(log p, -100) + (1 - y) clamp(log(1 - p), -100)), with
  PyTorch's gradient (p - y) / max(p (1 - p), 1e-12).
- ``softmax_cross_entropy``: -w_i log_softmax(x)[i, t_i] on (N, C) logits, one
  node whose VJP is (softmax(x) - onehot(t)) w_i, instead of log_softmax,
  indexing and a reduction as three; it saves the row-wise log-sum-exp.

Both are registered ops, so the test suite gradchecks them to second order.
"""

from __future__ import annotations

import numpy as np

from ..engine import Node, apply, apply1
from ..ops import registry as R
from ..ops.reductions import softmax
from ..ops.xp import TS
from ..tensor import Tensor


def _softplus_neg(x, xp):
    """softplus(-x) = log(1 + exp(-x)), stable for any finite x."""
    return xp.where(x < 0, -x, 0.0) + xp.log(xp.exp(-xp.abs(x)) + 1.0)


class BCEWithLogitsBackward(Node):
    name = "bce_with_logits"
    saves = (0, 1, 2)

    @staticmethod
    def forward(*arrays):
        *arrays, _ = arrays
        x, y = arrays[0], arrays[1]
        sp = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        if len(arrays) == 3:
            return (1.0 - y) * x + (1.0 + (arrays[2] - 1.0) * y) * sp
        return (1.0 - y) * x + sp

    def vjp(self, g, xs, out, xp):
        x, y = xs[0], xs[1]
        pw = xs[2] if len(xs) == 3 else None
        needs = self.needs
        gx = gy = gpw = None
        s = xp.sigmoid(x)
        if needs[0]:
            # d/dx = (1 - y) - lw * sigmoid(-x); lw = 1 + (pw - 1) y
            gx = g * (s - y) if pw is None else g * ((1.0 - y) - ((pw - 1.0) * y + 1.0) * (1.0 - s))
        if needs[1] or (pw is not None and needs[2]):
            sp = _softplus_neg(x, xp)
            if needs[1]:
                gy = g * (-x) if pw is None else g * ((pw - 1.0) * sp - x)
            if pw is not None and needs[2]:
                gpw = g * y * sp
        return (gx, gy) if pw is None else (gx, gy, gpw)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4, low=-4, high=4), R.randn(3, 4, seed=1, low=0.0, high=1.0))),
        R.Sample(
            (
                R.randn(3, 4, low=-4, high=4),
                R.randn(3, 4, seed=1, low=0.0, high=1.0),
                R.randn(4, seed=2, low=0.5, high=3.0),
            ),
            note="pos_weight",
        ),
    ],
    export=False,
)
def bce_with_logits(x: Tensor, y: Tensor, pos_weight: Tensor | None = None) -> Tensor:
    """Unreduced binary cross-entropy on logits (see module docstring).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._fused import bce_with_logits
    >>> bce_with_logits(autodiff.tensor([1000.0, -1000.0]), autodiff.tensor([1.0, 0.0]))
    Tensor([0., 0.])
    """
    inputs = (x, y) if pos_weight is None else (x, y, pos_weight)
    return apply(BCEWithLogitsBackward, inputs)


class BCEBackward(Node):
    name = "binary_cross_entropy"
    saves = (0, 1)

    @staticmethod
    def forward(p, y, attrs):
        with np.errstate(divide="ignore"):
            lp = np.maximum(np.log(p), -100.0)
            l1p = np.maximum(np.log1p(-p), -100.0)
        return -(y * lp + (1.0 - y) * l1p)

    def vjp(self, g, xs, out, xp):
        p, y = xs
        gp = gy = None
        if self.needs[0]:
            d = p * (1.0 - p)
            gp = g * (p - y) / xp.where(d < 1e-12, 1e-12, d)
        if self.needs[1]:
            with np.errstate(divide="ignore"):
                lp = xp.log(p)
                l1p = xp.log(1.0 - p)
            lp = xp.where(lp < -100.0, -100.0, lp)
            l1p = xp.where(l1p < -100.0, -100.0, l1p)
            gy = g * (l1p - lp)
        return gp, gy


def bce(p: Tensor, y: Tensor) -> Tensor:
    """Unreduced binary cross-entropy on probabilities, logs clamped at -100.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._fused import bce
    >>> bce(autodiff.tensor([0.0, 0.5]), autodiff.tensor([1.0, 1.0]))
    Tensor([100.    ,   0.6931])
    """
    return apply(BCEBackward, (p, y))


class SoftmaxCrossEntropyBackward(Node):
    name = "cross_entropy"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        picks, targets, row_weight, scale, reduction, keep, saved = attrs
        m = np.maximum.reduce(x, axis=1, keepdims=True)
        log_sum = np.log(np.add.reduce(np.exp(x - m), axis=1, keepdims=True))
        # the VJP's softmax is exp((x - m) - log_sum): it keeps the logits (released
        # after backward, as any input) and two (N, 1) columns, not an (N, C)
        # log_softmax; (x - m) first, as log_softmax, stays exact for huge logits
        saved[0] = m, log_sum
        picked = x.reshape(-1)[picks]  # x[rows, targets], 1-D indexing is faster
        picked -= m[:, 0]
        picked -= log_sum[:, 0]
        if keep is not None:  # ignored rows add nothing, even with -inf or NaN logits
            picked[~keep] = 0.0
        if reduction == "none":
            picked *= -scale if row_weight is None else row_weight * -scale
            return picked
        total = np.add.reduce(picked) if row_weight is None else np.dot(picked, row_weight)
        return np.array(0.0 - total * scale, dtype=x.dtype)  # (0.0 - : no -0.0 loss)

    def describe_attrs(self) -> str:
        """For graph pictures: "16 targets, mean" (the attrs hold arrays)."""
        _, targets, row_weight, scale, reduction, _, _ = self.attrs
        weighted = ", weighted" if row_weight is not None else ""
        return f"{len(targets)} targets{weighted}, {reduction}"

    def vjp(self, g, xs, out, xp):
        picks, targets, row_weight, scale, reduction, keep, saved = self.attrs
        if row_weight is None:
            w = scale
        elif keep is None and scale != np.inf:
            w = row_weight * scale
        else:
            # zero total weight (scale inf): 0 * inf = NaN, as PyTorch's 0 / 0, except at
            # ignored rows, whose gradient stays 0
            with np.errstate(invalid="ignore"):
                w = row_weight * scale
            if keep is not None:
                w = np.where(keep, w, 0.0)
        if xp is TS:
            # second order: softmax as a recorded function of the logits
            onehot = np.zeros(xs[0].shape, xs[0].data.dtype)
            onehot.reshape(-1)[picks] = 1.0
            gw = xp.reshape(g, (-1, 1)) if reduction == "none" else g
            w = w if row_weight is None else w.reshape(-1, 1)
            return ((softmax(xs[0], 1) - onehot) * (gw * w),)
        m, log_sum = saved[0]
        grad = np.subtract(xs[0], m)
        grad -= log_sum
        np.exp(grad, out=grad)
        grad.reshape(-1)[picks] -= 1.0  # (grad is fresh and C-contiguous: a view)
        if reduction == "none" or row_weight is not None:
            grad *= (g * w).reshape(-1, 1)
        else:
            grad *= g * w
        return (grad,)


def softmax_cross_entropy(
    x: Tensor,
    targets: np.ndarray,
    row_weight: np.ndarray | None,
    scale: float,
    reduction: str,
    keep: np.ndarray | None = None,
) -> Tensor:
    """Weighted softmax cross-entropy of (N, C) logits at int targets, one node.

    Row ``i``'s loss is ``-scale * row_weight[i] * log_softmax(x)[i, targets[i]]``
    (``row_weight`` None: all ones; 0 for an ignored row; ``keep``, when given, is
    False at the ignored rows, whose logits then do not reach the loss); ``reduction`` is
    "none" (the (N,) losses), "sum" (their sum) or "mean" (also their sum: the
    caller passes ``scale`` = 1 / total weight).

    Examples
    --------
    >>> import autodiff
    >>> import numpy as np
    >>> from autodiff.nn._fused import softmax_cross_entropy
    >>> x = autodiff.tensor([[0.0, 0.0], [1000.0, 0.0]])
    >>> softmax_cross_entropy(x, np.array([0, 0]), None, 0.5, "sum")
    Tensor(0.3466)
    """
    # the flat positions of x[i, targets[i]] in a C-ordered (N, C) array
    picks = np.arange(0, len(targets) * x.shape[1], x.shape[1]) + targets
    attrs = (picks, targets, row_weight, scale, reduction, keep, [None])
    return apply1(SoftmaxCrossEntropyBackward, x, attrs)


def _ce_sample(n: int, c: int, reduction: str, seed: int, weights=None, scale=1.0) -> R.Sample:
    targets = R.rng(seed).integers(0, c, n)
    w = None if weights is None else np.asarray(weights, np.float64)
    return R.Sample((R.randn(n, c, seed=seed), targets, w, scale, reduction), note=reduction)


R.register(
    "cross_entropy",
    softmax_cross_entropy,
    lambda: [
        _ce_sample(4, 3, "sum", 0, scale=0.25),
        _ce_sample(5, 4, "none", 1),
        _ce_sample(3, 5, "sum", 2, weights=[0.5, 0.0, 1.5]),  # a zero weight: ignored row
        _ce_sample(3, 5, "none", 4, weights=[0.5, 0.0, 1.5], scale=2.0),
        _ce_sample(1, 1, "sum", 3),
    ],
)
R.register(
    "binary_cross_entropy",
    bce,
    lambda: [R.Sample((R.randn(3, 4, low=0.05, high=0.95), R.randn(3, 4, seed=1, low=0, high=1)))],
)
