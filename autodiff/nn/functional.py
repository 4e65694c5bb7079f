"""Stateless neural-network functions (``autodiff.nn.functional``, usually imported as F).

Activations and conv/pool ops are the registered ops themselves; layers and
losses are built from registered ops (so they are differentiable to any
order), except the two fused binary cross-entropies (``nn._fused``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _lazy
from .._dtypes import default_float
from .._typing import DTypeLike
from ..engine import apply1, no_grad, recording
from ..factories import generator
from ..ops.casts import where
from ..ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold
from ..ops.inplace import inplace as _inplace_op
from ..ops.nn_functional import (  # (declared there: also autodiff.pixel_shuffle, ...)
    adaptive_avg_pool1d,
    hardshrink,
    pdist,
    pixel_shuffle,
    pixel_unshuffle,
    prelu,
    rms_norm,
    softshrink,
    tanhshrink,
)
from ..ops.nn_functional import (
    threshold as _threshold,
)
from ..ops.parameterised import elu as _elu
from ..ops.parameterised import gelu, softplus
from ..ops.parameterised import leaky_relu as _leaky_relu
from ..ops.pooling import (
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_unpool1d,
    max_unpool2d,
)
from ..ops.products import linear as _linear_op
from ..ops.reductions import log_softmax as _log_softmax
from ..ops.reductions import norm as _norm
from ..ops.reductions import softmax as _softmax
from ..ops.shape import reshape
from ..ops.spatial import adaptive_avg_pool2d, adaptive_max_pool2d, interpolate, pad
from ..ops.subscript import GetItemBackward, gather
from ..ops.unary import relu as _relu
from ..ops.unary import sigmoid as _sigmoid
from ..ops.unary import tanh as _tanh
from ..tensor import Tensor, _make
from . import _activations_fused as _act
from . import _fused
from ._norm_fused import normalize as _normalize_axes

_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x, name: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{name} must be a Tensor, got {type(x).__name__}")


def _float(x, name: str) -> Tensor:
    x = _tensor(x, name)
    if x.data.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.data.dtype}")
    return x


# ------------------------------------------------------------- activations


def _implicit_dim(ndim: int) -> int:
    # PyTorch's legacy choice when dim is not given
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike = None
) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (PyTorch's legacy default dim when None);
    ``dtype``: the input is converted to it first.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.softmax(autodiff.tensor([[0.0, 0.0]]), dim=1)
    Tensor([[0.5, 0.5]])
    """
    x = _tensor(input, "softmax: input")
    return _softmax(x, _implicit_dim(x.ndim) if dim is None else dim, dtype=dtype)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike = None
) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably; ``dtype``: the input is converted
    to it first.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.log_softmax(autodiff.tensor([[1000.0, 0.0]]), dim=1)
    Tensor([[    0., -1000.]])
    """
    x = _tensor(input, "log_softmax: input")
    return _log_softmax(x, _implicit_dim(x.ndim) if dim is None else dim, dtype=dtype)


def _inplace(input: Tensor, fn, inplace: bool, name: str) -> Tensor:
    """``fn(input)``; with ``inplace``, ``input`` takes the result in place, as PyTorch's
    in-place forms (recorded when a graph is: the op runs on a saved copy of the old
    values and ``input`` takes its history; a leaf that requires grad raises)."""
    if not inplace:
        return fn(input)
    return _inplace_op(input, name, fn)


# ---- PyTorch's signatures for the ops' activations (input=, inplace=)
def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(input, 0)`` (:func:`autodiff.relu`); ``inplace`` makes ``input`` take the
    result in place, as PyTorch's (recorded in the graph; a leaf that requires grad
    raises).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.relu(autodiff.tensor([-1.0, 2.0]), inplace=True)
    Tensor([0., 2.])
    """
    return _inplace(input, _relu, True, "relu") if inplace else _relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002
               inplace: bool = False) -> Tensor:
    """:func:`autodiff.leaky_relu` with PyTorch's ``inplace`` (see :func:`relu`).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.leaky_relu(autodiff.tensor([-1.0, 2.0]), 0.1)
    Tensor([-0.1,  2. ])
    """
    if not inplace:
        return _leaky_relu(input, negative_slope)
    return _inplace(input, lambda t: _leaky_relu(t, negative_slope), True, "leaky_relu")


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """:func:`autodiff.elu` with PyTorch's ``inplace`` (see :func:`relu`).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.elu(autodiff.tensor([1.0]))
    Tensor([1.])
    """
    if not inplace:
        return _elu(input, alpha)
    return _inplace(input, lambda t: _elu(t, alpha), True, "elu")


def threshold(input: Tensor, threshold: float, value: float,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """:func:`autodiff.threshold` with PyTorch's ``inplace`` (see :func:`relu`).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.threshold(autodiff.tensor([0.5, 2.0]), 1.0, -1.0)
    Tensor([-1.,  2.])
    """
    if not inplace:
        return _threshold(input, threshold, value)
    return _inplace(input, lambda t: _threshold(t, threshold, value), True, "threshold")


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """:func:`autodiff.sigmoid`, with PyTorch's argument name.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.sigmoid(autodiff.tensor([0.0]))
    Tensor([0.5])
    """
    return _sigmoid(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """:func:`autodiff.tanh`, with PyTorch's argument name.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.tanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return _tanh(input)


def _inplace_form(fn, name: str, example_args: str = ""):
    def inplace_fn(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A002
        return fn(input, *args, inplace=True, **kwargs)

    inplace_fn.__name__ = inplace_fn.__qualname__ = name
    inplace_fn.__doc__ = f"""``{fn.__name__}(input, ..., inplace=True)``: ``input`` takes the
    result in place, recorded in the graph (see :func:`relu`).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.tensor([-1.0, 2.0])
    >>> y = F.{name}(x{example_args})
    >>> y is x
    True
    """
    return inplace_fn


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Sigmoid linear unit (swish), ``x * sigmoid(x)``.

    Parameters
    ----------
    input : Tensor
        A floating-point tensor.
    inplace : bool
        Make ``input`` take the result in place (recorded in the graph, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.silu(autodiff.tensor([0.0, 1000.0]))
    Tensor([   0., 1000.])
    """
    x = _float(input, "silu: input")
    return _inplace(x, _act.silu, inplace, "silu")


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Mish, ``x * tanh(softplus(x))``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.mish(autodiff.tensor([0.0, -1000.0]))
    Tensor([ 0., -0.])
    """
    x = _float(input, "mish: input")
    return _inplace(x, _act.mish, inplace, "mish")


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """``clamp(x, min_val, max_val)``; as PyTorch, the gradient is 1 strictly
    between the bounds and 0 at and beyond them.

    Parameters
    ----------
    input : Tensor
        Floating-point (or integer, which gets no gradient) tensor.
    min_val, max_val : float
        The bounds; ``min_val`` must not exceed ``max_val``.
    inplace : bool
        Make ``input`` take the result in place (recorded in the graph, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.hardtanh(autodiff.tensor([-2.0, 0.5, 2.0]))
    Tensor([-1. ,  0.5,  1. ])
    """
    x = _tensor(input, "hardtanh: input")
    if min_val > max_val:
        raise ValueError(
            f"hardtanh: min_val cannot be greater than max_val, got min_val={min_val} "
            f"and max_val={max_val}"
        )
    if x.data.dtype.kind in "iu":  # no gradient: clamp with the bounds as integers
        low, high = int(np.ceil(min_val)), int(np.floor(max_val))
        return _inplace(x, lambda t: _make(np.clip(t.data, low, high), None), inplace,
                        "hardtanh")
    x = _float(x, "hardtanh: input")
    return _inplace(x, lambda t: _act.hardtanh(t, min_val, max_val), inplace, "hardtanh")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)`` (gradient 0 at 0 and at 6, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.relu6(autodiff.tensor([-1.0, 3.0, 7.0]))
    Tensor([0., 3., 6.])
    """
    _tensor(input, "relu6: input")
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """Piecewise-linear sigmoid, ``clamp(x + 3, 0, 6) / 6``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.hardsigmoid(autodiff.tensor([-4.0, 0.0, 4.0]))
    Tensor([0. , 0.5, 1. ])
    """
    x = _float(input, "hardsigmoid: input")
    return _inplace(x, _act.hardsigmoid, inplace, "hardsigmoid")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """Hard swish, ``x * clamp(x + 3, 0, 6) / 6``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.hardswish(autodiff.tensor([-4.0, 0.0, 4.0]))
    Tensor([-0.,  0.,  4.])
    """
    x = _float(input, "hardswish: input")
    return _inplace(x, _act.hardswish, inplace, "hardswish")


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU, ``scale * elu(x, alpha)`` with PyTorch's constants
    (alpha = 1.6732632..., scale = 1.0507009...).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.selu(autodiff.tensor([0.0, 1.0]))
    Tensor([0.    , 1.0507])
    """
    x = _float(input, "selu: input")
    return _inplace(x, _act.selu, inplace, "selu")


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Continuously differentiable ELU: x for x > 0, ``alpha * (exp(x / alpha) - 1)`` elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.celu(autodiff.tensor([-1000.0, 2.0]), alpha=2.0)
    Tensor([-2.,  2.])
    """
    x = _float(input, "celu: input")
    if alpha == 0:
        raise ZeroDivisionError("celu: alpha cannot be 0")
    return _inplace(x, lambda t: _act.celu(t, alpha), inplace, "celu")


# PyTorch's in-place forms (F.relu_(x) is F.relu(x, inplace=True))
relu_ = _inplace_form(relu, "relu_")
leaky_relu_ = _inplace_form(leaky_relu, "leaky_relu_")
elu_ = _inplace_form(elu, "elu_")
hardtanh_ = _inplace_form(hardtanh, "hardtanh_")
selu_ = _inplace_form(selu, "selu_")
celu_ = _inplace_form(celu, "celu_")
threshold_ = _inplace_form(threshold, "threshold_", ", 1.0, 0.0")


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))`` = ``-softplus(-x)``, stable for any finite x.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.logsigmoid(autodiff.tensor([-1000.0, 0.0]))
    Tensor([-1.0000e+03, -6.9315e-01])
    """
    return _act.logsigmoid(_float(input, "logsigmoid: input"))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.softsign(autodiff.tensor([-3.0, 0.0, 1.0]))
    Tensor([-0.75,  0.  ,  0.5 ])
    """
    x = _float(input, "softsign: input")
    return x / (x.abs() + 1.0)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim`` (PyTorch's legacy default dim when None);
    ``dtype`` casts the input first.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.softmin(autodiff.tensor([[0.0, 1000.0]]), dim=1)
    Tensor([[1., 0.]])
    """
    x = _float(input, "softmin: input")
    if dtype is not None and np.dtype(dtype) != x.data.dtype:
        x = x.to(np.dtype(dtype))
    return _softmax(-x, _implicit_dim(x.ndim) if dim is None else dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)``, the halves ``a``, ``b`` of ``input`` along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.glu(autodiff.tensor([[2.0, 4.0, 0.0, 1000.0]]))
    Tensor([[1., 4.]])
    """
    x = _float(input, "glu: input")
    if x.ndim == 0:
        raise ValueError("glu: does not support scalars (0-d input), the halving size must be even")
    d = _norm_dim(dim, x.ndim, "glu")
    n = x.shape[d]
    if n % 2:
        raise ValueError(
            f"glu: halving dimension must be even, but dimension {d} of input shape {x.shape} "
            f"is size {n}"
        )
    lead = (slice(None),) * d
    return x[lead + (slice(0, n // 2),)] * sigmoid(x[lead + (slice(n // 2, n),)])


def _norm_dim(dim: int, ndim: int, name: str) -> int:
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}: dim must be an int, got {type(dim).__name__}")
    lo = -max(ndim, 1)
    if not lo <= dim < max(ndim, 1):
        raise IndexError(
            f"{name}: dimension out of range (expected to be in range of [{lo}, "
            f"{max(ndim, 1) - 1}], but got {dim})"
        )
    return int(dim) % max(ndim, 1)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: None = None) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    Parameters
    ----------
    input : Tensor
        A floating-point tensor.
    p : float
        The norm's exponent (2, 1, inf or another positive number).
    dim : int
        The dimension to normalise along.
    eps : float
        Lower bound of the norm (a zero vector stays zero).
    out : None
        Not supported (PyTorch's output argument); must be None.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.normalize(autodiff.tensor([[3.0, 4.0], [0.0, 0.0]]))
    Tensor([[0.6, 0.8],
            [0. , 0. ]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    x = _float(input, "normalize: input")
    d = _norm_dim(dim, x.ndim, "normalize")
    n = _norm(x, p, d, True).clamp(min=eps)
    return x / n


def _float_pair(x1, x2, name: str) -> tuple[Tensor, Tensor]:
    """Two tensors, made floating (integers: the default float dtype) and promoted alike."""
    a, b = _tensor(x1, f"{name}: x1"), _tensor(x2, f"{name}: x2")
    kinds = (a.data.dtype.kind == "f", b.data.dtype.kind == "f")
    if kinds == (True, True):
        common = np.promote_types(a.data.dtype, b.data.dtype)
    else:
        common = a.data.dtype if kinds[0] else b.data.dtype if kinds[1] else default_float()
    a = a if a.data.dtype == common else a.to(common)
    b = b if b.data.dtype == common else b.to(common)
    return a, b


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast together).

    As PyTorch, each is divided by its norm first, each norm at least ``eps``;
    the bound does not cut the norm's gradient.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> a = autodiff.tensor([[1.0, 0.0], [1.0, 1.0]])
    >>> F.cosine_similarity(a, autodiff.tensor([[0.0, 2.0], [3.0, 3.0]]))
    Tensor([0., 1.])
    """
    a, b = _float_pair(x1, x2, "cosine_similarity")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"cosine_similarity: x1 of shape {a.shape} and x2 of shape {b.shape} do not "
            "broadcast together"
        ) from None
    a = a if a.shape == shape else a.expand(*shape)
    b = b if b.shape == shape else b.expand(*shape)
    d = _norm_dim(dim, len(shape), "cosine_similarity")

    def unit(v: Tensor) -> Tensor:
        n = _norm(v, 2, d, True)
        # n raised to eps in value only (PyTorch clamps it in place under no_grad)
        lift = np.maximum(n.data, eps) - n.data
        return v / (n + _make(lift.astype(n.data.dtype, copy=False), None))

    return (unit(a) * unit(b)).sum(dim=d)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dimension (inputs broadcast together).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.pairwise_distance(autodiff.tensor([[3.0, 4.0]]), autodiff.zeros(1, 2), eps=0.0)
    Tensor([5.])
    """
    a, b = _float_pair(x1, x2, "pairwise_distance")
    try:
        nd = len(np.broadcast_shapes(a.shape, b.shape))
    except ValueError:
        raise ValueError(
            f"pairwise_distance: x1 of shape {a.shape} and x2 of shape {b.shape} do not "
            "broadcast together"
        ) from None
    diff = a - b + eps
    return _norm(diff, p, nd - 1 if nd else None, keepdim)


# ------------------------------------------------------------------ layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, with weight of shape (out_features, in_features).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.linear(autodiff.ones(2, 3), autodiff.ones(4, 3), autodiff.zeros(4))
    Tensor([[3., 3., 3., 3.],
            [3., 3., 3., 3.]])
    """
    x = _tensor(input, "linear: input")
    w = _tensor(weight, "linear: weight")
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out_features, in_features), got {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: weight of shape {w.shape} expects input with {w.shape[1]} features in its "
            f"last dimension, got shape {x.shape}"
        )
    return _linear_op(x, w, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
            inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability ``p`` and scale the
    rest by 1 / (1 - p) while training; the identity otherwise.

    Uses autodiff's global generator (``autodiff.manual_seed``); ``inplace``
    makes ``input`` take the result in place (as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.dropout(autodiff.ones(3), 0.5, training=False)
    Tensor([1., 1., 1.])
    """
    x = _float(input, "dropout: input")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _inplace(x, lambda t: t * 0.0, inplace, "dropout")
    keep = generator().random(x.shape) >= p
    mask = keep.astype(x.data.dtype) * np.asarray(1.0 / (1.0 - p), dtype=x.data.dtype)
    return _inplace(x, lambda t: t * _make(mask, None), inplace, "dropout")


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as PyTorch's math backend.

    Parameters
    ----------
    query : Tensor
        ``(..., L, E)``.
    key, value : Tensor
        ``(..., S, E)`` and ``(..., S, Ev)``; leading dimensions broadcast.
    attn_mask : Tensor, optional
        Broadcastable to ``(..., L, S)``. A bool mask marks with True the
        positions that may take part in attention; a float mask is added to the
        scores. A query row with every key masked out gives zeros (as PyTorch).
    dropout_p : float
        Dropout probability on the attention weights (always applied when > 0,
        as in PyTorch; pass 0.0 in evaluation).
    is_causal : bool
        Apply a lower-triangular (top-left aligned) causal mask; raises when
        ``attn_mask`` is also given.
    scale : float, optional
        Defaults to ``1 / sqrt(E)``.

    Returns
    -------
    Tensor
        ``(..., L, Ev)``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> q = autodiff.ones(2, 3, 4)
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    (2, 3, 4)
    """
    q = _float(query, "scaled_dot_product_attention: query")
    k = _float(key, "scaled_dot_product_attention: key")
    v = _float(value, "scaled_dot_product_attention: value")
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(
            "scaled_dot_product_attention: query, key and value need at least 2 dimensions, "
            f"got shapes {q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(
            "scaled_dot_product_attention: expects query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev), got shapes {q.shape}, {k.shape}, {v.shape}"
        )
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(
            f"scaled_dot_product_attention: dropout_p must be in [0, 1], got {dropout_p}"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
        )
    L, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / float(np.sqrt(q.shape[-1])) if scale is None else float(scale)
    scores = (q @ k.transpose(-2, -1)) * scale
    allowed = None  # bool ndarray, True where attention is allowed
    if is_causal:
        allowed = np.tril(np.ones((L, S), dtype=bool))
    elif attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor(np.asarray(attn_mask))
        if mask.data.dtype == np.bool_:
            allowed = mask.data
        elif mask.data.dtype.kind == "f":
            scores = scores + mask
        else:
            raise TypeError(
                "scaled_dot_product_attention: attn_mask must be a bool or floating-point tensor, "
                f"got dtype {mask.data.dtype}"
            )
    if allowed is not None:
        try:
            allowed = np.broadcast_to(allowed, scores.shape)
        except ValueError:
            raise ValueError(
                f"scaled_dot_product_attention: attn_mask of shape {allowed.shape} does not "
                f"broadcast to the attention shape {scores.shape}"
            ) from None
        scores = scores.masked_fill(_make(~allowed, None), float("-inf"))
    # rows with every key masked out give zero weights (PyTorch's safe softmax)
    dead = np.all(np.isneginf(scores.data), axis=-1, keepdims=True)
    if dead.any():
        scores = scores.masked_fill(_make(np.broadcast_to(dead, scores.shape), None), 0.0)
        weights = _softmax(scores, -1) * _make((~dead).astype(scores.data.dtype), None)
    else:
        weights = _softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ v


def _normalize_running(x: Tensor, running_mean: Tensor, running_var: Tensor, eps, bshape):
    """``x`` normalised by stored statistics (batch/instance norm in eval form)."""
    mean = reshape(running_mean.detach(), bshape)
    var = reshape(running_var.detach(), bshape)
    return (x - mean) / (var + eps).sqrt()


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, bshape) -> Tensor:
    """``out * weight + bias``, per channel, either optional."""
    if weight is not None:
        out = out * reshape(weight, bshape)
    if bias is not None:
        out = out + reshape(bias, bshape)
    return out


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
    num_batches_tracked: Tensor | None = None,
) -> Tensor:
    """Batch normalisation over every dimension except 1 (the channels).

    In training (or without running statistics) the batch mean and biased
    variance normalise; the running estimates are updated in place with the
    unbiased variance (``momentum=None`` gives a cumulative average, which needs
    ``num_batches_tracked``). Otherwise the running estimates normalise.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.tensor([[1.0], [3.0]])
    >>> F.batch_norm(x, None, None, training=True)
    Tensor([[-1.],
            [ 1.]])
    """
    x = _float(input, "batch_norm: input")
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...), got shape {x.shape}")
    c = x.shape[1]
    axes = (0,) + tuple(range(2, x.ndim))
    bshape = (1, c) + (1,) * (x.ndim - 2)
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        n = x.data.size // c
        if training and n <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input "
                f"of shape {x.shape}"
            )
        out, saved = _normalize_axes(x, axes, eps)
        if training and running_mean is not None and running_var is not None:
            if momentum is None:
                if num_batches_tracked is None:
                    raise ValueError("batch_norm: momentum=None needs num_batches_tracked")
                m = 1.0 / max(int(num_batches_tracked.item()), 1)
            else:
                m = float(momentum)
            mean, var, _ = saved[0]
            with no_grad():
                bm = _make(mean.reshape(c), None)
                bv = _make(var.reshape(c) * (n / max(n - 1, 1)), None)
                running_mean.mul_(1.0 - m).add_(bm * m)
                running_var.mul_(1.0 - m).add_(bv * m)
    else:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t.shape != (c,):
                raise ValueError(
                    f"batch_norm: {name} must have shape ({c},) for input of shape {x.shape}, "
                    f"got {t.shape}"
                )
        out = _normalize_running(x, running_mean, running_var, eps, bshape)
    return _affine(out, weight, bias, bshape)


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions (biased variance).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.layer_norm(autodiff.tensor([[1.0, 3.0]]), (2,))
    Tensor([[-1.,  1.]])
    """
    x = _float(input, "layer_norm: input")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k :] != shape or x.ndim < k:
        raise ValueError(
            f"layer_norm: normalized_shape {shape} must match the last dimensions of the input, "
            f"got input of shape {x.shape}"
        )
    axes = tuple(range(x.ndim - k, x.ndim))
    out = _normalize_axes(x, axes, eps)[0]
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` at the integer indices ``input``: shape ``input.shape + (dim,)``.

    Repeated indices add up in the gradient; the row ``padding_idx`` gets none.
    With ``max_norm``, each looked-up row whose ``norm_type``-norm exceeds it is
    first rescaled in place (under no_grad, as PyTorch) to norm ``max_norm``.
    ``scale_grad_by_freq`` divides each row's gradient by its count in ``input``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.embedding(autodiff.tensor([2, 0]), autodiff.eye(3))
    Tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    w = _tensor(weight, "embedding: weight")
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be an integer tensor, got dtype {idx.dtype}")
    if w._data.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-d (num_embeddings, dim), got {w.shape}")
    num = w._data.shape[0]
    # (one reduction: seen unsigned, a negative index is larger than any row)
    unsigned = _UNSIGNED.get(idx.dtype)  # (None for unsigned or non-native dtypes)
    if idx.size and (
        _max(idx if unsigned is None else idx.view(unsigned), axis=None) >= num
        or (unsigned is None and idx.dtype.kind == "i" and idx.min() < 0)
    ):
        bad = idx.max() if idx.max() >= num else idx.min()
        raise IndexError(
            f"embedding: index {int(bad)} is out of range for {num} embeddings (valid: 0 to "
            f"{num - 1})"
        )
    if padding_idx is not None:
        if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
            raise TypeError(
                f"embedding: padding_idx must be an int, got {type(padding_idx).__name__}"
            )
        if not -num <= padding_idx < num:  # (PyTorch asserts this)
            raise ValueError(
                f"embedding: padding_idx {padding_idx} is out of range for {num} embeddings "
                f"(valid: {-num} to {num - 1})"
            )
    if sparse:
        raise NotImplementedError(
            "embedding: sparse=True (sparse gradients) is not supported; use sparse=False"
        )
    if max_norm is not None:
        _embedding_renorm_(w, idx, float(max_norm), float(norm_type))
    if idx.ndim:  # (indices checked above: getitem's general conversion is not needed)
        out = apply1(GetItemBackward, w, idx.copy() if w.requires_grad and recording() else idx)
    else:
        out = w[idx]
    if scale_grad_by_freq and out.requires_grad:
        uniq, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        scale = (1.0 / counts[inverse.reshape(idx.shape)]).astype(out.dtype)[..., None]
        out.register_hook(lambda g: g * scale)
    if padding_idx is not None and out.requires_grad:
        pad = padding_idx % num
        mask = _make((idx == pad)[..., None], None)
        out = where(mask, out.detach(), out)
    return out


_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}
_max = np.maximum.reduce


def _embedding_renorm_(w: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's embedding_renorm_: rows of ``w`` used by ``idx`` with norm above
    ``max_norm`` are scaled by ``max_norm / (norm + 1e-7)``, in place, not recorded."""
    rows = np.unique(idx)
    if not rows.size:
        return
    norms = np.linalg.norm(w.data[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)[:, None]
        with no_grad():
            w[rows[big]] = w.data[rows[big]] * scale


def one_hot(input: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: shape ``labels.shape + (num_classes,)``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.one_hot(autodiff.tensor([0, 2]), 3)
    Tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    idx = input.data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be an integer tensor, got dtype {idx.dtype}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(
            f"one_hot: class values must be in [0, {num_classes}), got values from "
            f"{int(idx.min())} to {int(idx.max())}"
        )
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return _make(out, None)


# ------------------------------------------------------------------ losses


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction: str, name: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _pair_args(input, target, name: str) -> tuple[Tensor, Tensor]:
    """Input and a target of the same shape, the target in the input's dtype."""
    x = _float(input, f"{name}: input")
    if not isinstance(target, Tensor):
        target = Tensor(np.asarray(target), dtype=x.data.dtype)
    if target.shape != x.shape:
        raise ValueError(
            f"{name}: target shape {target.shape} does not match input shape {x.shape}; "
            "they must be the same"
        )
    if target.data.dtype != x.data.dtype:
        if target.data.dtype.kind not in "fiub":
            raise TypeError(f"{name}: target has unsupported dtype {target.data.dtype}")
        if target.data.dtype.kind == "f":  # float32 with float64: float64, as PyTorch
            common = np.promote_types(x.data.dtype, target.data.dtype)
            x = x if x.data.dtype == common else x.to(common)
        target = target.to(x.data.dtype)
    return x, target


def _weighted(loss: Tensor, weight, reduction: str, name: str, over_weights: bool) -> Tensor:
    """PyTorch's ``weight=`` of the pointwise losses: the loss times ``weight`` (the
    input's shape); the mean divides by the weights' sum (``over_weights``) or by the
    count."""
    if weight is None:
        return _reduce(loss, reduction)
    w = _tensor(weight, f"{name}: weight")
    if w.shape != loss.shape:
        raise ValueError(f"{name}: weight of shape {w.shape} must have the input's shape "
                         f"{loss.shape}")
    weighted = loss * w
    if reduction == "mean" and over_weights:
        return weighted.sum() / w.sum()
    return _reduce(weighted, reduction)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (x - y)**2.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.mse_loss(autodiff.tensor([1.0, 3.0]), autodiff.tensor([0.0, 0.0]))
    Tensor(5.)
    """
    _check_reduction(reduction, "mse_loss")
    x, y = _pair_args(input, target, "mse_loss")
    d = x - y
    return _weighted(d * d, weight, reduction, "mse_loss", over_weights=True)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error |x - y|.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.l1_loss(autodiff.tensor([1.0, -3.0]), autodiff.tensor([0.0, 0.0]))
    Tensor(2.)
    """
    _check_reduction(reduction, "l1_loss")
    x, y = _pair_args(input, target, "l1_loss")
    return _weighted((x - y).abs(), weight, reduction, "l1_loss", over_weights=True)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
    weight: Tensor | None = None,
) -> Tensor:
    """0.5 d**2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = x - y).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.huber_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]), reduction="none")
    Tensor([0.125, 2.5  ])
    """
    _check_reduction(reduction, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x, y = _pair_args(input, target, "huber_loss")
    d = x - y
    ad = d.abs()
    loss = where(ad < delta, d * d * 0.5, (ad - 0.5 * delta) * delta)
    return _weighted(loss, weight, reduction, "huber_loss", over_weights=False)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Smooth L1: ``0.5 d**2 / beta`` where ``|d| < beta``, ``|d| - 0.5 beta`` elsewhere
    (``d = x - y``); ``beta=0`` is the L1 loss.

    Parameters
    ----------
    input, target : Tensor
        Of the same shape.
    size_average, reduce : None
        PyTorch's deprecated arguments; only None is accepted.
    reduction : {"mean", "sum", "none"}
    beta : float
        Where the loss turns from quadratic to linear; must be >= 0.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.smooth_l1_loss(autodiff.tensor([0.5, 3.0]), autodiff.zeros(2), reduction="none")
    Tensor([0.125, 2.5  ])
    """
    _no_legacy(size_average, reduce, "smooth_l1_loss")
    _check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0 (no negative values), got {beta}")
    x, y = _pair_args(input, target, "smooth_l1_loss")
    d = x - y
    ad = d.abs()
    if beta == 0.0:
        return _reduce(ad, reduction)
    loss = where(ad < beta, d * d * 0.5 / beta, ad - 0.5 * beta)
    return _reduce(loss, reduction)


def _no_legacy(size_average, reduce, name: str) -> None:
    if size_average is not None or reduce is not None:
        raise TypeError(
            f"{name}: size_average and reduce are deprecated (and not supported); "
            "use reduction='mean'|'sum'|'none'"
        )


_KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``.

    Elementwise ``target * (log(target) - input)`` (0 where ``target`` is 0, NaN
    where it is negative, as PyTorch's ``xlogy``), or with ``log_target=True``
    ``exp(target) * (target - input)``. ``input`` and ``target`` broadcast.

    Parameters
    ----------
    input : Tensor
        Log-probabilities.
    target : Tensor
        Probabilities (log-probabilities with ``log_target=True``).
    size_average, reduce : None
        PyTorch's deprecated arguments; only None is accepted.
    reduction : {"mean", "batchmean", "sum", "none"}
        "batchmean" divides the sum by the batch size ``input.shape[0]`` (the KL
        divergence per sample); "mean" divides by the number of elements and
        warns, as PyTorch.
    log_target : bool
        Whether ``target`` is given in log space.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> logq = autodiff.tensor([[0.5, 0.5]]).log()
    >>> F.kl_div(logq, autodiff.tensor([[1.0, 0.0]]), reduction="batchmean")
    Tensor(0.6931)
    """
    _no_legacy(size_average, reduce, "kl_div")
    if reduction not in _KL_REDUCTIONS:
        raise ValueError(
            f"kl_div: reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}"
        )
    x = _float(input, "kl_div: input")
    t = target if isinstance(target, Tensor) else Tensor(np.asarray(target), dtype=x.data.dtype)
    if t.data.dtype.kind != "f":
        t = t.to(x.data.dtype)
    elif t.data.dtype != x.data.dtype:  # float32 with float64: float64, as PyTorch
        common = np.promote_types(x.data.dtype, t.data.dtype)
        x = x if x.data.dtype == common else x.to(common)
        t = t if t.data.dtype == common else t.to(common)
    try:
        np.broadcast_shapes(x.shape, t.shape)
    except ValueError:
        raise ValueError(
            f"kl_div: target of shape {t.shape} does not broadcast with input of shape {x.shape}"
        ) from None
    if reduction == "mean":
        warnings.warn(
            "kl_div: reduction='mean' divides the total loss by both the batch size and the "
            "support size; 'batchmean' divides only by the batch size, and aligns with the KL "
            "divergence's definition",
            UserWarning,
            stacklevel=2,
        )
    if log_target:
        loss = t.exp() * (t - x)
    else:
        td = t.data
        pos = td > 0
        # xlogy(t, t): t log t, 0 where t == 0, NaN where t < 0 (and for NaN)
        t_safe = where(_make(pos, None), t, 1.0)
        loss = t * t_safe.log() - t * x
        if not pos.all():
            with np.errstate(invalid="ignore"):
                bad = np.where((td < 0) | np.isnan(td), np.nan, 0.0).astype(td.dtype)
            if np.isnan(bad).any():
                loss = loss + _make(bad, None)
    if reduction == "batchmean":
        total = loss.sum()
        return total / float(x.shape[0]) if x.ndim else total
    return _reduce(loss, reduction)


def _class_weight(weight, c: int, dtype, name: str) -> np.ndarray | None:
    if weight is None:
        return None
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.shape != (c,):
        raise ValueError(f"{name}: weight must have shape ({c},) (one per class), got {w.shape}")
    return w.astype(dtype, copy=False)


def _target_weights(tgt: np.ndarray, c: int, weight, ignore_index: int, dtype, name: str):
    """Checked class indices (ignored ones set to 0) and each target's weight (its
    class weight, 0 where ignored), or None when every weight is 1."""
    if tgt.size:
        lo, hi = np.minimum.reduce(tgt, axis=None), np.maximum.reduce(tgt, axis=None)
        if lo >= 0 and hi < c and not 0 <= ignore_index < c:
            # the common case: every index in range and none can be ignored (a copy:
            # the node keeps it, and the caller may refill its batch array in place)
            w = _class_weight(weight, c, dtype, name)
            return tgt.copy(), (None if w is None else w[tgt])
    valid = tgt != ignore_index
    safe = np.where(valid, tgt, 0)
    if safe.size and (safe.min() < 0 or safe.max() >= c):
        bad = int(safe.max()) if safe.max() >= c else int(safe.min())
        raise IndexError(
            f"{name}: target value {bad} is out of range for {c} classes (valid: 0 to {c - 1}, "
            f"or ignore_index={ignore_index})"
        )
    w = _class_weight(weight, c, dtype, name)
    wt = (w[safe] if w is not None else np.ones(safe.shape, dtype)) * valid
    return safe, wt.astype(dtype, copy=False)


def _nll(logp: Tensor, tgt: np.ndarray, weight, ignore_index: int, reduction: str, name: str):
    """Negative log-likelihood of integer targets; returns (loss, per-element weights)."""
    safe, wt = _target_weights(tgt, logp.shape[1], weight, ignore_index, logp.data.dtype, name)
    if wt is None:
        wt = np.ones(safe.shape, logp.data.dtype)
    picked = reshape(gather(logp, 1, np.expand_dims(safe, 1)), safe.shape)
    keep = tgt != ignore_index
    if not keep.all():  # ignored rows add nothing, even with -inf or NaN log-probabilities
        picked = where(_make(keep, None), picked, 0.0)
    loss = picked * _make(-wt, None)
    if reduction == "none":
        return loss, wt
    if reduction == "sum":
        return loss.sum(), wt
    total = float(wt.sum())
    if total == 0.0:
        # zero total weight (every target ignored, or zero class weights): 0 / 0 = NaN,
        # as PyTorch, whose gradient is NaN too at the rows not ignored
        with np.errstate(invalid="ignore", divide="ignore"):
            return loss.sum() / 0.0, wt
    return loss.sum() / total, wt


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits against class indices or class probabilities.

    Stable for any finite logits. For (N, C) logits and class indices without
    label smoothing it is one recorded op, whose VJP is ``softmax - onehot``.

    Parameters
    ----------
    input : Tensor
        Logits (N, C), (N, C, d1, ...) or (C,).
    target : Tensor
        int64 class indices of shape (N,) / (N, d1, ...), or float probabilities
        with the input's shape.
    weight : Tensor, optional
        Per-class weights (C,); the mean divides by the summed target weights.
    ignore_index : int
        Index targets equal to this contribute nothing (and are not counted).
    reduction : {"mean", "sum", "none"}
    label_smoothing : float
        Mix the target with the uniform distribution, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> logits = autodiff.tensor([[1000.0, -1000.0], [0.0, 0.0]])
    >>> F.cross_entropy(logits, autodiff.tensor([0, 1]))
    Tensor(0.3466)
    """
    _check_reduction(reduction, "cross_entropy")
    x = _float(input, "cross_entropy: input")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if x.ndim == 1:  # one sample: (C,) with a 0-d index or (C,) probabilities
        if reduction == "none":  # a 0-d loss, as PyTorch (not shape (1,))
            batch = cross_entropy(
                reshape(x, (1,) + x.shape),
                reshape(target, (1,) + tuple(target.shape))
                if isinstance(target, Tensor)
                else t.reshape((1,) + t.shape),
                weight,
                ignore_index,
                reduction,
                label_smoothing,
            )
            return reshape(batch, ())
        x = reshape(x, (1,) + x.shape)
        if t.ndim == 0:
            t = t.reshape(1)
        elif isinstance(target, Tensor):
            target = reshape(target, (1,) + target.shape)
            t = target.data
        else:
            t = t.reshape((1,) + t.shape)
    if x.ndim < 2:
        raise ValueError(f"cross_entropy: input must be (N, C) logits, got shape {x.shape}")
    n, c = x.shape[0], x.shape[1]
    index_shape = (n,) + x.shape[2:]
    kind = t.dtype.kind
    if (kind not in "iuf") or t.shape != (index_shape if kind in "iu" else x.shape):
        expect = (
            "target must be int64 class indices of shape "
            f"{index_shape} or float probabilities of shape {x.shape}"
        )
        if kind not in "iuf":
            raise TypeError(f"cross_entropy: {expect}; got dtype {t.dtype}")
        raise ValueError(
            f"cross_entropy: {expect}; got {'int' if kind in 'iu' else 'float'} target of shape "
            f"{t.shape} for input of shape {x.shape}"
        )
    if t.dtype.kind in "iu" and x.ndim == 2 and label_smoothing == 0.0:
        # the common case, one node (PyTorch fuses it too): see _fused.softmax_cross_entropy
        safe, wt = _target_weights(t, c, weight, ignore_index, x.data.dtype, "cross_entropy")
        keep = None
        if wt is not None:  # (None: no target can be ignored)
            keep = t != ignore_index
            if keep.all():
                keep = None
        if reduction != "mean":
            return _fused.softmax_cross_entropy(x, safe, wt, 1.0, reduction, keep)
        total = n if wt is None else float(np.add.reduce(wt))
        if total:
            return _fused.softmax_cross_entropy(x, safe, wt, 1.0 / total, "mean", keep)
        # zero total weight (every target ignored, or zero class weights, or no rows):
        # NaN, as PyTorch's 0 / 0, and so are the gradients of the rows not ignored
        with np.errstate(invalid="ignore"):
            return _fused.softmax_cross_entropy(x, safe, wt, np.inf, "mean", keep)
    logp = _log_softmax(x, 1)
    wshape = (1, c) + (1,) * (x.ndim - 2)
    w = _class_weight(weight, c, x.data.dtype, "cross_entropy")
    if t.dtype.kind in "iu":
        nll, wt = _nll(logp, t, weight, ignore_index, reduction, "cross_entropy")
        if label_smoothing == 0.0:
            return nll
        lp = logp if w is None else logp * _make(w.reshape(wshape), None)
        valid = _make((t != ignore_index).astype(x.data.dtype), None)
        smooth = -(lp.sum(dim=1)) * valid
        if reduction == "none":
            smooth_red = smooth
        elif reduction == "sum":
            smooth_red = smooth.sum()
        else:
            denom = float(wt.sum()) if w is not None else float((t != ignore_index).sum())
            # every target ignored: NaN (as the nll part), with zero gradients
            smooth_red = smooth.sum() / denom if denom else smooth.sum() * 0.0 + float("nan")
        return nll * (1.0 - label_smoothing) + smooth_red * (label_smoothing / c)
    # class probabilities
    probs = target if isinstance(target, Tensor) else Tensor(t)
    if probs.data.dtype != x.data.dtype:
        probs = probs.to(x.data.dtype)
    if probs.shape != x.shape:
        probs = reshape(probs, x.shape)
    if label_smoothing > 0.0:
        probs = probs * (1.0 - label_smoothing) + label_smoothing / c
    prod = logp * probs
    if w is not None:
        prod = prod * _make(w.reshape(wshape), None)
    loss = -prod.sum(dim=1)
    if reduction == "mean":
        if not loss.data.size:  # an empty batch: NaN (as PyTorch), zero gradients
            return loss.sum() * 0.0 + float("nan")
        return loss.sum() / float(loss.data.size)
    return _reduce(loss, reduction)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C[, d1...]) at int64 targets.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> logp = autodiff.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> F.nll_loss(logp, autodiff.tensor([0, 1]))
    Tensor(0.3)
    """
    _check_reduction(reduction, "nll_loss")
    x = _float(input, "nll_loss: input")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if x.ndim == 1 and t.ndim == 0:
        if reduction == "none":  # a 0-d loss, as PyTorch (not shape (1,))
            batch = nll_loss(reshape(x, (1,) + x.shape), t.reshape(1), weight, ignore_index, "none")
            return reshape(batch, ())
        x, t = reshape(x, (1,) + x.shape), t.reshape(1)
    index_shape = (x.shape[0],) + x.shape[2:] if x.ndim >= 2 else None
    if x.ndim < 2 or t.dtype.kind not in "iu" or t.shape != index_shape:
        raise ValueError(
            f"nll_loss: target must be int64 class indices of shape "
            f"{index_shape or '(N,)'} for input of shape {x.shape}; got target of shape "
            f"{t.shape} and dtype {t.dtype}"
        )
    return _nll(x, t, weight, ignore_index, reduction, "nll_loss")[0]


def _elementwise_weight(loss: Tensor, weight, name: str) -> Tensor:
    if weight is None:
        return loss
    w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    try:
        # to the input's shape: a larger weight would silently enlarge the loss
        if np.broadcast_shapes(w.shape, loss.shape) != loss.shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{name}: weight of shape {w.shape} does not broadcast to the input's {loss.shape}"
        ) from None
    return loss * w


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, reduction: str = "mean"
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p, logs clamped at -100 (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.binary_cross_entropy(autodiff.tensor([0.0, 1.0]), autodiff.tensor([1.0, 1.0]))
    Tensor(50.)
    """
    _check_reduction(reduction, "binary_cross_entropy")
    p, y = _pair_args(input, target, "binary_cross_entropy")
    if p.data.size and (p.data.min() < 0 or p.data.max() > 1):
        raise ValueError(
            "binary_cross_entropy: all elements of input must be probabilities in [0, 1] "
            f"(got values from {p.data.min():.4g} to {p.data.max():.4g}); for logits use "
            "binary_cross_entropy_with_logits"
        )
    loss = _elementwise_weight(_fused.bce(p, y), weight, "binary_cross_entropy")
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step, for any finite logit.

    ``pos_weight`` (broadcast along the last dimension) weighs the positive term.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.tensor([1000.0, -1000.0])
    >>> F.binary_cross_entropy_with_logits(x, autodiff.tensor([0.0, 0.0]))
    Tensor(500.)
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    x, y = _pair_args(input, target, "binary_cross_entropy_with_logits")
    pw = None
    if pos_weight is not None:
        pw = pos_weight if isinstance(pos_weight, Tensor) else Tensor(np.asarray(pos_weight))
        if pw.data.dtype != x.data.dtype:
            pw = pw.to(x.data.dtype)
        try:
            if np.broadcast_shapes(pw.shape, x.shape) != x.shape:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"binary_cross_entropy_with_logits: pos_weight of shape {pw.shape} does not "
                f"broadcast to the input's {x.shape}"
            ) from None
    loss = _fused.bce_with_logits(x, y, pw)
    loss = _elementwise_weight(loss, weight, "binary_cross_entropy_with_logits")
    return _reduce(loss, reduction)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise (N, C, *) input over each group of C / num_groups channels
    (and all spatial positions) per sample, biased variance; then a per-channel
    affine transform.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.group_norm(autodiff.tensor([[1.0, 3.0, 5.0, 9.0]]), 2)
    Tensor([[-1.,  1., -1.,  1.]])
    """
    x = _float(input, "group_norm: input")
    if x.ndim < 2:
        raise ValueError(f"group_norm: expected input of shape (N, C, ...), got shape {x.shape}")
    n, c = x.shape[0], x.shape[1]
    g = int(num_groups)
    if g <= 0 or c % g:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(x.shape)} and num_groups={num_groups}"
        )
    for nm, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise RuntimeError(
                f"Expected {nm} to be a vector of size equal to the number of channels in "
                f"input, but got {nm} of shape {list(t.shape)} and input of shape "
                f"{list(x.shape)}"
            )
    xg = reshape(x, (n, g, -1))
    mean = xg.mean(dim=2, keepdim=True)
    var = xg.var(dim=2, keepdim=True, correction=0)
    out = reshape((xg - mean) / (var + eps).sqrt(), x.shape)
    bshape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        out = out * reshape(weight, bshape)
    if bias is not None:
        out = out + reshape(bias, bshape)
    return out


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise (N, C, *) input per sample and channel over the spatial dimensions.

    With ``use_input_stats`` the instance statistics normalise, and running
    estimates (if given) are updated in place by the batch average of the
    instance mean and unbiased variance; otherwise the running estimates
    normalise.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.instance_norm(autodiff.tensor([[[1.0, 3.0]]]))
    Tensor([[[-1.,  1.]]])
    """
    x = _float(input, "instance_norm: input")
    if x.ndim < 3:
        raise ValueError(
            f"instance_norm: expected input of shape (N, C, L, ...), got shape {x.shape}"
        )
    c = x.shape[1]
    bshape = (1, c) + (1,) * (x.ndim - 2)
    if use_input_stats:
        m = x.data[0, 0].size
        if m <= 1:
            raise ValueError(
                "Expected more than 1 spatial element when training, got input size "
                f"torch.Size({list(x.shape)})"
            )
        out, saved = _normalize_axes(x, tuple(range(2, x.ndim)), eps)
        if running_mean is not None or running_var is not None:
            mean, var, _ = (_make(a, None) for a in saved[0])
            with no_grad():
                mom = float(momentum)
                if running_mean is not None:
                    bm = reshape(mean, x.shape[:2]).mean(dim=0)
                    running_mean.mul_(1.0 - mom).add_(bm * mom)
                if running_var is not None:
                    bv = reshape(var, x.shape[:2]).mean(dim=0) * (m / (m - 1))
                    running_var.mul_(1.0 - mom).add_(bv * mom)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "instance_norm: expected running_mean and running_var when use_input_stats=False"
            )
        out = _normalize_running(x, running_mean, running_var, eps, bshape)
    return _affine(out, weight, bias, bshape)


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Channel-wise dropout: zero whole channels of (N, C, H, W) or (C, H, W)
    input with probability ``p`` and scale the rest by 1 / (1 - p) while training.

    As PyTorch, 3-d input is read as (N, C, L) (with a warning); other ranks
    warn and are treated as (N, C, *).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.dropout2d(autodiff.ones(1, 2, 2, 2), 0.5, training=False).shape
    (1, 2, 2, 2)
    """
    x = _float(input, "dropout2d: input")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if x.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            UserWarning,
            stacklevel=2,
        )
    elif x.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning,
            stacklevel=2,
        )
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _inplace(x, lambda t: t * 0.0, inplace, "dropout2d")
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if x.ndim >= 2 else x.shape
    keep = generator().random(shape) >= p
    mask = keep.astype(x.data.dtype) * np.asarray(1.0 / (1.0 - p), dtype=x.data.dtype)
    return _inplace(x, lambda t: t * _make(mask, None), inplace, "dropout2d")


# loaded on first use (autodiff/_lazy.py): losses and layers few programs use
_LAZY = {
    "margin_ranking_loss": ".margin_losses",
    "hinge_embedding_loss": ".margin_losses",
    "soft_margin_loss": ".margin_losses",
    "cosine_embedding_loss": ".margin_losses",
    "triplet_margin_loss": ".margin_losses",
    "multilabel_soft_margin_loss": ".margin_losses",
    "multi_margin_loss": ".margin_losses",
    "poisson_nll_loss": ".likelihood_losses",
    "gaussian_nll_loss": ".likelihood_losses",
    "dropout1d": ".dropout",
    "alpha_dropout": ".dropout",
    "gumbel_softmax": ".dropout",
    "bilinear": ".linear",
    "adaptive_max_pool1d": ".pooling",
    "upsample": ".pooling",
    "upsample_nearest": ".pooling",
    "upsample_bilinear": ".pooling",
    "lp_pool1d": ".pooling_variants",
    "lp_pool2d": ".pooling_variants",
    "max_pool1d_with_indices": ".pooling_variants",
    "max_pool2d_with_indices": ".pooling_variants",
    "adaptive_max_pool1d_with_indices": ".pooling_variants",
    "adaptive_max_pool2d_with_indices": ".pooling_variants",
    "local_response_norm": ".norm",
    "channel_shuffle": ".fold",
    "native_channel_shuffle": ".fold",
    "rrelu": ".dropout",
    "rrelu_": ".dropout",
    "embedding_bag": ".embedding_bags",
    "conv3d": ".volumetric",
    "max_pool3d": ".volumetric",
    "avg_pool3d": ".volumetric",
    "adaptive_avg_pool3d": ".volumetric",
    "adaptive_max_pool3d": ".volumetric",
    "ctc_loss": ".ctc",
}
__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)

__all__ = [
    "relu_",
    "leaky_relu_",
    "elu_",
    "hardtanh_",
    "selu_",
    "celu_",
    "threshold_",
    "adaptive_avg_pool1d",
    "hardshrink",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "prelu",
    "rms_norm",
    "softshrink",
    "tanhshrink",
    "threshold",
    "relu",
    "leaky_relu",
    "gelu",
    "softplus",
    "elu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "silu",
    "mish",
    "hardtanh",
    "relu6",
    "hardsigmoid",
    "hardswish",
    "selu",
    "celu",
    "logsigmoid",
    "softsign",
    "softmin",
    "glu",
    "normalize",
    "cosine_similarity",
    "pairwise_distance",
    "linear",
    "dropout",
    "scaled_dot_product_attention",
    "conv2d",
    "conv1d",
    "conv_transpose1d",
    "conv_transpose2d",
    "max_pool2d",
    "avg_pool2d",
    "unfold",
    "fold",
    "pad",
    "interpolate",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "max_pool1d",
    "max_unpool2d",
    "max_unpool1d",
    "batch_norm",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "dropout2d",
    "embedding",
    "one_hot",
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "kl_div",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
] + list(_LAZY)
