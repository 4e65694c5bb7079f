"""InstanceNorm1d/2d, Bilinear, AdaptiveMaxPool1d, the upsampling aliases, Dropout1d,
AlphaDropout and gumbel_softmax against PyTorch: deterministic ones value for value
and gradient for gradient (tests/_oracle.py); random ones by their statistics and
their eval-mode identity."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import case as C  # noqa: E402
from _oracle import same_as_torch  # noqa: E402

import autodiff  # noqa: E402
from autodiff import nn  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")
R = np.random.default_rng(61)


def rn(*shape):
    return R.standard_normal(shape)


def with_params(module, *arrays):
    """The module with its parameters set to ``arrays`` (in order), in both libraries."""
    lib = autodiff if isinstance(module, autodiff.nn.Module) else torch
    with lib.no_grad():
        for p, a in zip(module.parameters(), arrays):
            p.copy_(lib.tensor(a, dtype=p.dtype))
    return module


W234, B4 = rn(4, 2, 3), rn(4)
CASES = [
    C("instance_norm1d", lambda M, x: M.nn.InstanceNorm1d(3)(x), rn(2, 3, 5)),
    C("instance_norm1d-unbatched", lambda M, x: M.nn.InstanceNorm1d(3)(x), rn(3, 5)),
    C("instance_norm2d-affine", lambda M, x: with_params(
        M.nn.InstanceNorm2d(2, affine=True).double(), [1.5, 0.5], [0.1, -0.2])(x), rn(2, 2, 3, 4)),
    C("instance_norm2d-running-eval", lambda M, x: M.nn.InstanceNorm2d(
        2, track_running_stats=True).double().eval()(x), rn(2, 2, 3, 3)),
    C("bilinear-module", lambda M, a, b: with_params(M.nn.Bilinear(2, 3, 4).double(), W234, B4)(
        a, b), rn(5, 2), rn(5, 3)),
    C("bilinear-functional", lambda M, a, b, w: M.nn.functional.bilinear(a, b, w),
      rn(2, 5, 2), rn(2, 5, 3), rn(4, 2, 3)),
    C("adaptive_max_pool1d", lambda M, x: M.nn.functional.adaptive_max_pool1d(x, 3),
      rn(2, 3, 7)),
    C("adaptive_max_pool1d-indices", lambda M, x: M.nn.AdaptiveMaxPool1d(2, True)(x)[1],
      rn(2, 6), grad=False),
    C("upsample", lambda M, x: M.nn.functional.upsample(x, scale_factor=2, mode="linear"),
      rn(1, 2, 4)),
    C("upsample_nearest", lambda M, x: M.nn.functional.upsample_nearest(x, size=5),
      rn(1, 2, 3, 3)),
    C("upsample_bilinear", lambda M, x: M.nn.functional.upsample_bilinear(x, scale_factor=2),
      rn(1, 2, 3, 3)),
    C("upsampling-modules", lambda M, x: M.nn.UpsamplingNearest2d(scale_factor=2)(x).sum()
      + M.nn.UpsamplingBilinear2d(size=(5, 4))(x).sum(), rn(1, 2, 3, 3)),
    C("dropout1d-eval", lambda M, x: M.nn.Dropout1d(0.4).eval()(x), rn(2, 3, 4)),
    C("alpha_dropout-eval", lambda M, x: M.nn.AlphaDropout(0.4).eval()(x), rn(2, 3)),
    C("alpha_dropout-default-off", lambda M, x: M.nn.functional.alpha_dropout(x, 0.4), rn(5)),
]


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_same_as_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


def test_dropout1d_zeroes_whole_channels_and_keeps_the_mean():
    autodiff.manual_seed(0)
    x = autodiff.ones(200, 50, 8)
    y = F.dropout1d(x, 0.3).numpy()
    per_channel = y.reshape(200 * 50, 8)
    assert ((per_channel == 0).all(1) | (per_channel == 1 / 0.7).all(1)).all()
    assert abs(y.mean() - 1.0) < 0.02
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        F.dropout1d(autodiff.ones(2, 3, 4, 5))


def test_alpha_dropout_keeps_selu_statistics_and_passes_gradients():
    autodiff.manual_seed(1)
    x = autodiff.randn(200_000, dtype=autodiff.float64, requires_grad=True)
    y = F.alpha_dropout(x, 0.2, training=True)
    assert abs(y.data.mean()) < 0.02 and abs(y.data.std() - 1.0) < 0.02
    y.sum().backward()
    kept = x.grad.numpy() != 0
    a = 1 / np.sqrt(0.8 * (1 + 0.2 * 1.7580993408473766**2))
    np.testing.assert_allclose(x.grad.numpy()[kept], a)
    assert abs(kept.mean() - 0.8) < 0.01


def test_gumbel_softmax_samples_follow_the_softmax_and_hard_is_straight_through():
    autodiff.manual_seed(2)
    logits = autodiff.tensor(np.log([0.2, 0.3, 0.5]), requires_grad=True)
    hard = F.gumbel_softmax(logits.expand(20_000, 3), tau=0.5, hard=True)
    assert set(np.unique(hard.numpy())) == {0.0, 1.0}
    np.testing.assert_allclose(hard.numpy().mean(0), [0.2, 0.3, 0.5], atol=0.015)
    soft = F.gumbel_softmax(logits, tau=2.0)
    np.testing.assert_allclose(soft.numpy().sum(), 1.0, rtol=1e-6)
    hard.sum().backward()  # (straight through: the soft samples' gradient)
    assert logits.grad is not None and np.isfinite(logits.grad.numpy()).all()
    with pytest.raises(ValueError, match="tau must be positive"):
        F.gumbel_softmax(logits, tau=0.0)


def test_upsample_aliases_warn_as_pytorch():
    with pytest.warns(UserWarning, match="upsample is deprecated"):
        F.upsample(autodiff.ones(1, 1, 2), scale_factor=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Upsample(scale_factor=2)(autodiff.ones(1, 1, 2))  # (the module does not warn)


def test_instance_norm_updates_running_statistics_in_training():
    m = nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.5)
    t = torch.nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.5)
    x = rn(4, 2, 6)
    m(autodiff.tensor(x, dtype=autodiff.float32))
    t(torch.tensor(x, dtype=torch.float32))
    np.testing.assert_allclose(m.running_mean.numpy(), t.running_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(m.running_var.numpy(), t.running_var.numpy(), rtol=1e-5)


MORE = [
    C("lp_pool1d", lambda M, x: M.nn.functional.lp_pool1d(x, 2, 3), rn(2, 3, 7) + 3.0),
    C("lp_pool1d-stride-ceil", lambda M, x: M.nn.functional.lp_pool1d(x, 3, 2, 3, True),
      rn(1, 2, 8) + 3.0),
    C("lp_pool2d-module", lambda M, x: M.nn.LPPool2d(2, (2, 3))(x), rn(1, 2, 4, 6) + 3.0),
    C("lp_pool1d-module", lambda M, x: M.nn.LPPool1d(1.5, 2)(x), rn(1, 2, 6) + 3.0),
    C("local_response_norm-3d", lambda M, x: M.nn.functional.local_response_norm(x, 3), rn(2, 5, 4)),
    C("local_response_norm-4d", lambda M, x: M.nn.LocalResponseNorm(2, 0.1, 0.5, 2.0)(x),
      rn(2, 4, 3, 3)),
    C("local_response_norm-5d", lambda M, x: M.nn.functional.local_response_norm(x, 4),
      rn(1, 5, 2, 2, 2)),
    C("channel_shuffle", lambda M, x: M.nn.functional.channel_shuffle(x, 3), rn(2, 6, 2, 2)),
    C("channel_shuffle-module", lambda M, x: M.nn.ChannelShuffle(2)(x), rn(1, 4, 3)),
    C("max_pool2d_with_indices", lambda M, x: M.nn.functional.max_pool2d_with_indices(
        x, 2, stride=1)[1], rn(1, 2, 3, 3), grad=False),
    C("max_pool1d_with_indices", lambda M, x: M.nn.functional.max_pool1d_with_indices(x, 2)[0],
      rn(1, 2, 6)),
    C("adaptive_max_pool2d_with_indices", lambda M, x: M.nn.functional.
      adaptive_max_pool2d_with_indices(x, 2)[1], rn(1, 2, 4, 4), grad=False),
    C("rrelu-eval", lambda M, x: M.nn.functional.rrelu(x, 0.1, 0.4), rn(3, 4)),
    C("rrelu-module-eval", lambda M, x: M.nn.RReLU().eval()(x), rn(3, 4)),
    C("batchnorm3d-train", lambda M, x: M.nn.BatchNorm3d(2).double()(x), rn(2, 2, 2, 3, 3)),
    C("batchnorm3d-eval", lambda M, x: M.nn.BatchNorm3d(2).double().eval()(x),
      rn(2, 2, 2, 2, 2)),
]


@pytest.mark.parametrize("fn,args,grad,tol", MORE)
def test_more_same_as_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


def test_rrelu_slopes_are_drawn_in_training():
    autodiff.manual_seed(3)
    x = autodiff.full((10_000,), -1.0, dtype=autodiff.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and abs(slopes.mean() - 0.2) < 0.005
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)
    with pytest.raises(ValueError, match="expected 5D input"):
        nn.BatchNorm3d(2)(autodiff.ones(2, 2, 3))
