"""In-place ``p -= alpha * g`` without a full-size temporary: the update of
``optim.SGD`` and of ``Tensor.sub_``/``add_`` with ``alpha=`` under no_grad (both
use it, so it sits below ``ops`` and ``optim``)."""

from __future__ import annotations

import threading

import numpy as np

from . import _storage

# parameters at least this big are updated through a scratch buffer (below it the
# temporary ``alpha * other`` is a small heap block anyway)
BLOCK_BYTES = 120 * 1024
# the scratch buffer grows to the largest update seen, up to this size; bigger
# arrays go through it a block at a time
_SCRATCH_CAP = 4 * 1024 * 1024
_scratch = threading.local()


def _scratch_for(data: np.ndarray) -> np.ndarray:
    """This thread's reusable scratch memory shaped and typed as ``data`` (at most the
    cap: then flat, one block of it).

    The buffer starts on a 64-byte boundary (a cache line: an unaligned one costs
    ~10% in the update's two ufunc loops); shaped views are cached per shape and dtype.
    """
    views = getattr(_scratch, "views", None)
    key = (data.shape, data.dtype)
    if views is not None:
        view = views.get(key)
        if view is not None:
            return view
    nbytes = min(data.nbytes, _SCRATCH_CAP)
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.nbytes < nbytes:
        buf = _scratch.buf = _storage.aligned_bytes(nbytes)
        views = _scratch.views = {}  # (views of the old buffer would keep it alive)
    itemsize = data.dtype.itemsize
    flat = buf[: nbytes - nbytes % itemsize].view(data.dtype)
    view = flat.reshape(data.shape) if data.nbytes <= _SCRATCH_CAP else flat
    if len(views) > 64:  # (parameter shapes are few; bound it anyway)
        views.clear()
    views[key] = view
    return view


def scaled_inplace(ufunc: np.ufunc, data: np.ndarray, other: np.ndarray, alpha: float) -> bool:
    """``ufunc(data, alpha * other, out=data)`` through a reused scratch buffer, as a
    fused loop would; False (nothing done) unless both are big float arrays of one
    shape and dtype and ``alpha`` is a Python number.

    An optimizer step's ``p -= lr * g`` makes a full-size temporary, which for a
    big parameter can be fresh memory that page-faults in on every step (~150 us
    per step in ``mlp_step`` when glibc maps it); the scratch buffer is allocated
    once per thread (at most 4 MiB; bigger C-contiguous arrays go through it a
    block at a time). A Python ``alpha`` keeps the array's dtype, so the rounding
    is that of ``p - lr * g``.

    Examples
    --------
    >>> import numpy as np
    >>> p, g = np.ones(100_000), np.full(100_000, 2.0)
    >>> scaled_inplace(np.subtract, p, g, 0.25), p[:2]
    (True, array([0.5, 0.5]))
    """
    if not (
        type(data) is np.ndarray
        and type(other) is np.ndarray
        and type(alpha) in (int, float)
        and data.nbytes > BLOCK_BYTES
        and other.shape == data.shape
        and other.dtype == data.dtype
        and data.dtype.kind == "f"
        and data.flags.writeable
    ):
        return False
    if data.nbytes <= _SCRATCH_CAP:
        # one block: alpha * other is complete in the scratch before data changes,
        # so operands that overlap are fine
        scratch = _scratch_for(data)
        np.multiply(other, alpha, out=scratch)
        ufunc(data, scratch, out=data)
        return True
    if not (data.flags.c_contiguous and other.flags.c_contiguous):
        return False
    if other is not data and np.may_share_memory(data, other):
        return False  # a later block would read values an earlier one overwrote
    flat, oflat = data.reshape(-1), other.reshape(-1)
    scratch = _scratch_for(data)
    n, step = flat.size, scratch.size
    for start in range(0, n, step):
        stop = min(start + step, n)
        s = scratch[: stop - start]
        np.multiply(oflat[start:stop], alpha, out=s)
        ufunc(flat[start:stop], s, out=flat[start:stop])
    return True
