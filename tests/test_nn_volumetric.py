"""conv3d, max_pool3d and avg_pool3d (functions and modules) against PyTorch: values,
the gradients of every input, the indices, float32 and float64, unbatched input, the
modules' initialisation and repr, second order, and errors."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import autodiff  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

RNG = np.random.default_rng(11)
# (PyTorch warns that padding="same" with an even kernel copies the input)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def _compare(ours, theirs, arrays, dtype, tol):
    a_in = [autodiff.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    a_out, t_out = ours(*a_in), theirs(*t_in)
    if isinstance(t_out, tuple):  # (values, indices)
        np.testing.assert_array_equal(a_out[1].numpy(), t_out[1].numpy())
        a_out, t_out = a_out[0], t_out[0]
    assert a_out.shape == tuple(t_out.shape) and str(a_out.dtype) == str(t_out.dtype)[6:]
    np.testing.assert_allclose(a_out.detach().numpy(), t_out.detach().numpy(), rtol=tol, atol=tol)
    upstream = RNG.standard_normal(tuple(t_out.shape)).astype(dtype)
    a_out.backward(autodiff.tensor(upstream))
    t_out.backward(torch.tensor(upstream))
    for a, t in zip(a_in, t_in):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


X = RNG.standard_normal((2, 4, 5, 6, 7))
X[0, 0, :2, :2, :2] = 0.0  # ties: the gradient goes to the first, as PyTorch

CONV = {
    "plain": ({}, 1),
    "stride": ({"stride": 2}, 1),
    "padding": ({"padding": 1}, 1),
    "mixed": ({"padding": (1, 0, 2), "stride": (1, 2, 1), "dilation": (2, 1, 1)}, 2),
    "same-groups": ({"padding": "same"}, 2),
    "valid": ({"padding": "valid"}, 1),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(CONV))
def test_conv3d_matches_pytorch(name, dtype):
    kwargs, groups = CONV[name]
    w = RNG.standard_normal((6, 4 // groups, 3, 2, 3))
    b = RNG.standard_normal(6)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    _compare(lambda x, w, b: F.conv3d(x, w, b, groups=groups, **kwargs),
             lambda x, w, b: TF.conv3d(x, w, b, groups=groups, **kwargs), [X, w, b], dtype, tol)


POOLS = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": (2, 3, 2), "stride": (2, 1, 3), "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", POOLS + [{"kernel_size": 2, "dilation": (2, 1, 2)}],
                         ids=lambda k: str(k))
def test_max_pool3d_matches_pytorch(kwargs, dtype):
    _compare(lambda x: F.max_pool3d(x, return_indices=True, **kwargs),
             lambda x: TF.max_pool3d(x, return_indices=True, **kwargs), [X], dtype, 1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "kwargs",
    POOLS + [{**p, "count_include_pad": False} for p in POOLS[1:]]
    + [{"kernel_size": 2, "divisor_override": 3}],
    ids=lambda k: str(k),
)
def test_avg_pool3d_matches_pytorch(kwargs, dtype):
    _compare(lambda x: F.avg_pool3d(x, **kwargs), lambda x: TF.avg_pool3d(x, **kwargs), [X],
             dtype, 1e-6)


def test_unbatched_input_and_the_modules_match_pytorch():
    x = RNG.standard_normal((4, 5, 6, 7)).astype(np.float32)  # (C, D, H, W)
    ours = autodiff.nn.Conv3d(4, 3, (3, 2, 3), stride=(1, 2, 1), padding=1, bias=True)
    theirs = torch.nn.Conv3d(4, 3, (3, 2, 3), stride=(1, 2, 1), padding=1, bias=True)
    assert repr(ours) == repr(theirs)
    assert ours.weight.shape == tuple(theirs.weight.shape)
    bound = 1 / np.sqrt(4 * 3 * 2 * 3)  # PyTorch's default initialisation's bounds
    assert 0.5 * bound < float(ours.weight.abs().max()) <= bound
    assert float(ours.bias.abs().max()) <= bound
    with autodiff.no_grad():
        ours.weight.copy_(autodiff.tensor(theirs.weight.detach().numpy()))
        ours.bias.copy_(autodiff.tensor(theirs.bias.detach().numpy()))
    for a_mod, t_mod in ((ours, theirs),
                         (autodiff.nn.MaxPool3d(2, ceil_mode=True),
                          torch.nn.MaxPool3d(2, ceil_mode=True)),
                         (autodiff.nn.AvgPool3d(3, 2, 1), torch.nn.AvgPool3d(3, 2, 1))):
        assert repr(a_mod) == repr(t_mod)
        a_out = a_mod(autodiff.tensor(x))
        t_out = t_mod(torch.tensor(x))
        assert a_out.shape == tuple(t_out.shape)
        np.testing.assert_allclose(a_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5,
                                   atol=1e-5)


def test_second_order_through_conv3d_and_the_pools():
    def f(x, w):
        y = F.conv3d(x, w, padding=1)
        return F.avg_pool3d(F.max_pool3d(y.tanh(), 2, stride=1), 2, ceil_mode=True)

    x = autodiff.tensor(RNG.standard_normal((1, 2, 3, 3, 4)), requires_grad=True)
    w = autodiff.tensor(RNG.standard_normal((2, 2, 2, 2, 2)) * 0.5, requires_grad=True)
    assert autodiff.gradcheck(f, (x, w))
    assert autodiff.gradgradcheck(f, (x, w))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda M, x: M.conv3d(x, x[0]), ValueError, "weight"),
        (lambda M, x: M.conv3d(x[0, 0], x), ValueError, "5-d input"),
        (lambda M, x: M.conv3d(x, M_ones(M, 2, 3, 3, 3, 3)), ValueError, "channels"),
        (lambda M, x: M.conv3d(x, M_ones(M, 2, 4, 3, 3, 3), stride=2, padding="same"),
         ValueError, "strided"),
        (lambda M, x: M.conv3d(x, M_ones(M, 2, 4, 9, 3, 3)), ValueError, "too small"),
        (lambda M, x: M.max_pool3d(x, 2, padding=2), ValueError, "half"),
        (lambda M, x: M.avg_pool3d(x, 9), ValueError, "too small"),
    ],
    ids=["weight-not-5d", "input-2d", "channels", "same-strided", "kernel-too-big",
         "pool-padding", "pool-too-big"],
)
def test_errors_as_pytorch(call, error, message):
    with pytest.raises(error, match=message):
        call(F, autodiff.tensor(X))
    with pytest.raises(Exception):  # noqa: B017 - PyTorch's own kinds vary (Runtime/Value)
        call(TF, torch.tensor(X))


def M_ones(M, *shape):  # noqa: N802 - M is the library's functional module
    return (torch if M is TF else autodiff).ones(*shape, dtype=torch.float64 if M is TF else
                                                 autodiff.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size", [1, 2, (2, 3, 7), (3, 4, 5), (None, 2, 3), (5, 6, 7)],
                         ids=lambda s: str(s))
def test_adaptive_pools_match_pytorch(size, dtype):
    # (3, 4, 5) of (5, 6, 7): cells of unequal sizes that overlap
    tol = 1e-6 if dtype == np.float32 else 1e-12
    _compare(lambda x: F.adaptive_avg_pool3d(x, size), lambda x: TF.adaptive_avg_pool3d(x, size),
             [X], dtype, tol)
    _compare(lambda x: F.adaptive_max_pool3d(x, size, return_indices=True),
             lambda x: TF.adaptive_max_pool3d(x, size, return_indices=True), [X], dtype, tol)


def test_adaptive_pool_modules_and_errors():
    x = RNG.standard_normal((3, 4, 5, 6)).astype(np.float32)  # unbatched (C, D, H, W)
    for ours, theirs in ((autodiff.nn.AdaptiveAvgPool3d((2, None, 3)),
                          torch.nn.AdaptiveAvgPool3d((2, None, 3))),
                         (autodiff.nn.AdaptiveMaxPool3d(2), torch.nn.AdaptiveMaxPool3d(2))):
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(autodiff.tensor(x)).numpy(),
                                   theirs(torch.tensor(x)).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="output_size must hold positive ints"):
        F.adaptive_avg_pool3d(autodiff.tensor(X), (0, 1, 1))
    with pytest.raises(ValueError, match="output_size must be an int or 3 values"):
        F.adaptive_max_pool3d(autodiff.tensor(X), (1, 1))


def test_max_pool3d_edge_values_and_small_inputs_match_pytorch():
    # -inf everywhere (the padding must never be picked), NaN (wins), an input smaller
    # than the kernel with ceil_mode, a dilated window over padding only
    minus_inf = np.full((1, 1, 2, 2, 2), -np.inf)
    with_nan = X[:1].copy()
    with_nan[0, 0, 1, 1, 1] = np.nan
    cases = [
        (minus_inf, {"kernel_size": 3, "stride": 1, "padding": 1}),
        (with_nan, {"kernel_size": 2}),
        (X[:1, :1, :2, :2, :2], {"kernel_size": 3, "stride": 3, "ceil_mode": True}),
        (RNG.standard_normal((2, 1, 5, 3, 3)), {"kernel_size": 2, "dilation": (1, 2, 1),
                                                "padding": 1}),
    ]
    for x, kwargs in cases:
        values, indices = [], []
        for lib, fn in ((autodiff, F.max_pool3d), (torch, TF.max_pool3d)):
            t = lib.tensor(x, requires_grad=True)
            v, i = fn(t, return_indices=True, **kwargs)
            v.sum().backward()
            values.append((v.detach().numpy(), t.grad.numpy()))
            indices.append(i.numpy())
        np.testing.assert_array_equal(indices[0], indices[1])
        for a, b in zip(*values):
            np.testing.assert_allclose(a, b)


def test_pools_of_an_empty_batch_as_pytorch():
    empty = np.zeros((0, 3, 4, 4, 4))
    for fn, tfn in ((F.adaptive_max_pool3d, TF.adaptive_max_pool3d),
                    (F.adaptive_avg_pool3d, TF.adaptive_avg_pool3d)):
        assert fn(autodiff.tensor(empty), 2).shape == tuple(tfn(torch.tensor(empty), 2).shape)
    assert F.max_pool3d(autodiff.tensor(empty), 2).shape == (0, 3, 2, 2, 2)
