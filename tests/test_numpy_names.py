"""axis=/keepdims= as aliases of dim=/keepdim=, exactly where PyTorch accepts them,
compared with torch (values, shapes, dtypes, gradients) as function and method."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import check  # noqa: E402

import autodiff  # noqa: E402

# (name, kwargs): every reduction with keepdim, torch accepts axis= and keepdims=
WITH_KEEPDIM = [
    "sum",
    "mean",
    "prod",
    "amax",
    "amin",
    "all",
    "any",
    "max",
    "min",
    "argmax",
    "argmin",
    "logsumexp",
    "std",
    "var",
]
# ops with a dim but no keepdim: torch accepts axis= only
AXIS_ONLY = [
    "cumsum",
    "cumprod",
    "cummax",
    "cummin",
    "logcumsumexp",
    "softmax",
    "log_softmax",
    "sort",
    "argsort",
    "squeeze",
    "unsqueeze",
    "unbind",
]


def _x(name):
    x = np.random.default_rng(0).standard_normal((2, 1, 4))
    if name in ("all", "any"):
        return x > 0
    return x


def _out(r):
    # max/min/sort/cummax return (values, indices); unbind a tuple of tensors
    return tuple(r) if isinstance(r, tuple) else r


@pytest.mark.parametrize(
    "kw",
    [{"axis": 1}, {"axis": 1, "keepdims": True}, {"dim": 1, "keepdims": True}, {"axis": (0, 2)}],
)
@pytest.mark.parametrize("name", WITH_KEEPDIM)
def test_reductions_accept_axis_and_keepdims(name, kw):
    if isinstance(kw.get("axis"), tuple) and name in (
        "max",
        "min",
        "argmax",
        "argmin",
        "all",
        "any",
        "prod",
    ):
        kw = {**kw, "axis": 2}  # these take one dim in PyTorch
    x = _x(name)
    fn = lambda t, mod: _out(getattr(mod, name)(t, **kw))  # noqa: E731
    assert check(lambda t: fn(t, autodiff), lambda t: fn(t, torch), x) == "ok"
    meth = lambda t: _out(getattr(t, name)(**kw))  # noqa: E731
    assert check(meth, meth, x) == "ok"


@pytest.mark.parametrize("name", AXIS_ONLY)
def test_dim_ops_accept_axis(name):
    x = _x(name)
    fn = lambda t, mod: _out(getattr(mod, name)(t, axis=1))  # noqa: E731
    assert check(lambda t: fn(t, autodiff), lambda t: fn(t, torch), x) == "ok"
    meth = lambda t: _out(getattr(t, name)(axis=1))  # noqa: E731
    assert check(meth, meth, x) == "ok"


def test_moments_and_aminmax_and_joins_accept_axis():
    x = _x("var")
    for name in ("var_mean", "std_mean", "aminmax"):
        fn = lambda t, mod, name=name: tuple(getattr(mod, name)(t, axis=2, keepdims=True))  # noqa: E731
        assert check(lambda t, f=fn: f(t, autodiff), lambda t, f=fn: f(t, torch), x) == "ok"
    for name in ("cat", "stack", "concat", "concatenate"):
        fn = lambda a, b, mod, name=name: getattr(mod, name)([a, b], axis=1)  # noqa: E731
        assert (
            check(lambda a, b, f=fn: f(a, b, autodiff), lambda a, b, f=fn: f(a, b, torch), x, x)
            == "ok"
        )


@pytest.mark.parametrize("name", WITH_KEEPDIM + AXIS_ONLY + ["cat"])
def test_dim_and_axis_together_is_a_clear_error(name):
    x = autodiff.tensor(_x(name))
    arg = [x, x] if name == "cat" else x
    with pytest.raises(TypeError, match=f"{name}\\(\\): got both dim= and its alias axis="):
        getattr(autodiff, name)(arg, dim=1, axis=1)
    with pytest.raises(TypeError):  # torch refuses it too
        getattr(torch, name)(torch.zeros(1) if name != "cat" else [torch.zeros(1)], dim=0, axis=0)


@pytest.mark.parametrize("name", AXIS_ONLY)
def test_keepdims_is_refused_where_torch_has_no_keepdim(name):
    with pytest.raises(TypeError, match="keepdims"):
        getattr(autodiff, name)(autodiff.tensor(_x(name)), axis=1, keepdims=True)
    with pytest.raises(TypeError):
        getattr(torch, name)(torch.from_numpy(_x(name)), axis=1, keepdims=True)


def test_functional_softmax_refuses_axis_as_torch():
    from autodiff.nn import functional as F

    with pytest.raises(TypeError):
        torch.nn.functional.softmax(torch.zeros(2), axis=0)
    with pytest.raises(TypeError):
        F.softmax(autodiff.zeros(2), axis=0)
