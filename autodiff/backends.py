"""``autodiff.backends``: stubs of ``torch.backends`` that say "CPU only".

``backends.mps.is_available()`` and ``backends.cuda.is_built()`` are False; the
cuDNN and TF32 flags can be set (PyTorch code sets them) and change nothing.

Examples
--------
>>> import autodiff
>>> autodiff.backends.mps.is_available()
False
>>> autodiff.backends.cudnn.benchmark = True
>>> autodiff.backends.cuda.matmul.allow_tf32 = True
"""

from __future__ import annotations

import types
import warnings
from typing import Any


def _false(*args, **kwargs) -> bool:
    """False: autodiff runs on the CPU only."""
    return False


mps = types.SimpleNamespace(is_available=_false, is_built=_false)
cudnn = types.SimpleNamespace(
    is_available=_false, enabled=False, benchmark=False, deterministic=False, allow_tf32=False
)
cuda = types.SimpleNamespace(
    is_built=_false,
    matmul=types.SimpleNamespace(
        allow_tf32=False, allow_fp16_reduced_precision_reduction=False
    ),
)
mkldnn = types.SimpleNamespace(is_available=_false)
openmp = types.SimpleNamespace(is_available=_false)


_MATMUL_PRECISION = ["highest"]


def set_float32_matmul_precision(precision: str) -> None:
    """Accept PyTorch's float32 matmul precision setting (``"highest"``, ``"high"``,
    ``"medium"``); NumPy's matmul is always full float32 precision here.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.set_float32_matmul_precision("high")
    >>> autodiff.get_float32_matmul_precision()
    'high'
    >>> autodiff.set_float32_matmul_precision("highest")
    """
    if precision not in ("highest", "high", "medium"):  # (PyTorch warns, and ignores it)
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "setFloat32MatmulPrecision call has no effect.",
            stacklevel=2,
        )
        return
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision() -> str:
    """The setting :func:`set_float32_matmul_precision` last made (``"highest"`` at first).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.get_float32_matmul_precision()
    'highest'
    """
    return _MATMUL_PRECISION[0]


def compile(model: Any = None, **kwargs: Any) -> Any:  # noqa: A001 - PyTorch's name
    """``torch.compile``, accepted: returns ``model`` (a Module or a function) as it is,
    since autodiff has no compiler; used as ``@compile`` or ``@compile(...)`` too.

    Examples
    --------
    >>> import autodiff
    >>> lin = autodiff.nn.Linear(2, 2)
    >>> autodiff.compile(lin) is lin
    True
    >>> @autodiff.compile(mode="max-autotune")
    ... def f(x):
    ...     return x * 2
    >>> f(autodiff.ones(1))
    Tensor([2.])
    """
    if model is None:
        return lambda m: m
    return model


__all__ = ["compile", "cuda", "cudnn", "get_float32_matmul_precision", "mkldnn", "mps", "openmp",
           "set_float32_matmul_precision"]
