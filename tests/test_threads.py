"""Thread safety: grad mode and anomaly mode are per thread, backward state per pass."""

import sys
import threading

import numpy as np

import autodiff
import autodiff.nn.functional as F


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


def test_many_threads_switching_modes_never_see_each_others_mode():
    # The hot paths ask "has any thread grad mode off?" (a set of thread ids, changed
    # without a lock) before reading their own thread's mode: switch modes from six
    # threads with a tiny switch interval and check every op records as its own
    # thread's mode says, and that the sets end empty.
    from autodiff.grad_mode import ALL_THREADS

    x = autodiff.ones(3, requires_grad=True)
    wrong = []

    def churn(seed):
        rng = np.random.default_rng(seed)
        for _ in range(300):
            mode = rng.integers(3)
            if mode == 0:
                with autodiff.no_grad():
                    if (x * 2).grad_fn is not None:
                        wrong.append("recorded under no_grad")
            elif mode == 1:
                with autodiff.no_grad(), autodiff.enable_grad():
                    if (x * 2).grad_fn is None:
                        wrong.append("not recorded under enable_grad")
            else:
                with autodiff.detect_anomaly():
                    if (x * 2).grad_fn is None:
                        wrong.append("not recorded in anomaly mode")

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        runs = [_in_thread(lambda s=s: churn(s)) for s in range(6)]
        for t, _ in runs:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not [e for _, errors in runs for e in errors]
    assert not wrong, wrong[:3]
    assert ALL_THREADS.off == set() and ALL_THREADS.anomalous == set()
    assert (x * 2).grad_fn is not None
