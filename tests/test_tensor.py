"""Tensor basics: construction, conversion from NumPy, factories, dtypes and promotion, repr and formatting."""

import numpy as np
import pytest

import autodiff
from autodiff import Tensor
from autodiff.nn import functional as F


def test_tensor_copies_a_numpy_array():
    # once: the Tensor shared the array, so an optimizer step changed the caller's
    # array and a change to the array changed the saved values (wrong gradient)
    array = np.array([1.0, 2.0])
    x = autodiff.tensor(array, requires_grad=True)
    y = (x * x).sum()
    array *= 100
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]
    start = np.array([1.0, 2.0])
    w = autodiff.tensor(start, requires_grad=True)
    (w * w).sum().backward()
    autodiff.optim.SGD([w], lr=0.5).step()
    assert start.tolist() == [1.0, 2.0] and w.tolist() == [0.0, 0.0]
    shared = autodiff.from_numpy(start)  # the sharing constructor
    start[0] = 7.0
    assert shared.tolist() == [7.0, 2.0]


def test_from_numpy_shares_memory_when_it_requires_grad():
    array = np.array([1.0, 2.0])
    t = autodiff.from_numpy(array, requires_grad=True)
    array[0] = 5.0
    assert t.tolist() == [5.0, 2.0] and t.requires_grad


def test_from_numpy_takes_dtype_and_requires_grad():
    t = autodiff.from_numpy(np.ones(3), requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert autodiff.from_numpy(np.ones(3), dtype=autodiff.float32).dtype == autodiff.float32


def test_int_too_large_for_int64_raises():
    with pytest.raises(OverflowError, match="does not fit int64"):
        autodiff.tensor(2**63)
    assert autodiff.tensor(2**63 - 1).item() == 2**63 - 1


def test_randint_high_and_size():
    out = autodiff.randint(5, (100,))
    assert out.shape == (100,) and out.dtype == autodiff.int64
    assert 0 <= out.data.min() and out.data.max() < 5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_stays_through_forward_and_backward(dtype):
    x = autodiff.tensor(np.linspace(-1, 1, 6, dtype=dtype).reshape(2, 3), requires_grad=True)
    w = autodiff.tensor(np.ones((3, 2), dtype=dtype), requires_grad=True)
    y = (x @ w).tanh() * 2.5 + 1
    loss = autodiff.log_softmax(y, dim=1).sum() + (x**2).mean()
    assert loss.dtype == dtype
    loss.backward()
    assert x.grad.dtype == dtype and w.grad.dtype == dtype


_TYPE_NAMES = [  # dtype name, PyTorch's tensor type name
    ("float32", "FloatTensor"), ("float64", "DoubleTensor"), ("float16", "HalfTensor"),
    ("int64", "LongTensor"), ("int32", "IntTensor"), ("int16", "ShortTensor"),
    ("int8", "CharTensor"), ("uint8", "ByteTensor"), ("bool", "BoolTensor"),
]


@pytest.mark.parametrize("dtype,name", _TYPE_NAMES)
def test_type_names_the_tensor_type_as_pytorch(dtype, name):
    t = autodiff.zeros(2, dtype=dtype)
    assert t.type() == f"autodiff.{name}"
    # the name converts back, as PyTorch's; the same type is the same tensor
    assert t.type(f"autodiff.{name}") is t
    f = autodiff.tensor([1.5, -2.0], dtype=autodiff.float64, requires_grad=True)
    g = f.type(f"autodiff.{name}")
    assert g.dtype == np.dtype(dtype) and g.type() == f"autodiff.{name}"
    assert g.tolist() == f.detach().to(dtype).tolist()
    torch = pytest.importorskip("torch")
    tt = torch.zeros(2, dtype=getattr(torch, dtype))
    assert tt.type() == f"torch.{name}"
    assert tt.type(f"torch.{name}") is tt
    assert torch.tensor([1.5, -2.0], dtype=torch.float64).type(f"torch.{name}").tolist() == (
        g.tolist()
    )


def test_type_converts_by_dtype_and_refuses_pytorch_names():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y = x.type(autodiff.float64)
    assert y.dtype == np.float64 and y.type() == "autodiff.DoubleTensor"
    y.sum().backward()  # a conversion stays in the graph
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [1.0, 1.0]
    assert x.type("float64").dtype == np.float64  # a dtype's name is a dtype
    with pytest.raises(ValueError, match=r"'torch.FloatTensor' is PyTorch's name; use "
                                         r"'autodiff.FloatTensor'"):
        x.type("torch.FloatTensor")
    with pytest.raises(ValueError, match="invalid type 'autodiff.NoSuchTensor'"):
        x.type("autodiff.NoSuchTensor")


def test_promotion_follows_pytorch():
    f32 = autodiff.ones(3)
    assert (f32 * autodiff.tensor(2.0, dtype=autodiff.float64)).dtype == np.float32
    assert (f32 * 2.5).dtype == np.float32
    ints = autodiff.tensor([1, 2])
    assert ints.dtype == np.int64
    assert (ints / ints).dtype == np.float32
    assert (ints * 2.5).dtype == np.float32
    assert (ints * 2).dtype == np.int64
    assert (ints * autodiff.tensor([1.0, 2.0], dtype=autodiff.float64)).dtype == np.float64
    assert autodiff.tensor(np.arange(3, dtype=np.int32)).dtype == np.int32
    autodiff.set_default_dtype(autodiff.float64)
    assert autodiff.tensor([1.0]).dtype == np.float64


def test_format_spec_on_0d_tensor():
    assert f"{autodiff.tensor(1.23456):.2f}" == "1.23"


def test_small_api_edges():
    assert (autodiff.tensor([1.0, 2.0]) == None) is False  # noqa: E711 - the point
    assert (autodiff.tensor([1.0]) != None) is True  # noqa: E711
    with pytest.raises(ValueError, match="arange: step -1 cannot go from 0 to 10"):
        autodiff.arange(0, 10, -1)
    assert autodiff.arange(5, 0, -2).tolist() == [5, 3, 1]
    with pytest.raises(TypeError, match="randn_like: random floats cannot have dtype int64"):
        autodiff.randn_like(autodiff.tensor([1, 2]))
    a = autodiff.tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    loss = F.mse_loss(a, autodiff.tensor([1.5, 2.0], dtype=np.float64))
    assert loss.dtype == np.float64  # promoted, as PyTorch
    loss.backward()
    assert a.grad.dtype == np.float32 and a.grad.tolist() == [-0.5, 0.0]


def test_repr_and_basics():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "Tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "Tensor([2., 4.], grad_fn=<MulBackward>)"
    assert len(x) == 2 and x.ndim == 1 and x.shape == (2,)
    assert np.asarray(x).tolist() == [1.0, 2.0]
    assert isinstance(x[0], Tensor) and x[0].item() == 1.0
    assert autodiff.tensor(3).item() == 3
    with pytest.raises(ValueError, match="exactly one element"):
        x.item()


def test_factories_and_seed():
    autodiff.manual_seed(3)
    a = autodiff.randn(2, 3)
    autodiff.manual_seed(3)
    assert (autodiff.randn((2, 3)) == a).all()
    assert autodiff.zeros(2, 3, dtype=autodiff.float64).dtype == np.float64
    assert autodiff.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]
    assert autodiff.eye(2).tolist() == [[1, 0], [0, 1]]
    assert autodiff.full((2,), 3).dtype == np.int64
    r = autodiff.randint(0, 5, (100,))
    assert r.dtype == np.int64 and 0 <= r.min().item() and r.max().item() < 5
    assert autodiff.ones(2, requires_grad=True).is_leaf
    assert autodiff.linspace(0, 1, 5).shape == (5,)
    assert autodiff.randn_like(a).shape == (2, 3)
    assert autodiff.zeros_like(a).dtype == np.float32


def test_size_is_a_tuple_of_ints_as_torch_size():
    s = autodiff.Size([2, 3])
    assert isinstance(s, tuple) and s == (2, 3) == autodiff.zeros(2, 3).shape
    assert s.numel() == 6 and autodiff.Size().numel() == 1
    assert isinstance(s[1:], autodiff.Size) and s[0] == 2
    assert isinstance(s + (4,), autodiff.Size) and s + (4,) == (2, 3, 4)
    assert autodiff.zeros(s).shape == (2, 3) and autodiff.ones(6).view(s).shape == (2, 3)
    with pytest.raises(TypeError, match="Size: expected a sequence of ints"):
        autodiff.Size([2.5])
