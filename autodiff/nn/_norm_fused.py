"""``normalize``: (x - mean) / sqrt(var + eps) over some axes, as one node.

Batch norm and layer norm both start with this step. Written as ops it is six
nodes (mean, sub, var, add, sqrt, div) each way; as one node its VJP is the
closed form (n = the number of values averaged, xhat the output)::

    dx = rstd * (g - mean(g) - xhat * mean(g * xhat))

It saves the (reduced-shape) mean and ``rstd`` beside the output; a caller that
needs the batch statistics (batch norm's running estimates) reads them there.
Registered, so the suite gradchecks it to second order.
"""

from __future__ import annotations

import numpy as np

from ..engine import Node, apply1
from ..ops import registry as R
from ..ops.xp import TS
from ..tensor import Tensor


class NormalizeBackward(Node):
    name = "normalize"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, eps, saved = attrs
        inv_n = x.dtype.type(_count(x.shape, axes) ** -1.0)
        mean = np.add.reduce(x, axis=axes, keepdims=True)
        mean *= inv_n  # (np.mean, but without its Python-level wrapper: a hot path)
        xc = x - mean
        var = np.add.reduce(xc * xc, axis=axes, keepdims=True)
        var *= inv_n
        rstd = 1.0 / np.sqrt(var + eps)
        saved[0] = mean, var, rstd.astype(x.dtype, copy=False)
        xc *= rstd
        return xc

    def vjp(self, g, xs, out, xp):
        axes, eps, saved = self.attrs
        if xp is TS:
            # second order: the same closed form, recorded as a function of x and g
            x = xs[0]
            xc = x - x.mean(dim=axes, keepdim=True)
            rstd = ((xc * xc).mean(dim=axes, keepdim=True) + eps) ** -0.5
            xhat = xc * rstd
            proj = (g * xhat).mean(dim=axes, keepdim=True)
            return (rstd * (g - g.mean(dim=axes, keepdim=True) - xhat * proj),)
        rstd = saved[0][2]
        inv_n = out.dtype.type(_count(out.shape, axes) ** -1.0)
        proj = np.add.reduce(g * out, axis=axes, keepdims=True)
        proj *= inv_n
        gx = g - np.add.reduce(g, axis=axes, keepdims=True) * inv_n
        gx -= out * proj
        gx *= rstd
        return (gx,)


def _count(shape: tuple, axes: tuple) -> int:
    """How many values each mean averages."""
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def normalize(x: Tensor, axes: tuple, eps: float) -> tuple[Tensor, list]:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (biased variance), and a list
    whose item 0 holds ``(mean, var, rstd)`` as arrays (reduced dims kept).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._norm_fused import normalize
    >>> out, saved = normalize(autodiff.tensor([[1.0, 3.0]]), (1,), 0.0)
    >>> out, saved[0][0]
    (Tensor([[-1.,  1.]]), array([[2.]], dtype=float32))
    """
    saved: list = [None]
    return apply1(NormalizeBackward, x, (tuple(axes), float(eps), saved)), saved


R.register(
    "normalize",
    lambda x, axes, eps: normalize(x, axes, eps)[0],
    lambda: [
        R.Sample((R.randn(5, 3), (0,), 1e-5), note="batch norm (N, C)"),
        R.Sample((R.randn(4, 2, 3), (0, 2), 1e-5), note="batch norm (N, C, L)"),
        R.Sample((R.randn(2, 3, 4), (2,), 1e-5), note="layer norm"),
        R.Sample((R.randn(2, 3, 4), (1, 2), 0.1), note="layer norm, 2 dims"),
    ],
)
