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

__all__ = ["cuda", "cudnn", "mkldnn", "mps", "openmp"]
