"""nn.functional activations (silu ... glu, normalize, cosine_similarity,
pairwise_distance) and their modules, against PyTorch: values, gradients with
random upstream gradients, dtypes, edge values (0, kinks, large |x|, NaN),
second derivatives, reprs and errors."""

import warnings

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
tnn = torch.nn

ELEMENTWISE = [
    ("silu", {}),
    ("mish", {}),
    ("hardtanh", {}),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("relu6", {}),
    ("hardsigmoid", {}),
    ("hardswish", {}),
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 0.5}),
    ("celu", {"alpha": 3.0}),
    ("logsigmoid", {}),
    ("softsign", {}),
]

# kinks of every activation above, zero, both signs, large |x|, infinities and NaN
EDGES = [0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 6.0, -2.0, 0.5, 2.5, -2.5, 5.99, 6.01, 1e-8]
EDGES = [np.nan] + EDGES + [20.0, -20.0, 30.0, -30.0, 88.0, -88.0, 1e4, -1e4, 1e30, -1e30]


def _inputs(dtype):
    r = np.random.default_rng(0)
    x = np.concatenate([np.array(EDGES), r.uniform(-8, 8, 40)]).astype(dtype)
    return x


def _run(fn_ours, fn_torch, xs, g, **kw):
    a = [autodiff.tensor(x, requires_grad=True) for x in xs]
    t = [torch.tensor(x, requires_grad=True) for x in xs]
    ya, yt = fn_ours(*a, **kw), fn_torch(*t, **kw)
    ya.backward(autodiff.tensor(g(ya.shape, ya.data.dtype)))
    yt.backward(torch.tensor(g(ya.shape, ya.data.dtype)))
    return ya, yt, [x.grad for x in a], [x.grad for x in t]


def _upstream(shape, dtype):
    return np.random.default_rng(1).standard_normal(shape).astype(dtype)


def _close(ours, theirs, dtype, what):
    rtol, atol = (2e-6, 1e-6) if dtype == np.float32 else (1e-12, 1e-12)
    if "ardsigmoid" in what and dtype == np.float64:
        rtol = 1e-7  # PyTorch's float64 kernel multiplies by a float32 1/6
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else theirs
    ours = ours.data if isinstance(ours, autodiff.Tensor) else ours
    assert ours.dtype == theirs.dtype, what
    assert ours.shape == theirs.shape, what
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kw", ELEMENTWISE)
def test_elementwise_values_and_grads(name, kw, dtype):
    x = _inputs(dtype)
    with np.errstate(all="ignore"):
        ya, yt, ga, gt = _run(getattr(F, name), getattr(TF, name), [x], _upstream, **kw)
    _close(ya, yt, dtype, f"{name} value")
    _close(ga[0], gt[0], dtype, f"{name} grad")


@pytest.mark.parametrize("name,kw", ELEMENTWISE)
def test_elementwise_kink_gradients_exact(name, kw):
    """At 0, at the kinks and for NaN the gradient is PyTorch's choice exactly."""
    # NaN's gradient is what PyTorch's vectorised loops give (its scalar loop, used
    # for tensors of fewer than 8 to 32 elements and tails, differs for NaN)
    # (64 elements: no scalar tail)
    x = np.array(
        [np.nan, 0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 6.0, -2.0, 0.5] * 6 + [1.5] * 4, np.float32
    )
    a, t = autodiff.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    getattr(F, name)(a, **kw).sum().backward()
    getattr(TF, name)(t, **kw).sum().backward()
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-6, atol=0, equal_nan=True)


@pytest.mark.parametrize("name,kw", ELEMENTWISE)
def test_elementwise_second_order(name, kw):
    r = np.random.default_rng(3)
    x = r.uniform(-5, 5, (3, 4))
    # keep away from the kinks (finite differences across one are meaningless)
    for k in (0.0, 1.0, -1.0, 3.0, -3.0, 6.0, -2.0, 0.5):
        x[np.abs(x - k) < 0.05] += 0.13
    a = autodiff.tensor(x, requires_grad=True)
    fn = getattr(F, name)
    assert autodiff.gradcheck(lambda v: fn(v, **kw), (a,))
    assert autodiff.gradgradcheck(lambda v: fn(v, **kw), (a,))
    # and the second derivative is PyTorch's
    (ga,) = autodiff.grad(fn(a, **kw).sum(), a, create_graph=True)
    if not ga.requires_grad:  # piecewise linear: the gradient does not depend on x
        assert name in ("hardtanh", "relu6", "hardsigmoid")
        return  # (PyTorch: zeros, or for hardsigmoid no second derivative at all)
    t = torch.tensor(x, requires_grad=True)
    (gt,) = torch.autograd.grad(getattr(TF, name)(t, **kw).sum(), t, create_graph=True)
    (ht,) = torch.autograd.grad((gt * gt).sum(), t)
    (ha,) = autodiff.grad((ga * ga).sum(), a)
    np.testing.assert_allclose(ha.data, ht.numpy(), rtol=1e-10, atol=1e-12)


def test_stable_for_large_inputs():
    big = autodiff.tensor([-1e4, 1e4, -1e30, 1e30], requires_grad=True)
    for name in ("silu", "mish", "logsigmoid", "softsign", "selu", "celu"):
        big.grad = None
        y = getattr(F, name)(big)
        y.sum().backward()
        assert not np.isnan(y.data).any(), name
        assert not np.isnan(big.grad.data).any(), name
    np.testing.assert_array_equal(F.logsigmoid(big).data, big.data * [1, 0, 1, 0])
    assert not np.signbit(F.logsigmoid(big).data[1])  # 0, not -0 (as PyTorch)


def test_integer_inputs():
    ints = autodiff.tensor([-3, 0, 2, 9])
    for name in ("silu", "mish", "hardsigmoid", "hardswish", "selu", "celu", "logsigmoid"):
        with pytest.raises(TypeError, match="floating"):
            getattr(F, name)(ints)
    out = F.hardtanh(ints, 0, 5)
    assert out.dtype == np.int64 and out.tolist() == [0, 0, 2, 5]
    assert F.relu6(ints).tolist() == TF.relu6(torch.tensor([-3, 0, 2, 9])).tolist()


def test_not_a_tensor():
    with pytest.raises(TypeError, match="must be a Tensor"):
        F.silu([1.0, 2.0])


# ----------------------------------------------------------- softmin, glu


@pytest.mark.parametrize("shape,dim", [((5,), None), ((3, 4), None), ((3, 4), 0), ((2, 3, 4), -1)])
def test_softmin(shape, dim):
    x = np.random.default_rng(0).standard_normal(shape) * 10
    x.flat[0] = 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's implicit-dim warning
        ya, yt, ga, gt = _run(F.softmin, TF.softmin, [x], _upstream, dim=dim)
    _close(ya, yt, np.float64, "softmin")
    _close(ga[0], gt[0], np.float64, "softmin grad")
    a = autodiff.tensor(x, requires_grad=True)
    assert autodiff.gradgradcheck(lambda v: F.softmin(v, dim=-1), (a,))


def test_softmin_dtype():
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    out = F.softmin(autodiff.tensor(x), dim=1, dtype=autodiff.float64)
    ref = TF.softmin(torch.tensor(x), dim=1, dtype=torch.float64)
    _close(out, ref, np.float64, "softmin dtype")


@pytest.mark.parametrize("shape,dim", [((4,), -1), ((3, 6), -1), ((4, 3), 0), ((2, 4, 3), 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_glu(shape, dim, dtype):
    x = (np.random.default_rng(2).standard_normal(shape) * 5).astype(dtype)
    ya, yt, ga, gt = _run(F.glu, TF.glu, [x], _upstream, dim=dim)
    _close(ya, yt, dtype, "glu")
    _close(ga[0], gt[0], dtype, "glu grad")
    a = autodiff.tensor(x.astype(np.float64), requires_grad=True)
    assert autodiff.gradgradcheck(lambda v: F.glu(v, dim), (a,))


def test_glu_errors():
    with pytest.raises(ValueError, match="halving dimension must be even.*size 3"):
        F.glu(autodiff.ones(3))
    with pytest.raises(ValueError, match="scalars"):
        F.glu(autodiff.tensor(1.0))
    with pytest.raises(IndexError, match="out of range"):
        F.glu(autodiff.ones(2, 4), dim=2)


# ------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    "shape,p,dim",
    [
        ((3, 4), 2.0, 1),
        ((3, 4), 1.0, 0),
        ((2, 3, 4), 3.0, -1),
        ((5,), 2.0, 0),
        ((3, 4), float("inf"), 1),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize(shape, p, dim, dtype):
    x = np.random.default_rng(4).standard_normal(shape).astype(dtype)
    ya, yt, ga, gt = _run(F.normalize, TF.normalize, [x], _upstream, p=p, dim=dim)
    _close(ya, yt, dtype, "normalize")
    _close(ga[0], gt[0], dtype, "normalize grad")


def test_normalize_zero_vector_and_eps():
    x = np.array([[0.0, 0.0, 0.0], [1e-13, 0.0, 0.0], [3.0, 4.0, 0.0]])
    ya, yt, ga, gt = _run(F.normalize, TF.normalize, [x], _upstream)
    _close(ya, yt, np.float64, "normalize")
    _close(ga[0], gt[0], np.float64, "normalize grad")
    a = autodiff.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert autodiff.gradgradcheck(lambda v: F.normalize(v, dim=1), (a,))
    with pytest.raises(TypeError, match="out="):
        F.normalize(a, out=a)


# ------------------------------------------------- cosine_similarity, pairwise


@pytest.mark.parametrize(
    "s1,s2,dim",
    [
        ((4, 5), (4, 5), 1),
        ((4, 5), (5,), -1),
        ((3, 1, 6), (4, 6), 2),
        ((6,), (6,), 0),
        ((2, 3), (2, 3), 0),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cosine_similarity(s1, s2, dim, dtype):
    r = np.random.default_rng(5)
    x1, x2 = r.standard_normal(s1).astype(dtype), r.standard_normal(s2).astype(dtype)
    ya, yt, ga, gt = _run(F.cosine_similarity, TF.cosine_similarity, [x1, x2], _upstream, dim=dim)
    _close(ya, yt, dtype, "cosine_similarity")
    for i in range(2):
        _close(ga[i], gt[i], dtype, f"cosine_similarity grad {i}")


def test_cosine_similarity_zero_vectors_and_large():
    x1 = np.array([[0.0, 0.0], [1e-10, 0.0], [1e150, 1e150], [1.0, 2.0]])
    x2 = np.array([[1.0, 1.0], [0.0, 1e-10], [1e150, -1e150], [0.0, 0.0]])
    ya, yt, ga, gt = _run(F.cosine_similarity, TF.cosine_similarity, [x1, x2], _upstream)
    _close(ya, yt, np.float64, "cosine_similarity")
    for i in range(2):
        _close(ga[i], gt[i], np.float64, f"cosine_similarity grad {i}")
    a = autodiff.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    b = autodiff.tensor(np.random.default_rng(2).standard_normal((3, 4)), requires_grad=True)
    assert autodiff.gradgradcheck(F.cosine_similarity, (a, b))


def test_cosine_similarity_dtypes_and_errors():
    a32 = autodiff.ones(2, 3)
    b64 = autodiff.ones(2, 3, dtype=autodiff.float64)
    assert F.cosine_similarity(a32, b64).dtype == np.float64
    assert F.cosine_similarity(autodiff.tensor([[1, 2]]), autodiff.tensor([[2, 4]])).dtype == (
        np.float32
    )
    with pytest.raises(ValueError, match="broadcast"):
        F.cosine_similarity(autodiff.ones(2, 3), autodiff.ones(2, 4))
    with pytest.raises(IndexError, match="out of range"):
        F.cosine_similarity(autodiff.ones(2, 3), autodiff.ones(2, 3), dim=2)


@pytest.mark.parametrize(
    "s1,s2,p,keepdim",
    [
        ((4, 5), (4, 5), 2.0, False),
        ((4, 5), (5,), 1.0, True),
        ((3, 5), (3, 5), 3.0, False),
        ((5,), (5,), 2.0, False),
        ((4, 5), (4, 5), float("inf"), False),
        ((2, 3, 4), (3, 4), 2.0, True),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pairwise_distance(s1, s2, p, keepdim, dtype):
    r = np.random.default_rng(6)
    x1, x2 = r.standard_normal(s1).astype(dtype), r.standard_normal(s2).astype(dtype)
    ya, yt, ga, gt = _run(
        F.pairwise_distance, TF.pairwise_distance, [x1, x2], _upstream, p=p, keepdim=keepdim
    )
    _close(ya, yt, dtype, "pairwise_distance")
    for i in range(2):
        _close(ga[i], gt[i], dtype, f"pairwise_distance grad {i}")


def test_pairwise_distance_identical_inputs():
    x = np.random.default_rng(0).standard_normal((3, 4))
    ya, yt, ga, gt = _run(F.pairwise_distance, TF.pairwise_distance, [x, x.copy()], _upstream)
    _close(ya, yt, np.float64, "pairwise_distance")
    _close(ga[0], gt[0], np.float64, "pairwise_distance grad")
    a = autodiff.tensor(x, requires_grad=True)
    b = autodiff.tensor(x + 0.5, requires_grad=True)
    assert autodiff.gradgradcheck(F.pairwise_distance, (a, b))


# ------------------------------------------------------------------ inplace


def test_inplace():
    x = autodiff.tensor([-4.0, 0.5, 7.0])
    out = F.relu6(x, inplace=True)
    assert out is x and x.tolist() == [0.0, 0.5, 6.0]
    leaf = autodiff.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.silu(leaf, inplace=True)
    with autodiff.no_grad():
        F.hardtanh(leaf, 0.0, 0.5, inplace=True)
    assert leaf.tolist() == [0.5]
    # a non-leaf in a graph: the result is right and the gradient too
    w = autodiff.tensor([-4.0, 0.5, 7.0], requires_grad=True)
    h = w * 2.0
    y = nn.Hardswish(inplace=True)(h)
    y.sum().backward()
    wt = torch.tensor([-4.0, 0.5, 7.0], requires_grad=True)
    tnn.Hardswish(inplace=True)(wt * 2.0).sum().backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy())


# ------------------------------------------------------------------ modules

MODULES = [
    ("SiLU", (), {}),
    ("SiLU", (True,), {}),
    ("Mish", (), {}),
    ("Hardtanh", (), {}),
    ("Hardtanh", (-2.0, 3.0), {}),
    ("Hardtanh", (-2, 3, True), {}),
    ("ReLU6", (), {}),
    ("ReLU6", (True,), {}),
    ("Hardsigmoid", (), {}),
    ("Hardswish", (), {}),
    ("SELU", (), {}),
    ("SELU", (True,), {}),
    ("CELU", (), {}),
    ("CELU", (2.0, True), {}),
    ("LogSigmoid", (), {}),
    ("Softsign", (), {}),
    ("Softmin", (), {"dim": 1}),
    ("Softmin", (), {}),
    ("GLU", (), {}),
    ("GLU", (0,), {}),
]


@pytest.mark.parametrize("name,args,kw", MODULES)
def test_modules(name, args, kw):
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert list(ours.parameters()) == [] and list(theirs.parameters()) == []
    assert ours.state_dict() == {}
    for attr in ("inplace", "min_val", "max_val", "alpha", "dim"):
        if hasattr(theirs, attr):
            assert getattr(ours, attr) == getattr(theirs, attr), attr
    x = np.random.default_rng(7).standard_normal((4, 6)) * 4
    a, t = autodiff.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ya, yt = ours(a * 1.0), theirs(t * 1.0)
    _close(ya, yt, np.float64, name)
    g = _upstream(ya.shape, np.float64)
    ya.backward(autodiff.tensor(g))
    yt.backward(torch.tensor(g))
    _close(a.grad, t.grad, np.float64, f"{name} grad")


def test_module_errors():
    with pytest.raises(ValueError, match="max_val .* must be greater than min_val"):
        nn.Hardtanh(2.0, 1.0)
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(autodiff.ones(2), 2.0, 1.0)
    with pytest.raises(ZeroDivisionError, match="alpha cannot be 0"):
        F.celu(autodiff.ones(2), alpha=0.0)


def test_in_a_model():
    """A small network with these activations trains like PyTorch's (same weights)."""
    ours = nn.Sequential(
        nn.Linear(4, 8),
        nn.SiLU(),
        nn.Linear(8, 8),
        nn.Hardswish(),
        nn.Linear(8, 6),
        nn.GLU(),
        nn.Mish(),
    )
    theirs = tnn.Sequential(
        tnn.Linear(4, 8),
        tnn.SiLU(),
        tnn.Linear(8, 8),
        tnn.Hardswish(),
        tnn.Linear(8, 6),
        tnn.GLU(),
        tnn.Mish(),
    )
    theirs.load_state_dict(
        {k: torch.tensor(np.array(v.data)) for k, v in ours.state_dict().items()}
    )
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    la = ours(autodiff.tensor(x)).sum()
    lt = theirs(torch.tensor(x)).sum()
    la.backward()
    lt.backward()
    np.testing.assert_allclose(la.item(), lt.item(), rtol=1e-5)
    tp = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, tp[k].grad.numpy(), rtol=1e-4, atol=1e-6)
