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


# ---------------------------------------------------------------------------
# getitem's path for basic indices (ints, slices with int or 0-d Tensor bounds,
# None, ..., 0-d integer Tensors): same values, views and gradients as PyTorch

BASIC_INDICES = [
    lambda lib: 1,
    lambda lib: -1,
    lambda lib: lib.tensor(2),
    lambda lib: slice(1, 3),
    lambda lib: slice(lib.tensor(1), lib.tensor(1) + 2),
    lambda lib: slice(None, None, 2),
    lambda lib: (1, 2),
    lambda lib: (lib.tensor(1), lib.tensor(-1)),
    lambda lib: (slice(None), 0),
    lambda lib: (None, 1),
    lambda lib: (Ellipsis, 1),
    lambda lib: (1, Ellipsis, None),
    lambda lib: Ellipsis,
    lambda lib: None,
    lambda lib: (),
    lambda lib: (slice(lib.tensor(0), 2), slice(1, None), lib.tensor(3)),
]


@pytest.mark.parametrize("make_index", BASIC_INDICES, ids=range(len(BASIC_INDICES)))
def test_basic_index_values_view_and_gradient_match_torch(make_index) -> None:
    rng = np.random.default_rng(1)
    base = rng.standard_normal((3, 4, 5)).astype(np.float32)
    res = {}
    for lib in (autodiff, torch):
        x = lib.tensor(base, requires_grad=True)
        y = x[make_index(lib)]
        w = lib.tensor(rng.standard_normal(tuple(y.shape)).astype(np.float32))
        rng = np.random.default_rng(1)  # (the same weights for both)
        rng.standard_normal((3, 4, 5))
        (y * w).sum().backward()
        plain = lib.tensor(base.copy())
        view = plain[make_index(lib)]
        view += 1.0  # a view: writes into plain, as PyTorch's
        res[lib.__name__] = (y.detach().numpy(), x.grad.numpy(), plain.numpy())
    for a, b in zip(res["autodiff"], res["torch"]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_basic_index_errors_are_the_general_paths() -> None:
    x = autodiff.arange(5.0)
    with pytest.raises(IndexError, match=r"index 7 is invalid for a tensor of shape \(5,\)"):
        x[7]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(IndexError, match="integer"):
        x[autodiff.tensor(1.5)]
    with pytest.raises(TypeError, match="only integer tensors of one element"):
        x[autodiff.tensor([1, 2]) : 3]
    with pytest.raises(IndexError, match="invalid for a tensor of shape"):
        x[autodiff.tensor(5)]


def test_an_integer_view_shares_the_version_but_is_not_kept_for_regeneration() -> None:
    from autodiff.views import meta, version

    x = autodiff.arange(6)
    v = x[1:3]
    v += 10
    assert x.tolist() == [0, 11, 12, 3, 4, 5]
    assert version(x) == version(v) > 0
    assert meta(x).views is None  # (an integer tensor never takes a history)
    f = autodiff.arange(6.0)
    fv = f[1:3]
    assert [r() for r in meta(f).views] == [fv]


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_a_view_of_a_plain_tensor_follows_a_recorded_change_of_it(lib) -> None:
    h = lib.zeros(3)
    v = h[lib.tensor(0) : 2]
    w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h.add_(w * 2)
    (v * lib.tensor([1.0, 10.0])).sum().backward()
    assert w.grad.tolist() == [2.0, 20.0, 0.0]


# -------------------------------------------- setitem's path for basic indices
@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_setitem_basic_values_broadcast_and_cast_as_torch(lib) -> None:
    x = lib.zeros(3, 4)
    x[lib.tensor(0)] = lib.ones(1, 4)  # a leading 1-dim goes
    x[1, 1:3] = 2  # an int into a float tensor
    x[2, lib.tensor(3)] = lib.tensor(7.0, dtype=lib.float64)  # cast to float32
    x[..., 0] = lib.tensor([[5.0, 6.0, 8.0]])
    assert x.dtype == lib.float32
    assert x.tolist() == [[5, 1, 1, 1], [6, 2, 2, 0], [8, 0, 0, 7]]
    n = lib.zeros(3, dtype=lib.int64)
    n[1] = lib.tensor(4)
    assert n.tolist() == [0, 4, 0]


def test_setitem_basic_bumps_the_version_a_saved_tensor_checks() -> None:
    w = autodiff.ones(2, 3, requires_grad=True)
    x = autodiff.ones(2, 3)
    y = (w * x).sum()  # saves x
    x[autodiff.tensor(0), 1:] = autodiff.zeros(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_setitem_basic_refuses_a_view_made_under_no_grad_as_before() -> None:
    w = autodiff.ones(3, requires_grad=True)
    with autodiff.no_grad():
        v = w[0:2]
    with pytest.raises(RuntimeError, match="made under no_grad"):
        v[0] = 2.0
    d = autodiff.zeros(3).detach()
    d[0] = 1.0  # not recorded: allowed, as in PyTorch
    assert d.tolist() == [1.0, 0.0, 0.0]


# --------------------------------------------- x[i] += v while recording
def _recorded_loop(lib, start_plain: bool):
    rng = np.random.default_rng(3)
    ix = rng.integers(0, 5, 12)  # repeats: rows are added to more than once
    W = lib.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    v = lib.tensor(rng.standard_normal((12, 3)).astype(np.float32), requires_grad=True)
    idx = lib.tensor(ix)
    acc = lib.zeros(5, 3) if start_plain else W * 1.5
    for k in range(12):
        acc[idx[k]] += v[k] * W[idx[k]]
    tmp = acc[1]
    tmp += v[0]  # the same idiom spelled out, the view used afterwards
    acc[1] = tmp
    loss = (acc * acc).sum() + (tmp * 3.0).sum()
    loss.backward()
    return loss.item(), W.grad.numpy(), v.grad.numpy(), acc.detach().numpy()


@pytest.mark.parametrize("start_plain", [False, True], ids=["from W", "from zeros"])
def test_recorded_loop_of_inplace_adds_matches_torch(start_plain) -> None:
    a = _recorded_loop(autodiff, start_plain)
    b = _recorded_loop(torch, start_plain)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-5)
    for x, y in zip(a[1:], b[1:]):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_writing_a_view_back_bumps_the_version(lib) -> None:
    W = lib.ones(3, 2, requires_grad=True)
    acc = W * 2.0
    y = (acc * acc).sum()  # saves acc
    acc[1] = acc[1]  # same values: still an in-place change, as in PyTorch
    with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
        y.backward()


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_writing_a_leaf_back_while_recording_is_refused(lib) -> None:
    W = lib.ones(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        W[1] = W[1]


# ------------------------------------------------------------------- stack
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_stack_of_like_tensors_matches_torch(dim) -> None:
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(4)]
    res = {}
    for lib in (autodiff, torch):
        ts = [lib.tensor(a, requires_grad=i % 2 == 0) for i, a in enumerate(arrays)]
        y = lib.stack(tuple(ts) if dim == 1 else ts, dim=dim)
        (y * lib.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        res[lib.__name__] = [y.detach().numpy()] + [t.grad.numpy() for t in ts if t.requires_grad]
        assert [t.grad is None for t in ts] == [False, True, False, True]
    for a, b in zip(res["autodiff"], res["torch"]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b)


def test_stack_of_0d_int_and_mixed_tensors_matches_torch() -> None:
    for lib in (autodiff, torch):
        s = lib.stack([lib.tensor(3), lib.tensor(-1)])
        assert s.tolist() == [3, -1] and s.dtype == lib.int64
        m = lib.stack([lib.tensor([1, 2]), lib.tensor([1.5, 2.0])])
        assert m.dtype == lib.float32 and m.tolist() == [[1, 2], [1.5, 2]]
    r = autodiff.stack([autodiff.tensor(7), 2])  # a number among them: converted
    assert r.tolist() == [7, 2]
    with pytest.raises(ValueError, match=r"tensors\[1\] has shape \(3,\) but tensors\[0\] has"):
        autodiff.stack([autodiff.zeros(2), autodiff.zeros(3)])
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        autodiff.stack([autodiff.zeros(2), autodiff.zeros(2)], dim=2)
    with pytest.raises(TypeError, match="list or tuple"):
        autodiff.stack(autodiff.zeros(2, 2))


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_embedding_gradient_of_repeated_negative_and_infinite_rows(lib) -> None:
    # rows picked by an integer array sum their gradients (a one-hot product for a
    # small table): an infinite gradient stays in its row, negative indices count back
    w = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    i = lib.tensor([[0, -1], [2, 2]])
    g = lib.tensor([[[1.0, float("inf")], [1.0, 1.0]], [[2.0, 2.0], [3.0, 3.0]]])
    (w[i] * g).sum().backward()
    assert w.grad.tolist() == [[1.0, float("inf")], [0.0, 0.0], [6.0, 6.0]]
    e = lib.nn.Embedding(4, 3)
    e(lib.tensor([[1, 3, 1], [0, 1, 1]])).sum().backward()
    assert e.weight.grad[:, 0].tolist() == [1.0, 4.0, 0.0, 1.0]


@pytest.mark.parametrize("lib", [autodiff, torch], ids=["autodiff", "torch"])
def test_iterating_gives_views_that_follow_their_tensor(lib) -> None:
    ix = lib.tensor([4, 0, 2])
    firsts = list(ix)
    assert [int(t) for t in firsts] == [4, 0, 2] and firsts[0].shape == ()
    firsts[1] += 7  # a view: ix changes
    assert ix.tolist() == [4, 7, 2]
    h = lib.zeros(2, 3)
    # (PyTorch's rows come from unbind, which refuses this change: its own x[i] views
    # are the reference; autodiff's iteration gives x[i] views)
    r0, r1 = h if lib is autodiff else (h[0], h[1])
    w = lib.ones(2, 3, requires_grad=True)
    h.add_(w * 3.0)  # recorded: the rows take the new history
    (r0 * 2.0 + r1).sum().backward()
    assert w.grad.tolist() == [[6.0] * 3, [3.0] * 3]
    x = lib.arange(4.0, requires_grad=True)
    parts = list(x * 1.0)
    (parts[1] * 5.0 + parts[3]).backward()
    assert x.grad.tolist() == [0.0, 5.0, 0.0, 1.0]
    with pytest.raises(TypeError, match="0-d tensor"):
        iter(lib.tensor(1.0))


def test_embedding_keeps_its_indices_and_checks_them_in_one_pass() -> None:
    w = autodiff.ones(5, 2, requires_grad=True)
    idx = autodiff.tensor([1, 1, 4])
    out = autodiff.nn.functional.embedding(idx, w)
    idx[0] = 0  # changed after the forward: the recorded gradient is unchanged
    out.sum().backward()
    assert w.grad[:, 0].tolist() == [0.0, 2.0, 0.0, 0.0, 1.0]
    for bad, shown in (
        ([0, -1], "-1"),
        ([5], "5"),
        (np.array([3, 200], np.uint8), "200"),
        (np.array([[1, 2], [3, -7]], np.int32), "-7"),
        (np.array([1, -2], ">i8"), "-2"),  # (a non-native byte order)
    ):
        with pytest.raises(IndexError, match=f"index {shown} is out of range for 5 embeddings"):
            autodiff.nn.functional.embedding(autodiff.tensor(bad), w)
    row = autodiff.nn.functional.embedding(autodiff.tensor(2), w)  # a 0-d index: one row
    assert row.shape == (2,)
    row2 = torch.nn.functional.embedding(torch.tensor(2), torch.ones(5, 2))
    assert tuple(row2.shape) == row.shape
