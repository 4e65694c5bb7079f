"""Sampling with PyTorch's semantics (issue 17): multinomial, randperm.
"""

from __future__ import annotations

import numpy as np

from .. import factories
from .._typing import DeviceLike, DTypeLike, GeneratorLike, TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from ._helpers import _t


# ---------------------------------------------------------------- sampling
def _rng(generator):
    if generator is None:
        return factories.generator()
    if isinstance(generator, np.random.Generator):
        return generator
    for attr in ("numpy_generator", "_numpy", "_rng", "rng", "_gen"):
        g = getattr(generator, attr, None)
        if callable(g) and not isinstance(g, np.random.Generator):
            g = g()
        if isinstance(g, np.random.Generator):
            return g
    raise TypeError(
        f"generator must be an autodiff.Generator or a numpy.random.Generator, got "
        f"{type(generator).__name__}"
    )


@R.op(
    samples=lambda: [
        R.Sample((R.randn(5, low=0.1, high=1.0), 3)),
        R.Sample((R.randn(2, 4, low=0.1, high=1.0), 6, True)),
    ],
    method=True,
    differentiable=False,
    errors=lambda: [
        R.ErrorInput((R.tensor([1.0, 0.0, 1.0]), 4), error=RuntimeError, match="replacement"),
        R.ErrorInput((R.tensor([1.0, -1.0]), 1), error=RuntimeError, match="negative"),
        R.ErrorInput((R.tensor([0.0, 0.0]), 1), error=RuntimeError, match="sum"),
    ],
)
def multinomial(  # noqa: A002
    input: TensorLike, num_samples: int, replacement: bool = False, *,
    generator: GeneratorLike = None,
) -> Tensor:
    """Indices drawn from the categories weighted by ``input`` (1-d, or 2-d: one row
    per draw set); without ``replacement`` each category at most once.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 1.0, 0.0]).multinomial(2, replacement=True)
    Tensor([1, 1])
    """
    x = _t(input, "multinomial")
    if x.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: input must be 1-d or 2-d, got shape {x.shape}")
    if x.dtype.kind != "f":
        raise RuntimeError(f"multinomial: input must be floating point, got dtype {x.dtype}")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError(f"multinomial: num_samples must be positive, got {n}")
    p = x.data.reshape(-1, x.shape[-1]).astype(np.float64)
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("multinomial: probability tensor contains inf, nan or a negative value")
    sums = p.sum(-1)
    if (sums <= 0).any():
        raise RuntimeError("multinomial: invalid distribution (the sum of probabilities is <= 0)")
    if not replacement and n > p.shape[1]:
        raise RuntimeError(
            f"multinomial: cannot draw {n} samples without replacement from {p.shape[1]} "
            "categories; pass replacement=True or fewer samples"
        )
    rng = _rng(generator)
    out = np.empty((p.shape[0], n), np.int64)
    for r in range(p.shape[0]):
        if replacement:
            out[r] = rng.choice(p.shape[1], size=n, replace=True, p=p[r] / sums[r])
        else:
            # as PyTorch: the largest p / Exp(1) keys; zero-weight categories come
            # last, in random order, once the others are drawn
            with np.errstate(divide="ignore"):
                keys = np.where(p[r] > 0, p[r] / rng.exponential(size=p.shape[1]), 0.0)
            keys = np.where(p[r] > 0, keys, -rng.random(p.shape[1]))
            out[r] = np.argsort(-keys, kind="stable")[:n]
    return _make(out.reshape(x.shape[:-1] + (n,)), None)


@R.op(
    samples=lambda: [R.Sample((5,))],
    differentiable=False,
    errors=lambda: [R.ErrorInput((-1,), error=RuntimeError, match="n must be")],
)
def randperm(
    n: int, *, generator: GeneratorLike = None, dtype: DTypeLike = None,
    device: DeviceLike = None, requires_grad: bool = False,
) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default).

    Examples
    --------
    >>> import autodiff
    >>> sorted(autodiff.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    if device not in (None, "cpu") and str(device) != "cpu":
        raise RuntimeError(f"randperm: only device 'cpu' is available, got {device!r}")
    n = int(n)
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    out = _rng(generator).permutation(n).astype(np.dtype(dtype) if dtype is not None else np.int64)
    t = _make(out, None)
    return t.requires_grad_() if requires_grad else t
