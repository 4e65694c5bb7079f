"""The Tensor: an ndarray, whether it requires grad, and the node that made it.

Operators and most methods are attached by ``autodiff.ops`` when the package is
imported (``_bind`` in ``autodiff/ops/__init__.py`` lists them all), so that every
op is declared in one place.
"""

from __future__ import annotations

import math
import numbers
import operator
import sys
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dtypes, _storage
from .device import CPU
from .device import device as _device
from .views import share_memory as _share_memory

_BACKWARD: list = []  # [autodiff.backward.backward], once Tensor.backward first runs


def _load_backward():
    # imported here, not at module level: backward.py imports this module (a real
    # cycle); kept in _BACKWARD, as an import on every call costs ~0.5 us
    from .backward import backward

    _BACKWARD.append(backward)
    return backward


def _to_array(data: Any, dtype=None) -> np.ndarray:
    """Convert user data to an ndarray with autodiff's default dtypes."""
    if isinstance(data, Tensor):
        arr = data._data
        return arr if dtype is None else arr.astype(dtype, copy=False)
    if isinstance(data, np.ndarray):
        # a copy, as torch.tensor: a Tensor that shared the caller's array would let
        # an optimizer step change it, and a change to it corrupt saved values
        # (autodiff.from_numpy is the sharing constructor); big float arrays go to
        # 64-byte-aligned memory (see _storage)
        return _storage.copy(data, dtype)
    if isinstance(data, np.generic):
        # (through _storage.copy: the one place array input is checked and converted)
        return _storage.copy(np.asarray(data), dtype)
    if dtype is not None:
        return _storage.aligned(np.array(_unwrap_nested(data), dtype=dtype))
    arr = np.array(_unwrap_nested(data))
    if arr.dtype.kind == "f":
        arr = arr.astype(_dtypes.default_float(), copy=False)
    elif arr.dtype.kind in "iu":
        if arr.dtype == np.uint64 and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            raise OverflowError(
                f"cannot make a Tensor from {type(data).__name__}: {int(arr.max())} does not "
                "fit int64 (as PyTorch, no wrap-around)"
            )
        arr = arr.astype(np.int64, copy=False)
    elif arr.dtype.kind not in "b":
        raise TypeError(
            f"cannot make a Tensor from {type(data).__name__} (NumPy dtype {arr.dtype}); "
            "pass numbers, nested lists of numbers, or a numeric NumPy array"
        )
    return _storage.aligned(arr)


# ufuncs behind Python's operators -> (the Tensor's operator, its reflected form)
_OPERATOR_UFUNCS = {
    np.add: ("__add__", "__radd__"),
    np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"),
    np.true_divide: ("__truediv__", "__rtruediv__"),
    np.floor_divide: ("__floordiv__", "__rfloordiv__"),
    np.remainder: ("__mod__", "__rmod__"),
    np.power: ("__pow__", "__rpow__"),
    np.matmul: ("__matmul__", "__rmatmul__"),
    np.bitwise_and: ("__and__", "__rand__"),
    np.bitwise_or: ("__or__", "__ror__"),
    np.bitwise_xor: ("__xor__", "__rxor__"),
    np.less: ("__lt__", "__gt__"),
    np.less_equal: ("__le__", "__ge__"),
    np.greater: ("__gt__", "__lt__"),
    np.greater_equal: ("__ge__", "__le__"),
    np.equal: ("__eq__", "__eq__"),
    np.not_equal: ("__ne__", "__ne__"),
}


def _unwrap_nested(data: Any) -> Any:
    # nested lists may hold 0-d Tensors (e.g. [t.sum(), t.mean()])
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    if isinstance(data, Tensor):
        return data._data
    return data



_PRINT = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": float("inf"), "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """How Tensor reprs print, as ``torch.set_printoptions``: ``precision`` (decimals),
    ``threshold`` (elements before summarising with ``...``), ``edgeitems``,
    ``linewidth``, ``profile`` (``"default"``, ``"short"``, ``"full"``) and
    ``sci_mode`` (True: scientific, False: never, None: automatic).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.set_printoptions(precision=2)
    >>> autodiff.tensor([1.23456])
    Tensor([1.23])
    >>> autodiff.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
        _PRINT.update(_PROFILES[profile])
        _PRINT["sci_mode"] = None
    for key, val in (("precision", precision), ("threshold", threshold),
                     ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if val is not None:
            _PRINT[key] = val
    _PRINT["sci_mode"] = sci_mode


def _array_repr(arr: np.ndarray) -> str:
    p = _PRINT
    threshold = p["threshold"]
    threshold = sys.maxsize if threshold == float("inf") else int(threshold)
    kwargs = {}
    if p["sci_mode"] is True and arr.dtype.kind == "f":
        prec = int(p["precision"])
        kwargs["formatter"] = {"float_kind": lambda v: f"{v:.{prec}e}"}
    elif p["sci_mode"] is False:
        kwargs["suppress_small"] = True
    return np.array2string(
        arr, separator=", ", prefix="Tensor(", precision=int(p["precision"]),
        threshold=threshold, edgeitems=int(p["edgeitems"]), max_line_width=int(p["linewidth"]),
        **kwargs,
    )


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    Parameters
    ----------
    data : scalar, nested list, numpy.ndarray or Tensor
        Python floats become the default dtype (float32), Python ints int64;
        NumPy arrays keep their dtype and are copied (``autodiff.from_numpy``
        shares one); a Tensor's memory is shared.
    requires_grad : bool
        Record operations on this tensor so that ``backward`` reaches it.
    dtype : numpy dtype, optional
        Convert the data to this dtype.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.Tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4.])
    """

    # Where the methods come from: this class defines the data, gradient, shape and
    # conversion basics, detach, hooks and backward. Everything else is bound when
    # autodiff is imported, by ``_bind()`` in autodiff/ops/__init__.py, the one list
    # of it: Python's operators (+, @, <, [], +=, ...), every op declared with
    # ``method=True`` (``t.sum()``, ``t.exp()``, ``t.reshape()``, ...: registry.op),
    # the in-place ops (``add_``, ``zero_``, ...) and conversions/aliases (``float``,
    # ``contiguous``, ``T``, ``view_as``, ...).

    __slots__ = (
        "_data",
        "requires_grad",
        "grad_fn",
        "_grad",
        "_meta",
        "_hooks",
        "_post_hooks",
        "_name",
        "__weakref__",
    )
    _stands_in = False  # (True on a Node standing in for its output: engine.Node)
    # _meta: memory sharing and in-place history (a views.ViewMeta), set on first
    # view, detach or in-place change; _hooks and _name likewise stay unset until
    # needed: every op result skips those stores (leaves made by __init__ set _meta
    # and _hooks to None). Read them with getattr(t, "_meta", None) and the like.
    __array_priority__ = 1000  # so ndarray op Tensor defers to Tensor's reflected op

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        arr = _to_array(data, None if dtype is None else np.dtype(dtype))
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {arr.dtype}; "
                "create it with dtype=autodiff.float32 (or float64)"
            )
        self._data = arr
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        self._grad = None
        self._hooks = None  # leaves made here are the ones backward accumulates into
        self._meta = None  # (set: an unset slot reads slowly)

    # ------------------------------------------------------------------ basics
    @property
    def data(self) -> np.ndarray:
        """The values, a ``numpy.ndarray`` (0-d for a scalar tensor), shared, not copied.

        Assigning replaces them, as PyTorch's ``p.data = ...``: a Tensor (its memory
        is shared) or an ndarray; the shape may change, the dtype is the one given.
        Nothing is recorded. ``p.data += -lr * p.grad`` updates the array in place.

        Examples
        --------
        >>> import autodiff
        >>> p = autodiff.tensor([1.0, 2.0], requires_grad=True)
        >>> (p * p).sum().backward()
        >>> p.data += -0.25 * p.grad
        >>> p
        Tensor([0.5, 1. ], requires_grad=True)
        """
        return self._data

    @data.setter
    def data(self, value) -> None:
        if isinstance(value, Tensor):
            arr = value._data
        elif isinstance(value, np.ndarray):
            arr = value if type(value) is np.ndarray else np.asarray(value)
        else:
            raise TypeError(
                f"Tensor.data must be set to a Tensor or a numpy.ndarray, got "
                f"{type(value).__name__}; wrap it first, e.g. t.data = autodiff.tensor(value)"
            )
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"Tensor.data must be numeric (bool, integer or floating), got dtype {arr.dtype}"
            )
        if self.requires_grad and arr.dtype.kind != "f":
            raise TypeError(
                f"Tensor.data of a tensor that requires grad must be floating-point, got dtype "
                f"{arr.dtype}; convert it first, e.g. value.to(autodiff.float32)"
            )
        self._data = arr

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        # ndarray OP Tensor: the Tensor's reflected operator, as Python's own dispatch
        # (NumPy sends it here because Tensor defines this method)
        if out is None and method == "__call__" and not kwargs and len(inputs) == 2:
            names = _OPERATOR_UFUNCS.get(ufunc)
            if names is not None:
                a, b = inputs
                if isinstance(a, Tensor):
                    op, other = getattr(a, names[0], None), b
                else:
                    op, other = getattr(b, names[1], None), a
                if op is not None:
                    return op(other)
        # NumPy's own functions (np.exp(t)) and in-place updates of an array
        # (p.data += -lr * p.grad): computed on the arrays, as for any array-like
        arrays = tuple(x._data if isinstance(x, Tensor) else x for x in inputs)
        if out is not None:
            kwargs["out"] = tuple(o._data if isinstance(o, Tensor) else o for o in out)
        return getattr(ufunc, method)(*arrays, **kwargs)

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient (a Tensor of this shape), or None.

        ``backward()`` adds into it (leaves, and tensors that called
        ``retain_grad()``); set it to None (``optimizer.zero_grad()`` does) to
        start again.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.tensor([1.0, 2.0], requires_grad=True)
        >>> print(w.grad)
        None
        >>> (3 * w).sum().backward()
        >>> w.grad
        Tensor([3., 3.])
        """
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad must be a Tensor or None, got {type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has shape {value.shape}, but the tensor has shape "
                    f"{self.shape}; they must match"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"assigned grad has dtype {value.dtype}, but the tensor has dtype "
                    f"{self.dtype}; convert it with .to({self.dtype})"
                )
        self._grad = value

    def __format__(self, spec: str) -> str:
        # f"{loss:.4f}" works on 0-d tensors, as in PyTorch
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    @property
    def name(self) -> str | None:
        """A label for graph pictures (None unless set).

        Examples
        --------
        >>> import autodiff
        >>> x = autodiff.ones(2)
        >>> x.name = "x"
        >>> x.name
        'x'
        """
        return getattr(self, "_name", None)

    @name.setter
    def name(self, value: str | None) -> None:
        self._name = value

    @property
    def shape(self) -> tuple:
        """The shape, a tuple of ints (PyTorch's is a ``torch.Size``, also a tuple).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).shape
        (2, 3)
        """
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The element type, a NumPy dtype (``autodiff.float32 is np.dtype("float32")``).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.tensor([1, 2]).dtype, autodiff.tensor([1.0]).dtype
        (dtype('int64'), dtype('float32'))
        """
        return self._data.dtype

    @property
    def size_(self) -> int:
        """The number of elements (as ``numel()``).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).size_
        6
        """
        return self._data.size

    def size(self, dim: int | None = None) -> tuple | int:
        """Shape as a tuple, or the length of one dimension.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).size(1)
        3
        """
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self) -> int:
        """Number of elements.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).numel()
        6
        """
        return self._data.size

    def dim(self) -> int:
        """Number of dimensions (same as ``ndim``).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    @property
    def is_leaf(self) -> bool:
        """True for a tensor no recorded op made (``grad_fn is None``).

        Leaves that require grad are where ``backward()`` leaves gradients.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(2, requires_grad=True)
        >>> w.is_leaf, (w * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.tensor([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        return self._data

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.tensor([3.5]).item()
        3.5
        """
        if self._data.size != 1:
            raise ValueError(
                f"item() needs a tensor with exactly one element, this one has shape {self.shape}"
            )
        return self._data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.tensor([[1, 2]]).tolist()
        [[1, 2]]
        """
        return self._data.tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._data
        return self._data.astype(dtype)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self._data)

    __hash__ = object.__hash__

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        from .ops.subscript import rows  # (autodiff.ops imports this module)

        return iter(rows(self))

    def __repr__(self) -> str:
        # four decimals by default, as PyTorch prints (set_printoptions changes it)
        body = _array_repr(self._data)
        extra = ""
        if self._data.dtype not in (_dtypes.default_float(), np.dtype(np.int64), np.dtype(bool)):
            extra += f", dtype={self._data.dtype}"
        if self.grad_fn is not None:
            extra += f", grad_fn={self.grad_fn!r}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    # --------------------------------------------------------------- autograd
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place on a leaf; returns self.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.zeros(2).requires_grad_().requires_grad
        True
        """
        if not self.is_leaf and not requires_grad:
            raise RuntimeError(
                "requires_grad_(False) on a non-leaf tensor; use .detach() to get a tensor "
                "outside the graph"
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self._data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """A tensor sharing this one's data, cut from the graph.

        Examples
        --------
        >>> import autodiff
        >>> x = autodiff.ones(2, requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        out = _make(self._data, None)
        # shares memory, not history (ops/inplace._refuse_untracked says what may change it)
        _share_memory(out, self, "detach")
        return out

    def detach_(self) -> Tensor:
        """Make this leaf stop requiring grad, in place; returns self.

        On a tensor produced by a recorded op this raises: the ops that already
        used it find their inputs' nodes at backward time, so cutting it in place
        would silently drop their gradient. Use ``t = t.detach()`` instead.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.ones(2, requires_grad=True).detach_().requires_grad
        False
        """
        if self.grad_fn is not None:
            raise RuntimeError(
                "detach_() on a tensor made by a recorded op is not supported (the graph "
                "that already used it would lose its gradient); use t = t.detach() instead"
            )
        self.requires_grad = False
        return self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a new gradient (a Tensor) to use instead.
        Returns a handle whose ``remove()`` unregisters the hook.

        Examples
        --------
        >>> import autodiff
        >>> x = autodiff.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> x.sum().backward()
        >>> x.grad
        Tensor([10., 10.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is None:
            hooks = getattr(self, "_hooks", None)
            if hooks is None:
                hooks = self._hooks = []
        else:
            hooks = self.grad_fn.hook_list()
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_post_accumulate_grad_hook(
        self, hook: Callable[[Tensor], None]
    ) -> _HookHandle:
        """Call ``hook(tensor)`` once this leaf's ``.grad`` has been accumulated in a
        backward pass, as soon as its gradient is complete (the rest of the pass may
        still be running), as PyTorch's. Returns a handle whose ``remove()``
        unregisters it.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(2, requires_grad=True)
        >>> h = w.register_post_accumulate_grad_hook(lambda t: print(t.grad))
        >>> (w * 3).sum().backward()
        Tensor([3., 3.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors (only "
                "leaves accumulate .grad); use register_hook instead"
            )
        hooks = getattr(self, "_post_hooks", None)
        if hooks is None:
            hooks = self._post_hooks = []
            POST_HOOKED.add(self)
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward.

        Examples
        --------
        >>> import autodiff
        >>> x = autodiff.ones(2, requires_grad=True)
        >>> y = x * 3
        >>> y.retain_grad()
        >>> y.sum().backward()
        >>> y.grad
        Tensor([1., 1.])
        """
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        hooks = node.hook_list()
        if any(isinstance(h, _RetainGrad) for h in hooks):
            return
        hooks.append(_RetainGrad(self))

    def backward(
        self,
        grad: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        *,
        gradient: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf), weighted by ``grad``, into every leaf's ``.grad``.

        Parameters
        ----------
        grad : array-like or Tensor, optional
            The vector in the vector-Jacobian product; must match ``self.shape``.
            Needed unless ``self`` has a single element. PyTorch's keyword
            ``gradient=`` is accepted too.
        retain_graph : bool, optional
            Keep the graph's saved values so backward can run through it again.
        create_graph : bool
            Record the backward pass, so gradients can themselves be differentiated.

        Examples
        --------
        >>> import autodiff
        >>> a = autodiff.tensor([1.0, 2.0], requires_grad=True)
        >>> (a * a).backward(grad=[1.0, 0.5])
        >>> a.grad
        Tensor([2., 2.])
        """
        if gradient is not None:
            if grad is not None:
                raise TypeError("backward(): pass grad= or gradient=, not both")
            grad = gradient
        (_BACKWARD[0] if _BACKWARD else _load_backward())(self, grad, retain_graph, create_graph)

    @property
    def device(self) -> _device:
        """Always the CPU (autodiff computes with NumPy).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.ones(2).device
        device(type='cpu')
        """
        return CPU

    @property
    def is_cuda(self) -> bool:
        """Always False: autodiff has no GPU backend.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.ones(2).is_cuda
        False
        """
        return False

    def cpu(self) -> Tensor:
        """This tensor (it already lives on the CPU).

        Examples
        --------
        >>> import autodiff
        >>> x = autodiff.ones(2)
        >>> x.cpu() is x
        True
        """
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        """Raises: autodiff has no GPU backend (the message says so and what to do).

        Examples
        --------
        >>> import autodiff
        >>> try:
        ...     autodiff.ones(2).cuda()
        ... except RuntimeError as e:
        ...     print("CPU only" in str(e))
        True
        """
        _device("cuda")  # raises the explanatory error
        return self  # pragma: no cover


# leaves with post-accumulate hooks (backward counts leaf edges only while any lives)
POST_HOOKED: weakref.WeakSet = weakref.WeakSet()


class _HookHandle:
    __slots__ = ("hooks", "hook")

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


class _RetainGrad:
    """Hook that stores a non-leaf's gradient on it (weakly: no cycle)."""

    __slots__ = ("ref",)
    retains = True  # run after the tensor's other hooks

    def __init__(self, tensor: Tensor) -> None:
        self.ref = weakref.ref(tensor)

    def __call__(self, g: Tensor):
        t = self.ref()
        if t is not None:
            if g.grad_fn is not None:  # create_graph: keep the gradient differentiable
                t.grad = g.clone() if t.grad is None else t.grad + g
            elif t.grad is None:
                # a copy (np.array: also turns a 0-d NumPy scalar into an array)
                t.grad = _make(np.array(g._data), None)
            else:
                t.grad = _make(t.grad._data + g._data, None)
        return None


_new = object.__new__


def _make(data: np.ndarray, grad_fn) -> Tensor:
    """Fast internal constructor for op results (``engine.record`` makes those with a
    node): ``data`` becomes an ndarray if it is not one."""
    if type(data) is not np.ndarray:  # (a 0-d result of a ufunc or reduction)
        data = np.asarray(data)
    t = _new(Tensor)
    t._data = data
    t.requires_grad = grad_fn is not None
    t.grad_fn = grad_fn
    t._grad = None
    return t


class Size(tuple):
    """PyTorch's ``torch.Size``: a tuple of ints, with ``numel()``. ``Tensor.shape`` and
    ``Tensor.size()`` give plain tuples (equal to a Size of the same ints); this is for
    code that builds one.

    Examples
    --------
    >>> import autodiff
    >>> s = autodiff.Size([2, 3])
    >>> s, s.numel(), s == autodiff.zeros(2, 3).shape
    (autodiff.Size([2, 3]), 6, True)
    >>> autodiff.zeros(s).shape
    (2, 3)
    """

    def __new__(cls, sizes: Any = ()) -> Size:
        try:
            return super().__new__(cls, [operator.index(n) for n in sizes])
        except TypeError:
            raise TypeError(
                f"Size: expected a sequence of ints, got {sizes!r}"
            ) from None

    def numel(self) -> int:
        """The number of elements a tensor of this shape has.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.Size([2, 3, 4]).numel()
        24
        """
        return math.prod(self)

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + other)

    def __repr__(self) -> str:
        return f"autodiff.Size({list(self)})"


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is an autodiff Tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_tensor(autodiff.zeros(1)), autodiff.is_tensor(1.0)
    (True, False)
    """
    return isinstance(obj, Tensor)


Number = numbers.Number
