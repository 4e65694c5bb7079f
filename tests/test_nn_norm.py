"""BatchNorm2d, GroupNorm, F.group_norm, F.instance_norm, Dropout2d / F.dropout2d against
torch (float64): outputs, running statistics, input and parameter gradients; errors."""

import warnings

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
TOL = dict(rtol=1e-9, atol=1e-10)


def _arr(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape) * 2 + 0.5


def _close(a, t):
    np.testing.assert_allclose(np.asarray(a.data), t.detach().numpy(), **TOL)


def _copy(tm, am):
    am.load_state_dict({k: autodiff.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _compare(tm, am, x, seed=2):
    tx, ax = torch.tensor(x, requires_grad=True), autodiff.tensor(x, requires_grad=True)
    to, ao = tm(tx), am(ax)
    _close(ao, to)
    w = np.random.default_rng(seed).standard_normal(x.shape)
    (to * torch.tensor(w)).sum().backward()
    (ao * autodiff.tensor(w)).sum().backward()
    _close(ax.grad, tx.grad)
    for (tn, tp), (an, ap) in zip(tm.named_parameters(), am.named_parameters()):
        assert tn == an
        _close(ap.grad, tp.grad)
    for (tn, tb), (an, ab) in zip(tm.named_buffers(), am.named_buffers()):
        assert tn == an
        _close(ab, tb)


@pytest.mark.parametrize(
    "kw", [dict(), dict(affine=False), dict(momentum=None), dict(track_running_stats=False)]
)
def test_batchnorm2d_train_eval(kw):
    tm = torch.nn.BatchNorm2d(3, **kw).double()
    am = nn.BatchNorm2d(3, **kw).double()
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(_arr(3, seed=7)))
            tm.bias.copy_(torch.tensor(_arr(3, seed=8)))
    _copy(tm, am)
    for i in range(3):
        _compare(tm, am, _arr(4, 3, 5, 2, seed=i))
    tm.eval(), am.eval()
    _compare(tm, am, _arr(2, 3, 3, 3, seed=9))


def test_batchnorm2d_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(autodiff.zeros(2, 3, 4))
    with pytest.raises(ValueError):
        nn.BatchNorm2d(3)(autodiff.zeros(2, 4, 2, 2))


@pytest.mark.parametrize("groups,chans", [(1, 4), (2, 4), (4, 4), (3, 6)])
@pytest.mark.parametrize("spatial", [(), (5,), (3, 2)])
@pytest.mark.parametrize("affine", [True, False])
def test_groupnorm(groups, chans, spatial, affine):
    tm = torch.nn.GroupNorm(groups, chans, affine=affine).double()
    am = nn.GroupNorm(groups, chans, affine=affine).double()
    if affine:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(_arr(chans, seed=7)))
            tm.bias.copy_(torch.tensor(_arr(chans, seed=8)))
    _copy(tm, am)
    assert repr(am) == repr(tm)
    x = _arr(3, chans, *spatial)
    _compare(tm, am, x)
    tm.eval(), am.eval()
    _compare(tm, am, x, seed=4)


def test_groupnorm_no_bias_and_errors():
    tm, am = torch.nn.GroupNorm(2, 4, bias=False).double(), nn.GroupNorm(2, 4, bias=False).double()
    assert repr(am) == repr(tm) and am.bias is None
    _compare(tm, am, _arr(2, 4, 3))
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by num_groups"):
        nn.GroupNorm(2, 5)
    with pytest.raises(RuntimeError) as te:
        TF.group_norm(torch.zeros(2, 6, 3), 4)
    with pytest.raises(RuntimeError) as ae:
        F.group_norm(autodiff.zeros(2, 6, 3), 4)
    assert str(ae.value) == str(te.value)


@pytest.mark.parametrize("spatial", [(5,), (3, 4)])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("running", [True, False])
def test_instance_norm(spatial, affine, running):
    x = _arr(3, 2, *spatial)
    tx, ax = torch.tensor(x, requires_grad=True), autodiff.tensor(x, requires_grad=True)
    targs, aargs = {}, {}
    if affine:
        w, b = _arr(2, seed=3), _arr(2, seed=4)
        targs.update(
            weight=torch.tensor(w, requires_grad=True), bias=torch.tensor(b, requires_grad=True)
        )
        aargs.update(
            weight=autodiff.tensor(w, requires_grad=True),
            bias=autodiff.tensor(b, requires_grad=True),
        )
    if running:
        rm, rv = _arr(2, seed=5), np.abs(_arr(2, seed=6)) + 0.5
        targs.update(running_mean=torch.tensor(rm), running_var=torch.tensor(rv))
        aargs.update(running_mean=autodiff.tensor(rm), running_var=autodiff.tensor(rv))
    for use in [True, False] if running else [True]:
        to = TF.instance_norm(tx, use_input_stats=use, momentum=0.3, **targs)
        ao = F.instance_norm(ax, use_input_stats=use, momentum=0.3, **aargs)
        _close(ao, to)
        g = _arr(*x.shape, seed=11)
        (to * torch.tensor(g)).sum().backward()
        (ao * autodiff.tensor(g)).sum().backward()
        _close(ax.grad, tx.grad)
        for k in aargs:
            if aargs[k].requires_grad:
                _close(aargs[k].grad, targs[k].grad)
            else:
                _close(aargs[k], targs[k])


def test_instance_norm_error():
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        F.instance_norm(autodiff.zeros(2, 3, 1))


def test_dropout2d_zeroes_whole_channels():
    autodiff.manual_seed(0)
    x = autodiff.ones(8, 16, 3, 3, requires_grad=True)
    out = F.dropout2d(x, 0.5)
    per = out.data.reshape(8, 16, 9)
    assert np.all((per == 0).all(-1) | (per == 2.0).all(-1))
    frac = (per[..., 0] == 0).mean()
    assert 0.3 < frac < 0.7
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)
    m = nn.Dropout2d(0.5)
    assert repr(m) == repr(torch.nn.Dropout2d(0.5))
    m.eval()
    np.testing.assert_array_equal(m(x).data, x.data)
    np.testing.assert_array_equal(F.dropout2d(x, 1.0).data, 0.0)
    np.testing.assert_array_equal(F.dropout2d(x, 0.0).data, x.data)


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (2, 3, 4, 5, 6)])
def test_dropout2d_warnings_match_torch(shape):
    msgs = []
    for fn, mod in ((TF.dropout2d, torch), (F.dropout2d, autodiff)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn(mod.ones(*shape), 0.5)
        msgs.append([str(x.message) for x in w])
    assert msgs[0] == msgs[1] and msgs[0]


def test_dropout2d_errors():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        F.dropout2d(autodiff.ones(1, 2, 2, 2), 1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout2d(-0.1)


# ---- containers, Unflatten, parameter-vector utilities (same issue) -------------------


def test_unflatten_matches_torch():
    x = _arr(2, 12, 5)
    for dim, size in [(1, (3, 4)), (1, (2, -1)), (-1, (5, 1)), (0, (1, 2))]:
        t = torch.nn.Unflatten(dim, size)
        a = nn.Unflatten(dim, size)
        assert repr(a) == repr(t)
        _close(a(autodiff.tensor(x)), t(torch.tensor(x)))
    with pytest.raises(RuntimeError) as te:
        torch.nn.Unflatten(1, (3, 5))(torch.zeros(2, 12))
    with pytest.raises(RuntimeError) as ae:
        nn.Unflatten(1, (3, 5))(autodiff.zeros(2, 12))
    assert str(ae.value) == str(te.value)


def test_parameter_list_and_dict():
    pl = nn.ParameterList([nn.Parameter(autodiff.ones(2)), autodiff.zeros(3)])
    pl.append(autodiff.ones(1))
    assert len(pl) == 3 and isinstance(pl[1], nn.Parameter) and pl[1].requires_grad
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert [p.shape for p in pl] == [(2,), (3,), (1,)]
    pd = nn.ParameterDict({"a": autodiff.ones(2)})
    pd["b"] = nn.Parameter(autodiff.zeros(1))
    assert list(pd) == ["a", "b"] and "b" in pd and len(pd) == 2
    assert [n for n, _ in pd.named_parameters()] == ["a", "b"]
    del pd["a"]
    assert list(pd.keys()) == ["b"] and [n for n, _ in pd.named_parameters()] == ["b"]

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = nn.ParameterList([autodiff.ones(2)])
            self.pd = nn.ParameterDict({"w": autodiff.ones(3)})

    m = M()
    assert list(m.state_dict()) == ["ps.0", "pd.w"]
    opt = autodiff.optim.SGD(m.parameters(), lr=1.0)
    (m.ps[0].sum() + m.pd["w"].sum()).backward()
    opt.step()
    np.testing.assert_array_equal(m.pd["w"].data, 0.0)
    with pytest.raises(TypeError):
        nn.ParameterList([1.0])


def test_parameters_vector_roundtrip_matches_torch():
    from autodiff.nn.utils import parameters_to_vector, vector_to_parameters

    tm = torch.nn.Linear(3, 2).double()
    am = nn.Linear(3, 2).double()
    _copy(tm, am)
    tv = torch.nn.utils.parameters_to_vector(tm.parameters())
    av = parameters_to_vector(am.parameters())
    _close(av, tv)
    (av * autodiff.arange(8.0, dtype=autodiff.float64)).sum().backward()
    np.testing.assert_array_equal(am.weight.grad.data.reshape(-1), np.arange(6.0))
    new = _arr(8, seed=3)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tm.parameters())
    vector_to_parameters(autodiff.tensor(new), am.parameters())
    for tp, ap in zip(tm.parameters(), am.parameters()):
        _close(ap, tp)
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        vector_to_parameters(new, am.parameters())


def test_clip_grad_value_matches_torch():
    from autodiff.nn.utils import clip_grad_value_

    g = _arr(5, seed=2)
    tp, ap = (
        torch.zeros(5, dtype=torch.float64, requires_grad=True),
        autodiff.zeros(5, dtype=autodiff.float64, requires_grad=True),
    )
    tp.grad, ap.grad = torch.tensor(g), autodiff.tensor(g)
    torch.nn.utils.clip_grad_value_([tp], 0.7)
    clip_grad_value_([ap], 0.7)
    _close(ap.grad, tp.grad)
