"""PyTorch's namespaces and habits (issue 17), each used as PyTorch code uses it and
compared with torch where there are values."""

import numpy as np
import pytest

import autodiff

torch = pytest.importorskip("torch")
F = autodiff.autograd.functional
TF = torch.autograd.functional


def _close(a, t, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a.detach().numpy()), t.detach().numpy(), atol=atol)


def _pair(shape, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape)
    return autodiff.tensor(x), torch.tensor(x)


# ------------------------------------------------------------- autograd.functional
def f1(x):
    return x.tanh() * x.sum()


def f2(x, y):
    return (x * y).sin(), x.exp() @ y


def scalar(x, y):
    return (x ** 3 * y).sum() + (x * y.cos()).sum()


def test_jacobian_single_and_tuple():
    a, t = _pair(3)
    _close(F.jacobian(f1, a), TF.jacobian(f1, t))
    (ax, tx), (ay, ty) = _pair((3,), 1), _pair((3,), 2)
    ours, theirs = F.jacobian(f2, (ax, ay)), TF.jacobian(f2, (tx, ty))
    for ro, rt in zip(ours, theirs):
        for o, th in zip(ro, rt):
            assert o.shape == tuple(th.shape)
            _close(o, th)


def test_hessian_vjp_jvp_hvp_vhp():
    (ax, tx), (ay, ty) = _pair((3,), 3), _pair((3,), 4)
    for o_row, t_row in zip(F.hessian(scalar, (ax, ay)), TF.hessian(scalar, (tx, ty))):
        for o, th in zip(o_row, t_row):
            _close(o, th)
    _close(F.hessian(lambda x: (x ** 3).sum(), ax), TF.hessian(lambda x: (x ** 3).sum(), tx))
    (av, tv), (aw, tw) = _pair((3,), 5), _pair((3,), 6)
    for name in ("vjp", "jvp"):
        (o1, o2), (p1, p2) = getattr(F, name)(f1, ax, av), getattr(TF, name)(f1, tx, tv)
        _close(o1, p1)
        _close(o2, p2)
    for name in ("hvp", "vhp"):
        (o, res), (p, tres) = (getattr(F, name)(scalar, (ax, ay), (av, aw)),
                               getattr(TF, name)(scalar, (tx, ty), (tv, tw)))
        _close(o, p)
        for r, tr in zip(res, tres):
            _close(r, tr)


def test_functional_create_graph():
    x = autodiff.tensor([0.5, -1.0], dtype=autodiff.float64, requires_grad=True)
    _, g = F.vjp(lambda z: z ** 3, x, autodiff.ones(2, dtype=autodiff.float64), create_graph=True)
    g.sum().backward()
    tx = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    _, tg = TF.vjp(lambda z: z ** 3, tx, torch.ones(2, dtype=torch.float64), create_graph=True)
    tg.sum().backward()
    _close(x.grad, tx.grad)


def test_autograd_namespace():
    ag = autodiff.autograd
    assert ag.Function is autodiff.Function and ag.grad is autodiff.grad
    x = autodiff.tensor([1.0, 2.0], dtype=autodiff.float64, requires_grad=True)
    assert ag.gradcheck(lambda z: z.sin(), (x,)) and ag.gradgradcheck(lambda z: z.sin(), (x,))
    ag.backward([(x * 3).sum(), (x * x).sum()])
    _close(x.grad, torch.tensor([5.0, 7.0], dtype=torch.float64))
    x.grad = None
    ag.backward(x * x, grad_tensors=autodiff.ones(2, dtype=autodiff.float64), inputs=[x])
    _close(x.grad, torch.tensor([2.0, 4.0], dtype=torch.float64))


# ------------------------------------------------------------- namespaces, dtypes, devices
def test_utils_data_alias():
    import autodiff.utils.data
    from autodiff.utils.data import DataLoader, TensorDataset

    assert autodiff.utils.data is autodiff.data and DataLoader is autodiff.data.DataLoader
    ds = TensorDataset(autodiff.arange(4))
    assert [b[0].tolist() for b in DataLoader(ds, batch_size=2)] == [[0, 1], [2, 3]]


@pytest.mark.parametrize(
    "name", ["long", "int", "float", "double", "half", "uint8", "int8", "int16", "int32"]
)
def test_dtype_names(name):
    t = torch.zeros(2, dtype=getattr(torch, name))
    a = autodiff.zeros(2, dtype=getattr(autodiff, name))
    assert str(a.dtype) == str(t.dtype).replace("torch.", "")
    if name in ("long", "int", "half", "float", "double"):
        assert str(getattr(autodiff.ones(2), name)().dtype) == str(
            getattr(torch.ones(2), name)().dtype
        ).replace("torch.", "")


def test_bfloat16_is_a_clear_error():
    with pytest.raises(TypeError, match="bfloat16"):
        autodiff.zeros(2, dtype=autodiff.bfloat16)
    with pytest.raises(TypeError, match="bfloat16"):
        autodiff.ones(2).to(autodiff.bfloat16)


def test_device_everywhere():
    dev = autodiff.device("cpu")
    for d in ("cpu", dev):
        assert autodiff.zeros(2, device=d).shape == (2,)
        autodiff.tensor([1.0], device=d)
        autodiff.arange(3, device=d)
        autodiff.randn(2, device=d)
        autodiff.randint(0, 3, (2,), device=d)
        autodiff.full((2,), 1.0, device=d)
        autodiff.zeros_like(autodiff.ones(2), device=d)
        autodiff.ones(2).to(d)
        autodiff.ones(2).new_zeros(3, device=d)
    for bad in ("cuda", "mps", "cuda:0"):
        with pytest.raises(RuntimeError, match="CPU only"):
            autodiff.zeros(2, device=bad)
        with pytest.raises(RuntimeError, match="CPU only"):
            autodiff.ones(2).to(bad)


def test_cuda_backends_stubs():
    assert autodiff.cuda.is_available() is False
    assert autodiff.cuda.manual_seed_all(1337) is None
    autodiff.cuda.manual_seed(1)
    assert autodiff.backends.mps.is_available() is False
    autodiff.backends.cudnn.benchmark = True
    autodiff.backends.cudnn.deterministic = True
    autodiff.backends.cuda.matmul.allow_tf32 = True


def test_inference_mode():
    x = autodiff.ones(2, requires_grad=True)
    with autodiff.inference_mode():
        assert (x * 2).requires_grad is False
        assert not autodiff.is_grad_enabled()
    assert autodiff.is_grad_enabled()

    @autodiff.inference_mode()
    def f(z):
        return z * 2

    @autodiff.inference_mode
    def g(z):
        return z * 2

    assert f(x).requires_grad is False and g(x).requires_grad is False
    with autodiff.inference_mode(False):
        assert (x * 2).requires_grad


# ------------------------------------------------------------- printing
@pytest.mark.parametrize(
    "opts, make",
    [
        ({"precision": 2}, lambda m: m.tensor([1.23456, 2.5])),
        ({"precision": 6}, lambda m: m.tensor([1.23456789, -2.5], dtype=m.float64)),
        ({"threshold": 5, "edgeitems": 2}, lambda m: m.arange(10.0)),
        ({"sci_mode": True}, lambda m: m.tensor([1.5, 2000.0])),
    ],
)
def test_set_printoptions(opts, make):
    def norm(s):
        return " ".join(s.replace("tensor(", "").replace("Tensor(", "").replace(",", " ")
                        .replace("[", " ").replace("]", " ").split())

    try:
        autodiff.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        ours, theirs = repr(make(autodiff)), repr(make(torch))
        ours = ours.split(", dtype=")[0].rstrip(")")
        theirs = theirs.split(", dtype=")[0].rstrip(")")
        # same numbers as PyTorch prints them (NumPy pads trailing zeros with spaces)
        to_nums = [w for w in norm(ours).split() if w != "..."]
        th_nums = [w for w in norm(theirs).split() if w != "..."]
        assert [float(w) for w in to_nums] == [float(w) for w in th_nums]
        assert ("..." in ours) == ("..." in theirs)
        if opts.get("sci_mode"):
            assert norm(ours) == norm(theirs)
    finally:
        autodiff.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert repr(autodiff.tensor([1.23456])) == "Tensor([1.2346])"


# ------------------------------------------------------------- generators
DRAWS = {
    "rand": lambda g: autodiff.rand(5, generator=g),
    "randn": lambda g: autodiff.randn(2, 3, generator=g),
    "randint": lambda g: autodiff.randint(0, 100, (6,), generator=g),
    "randperm": lambda g: autodiff.randperm(10, generator=g),
    "multinomial": lambda g: autodiff.ones(8).multinomial(4, generator=g),
    "multinomial_r": lambda g: autodiff.multinomial(autodiff.ones(3), 6, True, generator=g),
    "normal_": lambda g: autodiff.empty(5).normal_(generator=g),
    "uniform_": lambda g: autodiff.empty(5).uniform_(-2, 2, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_generator_reproducible_and_independent(name):
    draw = DRAWS[name]
    a = draw(autodiff.Generator().manual_seed(1234))
    autodiff.manual_seed(0)  # the global generator does not matter
    b = draw(autodiff.Generator().manual_seed(1234))
    assert a.tolist() == b.tolist()
    # two generators: drawing from one does not move the other
    g1, g2 = autodiff.Generator().manual_seed(5), autodiff.Generator().manual_seed(5)
    first = draw(g1)
    draw(autodiff.Generator().manual_seed(99))
    autodiff.rand(10)
    assert draw(g2).tolist() == first.tolist()
    # nor does the global generator move when a generator is given
    autodiff.manual_seed(7)
    x = autodiff.rand(3)
    autodiff.manual_seed(7)
    draw(g1)
    assert autodiff.rand(3).tolist() == x.tolist()


def test_generator_state_and_seeds():
    g = autodiff.Generator()
    assert g.manual_seed(42) is g and g.initial_seed() == 42
    s = g.get_state()
    a = autodiff.randn(4, generator=g)
    g.set_state(s)
    assert autodiff.randn(4, generator=g).tolist() == a.tolist()
    assert g.seed() == g.initial_seed()
    tg = torch.Generator().manual_seed(42)
    assert tg.initial_seed() == autodiff.Generator().manual_seed(42).initial_seed()
    with pytest.raises(RuntimeError, match="get_state"):
        g.set_state(autodiff.tensor([1, 2, 3], dtype=autodiff.uint8))
    with pytest.raises(TypeError, match="generator"):
        autodiff.rand(2, generator=42)


# ------------------------------------------------------------- habits
@pytest.mark.parametrize("name", ["sum", "mean", "var", "std", "logsumexp", "argmax", "argmin",
                                  "max", "min"])
def test_axis_keepdims(name):
    a, t = _pair((3, 4), 7)
    if not hasattr(autodiff.Tensor, name):
        pytest.skip(name)
    for kw in ({"axis": 1}, {"axis": 0, "keepdims": True}, {"dim": 1, "keepdims": True}):
        try:
            theirs = getattr(t, name)(**kw)
        except TypeError:
            continue  # PyTorch does not take this spelling either
        ours = getattr(a, name)(**kw)
        if name in ("max", "min"):
            ours, theirs = ours.values, theirs.values
        assert ours.shape == tuple(theirs.shape)
        _close(ours, theirs)
        if name in ("sum", "mean", "max", "min"):
            ours_fn = getattr(autodiff, name)(a, **kw)
            ours_fn = ours_fn.values if name in ("max", "min") else ours_fn
            _close(ours_fn, theirs)


def test_new_factories_numel_clip():
    a = autodiff.zeros(2, 3, dtype=autodiff.float64)
    t = torch.zeros(2, 3, dtype=torch.float64)
    assert a.nelement() == t.nelement() == a.numel() == t.numel()
    for name, args in (("new_zeros", (2,)), ("new_ones", ((2, 2),)), ("new_full", ((3,), 7)),
                       ("new_tensor", ([1, 2],)), ("new_empty", (2, 1))):
        ours, theirs = getattr(a, name)(*args), getattr(t, name)(*args)
        assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == "float64"
        if name != "new_empty":
            _close(ours, theirs)
    assert a.new_zeros(2, dtype=autodiff.long).dtype == autodiff.long
    x, tx = _pair((5,), 8)
    _close(x.clip(-0.5, 0.5), tx.clip(-0.5, 0.5))
    _close(autodiff.clip(x, min=-0.1), torch.clip(tx, min=-0.1))
