"""Tensor.data: an ndarray for every tensor (0-d included), assigning it, updating it
in place, and NumPy interoperation."""

import numpy as np
import pytest

import autodiff
from autodiff.ops.registry import REGISTRY, Arg


def _tensors_in(obj):
    if isinstance(obj, autodiff.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)


def _call(name, args, kwargs):
    tensors = []
    real = []
    for a in args:
        if isinstance(a, Arg):
            t = autodiff.tensor(np.array(a.value, dtype=np.float64), requires_grad=a.requires_grad)
            tensors.append(t)
            real.append(t)
        else:
            real.append(a)
    return REGISTRY[name].fn(*real, **kwargs), tensors


def _zero_d(sample):
    """The sample with every differentiable argument made 0-d (its first value)."""
    return tuple(
        Arg(np.asarray(a.value, dtype=np.float64).reshape(-1)[:1].reshape(()), a.requires_grad)
        if isinstance(a, Arg) and np.size(a.value)
        else a
        for a in sample.args
    )


def _check_all_ndarrays(out, inputs, where):
    outs = list(_tensors_in(out))
    for t in outs:
        assert type(t.data) is np.ndarray, (where, type(t.data))
        assert type(np.asarray(t)) is np.ndarray, where
    diff = [t for t in outs if t.requires_grad]
    if diff:
        y = sum((t * t).sum() for t in diff)
        assert type(y.data) is np.ndarray, where
        y.backward()
        for t in inputs:
            if t.grad is not None:
                assert type(t.grad.data) is np.ndarray, (where, "grad")


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")  # (var of one element)
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_op_gives_ndarrays_also_on_0d_inputs(name):
    info = REGISTRY[name]
    for k, sample in enumerate(info.samples()):
        out, inputs = _call(name, sample.args, sample.kwargs)
        _check_all_ndarrays(out, inputs, f"{name} sample {k}")
        try:
            out, inputs = _call(name, _zero_d(sample), sample.kwargs)
        except (ValueError, IndexError, RuntimeError, TypeError):
            continue  # this op takes no 0-d input of that form
        _check_all_ndarrays(out, inputs, f"{name} sample {k}, 0-d")


def test_a_loss_goes_to_numpy_and_friends_as_an_array():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    assert np.asarray(loss).shape == () and float(np.asarray(loss)) == 5.0
    assert np.array(loss).dtype == np.float32
    assert np.array([loss, loss]).tolist() == [5.0, 5.0]
    # 0-d results of every kind of op, including second-order gradients
    for t in (x.sum(), x.mean(), x[0], x[1] * 2.0, x.max(), (x @ x), x.sum().exp(), -x[0]):
        assert type(t.data) is np.ndarray and t.data.ndim == 0
    (g,) = autodiff.grad((x**3).sum(), x, create_graph=True)
    (gg,) = autodiff.grad(g[0], x)
    assert type(g[0].data) is np.ndarray and type(gg.data) is np.ndarray
    # an indexed scalar is a 0-d view (as PyTorch), so a change shows through
    y = autodiff.tensor([1.0, 2.0])
    v = y[1]
    y.data[1] = 7.0
    assert v.item() == 7.0


def test_zero_d_results_update_in_place_under_an_optimizer():
    w = autodiff.nn.Parameter(autodiff.tensor(3.0))
    opt = autodiff.optim.SGD([w], lr=0.5)
    (w * w).backward()
    opt.step()
    assert type(w.data) is np.ndarray and w.item() == 0.0


def test_data_in_place_update_as_in_the_lectures():
    p = autodiff.tensor([1.0, -2.0], requires_grad=True)
    memory = p.data
    (p * p).sum().backward()
    p.data += -0.1 * p.grad  # ndarray += Tensor: in place, no graph
    assert p.data is memory and type(p.data) is np.ndarray
    np.testing.assert_allclose(p.data, [0.8, -1.6])
    assert p.is_leaf and p.requires_grad
    (p * 3).sum().backward()  # the next op works as usual
    np.testing.assert_allclose(p.grad.data, [2 + 3, -4 + 3])


def test_data_assignment_takes_a_tensor_or_an_array():
    p = autodiff.nn.Parameter(autodiff.zeros(2, 3))
    new = autodiff.randn(4, dtype=autodiff.float64)
    p.data = new  # shape and dtype as given, memory shared (as PyTorch)
    assert p.shape == (4,) and p.dtype == np.float64 and np.shares_memory(p.data, new.data)
    assert isinstance(p, autodiff.nn.Parameter) and p.requires_grad and p.is_leaf
    (p * 2).sum().backward()
    assert p.grad.shape == (4,)
    arr = np.arange(3.0)
    p.data = arr
    assert p.data is arr
    with pytest.raises(TypeError, match=r"Tensor or a numpy.ndarray, got list"):
        p.data = [1.0, 2.0]
    with pytest.raises(TypeError, match="requires grad must be floating-point, got dtype int64"):
        p.data = autodiff.tensor([1, 2])
    with pytest.raises(TypeError, match="numeric"):
        p.data = np.array([1 + 2j])
    q = autodiff.tensor([1, 2])
    q.data = autodiff.tensor([True, False])  # no grad: any numeric dtype
    assert q.dtype == np.bool_


def test_ndarray_operators_with_a_tensor_give_tensors():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0], dtype=np.float32)
    for y in (a + x, a - x, a * x, a / x, a**x, np.float32(2.0) * x):
        assert isinstance(y, autodiff.Tensor) and y.requires_grad
    assert (a @ x).shape == () and isinstance(a @ x, autodiff.Tensor)
    assert (a < x).tolist() == [False, False] and (a > x).dtype == np.bool_
    assert type(np.exp(x)) is np.ndarray  # NumPy's own functions give arrays


def test_non_numeric_numpy_input_is_refused_clearly():
    for value, words in [
        (np.complex128(1 + 2j), "no complex tensors"),
        (np.array(["a"]), "dtype <U1"),
        (np.str_("a"), "dtype <U1"),
        (np.array([None]), "dtype object"),
    ]:
        with pytest.raises(TypeError, match=words):
            autodiff.Tensor(value)
    assert type(autodiff.Tensor(np.float32(2.0)).data) is np.ndarray
