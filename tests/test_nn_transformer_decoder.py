"""TransformerDecoderLayer, TransformerDecoder and Transformer against torch: the
torch weights copied in (same parameter names and order), then outputs and every
gradient (parameters, tgt, memory / src) compared, with masks, key padding masks,
causal hints, norm_first, batch_first, bias=False."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from test_nn_attention import _close, _compare_grads, _copy_params, _pair, _to64  # noqa: E402

import autodiff  # noqa: E402
from autodiff import nn  # noqa: E402

D, H, FF = 8, 2, 12
# torch's own notes on its nested-tensor fast path and on mixing mask kinds
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _decoder_pair(num_layers=None, final_norm=False, **kw):
    torch.manual_seed(3)
    lt = torch.nn.TransformerDecoderLayer(D, H, dim_feedforward=FF, dtype=torch.float64, **kw)
    la = nn.TransformerDecoderLayer(D, H, dim_feedforward=FF, **kw)
    if num_layers is None:
        mt, ma = lt, la
    else:
        nt = torch.nn.LayerNorm(D, dtype=torch.float64) if final_norm else None
        na = nn.LayerNorm(D) if final_norm else None
        mt = torch.nn.TransformerDecoder(lt, num_layers, norm=nt)
        ma = nn.TransformerDecoder(la, num_layers, norm=na)
    with torch.no_grad():  # biases and norms away from their 0/1 start, layers differ
        for p in mt.parameters():
            p.add_(0.1 * torch.randn_like(p))
    _copy_params(_to64(ma), mt)
    return ma.eval(), mt.eval()


def _tensors(masks_np: dict, mod):
    out = {}
    for k, v in masks_np.items():
        out[k] = v if isinstance(v, bool) else mod.tensor(v)
    return out


def _run(ma, mt, inputs, rng, **masks_np):
    pairs = [_pair(s, rng) for s in inputs]
    out_a = ma(*(a for a, _ in pairs), **_tensors(masks_np, autodiff))
    out_t = mt(*(t for _, t in pairs), **_tensors(masks_np, torch))
    _close(out_a, out_t)
    g = rng.standard_normal(out_t.shape)
    out_a.backward(autodiff.tensor(g))
    out_t.backward(torch.tensor(g))
    _compare_grads(ma, mt)
    for a, t in pairs:
        _close(a.grad, t.grad)
    ma.zero_grad()
    mt.zero_grad()


def _shapes(batch_first, N=3, T=4, S=5):
    return [(N, T, D), (N, S, D)] if batch_first else [(T, N, D), (S, N, D)]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("bias", [True, False])
def test_decoder_layer_matches_torch(batch_first, norm_first, activation, bias):
    rng = np.random.default_rng(1)
    ma, mt = _decoder_pair(
        batch_first=batch_first, norm_first=norm_first, activation=activation, bias=bias
    )
    assert list(ma.state_dict()) == list(mt.state_dict())
    _run(ma, mt, _shapes(batch_first), rng)
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    tkpm = np.zeros((3, 4), dtype=bool)
    tkpm[1, -1] = True
    mkpm = np.zeros((3, 5), dtype=bool)
    mkpm[0, -2:] = True
    _run(
        ma,
        mt,
        _shapes(batch_first),
        rng,
        tgt_mask=causal,
        tgt_key_padding_mask=tkpm,
        memory_key_padding_mask=mkpm,
        tgt_is_causal=True,
    )


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_decoder_layer_memory_mask_and_masks_of_each_kind(kind):
    rng = np.random.default_rng(2)
    ma, mt = _decoder_pair(batch_first=True)
    T, S = 4, 5
    mem_mask = np.zeros((T, S), dtype=bool)
    mem_mask[0, 3:] = True
    tgt_mask = np.triu(np.ones((T, T), dtype=bool), 1)
    if kind == "float":
        mem_mask = np.where(mem_mask, -np.inf, 0.0)
        tgt_mask = np.where(tgt_mask, -np.inf, 0.0)
    _run(ma, mt, _shapes(True), rng, tgt_mask=tgt_mask, memory_mask=mem_mask)


def test_decoder_layer_unbatched():
    rng = np.random.default_rng(3)
    ma, mt = _decoder_pair()
    _run(ma, mt, [(4, D), (5, D)], rng, tgt_mask=np.triu(np.full((4, 4), -np.inf), 1))


@pytest.mark.parametrize("final_norm", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_stack_matches_torch(final_norm, norm_first):
    rng = np.random.default_rng(4)
    ma, mt = _decoder_pair(num_layers=3, final_norm=final_norm, norm_first=norm_first)
    assert list(ma.state_dict()) == list(mt.state_dict())
    _run(ma, mt, _shapes(False), rng)
    causal = np.triu(np.full((4, 4), -np.inf), 1)  # tgt_is_causal detected from the mask
    mkpm = np.zeros((3, 5))
    mkpm[2, -1] = -np.inf
    _run(ma, mt, _shapes(False), rng, tgt_mask=causal, memory_key_padding_mask=mkpm)


def _transformer_pair(**kw):
    torch.manual_seed(5)
    mt = torch.nn.Transformer(D, H, 2, 2, dim_feedforward=FF, dtype=torch.float64, **kw)
    ma = nn.Transformer(D, H, 2, 2, dim_feedforward=FF, **kw)
    with torch.no_grad():
        for p in mt.parameters():
            p.add_(0.1 * torch.randn_like(p))
    _copy_params(_to64(ma), mt)
    return ma.eval(), mt.eval()


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_matches_torch(batch_first, norm_first):
    rng = np.random.default_rng(6)
    ma, mt = _transformer_pair(batch_first=batch_first, norm_first=norm_first)
    assert list(ma.state_dict()) == list(mt.state_dict())
    N, S, T = 2, 5, 4
    src, tgt = ((N, S, D), (N, T, D)) if batch_first else ((S, N, D), (T, N, D))
    _run(ma, mt, [src, tgt], rng)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=autodiff.float64)
    skpm = np.zeros((N, S), dtype=bool)
    skpm[1, -2:] = True
    _run(
        ma,
        mt,
        [src, tgt],
        rng,
        tgt_mask=tgt_mask.numpy(),
        src_key_padding_mask=skpm,
        memory_key_padding_mask=skpm,
        tgt_is_causal=True,
    )


def test_transformer_state_dict_from_torch_loads():
    torch.manual_seed(7)
    mt = torch.nn.Transformer(D, H, 1, 2, dim_feedforward=FF, bias=False)
    ma = nn.Transformer(D, H, 1, 2, dim_feedforward=FF, bias=False)
    ma.load_state_dict({k: autodiff.tensor(v.numpy()) for k, v in mt.state_dict().items()})
    mt.eval(), ma.eval()
    x, y = np.random.default_rng(0).standard_normal((2, 5, 1, D)).astype(np.float32)
    out_t = mt(torch.tensor(x), torch.tensor(y))
    out_a = ma(autodiff.tensor(x), autodiff.tensor(y))
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_transformer_init_is_xavier_and_mask_as_torch():
    ma = nn.Transformer(16, 4, 1, 1, dim_feedforward=32)
    w = ma.encoder.layers[0].linear1.weight.data
    bound = np.sqrt(6.0 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.5 * bound
    for n in (1, 4):
        np.testing.assert_array_equal(
            nn.Transformer.generate_square_subsequent_mask(n).numpy(),
            torch.nn.Transformer.generate_square_subsequent_mask(n).numpy(),
        )
    assert nn.Transformer.generate_square_subsequent_mask(3).dtype == autodiff.float32
    with pytest.raises(Exception, match="device"):
        nn.Transformer.generate_square_subsequent_mask(3, device="cuda")


def test_transformer_errors_as_torch():
    ma = nn.Transformer(8, 2, 1, 1, dim_feedforward=16)
    mt = torch.nn.Transformer(8, 2, 1, 1, dim_feedforward=16)
    for src, tgt, match in [
        ((5, 2, 8), (4, 3, 8), "batch number of src and tgt"),
        ((5, 2, 6), (4, 2, 8), "feature number of src and tgt"),
    ]:
        with pytest.raises(RuntimeError, match=match):
            mt(torch.zeros(src), torch.zeros(tgt))
        with pytest.raises(RuntimeError, match=match):
            ma(autodiff.zeros(*src), autodiff.zeros(*tgt))
    with pytest.raises(TypeError, match="decoder_layer must be a Module"):
        nn.TransformerDecoder("layer", 2)


def test_custom_encoder_decoder_and_dropout_training():
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 1)
    model = nn.Transformer(8, 2, custom_encoder=enc, custom_decoder=dec)
    assert model.encoder is enc and model.decoder is dec
    src, tgt = autodiff.randn(5, 2, 8), autodiff.randn(3, 2, 8)
    autodiff.manual_seed(1)
    a = model(src, tgt)
    autodiff.manual_seed(1)
    b = model(src, tgt)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.allclose(a.data, model(src, tgt).data)
    model.eval()
    np.testing.assert_array_equal(model(src, tgt).data, model(src, tgt).data)


def test_ported_constructor_arguments():
    # what torch programs pass: dtype/device on the layers, the encoder's fast-path flags
    layer = nn.TransformerDecoderLayer(8, 2, 16, dtype=autodiff.float64, device="cpu")
    assert {p.dtype for p in layer.parameters()} == {autodiff.float64}
    model = nn.Transformer(8, 2, 1, 1, 16, dtype=autodiff.float64)
    assert {p.dtype for p in model.parameters()} == {autodiff.float64}
    enc_layer = nn.TransformerEncoderLayer(8, 2, 16, dtype=autodiff.float64)
    enc = nn.TransformerEncoder(enc_layer, 2, enable_nested_tensor=False, mask_check=False)
    assert enc(autodiff.randn(3, 2, 8, dtype=autodiff.float64)).dtype == autodiff.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.TransformerDecoderLayer(8, 2, 16, device="cuda")
