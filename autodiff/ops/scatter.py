"""scatter, scatter_add and scatter_reduce with PyTorch's semantics (issue 17): one node
each, whose VJPs gather ``g`` back (see ops/indexing.py for the gather node).
"""

from __future__ import annotations

import math

import numpy as np

from .._typing import Number, TensorLike
from ..engine import Node, apply, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import normalize_dim
from ._helpers import _t
from .indexing import _check_range, _int_array, _positions
from .xp import TS


# ------------------------------------------------------------------ scatter
class ScatterBackward(Node):
    """``self`` with ``src`` (or a value) written, added or reduced at flat positions
    ``pos`` (sum, mean and replace: linear, reading no values)."""

    name = "scatter"
    saves = ()

    @staticmethod
    def forward(*arrays_and_attrs):
        *arrays, a = arrays_and_attrs
        return _scatter_np(arrays[0], arrays[1] if len(arrays) > 1 else None, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        mode, pos, spos, incl = a["mode"], a["pos"], a["spos"], a["include_self"]
        shape = tuple(xs[0].shape)
        gs = gsrc = None
        if self.needs[0]:
            if mode == "sum" and incl:
                gs = g
            elif mode == "mean":
                w = np.where(a["touched"], (1.0 / a["count"]) if incl else 0.0, 1.0)
                gs = g * w.reshape(shape).astype(g.dtype)
            else:
                gs = g * (~a["touched"]).reshape(shape).astype(g.dtype)
        if len(xs) > 1 and self.needs[1]:
            gsel = xp.getitem(xp.reshape(g, (-1,)), pos)
            if mode == "mean":
                gsel = gsel * (1.0 / a["count"][pos]).astype(g.dtype)
            gsrc = _place(xp, gsel, spos, tuple(xs[1].shape))
        return (gs, gsrc) if len(xs) > 1 else (gs,)


class ScatterAddBackward(ScatterBackward):
    name = "scatter_add"
    saves = ()


class ScatterReduceBackward(ScatterBackward):
    name = "scatter_reduce"
    saves = ()


class ScatterReduceMaxBackward(Node):
    """scatter_reduce with amax/amin: the gradient is shared evenly by every element
    (of self, if included, and of src) equal to the result, as PyTorch."""

    name = "scatter_reduce"
    saves = (0, 1, "out")

    @staticmethod
    def forward(self_, src, a):
        return _scatter_np(self_, src, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        pos, spos = a["pos"], a["spos"]
        x = xp.data(xs[0]).reshape(-1)
        s = xp.data(xs[1]).reshape(-1)[spos]
        res = xp.data(out).reshape(-1)
        # (as PyTorch, self counts among the ties also when not included; its own
        # gradient is then zeroed)
        self_is = (x == res) | (np.isnan(x) & np.isnan(res))
        value = res[pos]
        src_is = (s == value) | (np.isnan(s) & np.isnan(value))
        n = self_is.astype(np.float64) + np.bincount(
            pos, weights=src_is.astype(np.float64), minlength=x.size
        )
        n = np.where(n == 0, 1.0, n)
        shape = tuple(xs[0].shape)
        ws = self_is / n
        if not a["include_self"]:
            ws = np.where(a["touched"], 0.0, ws)
        gs = g * ws.reshape(shape).astype(g.dtype) if self.needs[0] else None
        gsrc = None
        if self.needs[1]:
            gsel = xp.getitem(xp.reshape(g, (-1,)), pos) * (src_is / n[pos]).astype(g.dtype)
            gsrc = _place(xp, gsel, spos, tuple(xs[1].shape))
        return gs, gsrc


class ScatterReduceProdBackward(Node):
    """scatter_reduce with prod; zeros handled as PyTorch (the product of the others)."""

    name = "scatter_reduce"
    saves = (0, 1, "out")

    @staticmethod
    def forward(self_, src, a):
        return _scatter_np(self_, src, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        pos, spos = a["pos"], a["spos"]
        x, src = xs
        shape, sshape = tuple(x.shape), tuple(src.shape)
        xv = xp.data(x)
        gs = gsrc = None
        if self.needs[0]:
            zero = xv == 0
            masked_self = xp.where(zero, 1.0, x) if zero.any() else x
            masked_result = _scatter_prod(xp, masked_self, src, a) if zero.any() else out
            gs = g * masked_result / masked_self
            if not a["include_self"]:
                gs = gs * (~a["touched"]).reshape(shape).astype(g.dtype)
        if self.needs[1]:
            sflat = xp.reshape(src, (-1,))
            ssel = xp.getitem(sflat, spos)
            sv = xp.data(src).reshape(-1)[spos]
            src_zero = sv == 0
            nz = np.bincount(pos, weights=src_zero.astype(np.float64), minlength=math.prod(shape))
            single = src_zero & (nz[pos] == 1)
            gres = xp.getitem(xp.reshape(g * out, (-1,)), pos)
            gsel = gres / xp.where(src_zero, 1.0, ssel) if src_zero.any() else gres / ssel
            if single.any():
                full_single = np.zeros(math.prod(sshape), dtype=bool)
                full_single[spos] = single
                masked_src = xp.where(full_single.reshape(sshape), 1.0, src)
                msr = _scatter_prod(xp, x, masked_src, a)
                alt = xp.getitem(xp.reshape(g * msr, (-1,)), pos)
                gsel = xp.where(single, alt, gsel)
            gsrc = _place(xp, gsel, spos, sshape)
        return gs, gsrc


def _scatter_prod(xp, x, src, a):
    if xp is not TS:
        return _scatter_np(x, src, a)
    return apply(ScatterReduceProdBackward, (x, src), a)


def _place(xp, gsel, spos, shape):
    """zeros(shape) with ``gsel`` at the flat positions ``spos`` (distinct)."""
    size = math.prod(shape)
    if xp is not TS:
        out = np.zeros(size, dtype=gsel.dtype)
        out[spos] = gsel
        return out.reshape(shape)
    return xp.reshape(xp.index_add(gsel, spos, (size,)), shape)


def _scatter_np(self_, src, a):
    mode, pos, spos = a["mode"], a["pos"], a["spos"]
    out = np.array(self_, copy=True).reshape(-1)
    vals = a["value"] if src is None else np.ascontiguousarray(src).reshape(-1)[spos]
    if mode == "replace":
        out[pos] = vals
        return out.reshape(self_.shape)
    touched = a["touched"]
    if not a["include_self"]:
        kind = out.dtype.kind
        if mode in ("sum", "mean"):
            init = 0
        elif mode == "prod":
            init = 1
        elif kind == "f":
            init = -np.inf if mode == "amax" else np.inf
        elif kind == "b":
            init = mode == "amin"
        else:
            info = np.iinfo(out.dtype)
            init = info.min if mode == "amax" else info.max
        out[touched] = init
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.fmax, "amin": np.fmin}
    if mode in ("amax", "amin") and out.dtype.kind == "f":
        # NaN wins, as PyTorch (fmax/fmin keep the NaN only where both are)
        nan_at = np.zeros(out.size, dtype=bool)
        nan_at[pos[np.isnan(vals)]] = True
        ufunc[mode].at(out, pos, vals)
        out[nan_at] = np.nan
    else:
        ufunc[mode].at(out, pos, vals)
    if mode == "mean":
        count = a["count"]
        if out.dtype.kind == "f":
            out = out / count.astype(out.dtype)
        else:
            out = out // count.astype(out.dtype)
    return out.reshape(self_.shape)


def _scatter_attrs(opname, x: Tensor, dim, index, src_shape, mode, include_self, value=None):
    idx = _int_array(index, opname)
    axis = normalize_dim(dim, x.ndim, opname)
    xshape = x.shape if x.ndim else (1,)
    if idx.ndim == 0:
        idx = idx.reshape(1) if x.ndim <= 1 else idx
    if idx.ndim != len(xshape) and idx.size:
        raise RuntimeError(
            f"{opname}: index has {idx.ndim} dimensions but self has {x.ndim}; they must have "
            "the same number"
        )
    if idx.size:
        for d in range(idx.ndim):
            if d != axis and idx.shape[d] > xshape[d]:
                raise RuntimeError(
                    f"{opname}: index {idx.shape} is larger than self {x.shape} in dimension {d}"
                )
            if src_shape is not None and idx.shape[d] > (src_shape or (1,))[d]:
                raise RuntimeError(
                    f"{opname}: index {idx.shape} is larger than src {src_shape} in dimension {d}"
                )
        _check_range(idx, xshape[axis], opname)
        sl = tuple(slice(0, n) if i != axis else slice(None) for i, n in enumerate(idx.shape))
        pos = np.take_along_axis(_positions(xshape)[sl], idx, axis).reshape(-1)
        if src_shape is not None:
            ssl = tuple(slice(0, n) for n in idx.shape)
            spos = _positions(src_shape or (1,))[ssl].reshape(-1)
        else:
            spos = np.zeros(0, np.int64)
    else:
        pos = spos = np.zeros(0, np.int64)
    size = math.prod(x.shape)
    count = np.bincount(pos, minlength=size).astype(np.float64)
    touched = count > 0
    if include_self:
        count += 1.0
    count = np.where(count == 0, 1.0, count)
    return {
        "mode": mode,
        "pos": pos,
        "spos": spos,
        "include_self": include_self,
        "touched": touched,
        "count": count,
        "value": value,
    }


def _scatter_samples(reduce=None):
    idx = np.array([[0, 1, 0], [2, 2, 1]])
    out = [
        R.Sample((R.randn(3, 4), 0, idx, R.randn(2, 3, seed=1)), note="repeated"),
        R.Sample((R.randn(3, 4), -1, np.array([[3], [0]]), R.randn(2, 2, seed=2))),
    ]
    if reduce is not None:
        for k in range(len(out)):
            out[k].args = out[k].args + (reduce,)
    return out


def _src_or_value(opname, x, src, value):
    if src is not None and value is not None:
        raise TypeError(f"{opname}: give src or value, not both")
    if src is None and value is None:
        raise TypeError(f"{opname}: missing argument 'src' (or 'value')")
    if isinstance(src, (int, float, bool)) and not isinstance(src, Tensor):
        src, value = None, src
    if src is not None:
        src = _t(src, opname, "src")
        if src.dtype != x.dtype:
            raise RuntimeError(
                f"{opname}: expected self and src to have the same dtype, got {x.dtype} and "
                f"{src.dtype}"
            )
    return src, value


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 0, np.array([[0, 1, 2], [2, 0, 1]]), R.randn(2, 3, seed=1))),
        R.Sample((R.randn(3, 4), 1, np.array([[3], [0]]), R.randn(2, 2, seed=2))),
        R.Sample((R.randn(3, 4), 1, np.array([[3], [0]])), {"value": 2.5}),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([[3]], np.int64), R.tensor(np.ones((1, 1)))),
            error=IndexError,
            match="index 3 is out of range",
        ),
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([[0]], np.int64), R.tensor([[1]], np.int64)),
            error=RuntimeError,
            match="same dtype",
        ),
    ],
)
def scatter(  # noqa: A002
    input: TensorLike, dim: int, index: Tensor, src: TensorLike | None = None, *,
    value: Number | None = None, reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src[i][j]`` (or ``value``) written at
    ``[index[i][j]][j]`` (for dim=0). Where ``index`` repeats a position, which
    value lands is undefined in PyTorch; here the last one does.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).scatter(0, autodiff.tensor([2, 0]), autodiff.tensor([5.0, 7.0]))
    Tensor([7., 0., 5.])
    """
    x = _t(input, "scatter")
    src, value = _src_or_value("scatter", x, src, value)
    if reduce is not None:
        modes = {"add": "sum", "multiply": "prod"}
        if reduce not in modes:
            raise RuntimeError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        if src is None:
            src = _make(np.full(np.shape(_int_array(index, "scatter")), value, x.dtype), None)
        return scatter_reduce(x, dim, index, src, modes[reduce])
    a = _scatter_attrs(
        "scatter", x, dim, index, src.shape if src is not None else None, "replace", True, value
    )
    if src is None:
        a["value"] = np.asarray(value).astype(x.dtype)
        return apply1(ScatterBackward, x, a)
    return apply(ScatterBackward, (x, src), a)


@R.op(samples=_scatter_samples, method=True)
def scatter_add(input: TensorLike, dim: int, index: Tensor, src: TensorLike) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``src[i][j]`` added at ``[index[i][j]][j]`` (for
    dim=0); repeated positions add up.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).scatter_add(0, autodiff.tensor([2, 2]), autodiff.tensor([5.0, 7.0]))
    Tensor([ 0.,  0., 12.])
    """
    x = _t(input, "scatter_add")
    src, _ = _src_or_value("scatter_add", x, src, None)
    a = _scatter_attrs("scatter_add", x, dim, index, src.shape, "sum", True)
    return apply(ScatterAddBackward, (x, src), a)


_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_samples():
    out = []
    for reduce in _REDUCES:
        for incl in (True, False):
            for s in _scatter_samples(reduce):
                s.kwargs = {"include_self": incl}
                out.append(s)
    # (amax/amin: values apart, so no ties; prod: away from zero)
    for s in out:
        if s.args[-1] in ("amax", "amin"):
            s.args = (
                R.distinct(3, 4),
                *s.args[1:3],
                R.distinct(*np.shape(s.args[3].value), seed=9),
                s.args[4],
            )
        if s.args[-1] == "prod":
            s.args = (
                R.away_from_zero(3, 4),
                *s.args[1:3],
                R.away_from_zero(*np.shape(s.args[3].value), seed=4),
                s.args[4],
            )
    return out


@R.op(
    samples=_scatter_reduce_samples,
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones(3)), 0, R.tensor([0], np.int64), R.tensor([1.0]), "median"),
            error=RuntimeError,
            match="reduce",
        ),
    ],
)
def scatter_reduce(  # noqa: A002
    input: TensorLike, dim: int, index: Tensor, src: TensorLike, reduce: str, *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` with the ``src`` values sent to each position by ``index``
    reduced there with ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin'), the
    position's own value included when ``include_self``. Gradients as PyTorch's:
    amax/amin share among ties, prod handles zeros.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.zeros(2)
    >>> x.scatter_reduce(0, autodiff.tensor([0, 0, 1]), autodiff.tensor([1.0, 3.0, 5.0]), "mean",
    ...                  include_self=False)
    Tensor([2., 5.])
    """
    x = _t(input, "scatter_reduce")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # (PyTorch accepts these)
    if reduce not in _REDUCES:
        raise RuntimeError(
            f"scatter_reduce: reduce must be one of {', '.join(_REDUCES)}, got {reduce!r}"
        )
    src, _ = _src_or_value("scatter_reduce", x, src, None)
    a = _scatter_attrs("scatter_reduce", x, dim, index, src.shape, reduce, bool(include_self))
    cls = {
        "amax": ScatterReduceMaxBackward,
        "amin": ScatterReduceMaxBackward,
        "prod": ScatterReduceProdBackward,
    }.get(reduce, ScatterReduceBackward)
    return apply(cls, (x, src), a)
