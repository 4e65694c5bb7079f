"""scaled_dot_product_attention, MultiheadAttention and the Transformer encoder
against torch (float64, same weights, dropout off unless stated)."""

import numpy as np
import pytest

import autodiff
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
    np.testing.assert_allclose(c.data, 1.0)
