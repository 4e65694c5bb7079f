"""Unary maths and activations without parameters: neg, exp, log, square, sqrt, abs,
sin, cos, tanh, sigmoid, relu, sign, erf (``erf_np``: Cody's rational fit).

``_fast_unary`` gives the float fast path; each op is a Node subclass (forward on
ndarrays + VJP), a public function, and sample inputs for the registry's gradchecks.
"""

from __future__ import annotations

import math

import numpy as np

from .._typing import TensorLike
from ..engine import (
    ALL_THREADS,
    CLOCK,
    KEEP_SMALL_VALUES,
    STATE,
    Node,
    _new,
    apply1,
    record_unary,
)
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    SPARE_MIN_BYTES,
    as_tensor_arg,
    cast,
    float_unary,
    spare_gradient,
    unary,
)
from .arithmetic import _TRUE1, SquareBackward, mul


def _erf_ref(x):
    """erf by the standard library, elementwise: the reference for erf_np's rational fit."""
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _un(low=-2.0, high=2.0, away=False):
    def make():
        if away:
            return [R.Sample((R.away_from_zero(3, 4),)), R.Sample((R.away_from_zero(),))]
        return [
            R.Sample((R.randn(3, 4, low=low, high=high),)),
            R.Sample((R.randn(low=low, high=high),), note="0-d"),
        ]

    return make


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
        if out.nbytes >= SPARE_MIN_BYTES:  # (a large gradient: reuse it if it is spare)
            spare = spare_gradient(g, xp, out)
            if spare is not None:
                return (np.multiply(g, out, out=spare),)
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
        if out.nbytes >= SPARE_MIN_BYTES:  # (a large gradient: reuse it if it is spare)
            spare = spare_gradient(g, xp, out)
            if spare is not None:
                gout *= out
                return (np.subtract(g, gout, out=spare),)
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
        if out.nbytes >= SPARE_MIN_BYTES:  # (a large gradient: reuse it if it is spare)
            spare = spare_gradient(g, xp, out)
            if spare is not None:
                gout = np.multiply(g, out, out=spare)
                return (np.subtract(gout, gout * out, out=spare),)
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
        if out.nbytes >= SPARE_MIN_BYTES:  # (a large gradient: reuse it if it is spare)
            spare = spare_gradient(g, xp, out)
            if spare is not None:
                return (np.multiply(g, out != 0, out=spare),)
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

        def op(input):
            if isinstance(input, Tensor):
                data = input._data
                if data.dtype.kind == "f":
                    out = compute(data)
                    if not input.requires_grad or not (
                        not ALL_THREADS.off or STATE.grad_enabled
                    ):
                        return _make(out, None)
                    if type(out) is not np.ndarray:  # (0-d in, a NumPy scalar out)
                        out = np.asarray(out)
                    if ALL_THREADS.anomalous:
                        return record_unary(cls, input, None, out)
                    # record_unary's lean path, inlined
                    node = _new(cls)
                    fn = input.grad_fn
                    if fn is None or not keeps_nodes:
                        node.inputs = (input,)
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
                return float_unary(cls, input, name)
            return _nonfloat_unary(cls, input, name)

        op.__name__ = op.__qualname__ = name
        op.__doc__ = public.__doc__
        op.__annotations__ = dict(public.__annotations__)  # (its hints: help() shows them)
        return op

    return build


@R.op(samples=_un(), method=True, ref=np.negative)
@_fast_unary(NegBackward, float_only=False)
def neg(input: TensorLike) -> Tensor:
    """Elementwise ``-x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.neg(autodiff.tensor([1.0, -2.0]))
    Tensor([-1.,  2.])
    """


@R.op(samples=_un(), method=True, ref=np.exp)
@_fast_unary(ExpBackward, float_only=True)
def exp(input: TensorLike) -> Tensor:
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
def log(input: TensorLike) -> Tensor:
    """Elementwise natural logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.square)
def square(input: TensorLike) -> Tensor:
    """Elementwise ``x * x``; ``x * x`` on one Tensor records this op too.

    Its backward is one product, ``2 * g * x``, where a general product would
    compute ``g * x`` twice and add the two.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.square(autodiff.tensor([-1.5, 2.0]))
    Tensor([2.25, 4.  ])
    """
    if isinstance(input, Tensor) and input._data.dtype.kind == "f":
        return apply1(SquareBackward, input)
    return _nonfloat_unary(SquareBackward, input, "square")


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.sqrt)
@_fast_unary(SqrtBackward, float_only=True)
def sqrt(input: TensorLike) -> Tensor:
    """Elementwise square root.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sqrt(autodiff.tensor([4.0]))
    Tensor([2.])
    """


@R.op(samples=_un(away=True), method=True, ref=np.abs)
@_fast_unary(AbsBackward, float_only=False)
def abs(input: TensorLike) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise absolute value; its gradient at 0 is 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.abs(autodiff.tensor([-1.5, 2.0]))
    Tensor([1.5, 2. ])
    """


@R.op(samples=_un(), method=True, ref=np.sin)
@_fast_unary(SinBackward, float_only=True)
def sin(input: TensorLike) -> Tensor:
    """Elementwise sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sin(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.cos)
@_fast_unary(CosBackward, float_only=True)
def cos(input: TensorLike) -> Tensor:
    """Elementwise cosine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cos(autodiff.tensor([0.0]))
    Tensor([1.])
    """


@R.op(samples=_un(), method=True, ref=np.tanh)
@_fast_unary(TanhBackward, float_only=True)
def tanh(input: TensorLike) -> Tensor:
    """Elementwise hyperbolic tangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-4.0, 4.0), method=True, ref=lambda input: 1 / (1 + np.exp(-input)))
@_fast_unary(SigmoidBackward, float_only=True)
def sigmoid(input: TensorLike) -> Tensor:
    """Elementwise logistic sigmoid, stable for large |x|.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sigmoid(autodiff.tensor([0.0, 1000.0, -1000.0]))
    Tensor([0.5, 1. , 0. ])
    """


@R.op(samples=_un(away=True), method=True, ref=lambda input: np.maximum(input, 0))
@_fast_unary(ReluBackward, float_only=False)
def relu(input: TensorLike) -> Tensor:
    """Elementwise max(x, 0); its gradient at 0 is 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.relu(autodiff.tensor([-1.0, 2.0]))
    Tensor([0., 2.])
    """


@R.op(samples=_un(away=True), method=True, ref=np.sign)
def sign(input: TensorLike) -> Tensor:
    """Elementwise sign (-1, 0 or 1); its gradient is zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sign(autodiff.tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.])
    """
    if isinstance(input, Tensor) and input._data.dtype.kind == "b":
        return _make(input._data.copy(), None)  # a bool tensor is its own sign (as PyTorch)
    return unary(SignBackward, input, "sign")


@R.op(samples=_un(), method=True, ref=_erf_ref)
def erf(input: TensorLike) -> Tensor:
    """Elementwise error function (W. J. Cody's rational approximations: double precision).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.erf(autodiff.tensor([1.0])).item(), 5)
    0.8427
    """
    return float_unary(ErfBackward, input, "erf")


# unary ops PyTorch refuses on a bool tensor: (exception type, message), as PyTorch 2.13


# x * x on one Tensor is recorded as square: check that route too
R.register("mul_self", lambda x: mul(x, x), _un())
