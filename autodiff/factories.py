"""Tensor factories and the global random generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtypes, _storage
from ._typing import DeviceLike, DTypeLike, GeneratorLike, Size
from .device import device
from .random import resolve
from .tensor import Tensor, _make, _to_array

_rng = [np.random.default_rng()]
_seed = [int(np.random.SeedSequence().entropy % (2**63))]


def manual_seed(seed: int) -> None:
    """Seed the generator behind rand, randn, randint, init and dropout.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.manual_seed(0); a = autodiff.rand(2)
    >>> autodiff.manual_seed(0); bool((a == autodiff.rand(2)).all())
    True
    """
    _rng[0] = np.random.default_rng(seed)
    _seed[0] = int(seed)


def generator() -> np.random.Generator:
    """The global ``numpy.random.Generator`` (reseeded by ``manual_seed``).

    Factories draw from it unless given ``generator=``; ``manual_seed`` replaces
    it, so fetch it again after reseeding rather than keeping it.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.factories import generator
    >>> autodiff.manual_seed(0)
    >>> a = generator().random()
    >>> autodiff.manual_seed(0)
    >>> generator().random() == a
    True
    """
    return _rng[0]


def _check_device(spec) -> None:
    """Accept ``device=None``, ``"cpu"`` or ``autodiff.device("cpu")``; else a clear error."""
    if spec is not None:
        device(spec)


def _gen(generator) -> np.random.Generator:
    return _rng[0] if generator is None else resolve(generator)


def _sizes(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"sizes must be non-negative integers, got {tuple(size)}")
    return tuple(int(s) for s in size)


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    """A leaf holding ``arr`` itself (no copy)."""
    t = _make(arr, None)
    return t.requires_grad_() if requires_grad else t


def _float(dtype):
    return _dtypes.default_float() if dtype is None else np.dtype(dtype)


def tensor(
    data: Any, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Make a Tensor from data: always a new one, copying Tensor and NumPy data, as
    ``torch.tensor`` (``from_numpy`` shares an array's memory instead).

    Parameters
    ----------
    data : number, bool, nested lists or tuples of them, ndarray or Tensor
        The values. Nested sequences must be rectangular.
    dtype : dtype, optional
        By default as PyTorch infers it: Python floats give the default dtype
        (float32 unless ``set_default_dtype`` changed it), ints int64, bools bool;
        an ndarray or a Tensor keeps its own dtype.
    requires_grad : bool, default False
        Record operations on the result, so ``backward()`` fills its ``.grad``
        (only for floating dtypes).
    device : "cpu" or autodiff.device, optional
        Accepted for PyTorch's code; any device but the CPU raises.

    Returns
    -------
    Tensor
        A leaf tensor.

    Examples
    --------
    >>> import numpy as np
    >>> import autodiff
    >>> autodiff.tensor([[1, 2], [3, 4]]).dtype
    dtype('int64')
    >>> autodiff.tensor([0.5, 1.5], requires_grad=True)
    Tensor([0.5, 1.5], requires_grad=True)
    >>> autodiff.tensor(np.arange(3.0)).dtype  # an array keeps its dtype
    dtype('float64')
    """
    _check_device(device)
    if isinstance(data, Tensor):
        data = data.data.copy()
    elif isinstance(data, (complex, np.complexfloating)) or (
        dtype is not None and np.dtype(dtype).kind == "c"
    ):
        raise TypeError(
            f"autodiff has no complex tensors: got {data!r}"
            + ("" if dtype is None else f" for dtype {np.dtype(dtype)}")
        )
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array: np.ndarray, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A Tensor sharing ``array``'s memory and dtype (a copy if ``dtype`` differs).

    Examples
    --------
    >>> import autodiff, numpy as np
    >>> autodiff.from_numpy(np.arange(3)).dtype
    dtype('int64')
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy needs a numpy.ndarray, got {type(array).__name__}")
    if array.dtype.kind == "c":
        raise TypeError(f"from_numpy: autodiff has no complex tensors, got dtype {array.dtype}")
    if dtype is not None and np.dtype(dtype) != array.dtype:
        array = array.astype(dtype)
    return _finish(array, requires_grad)  # sharing, requires_grad or not


def zeros(
    *size: Size, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Tensor of zeros.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).shape
    (2, 3)
    """
    _check_device(device)
    return _finish(_storage.zeros(_sizes(size), _float(dtype)), requires_grad)


def ones(
    *size: Size, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Tensor of ones.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2)
    Tensor([1., 1.])
    """
    _check_device(device)
    return _finish(_storage.full(_sizes(size), 1, _float(dtype)), requires_grad)


def full(
    size: Size,
    fill_value: float | bool,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Tensor filled with ``fill_value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.full((2,), 7.0)
    Tensor([7., 7.])
    """
    _check_device(device)
    size = (size,) if isinstance(size, int) else tuple(size)
    if dtype is None:
        dtype = _to_array(fill_value).dtype
    return _finish(_storage.full(_sizes(size), fill_value, np.dtype(dtype)), requires_grad)


def empty(
    *size: Size, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Uninitialised tensor (zeros here, for reproducibility).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty(3).shape
    (3,)
    """
    _check_device(device)
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; ints give int64.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(3)
    Tensor([0, 1, 2])
    """
    _check_device(device)
    if end is None:
        start, end = 0, start
    if step == 0 or (end - start) * step < 0:
        raise ValueError(
            f"arange: step {step} cannot go from {start} to {end}; use a step of the sign "
            "of end - start (as PyTorch, not an empty tensor)"
        )
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if is_int else _dtypes.default_float()
    return _finish(np.arange(start, end, step, dtype=np.dtype(dtype)), requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linspace(0, 1, 3)
    Tensor([0. , 0.5, 1. ])
    """
    _check_device(device)
    dtype = _float(dtype)
    if dtype.kind in "iu" and steps >= 1:
        # as PyTorch: the bounds truncated to integers, a float64 step, the second half
        # counted back from ``end``, and each value truncated toward zero (not floored)
        lo, hi = float(int(start)), float(int(end))
        step = (hi - lo) / (steps - 1) if steps > 1 else 0.0
        k = np.arange(steps, dtype=np.float64)
        vals = np.where(k < max(steps // 2, 1), lo + step * k, hi - step * (steps - 1 - k))
        return _finish(np.trunc(vals).astype(dtype), requires_grad)
    return _finish(np.linspace(start, end, steps, dtype=dtype), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Identity matrix.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.eye(2)
    Tensor([[1., 0.],
            [0., 1.]])
    """
    _check_device(device)
    return _finish(np.eye(n, m, dtype=_float(dtype)), requires_grad)


def rand(
    *size: Size,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Uniform samples in [0, 1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rand(2, 2).shape
    (2, 2)
    """
    _check_device(device)
    dt = _float(dtype)
    return _finish(_storage.copy(_gen(generator).random(_sizes(size)), dt), requires_grad)


def randn(
    *size: Size,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Standard normal samples.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.randn(3).dtype
    dtype('float32')
    """
    _check_device(device)
    dt = _float(dtype)
    return _finish(_storage.copy(_gen(generator).standard_normal(_sizes(size)), dt), requires_grad)


def randint(
    low: int,
    high: int | None = None,
    size: Size = (),
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Random integers in [low, high).

    Examples
    --------
    >>> import autodiff
    >>> int(autodiff.randint(0, 3, (5,)).max()) < 3
    True
    """
    _check_device(device)
    if high is None:
        low, high = 0, low
    elif isinstance(high, (tuple, list)):  # PyTorch's randint(high, size) form
        low, high, size = 0, low, high
    size = (size,) if isinstance(size, int) else tuple(size)
    dt = np.int64 if dtype is None else np.dtype(dtype)
    return _finish(_gen(generator).integers(low, high, size=size).astype(dt), requires_grad)


def zeros_like(
    input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Zeros with ``input``'s shape and dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros_like(autodiff.ones(2))
    Tensor([0., 0.])
    """
    _check_device(device)
    arr = np.asarray(input)
    return _finish(_storage.zeros(arr.shape, dtype or arr.dtype), requires_grad)


def ones_like(
    input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Ones with ``input``'s shape and dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones_like(autodiff.zeros(2))
    Tensor([1., 1.])
    """
    _check_device(device)
    arr = np.asarray(input)
    return _finish(_storage.full(arr.shape, 1, dtype or arr.dtype), requires_grad)


def full_like(
    input: Tensor,
    fill_value: float | bool,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """``fill_value`` with ``input``'s shape and dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.full_like(autodiff.zeros(2), 3.0)
    Tensor([3., 3.])
    """
    _check_device(device)
    arr = np.asarray(input)
    return _finish(_storage.full(arr.shape, fill_value, dtype or arr.dtype), requires_grad)


def randn_like(
    input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Standard normal samples with ``input``'s shape and dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.randn_like(autodiff.zeros(2, 2)).shape
    (2, 2)
    """
    _check_device(device)
    arr = np.asarray(input)
    dt = np.dtype(dtype or arr.dtype)
    if dt.kind != "f":
        raise TypeError(
            f"randn_like: random floats cannot have dtype {dt}; pass dtype=autodiff.float32 "
            "(or another float dtype)"
        )
    return _finish(_storage.copy(_rng[0].standard_normal(arr.shape), dt), requires_grad)


def rand_like(
    input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """Uniform [0, 1) samples with ``input``'s shape and dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rand_like(autodiff.zeros(2)).shape
    (2,)
    """
    _check_device(device)
    arr = np.asarray(input)
    dt = np.dtype(dtype or arr.dtype)
    if dt.kind != "f":
        raise TypeError(
            f"rand_like: random floats cannot have dtype {dt}; pass dtype=autodiff.float32 "
            "(or another float dtype)"
        )
    return _finish(_storage.copy(_rng[0].random(arr.shape), dt), requires_grad)


def empty_like(
    input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None
) -> Tensor:
    """A tensor of ``input``'s shape and dtype (zero-filled here: its values are unspecified
    in PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty_like(autodiff.ones(2, 3)).shape
    (2, 3)
    """
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad, device=device)


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Random integers in ``[low, high)`` with ``input``'s shape (and dtype, by default);
    ``randint_like(t, high)`` draws from ``[0, high)``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.randint_like(autodiff.zeros(5), 3)
    >>> bool(((x >= 0) & (x < 3)).all()), x.dtype
    (True, dtype('float32'))
    """
    _check_device(device)
    if high is None:
        low, high = 0, low
    arr = np.asarray(input)
    dt = np.dtype(dtype or arr.dtype)
    return _finish(_rng[0].integers(low, high, size=arr.shape).astype(dt), requires_grad)


def as_tensor(data: object, dtype: DTypeLike = None, device: DeviceLike = None) -> Tensor:
    """``data`` as a Tensor: a Tensor of that dtype is returned as it is, a NumPy array
    is shared when no conversion is needed, anything else is copied.

    Examples
    --------
    >>> import numpy as np, autodiff
    >>> a = np.zeros(2)
    >>> t = autodiff.as_tensor(a)
    >>> a[0] = 5.0
    >>> t
    Tensor([5., 0.], dtype=float64)
    """
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    *,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logspace(0, 2, 3)
    Tensor([  1.,  10., 100.])
    """
    _check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _float(dtype)
    out = np.power(float(base), np.linspace(start, end, steps, dtype=np.float64))
    return _finish(out.astype(dt), requires_grad)


def seed() -> int:
    """Seed the global generator from fresh entropy; return that seed.

    Examples
    --------
    >>> import autodiff
    >>> s = autodiff.seed()
    >>> autodiff.initial_seed() == s
    True
    """
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def initial_seed() -> int:
    """The seed the global generator was last seeded with.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.manual_seed(42)
    >>> autodiff.initial_seed()
    42
    """
    return _seed[0]


def bernoulli(
    input: Tensor, p: float | None = None, *, generator: GeneratorLike = None
) -> Tensor:
    """0/1 samples: 1 with probability ``input`` (elementwise), or ``p`` if given; in
    ``input``'s dtype (its gradient is zero, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bernoulli(autodiff.tensor([0.0, 1.0]))
    Tensor([0., 1.])
    """
    probs = np.asarray(input.data if isinstance(input, Tensor) else input)
    if probs.dtype.kind != "f":
        raise NotImplementedError(
            f"\"bernoulli_tensor_cpu_self_\" not implemented for dtype {probs.dtype}; "
            "bernoulli needs a floating-point tensor"
        )
    pr = probs if p is None else np.full(probs.shape, float(p))
    if ((pr < 0) | (pr > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draw = _make((_gen(generator).random(probs.shape) < pr).astype(probs.dtype), None)
    if isinstance(input, Tensor) and input.requires_grad and p is None:
        return draw + input * 0.0  # in the graph with a zero gradient, as PyTorch's
    return draw


def normal(
    mean: Tensor | float = 0.0,
    std: Tensor | float = 1.0,
    size: Size | None = None,
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
    device: DeviceLike = None,
) -> Tensor:
    """Normal samples with ``mean`` and ``std`` (numbers with ``size``, or tensors that
    broadcast), outside the graph.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.normal(2.0, 0.0, size=(2,))
    Tensor([2., 2.])
    >>> autodiff.normal(autodiff.zeros(3), 1.0).shape
    (3,)
    """
    _check_device(device)
    m = mean.data if isinstance(mean, Tensor) else mean
    s = std.data if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects all elements of std >= 0.0, got {s!r}")
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if size is not None:
        shape = _sizes((size,) if isinstance(size, int) else tuple(size))
    elif tensors:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    else:
        raise TypeError("normal: give size= when mean and std are numbers")
    dt = (np.dtype(dtype) if dtype is not None
          else tensors[0].data.dtype if tensors else _dtypes.default_float())
    out = _gen(generator).normal(m, s, size=shape)
    return _finish(np.asarray(out).astype(dt), requires_grad)


def _window(name: str, np_window, window_length: int, periodic: bool, dtype, requires_grad,
            device) -> Tensor:
    _check_device(device)
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}")
    dt = _float(dtype)
    if window_length <= 1:
        return _finish(np.ones(window_length, dtype=dt), requires_grad)
    n = window_length + 1 if periodic else window_length
    w = np_window(n)
    return _finish(np.asarray(w[:-1] if periodic else w, dtype=dt), requires_grad)


def hann_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """The Hann window of ``window_length`` samples (``periodic=True``: computed one
    sample longer and the last dropped, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hann_window(4, periodic=False)
    Tensor([0.  , 0.75, 0.75, 0.  ])
    """
    return _window("hann_window", np.hanning, window_length, periodic, dtype,
                   requires_grad, device)


def hamming_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                   requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """The Hamming window of ``window_length`` samples (``periodic`` as
    :func:`hann_window`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hamming_window(4, periodic=False)
    Tensor([0.08, 0.77, 0.77, 0.08])
    """
    return _window("hamming_window", np.hamming, window_length, periodic, dtype,
                   requires_grad, device)


def blackman_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                    requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """The Blackman window of ``window_length`` samples (``periodic`` as
    :func:`hann_window`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.blackman_window(3, periodic=False).abs().round(decimals=4)
    Tensor([0., 1., 0.])
    """
    return _window("blackman_window", np.blackman, window_length, periodic, dtype,
                   requires_grad, device)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                    requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """The Bartlett (triangular) window of ``window_length`` samples (``periodic`` as
    :func:`hann_window`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bartlett_window(5, periodic=False)
    Tensor([0. , 0.5, 1. , 0.5, 0. ])
    """
    return _window("bartlett_window", np.bartlett, window_length, periodic, dtype,
                   requires_grad, device)


def broadcast_shapes(*shapes: Size) -> tuple:
    """The shape tensors of the given shapes broadcast to (a tuple).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    shp = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return tuple(int(d) for d in np.broadcast_shapes(*shp))
    except ValueError:
        raise RuntimeError(
            f"Shape mismatch: objects cannot be broadcast to a single shape: {shp}") from None


def scalar_tensor(s: float, *, dtype: DTypeLike = None, requires_grad: bool = False,
                  device: DeviceLike = None) -> Tensor:
    """A 0-d tensor of ``s`` (the default float dtype unless ``dtype``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.scalar_tensor(3)
    Tensor(3.)
    """
    _check_device(device)
    return _finish(np.asarray(s, dtype=_float(dtype)), requires_grad)


def unravel_index(indices: Tensor | int, shape: Size) -> tuple:
    """The coordinates in ``shape`` of flat ``indices`` (a tuple of int64 tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.unravel_index(autodiff.tensor([5, 0]), (2, 3))
    (Tensor([1, 0]), Tensor([2, 0]))
    """
    idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise TypeError("expected 'indices' to be integer dtype, but got "
                        f"{idx.dtype}")
    shp = (shape,) if isinstance(shape, int) else tuple(shape)
    total = int(np.prod(shp)) if shp else 1
    if ((idx < -total) | (idx >= total)).any():
        raise RuntimeError(
            "unravel_index: index out of bounds for the shape")
    coords = np.unravel_index(np.where(idx < 0, idx + total, idx), shp)
    return tuple(_make(np.asarray(c, dtype=np.int64), None) for c in coords)

