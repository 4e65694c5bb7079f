"""Convolution and pooling ops on NCHW tensors: unfold (im2col), fold (col2im),
conv2d, max_pool2d and avg_pool2d.

``unfold`` and ``fold`` are each other's adjoint, so each one's VJP is the other
and derivatives of any order work. ``conv2d`` is ``unfold`` + one (batched)
matmul. The pools run a Python loop over the kh*kw kernel offsets only: each
step is one vectorised NumPy operation on strided views, never a loop over
pixels or batch items. Their first-order VJPs are per-offset slice adds; under
``create_graph=True`` they are written with ``fold`` so they are recorded too.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg
from .elementwise import add
from .indexing import narrow
from .shape import expand, matmul, reshape, transpose
from .xp import NP

# ------------------------------------------- sample inputs of the declarations


def _distinct_img(*shape, seed=0):
    return R.distinct(*shape, seed=seed)


# ----------------------------------------------------------------- helpers


def _pair(v, what: str, opname: str, allow_zero: bool = False) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)):
        v = (int(v), int(v))
    try:
        a, b = (int(x) for x in v)
    except (TypeError, ValueError):
        raise TypeError(f"{opname}: {what} must be an int or a pair of ints, got {v!r}") from None
    low = 0 if allow_zero else 1
    if a < low or b < low:
        raise ValueError(f"{opname}: {what} must be >= {low}, got {(a, b)}")
    return a, b


def _out_len(n: int, k: int, s: int, p: int, d: int = 1) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


class _Geom:
    """Kernel, stride, padding (and input size) of one conv/pool call."""

    __slots__ = ("k", "s", "p", "hw", "count_include_pad", "d", "divisor")

    def __init__(self, k, s, p, hw=None, count_include_pad=True, d=(1, 1)):
        self.k, self.s, self.p, self.hw = k, s, p, hw
        self.count_include_pad = count_include_pad
        self.d = d
        self.divisor = None  # avg_pool2d's divisor_override

    def like(self, hw=None) -> _Geom:
        """The same kernel, stride, padding and dilation with input size ``hw``."""
        return _Geom(self.k, self.s, self.p, hw, self.count_include_pad, self.d)

    def out_hw(self, h: int, w: int) -> tuple[int, int]:
        return (
            _out_len(h, self.k[0], self.s[0], self.p[0], self.d[0]),
            _out_len(w, self.k[1], self.s[1], self.p[1], self.d[1]),
        )

    def offsets(self, oh: int, ow: int):
        """(flat offset, (slice_h, slice_w)) into the padded input for each kernel position."""
        (kh, kw), (sh, sw), (dh, dw) = self.k, self.s, self.d
        for i in range(kh):
            for j in range(kw):
                a, b = i * dh, j * dw
                yield (
                    i * kw + j,
                    (slice(a, a + sh * (oh - 1) + 1, sh), slice(b, b + sw * (ow - 1) + 1, sw)),
                )


def _pad(x: np.ndarray, p, value=0.0) -> np.ndarray:
    ph, pw = p
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _crop(x: np.ndarray, p, hw) -> np.ndarray:
    ph, pw = p
    if ph == 0 and pw == 0:
        return x
    return x[:, :, ph : ph + hw[0], pw : pw + hw[1]]


def _check_4d(x: Tensor, opname: str, what: str = "input") -> None:
    if x.data.ndim != 4:
        raise ValueError(
            f"{opname}: expected a 4-d {what} of shape (N, C, H, W), got shape {x.shape}"
        )
    if x.data.dtype.kind != "f":
        raise TypeError(f"{opname}: needs a floating-point {what}, got dtype {x.data.dtype}")


def _check_fits(h: int, w: int, geom: _Geom, opname: str) -> tuple[int, int]:
    (kh, kw), (ph, pw), (dh, dw) = geom.k, geom.p, geom.d
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if h + 2 * ph < ekh or w + 2 * pw < ekw:
        dil = "" if geom.d == (1, 1) else f" (dilated to {(ekh, ekw)})"
        raise ValueError(
            f"{opname}: kernel size {geom.k}{dil} is larger than the padded input "
            f"({h + 2 * ph}, {w + 2 * pw}) (input {(h, w)}, padding {geom.p})"
        )
    return geom.out_hw(h, w)


# ------------------------------------------------------------ unfold / fold


def _unfold_np(x: np.ndarray, g: _Geom) -> np.ndarray:
    n, c, h, w = x.shape
    oh, ow = g.out_hw(h, w)
    kh, kw = g.k
    xp_ = _pad(x, g.p)
    if g.d != (1, 1):
        (dh, dw) = g.d
        win = sliding_window_view(xp_, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
        win = win[:, :, :: g.s[0], :: g.s[1], ::dh, ::dw]
    else:
        win = sliding_window_view(xp_, (kh, kw), axis=(2, 3))[:, :, :: g.s[0], :: g.s[1]]
    win = win[:, :, :oh, :ow]  # (N, C, OH, OW, kh, kw), a strided view
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)


def _fold_np(cols: np.ndarray, g: _Geom) -> np.ndarray:
    n, ck, _ = cols.shape
    h, w = g.hw
    kh, kw = g.k
    c = ck // (kh * kw)
    oh, ow = g.out_hw(h, w)
    cols6 = cols.reshape(n, c, kh, kw, oh, ow)
    out = np.zeros((n, c, h + 2 * g.p[0], w + 2 * g.p[1]), dtype=cols.dtype)
    for k, (si, sj) in g.offsets(oh, ow):
        out[:, :, si, sj] += cols6[:, :, k // kw, k % kw]
    return np.ascontiguousarray(_crop(out, g.p, (h, w)))


class UnfoldBackward(Node):
    name = "unfold"

    @staticmethod
    def forward(x, g):
        return _unfold_np(x, g)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        fg = geom.like(tuple(xs[0].shape[2:]))
        if xp is NP:
            return (_fold_np(g, fg),)
        return (apply1(FoldBackward, g, fg),)


class FoldBackward(Node):
    name = "fold"

    @staticmethod
    def forward(cols, g):
        return _fold_np(cols, g)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        if xp is NP:
            return (_unfold_np(g, geom),)
        return (apply1(UnfoldBackward, g, geom.like()),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 2, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1}),
        R.Sample((R.randn(1, 2, 4, 5, seed=1),), {"kernel_size": (2, 3)}),
        R.Sample((R.randn(1, 2, 6, 5, seed=2),), {"kernel_size": 2, "dilation": (2, 1)}),
    ],
    export=False,
)
def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding local blocks (im2col): (N, C, H, W) -> (N, C*kh*kw, L), as ``F.unfold``.

    Column ``l`` holds the block at output position ``l`` (row-major over the
    output grid); rows are ordered channel-major, then kernel row, then column.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.unfold(autodiff.zeros(2, 3, 5, 5), kernel_size=3, padding=1, stride=2).shape
    (2, 27, 9)
    """
    x = as_tensor_arg(input, "unfold")
    _check_4d(x, "unfold")
    geom = _Geom(
        _pair(kernel_size, "kernel_size", "unfold"),
        _pair(stride, "stride", "unfold"),
        _pair(padding, "padding", "unfold", allow_zero=True),
        d=_pair(dilation, "dilation", "unfold"),
    )
    _check_fits(x.shape[2], x.shape[3], geom, "unfold")
    return apply1(UnfoldBackward, x, geom)


@R.op(
    samples=lambda: [
        R.Sample(
            (R.randn(2, 18, 9),),
            {"output_size": 5, "kernel_size": 3, "stride": 2, "padding": 1},
        ),
        R.Sample((R.randn(1, 8, 6, seed=1),), {"output_size": (3, 4), "kernel_size": 2}),
        R.Sample(
            (R.randn(1, 8, 4, seed=2),),
            {"output_size": (4, 5), "kernel_size": 2, "dilation": (2, 3)},
        ),
    ],
    export=False,
)
def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum sliding blocks back into an image (col2im), the adjoint of ``unfold``.

    (N, C*kh*kw, L) -> (N, C, H, W) with ``output_size=(H, W)``; overlapping
    values add up, as ``F.fold``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.fold(autodiff.ones(1, 4, 4), (3, 3), kernel_size=2)[0, 0]
    Tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    cols = as_tensor_arg(input, "fold")
    k = _pair(kernel_size, "kernel_size", "fold")
    geom = _Geom(
        k,
        _pair(stride, "stride", "fold"),
        _pair(padding, "padding", "fold", allow_zero=True),
        _pair(output_size, "output_size", "fold"),
        d=_pair(dilation, "dilation", "fold"),
    )
    if cols.data.ndim != 3:
        raise ValueError(f"fold: expected input of shape (N, C*kh*kw, L), got shape {cols.shape}")
    oh, ow = _check_fits(*geom.hw, geom, "fold")
    kk = k[0] * k[1]
    if cols.shape[1] % kk or cols.shape[2] != oh * ow:
        raise ValueError(
            f"fold: input of shape {cols.shape} does not match kernel_size {k} and "
            f"output_size {geom.hw}: expected (N, C*{kk}, {oh * ow})"
        )
    return apply1(FoldBackward, cols, geom)


# ------------------------------------------------------------------ conv2d


@R.op(
    samples=lambda: [
        R.Sample(
            (R.randn(2, 2, 5, 5), R.randn(3, 2, 3, 3, seed=1), R.randn(3, seed=2)),
            {"stride": 2, "padding": 1},
            note="stride 2 padding 1",
        ),
        R.Sample((R.randn(1, 1, 4, 5, seed=3), R.randn(2, 1, 2, 3, seed=4)), note="no bias"),
        R.Sample(
            (R.randn(1, 4, 6, 5, seed=5), R.randn(6, 2, 2, 2, seed=6), R.randn(6, seed=7)),
            {"groups": 2, "dilation": (2, 1), "padding": "same"},
            note="groups, dilation, same",
        ),
    ],
    export=False,
)
def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    dilation=1,
    groups: int = 1,
):
    """2-d convolution (cross-correlation) of NCHW ``input`` with OIHW ``weight``.

    Computed as ``unfold`` and one matmul, so it is differentiable to any order.

    Parameters
    ----------
    input : Tensor
        (N, C_in, H, W), or (C_in, H, W) for a single image.
    weight : Tensor
        (C_out, C_in, kh, kw).
    bias : Tensor, optional
        (C_out,).
    stride, dilation : int or (int, int)
    padding : int, (int, int), "valid" or "same"
        "same" (stride 1 only) pads so the output has the input's size, any
        odd extra on the bottom/right, as PyTorch.
    groups : int
        Input and output channels split into ``groups`` independent blocks;
        weight is then (C_out, C_in // groups, kh, kw).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x, w = autodiff.ones(1, 1, 4, 4), autodiff.ones(2, 1, 3, 3)
    >>> F.conv2d(x, w, padding=1).shape
    (1, 2, 4, 4)
    >>> F.conv2d(autodiff.ones(1, 4, 5, 5), autodiff.ones(6, 2, 3, 3), groups=2,
    ...          dilation=2, padding="same").shape
    (1, 6, 5, 5)
    """
    x = as_tensor_arg(input, "conv2d")
    w = as_tensor_arg(weight, "conv2d")
    if w.data.ndim != 4:
        raise ValueError(
            f"conv2d: weight must have shape (C_out, C_in, kh, kw), got shape {w.shape}"
        )
    single = x.data.ndim == 3
    if single:
        x = reshape(x, (1,) + x.shape)
    _check_4d(x, "conv2d")
    cout, cin, kh, kw = w.shape
    if kh < 1 or kw < 1:
        raise ValueError(f"conv2d: kernel size should be greater than zero, got weight {w.shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive integer, got {groups!r}")
    groups = int(groups)
    if cout % groups:
        raise ValueError(
            f"conv2d: out_channels (weight {w.shape}, {cout}) must be divisible by groups={groups}"
        )
    if x.shape[1] != cin * groups:
        raise ValueError(
            f"conv2d: weight {w.shape} with groups={groups} expects input with {cin * groups} "
            f"channels (shape (N, {cin * groups}, H, W)), got input of shape {x.shape}"
        )
    s = _pair(stride, "stride", "conv2d")
    d = _pair(dilation, "dilation", "conv2d")
    if isinstance(padding, str):
        x, p = _string_padding(x, padding, (kh, kw), s, d, "conv2d")
    else:
        p = _pair(padding, "padding", "conv2d", allow_zero=True)
    geom = _Geom((kh, kw), s, p, d=d)
    oh, ow = _check_fits(x.shape[2], x.shape[3], geom, "conv2d")
    cols = apply1(UnfoldBackward, x, geom)  # (N, C*kh*kw, L)
    if groups == 1:
        out = matmul(reshape(w, (cout, cin * kh * kw)), cols)  # (N, C_out, L)
    else:  # (G, C_out/G, K) @ (N, G, K, L) -> (N, G, C_out/G, L)
        kk = cin * kh * kw
        out = matmul(
            reshape(w, (groups, cout // groups, kk)),
            reshape(cols, (x.shape[0], groups, kk, oh * ow)),
        )
    out = reshape(out, (x.shape[0], cout, oh, ow))
    if bias is not None:
        b = as_tensor_arg(bias, "conv2d")
        if b.shape != (cout,):
            raise ValueError(f"conv2d: bias must have shape ({cout},), got {b.shape}")
        out = add(out, reshape(b, (1, cout, 1, 1)))
    if single:
        out = reshape(out, out.shape[1:])
    return out


def _string_padding(x: Tensor, padding: str, k, s, d, opname: str):
    """Apply ``padding="same"``/``"valid"``: the (possibly padded) input and the
    symmetric padding left to do."""
    if padding == "valid":
        return x, (0, 0)
    if padding != "same":
        raise ValueError(
            f"{opname}: padding must be an int, a pair of ints, 'valid' or 'same', got {padding!r}"
        )
    if s != (1, 1):
        raise ValueError(f"{opname}: padding='same' is not supported for strided convolutions")
    total = [di * (ki - 1) for ki, di in zip(k, d)]
    sym = tuple(t // 2 for t in total)
    extra = [t - 2 * q for t, q in zip(total, sym)]
    if any(extra):
        from .spatial import pad as _pad_op

        x = _pad_op(x, (0, extra[1], 0, extra[0]))
    return x, sym


def _single(v, what: str, opname: str, allow_zero: bool = False) -> int:
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise ValueError(f"{opname}: {what} must be an int or a 1-tuple, got {v!r}")
        v = v[0]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{opname}: {what} must be an int or a 1-tuple, got {v!r}")
    low = 0 if allow_zero else 1
    if v < low:
        raise ValueError(f"{opname}: {what} must be >= {low}, got {int(v)}")
    return int(v)


def _check_3d(x: Tensor, w: Tensor, opname: str) -> bool:
    if w.data.ndim != 3:
        raise ValueError(f"{opname}: weight must be 3-d (C_out, C_in, k), got shape {w.shape}")
    if x.data.ndim not in (2, 3):
        raise ValueError(
            f"{opname}: expected a 3-d input (N, C, L) (or 2-d (C, L)), got shape {x.shape}"
        )
    return x.data.ndim == 2


@R.op(
    samples=lambda: [
        R.Sample(
            (R.randn(2, 4, 7), R.randn(6, 2, 3, seed=1), R.randn(6, seed=2)),
            {"stride": 2, "padding": 1, "dilation": 2, "groups": 2},
        ),
        R.Sample((R.randn(2, 6, seed=3), R.randn(3, 2, 2, seed=4)), {"padding": "same"}),
    ],
    export=False,
)
def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """1-d convolution (cross-correlation) of NCL ``input`` with (C_out, C_in/groups, k) ``weight``.

    Same options as :func:`conv2d` (it is one, over a height-1 image).

    Parameters
    ----------
    input : Tensor
        (N, C_in, L), or (C_in, L).
    weight : Tensor
        (C_out, C_in // groups, k).
    bias : Tensor, optional
        (C_out,).
    stride, dilation : int
    padding : int, "valid" or "same"
    groups : int

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.conv1d(autodiff.ones(1, 2, 5), autodiff.ones(3, 2, 3), padding=1)[0, 0]
    Tensor([4., 6., 6., 6., 4.])
    """
    x = as_tensor_arg(input, "conv1d")
    w = as_tensor_arg(weight, "conv1d")
    single = _check_3d(x, w, "conv1d")
    if single:
        x = _unsqueeze0(x)
    s = _single(stride, "stride", "conv1d")
    d = _single(dilation, "dilation", "conv1d")
    p = padding if isinstance(padding, str) else (0, _single(padding, "padding", "conv1d", True))
    x4 = reshape(x, (x.shape[0], x.shape[1], 1, x.shape[2]))
    w4 = reshape(w, (w.shape[0], w.shape[1], 1, w.shape[2]))
    out = conv2d(x4, w4, bias, (1, s), p, (1, d), groups)
    out = reshape(out, (out.shape[0], out.shape[1], out.shape[3]))
    return _squeeze0(out) if single else out


@R.op(
    samples=lambda: [
        R.Sample(
            (R.randn(2, 4, 3, 4), R.randn(4, 3, 3, 2, seed=1), R.randn(6, seed=2)),
            {"stride": 2, "padding": 1, "output_padding": (1, 0), "groups": 2},
            note="strided grouped",
        ),
        R.Sample(
            (R.randn(1, 2, 3, 3, seed=3), R.randn(2, 1, 2, 2, seed=4)),
            {"dilation": 3, "padding": 1, "output_padding": 2},
            note="dilated, output_padding >= stride",
        ),
    ],
    export=False,
)
def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """2-d transposed convolution, the adjoint of :func:`conv2d` in its input, as PyTorch.

    Output size ``(H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Parameters
    ----------
    input : Tensor
        (N, C_in, H, W), or (C_in, H, W).
    weight : Tensor
        (C_in, C_out // groups, kh, kw).
    bias : Tensor, optional
        (C_out,).
    stride, padding, dilation : int or (int, int)
    output_padding : int or (int, int)
        Extra rows/columns on the bottom/right; smaller than stride or dilation.
    groups : int

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.conv_transpose2d(autodiff.ones(1, 1, 2, 2), autodiff.ones(1, 1, 2, 2))[0, 0]
    Tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    op = "conv_transpose2d"
    x = as_tensor_arg(input, op)
    w = as_tensor_arg(weight, op)
    if w.data.ndim != 4:
        raise ValueError(
            f"{op}: weight must have shape (C_in, C_out/groups, kh, kw), got shape {w.shape}"
        )
    single = x.data.ndim == 3
    if single:
        x = _unsqueeze0(x)
    _check_4d(x, op)
    cin, coutg, kh, kw = w.shape
    if kh < 1 or kw < 1:
        raise ValueError(f"{op}: kernel size should be greater than zero, got weight {w.shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive integer, got {groups!r}")
    groups = int(groups)
    if x.shape[1] != cin:
        raise ValueError(
            f"{op}: weight {w.shape} expects input with {cin} channels, got input of shape "
            f"{x.shape}"
        )
    if cin % groups:
        raise ValueError(f"{op}: in_channels ({cin}) must be divisible by groups={groups}")
    s = _pair(stride, "stride", op)
    p = _pair(padding, "padding", op, allow_zero=True)
    d = _pair(dilation, "dilation", op)
    opad = _pair(output_padding, "output_padding", op, allow_zero=True)
    if any(o >= max(si, di) for o, si, di in zip(opad, s, d)):
        raise ValueError(
            f"{op}: output_padding {opad} must be smaller than either stride {s} or dilation {d}"
        )
    n, _, h, wd = x.shape
    out_hw = tuple(
        (i - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
        for i, si, pi, di, ki, oi in zip((h, wd), s, p, d, (kh, kw), opad)
    )
    if min(out_hw) < 1:
        raise ValueError(f"{op}: output size {out_hw} is too small (input {(h, wd)})")
    cout = coutg * groups
    cing, kk = cin // groups, coutg * kh * kw
    wt = transpose(reshape(w, (groups, cing, kk)), 1, 2)  # (G, C_out/G*kh*kw, C_in/G)
    cols = matmul(wt, reshape(x, (n, groups, cing, h * wd)))  # (N, G, kk, H*W)
    cols = reshape(cols, (n, cout * kh * kw, h * wd))
    if all(o < si for o, si in zip(opad, s)):
        out = apply1(FoldBackward, cols, _Geom((kh, kw), s, p, out_hw, d=d))
    else:  # fold the full, unpadded output, then crop the padding and add output_padding
        full = tuple(
            (i - 1) * si + di * (ki - 1) + 1 for i, si, di, ki in zip((h, wd), s, d, (kh, kw))
        )
        out = apply1(FoldBackward, cols, _Geom((kh, kw), s, (0, 0), full, d=d))
        for dim, (pi, oi, fi) in enumerate(zip(p, out_hw, full)):
            keep = min(oi, fi - pi)
            out = narrow(out, 2 + dim, pi, keep)
            if keep < oi:
                from .spatial import pad as _pad_op

                extra = oi - keep
                out = _pad_op(out, (0, extra, 0, 0) if dim == 1 else (0, 0, 0, extra))
    if bias is not None:
        b = as_tensor_arg(bias, op)
        if b.shape != (cout,):
            raise ValueError(f"{op}: bias must have shape ({cout},), got {b.shape}")
        out = add(out, reshape(b, (1, cout, 1, 1)))
    return _squeeze0(out) if single else out


@R.op(
    samples=lambda: [
        R.Sample(
            (R.randn(2, 4, 5), R.randn(4, 3, 3, seed=1), R.randn(6, seed=2)),
            {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": 2},
        ),
    ],
    export=False,
)
def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """1-d transposed convolution, as :func:`conv_transpose2d` over a height-1 image.

    Parameters
    ----------
    input : Tensor
        (N, C_in, L), or (C_in, L).
    weight : Tensor
        (C_in, C_out // groups, k).
    bias : Tensor, optional
        (C_out,).
    stride, padding, output_padding, dilation : int
    groups : int

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.conv_transpose1d(autodiff.ones(1, 1, 3), autodiff.ones(1, 1, 2), stride=2)[0, 0]
    Tensor([1., 1., 1., 1., 1., 1.])
    """
    op = "conv_transpose1d"
    x = as_tensor_arg(input, op)
    w = as_tensor_arg(weight, op)
    single = _check_3d(x, w, op)
    if single:
        x = _unsqueeze0(x)
    args = [
        (1, _single(v, what, op, allow_zero=z))
        for v, what, z in (
            (stride, "stride", False),
            (padding, "padding", True),
            (output_padding, "output_padding", True),
            (dilation, "dilation", False),
        )
    ]
    args[1] = (0, args[1][1])
    args[2] = (0, args[2][1])
    x4 = reshape(x, (x.shape[0], x.shape[1], 1, x.shape[2]))
    w4 = reshape(w, (w.shape[0], w.shape[1], 1, w.shape[2]))
    out = conv_transpose2d(x4, w4, bias, args[0], args[1], args[2], groups, args[3])
    out = reshape(out, (out.shape[0], out.shape[1], out.shape[3]))
    return _squeeze0(out) if single else out


# ----------------------------------------------------------------- pooling


def _pool_geom(x: Tensor, kernel_size, stride, padding, opname: str) -> _Geom:
    _check_4d(x, opname)
    k = _pair(kernel_size, "kernel_size", opname)
    s = k if stride is None or stride == () or stride == [] else _pair(stride, "stride", opname)
    p = _pair(padding, "padding", opname, allow_zero=True)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(
            f"{opname}: padding {p} must be at most half the kernel size {k} (as PyTorch)"
        )
    geom = _Geom(k, s, p, tuple(x.shape[2:]))
    _check_fits(x.shape[2], x.shape[3], geom, opname)
    return geom


def _scatter_np(g: np.ndarray, geom: _Geom, pick) -> np.ndarray:
    """Adjoint of a pool: ``pick(k, g, dst)`` writes offset k's share of ``g`` into ``dst``
    (a fresh zero array shaped like ``g``, or, when windows do not overlap, the
    strided slice of the input gradient itself)."""
    n, c, oh, ow = g.shape
    h, w = geom.hw
    hp, wp = h + 2 * geom.p[0], w + 2 * geom.p[1]
    (kh, kw), (sh, sw) = geom.k, geom.s
    disjoint = sh >= kh and sw >= kw
    tiled = sh == kh and sw == kw and hp == oh * kh and wp == ow * kw
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


def _argmax_masks(x: np.ndarray, out: np.ndarray, geom: _Geom):
    """For each kernel offset k: where that offset holds its window's maximum.

    Ties go to the first offset in row-major kernel order (as PyTorch).
    """
    oh, ow = out.shape[2:]
    xp_ = _pad(x, geom.p, -np.inf)
    # a window whose maximum is NaN sends its gradient to the (first) NaN, as PyTorch
    nan_out = np.isnan(out)
    has_nan = bool(nan_out.any())
    taken = None
    for k, (si, sj) in geom.offsets(oh, ow):
        m = xp_[:, :, si, sj] == out
        if has_nan:
            m |= nan_out & np.isnan(xp_[:, :, si, sj])
        if taken is None:
            taken = m.copy()
        else:
            m &= ~taken
            taken |= m
        yield k, m


class MaxPool2dBackward(Node):
    name = "max_pool2d"
    uses_out = True

    @staticmethod
    def forward(x, geom):
        n, c, h, w = x.shape
        oh, ow = geom.out_hw(h, w)
        xp_ = _pad(x, geom.p, -np.inf)
        best = None
        for _, (si, sj) in geom.offsets(oh, ow):
            sl = xp_[:, :, si, sj]
            # np.maximum propagates NaN, as PyTorch's max pooling does
            best = sl.copy() if best is None else np.maximum(best, sl, out=best)
        return best

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        if xp is NP:
            masks = dict(_argmax_masks(xs[0], out, geom))
            return (_scatter_np(g, geom, lambda k, g_, dst: np.multiply(g_, masks[k], out=dst)),)

        n, c, oh, ow = g.shape
        kk = geom.k[0] * geom.k[1]
        onehot = np.empty((n, c, kk, oh * ow), dtype=g.data.dtype)
        for k, m in _argmax_masks(xs[0].data, out.data, geom):
            onehot[:, :, k] = m.reshape(n, c, oh * ow)
        cols = reshape(g, (n, c, 1, oh * ow)) * _make(onehot, None)
        return (_fold_of(cols, geom),)


@R.op(
    samples=lambda: [
        R.Sample((_distinct_img(2, 2, 4, 4),), {"kernel_size": 2}, note="non-overlapping"),
        R.Sample((_distinct_img(1, 2, 5, 5, seed=1),), {"kernel_size": 3, "stride": 1}),
        R.Sample(
            (_distinct_img(1, 1, 5, 5, seed=2),),
            {"kernel_size": 3, "stride": 2, "padding": 1},
            note="overlapping padded",
        ),
    ],
    export=False,
)
def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0) -> Tensor:
    """Max over sliding windows of an NCHW tensor; the gradient goes to each window's max.

    ``stride`` defaults to ``kernel_size``; padding counts as -inf (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.max_pool2d(x, 2)
    Tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    x = as_tensor_arg(input, "max_pool2d")
    single = x.data.ndim == 3
    if single:
        x = _unsqueeze0(x)
    out = apply1(MaxPool2dBackward, x, _pool_geom(x, kernel_size, stride, padding, "max_pool2d"))
    return _squeeze0(out) if single else out


class AvgPool2dBackward(Node):
    name = "avg_pool2d"

    @staticmethod
    def forward(x, geom):
        n, c, h, w = x.shape
        oh, ow = geom.out_hw(h, w)
        xp_ = _pad(x, geom.p)
        acc = None
        for _, (si, sj) in geom.offsets(oh, ow):
            sl = xp_[:, :, si, sj]
            acc = sl.copy() if acc is None else np.add(acc, sl, out=acc)
        return acc * _divisor(geom, h, w, x.dtype)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        h, w = geom.hw
        scaled = g * _divisor(geom, h, w, xs[0].dtype)
        if xp is NP:
            return (_scatter_np(scaled, geom, lambda k, g_, dst: np.copyto(dst, g_)),)

        n, c, oh, ow = g.shape
        kk = geom.k[0] * geom.k[1]
        cols = expand(reshape(scaled, (n, c, 1, oh * ow)), (n, c, kk, oh * ow))
        return (_fold_of(cols, geom),)


def _divisor(geom: _Geom, h: int, w: int, dtype):
    """1 / (number of elements averaged) per window: a float, or an array without padding."""
    if geom.divisor is not None:
        return 1.0 / geom.divisor
    kk = geom.k[0] * geom.k[1]
    if geom.count_include_pad or geom.p == (0, 0):
        return 1.0 / kk
    oh, ow = geom.out_hw(h, w)
    ones = _pad(np.ones((1, 1, h, w), dtype=dtype), geom.p)
    cnt = sum(ones[:, :, si, sj] for _, (si, sj) in geom.offsets(oh, ow))
    return (1.0 / cnt).astype(dtype)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 2, 4, 4),), {"kernel_size": 2}, note="non-overlapping"),
        R.Sample((R.randn(1, 2, 5, 5, seed=1),), {"kernel_size": 3, "stride": 1}),
        R.Sample(
            (R.randn(1, 1, 5, 4, seed=2),),
            {"kernel_size": 3, "stride": 2, "padding": 1},
            note="overlapping padded",
        ),
        R.Sample(
            (R.randn(1, 1, 5, 4, seed=3),),
            {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
        ),
        R.Sample(
            (R.randn(1, 1, 5, 4, seed=4),),
            {"kernel_size": 3, "stride": 2, "padding": 1, "divisor_override": 4},
        ),
    ],
    export=False,
)
def avg_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over sliding windows of an NCHW tensor; ``stride`` defaults to ``kernel_size``.

    With ``count_include_pad=True`` (the default, as PyTorch) padded zeros count
    in the divisor; ``divisor_override`` replaces the divisor. ``ceil_mode=True``
    is not supported yet.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.avg_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    Tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]])
    """
    x = as_tensor_arg(input, "avg_pool2d")
    single = x.data.ndim == 3
    if single:
        x = _unsqueeze0(x)
    geom = _pool_geom(x, kernel_size, stride, padding, "avg_pool2d")
    geom.count_include_pad = bool(count_include_pad)
    if ceil_mode:
        raise NotImplementedError("avg_pool2d: ceil_mode=True is not supported")
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(
            divisor_override, (int, np.integer)
        ):
            raise TypeError(
                f"avg_pool2d: divisor_override must be an int, got {divisor_override!r}"
            )
        if divisor_override == 0:
            raise ValueError("avg_pool2d: divisor must be not zero")
        geom.divisor = int(divisor_override)
    out = apply1(AvgPool2dBackward, x, geom)
    return _squeeze0(out) if single else out


def _unsqueeze0(x: Tensor) -> Tensor:

    return reshape(x, (1,) + x.shape)


def _squeeze0(x: Tensor) -> Tensor:

    return reshape(x, x.shape[1:])


# ---------------------------------------------------------------- registry


__all__ = [
    "unfold",
    "fold",
    "conv2d",
    "conv1d",
    "conv_transpose2d",
    "conv_transpose1d",
    "max_pool2d",
    "avg_pool2d",
]
