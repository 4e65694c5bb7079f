"""3-d convolution and pooling over (N, C, D, H, W) volumes, as PyTorch's:
``F.conv3d``, ``F.max_pool3d``, ``F.avg_pool3d`` and ``nn.Conv3d``, ``nn.MaxPool3d``,
``nn.AvgPool3d``. Loaded on first use.

Each output takes its window's values from kD * kH * kW strided slices of the padded
input (one slice a kernel tap); the convolution stacks them as columns and makes
one matrix product, as ``conv2d``'s unfold does, and the pools take their max or
mean. Built of the declared ops, so the gradients (and second order) follow.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> F.conv3d(autodiff.ones(1, 2, 4, 4, 4), autodiff.ones(3, 2, 3, 3, 3)).shape
(1, 3, 2, 2, 2)
"""

from __future__ import annotations

import itertools
import math

import numpy as np

import autodiff as ad

from .._typing import IntOrTuple
from ..tensor import Tensor
from . import functional as F
from .conv import Conv2d, _ntuple
from .module import Module
from .pooling import AvgPool2d, MaxPool2d


def _triple(v, what: str, opname: str, low: int) -> tuple[int, int, int]:
    t = _ntuple(v, 3, f"{opname}: {what}")
    if min(t) < low:
        raise ValueError(f"{opname}: {what} must be >= {low}, got {t}")
    return t


def _volume(input, opname: str) -> tuple[Tensor, bool]:
    """The input as (N, C, D, H, W), and whether it came unbatched (C, D, H, W)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{opname}: argument 'input' must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (4, 5):
        raise ValueError(
            f"{opname}: expected a 5-d input (N, C, D, H, W) or 4-d unbatched (C, D, H, W), got "
            f"shape {input.shape}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _taps(x, kernel, stride, dilation, out) -> list:
    """One strided slice of ``x`` (padded already; a Tensor, or an ndarray mask) a kernel
    tap, each (N, C, *out), in the kernel's (d, h, w) order: what each output position
    sees through that tap."""
    taps = []
    for offsets in itertools.product(*(range(k) for k in kernel)):
        index = tuple(
            slice(o * d, o * d + (n - 1) * s + 1, s)
            for o, d, n, s in zip(offsets, dilation, out, stride)
        )
        taps.append(x[(slice(None), slice(None)) + index])
    return taps


def _out_sizes(sizes, kernel, stride, padding, dilation, ceil_mode: bool, opname: str) -> tuple:
    out = []
    for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:  # (the last window must start inside)
            o -= 1
        if o < 1:  # (ceil_mode keeps a window that starts inside, however small the input)
            raise ValueError(
                f"{opname}: the input's spatial size {tuple(sizes)} with padding "
                f"{tuple(padding)} is too small for the kernel {tuple(kernel)} (dilation "
                f"{tuple(dilation)})"
            )
        out.append(o)
    return tuple(out)


def _pad(x: Tensor, before, after, value: float) -> Tensor:
    if not any(before) and not any(after):
        return x
    amounts = []
    for b, a in zip(reversed(before), reversed(after)):  # (F.pad: the last dimension first)
        amounts += [b, a]
    return F.pad(x, tuple(amounts), value=value)


def conv3d(
    input: Tensor,  # noqa: A002 - PyTorch's name
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    """3-d convolution (cross-correlation) of NCDHW ``input`` with OIDHW ``weight``.

    ``padding`` may be "valid" or "same" (stride 1; any odd extra after, as PyTorch);
    ``groups`` splits the channels as in :func:`conv2d`.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.conv3d(autodiff.ones(2, 4, 5, 5, 5), autodiff.ones(6, 2, 3, 3, 3), groups=2,
    ...          padding="same").shape
    (2, 6, 5, 5, 5)
    """
    x, single = _volume(input, "conv3d")
    if not isinstance(weight, Tensor) or weight.ndim != 5:
        raise ValueError(
            "conv3d: weight must be a Tensor of shape (C_out, C_in / groups, kD, kH, kW), got "
            + (f"shape {weight.shape}" if isinstance(weight, Tensor) else type(weight).__name__)
        )
    cout, cin = weight.shape[:2]
    kernel = tuple(weight.shape[2:])
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv3d: groups must be a positive integer, got {groups!r}")
    if cout % groups or x.shape[1] != cin * groups:
        raise ValueError(
            f"conv3d: weight {weight.shape} with groups={groups} expects input with "
            f"{cin * groups} channels and C_out divisible by groups, got input of shape {x.shape}"
        )
    s = _triple(stride, "stride", "conv3d", 1)
    d = _triple(dilation, "dilation", "conv3d", 1)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv3d: padding must be 'same', 'valid' or ints, got {padding!r}")
        if padding == "same" and s != (1, 1, 1):
            raise ValueError("conv3d: padding='same' is not supported for strided convolutions")
        total = [di * (k - 1) if padding == "same" else 0 for di, k in zip(d, kernel)]
        before, after = [t // 2 for t in total], [t - t // 2 for t in total]
    else:
        before = after = list(_triple(padding, "padding", "conv3d", 0))
    sizes = tuple(n + b + a for n, b, a in zip(x.shape[2:], before, after))
    out = _out_sizes(sizes, kernel, s, (0, 0, 0), d, False, "conv3d")
    taps = _taps(_pad(x, before, after, 0.0), kernel, s, d, out)
    n, length, taps_n = x.shape[0], math.prod(out), len(taps)
    cols = ad.stack(taps, dim=2).reshape(n, groups, cin * taps_n, length)
    w = weight.reshape(groups, cout // groups, cin * taps_n)
    result = ad.matmul(w, cols).reshape((n, cout) + out)  # (N, G, C_out/G, L) -> NCDHW
    if bias is not None:
        if not isinstance(bias, Tensor) or bias.shape != (cout,):
            raise ValueError(f"conv3d: bias must be a Tensor of shape ({cout},)")
        result = result + bias.reshape(1, cout, 1, 1, 1)
    return result.squeeze(0) if single else result


def _pool_args(kernel_size, stride, padding, dilation, opname: str) -> tuple:
    k = _triple(kernel_size, "kernel_size", opname, 1)
    s = k if stride is None else _triple(stride, "stride", opname, 1)
    p = _triple(padding, "padding", opname, 0)
    d = _triple(dilation, "dilation", opname, 1)
    if any(pi * 2 > ki for pi, ki in zip(p, k)):
        raise ValueError(f"{opname}: padding should be at most half of the kernel size, got "
                         f"padding {p} and kernel_size {k}")
    return k, s, p, d


def _right_extra(sizes, kernel, stride, padding, dilation, out) -> list[int]:
    """Padding past the right edge that ceil_mode's last windows reach into."""
    return [max(0, (o - 1) * s + dl * (k - 1) + 1 - (n + 2 * p))
            for n, k, s, p, dl, o in zip(sizes, kernel, stride, padding, dilation, out)]


def max_pool3d(
    input: Tensor,  # noqa: A002 - PyTorch's name
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over 3-d sliding windows (stride defaults to kernel_size; padding counts as
    -inf, at most half the kernel). A tie gives the gradient to the first maximum in
    (d, h, w) order, as PyTorch. ``return_indices`` also returns each maximum's flat
    ``(d * H + h) * W + w`` position in its input volume (int64).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> F.max_pool3d(x, 2, return_indices=True)
    (Tensor([[[[[7.]]]]]), Tensor([[[[[7]]]]]))
    """
    x, single = _volume(input, "max_pool3d")
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, "max_pool3d")
    sizes = x.shape[2:]
    out = _out_sizes(sizes, k, s, p, d, ceil_mode, "max_pool3d")
    extra = _right_extra(sizes, k, s, p, d, out)
    after = [pi + e for pi, e in zip(p, extra)]
    stacked = ad.stack(_taps(_pad(x, p, after, float("-inf")), k, s, d, out), dim=0)
    # which tap each output takes: the first largest among those on the input (never the
    # padding, also where the input is -inf there), NaN winning, as PyTorch
    inside = np.zeros(tuple(n + pi + a for n, pi, a in zip(sizes, p, after)), dtype=bool)
    inside[tuple(slice(pi, pi + n) for n, pi in zip(sizes, p))] = True
    on_input = np.stack(_taps(inside[None, None], k, s, d, out))
    v = stacked.data
    key = np.where(on_input, np.where(np.isnan(v), np.inf, v), -np.inf)
    best = key.max(axis=0, initial=-np.inf)
    which = np.argmax(on_input & (key == best), axis=0)  # (0 where a window has no input)
    values = ad.take_along_dim(stacked, ad.tensor(which[None]), dim=0)[0]
    values = values.squeeze(0) if single else values
    if not return_indices:
        return values
    taps = np.array(list(itertools.product(*(range(ki) for ki in k))))[which]
    grid = np.meshgrid(*(np.arange(o) for o in out), indexing="ij")
    # each axis: the output position's window start plus the tap's offset, in the input
    coords = [g * si - pi + taps[..., i] * di
              for i, (g, si, pi, di) in enumerate(zip(grid, s, p, d))]
    flat = (coords[0] * sizes[1] + coords[1]) * sizes[2] + coords[2]
    indices = ad.tensor(flat.astype(np.int64))
    return values, indices.squeeze(0) if single else indices


def avg_pool3d(
    input: Tensor,  # noqa: A002 - PyTorch's name
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over 3-d sliding windows. With ``count_include_pad`` (the default) padded
    zeros count in the divisor, never the part of a ceil_mode window past the padding;
    ``divisor_override`` replaces the divisor (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.avg_pool3d(autodiff.ones(1, 1, 2, 2, 2), 2, padding=1).shape
    (1, 1, 2, 2, 2)
    """
    x, single = _volume(input, "avg_pool3d")
    k, s, p, d = _pool_args(kernel_size, stride, padding, 1, "avg_pool3d")
    if divisor_override is not None and (isinstance(divisor_override, bool)
                                         or int(divisor_override) <= 0):
        raise ValueError(f"avg_pool3d: divisor_override must be a positive int, got "
                         f"{divisor_override!r}")
    sizes = x.shape[2:]
    out = _out_sizes(sizes, k, s, p, d, ceil_mode, "avg_pool3d")
    extra = _right_extra(sizes, k, s, p, d, out)
    after = [pi + e for pi, e in zip(p, extra)]
    total = ad.stack(_taps(_pad(x, p, after, 0.0), k, s, d, out), dim=0).sum(dim=0)
    if divisor_override is not None:
        divisor = np.array(float(divisor_override))
    else:  # what each window covers: the input (and its padding, with count_include_pad)
        inside = np.zeros(tuple(n + pi + a for n, pi, a in zip(sizes, p, after)))
        region = tuple(slice(0 if count_include_pad else pi, pi + n + (pi if count_include_pad
                                                                         else 0))
                       for n, pi in zip(sizes, p))
        inside[region] = 1.0
        divisor = np.sum(_taps(inside[None, None], k, s, d, out), axis=0)[0, 0]
    mean = total / ad.tensor(divisor.astype(x.dtype))
    return mean.squeeze(0) if single else mean


def _adaptive_cells(output_size, sizes, opname: str) -> list[list[tuple[int, int]]]:
    """Per axis, each output cell's [start, end) in the input: PyTorch's
    floor(i * n / o) to ceil((i + 1) * n / o)."""
    wanted = (tuple(output_size) if isinstance(output_size, (tuple, list))
              else (output_size,) * 3)
    if len(wanted) != 3:
        raise ValueError(f"{opname}: output_size must be an int or 3 values, got {output_size!r}")
    cells = []
    for n, o in zip(sizes, wanted):
        o = n if o is None else o
        if isinstance(o, bool) or not isinstance(o, (int, np.integer)) or o < 1:
            raise ValueError(f"{opname}: output_size must hold positive ints (or None), got "
                             f"{output_size!r}")
        cells.append([(i * n // o, -(-(i + 1) * n // o)) for i in range(int(o))])
    return cells


def _cell_views(x: Tensor, cells) -> list[Tensor]:
    """Each output cell's part of ``x`` (N, C, d, h, w), in (d, h, w) order."""
    return [x[:, :, d0:d1, h0:h1, w0:w1]
            for (d0, d1), (h0, h1), (w0, w1) in itertools.product(*cells)]


def adaptive_avg_pool3d(input: Tensor, output_size: object) -> Tensor:  # noqa: A002
    """Average pooling onto ``output_size`` (an int or three; None keeps a size): output
    cell i of an axis of n averages inputs floor(i * n / o) to ceil((i + 1) * n / o).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_avg_pool3d(autodiff.ones(2, 3, 4, 5, 6), (1, 2, None)).shape
    (2, 3, 1, 2, 6)
    """
    x, single = _volume(input, "adaptive_avg_pool3d")
    sizes = x.shape[2:]
    cells = _adaptive_cells(output_size, sizes, "adaptive_avg_pool3d")
    out = tuple(len(c) for c in cells)
    n, c = x.shape[:2]
    if all(size % o == 0 for size, o in zip(sizes, out)):  # (equal cells: one mean)
        split = (n, c) + tuple(v for o, size in zip(out, sizes) for v in (o, size // o))
        result = x.reshape(split).mean(dim=(3, 5, 7))
    else:
        means = [cell.mean(dim=(2, 3, 4)) for cell in _cell_views(x, cells)]
        result = ad.stack(means, dim=-1).reshape((n, c) + out)
    return result.squeeze(0) if single else result


def adaptive_max_pool3d(
    input: Tensor, output_size: object, return_indices: bool = False  # noqa: A002
) -> Tensor | tuple[Tensor, Tensor]:
    """Max pooling onto ``output_size``, cells as :func:`adaptive_avg_pool3d`; a tie
    gives the gradient to the first maximum. ``return_indices`` also returns each
    maximum's flat ``(d * H + h) * W + w`` position (int64), as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_max_pool3d(autodiff.arange(8.0).reshape(1, 1, 2, 2, 2), 1,
    ...                       return_indices=True)
    (Tensor([[[[[7.]]]]]), Tensor([[[[[7]]]]]))
    """
    x, single = _volume(input, "adaptive_max_pool3d")
    sizes = x.shape[2:]
    cells = _adaptive_cells(output_size, sizes, "adaptive_max_pool3d")
    out = tuple(len(c) for c in cells)
    n, c = x.shape[:2]
    picked = [cell.reshape(n, c, math.prod(cell.shape[2:])).max(dim=-1)
              for cell in _cell_views(x, cells)]
    values = ad.stack([p[0] for p in picked], dim=-1).reshape((n, c) + out)
    values = values.squeeze(0) if single else values
    if not return_indices:
        return values
    flat = []
    for (d0, d1), (h0, h1), (w0, w1) in itertools.product(*cells):
        local = picked[len(flat)][1].numpy()
        ld, lh, lw = np.unravel_index(local, (d1 - d0, h1 - h0, w1 - w0))
        flat.append(((d0 + ld) * sizes[1] + (h0 + lh)) * sizes[2] + (w0 + lw))
    indices = ad.tensor(np.stack(flat, axis=-1).reshape((n, c) + out).astype(np.int64))
    return values, indices.squeeze(0) if single else indices


class Conv3d(Conv2d):
    """3-d convolution over NCDHW input; weight (out_channels, in_channels/groups, kD, kH,
    kW). Conv2d's constructor, initialisation and repr with three of each size.

    Examples
    --------
    >>> import autodiff
    >>> conv = autodiff.nn.Conv3d(2, 4, 3, padding=1)
    >>> conv(autodiff.zeros(1, 2, 5, 6, 7)).shape
    (1, 4, 5, 6, 7)
    """

    _dims = 3

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        self._check_input(input)
        x, padding = self._padded(input)
        return conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class MaxPool3d(MaxPool2d):
    """Max over 3-d sliding windows, as ``F.max_pool3d`` (MaxPool2d's settings).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.MaxPool3d(2)(autodiff.zeros(1, 3, 4, 4, 4)).shape
    (1, 3, 2, 2, 2)
    """

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:  # noqa: A002
        return max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)  # fmt: skip


class AvgPool3d(AvgPool2d):
    """Mean over 3-d sliding windows, as ``F.avg_pool3d`` (AvgPool2d's settings).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AvgPool3d(2)(autodiff.ones(1, 1, 2, 2, 2)).flatten().tolist()
    [1.0]
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)  # fmt: skip


class AdaptiveAvgPool3d(Module):
    """Average pooling of (N, C, D, H, W) input onto a fixed ``output_size``, as
    ``F.adaptive_avg_pool3d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveAvgPool3d(1)(autodiff.ones(2, 3, 4, 4, 4)).shape
    (2, 3, 1, 1, 1)
    """

    def __init__(self, output_size: object) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return adaptive_avg_pool3d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool3d(AdaptiveAvgPool3d):
    """Max pooling onto a fixed ``output_size``, as ``F.adaptive_max_pool3d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveMaxPool3d((1, 2, 2))(autodiff.ones(1, 4, 4, 4)).shape
    (1, 1, 2, 2)
    """

    def __init__(self, output_size: object, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:  # noqa: A002
        return adaptive_max_pool3d(input, self.output_size, self.return_indices)
