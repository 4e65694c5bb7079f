"""Helpers shared by the modules of PyTorch's further names (pointwise, statistics,
rearrange, ...): argument coercion (``_t``) and sample builders (``_s``, ``_UN``, ...).
"""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from ..tensor import Tensor
from . import registry as R
from ._base import tensor_arg as _t  # noqa: F401 - the families' Tensor-argument check


def _floatish(x: Tensor) -> Tensor:
    return x if x.data.dtype.kind == "f" else x.to(_dtypes.default_float())


def _s(*args: Any, **kwargs: Any) -> R.Sample:
    return R.Sample(args, kwargs)


def _first(fn):
    return lambda *a, **k: fn(*a, **k)[0]


_UN = lambda: [_s(R.randn(3, 4)), _s(R.randn(5, seed=1))]  # noqa: E731
_BIN = lambda: [_s(R.randn(3, 4), R.randn(3, 4, seed=1)), _s(R.randn(2, 3), R.randn(3, seed=2))]  # noqa: E731
_OPEN01 = lambda: [_s(R.randn(3, 4, low=0.05, high=0.95))]  # noqa: E731
