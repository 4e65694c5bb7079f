"""Elementwise ops: arithmetic, unary maths, activations, where/clamp, casts.

Each op: a Node subclass (forward on ndarrays + VJP), a public function, and
sample inputs for the registry's gradchecks.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .._dtypes import default_float
from .._typing import DeviceLike, DTypeLike, Number, TensorLike
from ..device import to_args
from ..engine import (
    ALL_THREADS,
    CLOCK,
    KEEP_SMALL_VALUES,
    STATE,
    Node,
    _new,
    apply,
    apply1,
    apply2,
    record,
    record_unary,
    recording,
)
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    ToBackward,
    as_tensor_arg,
    binary,
    cast,
    check_broadcast,
    float_unary,
    operands,
    unary,
)

# ------------------------------------------- sample inputs of the declarations


def _erf_ref(x):
    """erf by the standard library, elementwise: the reference for erf_np's rational fit."""
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _scalar_samples(fn_low=None, fn_high=None):
    def make():
        return [
            R.Sample(
                (R.randn(2, 3, seed=1, low=fn_low, high=fn_high), 2.5), note="tensor op scalar"
            ),
            R.Sample((1.5, R.randn(3, seed=2, low=fn_low, high=fn_high)), note="scalar op tensor"),
        ]

    return make


def _both(*makers):
    return lambda: [s for m in makers for s in m()]


def _distinct_pairs():
    out = []
    for k, (sa, sb) in enumerate(R.BROADCAST_PAIRS):
        a = R.randn(*sa, seed=k)
        b = R.randn(*sb, seed=k + 100)
        # keep the pair apart so finite differences do not cross a tie
        bv = np.broadcast_to(b.value, np.broadcast_shapes(np.shape(a.value), np.shape(b.value)))
        av = np.broadcast_to(a.value, bv.shape)
        if np.min(np.abs(av - bv)) < 0.05:
            b = R.Arg(b.value + 0.37)
        out.append(R.Sample((a, b)))
    return out


def _un(low=-2.0, high=2.0, away=False):
    def make():
        if away:
            return [R.Sample((R.away_from_zero(3, 4),)), R.Sample((R.away_from_zero(),))]
        return [
            R.Sample((R.randn(3, 4, low=low, high=high),)),
            R.Sample((R.randn(low=low, high=high),), note="0-d"),
        ]

    return make


def _where_samples():
    cond = np.array([[True, False, True], [False, False, True]])
    return [
        R.Sample((cond, R.randn(2, 3), R.randn(3, seed=3))),
        R.Sample((cond[0], R.randn(2, 3), 0.5)),
    ]


# ------------------------------------------------------------------ binary


class AddBackward(Node):
    name = "add"
    saves = ()

    @staticmethod
    def forward(a, b, attrs):
        return a + b

    def vjp(self, g, xs, out, xp):
        return g, g


class SubBackward(Node):
    name = "sub"
    saves = ()

    @staticmethod
    def forward(a, b, attrs):
        return a - b

    def vjp(self, g, xs, out, xp):
        return g, (-g if self.needs[1] else None)


class MulBackward(Node):
    name = "mul"
    saves = {0: (1,), 1: (0,)}

    @staticmethod
    def forward(a, b, attrs):
        return a * b

    def vjp(self, g, xs, out, xp):
        a, b = xs
        needs = self.needs
        return (g * b if needs[0] else None), (g * a if needs[1] else None)


class SquareBackward(Node):
    name = "square"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return x * x

    def vjp(self, g, xs, out, xp):
        # one product instead of mul's two and their sum: 2 * (g * x) is exactly
        # g * x + g * x, the gradient of x * x
        gx = g * xs[0]
        return (gx + gx,)


class DivBackward(Node):
    name = "div"
    saves = {0: (1,), 1: (0, 1)}

    @staticmethod
    def forward(a, b, attrs):
        return a / b

    def vjp(self, g, xs, out, xp):
        a, b = xs
        ga = g / b if self.needs[0] else None
        # -g * ((a / b) / b), as PyTorch: b * b under/overflows for tiny/huge b
        gb = -g * (a / b / b) if self.needs[1] else None
        return ga, gb


class PowBackward(Node):
    name = "pow"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return a**b

    def vjp(self, g, xs, out, xp):
        a, b = xs
        ga = gb = None
        if self.needs[0]:
            if self.attrs == "bool exponent":
                raise RuntimeError(
                    "pow: the gradient of a ** b with a bool tensor exponent b is not "
                    "supported (as PyTorch: its pow backward computes b - 1, and Subtraction, "
                    "the `-` operator, with a bool tensor is not supported); convert the "
                    "exponent with .to(a.dtype) first"
                )
            # b * a^(b-1), exactly 0 where b == 0 (even at a = 0, +-inf or NaN: as PyTorch)
            # grouped g * (b * a^(b-1)) as PyTorch: at a subnormal a, a^(b-1) overflows and
            # b * inf is inf where (g * b) * inf would be 0 * inf = NaN
            ga = xp.where(b == 0, 0.0, g * (b * a ** xp.where(b == 0, 1.0, b - 1)))
        if self.needs[1]:
            # d(a^b)/db = a^b log a; 0 where a == 0 and b >= 0, as PyTorch (a == 0 and
            # b < 0 gives inf * log 0 = -inf there, as it does in PyTorch)
            zero = xp.logical_and(a == 0, b >= 0)
            safe = xp.where(zero, 1.0, a)
            gb = xp.where(zero, 0.0, g * (safe**b * xp.log(safe)))
        return ga, gb


class MaximumBackward(Node):
    name = "maximum"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return np.maximum(a, b)

    def vjp(self, g, xs, out, xp):
        # as PyTorch: where(a == b, g / 2, g), zeroed where the other input is larger; a
        # NaN in either input (no order) passes the whole gradient to both
        a, b = xs
        split = xp.where(a == b, g * 0.5, g)
        ga = xp.where(a < b, 0.0, split) if self.needs[0] else None
        gb = xp.where(b < a, 0.0, split) if self.needs[1] else None
        return ga, gb


class MinimumBackward(Node):
    name = "minimum"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return np.minimum(a, b)

    def vjp(self, g, xs, out, xp):
        # as maximum's, with the order reversed
        a, b = xs
        split = xp.where(a == b, g * 0.5, g)
        ga = xp.where(a > b, 0.0, split) if self.needs[0] else None
        gb = xp.where(b > a, 0.0, split) if self.needs[1] else None
        return ga, gb


# Tensor-with-Python-number forms: no constant Tensor, no promotion work. A
# Python int/float next to a float tensor keeps the tensor's dtype (NumPy
# treats Python scalars as weak, as PyTorch does).
_PYNUM = (float, int)
_TRUE1 = (True,)
_CONSTS: dict = {}  # (value, dtype) -> 0-d constant, for other float dtypes
# float32 and float64 constants by value alone: a dtype hashes slowly (~30 ns), and
# these two are singletons, told apart by identity
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_I64, _I62 = np.dtype(np.int64), 2**62
_CONSTS32: dict = {}
_CONSTS64: dict = {}


def scalar_array(value, dtype) -> np.ndarray:
    """A cached read-only 0-d array of ``dtype``: NumPy multiplies by it faster
    than by a Python float, and it cannot promote the tensor's dtype."""
    if dtype is _F64:
        table, key = _CONSTS64, value
    elif dtype is _F32:
        table, key = _CONSTS32, value
    else:
        table, key = _CONSTS, (value, dtype)
    arr = table.get(key)
    if arr is None:
        if len(table) > 4096:
            table.clear()
        arr = np.array(value, dtype=dtype)
        arr.flags.writeable = False
        # zeros are not cached: 0.0 == -0.0 (one key), but x * -0.0 and x / -0.0
        # differ from x * 0.0 and x / 0.0 in sign
        if value != 0:
            table[key] = arr
    return arr


class AddScalarBackward(Node):
    name = "add"
    saves = ()

    @staticmethod
    def forward(x, s):
        return x + s

    def vjp(self, g, xs, out, xp):
        return (g,)


class MulScalarBackward(Node):
    name = "mul"
    saves = ()

    @staticmethod
    def forward(x, s):
        return x * s

    def vjp(self, g, xs, out, xp):
        return (g * self.attrs,)


class RSubScalarBackward(Node):
    name = "rsub"
    saves = ()

    @staticmethod
    def forward(x, s):
        return s - x

    def vjp(self, g, xs, out, xp):
        return (-g,)


class DivScalarBackward(Node):
    name = "div"
    saves = ()

    @staticmethod
    def forward(x, s):
        return x / s

    def vjp(self, g, xs, out, xp):
        return (g / self.attrs,)


class RDivScalarBackward(Node):
    name = "rdiv"
    saves = (0,)

    @staticmethod
    def forward(x, s):
        return s / x

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (-(g * self.attrs) / (x * x),)


class PowScalarBackward(Node):
    name = "pow"
    saves = (0,)

    @staticmethod
    def forward(x, s):
        if s == 3 and s is not True:
            # x ** 3.0: NumPy's power has no fast path for 3 (a generic pow per element,
            # ~80x slower than this); PyTorch multiplies too (x * x * x)
            return x * x * x
        return x**s

    def vjp(self, g, xs, out, xp):
        s = self.attrs
        x = xs[0]
        if s == 2:
            return (g * 2.0 * x,)
        if s == 0:
            if s is False:
                # x ** False (a Python bool): PyTorch has no shortcut for a bool exponent,
                # g * (0 * x^-1), NaN at x = 0
                return (g * (0.0 * x**-1.0),)
            return (g * 0.0,)
        return (g * (s * x ** (s - 1)),)  # grouped as PyTorch (see PowBackward)


class RPowScalarBackward(Node):
    name = "rpow"
    saves = ("out",)

    @staticmethod
    def forward(x, s):
        return s**x

    def vjp(self, g, xs, out, xp):
        return (g * out * math.log(self.attrs),)


def _binary_checked(cls, a, b, opname):
    try:
        return binary(cls, a, b, opname)
    except ValueError:
        sa = getattr(a, "shape", ())
        sb = getattr(b, "shape", ())
        check_broadcast(opname, sa, sb)
        raise


_ONE = 1  # add/sub's default alpha


def _arith(
    name, ufunc, tensor_cls, scalar_cls, rscalar_cls, rufunc, negate=False, tensor_ufunc=None
):
    """Build a binary arithmetic op with inlined fast paths.

    (float Tensor, number) and (number, float Tensor) use scalar nodes with a
    cached 0-d constant; two Tensors of one dtype skip promotion. Everything
    else takes the general path (promotion, clear broadcast errors).

    (Long on purpose: ``op`` is what ``a + b`` runs, and each helper call split
    out of it costs ~0.1 us an op, measured in the small_ops benchmark.)
    """
    tensor_ufunc = tensor_ufunc or ufunc
    int_ok = name in ("add", "sub", "mul")  # int64 op int stays int64 (not div)
    if not scalar_cls._keeps_nodes or scalar_cls._uses_out:
        raise TypeError(f"{name}: the inlined scalar path needs a shape-only scalar node")

    def op(a: TensorLike, b: TensorLike, *, alpha: TensorLike = _ONE) -> Tensor:
        if alpha is not _ONE:  # (the default object itself: one identity test an op)
            return _with_alpha(name, a, b, alpha)
        if type(b) in _PYNUM:
            if isinstance(a, Tensor):
                data = a._data
                dtype = data.dtype
                if dtype.kind == "f":
                    value = -b if negate else b
                    c = (
                        _CONSTS64.get(value)
                        if dtype is _F64
                        else _CONSTS32.get(value)
                        if dtype is _F32
                        else None
                    )
                    if c is None:
                        c = scalar_array(value, dtype)
                    out = ufunc(data, c)
                    if not a.requires_grad or not (
                        not ALL_THREADS.off or STATE.grad_enabled
                    ):
                        return _make(out, None)
                    if type(out) is not np.ndarray:  # (0-d in, a NumPy scalar out)
                        out = np.asarray(out)
                    if ALL_THREADS.anomalous:
                        return record_unary(scalar_cls, a, c, out)
                    # record_unary's lean path, inlined (see _fast_unary): a scalar
                    # op's VJP reads no values, so a non-leaf's producer stands in
                    node = _new(scalar_cls)
                    fn = a.grad_fn
                    if fn is None:
                        node.inputs = (a,)
                    else:
                        fn.shape = data.shape
                        fn.dtype = dtype
                        if fn.out is None and data.size <= KEEP_SMALL_VALUES:
                            fn.out = data
                        node.inputs = (fn,)
                    node.needs = _TRUE1
                    node.attrs = c
                    node.out = None
                    node.clock = CLOCK.clock
                    node.hooks = None
                    t = _new(Tensor)
                    t._data = out
                    t.requires_grad = True
                    t.grad_fn = node
                    t._grad = None
                    return t
                if dtype is _I64 and type(b) is int and int_ok and -_I62 < b < _I62:
                    # (an index tensor and an offset, x[t:t + 8]: no grad, no promotion)
                    return _make(ufunc(data, -b if negate else b), None)
        elif type(a) in _PYNUM:
            if isinstance(b, Tensor):
                data = b._data
                dtype = data.dtype
                if dtype.kind == "f":
                    c = (
                        _CONSTS64.get(a)
                        if dtype is _F64
                        else _CONSTS32.get(a)
                        if dtype is _F32
                        else None
                    )
                    if c is None:
                        c = scalar_array(a, dtype)
                    out = rufunc(c, data)
                    if b.requires_grad and (not ALL_THREADS.off or STATE.grad_enabled):
                        return record_unary(rscalar_cls, b, c, out)
                    return _make(out, None)
        elif isinstance(a, Tensor) and isinstance(b, Tensor):
            da = a._data
            db = b._data
            if (
                a is b
                and name == "mul"
                and a.requires_grad
                and (not ALL_THREADS.off or STATE.grad_enabled)
            ):
                return record(SquareBackward, (a,), _TRUE1, None, da * da)
            if da.dtype == db.dtype and (da.dtype.kind == "f" or name != "div"):
                try:
                    out = tensor_ufunc(da, db)
                except ValueError:
                    check_broadcast(name, da.shape, db.shape)
                    raise
                except TypeError:  # bool - bool: PyTorch's error, not NumPy's
                    _refuse_bool_sub(name, a, b)
                    raise
                ra = a.requires_grad
                rb = b.requires_grad
                if (ra or rb) and (not ALL_THREADS.off or STATE.grad_enabled):
                    return record(tensor_cls, (a, b), (ra, rb), None, out)
                return _make(out, None)
        if name == "div":
            return _div_general(a, b)
        if name == "sub":
            _refuse_bool_sub(name, a, b)
        return _binary_checked(tensor_cls, a, b, name)

    op.__name__ = op.__qualname__ = name
    return op


def _with_alpha(name, a, b, alpha) -> Tensor:
    """``a + alpha * b`` (``a - alpha * b`` for sub), with PyTorch's checks on ``alpha``."""
    if name not in ("add", "sub"):
        raise TypeError(f"{name}() got an unexpected keyword argument 'alpha'")
    if isinstance(alpha, Tensor):
        alpha = alpha.item()
    _refuse_bool_sub(name, a, b)
    a, b = operands(a, b, name)
    check_alpha(a._data.dtype, alpha)
    if a._data.dtype.kind == "b":  # bool + alpha * bool: a logical or (alpha != 0)
        return _make(a._data | (b._data & bool(alpha)), None)
    scaled = _ARITH_BY_NAME["mul"](b, alpha)
    return _ARITH_BY_NAME[name](a, scaled)


def check_alpha(dtype, alpha) -> None:
    """PyTorch's checks of ``alpha`` against the result's dtype (add, sub, add_, sub_)."""
    kind = np.dtype(dtype).kind
    if isinstance(alpha, complex):
        raise RuntimeError(
            "For non-complex input tensors, argument alpha must not be a complex number."
        )
    if isinstance(alpha, (bool, np.bool_)) and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if kind in "biu" and isinstance(alpha, (float, np.floating)):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )


def _is_bool(v) -> bool:
    if isinstance(v, Tensor):
        return v._data.dtype.kind == "b"
    return isinstance(v, (bool, np.bool_)) or (isinstance(v, np.ndarray) and v.dtype.kind == "b")


def _refuse_bool_sub(name, a, b) -> None:
    """PyTorch refuses subtraction with a bool operand (tensor or Python bool)."""
    if name != "sub":
        return
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    if ba or bb:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _div_general(a, b) -> Tensor:
    a, b = operands(a, b, "div")
    if a.data.dtype.kind != "f":
        a, b = cast(a, default_float()), cast(b, default_float())
    try:
        return apply2(DivBackward, a, b)
    except ValueError:
        check_broadcast("div", a.shape, b.shape)
        raise


add = _arith("add", np.add, AddBackward, AddScalarBackward, AddScalarBackward, np.add)
add.__doc__ = """Elementwise ``a + b`` with broadcasting.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.add(autodiff.tensor([1.0, 2.0]), 1.0)
    Tensor([2., 3.])
    """
R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.add)(add)
sub = _arith(
    "sub",
    np.add,
    SubBackward,
    AddScalarBackward,
    RSubScalarBackward,
    np.subtract,
    negate=True,
    tensor_ufunc=np.subtract,
)
sub.__doc__ = """Elementwise ``a - b`` with broadcasting.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sub(autodiff.tensor([1.0, 2.0]), 1.0)
    Tensor([0., 1.])
    """
R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.subtract)(sub)
mul = _arith("mul", np.multiply, MulBackward, MulScalarBackward, MulScalarBackward, np.multiply)
mul.__doc__ = """Elementwise ``a * b`` with broadcasting.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mul(autodiff.tensor([1.0, 2.0]), 3.0)
    Tensor([3., 6.])
    """
R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.multiply)(mul)
_ARITH_BY_NAME = {"add": add, "sub": sub, "mul": mul}
# the operator / (ops/__init__ binds it): no rounding_mode to look at
true_div = _arith(
    "div", np.true_divide, DivBackward, DivScalarBackward, RDivScalarBackward, np.true_divide
)


def div(a: TensorLike, b: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
    """Elementwise true division ``a / b`` (integers give the default float); with
    ``rounding_mode="trunc"`` or ``"floor"``, the quotient rounded (integers stay
    integers; zero gradient), as PyTorch (``ops/math.py``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.div(autodiff.tensor([1, 2]), 2)
    Tensor([0.5, 1. ])
    >>> autodiff.div(autodiff.tensor([-7, 7]), 2, rounding_mode="floor")
    Tensor([-4,  3])
    """
    if rounding_mode is None:
        return true_div(a, b)
    from .math import div_rounded  # (here: autodiff.ops.math imports this module)

    return div_rounded(a, b, rounding_mode)


R.op(
    samples=_both(R.broadcast_pairs(b_low=0.5, b_high=2.0), _scalar_samples(0.5, 2.0)),
    method=True,
    ref=np.divide,
)(div)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3, low=0.5, high=2.0), R.randn(2, 3, seed=4, low=-1.5, high=1.5))),
        R.Sample((R.randn(2, 3, low=0.5, high=2.0), R.randn(3, seed=9, low=0.5, high=2.0))),
        R.Sample((R.randn(4, low=0.5, high=2.0), 3)),
        R.Sample((R.randn(4, low=0.5, high=2.0), 0.5)),
        R.Sample((R.randn(4, low=-2.0, high=2.0), 2)),
        R.Sample((2.0, R.randn(4, low=-1.0, high=1.0))),
    ],
    method=True,
)
def pow(a: TensorLike, b: TensorLike) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise ``a ** b``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pow(autodiff.tensor([2.0, 3.0]), 2)
    Tensor([4., 9.])
    """
    if type(b) in _PYNUM and isinstance(a, Tensor) and a.data.dtype.kind == "f":
        return apply1(PowScalarBackward, a, b)
    if type(a) in _PYNUM and a > 0 and isinstance(b, Tensor) and b.data.dtype.kind == "f":
        return apply1(RPowScalarBackward, b, float(a))
    if (
        isinstance(a, Tensor)
        and isinstance(b, Tensor)
        and a._data.dtype.kind == "f"
        and b._data.dtype.kind == "f"
    ):
        return _binary_checked(PowBackward, a, b, "pow")
    return _pow_general(a, b)


_INT_NEG_POW = "Integers to negative integer powers are not allowed."


def _int_pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer ``a ** b`` as PyTorch, negative exponents included: 1 ** b is 1,
    (-1) ** b is 1 or -1 by the parity of b, and any other base gives 0."""
    neg = b < 0
    if not neg.any():
        return np.asarray(a**b)
    out = a ** np.where(neg, 0, b).astype(b.dtype, copy=False)
    parity = np.where(b % 2 == 0, 1, -1)
    at_neg = np.where(a == 1, 1, np.where(a == -1, parity, 0))
    return np.asarray(np.where(neg, at_neg, out).astype(out.dtype, copy=False))


def _pow_general(a, b) -> Tensor:
    """pow for everything but float ** float: bool and integer operands as PyTorch."""
    ba, bb = _is_bool(a), _is_bool(b)
    if bb and isinstance(b, (bool, np.bool_)) and isinstance(a, Tensor):
        if a._data.dtype.kind == "f":  # (attrs False: see PowScalarBackward)
            return apply1(PowScalarBackward, a, bool(b))
    if ba and bb:
        if isinstance(a, Tensor) and isinstance(b, (bool, np.bool_)):
            # PyTorch's shortcuts for a scalar exponent: x ** True copies x, x ** False is
            # ones (no pow kernel runs, so the bool dtype stays)
            data = a._data.copy() if b else np.ones_like(a._data)
            return _make(data, None)
        raise NotImplementedError(
            "\"pow\" not implemented for 'Bool': both operands of ** are bool (as PyTorch); "
            "convert one with .to(autodiff.int64) or .float()"
        )
    if (
        isinstance(b, numbers.Integral)
        and not isinstance(b, (bool, np.bool_))
        and b < 0
        and isinstance(a, Tensor)
        and a._data.dtype.kind in "biu"
    ):
        # a negative Python-number exponent on an integer tensor: PyTorch refuses (a
        # tensor exponent is computed below, as PyTorch does)
        raise RuntimeError(
            f"{_INT_NEG_POW} (integer tensor ** {b}; use a float exponent, e.g. ** {float(b)})"
        )
    ta, tb = operands(a, b, "pow")
    da, db = ta._data, tb._data
    if da.dtype.kind in "biu":
        try:
            out = _int_pow(da, db)
        except ValueError:
            check_broadcast("pow", da.shape, db.shape)
            raise
        return _make(out, None)
    if bb and isinstance(b, Tensor):
        try:
            # PyTorch computes the forward, but its backward for the base evaluates
            # b - 1 on the bool exponent and raises: so does autodiff's, at backward time
            return apply2(PowBackward, ta, tb, "bool exponent")
        except ValueError:
            check_broadcast("pow", da.shape, db.shape)
            raise
    return _binary_checked(PowBackward, ta, tb, "pow")


@R.op(samples=_distinct_pairs, method=True)
def maximum(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise maximum; ties split the gradient evenly (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.maximum(autodiff.tensor([1.0, 5.0]), autodiff.tensor([3.0, 2.0]))
    Tensor([3., 5.])
    """
    return _binary_checked(MaximumBackward, a, b, "maximum")


@R.op(samples=_distinct_pairs, method=True)
def minimum(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise minimum; ties split the gradient evenly (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.minimum(autodiff.tensor([1.0, 5.0]), autodiff.tensor([3.0, 2.0]))
    Tensor([1., 2.])
    """
    return _binary_checked(MinimumBackward, a, b, "minimum")


def _scalar_op_samples(low=-2.0, high=2.0):
    return lambda: [
        R.Sample((R.randn(2, 3, seed=11, low=low, high=high), 1.7)),
        R.Sample((-0.6, R.randn(3, seed=12, low=low, high=high))),
        R.Sample((R.randn(3, seed=13, low=low, high=high), 2)),
    ]


# the scalar fast paths are separate nodes: check them on their own
R.register("add_scalar", add, _scalar_op_samples())
R.register("sub_scalar", sub, _scalar_op_samples())
R.register("mul_scalar", mul, _scalar_op_samples())
R.register("div_scalar", div, _scalar_op_samples(0.5, 2.0))
R.register(
    "pow_scalar",
    pow,
    lambda: [
        R.Sample((R.randn(2, 3, low=0.5, high=2.0), 2)),
        R.Sample((R.randn(2, 3, low=0.5, high=2.0), -1.5)),
        R.Sample((R.randn(2, 3, low=0.5, high=2.0), 0)),
        R.Sample((1.7, R.randn(3, low=-1.0, high=1.0))),
    ],
)


# ------------------------------------------------------------------- unary


class NegBackward(Node):
    name = "neg"
    saves = ()

    ufunc = np.negative  # the forward: np.negative(x)

    def vjp(self, g, xs, out, xp):
        return (-g,)


class ExpBackward(Node):
    name = "exp"
    saves = ("out",)

    ufunc = np.exp  # the forward: np.exp(x)

    def vjp(self, g, xs, out, xp):
        return (g * out,)


class LogBackward(Node):
    name = "log"
    saves = (0,)

    ufunc = np.log  # the forward: np.log(x)

    def vjp(self, g, xs, out, xp):
        return (g / xs[0],)


class SqrtBackward(Node):
    name = "sqrt"
    saves = ("out",)

    ufunc = np.sqrt  # the forward: np.sqrt(x)

    def vjp(self, g, xs, out, xp):
        return (g / (out * 2.0),)


class AbsBackward(Node):
    name = "abs"
    saves = (0,)

    ufunc = np.abs  # the forward: np.abs(x)

    def vjp(self, g, xs, out, xp):
        # sign(0) = 0, so abs'(0) = 0 as in PyTorch; and abs'(NaN) = 0 there too
        x = xs[0]
        return (xp.where(x != x, 0.0, g * xp.sign(x)),)


class SinBackward(Node):
    name = "sin"
    saves = (0,)

    ufunc = np.sin  # the forward: np.sin(x)

    def vjp(self, g, xs, out, xp):
        return (g * xp.cos(xs[0]),)


class CosBackward(Node):
    name = "cos"
    saves = (0,)

    ufunc = np.cos  # the forward: np.cos(x)

    def vjp(self, g, xs, out, xp):
        return (-g * xp.sin(xs[0]),)


class TanhBackward(Node):
    name = "tanh"
    saves = ("out",)

    ufunc = np.tanh  # the forward: np.tanh(x)

    def vjp(self, g, xs, out, xp):
        gout = g * out
        return (g - gout * out,)  # g * (1 - out^2), without a Python-scalar operand


def _sigmoid_np(x):
    # never exponentiate a large positive number
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


class SigmoidBackward(Node):
    name = "sigmoid"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return _sigmoid_np(x)

    def vjp(self, g, xs, out, xp):
        gout = g * out
        return (gout - gout * out,)  # g * out * (1 - out)


class ReluBackward(Node):
    name = "relu"
    saves = ("out_const",)
    # saves its result (which the next layer usually keeps anyway), not its input

    @staticmethod
    def forward(x, attrs):
        return np.maximum(x, 0)

    def vjp(self, g, xs, out, xp):
        # relu'(0) = 0 and relu'(NaN) = 1, as PyTorch (which passes the gradient unless
        # out <= 0); out = max(x, 0) is >= 0 or NaN, so that is exactly out != 0
        return (g * (out != 0),)


class SignBackward(Node):
    name = "sign"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        if x.dtype.kind == "f":
            return np.where(x != x, 0.0, np.sign(x))  # sign(NaN) is 0, as PyTorch
        return np.sign(x)

    def vjp(self, g, xs, out, xp):
        return (g * 0.0,)


# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
# (1969) 631-638 (Netlib's CALERF): rational approximations on three intervals, accurate
# to double precision. NumPy has no erf (and math.erf, element by element, is slow).
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)  # fmt: skip
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)  # fmt: skip
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)  # fmt: skip
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)  # fmt: skip
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
          1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)  # fmt: skip
_ERF_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
          6.05183413124413191e-2, 2.33520497626869185e-3)  # fmt: skip
_ONE_OVER_SQRT_PI = 5.6418958354775628695e-1


def _rational(z: np.ndarray, num: tuple, den: tuple) -> np.ndarray:
    """Cody's ratio: (((num[-1] z + num[0]) z + num[1]) z ... + num[k]) over
    (((z + den[0]) z + den[1]) z ... + den[k]), k = len(den) - 1, in place."""
    n = z * num[-1]
    d = z + den[0]
    for i in range(len(den) - 1):
        n += num[i]
        n *= z
        d *= z
        d += den[i + 1]
    n += num[len(den) - 1]
    n /= d
    return n


def _erfc_over_half(y: np.ndarray) -> np.ndarray:
    """erfc(y) for float64 y > 0.46875: Cody's second (y <= 4) and third intervals."""
    mid = y <= 4.0
    if mid.all():
        out = _rational(y, _ERF_C, _ERF_D)
    else:
        out = np.zeros_like(y)
        out[mid] = _rational(y[mid], _ERF_C, _ERF_D)
        tail = ~mid & (y < 27.0)  # erfc(27) < 1e-318: 0 beyond (and at inf)
        yt = y[tail]
        z = 1.0 / (yt * yt)
        out[tail] = (_ONE_OVER_SQRT_PI - z * _rational(z, _ERF_P, _ERF_Q)) / yt
    # times exp(-y^2), as exp(-s^2) exp(-(y - s)(y + s)) with s = y rounded down to a
    # multiple of 1/16: s^2 is exact, so y^2's rounding error is not magnified (y is
    # capped at 27, where out is already 0: y * 16 would overflow for y near 1.8e308)
    y = np.minimum(y, 27.0)
    s = y * 16.0
    np.trunc(s, out=s)
    s *= 0.0625
    with np.errstate(under="ignore", invalid="ignore"):  # (inf - inf at y = inf)
        d = y - s
        d *= y + s
        s *= s
        np.negative(s, out=s)
        np.negative(d, out=d)
        np.exp(s, out=s)
        np.exp(d, out=d)
        out *= s
        out *= d
    out[y == np.inf] = 0.0
    return out


def erf_np(x: np.ndarray) -> np.ndarray:
    """The error function of a float array, to double precision (Cody's algorithm);
    float32 input is computed in float64 and rounded."""
    dtype = x.dtype
    xd = x.astype(np.float64, copy=False)
    y = np.abs(xd)
    small = y <= 0.46875
    if small.all():
        out = xd * _rational(y * y, _ERF_A, _ERF_B)
    else:
        out = np.empty_like(xd)
        xs = xd[small]
        out[small] = xs * _rational(xs * xs, _ERF_A, _ERF_B)
        rest = ~small  # (NaN too: it stays NaN)
        xr = xd[rest]
        r = _erfc_over_half(np.abs(xr))
        np.subtract(0.5, r, out=r)
        r += 0.5
        out[rest] = np.copysign(r, xr)
    return out.astype(dtype, copy=False)


class ErfBackward(Node):
    name = "erf"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return erf_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g * (2.0 / math.sqrt(math.pi)) * xp.exp(-(x * x)),)


_BOOL_UNARY_ERRORS = {
    "abs": (NotImplementedError, "\"abs_cpu\" not implemented for 'Bool' (abs of a bool tensor)"),
    "relu": (RuntimeError, "Boolean inputs not supported for relu"),
    "neg": (
        RuntimeError,
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead.",
    ),
}


def _nonfloat_unary(cls, x, name: str) -> Tensor:
    """A unary op on a non-float tensor (or a non-Tensor): bool inputs as PyTorch."""
    if not isinstance(x, Tensor):
        x = as_tensor_arg(x, name)
    if x._data.dtype.kind == "b":
        err = _BOOL_UNARY_ERRORS.get(name)
        if err is not None:
            raise err[0](err[1])
        if name == "square":  # PyTorch: the square of a bool tensor is int64
            x = cast(x, np.int64)
    return apply1(cls, x)


def _fast_unary(cls, float_only: bool):
    """The public unary op of ``cls`` (decorate its documented signature): the float
    path inlined, as the hottest path of small graphs; other inputs promoted
    (``float_only``) or checked as PyTorch (bool inputs).

    The float path calls ``cls.ufunc`` directly where the op declares one (a Python
    ``forward`` costs a frame, ~60 ns) and records inline (a call of
    ``engine.record_unary`` costs ~75 ns, 8% of ``x.tanh()`` on 16 elements): it
    makes exactly the node ``record_unary`` would (tests/test_engine.py checks),
    and leaves anything but an ndarray result outside anomaly mode to it."""
    forward = cls.forward
    compute = cls.ufunc or (lambda data: forward(data, None))
    keeps_nodes = cls._keeps_nodes
    uses_out = cls._uses_out

    def build(public):
        name = public.__name__

        def op(x):
            if isinstance(x, Tensor):
                data = x._data
                if data.dtype.kind == "f":
                    out = compute(data)
                    if not x.requires_grad or not (
                        not ALL_THREADS.off or STATE.grad_enabled
                    ):
                        return _make(out, None)
                    if type(out) is not np.ndarray:  # (0-d in, a NumPy scalar out)
                        out = np.asarray(out)
                    if ALL_THREADS.anomalous:
                        return record_unary(cls, x, None, out)
                    # record_unary's lean path, inlined
                    node = _new(cls)
                    fn = x.grad_fn
                    if fn is None or not keeps_nodes:
                        node.inputs = (x,)
                    else:
                        fn.shape = data.shape
                        fn.dtype = data.dtype
                        if fn.out is None and data.size <= KEEP_SMALL_VALUES:
                            fn.out = data
                        node.inputs = (fn,)
                    node.needs = _TRUE1
                    node.attrs = None
                    node.out = out if uses_out else None
                    node.clock = CLOCK.clock
                    node.hooks = None
                    t = _new(Tensor)
                    t._data = out
                    t.requires_grad = True
                    t.grad_fn = node
                    t._grad = None
                    return t
            if float_only:
                return float_unary(cls, x, name)
            return _nonfloat_unary(cls, x, name)

        op.__name__ = op.__qualname__ = name
        op.__doc__ = public.__doc__
        op.__annotations__ = dict(public.__annotations__)  # (its hints: help() shows them)
        return op

    return build


@R.op(samples=_un(), method=True, ref=np.negative)
@_fast_unary(NegBackward, float_only=False)
def neg(x: TensorLike) -> Tensor:
    """Elementwise ``-x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.neg(autodiff.tensor([1.0, -2.0]))
    Tensor([-1.,  2.])
    """


@R.op(samples=_un(), method=True, ref=np.exp)
@_fast_unary(ExpBackward, float_only=True)
def exp(x: TensorLike) -> Tensor:
    """Elementwise e**x.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.exp(autodiff.tensor([0.0]))
    Tensor([1.])
    """


@R.op(
    errors=lambda: [
        R.ErrorInput(("a",), error=TypeError, match="must be a Tensor or a number, got str")
    ],
    samples=_un(0.3, 3.0),
    method=True,
    ref=np.log,
)
@_fast_unary(LogBackward, float_only=True)
def log(x: TensorLike) -> Tensor:
    """Elementwise natural logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.square)
def square(x: TensorLike) -> Tensor:
    """Elementwise ``x * x``; ``x * x`` on one Tensor records this op too.

    Its backward is one product, ``2 * g * x``, where a general product would
    compute ``g * x`` twice and add the two.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.square(autodiff.tensor([-1.5, 2.0]))
    Tensor([2.25, 4.  ])
    """
    if isinstance(x, Tensor) and x._data.dtype.kind == "f":
        return apply1(SquareBackward, x)
    return _nonfloat_unary(SquareBackward, x, "square")


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.sqrt)
@_fast_unary(SqrtBackward, float_only=True)
def sqrt(x: TensorLike) -> Tensor:
    """Elementwise square root.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sqrt(autodiff.tensor([4.0]))
    Tensor([2.])
    """


@R.op(samples=_un(away=True), method=True, ref=np.abs)
@_fast_unary(AbsBackward, float_only=False)
def abs(x: TensorLike) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise absolute value; its gradient at 0 is 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.abs(autodiff.tensor([-1.5, 2.0]))
    Tensor([1.5, 2. ])
    """


@R.op(samples=_un(), method=True, ref=np.sin)
@_fast_unary(SinBackward, float_only=True)
def sin(x: TensorLike) -> Tensor:
    """Elementwise sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sin(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.cos)
@_fast_unary(CosBackward, float_only=True)
def cos(x: TensorLike) -> Tensor:
    """Elementwise cosine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cos(autodiff.tensor([0.0]))
    Tensor([1.])
    """


@R.op(samples=_un(), method=True, ref=np.tanh)
@_fast_unary(TanhBackward, float_only=True)
def tanh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic tangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-4.0, 4.0), method=True, ref=lambda x: 1 / (1 + np.exp(-x)))
@_fast_unary(SigmoidBackward, float_only=True)
def sigmoid(x: TensorLike) -> Tensor:
    """Elementwise logistic sigmoid, stable for large |x|.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sigmoid(autodiff.tensor([0.0, 1000.0, -1000.0]))
    Tensor([0.5, 1. , 0. ])
    """


@R.op(samples=_un(away=True), method=True, ref=lambda x: np.maximum(x, 0))
@_fast_unary(ReluBackward, float_only=False)
def relu(x: TensorLike) -> Tensor:
    """Elementwise max(x, 0); its gradient at 0 is 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.relu(autodiff.tensor([-1.0, 2.0]))
    Tensor([0., 2.])
    """


@R.op(samples=_un(away=True), method=True, ref=np.sign)
def sign(x: TensorLike) -> Tensor:
    """Elementwise sign (-1, 0 or 1); its gradient is zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sign(autodiff.tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.])
    """
    if isinstance(x, Tensor) and x._data.dtype.kind == "b":
        return _make(x._data.copy(), None)  # a bool tensor is its own sign (as PyTorch)
    return unary(SignBackward, x, "sign")


@R.op(samples=_un(), method=True, ref=_erf_ref)
def erf(x: TensorLike) -> Tensor:
    """Elementwise error function (W. J. Cody's rational approximations: double precision).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.erf(autodiff.tensor([1.0])).item(), 5)
    0.8427
    """
    return float_unary(ErfBackward, x, "erf")


# unary ops PyTorch refuses on a bool tensor: (exception type, message), as PyTorch 2.13


# x * x on one Tensor is recorded as square: check that route too
R.register("mul_self", lambda x: mul(x, x), _un())


# --------------------------------------------------------- parameterised unary


class ClampBackward(Node):
    name = "clamp"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        lo, hi = attrs
        return np.clip(x, lo, hi)

    def vjp(self, g, xs, out, xp):
        lo, hi = self.attrs
        x = xs[0]
        # the gradient passes at the bounds themselves (as PyTorch)
        if lo is not None and hi is not None:
            mask = xp.logical_and(x >= lo, x <= hi)
        elif lo is not None:
            mask = x >= lo
        else:
            mask = x <= hi
        return (g * mask,)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))),), error=ValueError, match="at least one of min= and max="
        )
    ],
    samples=lambda: [
        R.Sample((R.Arg(np.array([-1.7, -0.3, 0.4, 1.3, 2.2])),), {"min": -1.0, "max": 1.0}),
        R.Sample((R.Arg(np.array([-1.7, 0.4, 1.3])),), {"min": 0.0}),
        R.Sample((R.Arg(np.array([-1.7, 0.4, 1.3])),), {"max": 0.0}),
    ],
    method=True,
)
def clamp(  # noqa: A002 - PyTorch's names
    x: TensorLike, min: Tensor | Number | None = None, max: Tensor | Number | None = None
) -> Tensor:
    """Limit values to [min, max]; the gradient passes where min <= x <= max.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.clamp(autodiff.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
    Tensor([0. , 0.5, 1. ])
    """
    x = as_tensor_arg(x, "clamp")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_tensors(x, min, max)
    if x.data.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        x = cast(x, default_float())  # int tensor with float bounds: as PyTorch
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min= and max=")
    for nm, v in (("min", min), ("max", max)):
        if v is not None and not isinstance(v, (int, float, np.number)):
            raise TypeError(f"clamp: {nm} must be a number, got {type(v).__name__}")
    return apply1(ClampBackward, x, (min, max))


def _clamp_tensors(x: Tensor, lo, hi) -> Tensor:
    """clamp with Tensor bounds (broadcasting), as PyTorch: ``x`` gets the gradient
    where it lies within the bounds, a bound where it is the answer."""
    if lo is None and hi is None:
        raise ValueError("clamp: give at least one of min= and max=")
    out = x
    for bound, below in ((lo, True), (hi, False)):
        if bound is None:
            continue
        b = bound.data if isinstance(bound, Tensor) else bound
        take = np.less(out.data, b) if below else np.greater(out.data, b)
        out = where(_make(np.asarray(take), None), bound, out)
    return out


def float_arg(x, opname: str) -> Tensor:
    """``x`` as a Tensor, which must be floating: PyTorch has no integer kernel for
    these activations (it raises rather than promoting, unlike exp or sigmoid)."""
    x = as_tensor_arg(x, opname)
    if x.data.dtype.kind != "f":
        raise TypeError(
            f"{opname}: needs a floating-point tensor, got dtype {x.data.dtype} (as PyTorch, "
            f"which does not promote integers here); convert it first, e.g. x.float()"
        )
    return x


class LeakyReluBackward(Node):
    name = "leaky_relu"
    saves = (0,)

    @staticmethod
    def forward(x, slope):
        return np.where(x > 0, x, x * slope)

    def vjp(self, g, xs, out, xp):
        return (xp.where(xs[0] > 0, g, g * self.attrs),)


@R.op(samples=lambda: [R.Sample((R.away_from_zero(3, 4),), {"negative_slope": 0.1})])
def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    """max(x, 0) + negative_slope * min(x, 0).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.leaky_relu(autodiff.tensor([-1.0, 2.0]), 0.1)
    Tensor([-0.1,  2. ])
    """
    return apply1(LeakyReluBackward, float_arg(x, "leaky_relu"), float(negative_slope))


class EluBackward(Node):
    name = "elu"
    saves = (0,)

    @staticmethod
    def forward(x, alpha):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        # as PyTorch, the negative branch is the one taken where x <= 0 (NaN takes g)
        neg = x <= 0
        return (xp.where(neg, g * self.attrs * xp.exp(xp.where(neg, x, 0.0)), g),)


@R.op(samples=lambda: [R.Sample((R.away_from_zero(3, 4),), {"alpha": 1.3})])
def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.elu(autodiff.tensor([0.0, 2.0]))
    Tensor([0., 2.])
    """
    return apply1(EluBackward, float_arg(x, "elu"), float(alpha))


class SoftplusBackward(Node):
    name = "softplus"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        beta, threshold = attrs
        bx = beta * x
        soft = np.logaddexp(0, bx) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        beta, threshold = self.attrs
        x = xs[0]
        bx = x * beta
        s = xp.sigmoid(bx)
        return (xp.where(bx > threshold, g, g * s),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4, low=-3, high=3),)),
        R.Sample((R.randn(3, 4, low=-3, high=3),), {"beta": 2.0, "threshold": 3.0}),
    ],
)
def softplus(x: TensorLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear above ``threshold`` (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.softplus(autodiff.tensor([0.0])).item(), 4)
    0.6931
    """
    return apply1(SoftplusBackward, float_arg(x, "softplus"), (float(beta), float(threshold)))


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GeluBackward(Node):
    name = "gelu"
    saves = (0,)

    @staticmethod
    def forward(x, approximate):
        if approximate == "tanh":
            return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
        return 0.5 * x * (1.0 + erf_np(x * _INV_SQRT_2))

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        if self.attrs == "tanh":
            inner = (x + x * x * x * 0.044715) * _SQRT_2_OVER_PI
            t = xp.tanh(inner)
            dinner = (1.0 + x * x * (3 * 0.044715)) * _SQRT_2_OVER_PI
            return (g * (0.5 * (1.0 + t) + x * 0.5 * (1.0 - t * t) * dinner),)
        cdf = (xp.erf(x * _INV_SQRT_2) + 1.0) * 0.5
        pdf = xp.exp(x * x * -0.5) * _INV_SQRT_2PI
        return (g * (cdf + x * pdf),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4, low=-3, high=3),)),
        R.Sample((R.randn(3, 4, low=-3, high=3),), {"approximate": "tanh"}),
    ],
)
def gelu(x: TensorLike, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit, x * Phi(x) (``approximate="tanh"`` for the tanh form).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.gelu(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return apply1(GeluBackward, float_arg(x, "gelu"), approximate)


# ----------------------------------------------------------- where and casts


class WhereBackward(Node):
    name = "where"
    saves = ()

    @staticmethod
    def forward(a, b, cond):
        return np.where(cond, a, b)

    def vjp(self, g, xs, out, xp):
        cond = self.attrs
        ga = xp.where(cond, g, 0.0) if self.needs[0] else None
        gb = xp.where(cond, 0.0, g) if self.needs[1] else None
        return ga, gb


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (
                R.tensor([True, False, True, False], bool),
                R.tensor(np.ones((2, 3))),
                R.tensor(np.ones((2, 3))),
            ),
            error=ValueError,
            match="do not broadcast",
        )
    ],
    samples=_where_samples,
)
def where(condition: TensorLike, input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise choice: ``input`` where ``condition`` holds, else ``other``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([-1.0, 2.0])
    >>> autodiff.where(x > 0, x, 0.0)
    Tensor([0., 2.])
    """
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        a = as_tensor_arg(input, "where")
        b = other
    else:
        a, b = input, other
    a, b = operands(a, b, "where")
    try:
        out_shape = np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"where: condition {cond.shape}, input {a.shape} and other {b.shape} do not "
            "broadcast together"
        ) from None
    del out_shape
    if recording() and (a.requires_grad or b.requires_grad):
        cond = cond.copy()  # the node's own: a later in-place change cannot reach it
    return apply(WhereBackward, (a, b), cond)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), np.array([[True, False, True], [False, False, True]]), -1.0))
    ],
    method=True,
)
def masked_fill(x: Tensor, mask: TensorLike, value: Tensor | Number) -> Tensor:
    """Copy of ``x`` with ``value`` where ``mask`` is True.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0])
    >>> x.masked_fill(x > 1.5, 0.0)
    Tensor([1., 0., 0.])
    """
    x = as_tensor_arg(x, "masked_fill")
    mask_shape = np.shape(mask.data if isinstance(mask, Tensor) else mask)
    try:
        if np.broadcast_shapes(mask_shape, x.shape) != x.shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"masked_fill: mask of shape {mask_shape} does not broadcast to the tensor's shape "
            f"{x.shape}"
        ) from None
    if isinstance(value, Tensor):
        value = cast(value, x.data.dtype) if value.data.dtype != x.data.dtype else value
    else:
        value = _make(np.asarray(value, dtype=x.data.dtype), None)
    return where(mask, value, x)


@R.op(
    samples=lambda: [R.Sample((R.randn(3),), check={"eps": 1e-2, "atol": 1e-4})],
    method=True,
    export=False,
    check=lambda x: to(to(x, np.float32), np.float64),
)
def to(
    x: Tensor, *args: Any, dtype: DTypeLike = None, device: DeviceLike = None, copy: bool = False,
    non_blocking: bool = False, memory_format: Any = None,
) -> Tensor:
    """``x`` converted to a dtype; differentiable between floating dtypes.

    Accepts PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
    ``to(other_tensor)``; the only device is the CPU (``non_blocking`` changes nothing).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.0]).to(autodiff.float64).dtype
    dtype('float64')
    >>> autodiff.tensor([1.0]).to("cpu").dtype
    dtype('float32')
    """
    x = as_tensor_arg(x, "to")
    args = tuple(a.data.dtype if isinstance(a, Tensor) else a for a in args)  # to(other)
    dtype, device = to_args(args, dtype, device)
    out = x if dtype is None else cast(x, dtype)
    return out.clone() if copy and out is x else out


__all__ = [
    "ToBackward",
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "maximum",
    "minimum",
    "neg",
    "exp",
    "log",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "sign",
    "erf",
    "clamp",
    "leaky_relu",
    "elu",
    "softplus",
    "gelu",
    "where",
    "masked_fill",
    "to",
]
