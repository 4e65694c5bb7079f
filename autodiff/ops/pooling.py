"""Max and average pooling ops (NCHW and NCL) and max unpooling, with PyTorch 2.13's
semantics: ``ceil_mode``, ``dilation`` (max), ``return_indices``, ``count_include_pad``
and ``divisor_override``.

The 2-d pools run a Python loop over the kh*kw kernel offsets only: each step is
one vectorised NumPy operation on strided views, never a loop over pixels or
batch items. Their first-order VJPs are per-offset slice adds; under
``create_graph=True`` they are written with ``fold`` so they are recorded too.
The 1-d pools are the 2-d ones on a (N, C, 1, L) view.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import IntOrTuple
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg
from .conv import FoldBackward, _check_4d, _crop, _Geom, _pair, _squeeze0, _unsqueeze0
from .indexing import take_along_dim
from .shape import expand, reshape
from .xp import TS

# ---------------------------------------------------------------- geometry


def _pool_out_len(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: in ceil mode the last window must start
    inside the input or its left padding."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_geom(
    x: Tensor, kernel_size, stride, padding, opname: str, dilation=1, ceil_mode=False
) -> _Geom:
    _check_4d(x, opname)
    k = _pair(kernel_size, "kernel_size", opname)
    s = k if stride is None or stride == () or stride == [] else _pair(stride, "stride", opname)
    p = _pair(padding, "padding", opname, allow_zero=True)
    d = _pair(dilation, "dilation", opname)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(
            f"{opname}: padding {p} must be at most half the kernel size {k} (as PyTorch)"
        )
    hw = tuple(x.shape[2:])
    out = [_pool_out_len(hw[i], k[i], s[i], p[i], d[i], bool(ceil_mode)) for i in (0, 1)]
    if min(out) < 1:
        raise ValueError(
            f"{opname}: input of spatial size {hw} gives an output of size {tuple(out)}: too "
            f"small (kernel_size {k}, dilation {d}, padding {p}, stride {s}); use a smaller "
            "kernel or more padding"
        )
    # ceil mode: pad the end further so that the last window fits
    e = tuple(max(0, (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - hw[i] - 2 * p[i])
              for i in (0, 1))  # fmt: skip
    return _Geom(k, s, p, hw, d=d, e=e)


def _scatter_np(g: np.ndarray, geom: _Geom, pick) -> np.ndarray:
    """Adjoint of a pool: ``pick(k, g, dst)`` writes offset k's share of ``g`` into ``dst``
    (a fresh zero array shaped like ``g``, or, when windows do not overlap, the
    strided slice of the input gradient itself)."""
    n, c, oh, ow = g.shape
    hp, wp = geom.padded_hw()
    (kh, kw), (sh, sw), (dh, dw) = geom.k, geom.s, geom.d
    disjoint = sh >= dh * (kh - 1) + 1 and sw >= dw * (kw - 1) + 1
    tiled = geom.d == (1, 1) and sh == kh and sw == kw and hp == oh * kh and wp == ow * kw
    # exactly tiled: every element is written once, so no zero fill is needed
    out = (np.empty if tiled else np.zeros)((n, c, hp, wp), dtype=g.dtype)
    for k, (si, sj) in geom.offsets(oh, ow):
        if disjoint:
            pick(k, g, out[:, :, si, sj])
        else:
            tmp = np.empty_like(g)
            pick(k, g, tmp)
            out[:, :, si, sj] += tmp
    return np.ascontiguousarray(_crop(out, geom.p, geom.hw))


def _fold_of(cols_nckl: Tensor, geom: _Geom) -> Tensor:
    """fold() of (N, C, kh*kw, L) columns, recorded (for create_graph VJPs)."""

    n, c, kk, l = cols_nckl.shape
    return apply1(FoldBackward, reshape(cols_nckl, (n, c * kk, l)), geom)


# --------------------------------------------------------------- max pool


def _argmax_masks(x: np.ndarray, out: np.ndarray, geom: _Geom):
    """For each kernel offset k: where that offset holds its window's maximum.

    As PyTorch: ties go to the first offset in row-major kernel order, a window
    whose maximum is NaN picks its last NaN, and padding never wins, even in a
    window of -inf.
    """
    oh, ow = out.shape[2:]
    xp_ = geom.padded(x, -np.inf)
    real = None
    if xp_ is not x:
        real = geom.padded(np.ones(x.shape[2:], dtype=bool)[None, None], False)
    last_nan = None
    nan_out = np.isnan(out)
    if nan_out.any():
        last_nan = np.full(out.shape, -1)
        for k, (si, sj) in geom.offsets(oh, ow):
            last_nan[np.isnan(xp_[:, :, si, sj]) & nan_out] = k
    taken = None
    for k, (si, sj) in geom.offsets(oh, ow):
        m = xp_[:, :, si, sj] == out  # never true in a NaN window
        if real is not None:
            m &= real[:, :, si, sj]
        if taken is None:
            taken = m.copy()
        else:
            m &= ~taken
            taken |= m
        if last_nan is not None:
            m |= last_nan == k
        yield k, m


def _max_indices(x: np.ndarray, out: np.ndarray, geom: _Geom) -> np.ndarray:
    """PyTorch's indices of a max pool: the flat ``h * W + w`` position of each maximum."""
    oh, ow = out.shape[2:]
    w = geom.hw[1]
    (kw, (sh, sw), (dh, dw), (ph, pw)) = (geom.k[1], geom.s, geom.d, geom.p)
    idx = np.zeros(out.shape, dtype=np.int64)
    for k, m in _argmax_masks(x, out, geom):
        rows = np.arange(oh) * sh - ph + (k // kw) * dh
        cols = np.arange(ow) * sw - pw + (k % kw) * dw
        np.copyto(idx, rows[:, None] * w + cols[None, :], where=m)
    return idx


class MaxPool2dBackward(Node):
    name = "max_pool2d"
    saves = (0, "out")

    @staticmethod
    def forward(x, geom):
        n, c, h, w = x.shape
        oh, ow = geom.out_hw(h, w)
        xp_ = geom.padded(x, -np.inf)
        best = None
        for _, (si, sj) in geom.offsets(oh, ow):
            sl = xp_[:, :, si, sj]
            # np.maximum propagates NaN, as PyTorch's max pooling does
            best = sl.copy() if best is None else np.maximum(best, sl, out=best)
        return best

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        if xp is not TS:
            masks = dict(_argmax_masks(xs[0], out, geom))
            return (_scatter_np(g, geom, lambda k, g_, dst: np.multiply(g_, masks[k], out=dst)),)

        n, c, oh, ow = g.shape
        kk = geom.k[0] * geom.k[1]
        onehot = np.empty((n, c, kk, oh * ow), dtype=g.data.dtype)
        for k, m in _argmax_masks(xs[0].data, out.data, geom):
            onehot[:, :, k] = m.reshape(n, c, oh * ow)
        cols = reshape(g, (n, c, 1, oh * ow)) * _make(onehot, None)
        return (_fold_of(cols, geom),)


def _pool2d_samples(make) -> list:
    """The samples both 2-d pools declare; ``make`` draws the input (max pools need
    distinct values, so that the maximum is not a tie)."""
    return [
        R.Sample((make(2, 2, 4, 4),), {"kernel_size": 2}, note="non-overlapping"),
        R.Sample((make(1, 2, 5, 5, seed=1),), {"kernel_size": 3, "stride": 1}),
        R.Sample(
            (make(1, 1, 5, 4, seed=2),),
            {"kernel_size": 3, "stride": 2, "padding": 1},
            note="overlapping padded",
        ),
        R.Sample(
            (make(1, 2, 6, 5, seed=3),),
            {"kernel_size": (3, 2), "stride": 2, "padding": 1, "ceil_mode": True},
            note="ceil mode",
        ),
    ]


def _max_pool(x: Tensor, k, s, p, d, ceil_mode, return_indices, opname: str):
    single = x.data.ndim == 3
    if single:
        x = _unsqueeze0(x)
    geom = _pool_geom(x, k, s, p, opname, d, ceil_mode)
    out = apply1(MaxPool2dBackward, x, geom)
    idx = _make(_max_indices(x.data, out.data, geom), None) if return_indices else None
    if single:
        out = _squeeze0(out)
        idx = None if idx is None else _squeeze0(idx)
    return (out, idx) if return_indices else out


@R.op(
    samples=lambda: _pool2d_samples(R.distinct) + [
        R.Sample(
            (R.distinct(2, 1, 7, 6, seed=4),),
            {"kernel_size": 2, "stride": (1, 2), "dilation": (2, 3), "ceil_mode": True},
            note="dilated",
        ),
    ],
    export=False,
)
def max_pool2d(
    input: Tensor, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, dilation: IntOrTuple = 1, ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over sliding windows of an NCHW tensor; the gradient goes to each window's max.

    ``stride`` defaults to ``kernel_size``; padding counts as -inf and may be at
    most half the kernel (as PyTorch). ``dilation`` spaces the kernel's taps;
    ``ceil_mode=True`` rounds the output size up, keeping a last window only if
    it starts inside the input or its left padding. With ``return_indices=True``
    also returns each maximum's flat ``h * W + w`` position in its input plane
    (int64), as :func:`max_unpool2d` takes it.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.max_pool2d(x, 2)
    Tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> F.max_pool2d(x, 3, stride=2, ceil_mode=True, return_indices=True)[1]
    Tensor([[[[10, 11],
              [14, 15]]]])
    """
    x = as_tensor_arg(input, "max_pool2d")
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     "max_pool2d")  # fmt: skip


# --------------------------------------------------------------- avg pool


class AvgPool2dBackward(Node):
    name = "avg_pool2d"
    saves = (0,)

    @staticmethod
    def forward(x, geom):
        n, c, h, w = x.shape
        oh, ow = geom.out_hw(h, w)
        xp_ = geom.padded(x)
        acc = None
        for _, (si, sj) in geom.offsets(oh, ow):
            sl = xp_[:, :, si, sj]
            acc = sl.copy() if acc is None else np.add(acc, sl, out=acc)
        return acc * _divisor(geom, h, w, x.dtype)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        h, w = geom.hw
        scaled = g * _divisor(geom, h, w, xs[0].dtype)
        if xp is not TS:
            return (_scatter_np(scaled, geom, lambda k, g_, dst: np.copyto(dst, g_)),)

        n, c, oh, ow = g.shape
        kk = geom.k[0] * geom.k[1]
        cols = expand(reshape(scaled, (n, c, 1, oh * ow)), (n, c, kk, oh * ow))
        return (_fold_of(cols, geom),)


def _divisor(geom: _Geom, h: int, w: int, dtype):
    """1 / (number of elements averaged) per window: a float, or an array where it varies.

    As PyTorch: with ``count_include_pad`` a window counts the padding it covers
    but not the part past the padding that ``ceil_mode`` adds.
    """
    if geom.divisor is not None:
        return 1.0 / geom.divisor
    kk = geom.k[0] * geom.k[1]
    if geom.e == (0, 0) and (geom.count_include_pad or geom.p == (0, 0)):
        return 1.0 / kk
    oh, ow = geom.out_hw(h, w)
    ones = geom.padded(np.ones((1, 1, h, w), dtype=dtype))
    if geom.count_include_pad:
        ones[:, :, : h + 2 * geom.p[0], : w + 2 * geom.p[1]] = 1
    cnt = sum(ones[:, :, si, sj] for _, (si, sj) in geom.offsets(oh, ow))
    return (1.0 / cnt).astype(dtype)


def _avg_pool(x: Tensor, k, s, p, ceil_mode, count_include_pad, divisor_override, opname):
    single = x.data.ndim == 3
    if single:
        x = _unsqueeze0(x)
    geom = _pool_geom(x, k, s, p, opname, 1, ceil_mode)
    geom.count_include_pad = bool(count_include_pad)
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(
            divisor_override, (int, np.integer)
        ):
            raise TypeError(f"{opname}: divisor_override must be an int, got {divisor_override!r}")
        if divisor_override == 0:
            raise ValueError(f"{opname}: divisor must be not zero")
        geom.divisor = int(divisor_override)
    out = apply1(AvgPool2dBackward, x, geom)
    return _squeeze0(out) if single else out


@R.op(
    samples=lambda: _pool2d_samples(R.randn) + [
        R.Sample(
            (R.randn(1, 1, 5, 4, seed=3),),
            {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
        ),
        R.Sample(
            (R.randn(1, 1, 5, 4, seed=4),),
            {"kernel_size": 3, "stride": 2, "padding": 1, "divisor_override": 4},
        ),
        R.Sample(
            (R.randn(1, 1, 6, 5, seed=6),),
            {"kernel_size": 3, "stride": 2, "ceil_mode": True, "count_include_pad": False},
        ),
    ],
    export=False,
)
def avg_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over sliding windows of an NCHW tensor; ``stride`` defaults to ``kernel_size``.

    With ``count_include_pad=True`` (the default, as PyTorch) padded zeros count
    in the divisor; ``divisor_override`` replaces the divisor. ``ceil_mode=True``
    rounds the output size up, keeping a last window only if it starts inside
    the input or its left padding; the part of it past the padding never counts.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.avg_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    Tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]])
    >>> F.avg_pool2d(autodiff.arange(9.0).reshape(1, 1, 3, 3), 2, ceil_mode=True)
    Tensor([[[[2. , 3.5],
              [6.5, 8. ]]]])
    """
    x = as_tensor_arg(input, "avg_pool2d")
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, "avg_pool2d")  # fmt: skip


# --------------------------------------------------------------- 1-d pools


def _int1(v, what: str, opname: str, low: int = 1) -> int:
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise ValueError(f"{opname}: {what} must be an int or a 1-tuple, got {v!r}")
        v = v[0]
    v = int(v)
    if v < low:
        raise ValueError(f"{opname}: {what} must be >= {low}, got {v}")
    return v


def _pool1d_args(input, kernel_size, stride, padding, opname):
    """The input as (..., 1, L) and the kernel, stride and padding as ints."""
    x = as_tensor_arg(input, opname)
    if x.ndim not in (2, 3):
        raise ValueError(f"{opname}: expected a 2-d or 3-d input (N, C, L), got shape {x.shape}")
    if x.data.dtype.kind != "f":
        raise TypeError(f"{opname}: needs a floating-point input, got dtype {x.data.dtype}")
    k = _int1(kernel_size, "kernel_size", opname)
    s = k if stride is None or stride == () or stride == [] else _int1(stride, "stride", opname)
    p = _int1(padding, "padding", opname, low=0)
    if p > k // 2:
        raise ValueError(f"{opname}: padding {p} must be at most half the kernel size {k}")
    return reshape(x, x.shape[:-1] + (1, x.shape[-1])), k, s, p


def _drop_h(t: Tensor) -> Tensor:
    return reshape(t, t.shape[:-2] + (t.shape[-1],))


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 2, 6),), {"kernel_size": 2}),
        R.Sample(
            (R.randn(1, 2, 7, seed=1),),
            {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
        ),
        R.Sample((R.randn(2, 8, seed=2),), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    ],
    export=False,
)
def avg_pool1d(
    input: Tensor, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean over sliding windows of an (N, C, L) tensor; ``stride`` defaults to ``kernel_size``.

    ``ceil_mode`` and ``count_include_pad`` as :func:`avg_pool2d`.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.avg_pool1d(autodiff.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 2)
    Tensor([[[1.5, 3.5]]])
    """
    x4, k, s, p = _pool1d_args(input, kernel_size, stride, padding, "avg_pool1d")
    out = _avg_pool(x4, (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None, "avg_pool1d")
    return _drop_h(out)


@R.op(
    samples=lambda: [
        R.Sample((R.distinct(2, 2, 6),), {"kernel_size": 2}),
        R.Sample((R.distinct(1, 2, 7, seed=1),), {"kernel_size": 3, "stride": 2, "padding": 1}),
        R.Sample((R.distinct(2, 5, seed=2),), {"kernel_size": 3, "stride": 1}, note="2-d"),
        R.Sample(
            (R.distinct(1, 2, 9, seed=3),),
            {"kernel_size": 2, "stride": 2, "dilation": 2, "ceil_mode": True},
        ),
    ],
    export=False,
)
def max_pool1d(
    input: Tensor, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, dilation: IntOrTuple = 1, ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over sliding windows of an (N, C, L) tensor; padding counts as -inf.

    ``dilation`` and ``ceil_mode`` as :func:`max_pool2d`. With
    ``return_indices=True`` also returns the position of each maximum (int64).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.max_pool1d(autodiff.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2, return_indices=True)
    (Tensor([[[3., 2.]]]), Tensor([[[1, 2]]]))
    """
    x4, k, s, p = _pool1d_args(input, kernel_size, stride, padding, "max_pool1d")
    d = _int1(dilation, "dilation", "max_pool1d")
    res = _max_pool(x4, (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices, "max_pool1d")
    if return_indices:
        return _drop_h(res[0]), _drop_h(res[1])
    return _drop_h(res)


# ------------------------------------------------------------- max unpool


def _unpool_size(x: Tensor, k, s, p, output_size, opname: str) -> tuple:
    """PyTorch's _unpool_output_size: the default, or ``output_size`` checked against it."""
    nd = len(k)
    default = [(x.shape[-nd + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(nd)]
    if output_size is None:
        size = default
    else:
        size = [int(v) for v in output_size]
        if len(size) == nd + 2:
            size = size[2:]
        if len(size) != nd:
            raise ValueError(
                f"{opname}: output_size should be a sequence containing {nd} or {nd + 2} "
                f"elements, but it has a length of {len(size)}"
            )
        for i in range(nd):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < size[i] < hi:
                raise ValueError(
                    f"{opname}: invalid output_size {tuple(size)} (dim {i} must be between "
                    f"{lo} and {hi}, exclusive)"
                )
    if min(size) < 1:
        raise ValueError(f"{opname}: output size {tuple(size)} must be positive")
    return tuple(size)


class MaxUnpoolBackward(Node):
    name = "max_unpool"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        idx, size = attrs  # idx (..., L_in) flat positions, size = the flat output length
        out = np.zeros(x.shape[:-1] + (size,), dtype=x.dtype)
        np.put_along_axis(out, idx, x, axis=-1)
        return out

    def vjp(self, g, xs, out, xp):
        idx = self.attrs[0]
        if xp is not TS:
            return (np.take_along_axis(g, idx, axis=-1),)
        return (take_along_dim(g, _make(idx, None), dim=-1),)


def _max_unpool(input, indices, k, s, p, output_size, nd: int, opname: str) -> Tensor:
    x = as_tensor_arg(input, opname)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"{opname}: expected a {nd + 1}-d or {nd + 2}-d input, got shape {x.shape}"
        )
    if x.data.dtype.kind != "f":
        raise TypeError(f"{opname}: needs a floating-point input, got dtype {x.data.dtype}")
    idx = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype != np.int64:
        raise TypeError(
            f"{opname}: indices must be int64 (as max_pool{nd}d(return_indices=True) gives), "
            f"got dtype {idx.dtype}"
        )
    if idx.shape != x.shape:
        raise ValueError(
            f"{opname}: indices of shape {idx.shape} must have the input's shape {x.shape}"
        )
    size = _unpool_size(x, k, s, p, output_size, opname)
    flat = int(np.prod(size))
    if idx.size and (idx.min() < 0 or idx.max() >= flat):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise ValueError(
            f"{opname}: found an invalid max index {bad} (the output planes have size "
            f"{'x'.join(map(str, size))}); pass the output_size the indices were made for"
        )
    lead = x.shape[:-nd]
    xf = reshape(x, lead + (-1,))
    out = apply1(MaxUnpoolBackward, xf, (idx.reshape(lead + (-1,)), flat))
    return reshape(out, lead + size)


def _unpool_idx():
    # one distinct position per 2x2 window of a 4x6 plane, as max_pool2d would give
    r = np.random.default_rng(0)
    rows = np.arange(2)[:, None] * 2 + r.integers(0, 2, (2, 2, 2, 3))
    cols = np.arange(3)[None, :] * 2 + r.integers(0, 2, (2, 2, 2, 3))
    return R.tensor(rows * 6 + cols, dtype=np.int64)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 2, 2, 3), _unpool_idx(), 2)),
        R.Sample((R.randn(2, 2, 2, 3, seed=1), _unpool_idx(), 2), {"output_size": (5, 7)}),
    ],
    export=False,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((1, 1, 2, 2))), R.tensor(np.zeros((1, 1, 2, 2)), np.int32), 2),
            error=TypeError,
            match="int64",
        ),
        R.ErrorInput(
            (R.tensor(np.ones((1, 1, 2, 2))), R.tensor(np.full((1, 1, 2, 2), 16), np.int64), 2),
            error=ValueError,
            match="invalid max index 16",
        ),
    ],
)
def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, output_size: Sequence[int] | None = None,
) -> Tensor:
    """The partial inverse of :func:`max_pool2d`: ``input`` placed at ``indices`` (the
    flat ``h * W + w`` positions from ``return_indices=True``), zeros elsewhere.

    The output's spatial size is ``(in - 1) * stride - 2 * padding + kernel_size``
    unless ``output_size`` (2 values, or the full 4) picks another within a stride.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> out, idx = F.max_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2,
    ...                         return_indices=True)
    >>> F.max_unpool2d(out, idx, 2)
    Tensor([[[[ 0.,  0.,  0.,  0.],
              [ 0.,  5.,  0.,  7.],
              [ 0.,  0.,  0.,  0.],
              [ 0., 13.,  0., 15.]]]])
    """
    k = _pair(kernel_size, "kernel_size", "max_unpool2d")
    s = k if stride is None else _pair(stride, "stride", "max_unpool2d")
    p = _pair(padding, "padding", "max_unpool2d", allow_zero=True)
    return _max_unpool(input, indices, k, s, p, output_size, 2, "max_unpool2d")


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), R.tensor(np.array([[1, 2, 5], [0, 3, 4]]), np.int64), 2)),
    ],
    export=False,
)
def max_unpool1d(
    input: Tensor, indices: Tensor, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, output_size: Sequence[int] | None = None,
) -> Tensor:
    """The partial inverse of :func:`max_pool1d`, as :func:`max_unpool2d` in one dimension.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> out, idx = F.max_pool1d(autodiff.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2,
    ...                         return_indices=True)
    >>> F.max_unpool1d(out, idx, 2)
    Tensor([[[0., 3., 2., 0.]]])
    """
    k = (_int1(kernel_size, "kernel_size", "max_unpool1d"),)
    s = k if stride is None else (_int1(stride, "stride", "max_unpool1d"),)
    p = (_int1(padding, "padding", "max_unpool1d", low=0),)
    return _max_unpool(input, indices, k, s, p, output_size, 1, "max_unpool1d")


__all__ = [
    "max_pool2d",
    "avg_pool2d",
    "max_pool1d",
    "avg_pool1d",
    "max_unpool2d",
    "max_unpool1d",
]
