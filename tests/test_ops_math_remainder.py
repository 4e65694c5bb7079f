"""remainder/fmod/% with a Python number on either side, against torch: values,
dtypes and gradients; PyTorch's remainder(number, tensor) has no derivative, so
backward through it raises on both sides."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import check  # noqa: E402

import autodiff  # noqa: E402

X = np.array([2.0, -1.5, 4.0, 0.7, -3.3, 0.0, -0.0])
XI = np.array([2, -3, 4, 5], dtype=np.int64)

CASES = {
    "remainder(2.0, t)": lambda m, t: m.remainder(2.0, t),
    "remainder(-2, t)": lambda m, t: m.remainder(-2, t),
    "2.0 % t": lambda m, t: 2.0 % t,
    "-7 % t": lambda m, t: -7 % t,
    "t.__rmod__(3.5)": lambda m, t: t.__rmod__(3.5),
    "remainder(np.float64, t)": lambda m, t: m.remainder(np.float64(1.5), t),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CASES))
def test_number_first_value_as_torch_and_backward_raises(name, dtype):
    fn = CASES[name]
    x = X.astype(dtype)
    # forward values/dtypes compared, then both backwards raise
    assert check(lambda t: fn(autodiff, t), lambda t: fn(torch, t), x) == "raises"
    t = autodiff.tensor(x, requires_grad=True)
    y = fn(autodiff, t)
    assert y.requires_grad  # as torch: the graph is recorded, its backward refuses
    with pytest.raises(RuntimeError, match=r"remainder\(number, tensor\).*not implemented"):
        y.sum().backward()


@pytest.mark.parametrize("name", list(CASES))
def test_number_first_on_integers(name):
    assert check(lambda t: CASES[name](autodiff, t), lambda t: CASES[name](torch, t), XI) == "ok"
    assert check(lambda t: 2.5 % t, lambda t: 2.5 % t, XI) == "ok"


def test_zero_dim_tensor_first_is_differentiable_as_torch():
    a = np.array(2.5)
    assert check(autodiff.remainder, torch.remainder, a, X[:5]) == "ok"
    assert check(lambda a, b: a % b, lambda a, b: a % b, a, X[:5]) == "ok"


def test_the_suggested_rewrite_gives_the_gradient():
    t = autodiff.tensor(X[:5], requires_grad=True)
    y = 2.0 - (2.0 / t).floor() * t
    y.sum().backward()
    np.testing.assert_allclose(y.data, np.remainder(2.0, X[:5]))
    np.testing.assert_allclose(t.grad.data, -np.floor(2.0 / X[:5]))


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, t: m.fmod(t, 2.0),
        lambda m, t: m.fmod(t, -2),
        lambda m, t: t.fmod(1.5),
        lambda m, t: t % 2.0,
        lambda m, t: t.remainder(-1.5),
        lambda m, t: m.fmod(2.0, t),  # torch: fmod's input must be a tensor
    ],
)
def test_tensor_first_and_fmod_as_torch(fn):
    assert check(lambda t: fn(autodiff, t), lambda t: fn(torch, t), X[:5]) in ("ok", "raises")
    t = torch.from_numpy(X[:5])
    try:
        fn(torch, t)
    except TypeError:
        with pytest.raises(TypeError):
            fn(autodiff, autodiff.tensor(X[:5]))
