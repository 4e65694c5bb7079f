"""nn.functional's further ops, also autodiff.X: pixel_shuffle/pixel_unshuffle, pdist,
prelu, hardshrink/softshrink/tanhshrink, threshold, adaptive_avg_pool1d, rms_norm,
dropout.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import autodiff as ad

from ..tensor import Tensor
from . import registry as R
from ._helpers import _UN, _s, _t


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(4, seed=1), 0.5, True)])
def dropout(input: Tensor, p: float = 0.5, train: bool = True) -> Tensor:  # noqa: A002
    """:func:`autodiff.nn.functional.dropout` (``torch.dropout``'s positional form).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.dropout(autodiff.ones(3), 0.5, False)
    Tensor([1., 1., 1.])
    """
    return ad.nn.functional.dropout(input, p, training=train)


R.REGISTRY["dropout"].samples = lambda: [_s(R.randn(2, 3), 0.5, False), _s(R.randn(4), 0.0)]


# ------------------------------------------------ nn.functional's further names
@R.op(
    samples=lambda: [_s(R.randn(1, 8, 2, 3), 2), _s(R.randn(2, 9, 2, 2, seed=1), 3)], method=False
)
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``: channels rearranged into space.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pixel_shuffle(autodiff.zeros(1, 4, 2, 3), 2).shape
    (1, 1, 4, 6)
    """
    x = _t(input, "pixel_shuffle")
    r = int(upscale_factor)
    if x.ndim < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{x.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    n = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = ad.permute(y, *range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


@R.op(samples=lambda: [_s(R.randn(1, 2, 4, 6), 2)])
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """The inverse of :func:`pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pixel_unshuffle(autodiff.zeros(1, 1, 4, 6), 2).shape
    (1, 4, 2, 3)
    """
    x = _t(input, "pixel_unshuffle")
    r = int(downscale_factor)
    if x.ndim < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input "
            f"with {x.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise RuntimeError(
            "pixel_unshuffle expects height and width to be divisible by downscale_factor, "
            f"but got height={h}, width={w}, downscale_factor={r}"
        )
    n = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = ad.permute(y, *range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


@R.op(samples=lambda: [_s(R.randn(4, 3)), _s(R.randn(5, 2, seed=1), 1.0)])
def pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm distances between each pair of rows of a 2-d ``input`` (the upper
    triangle, row by row).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pdist(autodiff.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    Tensor([5.    , 1.    , 4.2426])
    """
    x = _t(input, "pdist")
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = x.shape[0]
    i, j = np.triu_indices(n, 1)
    if i.size == 0:
        return ad.zeros(0, dtype=x.dtype)
    diff_ = ad.sub(x[Tensor(i)], x[Tensor(j)])
    if p == float("inf"):
        return ad.amax(ad.abs(diff_), -1)
    return ad.norm(diff_, p, dim=-1)


@R.op(
    samples=lambda: [
        _s(R.away_from_zero(2, 3, 4), R.randn(3, seed=1)),
        _s(R.away_from_zero(5), R.randn(1, seed=2)),
    ]
)
def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``max(0, x) + weight * min(0, x)``, ``weight`` per channel (dim 1) or one value.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.prelu(autodiff.tensor([-2.0, 3.0]), autodiff.tensor([0.25]))
    Tensor([-0.5,  3. ])
    """
    x, w = _t(input, "prelu"), _t(weight, "prelu", "weight")
    if w.ndim != 1 and w.data.size != 1:
        raise RuntimeError("prelu: weight must be a 1-d tensor (or one value)")
    if w.data.size > 1:
        if x.ndim < 2 or x.shape[1] != w.data.size:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {w.data.size} and channel size = {x.shape[1] if x.ndim > 1 else 1}."
            )
        w = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    elif x.ndim == 0:
        w = w.reshape(())
    return ad.where(Tensor(x.data > 0), x, ad.mul(w, x))


@R.op(
    samples=lambda: [
        _s(R.away_from_zero(3, 4, margin=0.7)),
        _s(R.away_from_zero(5, seed=1, margin=0.4), 0.2),
    ]
)
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hardshrink(autodiff.tensor([-1.0, 0.2, 0.7]))
    Tensor([-1. ,  0. ,  0.7])
    """
    x = _t(input, "hardshrink")
    keep = Tensor(np.abs(x.data) > lambd)
    return ad.where(keep, x, ad.zeros_like(x))


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4), 0.1, -2.0)])
def threshold(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``x`` where ``x > threshold``, else ``value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.threshold(autodiff.tensor([-1.0, 0.5, 2.0]), 1.0, 0.0)
    Tensor([0., 0., 2.])
    """
    x = _t(input, "threshold")
    return ad.where(Tensor(x.data > threshold), x, ad.full_like(x, value))


@R.op(samples=lambda: [_s(R.randn(2, 3, 7), 3), _s(R.randn(1, 2, 5, seed=1), 5)])
def adaptive_avg_pool1d(input: Tensor, output_size: int) -> Tensor:  # noqa: A002
    """Average over ``output_size`` adaptive windows of the last dimension of an
    ``(N, C, L)`` or ``(C, L)`` input.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.adaptive_avg_pool1d(autodiff.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 2)
    Tensor([[[1.5, 3.5]]])
    """
    x = _t(input, "adaptive_avg_pool1d")
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(x.shape)}"
        )
    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    return ad.nn.functional.adaptive_avg_pool2d(x.unsqueeze(-2), (1, int(size))).squeeze(-2)


@R.op(
    samples=lambda: [_s(R.away_from_zero(3, 4, margin=0.7)), _s(R.away_from_zero(5, seed=1), 0.1)]
)
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.softshrink(autodiff.tensor([-1.0, 0.2, 0.7]))
    Tensor([-0.5,  0. ,  0.2])
    """
    x = _t(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    shrunk = ad.sub(x, ad.mul(ad.sign(x), lambd))
    return ad.where(Tensor(np.abs(x.data) > lambd), shrunk, ad.zeros_like(x))


@R.op(samples=_UN)
def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.tanhshrink(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    x = _t(input, "tanhshrink")
    return ad.sub(x, ad.tanh(x))


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3, 4), (4,), R.randn(4, seed=1)),
        _s(R.randn(2, 3, 4, seed=2), (3, 4), None, 1e-5),
    ]
)
def rms_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,  # noqa: A002
    eps: float | None = None,
) -> Tensor:
    """``x / sqrt(mean(x^2) + eps)`` over the last ``len(normalized_shape)`` dimensions,
    times ``weight`` (``eps`` defaults to the dtype's machine epsilon, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.rms_norm(autodiff.tensor([[3.0, 4.0]]), (2,), eps=0.0)
    Tensor([[0.8485, 1.1314]])
    """
    x = _t(input, "rms_norm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(x.shape[x.ndim - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size{list(x.shape)}"
        )
    e = float(np.finfo(x.data.dtype).eps) if eps is None else float(eps)
    dims = tuple(range(x.ndim - k, x.ndim))
    out = ad.mul(x, ad.rsqrt(ad.add(ad.mean(ad.mul(x, x), dims, True), e)))
    return out if weight is None else ad.mul(out, weight)
