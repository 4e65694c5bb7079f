"""Random layers beyond ``Dropout``: channel-wise dropout (``Dropout1d``,
``Dropout2d``), alpha dropout for SELU networks (``AlphaDropout``), Gumbel-softmax
sampling and the randomized leaky ReLU (``RReLU``). The functional forms are also
``autodiff.nn.functional.<name>``; all draw from autodiff's global generator
(``autodiff.manual_seed``).
"""

from __future__ import annotations

import numpy as np

from ..factories import generator
from ..tensor import Tensor, _make
from . import functional as F
from .functional import _float, _inplace
from .module import Module

_SELU_ALPHA_PRIME = -1.7580993408473766  # -scale * alpha of SELU: its saturation value


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Channel-wise dropout of (N, C, L) or (C, L) input: zero whole channels with
    probability ``p`` and scale the rest by 1 / (1 - p) while training.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.dropout1d(autodiff.ones(2, 3, 4), 0.5, training=False).shape
    (2, 3, 4)
    """
    x = _float(input, "dropout1d: input")
    _check_p(p)
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {x.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _inplace(x, lambda t: t * 0.0, inplace, "dropout1d")
    keep = generator().random(x.shape[:-1] + (1,)) >= p
    mask = keep.astype(x.data.dtype) * np.asarray(1.0 / (1.0 - p), dtype=x.data.dtype)
    return _inplace(x, lambda t: t * _make(mask, None), inplace, "dropout1d")


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps a SELU network's activations at zero mean and unit variance:
    dropped elements take SELU's saturation value, then all are scaled and shifted
    back (Klambauer et al. 2017). The identity unless ``training`` (off by default,
    as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.alpha_dropout(autodiff.ones(3), 0.2)
    Tensor([1., 1., 1.])
    """
    x = _float(input, "alpha_dropout: input")
    _check_p(p)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _inplace(x, lambda t: t * 0.0, inplace, "alpha_dropout")
    keep = (generator().random(x.shape) >= p).astype(x.data.dtype)
    a = (1.0 / np.sqrt((1.0 - p) * (1.0 + p * _SELU_ALPHA_PRIME**2))).astype(x.data.dtype)
    b = -a * _SELU_ALPHA_PRIME * p
    # a * (x * keep + alpha' * (1 - keep)) + b
    scale = _make(keep * a, None)
    shift = _make((a * _SELU_ALPHA_PRIME * (1.0 - keep) + b).astype(x.data.dtype), None)
    return _inplace(x, lambda t: t * scale + shift, inplace, "alpha_dropout")


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample from the Gumbel-softmax distribution over ``dim``: ``softmax((logits +
    g) / tau)`` with standard Gumbel noise ``g``; with ``hard`` the one-hot of its
    argmax, whose gradient is the soft sample's (straight-through). ``eps`` is unused
    (PyTorch's deprecated argument).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> y = F.gumbel_softmax(autodiff.zeros(2, 5), tau=0.5, hard=True)
    >>> y.sum(-1)
    Tensor([1., 1.])
    """
    x = _float(logits, "gumbel_softmax: logits")
    if tau <= 0:
        raise ValueError(f"gumbel_softmax: tau must be positive, got {tau}")
    noise = -np.log(generator().exponential(size=x.shape)).astype(x.data.dtype)
    soft = F.softmax((x + _make(noise, None)) / tau, dim)
    if not hard:
        return soft
    index = soft.data.argmax(axis=dim)
    one_hot = np.zeros_like(soft.data)
    np.put_along_axis(one_hot, np.expand_dims(index, dim), 1.0, axis=dim)
    return _make(one_hot, None) - soft.detach() + soft


class Dropout1d(Module):
    """:func:`dropout1d` as a module (identity in eval mode).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Dropout1d(0.5).eval()(autodiff.ones(1, 2, 3)).sum().item()
    6.0
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        _check_p(p)
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return dropout1d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class AlphaDropout(Module):
    """:func:`alpha_dropout` as a module, active in training mode.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AlphaDropout(0.2).eval()(autodiff.ones(3))
    Tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        _check_p(p)
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return alpha_dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Module):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability
    ``p`` while training (scaling the rest by 1 / (1 - p)); identity in eval.

    Examples
    --------
    >>> import autodiff
    >>> drop = autodiff.nn.Dropout2d(0.5).eval()
    >>> drop(autodiff.ones(1, 2, 3, 3)).sum().item()
    18.0
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


# ------------------------------------------------------ randomized leaky ReLU
def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, inplace: bool = False) -> Tensor:
    """Leaky ReLU whose negative slope is drawn uniformly from [lower, upper] for each
    element while ``training``; the mean slope otherwise (as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.rrelu(autodiff.tensor([-3.0, 2.0]), 0.1, 0.3)
    Tensor([-0.6,  2. ])
    """
    x = _float(input, "rrelu: input")
    if not training:
        return F.leaky_relu(x, (lower + upper) / 2, inplace)
    slope = generator().uniform(lower, upper, size=x.shape).astype(x.data.dtype)
    factor = _make(np.where(x.data >= 0, np.ones((), x.data.dtype), slope), None)
    return _inplace(x, lambda t: t * factor, inplace, "rrelu")


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
           training: bool = False) -> Tensor:
    """``rrelu(..., inplace=True)`` (see :func:`autodiff.nn.functional.relu`).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.tensor([-3.0])
    >>> F.rrelu_(x, 0.1, 0.3) is x
    True
    """
    return rrelu(input, lower, upper, training, inplace=True)


class RReLU(Module):
    """:func:`rrelu` as a module (random slopes in training mode).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.RReLU(0.1, 0.3).eval()(autodiff.tensor([-3.0, 2.0]))
    Tensor([-0.6,  2. ])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}"
