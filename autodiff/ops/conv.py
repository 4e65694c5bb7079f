"""Convolution ops on NCHW/NCL tensors: unfold (im2col), fold (col2im), conv2d,
conv1d and the transposed convolutions (the pools are in ``pooling.py``).

``unfold`` and ``fold`` are each other's adjoint, so each one's VJP is the other
and derivatives of any order work. ``conv2d`` is ``unfold`` + one (batched)
matmul.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._typing import IntOrTuple
from ..engine import Node, apply1
from ..tensor import Tensor
from . import registry as R
from ._base import as_tensor_arg
from .arithmetic import add
from .products import matmul
from .shape import reshape, transpose
from .spatial import pad as _pad_op
from .views import narrow
from .xp import TS

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
    """Kernel, stride, padding (and input size) of one conv/pool call.

    ``e`` is extra padding on the bottom/right only: a ``ceil_mode`` pool's last
    window may hang over the padded input, so the input is padded further there.
    """

    __slots__ = ("k", "s", "p", "hw", "count_include_pad", "d", "divisor", "e")

    def __init__(self, k, s, p, hw=None, count_include_pad=True, d=(1, 1), e=(0, 0)):
        self.k, self.s, self.p, self.hw = k, s, p, hw
        self.count_include_pad = count_include_pad
        self.d, self.e = d, e
        self.divisor = None  # avg_pool2d's divisor_override

    def like(self, hw=None) -> _Geom:
        """The same kernel, stride, padding and dilation with input size ``hw``."""
        return _Geom(self.k, self.s, self.p, hw, self.count_include_pad, self.d, self.e)

    def out_hw(self, h: int, w: int) -> tuple[int, int]:
        return (
            _out_len(h + self.e[0], self.k[0], self.s[0], self.p[0], self.d[0]),
            _out_len(w + self.e[1], self.k[1], self.s[1], self.p[1], self.d[1]),
        )

    def padded(self, x: np.ndarray, value=0.0) -> np.ndarray:
        """``x`` (N, C, H, W) padded by ``p`` on each side and ``e`` more at the end."""
        (ph, pw), (eh, ew) = self.p, self.e
        if ph == pw == eh == ew == 0:
            return x
        widths = ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew))
        return np.pad(x, widths, constant_values=value)

    def padded_hw(self) -> tuple[int, int]:
        h, w = self.hw
        return h + 2 * self.p[0] + self.e[0], w + 2 * self.p[1] + self.e[1]

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


def _crop(x: np.ndarray, p, hw) -> np.ndarray:
    """The (H, W) = ``hw`` input region of a padded ``x`` (padding ``p`` before it)."""
    ph, pw = p
    if x.shape[2:] == tuple(hw):
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
    xp_ = g.padded(x)
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
    out = np.zeros((n, c) + g.like((h, w)).padded_hw(), dtype=cols.dtype)
    for k, (si, sj) in g.offsets(oh, ow):
        out[:, :, si, sj] += cols6[:, :, k // kw, k % kw]
    return np.ascontiguousarray(_crop(out, g.p, (h, w)))


class UnfoldBackward(Node):
    name = "unfold"
    saves = (0,)

    @staticmethod
    def forward(x, g):
        return _unfold_np(x, g)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        fg = geom.like(tuple(xs[0].shape[2:]))
        if xp is not TS:
            return (_fold_np(g, fg),)
        return (apply1(FoldBackward, g, fg),)


class FoldBackward(Node):
    name = "fold"
    saves = (0,)

    @staticmethod
    def forward(cols, g):
        return _fold_np(cols, g)

    def vjp(self, g, xs, out, xp):
        geom = self.attrs
        if xp is not TS:
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
def unfold(
    input: Tensor, kernel_size: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> Tensor:
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
def fold(
    input: Tensor, output_size: IntOrTuple, kernel_size: IntOrTuple, dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0, stride: IntOrTuple = 1,
) -> Tensor:
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
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
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
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
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


def _transpose_args(x, w, stride, padding, output_padding, groups, dilation, op):
    """conv_transpose2d's checked ``(groups, stride, padding, dilation, output_padding)``."""
    cin, _, kh, kw = w.shape
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
    return groups, s, p, d, opad


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
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
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
    groups, s, p, d, opad = _transpose_args(
        x, w, stride, padding, output_padding, groups, dilation, op
    )
    cin, coutg, kh, kw = w.shape
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
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
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
]
