"""TensorDataset, DataLoader and default_collate."""

from __future__ import annotations

import numpy as np
import pytest
from _opcount import count_lines

import autodiff
from autodiff.data import DataLoader, Dataset, TensorDataset, default_collate


def make_ds(n=10):
    x = autodiff.arange(n * 3, dtype=autodiff.float32).reshape(n, 3)
    y = autodiff.arange(n)
    return TensorDataset(x, y), x, y


def test_tensor_dataset_items_and_len():
    ds, x, y = make_ds()
    assert len(ds) == 10
    xi, yi = ds[4]
    assert xi.tolist() == [12.0, 13.0, 14.0] and yi.item() == 4
    assert ds.tensors[0] is x


def test_tensor_dataset_accepts_arrays_and_checks_sizes():
    ds = TensorDataset(np.zeros((4, 2)), np.arange(4))
    assert isinstance(ds.tensors[0], autodiff.Tensor) and len(ds) == 4
    with pytest.raises(
        ValueError, match=r"same first dimension for all of them, got shapes \(4, 2\), \(5,\)"
    ):
        TensorDataset(autodiff.zeros(4, 2), autodiff.zeros(5))
    with pytest.raises(ValueError, match="needs at least one tensor"):
        TensorDataset()
    with pytest.raises(TypeError, match="argument 1 is a list"):
        TensorDataset(autodiff.zeros(2), [1, 2])
    with pytest.raises(ValueError, match="tensor 0 is 0-d"):
        TensorDataset(autodiff.tensor(1.0))


def test_batches_in_order_with_a_short_last_batch():
    ds, x, y = make_ds(10)
    loader = DataLoader(ds, batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [tuple(b[0].shape) for b in batches] == [(4, 3), (4, 3), (2, 3)]
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == np.int64
    np.testing.assert_array_equal(np.concatenate([b[0].data for b in batches]), x.data)


def test_drop_last():
    ds, _, _ = make_ds(10)
    loader = DataLoader(ds, batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(ds, batch_size=5, drop_last=True)) == 2
    assert len(DataLoader(ds, batch_size=11, drop_last=True)) == 0
    assert list(DataLoader(ds, batch_size=11, drop_last=True)) == []


def test_default_batch_size_is_one():
    ds, _, _ = make_ds(3)
    batches = list(DataLoader(ds))
    assert len(batches) == 3 and batches[2][0].shape == (1, 3)


def test_shuffle_is_a_permutation_that_changes_each_epoch():
    ds, x, y = make_ds(50)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    e1 = np.concatenate([b[1].data for b in loader])
    e2 = np.concatenate([b[1].data for b in loader])
    assert sorted(e1.tolist()) == list(range(50)) and sorted(e2.tolist()) == list(range(50))
    assert e1.tolist() != list(range(50)) and e1.tolist() != e2.tolist()
    # rows stay paired with their labels
    for bx, by in loader:
        np.testing.assert_array_equal(bx.data, x.data[by.data])


def test_shuffle_follows_manual_seed():
    ds, _, _ = make_ds(30)

    def order():
        return np.concatenate(
            [b[1].data for b in DataLoader(ds, batch_size=7, shuffle=True)]
        ).tolist()

    autodiff.manual_seed(123)
    a = order()
    autodiff.manual_seed(123)
    b = order()
    autodiff.manual_seed(124)
    c = order()
    assert a == b and a != c


def test_seed_and_generator_options():
    ds, _, _ = make_ds(30)

    def order(**kw):
        return np.concatenate(
            [b[1].data for b in DataLoader(ds, batch_size=7, shuffle=True, **kw)]
        ).tolist()

    assert order(seed=5) == order(seed=5) != order(seed=6)
    assert order(generator=np.random.default_rng(5)) == order(seed=5)
    with pytest.raises(ValueError, match="a seed or a generator, not both"):
        DataLoader(ds, seed=1, generator=np.random.default_rng(1))


def test_loader_argument_errors():
    ds, _, _ = make_ds(3)
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be a positive int, got 2.5"):
        DataLoader(ds, batch_size=2.5)
    with pytest.raises(TypeError, match="needs a dataset with __getitem__ and __len__, got int"):
        DataLoader(5)


def test_tensor_dataset_batches_keep_the_graph_when_needed():
    x = autodiff.randn(6, 2, requires_grad=True)
    loader = DataLoader(TensorDataset(x), batch_size=3)
    (b,) = next(iter(loader))
    assert b.requires_grad
    b.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.r_[np.ones((3, 2)), np.zeros((3, 2))])


def test_generic_dataset_uses_collate():
    class Pairs(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, dtype=np.float32), "y": i, "name": f"item{i}"}

    batches = list(DataLoader(Pairs(), batch_size=2))
    assert len(batches) == 3
    assert batches[0]["x"].tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert batches[1]["y"].tolist() == [2, 3] and batches[1]["y"].dtype == np.int64
    assert batches[2]["name"] == ["item4"]


def test_custom_collate_fn_and_lists():
    ds = [(autodiff.tensor([float(i)]), i) for i in range(4)]  # a list is a dataset
    xs, ys = next(iter(DataLoader(ds, batch_size=4)))
    assert xs.shape == (4, 1) and ys.tolist() == [0, 1, 2, 3]
    loader = DataLoader(ds, batch_size=2, collate_fn=lambda items: len(items))
    assert list(loader) == [2, 2]


def test_default_collate_errors():
    with pytest.raises(ValueError, match="different lengths"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="cannot batch items of type object"):
        default_collate([object(), object()])


def test_state_dict_resumes_mid_epoch():
    ds, _, _ = make_ds(23)
    autodiff.manual_seed(7)
    full = DataLoader(ds, batch_size=4, shuffle=True)
    ref = [b[1].tolist() for _ in range(2) for b in full]  # two uninterrupted epochs

    autodiff.manual_seed(7)
    first = DataLoader(ds, batch_size=4, shuffle=True)
    it = iter(first)
    seen = [next(it)[1].tolist() for _ in range(2)]
    sd = first.state_dict()
    assert sd["batches_done"] == 2 and sd["epoch_start_state"] is not None

    autodiff.manual_seed(999)  # a fresh process would have another state
    resumed = DataLoader(ds, batch_size=4, shuffle=True)
    resumed.load_state_dict(sd)
    rest = [b[1].tolist() for b in resumed] + [b[1].tolist() for b in resumed]
    assert seen + rest == ref


def test_state_dict_at_an_epoch_boundary_and_errors():
    ds, _, _ = make_ds(9)
    a = DataLoader(ds, batch_size=2, shuffle=True, seed=3)
    list(a)
    sd = a.state_dict()
    assert sd["batches_done"] == 0 and sd["epoch_start_state"] is None
    b = DataLoader(ds, batch_size=2, shuffle=True, seed=4)
    b.load_state_dict(sd)
    assert [x[1].tolist() for x in a] == [x[1].tolist() for x in b]
    with pytest.raises(ValueError, match="must have exactly the keys"):
        b.load_state_dict({"generator_state": {}})
    with pytest.raises(ValueError, match=r"batches_done must be an int in \[0, 5\], got 9"):
        b.load_state_dict({**sd, "batches_done": 9})
    with pytest.raises(ValueError, match="invalid generator state"):
        b.load_state_dict({**sd, "generator_state": {"bit_generator": "nope"}})


class _CountingTensorDataset(TensorDataset):
    """A TensorDataset that counts per-item fetches (the slow path)."""

    item_calls = 0

    def __getitem__(self, index):
        type(self).item_calls += 1
        return super().__getitem__(index)


def test_large_tensor_dataset_batches_without_an_item_loop():
    # a TensorDataset is batched with one indexing op per tensor per batch:
    # no per-item __getitem__ calls at all, and the library code run per epoch
    # does not depend on the batch size (counted lines of autodiff code, not
    # seconds: the same 10 batches of 64 or of 6400 rows cost the same)
    x = autodiff.randn(50_000, 8)
    y = autodiff.randint(0, 10, (50_000,))
    ds = _CountingTensorDataset(x, y)
    loader = DataLoader(ds, batch_size=64, shuffle=True)
    n = sum(b[0].shape[0] for b in loader)
    assert n == 50_000 and len(loader) == 782
    assert _CountingTensorDataset.item_calls == 0

    def epoch_lines(rows: int) -> int:
        ds = TensorDataset(autodiff.randn(rows, 8), autodiff.randint(0, 10, (rows,)))
        loader = DataLoader(ds, batch_size=rows // 10, shuffle=True)
        return count_lines(lambda: sum(1 for _ in loader))

    small, large = epoch_lines(640), epoch_lines(64_000)
    assert small > 0 and large == small, (small, large)
