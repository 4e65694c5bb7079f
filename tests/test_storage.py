"""Leaves' and optimizer state's float arrays start on 64-byte boundaries (autodiff._storage)."""

import numpy as np
import pytest

import autodiff
from autodiff import _storage


def address(arr: np.ndarray) -> int:
    return arr.__array_interface__["data"][0]


def misaligned(shape, dtype=np.float32, offset=16) -> np.ndarray:
    """An array whose data starts ``offset`` bytes past a 64-byte boundary."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(nbytes + 128, np.uint8)
    start = -address(raw) % 64 + offset
    out = raw[start : start + nbytes].view(dtype).reshape(shape)
    out[...] = np.arange(out.size).reshape(shape)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tensor_copies_big_float_arrays_into_aligned_memory(dtype):
    src = misaligned((300, 7), dtype)
    assert address(src) % 64 == 16
    t = autodiff.tensor(src, requires_grad=True)
    assert address(t.data) % 64 == 0
    np.testing.assert_array_equal(t.data, src)
    assert t.data.dtype == dtype and t.data.flags.c_contiguous and t.data.flags.writeable
    src[0, 0] = -1.0  # a copy, as torch.tensor
    assert t.data[0, 0] == 0.0


def test_casts_fortran_order_and_lists_keep_numpys_values():
    src = np.asfortranarray(np.arange(3000.0).reshape(60, 50))
    t = autodiff.tensor(src, dtype=autodiff.float32)
    assert address(t.data) % 64 == 0 and t.data.flags.c_contiguous
    np.testing.assert_array_equal(t.data, src.astype(np.float32))
    from_list = autodiff.tensor([[float(i)] * 40 for i in range(40)])
    assert address(from_list.data) % 64 == 0
    np.testing.assert_array_equal(from_list.data[:, 0], np.arange(40.0, dtype=np.float32))


def test_small_and_integer_arrays_keep_numpys_allocation():
    # below 4 KiB, or not float: no aligned copy (nothing to gain)
    small = _storage.copy(misaligned((10,)))
    assert small.base is None
    ints = autodiff.tensor(np.arange(5000))
    assert ints.data.dtype == np.int64 and ints.data.base is None


def test_factories_parameters_and_layers_are_aligned():
    made = [
        autodiff.zeros(64, 64),
        autodiff.ones(64, 64),
        autodiff.full((64, 64), 2.5),
        autodiff.randn(64, 64),
        autodiff.rand(64, 64, dtype=autodiff.float64),
        autodiff.zeros_like(autodiff.zeros(64, 64)),
        autodiff.randn_like(autodiff.zeros(64, 64)),
        autodiff.nn.Parameter(autodiff.zeros(64, 64)),
        autodiff.nn.Linear(128, 64).weight,
    ]
    for t in made:
        assert address(t.data) % 64 == 0, t.shape
    np.testing.assert_array_equal(made[2].data, np.full((64, 64), 2.5, np.float32))
    assert made[3].data.dtype == np.float32 and made[4].data.dtype == np.float64
    layer = autodiff.nn.Linear(128, 64).to(autodiff.float64)
    assert layer.weight.data.dtype == np.float64 and address(layer.weight.data) % 64 == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: autodiff.optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: autodiff.optim.Adam(ps, lr=0.1, amsgrad=True),
        lambda ps: autodiff.optim.RMSprop(ps, lr=0.1, momentum=0.9, centered=True),
    ],
)
def test_optimizer_state_is_aligned(make):
    p = autodiff.randn(64, 64, requires_grad=True)
    p.grad = autodiff.randn(64, 64)
    opt = make([p])
    opt.step()
    arrays = [v for v in opt.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays
    for arr in arrays:
        assert address(arr) % 64 == 0
    assert address(p.data) % 64 == 0  # updated in place
