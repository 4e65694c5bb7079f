"""Binary arithmetic: add, sub, mul, div, pow, maximum, minimum.

``_arith`` builds add/sub/mul and the operator ``/`` with their fast paths (a Tensor
with a Python number, same-dtype float tensors); each op is a Node subclass (forward
on ndarrays + VJP), a public function, and sample inputs for the registry's gradchecks.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._dtypes import default_float
from .._typing import TensorLike
from ..engine import (
    ALL_THREADS,
    CLOCK,
    KEEP_SMALL_VALUES,
    STATE,
    Node,
    _new,
    apply1,
    apply2,
    record,
    record_unary,
)
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    SPARE_MIN_BYTES,
    binary,
    cast,
    check_broadcast,
    operands,
    spare_gradient,
)

# ------------------------------------------- sample inputs of the declarations


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
        ga = g * b if needs[0] else None
        if not needs[1]:
            return ga, None
        if g.nbytes >= SPARE_MIN_BYTES and a.dtype == g.dtype:  # (a large gradient:
            spare = spare_gradient(g, xp)  # reuse it for b's if it is spare)
            if spare is not None:
                return ga, np.multiply(g, a, out=spare)
        return ga, g * a


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
        # (no spare-gradient test: it would cost deep chains of small products ~2% a
        # node, measured; products of large tensors are MulBackward's)
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

    def op(input: TensorLike, other: TensorLike) -> Tensor:
        if type(other) in _PYNUM:
            if isinstance(input, Tensor):
                data = input._data
                dtype = data.dtype
                if dtype.kind == "f":
                    value = -other if negate else other
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
                    if not input.requires_grad or not (
                        not ALL_THREADS.off or STATE.grad_enabled
                    ):
                        return _make(out, None)
                    if type(out) is not np.ndarray:  # (0-d in, a NumPy scalar out)
                        out = np.asarray(out)
                    if ALL_THREADS.anomalous:
                        return record_unary(scalar_cls, input, c, out)
                    # record_unary's lean path, inlined (see _fast_unary): a scalar
                    # op's VJP reads no values, so a non-leaf's producer stands in
                    node = _new(scalar_cls)
                    fn = input.grad_fn
                    if fn is None:
                        node.inputs = (input,)
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
                if dtype is _I64 and type(other) is int and int_ok and -_I62 < other < _I62:
                    # (an index tensor and an offset, x[t:t + 8]: no grad, no promotion)
                    return _make(ufunc(data, -other if negate else other), None)
        elif type(input) in _PYNUM:
            if isinstance(other, Tensor):
                data = other._data
                dtype = data.dtype
                if dtype.kind == "f":
                    c = (
                        _CONSTS64.get(input)
                        if dtype is _F64
                        else _CONSTS32.get(input)
                        if dtype is _F32
                        else None
                    )
                    if c is None:
                        c = scalar_array(input, dtype)
                    out = rufunc(c, data)
                    if other.requires_grad and (not ALL_THREADS.off or STATE.grad_enabled):
                        return record_unary(rscalar_cls, other, c, out)
                    return _make(out, None)
        elif isinstance(input, Tensor) and isinstance(other, Tensor):
            da = input._data
            db = other._data
            if (
                input is other
                and name == "mul"
                and input.requires_grad
                and (not ALL_THREADS.off or STATE.grad_enabled)
            ):
                return record(SquareBackward, (input,), _TRUE1, None, da * da)
            if da.dtype == db.dtype and (da.dtype.kind == "f" or name != "div"):
                try:
                    out = tensor_ufunc(da, db)
                except ValueError:
                    check_broadcast(name, da.shape, db.shape)
                    raise
                except TypeError:  # bool - bool: PyTorch's error, not NumPy's
                    _refuse_bool_sub(name, input, other)
                    raise
                ra = input.requires_grad
                rb = other.requires_grad
                if (ra or rb) and (not ALL_THREADS.off or STATE.grad_enabled):
                    return record(tensor_cls, (input, other), (ra, rb), None, out)
                return _make(out, None)
        if name == "div":
            return _div_general(input, other)
        if name == "sub":
            _refuse_bool_sub(name, input, other)
        return _binary_checked(tensor_cls, input, other, name)

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
    scaled = mul(b, alpha)  # (module globals defined below, looked up when called)
    return (add_operator if name == "add" else sub_operator)(a, scaled)


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


# the operators + and - (ops/__init__ binds them): no alpha to look at
add_operator = _arith("add", np.add, AddBackward, AddScalarBackward, AddScalarBackward, np.add)
sub_operator = _arith(
    "sub",
    np.add,
    SubBackward,
    AddScalarBackward,
    RSubScalarBackward,
    np.subtract,
    negate=True,
    tensor_ufunc=np.subtract,
)


@R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.add)
def add(input: TensorLike, other: TensorLike, *, alpha: TensorLike = _ONE) -> Tensor:
    """Elementwise ``input + alpha * other`` with broadcasting (``alpha`` 1 by default).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.add(autodiff.tensor([1.0, 2.0]), 1.0)
    Tensor([2., 3.])
    >>> autodiff.add(autodiff.tensor([1.0, 2.0]), 1.0, alpha=2)
    Tensor([3., 4.])
    """
    if alpha is not _ONE:  # (the default object itself: one identity test)
        return _with_alpha("add", input, other, alpha)
    return add_operator(input, other)


@R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.subtract)
def sub(input: TensorLike, other: TensorLike, *, alpha: TensorLike = _ONE) -> Tensor:
    """Elementwise ``input - alpha * other`` with broadcasting (``alpha`` 1 by default).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sub(autodiff.tensor([1.0, 2.0]), 1.0)
    Tensor([0., 1.])
    >>> autodiff.sub(autodiff.tensor([1.0, 2.0]), 1.0, alpha=0.5)
    Tensor([0.5, 1.5])
    """
    if alpha is not _ONE:
        return _with_alpha("sub", input, other, alpha)
    return sub_operator(input, other)


mul = _arith("mul", np.multiply, MulBackward, MulScalarBackward, MulScalarBackward, np.multiply)
mul.__doc__ = """Elementwise ``input * other`` with broadcasting.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mul(autodiff.tensor([1.0, 2.0]), 3.0)
    Tensor([3., 6.])
    """
R.op(samples=_both(R.broadcast_pairs(), _scalar_samples()), method=True, ref=np.multiply)(mul)
# the operator / (ops/__init__ binds it): no rounding_mode to look at
true_div = _arith(
    "div", np.true_divide, DivBackward, DivScalarBackward, RDivScalarBackward, np.true_divide
)


def div(input: TensorLike, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
    """Elementwise true division ``input / other`` (integers give the default float); with
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
        return true_div(input, other)
    from .division import div_rounded  # (here: autodiff.ops.division imports this module)

    return div_rounded(input, other, rounding_mode)


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
def pow(input: TensorLike, exponent: TensorLike) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise ``input ** exponent``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pow(autodiff.tensor([2.0, 3.0]), 2)
    Tensor([4., 9.])
    """
    if type(exponent) in _PYNUM and isinstance(input, Tensor) and input.data.dtype.kind == "f":
        return apply1(PowScalarBackward, input, exponent)
    if (type(input) in _PYNUM and input > 0 and isinstance(exponent, Tensor)
            and exponent.data.dtype.kind == "f"):
        return apply1(RPowScalarBackward, exponent, float(input))
    if (
        isinstance(input, Tensor)
        and isinstance(exponent, Tensor)
        and input._data.dtype.kind == "f"
        and exponent._data.dtype.kind == "f"
    ):
        return _binary_checked(PowBackward, input, exponent, "pow")
    return _pow_general(input, exponent)


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
def maximum(input: TensorLike, other: TensorLike) -> Tensor:
    """Elementwise maximum; ties split the gradient evenly (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.maximum(autodiff.tensor([1.0, 5.0]), autodiff.tensor([3.0, 2.0]))
    Tensor([3., 5.])
    """
    return _binary_checked(MaximumBackward, input, other, "maximum")


@R.op(samples=_distinct_pairs, method=True)
def minimum(input: TensorLike, other: TensorLike) -> Tensor:
    """Elementwise minimum; ties split the gradient evenly (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.minimum(autodiff.tensor([1.0, 5.0]), autodiff.tensor([3.0, 2.0]))
    Tensor([1., 2.])
    """
    return _binary_checked(MinimumBackward, input, other, "minimum")


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
