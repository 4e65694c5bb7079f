"""The indexing idioms of makemore's hand-written backward, against PyTorch: a 0-d
integer tensor as an index or slice bound, and ``x[i] += v`` in a loop."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_a_0d_integer_tensor_index_gives_a_view(lib) -> None:
    x = lib.arange(10.0)
    t = lib.tensor(3)
    y = x[t]
    y += 1  # a view: x changes, as with x[3]
    z = x[t : t + 2]
    z *= 10
    assert x.tolist() == [0, 1, 2, 40, 40, 5, 6, 7, 8, 9]


def test_a_0d_index_records_a_select_whose_gradient_is_one_hot() -> None:
    x = autodiff.arange(5.0, requires_grad=True)
    (x[autodiff.tensor(2)] * 3).backward()
    assert x.grad.tolist() == [0, 0, 3, 0, 0]
    xt = torch.arange(5.0, requires_grad=True)
    (xt[torch.tensor(2)] * 3).backward()
    assert xt.grad.tolist() == x.grad.tolist()


def test_bad_slice_bounds_say_what_is_wrong() -> None:
    x = autodiff.arange(5.0)
    with pytest.raises(TypeError, match="only integer tensors of one element"):
        x[autodiff.tensor(1.5) : 3]
    with pytest.raises(TypeError):
        x[autodiff.tensor(1) : 2.5]
    with pytest.raises(IndexError, match="invalid for a tensor of shape"):
        x[7]


def test_embedding_gradient_by_a_loop_of_inplace_adds_matches_torch() -> None:
    rng = np.random.default_rng(0)
    ix = rng.integers(0, 6, (8, 3))
    demb = rng.standard_normal((8, 3, 4)).astype(np.float32)
    out = {}
    for lib in (autodiff, torch):
        dC = lib.zeros(6, 4)
        X, d = lib.tensor(ix), lib.tensor(demb)
        for k in range(X.shape[0]):
            for j in range(X.shape[1]):
                dC[X[k, j]] += d[k, j]
        out[lib.__name__] = dC.numpy()
    np.testing.assert_allclose(out["autodiff"], out["torch"], rtol=1e-6)
    ref = np.zeros((6, 4), np.float32)
    np.add.at(ref, ix, demb)
    np.testing.assert_allclose(out["autodiff"], ref, rtol=1e-6)


def test_setitem_outside_recording_bumps_the_version_a_saved_tensor_checks() -> None:
    w = autodiff.ones(3, requires_grad=True)
    x = autodiff.arange(3.0)
    y = (w * x).sum()  # saves x
    x[1] = 5.0  # written in place without a graph: the saved x is now stale
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_setitem_value_errors_are_unchanged() -> None:
    x = autodiff.zeros(4, 3)
    with pytest.raises(ValueError, match=r"value of shape \(2,\) does not broadcast to"):
        x[0] = autodiff.ones(2)
    x[autodiff.tensor(1)] = autodiff.ones(3)
    x[2:, autodiff.tensor(0)] = 2.0
    assert x.tolist() == [[0, 0, 0], [1, 1, 1], [2, 0, 0], [2, 0, 0]]
    r = autodiff.ones(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="read-only"):
        r[0] = 2.0
