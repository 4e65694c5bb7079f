"""Devices: autodiff computes with NumPy, so every tensor lives on the CPU.

``device``, ``Tensor.to("cpu")``, ``.cpu()`` and ``autodiff.cuda.is_available()``
exist so that PyTorch code with ``.to(device)`` runs unchanged; asking for any
other device raises a clear error.
"""

from __future__ import annotations

import types

from ._typing import DeviceLike, DTypeLike


class device:  # noqa: N801 - PyTorch's name
    """A device spec; only ``"cpu"`` (or ``"cpu:0"``) exists here.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.device("cpu")
    device(type='cpu')
    >>> autodiff.ones(2).device == autodiff.device("cpu")
    True
    """

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        spec = str(type)
        kind, _, idx = spec.partition(":")
        if kind != "cpu" or (idx not in ("", "0")) or index not in (None, 0):
            raise RuntimeError(
                f"autodiff runs on the CPU only (NumPy): device {spec!r} is not available; "
                "use 'cpu' (or drop the .to(device) call)"
            )
        self.type = "cpu"
        self.index = None

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other) -> bool:
        return isinstance(other, device) or other == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


CPU = device("cpu")


def is_device_spec(obj: object) -> bool:
    """True for a device object or a string naming a device (``"cpu"``, ``"cuda:0"``).

    Only tells whether ``obj`` names a device (``t.to("cuda")`` then raises a
    clear error), not whether autodiff can use it.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.device import is_device_spec
    >>> is_device_spec("cuda:0"), is_device_spec(autodiff.device("cpu")), is_device_spec(3)
    (True, True, False)
    """
    if isinstance(obj, device):
        return True
    if isinstance(obj, str):
        return obj.partition(":")[0] in ("cpu", "cuda", "mps", "xpu", "meta")
    return False


def to_args(
    args: tuple, dtype: DTypeLike = None, device_spec: DeviceLike = None
) -> tuple[DTypeLike, DeviceLike]:
    """Split ``to(...)``'s positional arguments into ``(dtype, device)``, PyTorch's
    forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``; a given device is
    validated (only the CPU exists).

    Examples
    --------
    >>> import numpy as np
    >>> to_args(("cpu", np.float64))
    (<class 'numpy.float64'>, 'cpu')
    """
    for a in args:
        if is_device_spec(a):
            device_spec = a
        else:
            dtype = a
    if device_spec is not None:
        device(device_spec)
    return dtype, device_spec


def _is_available() -> bool:
    """CUDA is never available here (NumPy on the CPU).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cuda.is_available()
    False
    """
    return False


def _no_op(*args, **kwargs) -> None:
    """Does nothing: there is no CUDA device (``autodiff.cuda.manual_seed_all(0)``,
    ``synchronize()``, ``empty_cache()`` run unchanged).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cuda.manual_seed_all(1337)
    """
    return None


cuda = types.SimpleNamespace(
    is_available=_is_available,
    device_count=lambda: 0,
    manual_seed=_no_op,
    manual_seed_all=_no_op,
    synchronize=_no_op,
    empty_cache=_no_op,
    is_bf16_supported=lambda: False,
)
