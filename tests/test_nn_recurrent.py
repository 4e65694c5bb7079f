"""nn.GRUCell, nn.RNN, nn.LSTM, nn.GRU against torch (float64): outputs, final states and
every parameter gradient, for several configurations; errors where torch raises."""

import warnings

import numpy as np
import pytest

import autodiff
from autodiff import nn

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-10, atol=1e-10)


def _pair(cls_name, *args, **kw):
    tm = getattr(torch.nn, cls_name)(*args, **kw).double()
    am = getattr(nn, cls_name)(*args, **kw)
    am.load_state_dict({k: autodiff.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    am.double()
    return tm, am


def _close(a, t):
    np.testing.assert_allclose(np.asarray(a.data), t.detach().numpy(), **TOL)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [y for x in out for y in _flat(x)]
    return [out]


def _run(tm, am, x, hx=None, seed=1):
    """Run both; weight every output by the same random array; compare all grads."""
    tx = torch.tensor(x, requires_grad=True)
    ax = autodiff.tensor(x, requires_grad=True)

    def conv(h, f):
        if h is None:
            return None
        if isinstance(h, tuple):
            return tuple(conv(e, f) for e in h)
        return f(h)

    th = conv(hx, lambda a: torch.tensor(a, requires_grad=True))
    ah = conv(hx, lambda a: autodiff.tensor(a, requires_grad=True))
    tout = _flat(tm(tx) if hx is None else tm(tx, th))
    aout = _flat(am(ax) if hx is None else am(ax, ah))
    assert len(tout) == len(aout)
    r = np.random.default_rng(seed)
    tl, al = 0, 0
    for t, a in zip(tout, aout):
        assert tuple(a.shape) == tuple(t.shape)
        _close(a, t)
        w = r.standard_normal(tuple(t.shape))
        tl = tl + (t * torch.tensor(w)).sum()
        al = al + (a * autodiff.tensor(w)).sum()
    tl.backward()
    al.backward()
    _close(ax.grad, tx.grad)
    for (tn, tp), (an, ap) in zip(tm.named_parameters(), am.named_parameters()):
        assert tn == an
        _close(ap.grad, tp.grad)
    for a, t in zip(_flat(ah) if hx is not None else [], _flat(th) if hx is not None else []):
        _close(a.grad, t.grad)


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
def test_grucell(bias, batched):
    tm, am = _pair("GRUCell", 3, 5, bias=bias)
    shape = (4, 3) if batched else (3,)
    _run(tm, am, _x(*shape))
    _run(tm, am, _x(*shape), _x(*((4, 5) if batched else (5,)), seed=3))
    assert repr(am) == repr(tm)


CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=3, bidirectional=True, batch_first=True),
    dict(bias=False, batch_first=True),
    dict(num_layers=2, bias=False, bidirectional=True),
]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU", "RNN_relu"])
@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_h", [False, True])
def test_sequence_modules(kind, cfg, batched, with_h):
    kw = dict(cfg)
    name = kind
    if kind == "RNN_relu":
        name, kw["nonlinearity"] = "RNN", "relu"
    tm, am = _pair(name, 3, 4, **kw)
    assert [n for n, _ in am.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert repr(am) == repr(tm)
    L, N = 5, 2
    if not batched:
        shape = (L, 3)
    else:
        shape = (N, L, 3) if kw.get("batch_first") else (L, N, 3)
    d = 2 if kw.get("bidirectional") else 1
    hshape = (d * kw.get("num_layers", 1),) + ((N,) if batched else ()) + (4,)
    hx = None
    if with_h:
        hx = (_x(*hshape, seed=5), _x(*hshape, seed=6)) if name == "LSTM" else _x(*hshape, seed=5)
    _run(tm, am, _x(*shape), hx)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers(name):
    tm, am = _pair(name, 3, 4, num_layers=2, dropout=1.0)
    tm.train(), am.train()
    # p = 1 zeroes the input to layer 2 in both: deterministic
    _run(tm, am, _x(5, 2, 3))
    tm.eval(), am.eval()
    _run(tm, am, _x(5, 2, 3))
    _, am2 = _pair(name, 3, 4, num_layers=2, dropout=0.5)
    x = autodiff.tensor(_x(5, 2, 3))
    am2.eval()
    e1, e2 = _flat(am2(x))[0], _flat(am2(x))[0]
    np.testing.assert_array_equal(e1.data, e2.data)
    am2.train()
    autodiff.manual_seed(0)
    t1 = _flat(am2(x))[0]
    assert not np.allclose(t1.data, e1.data)


def test_init_range_and_all_weights():
    m = nn.LSTM(3, 16, num_layers=2, bidirectional=True)
    for p in m.parameters():
        assert np.abs(p.data).max() <= 0.25
    assert len(m.all_weights) == 4 and len(m.all_weights[0]) == 4
    assert m.weight_ih_l1_reverse.shape == (64, 32)
    assert nn.GRU(3, 5).weight_hh_l0.shape == (15, 5)


def _same_error(tf, af):
    with pytest.raises(Exception) as te:
        tf()
    with pytest.raises(type(te.value)) as ae:
        af()
    assert str(ae.value) == str(te.value)


@pytest.mark.parametrize(
    "make,call",
    [
        (lambda m: m.GRU(3, 4, 2, bidirectional=True), lambda m, M: M(m.zeros(2, 3, 4, 3))),
        (lambda m: m.GRU(3, 4), lambda m, M: M(m.zeros(2, 3, 2))),
        (lambda m: m.RNN(3, 4), lambda m, M: M(m.zeros(2, 3), m.zeros(1, 1, 4))),
        (
            lambda m: m.GRU(3, 4, 2, bidirectional=True),
            lambda m, M: M(m.zeros(2, 3, 3), m.zeros(4, 2, 4)),
        ),
        (
            lambda m: m.LSTM(3, 4),
            lambda m, M: M(m.zeros(2, 1, 3), (m.zeros(1, 1, 4), m.zeros(1, 2, 4))),
        ),
    ],
)
def test_forward_errors_match_torch(make, call):
    tm = make(torch.nn)
    am = make(nn)
    _same_error(lambda: call(torch, tm), lambda: call(autodiff, am))


@pytest.mark.parametrize(
    "args,kw",
    [
        ((3, 4), dict(dropout=2)),
        ((3, 0), {}),
        ((3, 4), dict(num_layers=0)),
        ((3, 4), dict(nonlinearity="x")),
    ],
)
def test_constructor_errors_match_torch(args, kw):
    _same_error(lambda: torch.nn.RNN(*args, **kw), lambda: nn.RNN(*args, **kw))


def test_dropout_warning_single_layer():
    for mod in (torch.nn, nn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.GRU(3, 4, dropout=0.3)
        assert any(
            "non-zero dropout expects num_layers greater than 1" in str(x.message) for x in w
        )


def test_training_reduces_loss():
    autodiff.manual_seed(0)
    m = nn.GRU(2, 8, batch_first=True)
    head = nn.Linear(8, 1)
    params = list(m.parameters()) + list(head.parameters())
    opt = autodiff.optim.Adam(params, lr=0.05)
    x = autodiff.randn(16, 6, 2)
    y = x.sum(dim=(1, 2)).reshape(16, 1)
    losses = []
    for _ in range(30):
        out, h = m(x)
        loss = ((head(h[0]) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
