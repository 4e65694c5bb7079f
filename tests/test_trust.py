"""Invariants that once broke unseen (issue 15, points 1-5): every Tensor's data is an
ndarray; autodiff.grad through freed producers; grad mode per thread; backward's
bookkeeping per pass; assigning to ``.data``."""

import sys
import threading

import numpy as np
import pytest

import autodiff
import autodiff.nn.functional as F
from autodiff.ops.registry import REGISTRY, Arg


# ------------------------------------------------------------- 1. data is an ndarray
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


# --------------------------------------------- 2. grad wrt a non-leaf, producer freed
def test_grad_wrt_a_non_leaf_whose_producer_was_freed():
    x = autodiff.tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    h = x * x
    y = (h.sin() * 3).sum()
    gh, gx = autodiff.grad(y, [h, x])  # frees the graph, square's saved x included
    np.testing.assert_allclose(gh.data, 3 * np.cos(h.data))
    np.testing.assert_allclose(gx.data, 3 * np.cos(h.data) * 2 * x.data)
    v = h.exp()
    g = autodiff.tensor([1.0, 2.0, 3.0], dtype=np.float64)
    (gv,) = autodiff.grad(v, h, grad_outputs=g)
    np.testing.assert_allclose(gv.data, g.data * np.exp(h.data))
    # where the freed producer's VJP is needed, the clear error remains
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        autodiff.grad(h.exp().sum(), x)


# ------------------------------------------------------------ 3. grad mode per thread
def _in_thread(fn):
    errors = []

    def run():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - reported to the main thread
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    return t, errors


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    entered, done = threading.Event(), threading.Event()

    def evaluator():
        with autodiff.no_grad():
            entered.set()
            done.wait(10)
            assert not autodiff.is_grad_enabled()

    t, errors = _in_thread(evaluator)
    entered.wait(10)
    x = autodiff.ones(3, requires_grad=True)
    y = (x * 2).sum()  # recorded: this thread's grad mode is on
    done.set()
    t.join()
    assert not errors, errors
    assert autodiff.is_grad_enabled() and y.grad_fn is not None
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_an_op_in_another_thread_during_a_backward_is_recorded():
    w = autodiff.ones(2, requires_grad=True)
    results = {}

    def other_thread():
        results["enabled"] = autodiff.is_grad_enabled()
        p = autodiff.ones(2, requires_grad=True)
        loss = (p * 3).sum()
        loss.backward()
        results["grad"] = p.grad.tolist()

    def hook(g):
        # runs inside this thread's backward, where recording is off for this thread
        assert not autodiff.is_grad_enabled()
        t, errors = _in_thread(other_thread)
        t.join()
        results["errors"] = errors
        return None

    y = w * 2
    y.register_hook(hook)
    y.sum().backward()
    assert results["errors"] == []
    assert results["enabled"] is True and results["grad"] == [3.0, 3.0]
    assert autodiff.is_grad_enabled()


def test_overlapping_no_grad_exits_leave_every_thread_recording():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with autodiff.no_grad():
            a_in.set()
            b_in.wait(10)
        a_out.set()
        seen["a"] = autodiff.is_grad_enabled()

    def thread_b():
        a_in.wait(10)
        with autodiff.no_grad():
            b_in.set()
            a_out.wait(10)  # a leaves its no_grad while b is still inside its own
            seen["b_inside"] = autodiff.is_grad_enabled()
        seen["b"] = autodiff.is_grad_enabled()

    ta, ea = _in_thread(thread_a)
    tb, eb = _in_thread(thread_b)
    ta.join()
    tb.join()
    assert not ea and not eb
    assert seen == {"a": True, "b_inside": False, "b": True}
    assert autodiff.is_grad_enabled()
    assert (autodiff.ones(1, requires_grad=True) * 2).grad_fn is not None


def test_anomaly_mode_is_per_thread():
    entered, done = threading.Event(), threading.Event()

    def other():
        with autodiff.detect_anomaly():
            entered.set()
            done.wait(10)

    t, errors = _in_thread(other)
    entered.wait(10)
    x = autodiff.tensor([0.0], requires_grad=True)
    x.sqrt().sum().backward()  # this thread is not in anomaly mode: no error
    done.set()
    t.join()
    assert not errors and np.isinf(x.grad.data).all()


def test_two_threads_training_at_once_match_the_sequential_run():
    # (manual_seed is process-wide, as PyTorch's: models are built before the threads)
    expected = [_train(_build(1), 40, False), _train(_build(2), 40, True)]
    built = [_build(1), _build(2)]
    results = {}
    barrier = threading.Barrier(2)

    def worker(k, evaluate):
        barrier.wait(10)
        results[k] = _train(built[k], 40, evaluate)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so their steps interleave
    try:
        threads = [_in_thread(lambda: worker(0, False)), _in_thread(lambda: worker(1, True))]
        for t, _ in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    for _, errors in threads:
        assert not errors, errors
    for k in (0, 1):
        assert results[k][0] == expected[k][0]
        for a, b in zip(results[k][1], expected[k][1]):
            np.testing.assert_array_equal(a, b)


def _build(seed):
    rng = np.random.default_rng(seed)
    X = autodiff.tensor(rng.normal(size=(32, 4)), dtype=autodiff.float32)
    y = autodiff.tensor(rng.integers(0, 3, size=32))
    autodiff.manual_seed(seed)
    model = autodiff.nn.MLP(4, [16], 3)
    return X, y, model


def _train(built, steps, evaluate_each_step):
    """SGD steps on a built model; optionally evaluated under no_grad after each."""
    X, y, model = built
    opt = autodiff.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if evaluate_each_step:
            with autodiff.no_grad():
                assert model(X).grad_fn is None
    return losses, [p.data.copy() for p in model.parameters()]


# ------------------------------------------------------- 4. per-pass backward state
def test_autodiff_grad_inside_a_hook_over_shared_nodes_keeps_the_outer_pass():
    x = autodiff.tensor([0.3, -0.7, 1.1], dtype=np.float64, requires_grad=True)
    h = x * x  # shared by both passes
    y = h.sin()
    inner = {}

    def hook(g):
        with autodiff.enable_grad():  # (a hook runs with recording off, as in PyTorch)
            (inner["g"],) = autodiff.grad(h.sum(), x, retain_graph=True)
        return None

    y.register_hook(hook)
    y.sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.data, np.cos(x.data**2) * 2 * x.data)
    np.testing.assert_allclose(inner["g"].data, 2 * x.data)


def test_two_threads_backward_through_one_retained_graph():
    x = autodiff.tensor(np.linspace(-1, 1, 50), requires_grad=True)
    h = x
    for _ in range(200):
        h = (h * 0.9 + 0.05).tanh()
    out = h.sum()
    (expected,) = autodiff.grad(out, x, retain_graph=True)
    got = {}
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:

        def run(k):
            for i in range(5):
                got[k, i] = autodiff.grad(out, x, retain_graph=True)[0].data

        threads = [_in_thread(lambda k=k: run(k)) for k in range(2)]
        for t, _ in threads:
            t.join()
        for _, errors in threads:
            assert not errors, errors
    finally:
        sys.setswitchinterval(old)
    for g in got.values():
        np.testing.assert_array_equal(g, expected.data)


# -------------------------------------------------------------- 5. assigning .data
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
