"""scaled_dot_product_attention, MultiheadAttention and the Transformer encoder
against torch (float64, same weights, dropout off unless stated)."""

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-10


def _pair(shape, rng, requires_grad=True):
    a = rng.standard_normal(shape)
    return (
        autodiff.tensor(a.copy(), requires_grad=requires_grad),
        torch.tensor(a.copy(), requires_grad=requires_grad),
    )


def _close(a, t):
    np.testing.assert_allclose(np.asarray(a.data), t.detach().numpy(), rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------ SDPA


MASKS = ["none", "bool", "float", "bool_bcast", "float_bcast", "causal", "dead_row"]


@pytest.mark.parametrize("kind", MASKS)
@pytest.mark.parametrize("scale", [None, 0.3])
def test_sdpa_matches_torch(kind, scale):
    rng = np.random.default_rng(0)
    L, S = (4, 4) if kind == "causal" else (3, 5)
    qa, qt = _pair((2, 3, L, 6), rng)
    ka, kt = _pair((2, 3, S, 6), rng)
    va, vt = _pair((2, 3, S, 7), rng)
    kw_a, kw_t = {}, {}
    if kind in ("bool", "bool_bcast", "dead_row"):
        shape = (L, S) if kind == "bool_bcast" else (2, 1, L, S)
        m = rng.random(shape) > 0.4
        m[..., 0] = True
        if kind == "dead_row":
            m[..., 1, :] = False
        kw_a["attn_mask"], kw_t["attn_mask"] = autodiff.tensor(m), torch.tensor(m)
    elif kind in ("float", "float_bcast"):
        shape = (3, L, S) if kind == "float_bcast" else (2, 3, L, S)
        m = rng.standard_normal(shape)
        kw_a["attn_mask"], kw_t["attn_mask"] = autodiff.tensor(m), torch.tensor(m)
    elif kind == "causal":
        kw_a["is_causal"] = kw_t["is_causal"] = True
    out_a = F.scaled_dot_product_attention(qa, ka, va, scale=scale, **kw_a)
    out_t = TF.scaled_dot_product_attention(qt, kt, vt, scale=scale, **kw_t)
    _close(out_a, out_t)
    g = rng.standard_normal(out_t.shape)
    out_a.backward(autodiff.tensor(g))
    out_t.backward(torch.tensor(g))
    for a, t in ((qa, qt), (ka, kt), (va, vt)):
        _close(a.grad, t.grad)


def test_sdpa_3d_and_causal_rectangular():
    rng = np.random.default_rng(1)
    qa, qt = _pair((2, 3, 4), rng)
    ka, kt = _pair((2, 5, 4), rng)
    out_a = F.scaled_dot_product_attention(qa, ka, ka, is_causal=True)
    out_t = TF.scaled_dot_product_attention(qt, kt, kt, is_causal=True)
    _close(out_a, out_t)
    out_a.sum().backward()
    out_t.sum().backward()
    _close(qa.grad, qt.grad)
    _close(ka.grad, kt.grad)


def test_sdpa_causal_with_mask_raises_as_torch():
    q = np.zeros((2, 3, 4))
    m = np.ones((3, 3), dtype=bool)
    with pytest.raises(RuntimeError):
        TF.scaled_dot_product_attention(
            torch.tensor(q),
            torch.tensor(q),
            torch.tensor(q),
            attn_mask=torch.tensor(m),
            is_causal=True,
        )
    qa = autodiff.tensor(q)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(qa, qa, qa, attn_mask=autodiff.tensor(m), is_causal=True)


def test_sdpa_bad_inputs():
    q = autodiff.zeros(2, 3, 4)
    with pytest.raises(ValueError):
        F.scaled_dot_product_attention(q, autodiff.zeros(2, 3, 5), q)
    with pytest.raises(ValueError):
        F.scaled_dot_product_attention(q, q, q, attn_mask=autodiff.ones(2, 2, dtype=autodiff.bool))
    with pytest.raises(TypeError):
        F.scaled_dot_product_attention(q, q, q, attn_mask=autodiff.ones(3, 3, dtype=autodiff.int64))


def test_sdpa_dropout_statistics_and_seeding():
    q = autodiff.zeros(1, 200, 8)  # uniform weights 1/S
    v = autodiff.ones(1, 50, 8)
    k = autodiff.zeros(1, 50, 8)
    autodiff.manual_seed(3)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    autodiff.manual_seed(3)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    np.testing.assert_array_equal(a.data, b.data)
    # each output is the mean over 50 keys of kept/(1-p): expectation 1
    assert abs(a.data.mean() - 1.0) < 0.05
    assert a.data.std() > 0.05
    c = F.scaled_dot_product_attention(q, k, v, dropout_p=0.0)
    # (float32: the BLAS's order of summing 50 weights of 1/50 decides the last bits)
    np.testing.assert_allclose(c.data, 1.0, rtol=2e-6)


# ------------------------------------------------------- MultiheadAttention


def _copy_params(mod_a, mod_t):
    sd_t = dict(mod_t.named_parameters())
    names_a = [n for n, _ in mod_a.named_parameters()]
    assert names_a == list(sd_t), (names_a, list(sd_t))
    with torch.no_grad():
        for n, p in mod_a.named_parameters():
            p.data[...] = sd_t[n].detach().numpy()


def _compare_grads(mod_a, mod_t):
    grads_t = {n: p.grad for n, p in mod_t.named_parameters()}
    for n, p in mod_a.named_parameters():
        assert p.grad is not None, n
        _close(p.grad, grads_t[n])


def _mha_pair(E=8, H=2, **kw):
    torch.manual_seed(0)
    mt = torch.nn.MultiheadAttention(E, H, dtype=torch.float64, **kw)
    ma = nn.MultiheadAttention(E, H, **kw)
    for p in ma.parameters():
        p.data = p.data.astype(np.float64)
    _copy_params(ma, mt)
    return ma.eval(), mt.eval()


def _run_mha(ma, mt, shapes, rng, masks_np=None, **kw):
    masks_np = masks_np or {}
    ins = [_pair(s, rng) for s in shapes]
    kw_a = {k: autodiff.tensor(v) for k, v in masks_np.items()}
    kw_t = {k: torch.tensor(v) for k, v in masks_np.items()}
    out_a, w_a = ma(*(a for a, _ in ins), **kw_a, **kw)
    out_t, w_t = mt(*(t for _, t in ins), **kw_t, **kw)
    _close(out_a, out_t)
    if w_t is None:
        assert w_a is None
    else:
        _close(w_a, w_t)
    g = rng.standard_normal(out_t.shape)
    loss_a = (out_a * autodiff.tensor(g)).sum()
    loss_t = (out_t * torch.tensor(g)).sum()
    if w_t is not None:
        gw = rng.standard_normal(w_t.shape)
        gw = np.where(np.isfinite(w_t.detach().numpy()), gw, 0.0)
        loss_a = loss_a + (w_a * autodiff.tensor(gw)).sum()
        loss_t = loss_t + (w_t * torch.tensor(gw)).sum()
    loss_a.backward()
    loss_t.backward()
    _compare_grads(ma, mt)
    for a, t in ins:
        _close(a.grad, t.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("average", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_mha_self_and_cross_attention(batch_first, need_weights, average, bias):
    rng = np.random.default_rng(2)
    ma, mt = _mha_pair(bias=bias, batch_first=batch_first)
    N, L, S, E = 3, 4, 5, 8
    q = (N, L, E) if batch_first else (L, N, E)
    k = (N, S, E) if batch_first else (S, N, E)
    _run_mha(ma, mt, [q, k, k], rng, need_weights=need_weights, average_attn_weights=average)


@pytest.mark.parametrize("kind", ["bool", "float"])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("mask_3d", [False, True])
def test_mha_masks(kind, need_weights, mask_3d):
    rng = np.random.default_rng(3)
    ma, mt = _mha_pair(batch_first=True)
    N, L, S, E, H = 3, 4, 5, 8, 2
    shape = (N * H, L, S) if mask_3d else (L, S)
    kpm = rng.random((N, S)) > 0.7
    kpm[:, 0] = False
    am = rng.random(shape) > 0.7
    am[..., 1] = False
    if kind == "float":
        kpm = np.where(kpm, -1e9, 0.0) + 0.1 * rng.standard_normal((N, S))
        am = np.where(am, -np.inf, 0.0) + rng.standard_normal(shape)
    masks = {"key_padding_mask": kpm, "attn_mask": am}
    _run_mha(ma, mt, [(N, L, E), (N, S, E), (N, S, E)], rng, masks, need_weights=need_weights)
    for only in ("key_padding_mask", "attn_mask"):
        ma.zero_grad()
        mt.zero_grad()
        _run_mha(
            ma,
            mt,
            [(N, L, E)] + [(N, S, E)] * 2,
            rng,
            {only: masks[only]},
            need_weights=need_weights,
        )


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("with_kpm", [True, False])
def test_mha_is_causal_hint(need_weights, with_kpm):
    rng = np.random.default_rng(4)
    ma, mt = _mha_pair()
    L, N, E = 5, 2, 8
    causal = np.triu(np.ones((L, L), dtype=bool), 1)
    masks = {"attn_mask": causal}
    if with_kpm:
        kpm = np.zeros((N, L), dtype=bool)
        kpm[0, -1] = True
        masks["key_padding_mask"] = kpm
    _run_mha(ma, mt, [(L, N, E)] * 3, rng, masks, need_weights=need_weights, is_causal=True)
    x = autodiff.zeros(L, N, E, dtype=autodiff.float64)
    with pytest.raises(RuntimeError, match="attn_mask"):
        ma(x, x, x, is_causal=True)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_unbatched_and_kdim_vdim(need_weights):
    rng = np.random.default_rng(5)
    ma, mt = _mha_pair()
    kpm = np.array([False, True, False, False, False])
    _run_mha(
        ma,
        mt,
        [(4, 8), (5, 8), (5, 8)],
        rng,
        {"key_padding_mask": kpm},
        need_weights=need_weights,
    )
    ma, mt = _mha_pair(kdim=3, vdim=6, batch_first=True)
    assert ma.in_proj_weight is None and ma.k_proj_weight.shape == (8, 3)
    _run_mha(ma, mt, [(2, 4, 8), (2, 5, 3), (2, 5, 6)], rng, need_weights=need_weights)


def test_mha_init_and_state_dict_names_match_torch():
    ma = nn.MultiheadAttention(8, 2)
    mt = torch.nn.MultiheadAttention(8, 2)
    assert list(ma.state_dict()) == list(mt.state_dict())
    assert ma.in_proj_weight.shape == (24, 8)
    np.testing.assert_array_equal(ma.in_proj_bias.data, 0.0)
    np.testing.assert_array_equal(ma.out_proj.bias.data, 0.0)
    bound = np.sqrt(6.0 / (8 + 24))
    assert np.abs(ma.in_proj_weight.data).max() <= bound
    with pytest.raises(AssertionError):
        nn.MultiheadAttention(8, 3)


def test_mha_dropout_training_seeded():
    ma = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
    x = autodiff.randn(2, 6, 8)
    autodiff.manual_seed(7)
    o1, w1 = ma(x, x, x, average_attn_weights=False)
    autodiff.manual_seed(7)
    o2, w2 = ma(x, x, x, average_attn_weights=False)
    np.testing.assert_array_equal(o1.data, o2.data)
    np.testing.assert_array_equal(w1.data, w2.data)
    zeros = (w1.data == 0).mean()
    assert 0.3 < zeros < 0.7
    ma.eval()
    o3, w3 = ma(x, x, x)
    np.testing.assert_allclose(w3.data.sum(-1), 1.0, rtol=1e-5)


# ------------------------------------------------------ Transformer encoder


def _to64(mod):
    for p in mod.parameters():
        p.data = p.data.astype(np.float64)
    return mod


def _encoder_pair(num_layers=None, final_norm=False, **kw):
    torch.manual_seed(1)
    lt = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dtype=torch.float64, **kw)
    la = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, **kw)
    if num_layers is None:
        mt, ma = lt, la
    else:
        nt = torch.nn.LayerNorm(8, dtype=torch.float64) if final_norm else None
        na = nn.LayerNorm(8) if final_norm else None
        mt = torch.nn.TransformerEncoder(lt, num_layers, norm=nt, enable_nested_tensor=False)
        ma = nn.TransformerEncoder(la, num_layers, norm=na)
        with torch.no_grad():  # make the layers differ
            for p in mt.parameters():
                p.add_(0.1 * torch.randn_like(p))
    _copy_params(_to64(ma), mt)
    return ma.eval(), mt.eval()


def _run_encoder(ma, mt, shape, rng, **masks_np):
    xa, xt = _pair(shape, rng)
    kw_a = {k: autodiff.tensor(v) for k, v in masks_np.items() if not isinstance(v, bool)}
    kw_t = {k: torch.tensor(v) for k, v in masks_np.items() if not isinstance(v, bool)}
    for k, v in masks_np.items():
        if isinstance(v, bool):
            kw_a[k] = kw_t[k] = v
    out_a, out_t = ma(xa, **kw_a), mt(xt, **kw_t)
    _close(out_a, out_t)
    g = rng.standard_normal(out_t.shape)
    out_a.backward(autodiff.tensor(g))
    out_t.backward(torch.tensor(g))
    _compare_grads(ma, mt)
    _close(xa.grad, xt.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("bias", [True, False])
def test_encoder_layer_matches_torch(batch_first, norm_first, activation, bias):
    rng = np.random.default_rng(6)
    ma, mt = _encoder_pair(
        batch_first=batch_first, norm_first=norm_first, activation=activation, bias=bias
    )
    assert [n for n, _ in ma.named_parameters()] == [n for n, _ in mt.named_parameters()]
    N, L = 3, 5
    shape = (N, L, 8) if batch_first else (L, N, 8)
    kpm = np.zeros((N, L), dtype=bool)
    kpm[0, -2:] = True
    _run_encoder(ma, mt, shape, rng)
    ma.zero_grad()
    mt.zero_grad()
    _run_encoder(ma, mt, shape, rng, src_key_padding_mask=kpm)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_encoder_layer_masks_and_causal(kind):
    rng = np.random.default_rng(7)
    ma, mt = _encoder_pair(batch_first=True)
    L = 5
    if kind == "bool":
        causal = np.triu(np.ones((L, L), dtype=bool), 1)
        kpm = np.zeros((2, L), dtype=bool)
        kpm[1, -1] = True
    else:
        causal = np.triu(np.full((L, L), -np.inf), 1)
        kpm = np.zeros((2, L))
        kpm[1, -1] = -np.inf
    _run_encoder(ma, mt, (2, L, 8), rng, src_mask=causal, is_causal=True)
    for m in (ma, mt):
        m.zero_grad()
    _run_encoder(ma, mt, (2, L, 8), rng, src_mask=causal, src_key_padding_mask=kpm)


@pytest.mark.parametrize("final_norm", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_stack_matches_torch(final_norm, norm_first):
    rng = np.random.default_rng(8)
    ma, mt = _encoder_pair(num_layers=3, final_norm=final_norm, norm_first=norm_first)
    assert list(ma.state_dict()) == list(mt.state_dict())
    L, N = 4, 2
    _run_encoder(ma, mt, (L, N, 8), rng)
    for m in (ma, mt):
        m.zero_grad()
    causal = np.triu(np.full((L, L), -np.inf), 1)
    kpm = np.zeros((N, L))
    kpm[0, -1] = -np.inf
    _run_encoder(ma, mt, (L, N, 8), rng, mask=causal)
    for m in (ma, mt):
        m.zero_grad()
    _run_encoder(ma, mt, (L, N, 8), rng, mask=causal, src_key_padding_mask=kpm)


def test_encoder_deep_copies_and_errors():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    enc = nn.TransformerEncoder(layer, num_layers=2)
    w0 = enc.layers[0].linear1.weight
    w1 = enc.layers[1].linear1.weight
    assert w0 is not w1 and w0 is not layer.linear1.weight
    np.testing.assert_array_equal(w0.data, w1.data)
    assert len(list(enc.parameters())) == 2 * len(list(layer.parameters()))
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    custom = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation=F.tanh)
    assert custom(autodiff.randn(3, 2, 8)).shape == (3, 2, 8)


def test_encoder_layer_dropout_training():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.3, batch_first=True)
    x = autodiff.randn(2, 5, 8)
    autodiff.manual_seed(11)
    a = layer(x)
    autodiff.manual_seed(11)
    b = layer(x)
    np.testing.assert_array_equal(a.data, b.data)
    c = layer(x)
    assert not np.allclose(a.data, c.data)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
