"""Spatial ops of ``nn.functional`` (issue 17): pad, interpolate, adaptive pooling
and the 1-d pools, with PyTorch 2.13's semantics.

All of them are compositions of recorded ops (slicing, ``cat``, ``index_select``,
``matmul``, ``take_along_dim`` and the 2-d pools), so they are differentiable to
any order: the index maps and interpolation matrices are computed with NumPy and
enter the graph as constants.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg
from .indexing import index_select, narrow, take_along_dim
from .shape import cat, matmul, reshape, transpose

# --------------------------------------------------------------------- pad

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _pad_index(n: int, left: int, right: int, mode: str, opname: str) -> np.ndarray:
    j = np.arange(-left, n + right)
    if mode == "reflect":
        if left >= n or right >= n:
            raise ValueError(
                f"{opname}: reflect padding ({left}, {right}) must be less than the "
                f"dimension size {n}"
            )
        j = np.abs(j)
        j = np.where(j >= n, 2 * (n - 1) - j, j)
    elif mode == "replicate":
        j = np.clip(j, 0, n - 1)
    else:  # circular
        if left > n or right > n:
            raise ValueError(
                f"{opname}: circular padding ({left}, {right}) must be at most the "
                f"dimension size {n}"
            )
        # as PyTorch: crop first, then wrap around what is left
        start, m = max(-left, 0), n - max(-left, 0) - max(-right, 0)
        j = start + np.mod(np.arange(-max(left, 0), m + max(right, 0)), m)
    return j


def _pad_samples():
    return [
        R.Sample((R.randn(2, 3, 4),), {"pad": (1, 2)}, note="constant"),
        R.Sample((R.randn(1, 2, 3, 4, seed=1),), {"pad": (1, -1, 2, 0), "value": 0.5}),
        R.Sample((R.randn(1, 2, 3, 4, seed=2),), {"pad": (2, 1, 1, 2), "mode": "reflect"}),
        R.Sample((R.randn(2, 3, 4, seed=3),), {"pad": (2, 3), "mode": "replicate"}),
        R.Sample((R.randn(1, 1, 3, 4, seed=4),), {"pad": (1, 2, 3, -1), "mode": "circular"}),
    ]


@R.op(
    samples=_pad_samples,
    export=False,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))), (1,)), error=ValueError, match="divisible"),
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), (1, 1), "wrap"), error=ValueError, match="mode"
        ),
    ],
)
def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last dimensions of ``input``.

    ``pad`` lists (left, right) amounts starting from the last dimension, as
    ``torch.nn.functional.pad``: ``(l, r)`` pads the last dimension, ``(l, r, t, b)``
    the last two. ``mode`` is ``"constant"`` (filled with ``value``, 0 by default),
    ``"reflect"``, ``"replicate"`` or ``"circular"``.

    Parameters
    ----------
    input : Tensor
    pad : tuple of int
        An even number of amounts, at most two per dimension.
    mode : str
    value : float, optional
        The fill of constant padding.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.pad(autodiff.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    Tensor([[3., 2., 1., 2., 3., 2.]])
    """
    x = as_tensor_arg(input, "pad")
    try:
        amounts = [int(p) for p in pad]
    except (TypeError, ValueError):
        raise TypeError(f"pad: pad must be a tuple of ints, got {pad!r}") from None
    if len(amounts) % 2:
        raise ValueError(f"pad: padding length must be divisible by 2, got {len(amounts)}")
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    k = len(amounts) // 2
    if k > x.ndim:
        raise ValueError(
            f"pad: padding length {len(amounts)} is too large for a {x.ndim}-d input"
        )
    if mode != "constant":
        if value is not None and value != 0:
            raise ValueError(f"pad: padding mode {mode!r} doesn't take in value argument")
        if not (k + 1 <= x.ndim <= k + 2) or k > 3:
            raise NotImplementedError(
                f"pad: {mode} padding of {k} dimension(s) needs a {k + 1}-d or {k + 2}-d "
                f"input, got shape {x.shape}"
            )
    out = x
    for i in range(k):
        left, right = amounts[2 * i], amounts[2 * i + 1]
        if left == 0 and right == 0:
            continue
        dim = x.ndim - 1 - i
        n = out.shape[dim]
        if n + left + right < 0 or (mode == "constant" and n + left + right == 0 and n == 0):
            raise ValueError(
                f"pad: padding ({left}, {right}) of dimension {dim} (size {n}) gives a "
                f"negative size"
            )
        if mode != "constant":
            out = index_select(out, dim, _pad_index(n, left, right, mode, "pad"))
            continue
        if left < 0 or right < 0:
            start = max(-left, 0)
            out = narrow(out, dim, start, max(n - start - max(-right, 0), 0))
        parts = []
        for amount in (left, right):
            if amount > 0:
                shape = list(out.shape)
                shape[dim] = amount
                fill = 0 if value is None else value
                parts.append(_make(np.full(shape, fill, dtype=x.data.dtype), None))
            else:
                parts.append(None)
        if parts[0] is not None or parts[1] is not None:
            out = cat([p for p in (parts[0], out, parts[1]) if p is not None], dim)
    return out


# ------------------------------------------------------------- interpolate


def _apply_matrix(x: Tensor, a: np.ndarray, dim: int) -> Tensor:
    """Contract ``dim`` of ``x`` with the constant (out, in) matrix ``a``."""
    m = _make(np.ascontiguousarray(a.astype(x.data.dtype)), None)
    if dim == x.ndim - 1:
        return matmul(x, transpose(m, 0, 1))
    return matmul(m, x)  # dim == ndim - 2


def _linear_matrix(n: int, m: int, align_corners: bool, scale) -> np.ndarray:
    """Bilinear weights (m, n) along one dimension, as PyTorch's upsample_bilinear2d."""
    i = np.arange(m, dtype=np.float64)
    if align_corners:
        src = i * ((n - 1) / (m - 1) if m > 1 else 0.0)
    else:
        s = n / m if scale is None else 1.0 / scale
        src = np.maximum((i + 0.5) * s - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    a = np.zeros((m, n))
    np.add.at(a, (np.arange(m), i0), 1.0 - lam)
    np.add.at(a, (np.arange(m), i1), lam)
    return a


def _nearest_index(n: int, m: int, scale) -> np.ndarray:
    s = np.float32(n / m if scale is None else 1.0 / scale)
    return np.minimum(np.floor(np.arange(m, dtype=np.float32) * s).astype(np.int64), n - 1)


def _out_sizes(x: Tensor, size, scale_factor, nd: int, opname: str):
    if (size is None) == (scale_factor is None):
        raise ValueError(
            f"{opname}: "
            + ("only one of size or scale_factor should be defined" if size is not None
               else "either size or scale_factor should be defined")
        )
    if size is not None:
        sizes = [int(size)] * nd if isinstance(size, (int, np.integer)) else [int(s) for s in size]
        if len(sizes) != nd:
            raise ValueError(
                f"{opname}: input with spatial shape {x.shape[2:]} needs size of {nd} values, "
                f"got {size!r}"
            )
        return sizes, [None] * nd
    if isinstance(scale_factor, (int, float)):
        scales = [float(scale_factor)] * nd
    else:
        scales = [float(s) for s in scale_factor]
        if len(scales) != nd:
            raise ValueError(
                f"{opname}: input with spatial shape {x.shape[2:]} needs scale_factor of "
                f"{nd} values, got {scale_factor!r}"
            )
    sizes = [int(math.floor(x.shape[2 + i] * scales[i])) for i in range(nd)]
    return sizes, scales


@R.op(
    samples=lambda: [
        R.Sample((R.randn(1, 2, 3, 4),), {"size": (5, 3)}, note="nearest"),
        R.Sample((R.randn(1, 2, 5, seed=1),), {"scale_factor": 1.5}, note="nearest 3-d"),
        R.Sample((R.randn(1, 2, 3, 4, seed=2),), {"size": (5, 3), "mode": "bilinear"}),
        R.Sample(
            (R.randn(2, 1, 3, 3, seed=3),),
            {"scale_factor": 2, "mode": "bilinear", "align_corners": True},
        ),
    ],
    export=False,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((1, 1, 2, 2))),), error=ValueError, match="either"),
        R.ErrorInput(
            (R.tensor(np.ones((1, 1, 2, 2))), 3, None, "nearest", True),
            error=ValueError,
            match="align_corners",
        ),
    ],
)
def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dimensions of ``input`` (``nearest`` or ``bilinear``).

    Give either ``size`` (the output's spatial size) or ``scale_factor``; as
    PyTorch, an output size from ``scale_factor`` is ``floor(in * scale)`` and the
    source positions use ``1 / scale_factor`` unless ``recompute_scale_factor``.
    ``nearest`` takes 3-d (N, C, L) or 4-d input, ``bilinear`` 4-d input.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.interpolate(autodiff.tensor([[[1.0, 2.0]]]), scale_factor=2)
    Tensor([[[1., 1., 2., 2.]]])
    >>> x = autodiff.tensor([[[[0.0, 1.0]]]])
    >>> F.interpolate(x, size=(1, 3), mode="bilinear", align_corners=True)
    Tensor([[[[0. , 0.5, 1. ]]]])
    """
    x = as_tensor_arg(input, "interpolate")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if mode not in ("nearest", "bilinear"):
        raise NotImplementedError(
            f"interpolate: mode {mode!r} is not supported (nearest, bilinear)"
        )
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners option can only be set with the interpolating "
            "modes: linear | bilinear | bicubic | trilinear"
        )
    if x.data.dtype.kind != "f":
        raise TypeError(f"interpolate: needs a floating-point input, got dtype {x.data.dtype}")
    if mode == "bilinear" and x.ndim != 4:
        raise NotImplementedError(
            f"interpolate: Got {x.ndim}D input, but bilinear mode needs 4D input"
        )
    if x.ndim not in (3, 4):
        raise NotImplementedError(
            f"interpolate: input must be 3-d or 4-d (N, C, ...), got shape {x.shape}"
        )
    nd = x.ndim - 2
    sizes, scales = _out_sizes(x, size, scale_factor, nd, "interpolate")
    if recompute_scale_factor:
        scales = [None] * nd
    for m in sizes:
        if m <= 0:
            raise ValueError(
                f"interpolate: output size {tuple(sizes)} from input {x.shape} is too small"
            )
    out = x
    for i in range(nd):
        dim = 2 + i
        n, m = x.shape[dim], sizes[i]
        if mode == "nearest":
            if n != m or scales[i] not in (None, 1.0):
                out = index_select(out, dim, _nearest_index(n, m, scales[i]))
        else:
            out = _apply_matrix(out, _linear_matrix(n, m, bool(align_corners), scales[i]), dim)
    return out


# ---------------------------------------------------------- adaptive pools


def _adaptive_sizes(x: Tensor, output_size, opname: str):
    if x.ndim not in (3, 4):
        raise ValueError(f"{opname}: expected a 3-d or 4-d input, got shape {x.shape}")
    if x.data.dtype.kind != "f":
        raise TypeError(f"{opname}: needs a floating-point input, got dtype {x.data.dtype}")
    h, w = x.shape[-2:]
    if h == 0 or w == 0:
        raise ValueError(f"{opname}: input of shape {x.shape} has an empty spatial dimension")
    if isinstance(output_size, (int, np.integer)):
        output_size = (output_size, output_size)
    sizes = tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{opname}: output_size must be an int or a pair, got {output_size!r}")
    sizes = tuple(n if s is None else int(s) for s, n in zip(sizes, (h, w)))
    if min(sizes) < 0:
        raise ValueError(f"{opname}: output_size must be >= 0, got {sizes}")
    return sizes


def _bins(n: int, m: int):
    """PyTorch's adaptive windows: [floor(i n / m), ceil((i + 1) n / m))."""
    return [((i * n) // m, -(-((i + 1) * n) // m)) for i in range(m)]


def _mean_matrix(n: int, m: int) -> np.ndarray:
    a = np.zeros((m, n))
    for i, (s, e) in enumerate(_bins(n, m)):
        a[i, s:e] = 1.0 / (e - s)
    return a


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 2, 5, 4),), {"output_size": (3, 2)}),
        R.Sample((R.randn(1, 4, 3, seed=1),), {"output_size": (None, 5)}, note="3-d"),
    ],
    export=False,
)
def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling onto a fixed ``output_size`` (an int, or a pair; None keeps a size).

    Window ``i`` of a dimension of size n spans ``floor(i*n/m)`` to
    ``ceil((i+1)*n/m)``, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_avg_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 1)
    Tensor([[[[7.5]]]])
    """
    x = as_tensor_arg(input, "adaptive_avg_pool2d")
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_avg_pool2d")
    h, w = x.shape[-2:]
    out = _apply_matrix(x, _mean_matrix(h, oh), x.ndim - 2)
    return _apply_matrix(out, _mean_matrix(w, ow), x.ndim - 1)


def _gather_flat(x: Tensor, idx: np.ndarray, out_shape) -> Tensor:
    """``x`` (..., H, W) at flat spatial indices ``idx`` (..., oh, ow)."""
    lead = x.shape[:-2]
    flat = reshape(x, lead + (x.shape[-2] * x.shape[-1],))
    got = take_along_dim(flat, idx.reshape(lead + (-1,)), dim=-1)
    return reshape(got, tuple(out_shape))


def _window_argmax(vals: np.ndarray) -> np.ndarray:
    """Index of each row's maximum along the last axis; a NaN wins (as PyTorch)."""
    nan = np.isnan(vals)
    arg = np.argmax(vals, axis=-1)
    if nan.any():
        arg = np.where(nan.any(axis=-1), np.argmax(nan, axis=-1), arg)
    return arg


@R.op(
    samples=lambda: [
        R.Sample((R.distinct(2, 2, 5, 4),), {"output_size": (3, 2)}),
        R.Sample((R.distinct(1, 4, 3, seed=1),), {"output_size": (2, 5)}, note="3-d"),
    ],
    export=False,
)
def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling onto a fixed ``output_size``; the gradient goes to each window's max.

    With ``return_indices=True`` also returns the flat ``h * W + w`` index of each
    maximum (int64), as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> out, idx = F.adaptive_max_pool2d(
    ...     autodiff.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> out
    Tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> idx
    Tensor([[[[ 5,  7],
              [13, 15]]]])
    """
    x = as_tensor_arg(input, "adaptive_max_pool2d")
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_max_pool2d")
    h, w = x.shape[-2:]
    d = x.data
    idx = np.zeros(d.shape[:-2] + (oh, ow), dtype=np.int64)
    for i, (hs, he) in enumerate(_bins(h, oh)):
        for j, (ws, we) in enumerate(_bins(w, ow)):
            win = d[..., hs:he, ws:we]
            a = _window_argmax(win.reshape(win.shape[:-2] + (-1,)))
            kw = we - ws
            idx[..., i, j] = (hs + a // kw) * w + ws + a % kw
    out = _gather_flat(x, idx, idx.shape)
    if return_indices:
        return out, _make(idx, None)
    return out


__all__ = [
    "pad",
    "interpolate",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
]
