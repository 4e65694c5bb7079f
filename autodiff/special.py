"""``autodiff.special``: PyTorch's ``torch.special`` names that autodiff has. Most are
autodiff's own ops under their ``special`` names (``expit`` is ``sigmoid``,
``gammaln`` is ``lgamma``, ...); the normal distribution's functions, ``entr`` and
``xlog1py`` are built of the declared ops, so their gradients follow. Loaded on
first use.

Examples
--------
>>> import autodiff
>>> autodiff.special.expit(autodiff.tensor([0.0]))
Tensor([0.5])
>>> autodiff.special.ndtr(autodiff.tensor([0.0]))
Tensor([0.5])
"""

from __future__ import annotations

import math

import autodiff as _ad

from ._typing import Number, TensorLike
from .nn.functional import log_softmax, softmax
from .ops._base import as_tensor_arg, number_or_tensor_arg
from .ops.bessel import i0, i0e, i1, i1e
from .ops.incomplete_gamma import igamma as gammainc
from .ops.incomplete_gamma import igammac as gammaincc
from .tensor import Tensor

digamma = psi = _ad.digamma
erf, erfc, erfinv = _ad.erf, _ad.erfc, _ad.erfinv
exp2, expm1, log1p = _ad.exp2, _ad.expm1, _ad.log1p
expit = _ad.sigmoid
gammaln = _ad.lgamma
logit, logsumexp, polygamma = _ad.logit, _ad.logsumexp, _ad.polygamma
multigammaln = _ad.mvlgamma
round, sinc, xlogy = _ad.round, _ad.sinc, _ad.xlogy  # noqa: A001 - PyTorch's names

_SQRT_HALF = math.sqrt(0.5)


def _float(input: TensorLike, name: str) -> Tensor:  # noqa: A002
    x = as_tensor_arg(input, f"special.{name}")
    return x if x.dtype.kind == "f" else x.to(_ad.get_default_dtype())


def ndtr(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's name
    """The standard normal distribution's CDF, ``(1 + erf(x / sqrt(2))) / 2``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.ndtr(autodiff.tensor([-1.0, 1.0])).round(decimals=4)
    Tensor([0.1587, 0.8413])
    """
    x = _float(input, "ndtr")
    return _ad.erfc(-x * _SQRT_HALF) * 0.5  # (erfc: accurate in the lower tail)


def log_ndtr(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's name
    """``log(ndtr(x))``, accurate in both tails (below -37, where ``ndtr`` underflows,
    from the asymptotic series of ``erfc``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.log_ndtr(autodiff.tensor([0.0, -40.0], dtype=autodiff.float64))
    Tensor([-6.9315e-01, -8.0461e+02], dtype=float64)
    """
    x = _float(input, "log_ndtr")
    tail = x < -37.0  # (erfc underflows below; there the series has converged)
    upper = x > 0
    # (each branch's input kept where the branch is finite: where's other branch gets a
    # zero gradient, and 0 * inf would be NaN)
    above = _ad.where(upper, x, 1.0)
    below = _ad.where(upper | tail, -1.0, x)
    # above 0, log(1 - ndtr(-x)) keeps log_ndtr(10) = -7.6e-24 (not 0)
    direct = _ad.where(upper, _ad.log1p(_ad.erfc(above * _SQRT_HALF) * -0.5),
                       _ad.log(_ad.erfc(below * -_SQRT_HALF) * 0.5))
    # log(ndtr(x)) = -x^2/2 - log(-x) - log(sqrt(2 pi)) + log(1 - 1/x^2 + 3/x^4 - ...)
    z = _ad.where(tail, x, -40.0)
    inv2 = 1.0 / (z * z)
    series = 1.0 - inv2 * (1.0 - inv2 * (3.0 - 15.0 * inv2))
    asymptotic = -0.5 * z * z - _ad.log(-z) - 0.5 * math.log(2 * math.pi) + _ad.log(series)
    return _ad.where(tail, asymptotic, direct)


def ndtri(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's name
    """The inverse of ``ndtr``: the standard normal quantile of probabilities in [0, 1].

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.ndtri(autodiff.tensor([0.5, 0.975])).round(decimals=3)
    Tensor([0.  , 1.96])
    """
    p = _float(input, "ndtri")
    return _ad.erfinv(p * 2.0 - 1.0) * math.sqrt(2.0)


def entr(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's name
    """Elementwise entropy ``-x * log(x)``: 0 at 0, -inf below.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.entr(autodiff.tensor([0.0, 0.5, -1.0])).round(decimals=4)
    Tensor([0.    , 0.3466,   -inf])
    """
    x = _float(input, "entr")
    positive = x > 0
    safe = _ad.where(positive, x, 1.0)  # (no 0 * log 0 in the gradient)
    return _ad.where(positive, -safe * _ad.log(safe), _ad.where(x == 0, 0.0, float("-inf")))


def xlog1py(input: TensorLike | Number, other: TensorLike | Number) -> Tensor:  # noqa: A002
    """``input * log1p(other)``, 0 where ``input`` is 0 (also where ``other`` is -1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.xlog1py(autodiff.tensor([0.0, 2.0]), autodiff.tensor([-1.0, 0.0]))
    Tensor([0., 0.])
    """
    x = number_or_tensor_arg(input, "special.xlog1py", "input")
    y = number_or_tensor_arg(other, "special.xlog1py", "other")
    x = x if isinstance(x, Tensor) else _ad.tensor(float(x))
    y = y if isinstance(y, Tensor) else _ad.tensor(float(y), dtype=x.dtype)
    zero = x == 0
    safe = _ad.where(zero, 0.0, y)  # (log1p(-1) = -inf only where input is not 0)
    return _ad.where(zero, 0.0, x * _ad.log1p(safe))


__all__ = [
    "digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammainc",
    "gammaincc", "gammaln", "i0",
    "i0e", "i1", "i1e",
    "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
    "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy",
]
