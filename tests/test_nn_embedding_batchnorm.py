"""nn.Embedding / F.embedding with max_norm, norm_type, scale_grad_by_freq,
from_pretrained; BatchNorm1d with affine=False, track_running_stats=False,
momentum=None: all against torch (outputs, gradients, the renormalised weight,
running statistics)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from test_nn_norm import _arr, _compare, _copy  # noqa: E402

import autodiff  # noqa: E402
from autodiff import nn  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

IDX = np.array([[1, 4, 1], [7, 0, 4]])


def _pair(**kw):
    tm = torch.nn.Embedding(8, 5, **kw).double()
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(_arr(8, 5, seed=3) * 2.0))
    am = nn.Embedding(8, 5, **kw).double()
    _copy(tm, am)
    return tm, am


def _run_both(tm, am, idx, steps=2):
    for step in range(steps):
        ti, ai = torch.tensor(idx), autodiff.tensor(idx)
        to, ao = tm(ti), am(ai)
        np.testing.assert_allclose(ao.data, to.detach().numpy(), rtol=1e-12, atol=1e-12)
        w = np.random.default_rng(step).standard_normal(to.shape)
        (to * torch.tensor(w)).sum().backward()
        (ao * autodiff.tensor(w)).sum().backward()
        np.testing.assert_allclose(am.weight.grad.data, tm.weight.grad.numpy(), rtol=1e-12)
        # the renormalisation changed the weight itself, in place, as torch's
        np.testing.assert_allclose(am.weight.data, tm.weight.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    "kw",
    [
        dict(max_norm=1.0),
        dict(max_norm=0.5, norm_type=1.0),
        dict(max_norm=2.0, norm_type=float("inf")),
        dict(max_norm=1.0, padding_idx=0),
        dict(scale_grad_by_freq=True),
        dict(scale_grad_by_freq=True, max_norm=1.5, padding_idx=4),
    ],
)
def test_embedding_options_match_torch(kw):
    tm, am = _pair(**kw)
    _run_both(tm, am, IDX)
    assert repr(am) == repr(tm)


def test_functional_embedding_max_norm_renorms_only_looked_up_rows():
    w0 = _arr(6, 3, seed=1) * 3.0
    tw, aw = torch.tensor(w0.copy()), autodiff.tensor(w0.copy())
    idx = np.array([0, 2, 2])
    to = torch.nn.functional.embedding(torch.tensor(idx), tw, max_norm=1.0)
    ao = F.embedding(autodiff.tensor(idx), aw, max_norm=1.0)
    np.testing.assert_allclose(ao.data, to.numpy(), rtol=1e-12)
    np.testing.assert_allclose(aw.data, tw.numpy(), rtol=1e-12)
    np.testing.assert_array_equal(aw.data[[1, 3, 4, 5]], w0[[1, 3, 4, 5]])
    assert np.all(np.linalg.norm(aw.data[[0, 2]], axis=1) <= 1.0)


def test_embedding_max_norm_float32():
    tm = torch.nn.Embedding(8, 5, max_norm=1.0)
    am = nn.Embedding(8, 5, max_norm=1.0)
    _copy(tm, am)
    to, ao = tm(torch.tensor(IDX)), am(autodiff.tensor(IDX))
    assert ao.dtype == autodiff.float32
    np.testing.assert_allclose(ao.data, to.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_renorm_bumps_the_weight_version_as_torch():
    # an earlier use of the weight that saved it sees the in-place renorm
    am = nn.Embedding(4, 3, max_norm=0.1).double()
    y = (am.weight * am.weight).sum()
    am(autodiff.tensor([1]))
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_from_pretrained_as_torch():
    w = _arr(4, 3, seed=5)
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    am = nn.Embedding.from_pretrained(autodiff.tensor(w))
    assert am.weight.requires_grad is tm.weight.requires_grad is False
    assert repr(am) == repr(tm)
    np.testing.assert_array_equal(
        am(autodiff.tensor([3, 0])).data, tm(torch.tensor([3, 0])).numpy()
    )
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, max_norm=0.5)
    am = nn.Embedding.from_pretrained(autodiff.tensor(w), freeze=False, max_norm=0.5)
    _run_both(tm, am, np.array([3, 0, 3]))
    with pytest.raises(ValueError, match="must be 2-d"):
        nn.Embedding.from_pretrained(autodiff.zeros(3))


def test_sparse_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding(3, 2, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse=True"):
        F.embedding(autodiff.tensor([0]), autodiff.ones(3, 2), sparse=True)


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(affine=False),
        dict(momentum=None),
        dict(track_running_stats=False),
        dict(affine=False, momentum=None),
        dict(affine=False, track_running_stats=False),
        dict(momentum=0.3, eps=1e-3),
        dict(bias=False),
    ],
)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_batchnorm1d_options_train_eval(kw, shape):
    tm = torch.nn.BatchNorm1d(3, **kw).double()
    am = nn.BatchNorm1d(3, **kw).double()
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(_arr(3, seed=7)))
            if tm.bias is not None:
                tm.bias.copy_(torch.tensor(_arr(3, seed=8)))
    _copy(tm, am)
    assert repr(am) == repr(tm)
    assert list(am.state_dict()) == list(tm.state_dict())
    for i in range(3):
        _compare(tm, am, _arr(*shape, seed=i))
    tm.eval(), am.eval()
    _compare(tm, am, _arr(*shape, seed=9))


def test_batchnorm_cumulative_average():
    # momentum=None: running stats are the plain average over the batches so far
    tbn = torch.nn.BatchNorm1d(3, momentum=None).double()
    abn = nn.BatchNorm1d(3, momentum=None).double()
    for i in range(4):
        x = _arr(5, 3, seed=20 + i)
        tbn(torch.tensor(x)), abn(autodiff.tensor(x))
    np.testing.assert_allclose(abn.running_mean.data, tbn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(abn.running_var.data, tbn.running_var.numpy(), rtol=1e-12)
    assert int(abn.num_batches_tracked.data) == int(tbn.num_batches_tracked) == 4


@pytest.mark.parametrize(
    "kw", [dict(), dict(bias=False), dict(elementwise_affine=False), dict(eps=1e-3)]
)
def test_layernorm_bias_option(kw):
    tm = torch.nn.LayerNorm((3, 4), **kw).double()
    am = nn.LayerNorm((3, 4), **kw).double()
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.tensor(_arr(*p.shape, seed=p.ndim + 4)))
    _copy(tm, am)
    assert repr(am) == repr(tm)
    assert list(am.state_dict()) == list(tm.state_dict())
    _compare(tm, am, _arr(2, 3, 4, seed=1))


def test_batchnorm2d_bias_false():
    tm = torch.nn.BatchNorm2d(3, bias=False).double()
    am = nn.BatchNorm2d(3, bias=False).double()
    _copy(tm, am)
    assert repr(am) == repr(tm)
    _compare(tm, am, _arr(2, 3, 2, 2, seed=1))
