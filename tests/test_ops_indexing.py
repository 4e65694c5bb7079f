"""Indexing, view, scatter, product, cumulative, reduction, sorting and sampling ops
(autodiff/ops/indexing.py, views.py, scatter.py, products.py, cumulative.py,
aggregates.py, sorting.py, sampling.py) against PyTorch: values, gradients, views and
errors."""

import numpy as np
import pytest

import autodiff

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def rn(*shape):
    return RNG.standard_normal(shape)


def distinct(*shape):
    n = int(np.prod(shape)) if shape else 1
    return (RNG.permutation(n) * 0.5 - n * 0.2).reshape(shape).astype(np.float64)


def I(*v):  # noqa: E743 - an integer index argument
    return np.array(v if len(v) != 1 or np.ndim(v[0]) == 0 else v[0], dtype=np.int64)


def B(*v):
    return np.array(v if len(v) != 1 or np.ndim(v[0]) == 0 else v[0], dtype=bool)


def _inputs(mod, arrays):
    """Float arrays become tensors that require grad; others plain tensors."""
    out = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            if mod is torch:
                t = torch.tensor(a)
                if a.dtype.kind == "f":
                    t.requires_grad_()
            else:
                t = autodiff.tensor(a, dtype=a.dtype, requires_grad=a.dtype.kind == "f")
            out.append(t)
        else:
            out.append(a)
    return out


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def compare(fn, *arrays, grad=True, atol=1e-10):
    """Run ``fn(mod, *tensors)`` with autodiff and with torch; compare results and
    (for float results that require grad) gradients of a random weighting."""
    ours_in, theirs_in = _inputs(autodiff, arrays), _inputs(torch, arrays)
    ours, theirs = fn(autodiff, *ours_in), fn(torch, *theirs_in)
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
    o_list, t_list = _flat(ours), _flat(theirs)
    assert len(o_list) == len(t_list)
    for o, t in zip(o_list, t_list):
        tv = t.detach().numpy()
        assert o.shape == tuple(t.shape), (o.shape, tuple(t.shape))
        assert o.data.dtype == tv.dtype, (o.data.dtype, tv.dtype)
        np.testing.assert_allclose(o.data, tv, atol=atol, rtol=1e-10, equal_nan=True)
    if not grad:
        return ours
    pairs = [(o, t) for o, t in zip(o_list, t_list) if t.requires_grad and o.requires_grad]
    if not pairs:
        return ours
    ws = [RNG.standard_normal(tuple(t.shape)) for _, t in pairs]
    lo = sum((o * autodiff.tensor(w, dtype=np.float64)).sum() for (o, _), w in zip(pairs, ws))
    lt = sum((t * torch.tensor(w)).sum() for (_, t), w in zip(pairs, ws))
    lo.backward()
    try:
        lt.backward()
    except RuntimeError as err:
        # torch has no (or a broken) derivative here (scatter with reduce=, an index
        # smaller than src): check ours against finite differences instead
        assert "derivative" in str(err) or "invalid gradient" in str(err), err
        _gradcheck_ours(fn, arrays)
        return ours
    for a, b in zip(ours_in, theirs_in):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            ga = np.zeros(a.shape) if a.grad is None else a.grad.data
            gb = np.zeros(tuple(b.shape)) if b.grad is None else b.grad.numpy()
            np.testing.assert_allclose(ga, gb, atol=1e-9, rtol=1e-9)
    return ours


def _gradcheck_ours(fn, arrays):
    xs = _inputs(autodiff, arrays)
    pos = [k for k, t in enumerate(xs) if getattr(t, "requires_grad", False)]

    def f(*ts):
        full = list(xs)
        for k, t in zip(pos, ts):
            full[k] = t
        return fn(autodiff, *full)

    assert autodiff.gradcheck(f, tuple(xs[k] for k in pos))
    assert autodiff.gradgradcheck(f, tuple(xs[k] for k in pos))


# ------------------------------------------------------------- value/grad cases
CASES = {
    "flip": [
        (lambda m, x: m.flip(x, (0, -1)), rn(2, 3, 4)),
        (lambda m, x: x.flip(-2), rn(3, 2)),
        (lambda m, x: x.flip(0), rn(0, 3)),
        (lambda m, x: m.flip(x, ()), rn(2, 3)),
        (lambda m, x: x.flip(0), np.array(5.0)),
    ],
    "roll": [
        (lambda m, x: x.roll(2, 1), rn(2, 5)),
        (lambda m, x: x.roll((1, -4), (0, -1)), rn(2, 3)),
        (lambda m, x: x.roll(7), rn(2, 3)),
        (lambda m, x: x.roll(1), np.array(2.0)),
        (lambda m, x: x.roll(3, 0), rn(0, 2)),
    ],
    "tril": [
        (lambda m, x: x.tril(), rn(3, 4)),
        (lambda m, x: x.tril(-1), rn(2, 3, 4)),
        (lambda m, x: m.tril(x, 5), rn(3, 3)),
        (lambda m, x: x.tril(), rn(0, 3)),
    ],
    "triu": [
        (lambda m, x: x.triu(), rn(4, 3)),
        (lambda m, x: x.triu(2), rn(2, 3, 4)),
        (lambda m, x: m.triu(x, -1), rn(3, 3)),
    ],
    "diag": [
        (lambda m, x: x.diag(), rn(3)),
        (lambda m, x: x.diag(2), rn(3)),
        (lambda m, x: x.diag(-1), rn(2)),
        (lambda m, x: x.diag(), rn(3, 4)),
        (lambda m, x: x.diag(-2), rn(3, 4)),
        (lambda m, x: x.diag(7), rn(3, 4)),
        (lambda m, x: x.diag(), rn(0)),
    ],
    "diagonal": [
        (lambda m, x: x.diagonal(), rn(3, 4)),
        (lambda m, x: x.diagonal(1, -1, 0), rn(2, 3, 4)),
        (lambda m, x: m.diagonal(x, -1, 1, 2), rn(2, 3, 4)),
        (lambda m, x: x.diagonal(9), rn(3, 3)),
    ],
    "repeat": [
        (lambda m, x: x.repeat(2, 3), rn(2, 3)),
        (lambda m, x: x.repeat(2, 1, 2), rn(3)),
        (lambda m, x: x.repeat(2), np.array(1.5)),
        (lambda m, x: x.repeat(0, 2), rn(2, 3)),
    ],
    "repeat_interleave": [
        (lambda m, x: x.repeat_interleave(2), rn(2, 3)),
        (lambda m, x, r: x.repeat_interleave(r, dim=1), rn(2, 3), I(1, 0, 3)),
        (lambda m, x: x.repeat_interleave(3, dim=-2), rn(2, 3)),
        (lambda m, r: m.repeat_interleave(r), I(2, 0, 1)),
        (lambda m, x: x.repeat_interleave(2), np.array(1.5)),
    ],
    "masked_select": [
        (lambda m, x, k: x.masked_select(k), rn(3, 4), B([True, False, True, False])),
        (lambda m, x, k: m.masked_select(x, k), rn(4), B([[True, False, False, True], [True] * 4])),
        (lambda m, x, k: x.masked_select(k), rn(2, 3), np.zeros((2, 3), bool)),
    ],
    "nonzero": [
        (lambda m, x: x.nonzero(), np.array([[0, 1.5, 0], [2, 0, -1]])),
        (lambda m, x: x.nonzero(as_tuple=True), np.array([[0, 1.5, 0], [2, 0, -1]])),
        (lambda m, x: m.nonzero(x), np.zeros((0, 2))),
        (lambda m, x: x.nonzero(), np.array(3.0)),
        (lambda m, x: x.nonzero(as_tuple=True), np.array(0.0)),
    ],
    "index_select": [
        (lambda m, x, i: x.index_select(0, i), rn(3, 4), I(2, 0, 2, 2)),
        (lambda m, x, i: x.index_select(-1, i), rn(3, 4), I(3, 1)),
        (lambda m, x, i: x.index_select(1, i), rn(3, 4), np.array(2)),
        (lambda m, x, i: x.index_select(0, i), rn(3, 4), np.zeros(0, np.int64)),
        (lambda m, x, i: x.index_select(0, i), np.array(2.0), I(0)),
    ],
    "take_along_dim": [
        (lambda m, x, i: x.take_along_dim(i, 1), rn(3, 4), I([[0, 3], [1, 1], [2, 0]])),
        (lambda m, x, i: m.take_along_dim(x, i), rn(3, 4), I(5, 5, 0, 11)),
        (lambda m, x, i: x.take_along_dim(i, 0), rn(3, 1), np.zeros((2, 3), np.int64)),
        (lambda m, x, i: x.take_along_dim(i, -1), rn(2, 3, 4), I([[[0]], [[2]]])),
    ],
    "narrow": [
        (lambda m, x: x.narrow(1, 1, 3), rn(3, 5)),
        (lambda m, x: x.narrow(-2, -2, 2), rn(3, 5)),
        (lambda m, x: x.narrow(0, 3, 0), rn(3, 5)),
    ],
    "split": [
        (lambda m, x: x.split(2), rn(5, 2)),
        (lambda m, x: x.split([1, 0, 4], dim=1), rn(2, 5)),
        (lambda m, x: m.split(x, 3, -1), rn(2, 6)),
        (lambda m, x: x.split(10), rn(3)),
    ],
    "chunk": [
        (lambda m, x: x.chunk(3), rn(5, 2)),
        (lambda m, x: x.chunk(4, -1), rn(2, 6)),
        (lambda m, x: x.chunk(5), rn(3)),
        (lambda m, x: x.chunk(2, 1), rn(2, 7)),
    ],
    "unbind": [
        (lambda m, x: x.unbind(), rn(3, 2)),
        (lambda m, x: x.unbind(-1), rn(2, 3)),
        (lambda m, x: m.unbind(x, 1), rn(2, 0)),
    ],
    "unflatten": [
        (lambda m, x: x.unflatten(1, (2, 3)), rn(2, 6)),
        (lambda m, x: x.unflatten(-2, (-1, 2)), rn(6, 2)),
        (lambda m, x: x.unflatten(0, (1, 3, 1)), rn(3)),
    ],
    "scatter": [
        (lambda m, x, i, s: x.scatter(0, i, s), rn(3, 4), I([[0, 1, 2], [2, 0, 1]]), rn(2, 3)),
        (lambda m, x, i, s: x.scatter(-1, i, s), rn(3, 4), I([[3], [0]]), rn(2, 2)),
        (lambda m, x, i: x.scatter(1, i, 2.5), rn(3, 4), I([[3], [0]])),
        (lambda m, x, i: x.scatter(1, i, value=-1.0), rn(3, 4), I([[3, 1], [0, 2]])),
        (lambda m, x, i, s: x.scatter(0, i, s, reduce="add"), rn(3), I(0, 0, 2), rn(3)),
        (lambda m, x, i, s: x.scatter(0, i, s, reduce="multiply"), rn(3), I(0, 0, 2), rn(3)),
        (lambda m, x, i, s: x.scatter(0, i, s), rn(3), np.zeros(0, np.int64), rn(2)),
    ],
    "scatter_add": [
        (lambda m, x, i, s: x.scatter_add(0, i, s), rn(3, 4), I([[0, 1, 0], [2, 2, 1]]), rn(2, 3)),
        (lambda m, x, i, s: m.scatter_add(x, -1, i, s), rn(3, 4), I([[3, 3], [0, 3]]), rn(2, 3)),
        (lambda m, x, i, s: x.scatter_add(0, i, s), rn(4), I(1, 1, 1), rn(3)),
    ],
    "index_ops_int": [
        (lambda m, x: x.flip(0).roll(1).repeat(2), np.arange(5)),
        (lambda m, x: x.tril().diagonal(), np.arange(9).reshape(3, 3)),
    ],
    "bmm": [(lambda m, a, b: a.bmm(b), rn(2, 3, 4), rn(2, 4, 5))],
    "dot": [(lambda m, a, b: m.dot(a, b), rn(4), rn(4)), (lambda m, a, b: a.dot(b), rn(0), rn(0))],
    "outer": [(lambda m, a, b: a.outer(b), rn(3), rn(4))],
    "addmm": [
        (lambda m, x, a, b: m.addmm(x, a, b), rn(2, 4), rn(2, 3), rn(3, 4)),
        (lambda m, x, a, b: x.addmm(a, b, beta=0.5, alpha=-2.0), rn(4), rn(2, 3), rn(3, 4)),
        (lambda m, x, a, b: m.addmm(x, a, b, beta=0), np.full((2, 4), np.nan), rn(2, 3), rn(3, 4)),
    ],
    "baddbmm": [
        (lambda m, x, a, b: m.baddbmm(x, a, b), rn(2, 3, 4), rn(2, 3, 5), rn(2, 5, 4)),
        (
            lambda m, x, a, b: x.baddbmm(a, b, beta=2.0, alpha=0.5),
            rn(1, 4),
            rn(2, 3, 5),
            rn(2, 5, 4),
        ),
    ],
    "cumsum": [
        (lambda m, x: x.cumsum(1), rn(3, 4)),
        (lambda m, x: x.cumsum(-2), rn(3, 4)),
        (lambda m, x: x.cumsum(0), np.array(2.0)),
        (lambda m, x: x.cumsum(0), rn(0, 3)),
        (lambda m, x: x.cumsum(0), np.array([True, False, True])),
        (lambda m, x: x.cumsum(0), np.array([1, 2, 3], np.int32)),
        (lambda m, x: x.cumsum(0, dtype=m.float64), np.array([1, 2, 3], np.int32)),
    ],
    "cumprod": [
        (lambda m, x: x.cumprod(1), rn(3, 4)),
        (lambda m, x: x.cumprod(1), np.array([[2.0, 0.0, 3.0, -1.5], [0.0, 1.5, 0.0, 2.0]])),
        (lambda m, x: x.cumprod(0), np.array([0.0, 0.0, 2.0])),
        (lambda m, x: x.cumprod(0), np.array(2.0)),
        (lambda m, x: x.cumprod(0), np.array([1, 2, 3])),
    ],
    "cummax": [
        (lambda m, x: x.cummax(1), distinct(3, 4)),
        (lambda m, x: x.cummax(0), np.array([1.0, 3.0, 2.0, 3.0, 3.0, 0.0])),
        (lambda m, x: x.cummax(0), np.array([1.0, np.nan, 2.0, np.nan, 5.0])),
        (lambda m, x: x.cummax(0), np.array([1, 3, 3, 2])),
        (lambda m, x: x.cummax(0), np.array(1.5)),
        (lambda m, x: x.cummax(0), rn(0, 2)),
    ],
    "cummin": [
        (lambda m, x: x.cummin(-1), distinct(3, 4)),
        (lambda m, x: x.cummin(0), np.array([3.0, 1.0, 2.0, 1.0, 1.0])),
        (lambda m, x: x.cummin(0), np.array([True, False, False])),
    ],
    "logcumsumexp": [
        (lambda m, x: x.logcumsumexp(1), rn(3, 4)),
        (lambda m, x: x.logcumsumexp(0), np.array([-1000.0, 0.0, 1000.0, 1000.0])),
        (lambda m, x: x.logcumsumexp(0), np.array([-np.inf, 0.0, 1.0])),
        (lambda m, x: x.logcumsumexp(0), np.array(1.0)),
    ],
    "prod": [
        (lambda m, x: x.prod(), rn(3, 4)),
        (lambda m, x: x.prod(1), rn(3, 4)),
        (lambda m, x: x.prod(-2, keepdim=True), rn(3, 4)),
        (lambda m, x: x.prod(1), np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -1.0]])),
        (lambda m, x: x.prod(), np.array([2.0, 0.0, 3.0, -1.0])),
        (lambda m, x: x.prod(), np.array([2.0, 0.0, 3.0, 0.0])),
        (lambda m, x: x.prod(0), rn(0, 3)),
        (lambda m, x: x.prod(0), np.array(3.0)),
        (lambda m, x: x.prod(), np.array([2, 3, 4], np.int32)),
    ],
    "amax": [
        (lambda m, x: x.amax(), rn(3, 4)),
        (lambda m, x: x.amax(1), rn(3, 4)),
        (lambda m, x: x.amax((0, -1), keepdim=True), rn(2, 3, 4)),
        (lambda m, x: x.amax(1), np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5]])),
        (lambda m, x: x.amax(0), np.array([[1.0, np.nan], [2.0, 0.0]])),
        (lambda m, x: x.amax(1), rn(0, 3)),
        (lambda m, x: x.amax(), np.array(2.0)),
        (lambda m, x: x.amax(0), np.array([[1, 5], [4, 2]])),
    ],
    "amin": [
        (lambda m, x: x.amin(), np.array([[1.0, 3.0, 1.0], [2.0, 1.0, 0.5 + 0.5]])),
        (lambda m, x: m.amin(x, -1), rn(3, 4)),
    ],
    "aminmax": [
        (lambda m, x: x.aminmax(), rn(3, 4)),
        (lambda m, x: m.aminmax(x, dim=1, keepdim=True), rn(3, 4)),
        (lambda m, x: x.aminmax(dim=0), np.array([[1, 5], [4, 2]])),
    ],
    "all_any": [
        (lambda m, x: (x.all(), x.any()), np.array([[1.0, 0.0], [2.0, 3.0]])),
        (lambda m, x: (x.all(1), x.any(-1, keepdim=True)), np.array([[1.0, 0.0], [2.0, 3.0]])),
        (lambda m, x: (m.all(x, 0), m.any(x, 0)), np.zeros((0, 2))),
        (lambda m, x: (x.all(), x.any()), np.zeros(0)),
        (lambda m, x: (x.all(0), x.any()), np.array([True, False])),
    ],
    "var_std_mean": [
        (lambda m, x: m.var_mean(x), rn(3, 4)),
        (lambda m, x: m.std_mean(x, 1, keepdim=True), rn(3, 4)),
        (lambda m, x: m.std_mean(x, dim=(0, 1), correction=0), rn(3, 4)),
        (lambda m, x: m.var_mean(x, -1, unbiased=False), rn(3, 4)),
    ],
    "sort": [
        (lambda m, x: x.sort(), distinct(3, 4)),
        (lambda m, x: x.sort(0, True), distinct(3, 4)),
        (lambda m, x: x.sort(stable=True), np.array([2.0, 1.0, 2.0, 1.0, 0.0, 2.0])),
        (lambda m, x: x.sort(descending=True, stable=True), np.array([2.0, 1.0, 2.0, 1.0, 2.0])),
        (lambda m, x: x.sort(stable=True), np.array([2.0, np.nan, -1.0, np.nan])),
        (lambda m, x: x.sort(descending=True, stable=True), np.array([2.0, np.nan, -1.0])),
        (lambda m, x: x.sort(), np.array(2.0)),
        (lambda m, x: x.sort(), rn(2, 0)),
        (lambda m, x: x.sort(stable=True), np.array([3, 1, 2, 1])),
        (lambda m, x: x.argsort(), distinct(3, 4)),
        (lambda m, x: x.argsort(0, descending=True), distinct(3, 4)),
        (lambda m, x: m.argsort(x, stable=True), np.array([2, 1, 2, 1])),
    ],
    "topk": [
        (lambda m, x: x.topk(2), distinct(3, 5)),
        (lambda m, x: x.topk(2, 0, False), distinct(3, 5)),
        (lambda m, x: m.topk(x, 3, largest=True, sorted=True), distinct(6)),
        (lambda m, x: x.topk(0), distinct(4)),
        (lambda m, x: x.topk(1), np.array(2.0)),
        (lambda m, x: x.topk(3), np.array([1, 7, 3, 5])),
    ],
    "histc": [
        (lambda m, x: x.histc(bins=4, min=-1, max=1), rn(50)),
        (lambda m, x: m.histc(x, bins=5), rn(50)),
        (lambda m, x: m.histc(x, bins=3), np.array([1.0, 1.0])),
        (lambda m, x: x.histc(bins=4, min=0, max=3), np.array([1.0, 2.0, 1.0, 3.0, -1.0, 4.0])),
        (lambda m, x: x.histc(bins=4, min=0, max=3), np.array([1.0, 2.0, 1.0], np.float32)),
    ],
    "histogram": [
        (lambda m, x: m.histogram(x, bins=4), rn(50)),
        (lambda m, x: x.histogram(5, range=(-1.0, 1.0)), rn(50)),
        (lambda m, x, w: x.histogram(3, weight=w), rn(20), np.abs(rn(20))),
        (lambda m, x, w: m.histogram(x, 4, weight=w, density=True), rn(20), np.abs(rn(20))),
    ],
}


def _cases():
    for name, cases in CASES.items():
        for k, (fn, *arrays) in enumerate(cases):
            yield pytest.param(fn, arrays, id=f"{name}-{k}")


@pytest.mark.parametrize("fn,arrays", list(_cases()))
def test_matches_torch(fn, arrays):
    # (histogram's weight is an input that needs no gradient)
    compare(fn, *arrays)


def test_argsort_and_multi_output_results_are_named_tuples():
    x = autodiff.tensor([3.0, 1.0, 2.0])
    s = x.sort()
    assert s.values.tolist() == [1.0, 2.0, 3.0] and s.indices.tolist() == [1, 2, 0]
    v, i = x.topk(2)
    assert (v.tolist(), i.tolist()) == ([3.0, 2.0], [0, 2])
    assert x.cummax(0).indices.tolist() == [0, 0, 0]
    assert x.cummin(0).values.tolist() == [3.0, 1.0, 1.0]
    mm = x.aminmax()
    assert (mm.min.item(), mm.max.item()) == (1.0, 3.0)
    h = autodiff.histogram(x, bins=2)
    assert h.hist.tolist() == [1.0, 2.0] and h.bin_edges.tolist() == [1.0, 2.0, 3.0]
    # typed, as torch.return_types; they print as before and unpack as tuples
    assert type(s).__annotations__ == {"values": autodiff.Tensor, "indices": autodiff.Tensor}
    assert repr(x.topk(1)) == "topk(values=Tensor([3.]), indices=Tensor([0]))"
    # max/min with dim give (values, indices) with names, a 0-d tensor's too
    for t in (x, autodiff.tensor(5.0)):
        r = t.max(dim=0)
        v, i = r
        assert r.values is v and r.indices is i and isinstance(r, tuple)


# ------------------------------------------------------- ties (defined here)
def test_topk_and_unstable_sort_ties_keep_index_order():
    """PyTorch leaves the order of equal values undefined for topk and for
    sort(stable=False); here it is always the stable order (earlier index first),
    so only the values are compared with torch."""
    x = np.array([1.0, 3.0, 3.0, 0.0, 3.0])
    v, i = autodiff.tensor(x).topk(2)
    tv, _ = torch.tensor(x).topk(2)
    assert v.tolist() == tv.tolist() and i.tolist() == [1, 2]
    v, i = autodiff.tensor(x).sort(descending=True)
    assert i.tolist() == [1, 2, 4, 0, 3]
    assert v.tolist() == torch.tensor(x).sort(descending=True).values.tolist()


def test_topk_ties_gradient_goes_to_the_returned_indices():
    x = autodiff.tensor([1.0, 3.0, 3.0, 0.0], dtype=np.float64, requires_grad=True)
    v, i = x.topk(1)
    v.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0, 0.0] and i.tolist() == [1]


def test_scatter_reduce_matches_torch_for_every_reduction():
    idx = I([[0, 1, 0], [2, 2, 0]])
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            src = distinct(2, 3) if reduce in ("amax", "amin") else rn(2, 3)
            compare(
                lambda m, x, i, s, r=reduce, inc=include_self: x.scatter_reduce(
                    0, i, s, r, include_self=inc
                ),
                distinct(3, 4),
                idx,
                src,
            )


def test_scatter_reduce_ties_and_zeros_gradients_as_torch():
    # amax/amin: ties between self and src, and within src, share the gradient
    x = np.array([2.0, 1.0, 0.0])
    s = np.array([2.0, 2.0, 5.0, -1.0])
    i = I(0, 0, 1, 2)
    for reduce in ("amax", "amin"):
        for incl in (True, False):
            compare(
                lambda m, x, i, s, r=reduce, inc=incl: x.scatter_reduce(
                    0, i, s, r, include_self=inc
                ),
                x,
                i,
                s,
            )
    # prod with zeros in self, in src (one and two per position)
    x = np.array([0.0, 3.0, 2.0, 0.0])
    s = np.array([2.0, 0.0, 4.0, 0.0, 0.0, 1.5])
    i = I(0, 1, 1, 2, 2, 3)
    for incl in (True, False):
        compare(
            lambda m, x, i, s, inc=incl: x.scatter_reduce(0, i, s, "prod", include_self=inc),
            x,
            i,
            s,
        )


def test_scatter_reduce_mean_of_integers_floors_as_torch():
    compare(
        lambda m, x, i, s: x.scatter_reduce(0, i, s, "mean"),
        np.zeros(2, np.int64),
        I(0, 0, 1, 1),
        np.array([1, 2, 3, 4]),
    )


def test_scatter_reduce_nan_wins_amax():
    compare(
        lambda m, x, i, s: x.scatter_reduce(0, i, s, "amax"),
        np.array([0.0, 1.0]),
        I(0, 0, 1),
        np.array([np.nan, 1.0, 0.5]),
        grad=False,
    )


def test_scatter_repeated_index_is_last_write_here():
    """Torch leaves which value lands undefined for repeated scatter indices; here the
    last one does, and every source element gets the gradient of its position."""
    x = autodiff.zeros(3, dtype=np.float64, requires_grad=True)
    s = autodiff.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    out = x.scatter(0, autodiff.tensor([0, 0, 2]), s)
    assert out.tolist() == [2.0, 0.0, 3.0]
    (out * autodiff.tensor([1.0, 2.0, 3.0], dtype=np.float64)).sum().backward()
    assert s.grad.tolist() == [1.0, 1.0, 3.0] and x.grad.tolist() == [0.0, 2.0, 0.0]


# --------------------------------------------------------- second order vs torch
def _second(fn, *arrays):
    """d/dx of sum(w * d(sum(v * fn))/dx), ours vs torch."""
    res = []
    for mod in (autodiff, torch):
        xs = _inputs(mod, arrays)
        out = fn(mod, *xs)
        out = out[0] if isinstance(out, tuple) else out
        w = np.linspace(-1.0, 1.5, out.numel()).reshape(tuple(out.shape))
        diff = [t for t in xs if getattr(t, "requires_grad", False)]
        if mod is torch:
            gs = torch.autograd.grad((out * torch.tensor(w)).sum(), diff, create_graph=True)
            tot = sum((g * g).sum() for g in gs)
            res.append([g.numpy() for g in torch.autograd.grad(tot, diff)])
        else:
            gs = autodiff.grad(
                (out * autodiff.tensor(w, dtype=np.float64)).sum(), diff, create_graph=True
            )
            tot = sum((g * g).sum() for g in gs)
            res.append([g.data for g in autodiff.grad(tot, diff)])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, atol=1e-9, rtol=1e-9)


@pytest.mark.parametrize(
    "fn,arrays",
    [
        (lambda m, x: x.cumprod(1), [np.array([[2.0, 0.0, 3.0, -1.5], [0.5, 1.5, 0.7, 2.0]])]),
        (lambda m, x: x.prod(1), [np.array([[2.0, 0.0, 3.0], [0.5, 1.5, -0.7]])]),
        (lambda m, x: x.prod(), [np.array([2.0, 0.0, 3.0, 1.2])]),
        (lambda m, x: x.logcumsumexp(0), [rn(4)]),
        (lambda m, x: x.cumsum(0) ** 2, [rn(4)]),
        (lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod"), [rn(3) + 2, I(0, 0, 2), rn(3) + 2]),
        (lambda m, x, i, s: x.scatter_reduce(0, i, s, "mean") ** 2, [rn(3), I(0, 0, 2), rn(3)]),
        (lambda m, x: x.amax(1) ** 2, [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5]])]),
        (lambda m, a, b: m.baddbmm(a, a, b), [rn(2, 3, 3), rn(2, 3, 3)]),
    ],
)
def test_second_order_matches_torch(fn, arrays):
    _second(fn, *arrays)


# -------------------------------------------------------------------- views
@pytest.mark.parametrize(
    "make,torch_make",
    [
        (lambda x: x.diagonal(), None),
        (lambda x: x.diagonal(1), None),
        (lambda x: x.narrow(1, 1, 2), None),
        (lambda x: x.unflatten(1, (2, 2)), None),
        # PyTorch refuses in-place changes of the pieces of split/chunk/unbind (views
        # from a multi-output function); here they are allowed and behave as narrow
        # and select do there
        (lambda x: x.split(2, 1)[1], lambda x: x.narrow(1, 2, 2)),
        (lambda x: x.chunk(2, 0)[0], lambda x: x.narrow(0, 0, 2)),
        (lambda x: x.unbind(1)[2], lambda x: x.select(1, 2)),
    ],
)
def test_views_share_memory_and_in_place_changes_flow_as_torch(make, torch_make):
    base = rn(3, 4)
    grads = []
    for mod in (autodiff, torch):
        x = _inputs(mod, [base])[0]
        y = x * 1.0
        v = (torch_make or make)(y) if mod is torch else make(y)
        v.mul_(3.0)
        (y * y).sum().backward()
        grads.append((y.detach().numpy() if mod is torch else y.data.copy(), x.grad))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1].data, grads[1][1].numpy())


def test_view_ops_are_views_and_copies_are_copies():
    x = autodiff.arange(12.0).reshape(3, 4)
    for v in (x.diagonal(), x.narrow(0, 1, 1), x.split(1)[0], x.chunk(3, 1)[1], x.unbind()[0]):
        assert np.shares_memory(v.data, x.data)
    for c in (x.flip(0), x.diag(), x.roll(1), x.tril(), x.repeat(1, 1), x.index_select(0, I(0))):
        assert not np.shares_memory(c.data, x.data)


# ------------------------------------------------------------------ sampling
def test_multinomial_with_and_without_replacement():
    autodiff.manual_seed(0)
    p = autodiff.tensor([0.0, 1.0, 3.0, 0.0])
    draws = p.multinomial(4000, replacement=True)
    assert draws.dtype == np.int64 and draws.shape == (4000,)
    counts = np.bincount(draws.data, minlength=4)
    assert counts[0] == counts[3] == 0 and 0.2 < counts[1] / 4000 < 0.3
    rows = autodiff.tensor([[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]]).multinomial(2)
    assert rows.shape == (2, 2)
    for r in rows.data:
        assert len(set(r.tolist())) == 2
    assert 0 not in rows.data[1].tolist()
    g = np.random.default_rng(5)
    a = p.multinomial(5, True, generator=np.random.default_rng(5))
    b = p.multinomial(5, True, generator=g)
    assert a.tolist() == b.tolist()
    # as PyTorch: zero-weight categories come once the others are drawn
    assert sorted(autodiff.tensor([1.0, 0.0, 1.0]).multinomial(3).tolist()) == [0, 1, 2]
    assert sorted(autodiff.tensor([1.0, 0.0, 1.0]).multinomial(2).tolist()) == [0, 2]
    with pytest.raises(RuntimeError, match="without replacement"):
        p.multinomial(5)
    with pytest.raises(RuntimeError, match="negative"):
        autodiff.tensor([1.0, -1.0]).multinomial(1)
    with pytest.raises(RuntimeError, match="1-d or 2-d"):
        autodiff.ones(2, 2, 2).multinomial(1)


def test_randperm():
    autodiff.manual_seed(3)
    p = autodiff.randperm(10)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    assert autodiff.randperm(0).shape == (0,)
    a = autodiff.randperm(6, generator=np.random.default_rng(1))
    b = autodiff.randperm(6, generator=np.random.default_rng(1))
    assert a.tolist() == b.tolist()
    assert autodiff.randperm(4, dtype=autodiff.float32).dtype == np.float32


# -------------------------------------------------------------------- errors
ERRORS = [
    (lambda m, x: x.flip((0, 0)), rn(2, 3)),
    (lambda m, x: x.flip(2), rn(2, 3)),
    (lambda m, x: x.roll((1, 2), (0,)), rn(2, 3)),
    (lambda m, x: x.tril(), rn(3)),
    (lambda m, x: x.diag(), rn(2, 2, 2)),
    (lambda m, x: x.diagonal(0, 1, 1), rn(2, 2)),
    (lambda m, x: x.repeat(2), rn(2, 3)),
    (lambda m, x, r: x.repeat_interleave(r, dim=1), rn(2, 3), I(1, 2)),
    (lambda m, x, k: x.masked_select(k), rn(2, 3), B(True, False)),
    (lambda m, x, i: x.index_select(1, i), rn(2, 3), I(3)),
    (lambda m, x, i: x.index_select(1, i), rn(2, 3), I(-1)),
    (lambda m, x: x.narrow(1, 2, 2), rn(2, 3)),
    (lambda m, x: x.narrow(0, 0, 1), np.array(1.0)),
    (lambda m, x: x.split([1, 2]), rn(4)),
    (lambda m, x: x.chunk(0), rn(4)),
    (lambda m, x: x.unbind(), np.array(1.0)),
    (lambda m, x: x.unflatten(1, (4, 2)), rn(2, 6)),
    (lambda m, x, i, s: x.scatter(1, i, s), rn(2, 3), I([[3]]), rn(1, 1)),
    (lambda m, x, i, s: x.scatter_add(1, i, s), rn(2, 3), I([[0, 1]]), rn(1, 1)),
    (lambda m, x, i, s: x.scatter_reduce(0, i, s, "median"), rn(3), I(0), rn(1)),
    (lambda m, a, b: a.bmm(b), rn(2, 3, 4), rn(3, 4, 5)),
    (lambda m, a, b: a.bmm(b), rn(3, 4), rn(4, 5)),
    (lambda m, a, b: a.dot(b), rn(3), rn(4)),
    (lambda m, a, b: a.outer(b), rn(3, 1), rn(4)),
    (lambda m, x, a, b: m.addmm(x, a, b), rn(3), rn(2, 3), rn(3, 4)),
    (lambda m, x: x.cumsum(2), rn(2, 3)),
    (lambda m, x: x.prod(2), rn(2, 3)),
    (lambda m, x: x.amax(0), rn(0, 3)),
    (lambda m, x: x.topk(4), rn(3)),
    (lambda m, x: x.histc(bins=3, min=2, max=1), rn(3)),
    (lambda m, x: x.histc(), np.array([1, 2])),
    (lambda m, x: x.multinomial(4), np.array([1.0, 0.0, 1.0])),
]


@pytest.mark.parametrize(
    "fn,arrays", [pytest.param(f, a, id=str(k)) for k, (f, *a) in enumerate(ERRORS)]
)
def test_errors_where_torch_raises(fn, arrays):
    with pytest.raises((RuntimeError, IndexError, ValueError, TypeError)):
        fn(torch, *_inputs(torch, arrays))
    with pytest.raises((RuntimeError, ValueError, IndexError, TypeError)) as info:
        fn(autodiff, *_inputs(autodiff, arrays))
    msg = str(info.value)
    # our own message, naming the op (never NumPy's)
    assert msg.split(":")[0].strip() in {
        "flip",
        "roll",
        "tril",
        "diag",
        "diagonal",
        "repeat",
        "repeat_interleave",
        "masked_select",
        "index_select",
        "narrow",
        "split",
        "chunk",
        "unbind",
        "unflatten",
        "scatter",
        "scatter_add",
        "scatter_reduce",
        "bmm",
        "dot",
        "outer",
        "addmm",
        "cumsum",
        "prod",
        "amax",
        "topk",
        "histc",
        "multinomial",
    }, msg


@pytest.mark.parametrize(
    "shape, dim, size, step",
    [((7,), 0, 3, 2), ((3, 5), 1, 2, 1), ((2, 6, 2), -2, 2, 3), ((4, 3), 0, 4, 1),
     ((5,), 0, 0, 1), ((2, 0), 1, 0, 1), ((), 0, 1, 1), ((6, 2), 0, 1, 4)],
)
def test_tensor_unfold_matches_torch(shape, dim, size, step):
    x0 = np.random.default_rng(3).standard_normal(shape)
    w0 = None
    got = {}
    for lib, make in (("ad", autodiff.tensor), ("torch", torch.tensor)):
        x = make(x0, requires_grad=True)
        y = x.unfold(dim, size, step)
        if w0 is None:
            w0 = np.random.default_rng(4).standard_normal(tuple(y.shape))
        (y * make(w0)).sum().backward()
        got[lib] = (y.detach().numpy(), tuple(y.shape), x.grad.numpy())
    np.testing.assert_array_equal(got["ad"][0], got["torch"][0])
    assert got["ad"][1] == got["torch"][1]
    np.testing.assert_allclose(got["ad"][2], got["torch"][2], rtol=1e-12, atol=1e-15)


def test_tensor_unfold_is_a_view_of_its_input():
    x = autodiff.arange(6.0)
    windows = x.unfold(0, 2, 2)
    x.mul_(10.0)
    assert windows.tolist() == [[0.0, 10.0], [20.0, 30.0], [40.0, 50.0]]
    with pytest.raises(RuntimeError, match="read-only"):
        windows.add_(1.0)  # (overlapping windows could not be written consistently)
