"""torch.utils.data's samplers, splits, collate and DataLoader arguments, against torch."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import autodiff
from autodiff import data as ad

torch = pytest.importorskip("torch")
td = torch.utils.data


def _raises_like(fn_ours, fn_torch, exc=None):
    """Both raise; the messages agree (ours contains torch's)."""
    with pytest.raises(Exception) as theirs:
        fn_torch()
    with pytest.raises(exc or type(theirs.value)) as ours:
        fn_ours()
    assert str(theirs.value) in str(ours.value), (str(ours.value), str(theirs.value))


# ---------------------------------------------------------------- random_split


@pytest.mark.parametrize(
    "n, lengths",
    [
        (10, [3, 7]),
        (10, [0.3, 0.3, 0.4]),
        (11, [0.5, 0.5]),
        (7, [0.25, 0.25, 0.25, 0.25]),
        (30, [0.1, 0.2, 0.7]),
        (5, [0.5, 0.5]),
        (101, [0.8, 0.1, 0.1]),
    ],
)
def test_random_split_lengths_and_partition_match_torch(n, lengths):
    ours = ad.random_split(range(n), lengths, generator=np.random.default_rng(0))
    theirs = td.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    assert all(isinstance(p, ad.Subset) for p in ours)
    flat = [i for p in ours for i in p]
    assert sorted(flat) == list(range(n))


def test_random_split_zero_length_warning_and_errors():
    # floor(0.2) = floor(0.8) = 0; the remainder goes to split 0, so split 1 is empty
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        parts = ad.random_split(range(1), [0.2, 0.8])
    with pytest.warns(UserWarning):
        ref = td.random_split(range(1), [0.2, 0.8])
    assert [len(p) for p in parts] == [len(p) for p in ref] == [1, 0]
    _raises_like(
        lambda: ad.random_split(range(10), [3, 3]),
        lambda: td.random_split(range(10), [3, 3]),
    )
    _raises_like(
        lambda: ad.random_split(range(10), [1.5, -0.5]),
        lambda: td.random_split(range(10), [1.5, -0.5]),
    )


def test_random_split_reproducible_with_seed_and_global():
    a = ad.random_split(range(20), [5, 15], generator=np.random.default_rng(3))
    b = ad.random_split(range(20), [5, 15], generator=np.random.default_rng(3))
    assert list(a[0]) == list(b[0])
    autodiff.manual_seed(1)
    c = ad.random_split(range(20), [5, 15])
    autodiff.manual_seed(1)
    d = ad.random_split(range(20), [5, 15])
    assert list(c[1]) == list(d[1])


def test_autodiff_generator_if_present():
    gen_cls = getattr(autodiff, "Generator", None)
    if gen_cls is None:
        try:
            from autodiff.random import Generator as gen_cls
        except ImportError:
            pytest.skip("no autodiff.Generator")
    g = gen_cls()
    g.manual_seed(5)
    a = list(ad.RandomSampler(range(30), generator=g))
    g.manual_seed(5)
    b = list(ad.RandomSampler(range(30), generator=g))
    assert a == b and sorted(a) == list(range(30))
    g.manual_seed(5)
    parts = ad.random_split(range(9), [0.5, 0.5], generator=g)
    assert [len(p) for p in parts] == [5, 4]


def test_bad_generator_is_a_type_error():
    with pytest.raises(TypeError, match="generator must be a numpy.random.Generator"):
        ad.RandomSampler(range(3), generator=42)


# ---------------------------------------------------------------- datasets


def test_subset_and_concat_dataset_match_torch():
    base = list(range(100, 110))
    s, ts = ad.Subset(base, [3, 1, 4]), td.Subset(base, [3, 1, 4])
    assert [s[i] for i in range(len(s))] == [ts[i] for i in range(len(ts))]
    assert s.__getitems__([0, 2]) == ts.__getitems__([0, 2]) == [103, 104]
    parts = [[1, 2, 3], [], [4, 5]]
    c, tc = ad.ConcatDataset(parts), td.ConcatDataset(parts)
    assert len(c) == len(tc) and c.cumulative_sizes == tc.cumulative_sizes
    assert [c[i] for i in range(-len(c), len(c))] == [tc[i] for i in range(-len(tc), len(tc))]
    _raises_like(lambda: c[-6], lambda: tc[-6])
    _raises_like(lambda: ad.ConcatDataset([]), lambda: td.ConcatDataset([]))

    class It(ad.IterableDataset):
        def __iter__(self):
            return iter([1])

    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ad.ConcatDataset([It()])


def test_dataset_add_and_base_errors():
    ds = ad.TensorDataset(autodiff.arange(3))
    both = ds + ds
    assert isinstance(both, ad.ConcatDataset) and len(both) == 6
    assert both[4][0].item() == 1
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        ad.Dataset()[0]
    with pytest.raises(NotImplementedError, match="should implement __iter__"):
        iter(ad.IterableDataset())


# ---------------------------------------------------------------- samplers


def test_sequential_and_random_sampler():
    assert list(ad.SequentialSampler(range(5))) == list(td.SequentialSampler(range(5)))
    assert len(ad.SequentialSampler(range(5))) == 5
    s = ad.RandomSampler(range(50), generator=np.random.default_rng(0))
    a, b = list(s), list(s)
    assert sorted(a) == list(range(50)) and a != b and len(s) == 50


@pytest.mark.parametrize("num_samples", [1, 7, 10, 23, 40])
def test_random_sampler_num_samples_without_replacement(num_samples):
    n = 10
    ours = list(ad.RandomSampler(range(n), num_samples=num_samples))
    theirs = list(td.RandomSampler(range(n), num_samples=num_samples))
    assert len(ours) == len(theirs) == num_samples
    # whole permutations, then distinct indices
    for k in range(num_samples // n):
        assert sorted(ours[k * n : (k + 1) * n]) == list(range(n))
    tail = ours[(num_samples // n) * n :]
    assert len(set(tail)) == len(tail)


def test_random_sampler_with_replacement_counts():
    s = ad.RandomSampler(
        range(4), replacement=True, num_samples=8000, generator=np.random.default_rng(1)
    )
    idx = list(s)
    assert len(idx) == len(s) == 8000
    counts = np.bincount(idx, minlength=4)
    assert set(idx) == {0, 1, 2, 3} and np.all(np.abs(counts / 8000 - 0.25) < 0.03)
    # with replacement, draws repeat even when num_samples <= n
    small = list(ad.RandomSampler(range(100), replacement=True, generator=np.random.default_rng(0)))
    assert len(set(small)) < 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"replacement": 1},
        {"num_samples": 0},
        {"num_samples": -3},
        {"num_samples": 2.5},
    ],
)
def test_random_sampler_errors_match_torch(kwargs):
    _raises_like(
        lambda: ad.RandomSampler(range(5), **kwargs),
        lambda: td.RandomSampler(range(5), **kwargs),
    )


def test_random_sampler_on_an_empty_dataset_errors_as_torch():
    _raises_like(lambda: ad.RandomSampler([]), lambda: td.RandomSampler([]))


def test_subset_random_sampler():
    idx = [10, 20, 30, 40, 50]
    s = ad.SubsetRandomSampler(idx, generator=np.random.default_rng(0))
    assert len(s) == 5
    runs = [list(s) for _ in range(5)]
    assert all(sorted(r) == idx for r in runs) and len({tuple(r) for r in runs}) > 1


def test_weighted_random_sampler_frequencies():
    w = [1.0, 2.0, 0.0, 5.0]
    s = ad.WeightedRandomSampler(w, 20000, generator=np.random.default_rng(0))
    counts = np.bincount(list(s), minlength=4) / 20000
    ref = (
        np.bincount(
            list(td.WeightedRandomSampler(w, 20000, generator=torch.Generator().manual_seed(0))),
            minlength=4,
        )
        / 20000
    )
    expected = np.array(w) / sum(w)
    np.testing.assert_allclose(counts, expected, atol=0.015)
    np.testing.assert_allclose(ref, expected, atol=0.015)
    assert counts[2] == 0 and len(s) == 20000


def test_weighted_random_sampler_without_replacement():
    w = autodiff.tensor([0.1, 0.9, 0.5, 0.0, 2.0])
    s = ad.WeightedRandomSampler(w, 4, replacement=False, generator=np.random.default_rng(0))
    for _ in range(20):
        got = list(s)
        assert len(got) == len(set(got)) == 4 and 3 not in got
    bad = ad.WeightedRandomSampler([1.0, 0.0, 1.0], 3, replacement=False)
    with pytest.raises(RuntimeError, match="invalid multinomial distribution"):
        list(bad)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist"):
        list(ad.WeightedRandomSampler([1.0, 1.0], 3, replacement=False))
    with pytest.raises(RuntimeError, match="element < 0"):
        list(ad.WeightedRandomSampler([1.0, -1.0], 3))


@pytest.mark.parametrize(
    "args",
    [([1.0, 2.0], 0), ([1.0, 2.0], True), ([1.0, 2.0], 3, 1), ([[1.0, 2.0]], 3)],
)
def test_weighted_random_sampler_errors_match_torch(args):
    _raises_like(lambda: ad.WeightedRandomSampler(*args), lambda: td.WeightedRandomSampler(*args))


@pytest.mark.parametrize(
    "n, bs, drop",
    [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False), (2, 5, True), (0, 2, False)],
)
def test_batch_sampler_matches_torch(n, bs, drop):
    ours = ad.BatchSampler(ad.SequentialSampler(range(n)), bs, drop)
    theirs = td.BatchSampler(td.SequentialSampler(range(n)), bs, drop)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("bs, drop", [(0, False), (-1, False), (2.0, False), (True, False), (2, 1)])
def test_batch_sampler_errors_match_torch(bs, drop):
    _raises_like(
        lambda: ad.BatchSampler(range(4), bs, drop), lambda: td.BatchSampler(range(4), bs, drop)
    )


# ---------------------------------------------------------------- default_collate


def _same_structure(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, autodiff.Tensor), type(ours)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and ours.keys() == theirs.keys()
        for k in theirs:
            _same_structure(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), (type(ours), type(theirs))
        for a, b in zip(ours, theirs):
            _same_structure(a, b)
    else:
        assert ours == theirs


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize(
    "batch",
    [
        [1.0, 2.5],
        [1, 2, 3],
        [True, False],
        [np.float32(1.0), np.float32(2.0)],
        [np.int32(1), np.int32(2)],
        [np.arange(3, dtype=np.int16), np.arange(3, dtype=np.int16)],
        [np.zeros((2, 2)), np.ones((2, 2))],
        [(1.0, 0), (2.0, 1)],
        [[1, 2], [3, 4]],
        [{"a": 1, "b": np.zeros(2, np.float32)}, {"a": 2, "b": np.ones(2, np.float32)}],
        [("s", 1), ("t", 2)],
        [Point(1, 2.0), Point(3, 4.0)],
        [{"n": {"m": [1, 2]}}, {"n": {"m": [3, 4]}}],
    ],
)
def test_default_collate_matches_torch(batch):
    _same_structure(ad.default_collate(batch), td.default_collate(batch))


def test_default_collate_tensors():
    xs = [autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0])]
    out = ad.default_collate(xs)
    assert out.shape == (2, 2) and out.dtype == np.float32
    ref = td.default_collate([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])])
    np.testing.assert_array_equal(out.data, ref.numpy())


def test_default_collate_errors_match_torch():
    _raises_like(lambda: ad.default_collate([object()]), lambda: td.default_collate([object()]))
    _raises_like(
        lambda: ad.default_collate([(1, 2), (1,)]), lambda: td.default_collate([(1, 2), (1,)])
    )
    arr = [np.array(["a"]), np.array(["b"])]
    _raises_like(lambda: ad.default_collate(arr), lambda: td.default_collate(arr))


def test_default_convert():
    out = ad.default_convert({"a": np.arange(2), "b": [np.zeros(1), 3]})
    assert isinstance(out["a"], autodiff.Tensor) and isinstance(out["b"][0], autodiff.Tensor)
    assert out["b"][1] == 3


# ---------------------------------------------------------------- DataLoader


class _Items(ad.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "y": i}


def _ids(loader):
    out = []
    for b in loader:
        y = b["y"] if isinstance(b, dict) else b[1]
        out.extend(np.asarray(y.data if hasattr(y, "data") else y).reshape(-1).tolist())
    return out


def test_loader_tensor_dataset_batches_are_lists_as_torch():
    x = autodiff.arange(12.0).reshape(6, 2)
    y = autodiff.arange(6)
    ours = list(ad.DataLoader(ad.TensorDataset(x, y), batch_size=4))
    theirs = list(
        td.DataLoader(td.TensorDataset(torch.tensor(x.data), torch.tensor(y.data)), batch_size=4)
    )
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        _same_structure(a, b)


def test_loader_with_subset_of_tensor_dataset_is_fast_and_correct():
    x = autodiff.arange(20.0).reshape(10, 2)
    y = autodiff.arange(10)

    class Counting(ad.TensorDataset):
        calls = 0

        def __getitem__(self, i):
            type(self).calls += 1
            return super().__getitem__(i)

    train, test = ad.random_split(Counting(x, y), [0.7, 0.3], generator=np.random.default_rng(0))
    got = [b[1].tolist() for b in ad.DataLoader(train, batch_size=3)]
    assert sum(got, []) == list(train.indices)
    assert Counting.calls == 0
    for bx, by in ad.DataLoader(test, batch_size=2, shuffle=True):
        np.testing.assert_array_equal(bx.data, x.data[by.data])


@pytest.mark.parametrize("bs, drop", [(1, False), (3, False), (3, True), (7, True), (8, False)])
def test_loader_lengths_match_torch(bs, drop):
    ours = ad.DataLoader(_Items(7), batch_size=bs, drop_last=drop)
    theirs = td.DataLoader(_Items(7), batch_size=bs, drop_last=drop)
    assert len(ours) == len(theirs)
    assert [tuple(b["x"].shape) for b in ours] == [tuple(b["x"].shape) for b in theirs]
    assert _ids(ours) == _ids(theirs)


def test_loader_with_samplers_and_batch_sampler():
    ds = _Items(10)
    sampler = ad.SubsetRandomSampler([1, 3, 5, 7])
    got = _ids(ad.DataLoader(ds, batch_size=3, sampler=sampler))
    assert sorted(got) == [1, 3, 5, 7]
    bsamp = ad.BatchSampler(ad.SequentialSampler(ds), 4, False)
    loader = ad.DataLoader(ds, batch_sampler=bsamp)
    assert len(loader) == 3 and loader.batch_size is None
    assert [b["y"].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    lists = ad.DataLoader(ds, batch_sampler=[[9, 0], [5]])
    assert [b["y"].tolist() for b in lists] == [[9, 0], [5]]
    w = ad.WeightedRandomSampler([0.0] * 5 + [1.0] * 5, 20, generator=np.random.default_rng(0))
    assert all(i >= 5 for i in _ids(ad.DataLoader(ds, batch_size=6, sampler=w)))
    rs = ad.RandomSampler(ds, replacement=True, num_samples=25)
    loader = ad.DataLoader(ds, batch_size=10, sampler=rs)
    assert len(loader) == 3 and len(_ids(loader)) == 25


def test_loader_default_samplers_and_generator():
    ds = _Items(5)
    assert isinstance(ad.DataLoader(ds).sampler, ad.SequentialSampler)
    loader = ad.DataLoader(ds, shuffle=True, batch_size=2)
    assert isinstance(loader.sampler, ad.RandomSampler)
    assert isinstance(loader.batch_sampler, ad.BatchSampler)
    a = _ids(ad.DataLoader(ds, batch_size=2, shuffle=True, generator=np.random.default_rng(4)))
    b = _ids(ad.DataLoader(ds, batch_size=2, shuffle=True, generator=np.random.default_rng(4)))
    assert a == b and sorted(a) == list(range(5))


def test_loader_batch_size_none_converts_each_sample():
    ds = _Items(3)
    out = list(ad.DataLoader(ds, batch_size=None))
    ref = list(td.DataLoader(ds, batch_size=None))
    assert len(out) == len(ref) == 3
    for a, b in zip(out, ref):
        _same_structure(a, b)


def test_loader_iterable_dataset():
    class Stream(ad.IterableDataset):
        def __iter__(self):
            return iter(range(7))

        def __len__(self):
            return 7

    loader = ad.DataLoader(Stream(), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    loader = ad.DataLoader(Stream(), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2


def test_loader_accepts_workers_and_pin_memory():
    ds = _Items(6)
    loader = ad.DataLoader(
        ds, batch_size=2, num_workers=2, pin_memory=True, persistent_workers=True, prefetch_factor=2
    )
    assert _ids(loader) == list(range(6))


class _Stream(td.IterableDataset, ad.IterableDataset):
    def __iter__(self):
        return iter(range(3))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sampler": [0, 1], "shuffle": True},
        {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_sampler": [[0]], "shuffle": True},
        {"batch_sampler": [[0]], "sampler": [0]},
        {"batch_sampler": [[0]], "drop_last": True},
        {"batch_size": None, "drop_last": True},
        {"num_workers": -1},
        {"timeout": -1},
        {"prefetch_factor": 2},
        {"persistent_workers": True},
        {"batch_size": 0},
    ],
)
def test_loader_argument_errors_match_torch(kwargs):
    ds = _Items(4)
    _raises_like(lambda: ad.DataLoader(ds, **kwargs), lambda: td.DataLoader(ds, **kwargs))


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_loader_iterable_dataset_errors_match_torch(kwargs):
    s = _Stream()
    ours = pytest.raises(ValueError, ad.DataLoader, s, **kwargs)
    theirs = pytest.raises(ValueError, td.DataLoader, s, **kwargs)
    assert str(ours.value).split(", but got")[0] == str(theirs.value).split(", but got")[0]


def test_loader_frozen_attributes_as_torch():
    loader = ad.DataLoader(_Items(4))
    tl = td.DataLoader(_Items(4))
    for attr in ("batch_size", "sampler", "drop_last", "dataset"):
        _raises_like(lambda a=attr: setattr(loader, a, 2), lambda a=attr: setattr(tl, a, 2))
    loader.collate_fn = ad.default_collate  # other attributes stay settable


def test_loader_state_dict_with_a_sampler():
    ds = _Items(9)
    loader = ad.DataLoader(ds, batch_size=2, sampler=list(range(8, -1, -1)))
    it = iter(loader)
    next(it)
    sd = loader.state_dict()
    assert sd["batches_done"] == 1
    other = ad.DataLoader(ds, batch_size=2, sampler=list(range(8, -1, -1)))
    other.load_state_dict(sd)
    assert _ids(other) == [6, 5, 4, 3, 2, 1, 0]
