"""Operand conversion and promotion shared by the op modules."""

from __future__ import annotations

import functools
import numbers
import sys

import numpy as np

from .. import _dtypes
from ..engine import ALL_THREADS, STATE, Node, apply1, apply2, record
from ..tensor import Tensor, _make


def np_names(dim, keepdim, axis, keepdims, opname: str = "reduction"):
    """NumPy's ``axis=``/``keepdims=``, accepted as PyTorch does (aliases of dim/keepdim)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{opname}(): got both dim= and its alias axis=; pass one of them")
        dim = axis
    if keepdims is not None:
        if keepdim is not None:  # (the callers' keepdim defaults to None: "not given")
            raise TypeError(
                f"{opname}(): got both keepdim= and its alias keepdims=; pass one of them"
            )
        return dim, bool(keepdims)
    return dim, bool(keepdim)


def numpy_names(fn=None, *, keepdim: bool = True):
    """Decorator: ``fn`` also accepts ``axis=`` for ``dim=`` (and, with ``keepdim``,
    ``keepdims=`` for ``keepdim=``), as PyTorch does for that op.

    Examples
    --------
    >>> @numpy_names
    ... def total(x, dim=None, keepdim=False):
    ...     return dim, keepdim
    >>> total(0, axis=1, keepdims=True)
    (1, True)
    """

    def wrap(f):
        @functools.wraps(f)
        def accepting(*args, **kw):
            if "axis" in kw or (keepdim and "keepdims" in kw):
                _rename(kw, "axis", "dim", f.__name__)
                if keepdim:
                    _rename(kw, "keepdims", "keepdim", f.__name__)
            return f(*args, **kw)

        return accepting

    return wrap(fn) if fn is not None else wrap


def _rename(kw: dict, alias: str, name: str, opname: str) -> None:
    if alias in kw:
        if name in kw:
            raise TypeError(
                f"{opname}(): got both {name}= and its alias {alias}=; pass one of them"
            )
        kw[name] = kw.pop(alias)


def number_or_tensor_arg(x, opname: str, argname: str = "other"):
    """``x`` as given when it is a Tensor, a number, an array or a list, else a
    TypeError that names the op and the argument."""
    if isinstance(x, (Tensor, numbers.Number, np.ndarray, np.bool_, list, tuple)):
        return x
    raise TypeError(
        f"{opname}: argument '{argname}' must be a Tensor or a number, got {type(x).__name__}"
    )


def tensor_arg(x, opname: str, argname: str = "input") -> Tensor:
    """``x`` as a Tensor (a number, list or array becomes one), else a TypeError that
    names the op and the argument, as PyTorch's does."""
    if isinstance(x, Tensor):
        return x
    try:
        return as_tensor_arg(x, opname)
    except TypeError:
        raise TypeError(
            f"{opname}: argument '{argname}' must be a Tensor, got {type(x).__name__}"
        ) from None


def as_tensor_arg(x, name: str = "argument") -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return Tensor(x)
    raise TypeError(f"{name} must be a Tensor or a number, got {type(x).__name__}")


def scalar_dtype(value, like: np.dtype, opname: str) -> np.dtype:
    """dtype a Python scalar takes next to a tensor of dtype ``like`` (PyTorch rules)."""
    if isinstance(value, (bool, np.bool_)):
        kind_rank = 0
    elif isinstance(value, (numbers.Integral,)):
        kind_rank = 1
    elif isinstance(value, numbers.Real):
        kind_rank = 2
    else:
        raise TypeError(
            f"{opname}: unsupported operand {value!r} of type {type(value).__name__}; expected "
            "a Tensor or a number"
        )
    if kind_rank <= _dtypes.rank(like):
        return like
    return _dtypes.default_float() if kind_rank == 2 else np.dtype(np.int64)


def _const(value, dtype) -> Tensor:
    return _make(np.asarray(value, dtype=dtype), None)


def operands(a, b, opname: str):
    """Both operands as Tensors of one dtype, promoted as PyTorch does."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        da = a._data.dtype
        db = b._data.dtype
        if da == db:
            return a, b
        target = _dtypes.result_type((da, 2 if a._data.ndim else 1), (db, 2 if b._data.ndim else 1))
        return cast(a, target), cast(b, target)
    if ta:
        if isinstance(b, np.ndarray):
            return operands(a, Tensor(b), opname)
        dt = scalar_dtype(b, a._data.dtype, opname)
        return cast(a, dt), _const(b, dt)
    if tb:
        if isinstance(a, np.ndarray):
            return operands(Tensor(a), b, opname)
        dt = scalar_dtype(a, b._data.dtype, opname)
        return _const(a, dt), cast(b, dt)
    raise TypeError(f"{opname}: expected at least one Tensor operand")


class ToBackward(Node):
    name = "to"
    saves = ()

    @staticmethod
    def forward(x, dtype):
        return x.astype(dtype)

    def vjp(self, g, xs, out, xp):
        return (xp.astype(g, self.inputs[0].data.dtype),)


def cast(x: Tensor, dtype) -> Tensor:
    """``x`` converted to ``dtype`` (differentiable between float dtypes)."""
    dtype = np.dtype(dtype)
    if x._data.dtype == dtype:
        return x
    if x.requires_grad and dtype.kind != "f":
        out = _make(x._data.astype(dtype), None)
        return out
    return apply1(ToBackward, x, dtype)


def unary(cls, x, opname: str) -> Tensor:
    if not isinstance(x, Tensor):
        x = as_tensor_arg(x, opname)
    return apply1(cls, x)


def float_unary(cls, x, opname: str) -> Tensor:
    """Unary op whose result is floating: integers are promoted to the default float."""
    if not isinstance(x, Tensor):
        x = as_tensor_arg(x, opname)
    data = x._data
    if data.dtype.kind != "f":
        x = cast(x, _dtypes.default_float())
        data = x._data
    out = cls.forward(data, None)
    if x.requires_grad and (not ALL_THREADS.off or STATE.grad_enabled):
        return record(cls, (x,), _TRUE1, None, out)
    return _make(out, None)


_TRUE1 = (True,)


def binary(cls, a, b, opname: str) -> Tensor:
    a, b = operands(a, b, opname)
    return apply2(cls, a, b)


def grad_enabled() -> bool:
    return not ALL_THREADS.off or STATE.grad_enabled


def check_broadcast(opname: str, *shapes) -> None:
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{opname}: shapes {' and '.join(str(tuple(s)) for s in shapes)} do not broadcast; "
            "each dimension must match or be 1 (counting from the right)"
        ) from None


def _check_dim_type(dim, opname: str) -> None:
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"{opname}: dim must be an int (or a tuple of ints), got {dim!r} of type "
            f"{type(dim).__name__}"
        )


def normalize_dim(dim: int, ndim: int, opname: str) -> int:
    if type(dim) is not int:
        _check_dim_type(dim, opname)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"{opname}: dim {dim} is out of range for a tensor with {ndim} dimensions "
            f"(valid: {-n} to {n - 1})"
        )
    return dim % n


def normalize_dims(dim, ndim: int, opname: str):
    """None, an int or a tuple of ints -> None or a sorted tuple of non-negative axes."""
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        return None  # dim=() reduces everything too, as in PyTorch
    if ndim == 0:  # a 0-d tensor accepts dim 0 / -1 (as PyTorch): reduce "everything"
        for d in dim if isinstance(dim, (list, tuple)) else (dim,):
            normalize_dim(d, 0, opname)
        return None
    if isinstance(dim, (list, tuple)):
        axes = tuple(sorted(normalize_dim(d, ndim, opname) for d in dim))
        if len(set(axes)) != len(axes):
            raise ValueError(f"{opname}: dim {tuple(dim)} repeats a dimension")
        return axes
    return (normalize_dim(dim, ndim, opname),)


# ------------------------------------------------------------ spare gradients
# A VJP may write its input's gradient into the gradient it was given when nobody
# but the backward loop holds that array: one activation-sized buffer less at each
# such op (NumPy elides temporaries on the same test). Only the first-order loop
# says so (it passes ``LoopNP``, ops/xp.py); CPython's reference count then tells
# whether anything else holds the array. The count is compared with that of an
# array held only by a loop shaped like the backward pass's (a local, handed to a
# VJP that hands it here), measured once at import. On CPython 3.14+, whose stack
# may borrow references (a count can read low), and on other Pythons nothing is
# reused.
def _references_seen_here(g, xp, like=None) -> int:  # (spare_gradient's frame shape)
    return sys.getrefcount(g)


class _ProbeNode:
    def vjp(self, g, xp):
        return _references_seen_here(g, xp)


def _count_when_only_the_loop_holds() -> int:
    # (with no tracer or profiler: one that reads frames' locals adds references, and a
    # count read too high would let a VJP write into an array something else holds)
    tracer, profiler = sys.gettrace(), sys.getprofile()
    sys.settrace(None)
    sys.setprofile(None)
    try:
        g = np.empty(1)
        return _ProbeNode().vjp(g, None)
    finally:
        sys.settrace(tracer)
        sys.setprofile(profiler)


_ONLY_THE_LOOP = (
    _count_when_only_the_loop_holds()
    if sys.implementation.name == "cpython" and sys.version_info < (3, 14)
    else 0
)
if _ONLY_THE_LOOP > 4:  # (more than the loop's own references on 3.11-3.13: do not trust it)
    _ONLY_THE_LOOP = 0


SPARE_MIN_BYTES = 1 << 16  # (NumPy elides temporaries from 256 KiB)


def spare_gradient(g, xp, like: np.ndarray | None = None) -> np.ndarray | None:
    """``g`` itself when the VJP it was given to may overwrite it with a result shaped
    and typed as ``like`` (as ``g`` itself when not given), else None: when the
    first-order backward loop gave it
    (``xp`` is ``LoopNP``) and no hook, retained grad, other consumer or view holds
    ``g``; and when ``g`` holds at least ``SPARE_MIN_BYTES``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.linspace(-1.0, 1.0, 10_000, requires_grad=True)
    >>> (x.relu() * 3.0).sum().backward()   # relu writes into the gradient of its output
    >>> x.grad[[0, -1]]
    Tensor([0., 3.])
    """
    if (
        xp.spares_gradients
        and type(g) is np.ndarray
        and g.nbytes >= SPARE_MIN_BYTES  # (small arrays: the checks would cost more)
        and g.base is None  # (a view would write into memory others may hold)
        and (like is None or (g.dtype == like.dtype and g.shape == like.shape))
        and g.flags.writeable
        and sys.getrefcount(g) <= _ONLY_THE_LOOP
    ):
        return g
    return None
