"""Every op, in one registry, bound to Tensor as methods and operators."""

from __future__ import annotations

import numpy as np

from .. import _dtypes, engine, factories
from .._typing import DeviceLike, DTypeLike, GeneratorLike, Number, Size, TensorLike
from ..engine import Node, apply1
from ..random import resolve
from ..tensor import Tensor, _make
from . import (  # noqa: F401 - imported to register their ops (issue 17)
    aggregates,  # prod, amax/amin/aminmax, all/any, var_mean/std_mean
    aliases,  # arccosh, ger, vdot, greater, less, ...
    bessel,  # i0, i0e, i1, i1e
    bitwise,  # bitwise_and/or/xor/not, bitwise_left_shift/right_shift
    conv,
    cumulative,  # cumsum, cumprod, cummax, cummin, logcumsumexp
    decompositions,  # cholesky, qr, eigh, svd and what is built on them (pinv, lstsq, ...)
    differences,  # diff, trapezoid, cumulative_trapezoid
    incomplete_gamma,  # igamma, igammac
    indexed,  # index_add/copy/fill, take, index_put/put, slice/select/... scatter
    indexing,  # gather: flip, roll, tril, diag, index_select, take_along_dim, nonzero, ...
    linalg,  # mm, mv, tensordot, kron, cross, cdist, inverse, det, solve, ...
    logical,  # isnan/isinf/isfinite, logical_and/or/xor/not
    lu,  # lu_factor, lu, lu_solve, lu_unpack
    math,  # log1p, expm1, tan, asin, ..., atan2, copysign, logaddexp, hypot, lerp
    matrix_functions,  # matrix_exp
    nn_functional,  # pixel_shuffle, prelu, hardshrink, threshold, rms_norm, ...
    parameterised,  # clamp/clip, leaky_relu, elu, softplus, gelu
    pointwise,  # further pointwise ops: divide, arcsin, addcmul, logit, erfinv, ...
    pooling,
    products,  # bmm, dot, outer, addmm, baddbmm
    queries,  # numel, is_floating_point, real/imag, result_type, can_cast, ...
    rearrange,  # movedim, tile, rot90, hstack, meshgrid, block_diag, tensor_split, ...
    rounding,  # floor, ceil, trunc, round, frac
    sampling,  # multinomial, randperm
    scatter,  # scatter, scatter_add, scatter_reduce
    search,  # bincount, unique, searchsorted, bucketize, isin, msort
    sorting,  # sort, argsort, topk, histc, histogram
    spatial,
    special,  # lgamma, digamma, polygamma, mvlgamma, nextafter, frexp
    statistics,  # nansum, median, kthvalue, mode, quantile, cov, corrcoef, ...
    tensor_methods,  # stride, type_as, nbytes, H, random fills, in-place methods
    views,  # narrow, unfold, split, chunk, unbind, unflatten
)
from . import arithmetic as Ar
from . import casts as C
from . import division as Dv
from . import einsum as Es
from . import inplace as I
from . import products as P
from . import reductions as Rd
from . import shape as S
from . import subscript as Sb
from . import unary as U
from ._base import number_or_tensor_arg, tensor_arg
from .registry import REGISTRY, Arg, Sample, exported, methods
from .registry import op as register_op
from .xp import NP, TS, LoopNP

# ------------------------------------------------------------------- clone


class CloneBackward(Node):
    name = "clone"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        return x.copy()

    def vjp(self, g, xs, out, xp):
        return (g,)


@register_op(samples=lambda: [Sample((Arg(np.arange(6.0).reshape(2, 3)),))], method=True)
def clone(input: TensorLike) -> Tensor:
    """A copy of ``input`` that stays in the graph.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, requires_grad=True)
    >>> x.clone().requires_grad
    True
    """
    if not isinstance(input, Tensor):
        input = tensor_arg(input, "clone")
    return apply1(CloneBackward, input)




# -------------------------------------------------------------- comparisons
def _compare_dtype(a, b):
    """The dtype PyTorch compares ``a`` and ``b`` in (None: NumPy's own choice agrees)."""
    # NumPy scalars (np.float64(0.1)) count as Python numbers, as in PyTorch
    ka = a.dtype if isinstance(a, np.ndarray) else None
    kb = b.dtype if isinstance(b, np.ndarray) else None
    if ka is None and kb is None:
        return None
    if ka is not None and kb is not None:
        if ka == kb:
            return None
        # a 0-d tensor does not promote a tensor with dimensions of its own kind
        return _dtypes.result_type((ka, 2 if np.ndim(a) else 1), (kb, 2 if np.ndim(b) else 1))
    arr, num = (a, b) if ka is not None else (b, a)
    if isinstance(num, (float, np.floating)) or (
        isinstance(num, (int, np.integer)) and arr.dtype.kind == "f"
    ):
        # a float tensor keeps its dtype; an int tensor against a float: the default
        return arr.dtype if arr.dtype.kind == "f" else _dtypes.default_float()
    return None


def _compare(ufunc, name, promote=True, operator=False):
    """The comparison ``name``; with ``operator`` the Python operator's form, which
    returns NotImplemented for an operand it does not take (so ``t == "a"`` is False
    and ``t < "a"`` a TypeError from Python, as for PyTorch's tensors)."""

    def cmp(input: TensorLike | None, other: TensorLike | None) -> Tensor | bool:
        if operator and type(other) in (list, tuple):  # (t == [1, 2] is False, as PyTorch's)
            return NotImplemented
        if input is None or other is None:  # t == None is False (t != None True), as PyTorch
            if name in ("eq", "ne"):
                return name == "ne"
        ad = input.data if isinstance(input, Tensor) else input
        bd = other.data if isinstance(other, Tensor) else other
        tb = type(bd)
        if tb is int and promote and type(ad) is np.ndarray and ad.dtype.kind == "f":
            # PyTorch converts the int to the tensor's float dtype (a weak Python float
            # does that in NumPy; a Python int is compared exactly)
            bd = float(bd)
            tb = float
        if promote and not (
            type(ad) is np.ndarray  # the common cases, where NumPy's dtype agrees
            and (
                tb is int
                or (tb is float and ad.dtype.kind == "f")
                or (tb is np.ndarray and ad.dtype == bd.dtype)
            )
        ):
            dt = _compare_dtype(ad, bd)
            if dt is not None:
                if getattr(ad, "dtype", dt) != dt:
                    ad = np.asarray(ad).astype(dt)
                if getattr(bd, "dtype", dt) != dt:
                    bd = np.asarray(bd).astype(dt)
        try:
            return _make(np.asarray(ufunc(ad, bd)), None)
        except ValueError:
            raise ValueError(
                f"{name}: shapes {np.shape(ad)} and {np.shape(bd)} do not broadcast"
            ) from None
        except TypeError:
            if operator:
                return NotImplemented
            number_or_tensor_arg(input, name, "input")
            number_or_tensor_arg(other, name, "other")
            raise

    cmp.__name__ = name
    return cmp


def _compare_samples():
    return [
        Sample((Arg(np.arange(6.0).reshape(2, 3) - 2.0), Arg(np.array([0.5, -1.0, 0.0])))),
        Sample((Arg(np.arange(3.0)), 1.0)),
    ]


def _comparison(ufunc, name):
    return register_op(name, samples=_compare_samples, method=True, differentiable=False)(
        _compare(ufunc, name)
    )


# (the operators' forms: NotImplemented for an operand they do not take)
_OPERATORS = {
    name: _compare(ufunc, name, operator=True)
    for name, ufunc in (
        ("lt", np.less), ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal),
        ("eq", np.equal), ("ne", np.not_equal),
    )
}
lt = _comparison(np.less, "lt")
le = _comparison(np.less_equal, "le")
gt = _comparison(np.greater, "gt")
ge = _comparison(np.greater_equal, "ge")
eq = _comparison(np.equal, "eq")
ne = _comparison(np.not_equal, "ne")
logical_and = _compare(np.logical_and, "logical_and", promote=False)
logical_or = _compare(np.logical_or, "logical_or", promote=False)


def _bool_only(op):
    def f(a, b):
        for t in (a, b):
            if isinstance(t, Tensor) and t.data.dtype.kind not in "biu":
                raise TypeError(f"{op}: needs bool or integer tensors, got dtype {t.data.dtype}")
        return _compare(
            {"and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor}[op], op, False
        )(a, b)

    return f


# ------------------------------------------------------- tensor namespace
def _fill_ts() -> None:
    T = TS
    T.exp = staticmethod(U.exp)
    T.log = staticmethod(U.log)
    T.sqrt = staticmethod(U.sqrt)
    T.sin = staticmethod(U.sin)
    T.cos = staticmethod(U.cos)
    T.tanh = staticmethod(U.tanh)
    T.sigmoid = staticmethod(U.sigmoid)
    T.erf = staticmethod(U.erf)
    T.abs = staticmethod(U.abs)
    T.matmul = staticmethod(P.matmul)
    # sign's derivative is 0 almost everywhere: a constant is exact here
    T.sign = staticmethod(lambda x: _make(np.sign(x.data), None))
    T.expand_dims = staticmethod(S.unsqueeze)
    T.swapaxes = staticmethod(S.transpose)
    T.transpose = staticmethod(lambda x, axes: S.permute(x, *axes))
    T.where = staticmethod(C.where)
    T.sum = staticmethod(lambda x, axis=None, keepdims=False: Rd.sum(x, axis, keepdims))
    T.broadcast_to = staticmethod(S.broadcast_to)
    T.reshape = staticmethod(lambda x, shape: S.reshape(x, tuple(shape)))
    T.sum_to = staticmethod(S.sum_to)
    T.getitem = staticmethod(Sb.getitem)
    T.index_add = staticmethod(Sb.index_add)
    T.take_along_axis = staticmethod(lambda x, index, axis: Sb.take_along(x, index, axis))
    T.scatter_add_along = staticmethod(Sb.scatter_add_along)
    T.zeros_like = staticmethod(lambda x: _make(np.zeros_like(x.data), None))
    T.astype = staticmethod(lambda x, dtype: C.to(x, dtype))
    T.logical_and = staticmethod(logical_and)
    T.data = staticmethod(lambda x: x.data if isinstance(x, Tensor) else x)
    T.concatenate = staticmethod(lambda xs, axis: S.cat(list(xs), axis))
    T.einsum = staticmethod(Es.einsum)


_fill_ts()
engine.set_namespaces(NP, TS, LoopNP)


# ------------------------------------------------------------ Tensor methods
def _rev(fn):
    return lambda self, other: fn(other, self)


def _bind() -> None:
    """Everything Tensor gets from the ops, top to bottom: Python's operators, the
    ops declared with ``method=True``, the in-place methods, then conversions and
    aliases. (Tensor's own class, autodiff/tensor.py, defines the rest.) Long
    because it is a table, one line a method, kept in one place to be read."""
    T = Tensor
    # ---- Python's operators: arithmetic (and reflected), comparisons, bitwise,
    # indexing, augmented assignment (in place)
    T.__add__ = Ar.add_operator
    T.__radd__ = _rev(Ar.add_operator)
    T.__sub__ = Ar.sub_operator
    T.__rsub__ = _rev(Ar.sub_operator)
    T.__mul__ = Ar.mul
    T.__rmul__ = _rev(Ar.mul)
    T.__truediv__ = Ar.true_div
    T.__rtruediv__ = _rev(Ar.true_div)
    T.__pow__ = Ar.pow
    T.__mod__ = Dv.remainder
    T.__rmod__ = _rev(Dv.remainder)
    T.__rpow__ = _rev(Ar.pow)
    T.__matmul__ = P.matmul
    T.__rmatmul__ = _rev(P.matmul)
    T.__neg__ = U.neg
    T.__pos__ = lambda self: self
    T.__abs__ = U.abs
    for name, fn in _OPERATORS.items():
        setattr(T, f"__{name}__", fn)
    T.__and__ = _bool_only("and")
    T.__or__ = _bool_only("or")
    T.__xor__ = _bool_only("xor")
    T.__invert__ = lambda self: _make(np.invert(self.data), None)
    T.__getitem__ = Sb.getitem
    T.__setitem__ = I.setitem
    T.__iadd__ = I.add_
    T.__isub__ = I.sub_
    T.__imul__ = I.mul_
    T.__itruediv__ = I.div_
    # ---- every op declared with method=True where it is defined (registry.op):
    # t.exp(), t.sum(dim), t.reshape(...), t.to(dtype), ... (sorted(methods()) lists them)
    for name, fn in methods().items():
        setattr(T, name, fn)
    # ---- the in-place methods (ops/inplace.py, ops/tensor_methods.py)
    for name in "add_ sub_ mul_ div_ zero_ fill_ copy_ clamp_".split():
        setattr(T, name, getattr(I, name))
    for name, fn in tensor_methods.inplace_methods().items():  # index_add_, exp_, masked_fill_, ...
        setattr(T, name, fn)
    for name, fn in tensor_methods.tensor_methods().items():  # stride, type_as, nbytes, H, t_, ...
        setattr(T, name, fn)
    # ---- conversions and PyTorch's aliases
    # as PyTorch: itself when C-contiguous, else a C-contiguous copy (no shared memory)
    # (defs, not lambdas, for their type hints; autodiff/_tensor_docs.py documents them.
    # Named as the methods, for help(); nothing else in _bind uses the builtins shadowed)
    def contiguous(self: Tensor) -> Tensor:
        return self if self.data.flags.c_contiguous else clone(self)

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        return S.expand(self, other.shape)

    def reshape_as(self: Tensor, other: Tensor) -> Tensor:
        return S.reshape(self, other.shape)

    def transposed(self: Tensor) -> Tensor:
        return S.permute(self, *reversed(range(self.data.ndim)))

    def matrix_transposed(self: Tensor) -> Tensor:
        return S.transpose(self, -2, -1)

    def float(self: Tensor) -> Tensor:  # noqa: A001
        return C.to(self, np.float32)

    def double(self: Tensor) -> Tensor:
        return C.to(self, np.float64)

    def long(self: Tensor) -> Tensor:
        return C.to(self, np.int64)

    def int(self: Tensor) -> Tensor:  # noqa: A001
        return C.to(self, np.int32)

    def bool(self: Tensor) -> Tensor:  # noqa: A001
        return C.to(self, np.bool_)

    def half(self: Tensor) -> Tensor:
        return C.to(self, np.float16)

    T.contiguous = contiguous
    T.expand_as = expand_as
    T.reshape_as = reshape_as
    T.view_as = T.reshape_as
    T.T = property(transposed)
    T.mT = property(matrix_transposed)
    T.float = float
    T.double = double
    T.long = long
    T.int = int
    T.bool = bool
    T.type = _type
    T.allclose = Rd.allclose
    T.isclose = Rd.isclose
    T.equal = Rd.equal
    T.half = half
    T.nelement = T.numel
    T.new_zeros = _new_factory(0)
    T.new_ones = _new_factory(1)
    T.new_empty = _new_factory(0)
    T.new_full = _new_full
    T.new_tensor = _new_tensor
    T.normal_ = _normal_
    T.uniform_ = _uniform_


# Tensor.type()'s names, as PyTorch's ("torch.FloatTensor" there), by dtype
_TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor", "uint16": "UInt16Tensor",
    "uint32": "UInt32Tensor", "uint64": "UInt64Tensor",
}
_TYPE_DTYPES = {f"autodiff.{n}": np.dtype(d) for d, n in _TYPE_NAMES.items()}


def _type(self: Tensor, dtype: DTypeLike | str = None, non_blocking: bool = False) -> str | Tensor:
    """With no argument, this tensor's type name (``'autodiff.FloatTensor'`` for float32,
    as PyTorch's ``'torch.FloatTensor'``); else this tensor converted to ``dtype``
    (``self.to(dtype)``: ``self`` when it already has it).

    Parameters
    ----------
    dtype : dtype or str, optional
        A dtype (``autodiff.float64``) or a type name (``'autodiff.DoubleTensor'``).
        PyTorch's names (``'torch.DoubleTensor'``) are refused with a ``ValueError``
        that gives autodiff's.
    non_blocking : bool, default False
        Accepted for PyTorch's signature (CPU only: every copy is blocking).

    Returns
    -------
    str or Tensor

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2]).type()
    'autodiff.LongTensor'
    >>> autodiff.tensor([1, 2]).type(autodiff.float64)
    Tensor([1., 2.], dtype=float64)
    >>> autodiff.tensor([1, 2]).type("autodiff.FloatTensor")
    Tensor([1., 2.])
    """
    if dtype is None:
        name = self.data.dtype.name
        return f"autodiff.{_TYPE_NAMES.get(name, name)}"
    if isinstance(dtype, str) and "Tensor" in dtype:
        target = _TYPE_DTYPES.get(dtype)
        if target is None:
            ours = "autodiff." + dtype.rpartition(".")[2]
            if dtype.startswith("torch.") and ours in _TYPE_DTYPES:
                raise ValueError(f"type: {dtype!r} is PyTorch's name; use {ours!r}")
            raise ValueError(f"type: invalid type {dtype!r}")
        dtype = target
    return C.to(self, dtype)


def _new_sizes(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _new_factory(value):
    def new(
        self: Tensor, *size: Size, dtype: DTypeLike = None, device: DeviceLike = None,
        requires_grad: bool = False,
    ) -> Tensor:
        dtype = self.data.dtype if dtype is None else dtype
        return factories.full(_new_sizes(size), value, dtype=dtype, device=device,
                    requires_grad=requires_grad)

    return new


def _new_full(
    self: Tensor, size: Size, fill_value: Number, *, dtype: DTypeLike = None,
    device: DeviceLike = None, requires_grad: bool = False,
) -> Tensor:
    """``Tensor.new_full``: ``fill_value`` in ``size``, this tensor's dtype by default.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(1, dtype=autodiff.float64).new_full((2,), 3)
    Tensor([3., 3.], dtype=float64)
    """
    size = (size,) if isinstance(size, int) else tuple(size)
    return factories.full(size, fill_value, dtype=self.data.dtype if dtype is None else dtype,
                device=device, requires_grad=requires_grad)


def _new_tensor(
    self: Tensor, data: TensorLike, *, dtype: DTypeLike = None, device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``Tensor.new_tensor``: a copy of ``data``, this tensor's dtype by default.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(1, dtype=autodiff.float64).new_tensor([1, 2])
    Tensor([1., 2.], dtype=float64)
    """
    return factories.tensor(data, dtype=self.data.dtype if dtype is None else dtype,
                  device=device, requires_grad=requires_grad)


def _fill_random(self, values: np.ndarray) -> Tensor:
    # (as PyTorch: on a leaf that requires grad this raises outside no_grad)
    return I.copy_(self, Tensor(np.asarray(values, dtype=self.data.dtype)))


def _normal_(
    self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with samples of N(mean, std**2), from ``generator`` if given.

    Examples
    --------
    >>> import autodiff
    >>> g = autodiff.Generator().manual_seed(0)
    >>> a = autodiff.empty(3).normal_(generator=g)
    >>> b = autodiff.empty(3).normal_(generator=autodiff.Generator().manual_seed(0))
    >>> bool((a == b).all())
    True
    """
    return _fill_random(self, resolve(generator).normal(mean, std, size=self.data.shape))


def _uniform_(
    self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with samples of U(from_, to), from ``generator`` if given.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.empty(4).uniform_(-1, 1)
    >>> bool((x.abs() <= 1).all())
    True
    """
    return _fill_random(self, resolve(generator).uniform(from_, to, size=self.data.shape))


_bind()

__all__ = ["REGISTRY", "NP", "TS", "clone", "exported", "lt", "le", "gt", "ge", "eq", "ne"]
