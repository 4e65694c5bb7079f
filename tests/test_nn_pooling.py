"""max/avg pooling (ceil_mode, dilation, return_indices, count_include_pad,
divisor_override), max unpooling and the pooling layers, against torch (values,
indices, shapes, dtypes, gradients and errors; float64)."""

import itertools

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _compare(ours, theirs, shape, seed=0, indices=False, x=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) if x is None else x
    a = autodiff.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out_a, out_t = ours(a), theirs(t)
    if indices:
        (out_a, ia), (out_t, it) = out_a, out_t
        assert ia.dtype == autodiff.int64 and not ia.requires_grad
        np.testing.assert_array_equal(ia.numpy(), it.numpy())
    assert out_a.shape == tuple(out_t.shape)
    assert out_a.dtype == autodiff.float64
    np.testing.assert_allclose(out_a.numpy(), out_t.detach().numpy(), atol=1e-12)
    g = rng.standard_normal(out_a.shape)
    out_a.backward(autodiff.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=1e-12)
    return out_a


MAX2D = [
    dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=c)
    for k, s, p, d, c in itertools.product(
        [2, 3, (3, 2)], [None, 2, (1, 3)], [0, 1], [1, 2, (1, 2)], [False, True]
    )
]


@pytest.mark.parametrize("kw", MAX2D, ids=str)
def test_max_pool2d_matches_torch(kw):
    shape = (2, 3, 9, 8)
    _compare(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), shape)
    _compare(
        lambda x: F.max_pool2d(x, return_indices=True, **kw),
        lambda x: TF.max_pool2d(x, return_indices=True, **kw),
        shape,
        seed=1,
        indices=True,
    )


AVG2D = [
    dict(kernel_size=k, stride=s, padding=p, ceil_mode=True, count_include_pad=i,
         divisor_override=o)
    for k, s, p, i, o in itertools.product(
        [2, 3, (3, 2)], [None, 2, (1, 3)], [0, 1], [True, False], [None, 5]
    )
]  # fmt: skip


@pytest.mark.parametrize("kw", AVG2D, ids=str)
def test_avg_pool2d_ceil_mode_matches_torch(kw):
    _compare(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), (2, 3, 9, 8))


def test_ceil_mode_drops_a_last_window_that_starts_in_the_right_padding():
    # length 5, kernel 2, stride 2, padding 1: ceil gives 4 windows, but the 4th
    # would start at padded position 6 (inside the right padding): PyTorch keeps 3
    for f, tf in ((F.max_pool1d, TF.max_pool1d), (F.avg_pool1d, TF.avg_pool1d)):
        out = f(autodiff.ones(1, 1, 5), 2, 2, 1, ceil_mode=True)
        assert out.shape == tuple(tf(torch.ones(1, 1, 5), 2, 2, 1, ceil_mode=True).shape)
        assert out.shape == (1, 1, 3)
    # a window hanging over the end averages what it covers (here 1 element)
    x = np.arange(5.0).reshape(1, 1, 5)
    out = F.avg_pool1d(autodiff.tensor(x), 2, ceil_mode=True)
    np.testing.assert_array_equal(out.numpy(), [[[0.5, 2.5, 4.0]]])
    np.testing.assert_array_equal(
        out.numpy(), TF.avg_pool1d(torch.tensor(x), 2, ceil_mode=True).numpy()
    )


POOL1D = [
    dict(kernel_size=k, stride=s, padding=p, ceil_mode=c)
    for k, s, p, c in itertools.product([2, 3], [None, 2], [0, 1], [False, True])
]


@pytest.mark.parametrize("kw", POOL1D, ids=str)
@pytest.mark.parametrize("dilation", [1, 2])
def test_max_pool1d_ceil_mode_dilation_match_torch(kw, dilation):
    kw = dict(kw, dilation=dilation)
    _compare(
        lambda x: F.max_pool1d(x, return_indices=True, **kw),
        lambda x: TF.max_pool1d(x, return_indices=True, **kw),
        (2, 3, 10),
        indices=True,
    )
    _compare(lambda x: F.max_pool1d(x, **kw), lambda x: TF.max_pool1d(x, **kw), (3, 9))


@pytest.mark.parametrize("kw", POOL1D, ids=str)
@pytest.mark.parametrize("include", [True, False])
def test_avg_pool1d_ceil_mode_matches_torch(kw, include):
    kw = dict(kw, count_include_pad=include)
    _compare(lambda x: F.avg_pool1d(x, **kw), lambda x: TF.avg_pool1d(x, **kw), (2, 3, 10))


def test_max_pool_indices_unbatched_and_never_in_the_padding():
    # an all -inf window over the padding: the index is the first real element
    x = np.full((2, 5, 5), -np.inf)
    x[:, 3:, 3:] = np.random.default_rng(0).standard_normal((2, 2, 2))
    kw = dict(kernel_size=3, stride=2, padding=1, return_indices=True)
    _compare(lambda t: F.max_pool2d(t, **kw), lambda t: TF.max_pool2d(t, **kw), None,
             indices=True, x=x)  # fmt: skip


def test_max_pool_second_order_matches_torch():
    x = np.random.default_rng(2).standard_normal((1, 2, 7, 6))
    kw = dict(kernel_size=3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True)
    a = autodiff.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (ga,) = autodiff.grad((F.max_pool2d(a, **kw) ** 3).sum(), a, create_graph=True)
    (gt,) = torch.autograd.grad((TF.max_pool2d(t, **kw) ** 3).sum(), t, create_graph=True)
    np.testing.assert_allclose(ga.numpy(), gt.detach().numpy(), atol=1e-12)
    (gga,) = autodiff.grad((ga * ga).sum(), a)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gga.numpy(), ggt.numpy(), atol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, o: m.max_pool2d(o(1, 1, 5, 5), 3, padding=2),
        lambda m, o: m.max_pool2d(o(1, 1, 5, 5), 3, padding=2, dilation=2),
        lambda m, o: m.max_pool2d(o(1, 1, 5, 5), 3, dilation=3),
        lambda m, o: m.max_pool2d(o(1, 1, 2, 2), 4, stride=1, ceil_mode=True),
        lambda m, o: m.avg_pool2d(o(1, 1, 5, 5), 3, padding=2, ceil_mode=True),
        lambda m, o: m.avg_pool2d(o(1, 1, 2, 2), 3, stride=1, ceil_mode=True),
        lambda m, o: m.max_pool1d(o(1, 1, 5), 2, dilation=5),
        lambda m, o: m.avg_pool1d(o(1, 1, 5), 3, padding=2, ceil_mode=True),
    ],
)
def test_pool_errors_where_torch_raises(call):
    with pytest.raises(RuntimeError):
        call(TF, torch.ones)
    with pytest.raises(ValueError, match="padding|too small"):
        call(F, autodiff.ones)


def test_ceil_mode_allows_a_kernel_larger_than_the_input_as_torch():
    # (5 - 7 + 6) // 7 + 1 = 1 window, starting inside the input
    for k in (7, 3):
        for ours, theirs, shape in ((F.max_pool2d, TF.max_pool2d, (1, 2, 5, 2)),
                                    (F.avg_pool2d, TF.avg_pool2d, (1, 2, 2, 5))):  # fmt: skip
            _compare(
                lambda x, f=ours: f(x, k, ceil_mode=True),  # noqa: B023 - called at once
                lambda x, f=theirs: f(x, k, ceil_mode=True),  # noqa: B023
                shape,
            )


def test_pool_too_small_message_names_the_sizes():
    with pytest.raises(ValueError, match=r"input of spatial size \(5, 5\).*\(0, 0\)"):
        F.max_pool2d(autodiff.ones(1, 1, 5, 5), 3, dilation=3)


# ------------------------------------------------------------------ unpool


UNPOOL = [
    ((2, 3, 6, 8), dict(kernel_size=2), None),
    ((2, 3, 7, 7), dict(kernel_size=2), (7, 7)),
    ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1), None),
    ((1, 2, 7, 8), dict(kernel_size=3, stride=2, padding=1), (1, 2, 7, 8)),
    ((2, 5, 6), dict(kernel_size=(2, 3), stride=(2, 1)), (5, 6)),
]


@pytest.mark.parametrize("shape,kw,size", UNPOOL)
def test_max_unpool2d_round_trip_matches_torch(shape, kw, size):
    x = np.random.default_rng(0).standard_normal(shape)
    _, ia = F.max_pool2d(autodiff.tensor(x), return_indices=True, **kw)
    _, it = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    pooled_shape = ia.shape

    out = _compare(
        lambda v: F.max_unpool2d(v, ia, output_size=size, **kw),
        lambda v: TF.max_unpool2d(v, it, output_size=size, **kw),
        pooled_shape,
    )
    ours = nn.MaxUnpool2d(**kw)
    assert repr(ours) == repr(torch.nn.MaxUnpool2d(**kw))
    v = np.random.default_rng(1).standard_normal(pooled_shape)
    np.testing.assert_array_equal(
        ours(autodiff.tensor(v), ia, output_size=size).numpy(),
        torch.nn.MaxUnpool2d(**kw)(torch.tensor(v), it, output_size=size).numpy(),
    )
    assert out.shape[-2:] == (size[-2:] if size else out.shape[-2:])


@pytest.mark.parametrize("kw,size", [(dict(kernel_size=2), None), (dict(kernel_size=3, stride=2), (10,))])
def test_max_unpool1d_round_trip_matches_torch(kw, size):
    x = np.random.default_rng(0).standard_normal((2, 3, 10))
    pooled, ia = F.max_pool1d(autodiff.tensor(x), return_indices=True, **kw)
    _, it = TF.max_pool1d(torch.tensor(x), return_indices=True, **kw)
    _compare(
        lambda v: F.max_unpool1d(v, ia, output_size=size, **kw),
        lambda v: TF.max_unpool1d(v, it, output_size=size, **kw),
        pooled.shape,
    )
    assert repr(nn.MaxUnpool1d(**kw)) == repr(torch.nn.MaxUnpool1d(**kw))


@pytest.mark.parametrize(
    "idx,kw,error,match",
    [
        (np.zeros((1, 1, 2, 2), np.int32), {}, TypeError, "int64"),
        (np.full((1, 1, 2, 2), 16, np.int64), {}, ValueError, "invalid max index 16"),
        (np.full((1, 1, 2, 2), -1, np.int64), {}, ValueError, "invalid max index -1"),
        (np.zeros((1, 1, 2, 3), np.int64), {}, ValueError, "shape"),
        (np.zeros((1, 1, 2, 2), np.int64), {"output_size": (6, 4)}, ValueError, "between"),
        (np.zeros((1, 1, 2, 2), np.int64), {"output_size": (4, 4, 4)}, ValueError, "elements"),
    ],
)
def test_max_unpool2d_errors_where_torch_raises(idx, kw, error, match):
    with pytest.raises((RuntimeError, ValueError)):
        TF.max_unpool2d(torch.ones(1, 1, 2, 2), torch.tensor(idx), 2, **kw)
    with pytest.raises(error, match=match):
        F.max_unpool2d(autodiff.ones(1, 1, 2, 2), autodiff.tensor(idx), 2, **kw)


# ------------------------------------------------------------------ layers


LAYERS = [
    ("MaxPool2d", (2,), {}, (2, 3, 7, 6)),
    ("MaxPool2d", (3, 1, 1, 2, False, True), {}, (2, 3, 7, 6)),
    ("MaxPool1d", (3,), dict(stride=2, dilation=2, ceil_mode=True), (2, 3, 10)),
    ("AvgPool2d", (3, 2, 1, True, False, None), {}, (2, 3, 7, 6)),
    ("AvgPool2d", (3,), dict(ceil_mode=True, divisor_override=4), (3, 7, 6)),
    ("AvgPool1d", (3, 2, 1, True), {}, (2, 3, 10)),
]


@pytest.mark.parametrize("name,args,kw,shape", LAYERS)
def test_pool_layers_match_torch(name, args, kw, shape):
    ours, ref = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(ref)
    _compare(ours, ref, shape)


def test_max_pool_layer_return_indices_feeds_unpool():
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6))
    out, idx = nn.MaxPool2d(2, return_indices=True)(autodiff.tensor(x))
    back = nn.MaxUnpool2d(2)(out, idx)
    ref_out, ref_idx = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    ref = torch.nn.MaxUnpool2d(2)(ref_out, ref_idx)
    np.testing.assert_array_equal(back.numpy(), ref.numpy())


def test_max_pools_with_several_nans_pick_torchs_nan():
    # PyTorch scans a window in order and takes a NaN over anything, even an earlier NaN
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    x[0, 0, [0, 1, 2, 3, 4], [0, 1, 3, 3, 5]] = np.nan
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1, ceil_mode=True)):
        _compare(
            lambda t, kw=kw: F.max_pool2d(t, return_indices=True, **kw),
            lambda t, kw=kw: TF.max_pool2d(t, return_indices=True, **kw),
            None,
            indices=True,
            x=x,
        )
    _compare(
        lambda t: F.adaptive_max_pool2d(t, (2, 3), return_indices=True),
        lambda t: TF.adaptive_max_pool2d(t, (2, 3), return_indices=True),
        None,
        indices=True,
        x=x,
    )
    _compare(
        lambda t: F.max_pool1d(t, 4, 2, return_indices=True),
        lambda t: TF.max_pool1d(t, 4, 2, return_indices=True),
        None,
        indices=True,
        x=x[0],
    )
