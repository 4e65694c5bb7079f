"""conv2d groups/dilation/string padding, conv1d, conv_transpose1d/2d and their
layers, compared with torch (values and input/weight/bias gradients, float64)."""

import itertools
import math

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _compare(fa, ft, shapes, seed=0, **kw):
    rng = np.random.default_rng(seed)
    vals = [rng.standard_normal(s) for s in shapes]
    ours = [autodiff.tensor(v, requires_grad=True) for v in vals]
    ref = [torch.tensor(v, requires_grad=True) for v in vals]
    out, out_t = fa(*ours, **kw), ft(*ref, **kw)
    assert out.shape == tuple(out_t.shape), kw
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rng.standard_normal(tuple(out_t.shape))
    (out * autodiff.tensor(g)).sum().backward()
    (out_t * torch.tensor(g)).sum().backward()
    for a, t in zip(ours, ref):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)


CONV2D = [
    (s, p, d, g)
    for s, p, d, g in itertools.product(
        [1, (2, 1)], [0, (1, 2), "same", "valid"], [1, 2, (1, 3)], [1, 2, 4]
    )
    if not (p == "same" and s != 1)
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("stride,padding,dilation,groups", CONV2D)
def test_conv2d_groups_dilation_padding_match_torch(stride, padding, dilation, groups):
    shapes = [(2, 4, 7, 8), (8, 4 // groups, 3, 2), (8,)]
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    _compare(F.conv2d, TF.conv2d, shapes, **kw)
    _compare(F.conv2d, TF.conv2d, shapes[:2], seed=1, **kw)


@pytest.mark.parametrize(
    "stride,padding,dilation,groups",
    [
        c
        for c in itertools.product([1, 2], [0, 1, "same", "valid"], [1, 2], [1, 2])
        if not (c[1] == "same" and c[0] != 1)
    ],  # fmt: skip
)
def test_conv1d_matches_torch(stride, padding, dilation, groups):
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    _compare(F.conv1d, TF.conv1d, [(2, 4, 9), (6, 4 // groups, 3), (6,)], **kw)
    _compare(F.conv1d, TF.conv1d, [(4, 9), (6, 4 // groups, 2)], seed=2, **kw)  # unbatched


TRANSPOSE = [
    c
    for c in itertools.product([1, 2, 3], [0, 1, 2], [0, 1, 2], [1, 2], [1, 2, 3])
    if c[2] < max(c[0], c[4])
]


@pytest.mark.parametrize("stride,padding,output_padding,groups,dilation", TRANSPOSE)
def test_conv_transpose_match_torch(stride, padding, output_padding, groups, dilation):
    kw = dict(
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )
    _compare(
        F.conv_transpose2d, TF.conv_transpose2d, [(2, 4, 3, 4), (4, 3, 3, 2), (3 * groups,)], **kw
    )
    _compare(F.conv_transpose1d, TF.conv_transpose1d, [(2, 4, 5), (4, 3, 3), (3 * groups,)], **kw)


def test_conv_transpose_unbatched_and_asymmetric():
    kw = dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))
    _compare(F.conv_transpose2d, TF.conv_transpose2d, [(2, 3, 4), (2, 3, 2, 3)], **kw)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 2, 3, 3), groups=3),
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 4, 3, 3), groups=2),
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 4, 3, 3), padding="same", stride=2),
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 4, 3, 3), padding="full"),
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 4, 3, 3), dilation=3),
        lambda m, o: m.conv2d(o(1, 4, 5, 5), o(6, 4, 3, 3), dilation=0),
        lambda m, o: m.conv1d(o(1, 4, 5), o(6, 4, 3, 3)),
        lambda m, o: m.conv_transpose2d(o(1, 4, 3, 3), o(4, 2, 3, 3), output_padding=1),
        lambda m, o: m.conv_transpose2d(o(1, 4, 3, 3), o(4, 2, 3, 3), groups=3),
        lambda m, o: m.conv_transpose2d(o(1, 3, 3, 3), o(4, 2, 3, 3)),
        lambda m, o: m.conv_transpose1d(o(1, 4, 3), o(4, 2, 3), stride=2, output_padding=2),
    ],
)
def test_errors_where_torch_raises(call):
    with pytest.raises(RuntimeError):
        call(TF, torch.ones)
    with pytest.raises((ValueError, TypeError)):
        call(F, autodiff.ones)


MODULES = [
    ("Conv2d", (4, 6, 3), dict(padding="same", dilation=2, groups=2, bias=False), (2, 4, 7, 7)),
    ("Conv2d", (4, 6, (3, 2)), dict(stride=(2, 1), padding=(1, 0)), (2, 4, 7, 7)),
    ("Conv1d", (4, 6, 3), dict(stride=2), (2, 4, 9)),
    ("Conv1d", (4, 6, 3), dict(padding="valid", dilation=2, groups=2), (4, 9)),
    (
        "ConvTranspose2d",
        (4, 6, 3),
        dict(stride=2, output_padding=1, groups=2, dilation=2),
        (2, 4, 3, 3),
    ),
    ("ConvTranspose2d", (4, 2, (3, 2)), dict(padding=1, bias=False), (4, 3, 3)),
    ("ConvTranspose1d", (4, 6, 3), dict(padding=1, stride=3, output_padding=2), (2, 4, 5)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
def test_modules_match_torch(name, args, kw, shape):
    ours, ref = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw).double()
    assert repr(ours) == repr(ref)
    assert ours.weight.shape == tuple(ref.weight.shape)
    assert (ours.bias is None) == (ref.bias is None)
    # initialisation bounds as PyTorch: kaiming_uniform(a=sqrt(5)) and 1/sqrt(fan_in)
    fan_in = ref.weight.shape[1] * math.prod(ref.kernel_size)
    bound = 1.0 / math.sqrt(fan_in)
    assert np.abs(ours.weight.numpy()).max() <= bound + 1e-6
    if ours.bias is not None:
        assert np.abs(ours.bias.numpy()).max() <= bound + 1e-6
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(ours.weight.numpy().astype(np.float64)))
        if ref.bias is not None:
            ref.bias.copy_(torch.tensor(ours.bias.numpy().astype(np.float64)))
    x = np.random.default_rng(0).standard_normal(shape)
    out = ours(autodiff.tensor(x, dtype=ours.weight.dtype))
    np.testing.assert_allclose(out.numpy(), ref(torch.tensor(x)).detach().numpy(), atol=1e-5)


def test_conv_transpose_output_size():
    ours, ref = (
        nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1),
        torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1),
    )
    x = autodiff.zeros(1, 2, 4, 4)
    assert ours(x, output_size=(8, 8)).shape == tuple(
        ref(torch.zeros(1, 2, 4, 4), output_size=(8, 8)).shape
    )
    assert ours(x, output_size=[1, 3, 7, 8]).shape == (1, 3, 7, 8)
    with pytest.raises(ValueError, match="output size"):
        ours(x, output_size=(10, 10))
    up1 = nn.ConvTranspose1d(2, 3, 3, stride=2)
    assert up1(autodiff.zeros(1, 2, 4), output_size=(10,)).shape == (1, 3, 10)


def test_module_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.Conv2d(4, 6, 3, groups=4)
    with pytest.raises(ValueError, match="strided"):
        nn.Conv1d(4, 6, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="channels"):
        nn.ConvTranspose2d(4, 6, 3)(autodiff.zeros(1, 3, 4, 4))


@pytest.mark.parametrize("padding,count_include_pad", [(0, True), (1, True), (1, False)])
@pytest.mark.parametrize("divisor_override", [None, 3, 7])
def test_avg_pool2d_divisor_override(padding, count_include_pad, divisor_override):
    kw = dict(
        kernel_size=3,
        stride=2,
        padding=padding,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )
    _compare(F.avg_pool2d, TF.avg_pool2d, [(2, 3, 7, 6)], **kw)
    ours = nn.AvgPool2d(
        3, 2, padding, count_include_pad=count_include_pad, divisor_override=divisor_override
    )
    x = np.random.default_rng(3).standard_normal((2, 3, 7, 6))
    ref = torch.nn.AvgPool2d(
        3, 2, padding, count_include_pad=count_include_pad, divisor_override=divisor_override
    )
    np.testing.assert_allclose(
        ours(autodiff.tensor(x)).numpy(), ref(torch.tensor(x)).numpy(), atol=1e-12
    )


def test_avg_pool2d_divisor_override_zero_raises():
    with pytest.raises(RuntimeError):
        TF.avg_pool2d(torch.ones(1, 1, 4, 4), 2, divisor_override=0)
    with pytest.raises(ValueError, match="divisor"):
        F.avg_pool2d(autodiff.ones(1, 1, 4, 4), 2, divisor_override=0)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    "name,args,kw,shape",
    [
        ("Conv2d", (3, 4, 3), dict(padding=1), (2, 3, 6, 7)),
        ("Conv2d", (3, 4, (3, 2)), dict(padding=(2, 1), stride=2, dilation=(1, 2)), (2, 3, 6, 7)),
        ("Conv2d", (4, 4, 3), dict(padding="same", dilation=2, groups=2), (4, 6, 7)),
        ("Conv2d", (3, 2, 2), dict(padding="valid"), (1, 3, 4, 4)),
        ("Conv1d", (3, 4, 3), dict(padding=2), (2, 3, 8)),
        ("Conv1d", (3, 4, 4), dict(padding="same"), (3, 8)),
    ],
)
def test_conv_padding_mode_matches_torch(mode, name, args, kw, shape):
    ref = getattr(torch.nn, name)(*args, padding_mode=mode, **kw).double()
    ours = getattr(nn, name)(*args, padding_mode=mode, **kw)
    assert repr(ours) == repr(ref)
    ours.weight.data[...] = ref.weight.detach().numpy()
    ours.bias.data[...] = ref.bias.detach().numpy()
    x = np.random.default_rng(0).standard_normal(shape)
    a = autodiff.tensor(x.astype(np.float32), requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out, out_t = ours(a), ref(t)
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-5, atol=1e-5)
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        ours.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-4, atol=1e-4
    )


def test_conv_padding_mode_errors_where_torch_raises():
    with pytest.raises(ValueError):
        torch.nn.Conv2d(1, 1, 3, padding_mode="wrap")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="wrap")
    with pytest.raises(ValueError):
        torch.nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match='only "zeros"'):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    # reflect padding must be smaller than the input
    with pytest.raises(RuntimeError):
        torch.nn.Conv1d(1, 1, 5, padding=3, padding_mode="reflect")(torch.ones(1, 1, 3))
    with pytest.raises(ValueError, match="reflect padding"):
        nn.Conv1d(1, 1, 5, padding=3, padding_mode="reflect")(autodiff.ones(1, 1, 3))
