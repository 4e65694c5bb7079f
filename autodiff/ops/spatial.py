"""Spatial ops of ``nn.functional`` (issue 17): pad, interpolate, adaptive pooling
and the 1-d pools, with PyTorch 2.13's semantics.

All of them are compositions of recorded ops (slicing, ``cat``, ``index_select``,
``matmul``, ``take_along_dim`` and the 2-d pools), so they are differentiable to
any order: the index maps and interpolation matrices are computed with NumPy and
enter the graph as constants.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._typing import IntOrTuple
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg
from .indexing import index_select, take_along_dim
from .products import matmul
from .shape import cat, reshape, transpose
from .views import narrow

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
def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
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

_INTERP_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
_INTERP_DIMS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}  # the input's ndim


def _apply_matrix(x: Tensor, a: np.ndarray, dim: int) -> Tensor:
    """Contract ``dim`` of ``x`` with the constant (out, in) matrix ``a``."""
    m = _make(np.ascontiguousarray(a.astype(x.data.dtype)), None)
    last = x.ndim - 1
    if dim == last:
        return matmul(x, transpose(m, 0, 1))
    if dim == last - 1:
        return matmul(m, x)
    # an earlier dimension (5-d input): bring it last and back
    return transpose(matmul(transpose(x, dim, last), transpose(m, 0, 1)), dim, last)


def _pixel_scale(n: int, m: int, align_corners: bool, scale) -> float:
    """PyTorch's area_pixel_compute_scale: source step per output pixel."""
    if align_corners:
        return (n - 1) / (m - 1) if m > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n / m


def _source(n: int, m: int, align_corners: bool, scale, cubic: bool = False):
    """The source position of each output pixel and the index at or below it
    (PyTorch's area_pixel_compute_source_index and guard_index_and_lambda)."""
    s = _pixel_scale(n, m, align_corners, scale)
    i = np.arange(m, dtype=np.float64)
    src = i * s if align_corners else (i + 0.5) * s - 0.5
    if not cubic:
        src = np.maximum(src, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    return i0, np.clip(src - i0, 0.0, 1.0)


def _weights_matrix(n: int, m: int, cols, weights) -> np.ndarray:
    a = np.zeros((m, n))
    rows = np.arange(m)
    for c, w in zip(cols, weights):
        np.add.at(a, (rows, np.clip(c, 0, n - 1)), w)
    return a


def _linear_matrix(n: int, m: int, align_corners: bool, scale) -> np.ndarray:
    """Linear weights (m, n) along one dimension, as PyTorch's upsample_linear kernels."""
    i0, lam = _source(n, m, align_corners, scale)
    return _weights_matrix(n, m, (i0, i0 + 1), (1.0 - lam, lam))


def _cubic_matrix(n: int, m: int, align_corners: bool, scale) -> np.ndarray:
    """Bicubic weights (m, n) along one dimension: Keys' kernel with A = -0.75 and the
    taps clamped to the border, as PyTorch's upsample_bicubic2d."""
    i0, t = _source(n, m, align_corners, scale, cubic=True)
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    cols = (i0 - 1, i0, i0 + 1, i0 + 2)
    return _weights_matrix(n, m, cols, (far(t + 1), near(t), near(1 - t), far(2 - t)))


def _aa_filter(x: np.ndarray, cubic) -> np.ndarray:
    """PyTorch's anti-alias filters: the triangle (bilinear), Keys' cubic with
    A = -0.5 (bicubic) and Lanczos-3 (``cubic="lanczos"``), as PIL's."""
    x = np.abs(x)
    if cubic == "lanczos":
        return np.where(x < 3.0, np.sinc(x) * np.sinc(x / 3.0), 0.0)
    if not cubic:
        return np.maximum(1.0 - x, 0.0)
    a = -0.5
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _aa_matrix(n: int, m: int, align_corners: bool, scale, cubic) -> np.ndarray:
    """Anti-aliased weights (m, n) along one dimension, as PyTorch's
    _compute_index_ranges_weights with antialias: the filter widened by the
    downscaling factor, each row's weights normalised to sum 1."""
    s = _pixel_scale(n, m, align_corners, scale)
    half = 3.0 if cubic == "lanczos" else 2.0 if cubic else 1.0  # interp_size / 2
    support = half * s if s >= 1.0 else half
    invscale = 1.0 / s if s >= 1.0 else 1.0
    a = np.zeros((m, n))
    for i in range(m):
        center = s * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n)
        j = np.arange(lo, hi)
        w = _aa_filter((j - center + 0.5) * invscale, cubic)
        total = w.sum()
        a[i, lo:hi] = w / total if total != 0 else w
    return a


def _nearest_index(n: int, m: int, scale, exact: bool, shortcuts: bool) -> np.ndarray:
    """PyTorch's nearest_idx / nearest_exact_idx (float32 arithmetic, as PyTorch).

    ``shortcuts``: PyTorch's 2-d nearest kernel copies when the size is kept and
    halves the index when it doubles, whatever ``scale_factor`` says.
    """
    i = np.arange(m)
    if shortcuts and not exact and m == n:
        return i
    if shortcuts and not exact and m == 2 * n:
        return i >> 1
    s = np.float32(1.0 / scale if scale is not None and scale > 0 else n / m)
    if exact:
        src = np.float32(i + 0.5) * s
    else:
        src = i.astype(np.float32) * s
    return np.minimum(np.floor(src).astype(np.int64), n - 1)


def _n_values(v, nd: int, what: str, x: Tensor, cast):
    if not isinstance(v, (tuple, list)):
        return [cast(v)] * nd
    if len(v) != nd:
        name = "output" if what == "size" else what
        raise ValueError(
            f"interpolate: Input and {name} must have the same number of spatial dimensions, "
            f"but got input with spatial dimensions of {list(x.shape[2:])} and {what} "
            f"{v!r}. Give {nd} value(s), one per dimension after (N, C)."
        )
    return [cast(s) for s in v]


def _out_sizes(x: Tensor, size, scale_factor, recompute, mode: str):
    """The output sizes and the scales the kernels use (None: from the sizes)."""
    nd = x.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if size is not None:
        if recompute:
            raise ValueError(
                "interpolate: recompute_scale_factor is not meaningful with an explicit size."
            )
        return _n_values(size, nd, "size", x, int), [None] * nd
    scales = _n_values(scale_factor, nd, "scale_factor", x, float)
    sizes = [int(math.floor(float(x.shape[2 + i]) * scales[i])) for i in range(nd)]
    if recompute or mode == "area":  # as PyTorch: area always recomputes
        scales = [None] * nd
    return sizes, scales


def _interp_check(x: Tensor, mode: str, antialias: bool) -> None:
    """PyTorch's checks of interpolate, in its order (after align_corners and the sizes)."""
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x.ndim == 4):
        raise ValueError(
            "interpolate: Anti-alias option is restricted to bilinear, bicubic, and lanczos "
            "modes and requires a 4-D tensor as input"
        )
    if mode not in _INTERP_MODES + ("lanczos",) or x.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"interpolate: only 3-d, 4-d and 5-d inputs (N, C, ...) are supported, in the "
            f"modes {' | '.join(_INTERP_MODES)}; got a {x.ndim}-d input and mode {mode!r}"
        )
    need = _INTERP_DIMS.get(mode)
    if need is not None and x.ndim != need:
        raise NotImplementedError(
            f"interpolate: Got {x.ndim}D input, but {mode} mode needs {need}D input"
        )
    if mode == "lanczos" and not antialias:
        raise ValueError("interpolate: Lanczos mode requires antialias=True")
    if x.data.dtype.kind != "f":
        raise TypeError(f"interpolate: needs a floating-point input, got dtype {x.data.dtype}")


@R.op(
    samples=lambda: [
        R.Sample((R.randn(1, 2, 3, 4),), {"size": (5, 3)}, note="nearest"),
        R.Sample((R.randn(1, 2, 5, seed=1),), {"scale_factor": 1.5}, note="nearest 3-d"),
        R.Sample((R.randn(1, 2, 3, 4, seed=2),), {"size": (5, 3), "mode": "bilinear"}),
        R.Sample(
            (R.randn(2, 1, 3, 3, seed=3),),
            {"scale_factor": 2, "mode": "bilinear", "align_corners": True},
        ),
        R.Sample((R.randn(1, 2, 5, seed=4),), {"size": 7, "mode": "linear"}),
        R.Sample((R.randn(1, 2, 3, 5, seed=5),), {"size": (4, 3), "mode": "nearest-exact"}),
        R.Sample((R.randn(1, 2, 5, 7, seed=6),), {"size": (3, 4), "mode": "area"}),
        R.Sample((R.randn(1, 1, 3, 4, seed=7),), {"size": (5, 6), "mode": "bicubic"}),
        R.Sample((R.randn(1, 1, 6, 7, seed=9),),
                 {"size": (3, 4), "mode": "bilinear", "antialias": True}, note="antialias"),
        R.Sample((R.randn(1, 1, 7, 5, seed=10),),
                 {"size": (3, 8), "mode": "bicubic", "antialias": True}, note="antialias"),
        R.Sample(
            (R.randn(1, 1, 2, 3, 2, seed=8),),
            {"scale_factor": (1.5, 1, 2), "mode": "trilinear", "align_corners": True},
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
        R.ErrorInput(
            (R.tensor(np.ones((1, 1, 2, 2))), 3, None, "cubic"),
            error=NotImplementedError,
            match="'cubic'",
        ),
    ],
)
def interpolate(
    input: Tensor,
    size: IntOrTuple | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dimensions of a 3-d (N, C, L), 4-d or 5-d ``input``.

    ``mode``: ``nearest``, ``nearest-exact``, ``area`` (adaptive average pooling)
    on any of them; ``linear`` (3-d), ``bilinear`` and ``bicubic`` (4-d),
    ``trilinear`` (5-d). Give either ``size`` (the output's spatial size) or
    ``scale_factor``; as PyTorch, an output size from ``scale_factor`` is
    ``floor(in * scale)`` and the source positions use ``1 / scale_factor`` unless
    ``recompute_scale_factor`` (or mode ``area``). ``antialias=True`` (bilinear and
    bicubic, 4-d) widens the filter when downscaling, as PyTorch's (and PIL's).

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
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners option can only be set with the interpolating "
            "modes: linear | bilinear | bicubic | trilinear"
        )
    if mode == "lanczos" and align_corners:
        raise ValueError("interpolate: Lanczos mode does not support align_corners=True")
    sizes, scales = _out_sizes(x, size, scale_factor, recompute_scale_factor, mode)
    _interp_check(x, mode, antialias)
    if min(sizes) <= 0:
        raise ValueError(
            f"interpolate: output size {tuple(sizes)} from input {x.shape} is too small: "
            "sizes must be greater than 0"
        )
    corners = bool(align_corners)
    out = x
    for i, m in enumerate(sizes):
        dim, n = 2 + i, x.shape[2 + i]
        if mode in ("nearest", "nearest-exact"):
            idx = _nearest_index(n, m, scales[i], mode == "nearest-exact", len(sizes) == 2)
            if m != n or (idx != np.arange(n)).any():
                out = index_select(out, dim, idx)
        elif mode == "area":
            if m != n:
                out = _apply_matrix(out, _mean_matrix(n, m), dim)
        elif antialias:  # bilinear, bicubic or lanczos (checked above)
            kind = "lanczos" if mode == "lanczos" else mode == "bicubic"
            out = _apply_matrix(out, _aa_matrix(n, m, corners, scales[i], kind), dim)
        elif mode == "bicubic":
            out = _apply_matrix(out, _cubic_matrix(n, m, corners, scales[i]), dim)
        elif m != n:  # same size copies, as PyTorch's linear kernels
            out = _apply_matrix(out, _linear_matrix(n, m, corners, scales[i]), dim)
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
def adaptive_avg_pool2d(input: Tensor, output_size: int | None | Sequence[int | None]) -> Tensor:
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
    """Index of each row's maximum along the last axis; the last NaN wins (as PyTorch)."""
    nan = np.isnan(vals)
    arg = np.argmax(vals, axis=-1)
    if nan.any():
        last = vals.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        arg = np.where(nan.any(axis=-1), last, arg)
    return arg


@R.op(
    samples=lambda: [
        R.Sample((R.distinct(2, 2, 5, 4),), {"output_size": (3, 2)}),
        R.Sample((R.distinct(1, 4, 3, seed=1),), {"output_size": (2, 5)}, note="3-d"),
    ],
    export=False,
)
def adaptive_max_pool2d(
    input: Tensor, output_size: int | None | Sequence[int | None], return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
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
