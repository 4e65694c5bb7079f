"""F.pad, F.interpolate, adaptive pools and 1-d pools against torch (values and gradients)."""

import numpy as np
import pytest

import autodiff
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _compare(ours, theirs, shape, seed=0, atol=1e-10, indices=False):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    a = autodiff.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out_a, out_t = ours(a), theirs(t)
    if indices:
        (out_a, ia), (out_t, it) = out_a, out_t
        np.testing.assert_array_equal(ia.numpy(), it.numpy())
        assert ia.numpy().dtype == np.int64
    assert out_a.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_a.numpy(), out_t.detach().numpy(), atol=atol)
    g = rng.standard_normal(out_a.shape)
    out_a.backward(autodiff.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=atol)


PADS = [
    ((2, 3, 4), (1, 2), "constant"),
    ((2, 3, 4), (1, 2, 0, 1), "constant"),
    ((1, 2, 3, 4), (1, -1, -2, 3, 1, 0), "constant"),
    ((2, 3, 4), (-1, -2), "constant"),
    ((2, 3, 5), (2, 4), "reflect"),
    ((1, 2, 4, 5), (2, 1, 3, -1), "reflect"),
    ((3, 4), (3, 0), "reflect"),
    ((2, 3, 4), (3, 5), "replicate"),
    ((1, 2, 4, 5), (2, -1, 3, 4), "replicate"),
    ((1, 1, 2, 3, 4), (1, 1, 2, 2, 1, 0), "replicate"),
    ((2, 3, 5), (5, 2), "circular"),
    ((1, 2, 4, 5), (2, -1, -1, 3), "circular"),
]


@pytest.mark.parametrize("shape,pads,mode", PADS)
def test_pad_matches_torch(shape, pads, mode):
    _compare(lambda x: F.pad(x, pads, mode), lambda x: TF.pad(x, pads, mode), shape)


def test_pad_constant_value_and_float32():
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    out = F.pad(autodiff.tensor(x), (1, 1, 1, 0), value=-2.5)
    ref = TF.pad(torch.tensor(x), (1, 1, 1, 0), value=-2.5)
    assert out.dtype == autodiff.float32
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


@pytest.mark.parametrize(
    "shape,pads,mode",
    [
        ((2, 3), (1,), "constant"),
        ((2, 3), (1, 1, 1, 1, 1, 1), "constant"),
        ((1, 2, 3), (3, 0), "reflect"),
        ((4,), (1, 1), "reflect"),
        ((1, 2, 3), (4, 0), "circular"),
    ],
)
def test_pad_errors_where_torch_raises(shape, pads, mode):
    with pytest.raises((RuntimeError, ValueError, NotImplementedError)):
        TF.pad(torch.zeros(shape), pads, mode)
    with pytest.raises((ValueError, NotImplementedError)):
        F.pad(autodiff.zeros(*shape), pads, mode)


INTERP = [
    ((1, 2, 3, 4), {"size": (5, 7)}),
    ((2, 1, 5, 6), {"size": 3}),
    ((1, 2, 4, 4), {"scale_factor": 2}),
    ((1, 2, 5, 3), {"scale_factor": (1.7, 0.6)}),
    ((1, 2, 5, 3), {"scale_factor": 1.5, "recompute_scale_factor": True}),
    ((2, 3, 7), {"size": 4}),
    ((2, 3, 4), {"scale_factor": 2.5}),
    ((1, 2, 3, 4), {"size": (5, 7), "mode": "bilinear"}),
    ((1, 2, 3, 4), {"size": (5, 7), "mode": "bilinear", "align_corners": True}),
    ((2, 1, 6, 5), {"size": (3, 2), "mode": "bilinear"}),
    ((2, 1, 6, 5), {"size": (1, 1), "mode": "bilinear", "align_corners": True}),
    ((1, 2, 4, 3), {"scale_factor": 1.7, "mode": "bilinear"}),
    ((1, 2, 4, 3), {"scale_factor": (2, 0.5), "mode": "bilinear", "align_corners": False}),
    ((1, 2, 4, 3), {"scale_factor": (1.2, 1.4), "mode": "bilinear"}),  # size kept: a copy
]

# the modes added after nearest/bilinear, on 3-d, 4-d and 5-d input
INTERP_MODES = [
    (shape, dict(kw, mode=mode, **extra))
    for shape, modes in (
        ((2, 3, 5), ("nearest-exact", "area", "linear")),
        ((1, 2, 5, 4), ("nearest-exact", "area", "bicubic")),
        ((1, 2, 3, 4, 3), ("nearest", "nearest-exact", "area", "trilinear")),
    )
    for mode in modes
    for kw in (
        {"size": 1}, {"size": 2}, {"size": 7}, {"scale_factor": 0.7}, {"scale_factor": 1.3},
        {"scale_factor": 2}, {"scale_factor": 2.5}, {"scale_factor": 1.3,
                                                      "recompute_scale_factor": True},
    )
    for extra in (
        ({},) if mode in ("nearest", "nearest-exact", "area")
        else ({}, {"align_corners": True})
    )
    # torch's 1-d/3-d nearest backward uses other source indices than its forward
    # when the size is kept or doubled; those are compared on values below
    if not (mode == "nearest" and kw.get("scale_factor") == 1.3 and "recompute_scale_factor"
            not in kw)
]  # fmt: skip


@pytest.mark.parametrize("shape,kw", INTERP)
def test_interpolate_matches_torch(shape, kw):
    _compare(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), shape)


@pytest.mark.parametrize("shape,kw", INTERP_MODES, ids=str)
def test_interpolate_modes_match_torch(shape, kw):
    _compare(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), shape)


def test_interpolate_nearest_where_torch_backward_disagrees_with_its_forward():
    # torch's upsample_nearest1d/3d forward computes floor(i / scale) but its
    # backward uses the 2-d kernel's shortcuts (copy when the size is kept, i // 2
    # when it doubles): our gradient is the one of the forward, gradchecked
    for shape, sf in (((2, 3, 5), 2.1), ((1, 2, 3, 4, 3), 1.3), ((1, 1, 3), 1.3)):
        x = np.random.default_rng(0).standard_normal(shape)
        out = F.interpolate(autodiff.tensor(x), scale_factor=sf)
        np.testing.assert_array_equal(
            out.numpy(), TF.interpolate(torch.tensor(x), scale_factor=sf).numpy()
        )
        assert autodiff.gradcheck(
            lambda t, sf=sf: F.interpolate(t, scale_factor=sf),
            (autodiff.tensor(x, requires_grad=True),),
        )


def test_interpolate_float32_keeps_its_dtype():
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 5)).astype(np.float32)
    for mode in ("nearest-exact", "area", "bicubic", "bilinear"):
        out = F.interpolate(autodiff.tensor(x), size=(7, 3), mode=mode)
        ref = TF.interpolate(torch.tensor(x), size=(7, 3), mode=mode)
        assert out.dtype == autodiff.float32
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "shape,kw,error,match",
    [
        ((1, 1, 2, 2), {}, ValueError, "either"),
        ((1, 1, 2, 2), {"size": 3, "scale_factor": 2}, ValueError, "only one"),
        ((1, 1, 2, 2), {"size": 3, "align_corners": True}, ValueError, "align_corners"),
        ((1, 1, 2, 2), {"size": 3, "mode": "area", "align_corners": False}, ValueError,
         "align_corners"),
        ((1, 1, 2), {"size": 3, "mode": "bilinear"}, NotImplementedError, "needs 4D"),
        ((1, 1, 2, 2), {"size": 3, "mode": "linear"}, NotImplementedError, "needs 3D"),
        ((1, 1, 2, 2), {"size": 3, "mode": "trilinear"}, NotImplementedError, "needs 5D"),
        ((1, 1, 2, 2), {"size": 3, "mode": "cubic"}, NotImplementedError, "'cubic'"),
        ((1, 2), {"size": 3}, NotImplementedError, "2-d input"),
        ((1, 1, 2, 2), {"size": (3, 3, 3)}, ValueError, "same number"),
        ((1, 1, 2, 2), {"scale_factor": (2,)}, ValueError, "scale_factor"),
        ((1, 1, 2, 2), {"size": 3, "recompute_scale_factor": True}, ValueError, "meaningful"),
        ((1, 1, 2, 2), {"size": 3, "antialias": True}, ValueError, "Anti-alias"),
        ((1, 1, 2, 2), {"scale_factor": 0.1}, (ValueError, RuntimeError), "greater than 0"),
    ],
)  # fmt: skip
def test_interpolate_errors_where_torch_raises(shape, kw, error, match):
    with pytest.raises(error if error is not ValueError else ValueError):
        TF.interpolate(torch.zeros(shape), **kw)
    with pytest.raises(error, match=match):
        F.interpolate(autodiff.zeros(*shape), **kw)


def test_interpolate_lanczos_needs_antialias():
    # (antialias=True and lanczos are compared with torch in tests/test_torch_names.py)
    for lib, T in ((torch, TF), (autodiff, F)):
        with pytest.raises(ValueError, match="Lanczos mode requires antialias=True"):
            T.interpolate(lib.zeros(1, 1, 4, 4), size=3, mode="lanczos")


@pytest.mark.parametrize(
    "shape,size",
    [((2, 3, 5, 7), (3, 2)), ((1, 2, 6, 6), 3), ((2, 4, 5), (None, 3)), ((1, 1, 3, 4), (5, 6))],
)
def test_adaptive_avg_pool2d_matches_torch(shape, size):
    _compare(
        lambda x: F.adaptive_avg_pool2d(x, size),
        lambda x: TF.adaptive_avg_pool2d(x, size),
        shape,
    )


@pytest.mark.parametrize(
    "shape,size",
    [((2, 3, 5, 7), (3, 2)), ((1, 2, 6, 6), 3), ((2, 4, 5), (None, 3)), ((1, 1, 3, 4), (5, 6))],
)
def test_adaptive_max_pool2d_matches_torch(shape, size):
    _compare(
        lambda x: F.adaptive_max_pool2d(x, size),
        lambda x: TF.adaptive_max_pool2d(x, size),
        shape,
    )
    _compare(
        lambda x: F.adaptive_max_pool2d(x, size, return_indices=True),
        lambda x: TF.adaptive_max_pool2d(x, size, return_indices=True),
        shape,
        indices=True,
    )


POOL1D = [
    ((2, 3, 8), {"kernel_size": 2}),
    ((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((3, 7), {"kernel_size": 3, "stride": 1}),
    ((1, 2, 10), {"kernel_size": 4, "stride": 3, "padding": 2}),
]


@pytest.mark.parametrize("shape,kw", POOL1D)
def test_max_pool1d_matches_torch(shape, kw):
    _compare(lambda x: F.max_pool1d(x, **kw), lambda x: TF.max_pool1d(x, **kw), shape)
    _compare(
        lambda x: F.max_pool1d(x, return_indices=True, **kw),
        lambda x: TF.max_pool1d(x, return_indices=True, **kw),
        shape,
        indices=True,
    )


@pytest.mark.parametrize("shape,kw", POOL1D)
@pytest.mark.parametrize("include", [True, False])
def test_avg_pool1d_matches_torch(shape, kw, include):
    _compare(
        lambda x: F.avg_pool1d(x, count_include_pad=include, **kw),
        lambda x: TF.avg_pool1d(x, count_include_pad=include, **kw),
        shape,
    )


def test_pool1d_errors_where_torch_raises():
    for kw in ({"kernel_size": 2, "padding": 2}, {"kernel_size": 5}):
        with pytest.raises(RuntimeError):
            TF.max_pool1d(torch.zeros(1, 1, 3), **kw)
        with pytest.raises(ValueError):
            F.max_pool1d(autodiff.zeros(1, 1, 3), **kw)
        with pytest.raises(RuntimeError):
            TF.avg_pool1d(torch.zeros(1, 1, 3), **kw)
        with pytest.raises(ValueError):
            F.avg_pool1d(autodiff.zeros(1, 1, 3), **kw)


def test_second_order_through_pad_and_interpolate():
    x = autodiff.tensor(np.random.default_rng(0).standard_normal((1, 1, 3, 3)), requires_grad=True)

    def f(t):
        y = F.interpolate(F.pad(t, (1, 1, 1, 1), "reflect"), scale_factor=2, mode="bilinear")
        return (y**3).sum()

    assert autodiff.gradgradcheck(lambda t: F.pad(t, (1, 2, 2, 0), "circular") ** 2, (x,))
    (g,) = autodiff.grad(f(x), x, create_graph=True)
    xt = torch.tensor(x.numpy(), requires_grad=True)
    yt = TF.interpolate(TF.pad(xt, (1, 1, 1, 1), "reflect"), scale_factor=2, mode="bilinear")
    (gt,) = torch.autograd.grad((yt**3).sum(), xt, create_graph=True)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), atol=1e-10)
    (gg,) = autodiff.grad(g.sum(), x)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(gg.numpy(), ggt.numpy(), atol=1e-10)


def test_modules_match_torch():
    from autodiff import nn

    x = np.random.default_rng(1).standard_normal((2, 3, 5, 4))
    pairs = [
        (nn.AdaptiveAvgPool2d((2, None)), torch.nn.AdaptiveAvgPool2d((2, None))),
        (nn.AdaptiveMaxPool2d(3), torch.nn.AdaptiveMaxPool2d(3)),
        (nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
        (
            nn.Upsample(size=(3, 7), mode="bilinear", align_corners=True),
            torch.nn.Upsample(size=(3, 7), mode="bilinear", align_corners=True),
        ),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(
            ours(autodiff.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), atol=1e-12
        )
    assert repr(nn.Upsample(scale_factor=2)) == repr(torch.nn.Upsample(scale_factor=2))
    assert repr(nn.AdaptiveAvgPool2d(3)) == repr(torch.nn.AdaptiveAvgPool2d(3))
