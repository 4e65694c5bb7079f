"""Optimizers and learning-rate schedulers: update rules, groups, state dicts, errors.

The hand-computed references below are written element by element in plain
Python floats (float64), independently of the vectorised code under test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autodiff
from autodiff.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from autodiff.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    ReduceLROnPlateau,
    StepLR,
)

P0 = [1.0, -2.0, 0.5]
GRADS = [[0.5, 1.0, -3.0], [-0.25, 2.0, 0.75], [1.5, -0.5, 0.1], [0.3, 0.3, -2.0]]


def run(opt_cls, grads=GRADS, p0=P0, **kw):
    """Apply opt_cls to a float64 parameter with the given gradient sequence."""
    p = autodiff.tensor(p0, dtype=autodiff.float64, requires_grad=True)
    opt = opt_cls([p], **kw)
    for g in grads:
        p.grad = autodiff.tensor(g, dtype=autodiff.float64)
        opt.step()
    return p.data, opt


# ---------------------------------------------------------------- scalar references
def ref_sgd(p, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    buf = None
    for g in grads:
        g = g + weight_decay * p
        if momentum:
            buf = g if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
    return p


def ref_adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, amsgrad=False, decoupled=False):
    m = v = vmax = 0.0
    for t, g in enumerate(grads, 1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = max(vmax, v)
        m_hat = m / (1 - b1**t)
        v_hat = (vmax if amsgrad else v) / (1 - b2**t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


def ref_rmsprop(p, grads, lr, alpha=0.99, eps=1e-8, wd=0.0, momentum=0.0, centered=False):
    v = a = buf = 0.0
    for g in grads:
        g = g + wd * p
        v = alpha * v + (1 - alpha) * g * g
        a = alpha * a + (1 - alpha) * g
        d = math.sqrt(v - a * a if centered else v) + eps
        if momentum:
            buf = momentum * buf + g / d
            p = p - lr * buf
        else:
            p = p - lr * g / d
    return p


def ref_adagrad(p, grads, lr, lr_decay=0.0, wd=0.0, init=0.0, eps=1e-10):
    s = init
    for t, g in enumerate(grads, 1):
        g = g + wd * p
        s = s + g * g
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (math.sqrt(s) + eps)
    return p


def per_element(ref, **kw):
    cols = list(zip(*GRADS))
    return np.array([ref(p, list(gs), **kw) for p, gs in zip(P0, cols)])


# --------------------------------------------------------------------- update rules
def test_sgd_single_step_by_hand():
    p, _ = run(SGD, grads=[[0.5, 1.0, -3.0]], lr=0.1)
    np.testing.assert_allclose(p, [0.95, -2.1, 0.8], rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "kw",
    [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.1, momentum=0.9, dampening=0.3),
        dict(lr=0.05, momentum=0.8, nesterov=True),
        dict(lr=0.1, weight_decay=0.01),
        dict(lr=0.1, momentum=0.5, weight_decay=0.1, nesterov=True),
    ],
)
def test_sgd_matches_reference(kw):
    p, _ = run(SGD, **kw)
    np.testing.assert_allclose(p, per_element(ref_sgd, **kw), rtol=1e-12, atol=1e-14)


def test_adam_first_step_moves_by_lr_times_sign():
    # m_hat = g and v_hat = g*g on step 1, so the step is lr * g / (|g| + eps)
    p, opt = run(Adam, grads=[[0.5, 1.0, -3.0]], lr=0.01)
    np.testing.assert_allclose(p, [0.99, -2.01, 0.51], rtol=0, atol=1e-9)
    state = opt.state[opt.param_groups[0]["params"][0]]
    assert state["step"] == 1
    np.testing.assert_allclose(state["exp_avg"], [0.05, 0.1, -0.3], rtol=1e-12)
    np.testing.assert_allclose(state["exp_avg_sq"], [0.00025, 0.001, 0.009], rtol=1e-12)


@pytest.mark.parametrize(
    "cls, kw, ref_kw",
    [
        (Adam, dict(lr=0.01), dict(lr=0.01)),
        (Adam, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3), dict(lr=0.1, b1=0.8, b2=0.9, eps=1e-3)),
        (Adam, dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, wd=0.1)),
        (Adam, dict(lr=0.01, amsgrad=True), dict(lr=0.01, amsgrad=True)),
        (AdamW, dict(lr=0.01), dict(lr=0.01, wd=1e-2, decoupled=True)),
        (
            AdamW,
            dict(lr=0.1, weight_decay=0.5, amsgrad=True),
            dict(lr=0.1, wd=0.5, decoupled=True, amsgrad=True),
        ),
    ],
)
def test_adam_family_matches_reference(cls, kw, ref_kw):
    p, _ = run(cls, **kw)
    np.testing.assert_allclose(p, per_element(ref_adam, **ref_kw), rtol=1e-12, atol=1e-14)


def test_amsgrad_differs_from_adam_when_second_moment_shrinks():
    grads = [[5.0, 5.0, 5.0], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]]
    a, _ = run(Adam, grads=grads, lr=0.1, betas=(0.9, 0.5))
    b, _ = run(Adam, grads=grads, lr=0.1, betas=(0.9, 0.5), amsgrad=True)
    assert np.all(np.abs(a - b) > 1e-3)


def test_adamw_decay_is_decoupled_from_the_gradient():
    # zero gradient: Adam's L2 penalty moves p by ~lr, AdamW only shrinks it by lr*wd
    p, _ = run(AdamW, grads=[[0.0, 0.0, 0.0]], lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(p, np.array(P0) * 0.95, rtol=1e-12)
    q, _ = run(Adam, grads=[[0.0, 0.0, 0.0]], lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(q, np.array(P0) - 0.1 * np.sign(P0), rtol=1e-6)


@pytest.mark.parametrize(
    "kw, ref_kw",
    [
        (dict(lr=0.01), dict(lr=0.01)),
        (dict(lr=0.01, alpha=0.9, momentum=0.5), dict(lr=0.01, alpha=0.9, momentum=0.5)),
        (dict(lr=0.01, centered=True), dict(lr=0.01, centered=True)),
        (
            dict(lr=0.01, alpha=0.3, centered=True, momentum=0.9, weight_decay=0.1),
            dict(lr=0.01, alpha=0.3, centered=True, momentum=0.9, wd=0.1),
        ),
    ],
)
def test_rmsprop_matches_reference(kw, ref_kw):
    p, _ = run(RMSprop, **kw)
    np.testing.assert_allclose(p, per_element(ref_rmsprop, **ref_kw), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "kw, ref_kw",
    [
        (dict(lr=0.1), dict(lr=0.1)),
        (
            dict(lr=0.1, lr_decay=0.5, initial_accumulator_value=0.2),
            dict(lr=0.1, lr_decay=0.5, init=0.2),
        ),
        (dict(lr=0.1, weight_decay=0.3, eps=1e-3), dict(lr=0.1, wd=0.3, eps=1e-3)),
    ],
)
def test_adagrad_matches_reference(kw, ref_kw):
    p, _ = run(Adagrad, **kw)
    np.testing.assert_allclose(p, per_element(ref_adagrad, **ref_kw), rtol=1e-12, atol=1e-14)


def test_float32_parameters_stay_float32():
    for cls in (SGD, Adam, AdamW, RMSprop, Adagrad):
        p = autodiff.tensor(P0, requires_grad=True)
        opt = cls([p], lr=0.1, **({"momentum": 0.9} if cls is SGD else {}))
        p.grad = autodiff.tensor(GRADS[0])
        opt.step()
        assert p.dtype == np.float32, cls
        for v in opt.state[p].values():
            if isinstance(v, np.ndarray):
                assert v.dtype == np.float32, cls


# ------------------------------------------------------------------ step mechanics
def test_step_never_writes_into_the_gradient_array():
    for cls, kw in [
        (SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
        (Adam, dict(weight_decay=0.1)),
        (RMSprop, dict(weight_decay=0.1, centered=True, momentum=0.5)),
        (Adagrad, dict(weight_decay=0.1)),
    ]:
        p = autodiff.tensor(P0, requires_grad=True)
        shared = np.array(GRADS[0], dtype=np.float32)
        p.grad = autodiff.from_numpy(shared)
        opt = cls([p], **kw)
        opt.step()
        opt.step()
        np.testing.assert_array_equal(shared, np.array(GRADS[0], dtype=np.float32))


def test_sgd_momentum_buffer_does_not_alias_the_gradient():
    p = autodiff.tensor([1.0], requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = autodiff.tensor([1.0])
    opt.step()
    assert not np.shares_memory(opt.state[p]["momentum_buffer"], p.grad.data)


def test_parameters_without_grad_are_skipped_and_get_no_state():
    a = autodiff.ones(2, requires_grad=True)
    b = autodiff.ones(2, requires_grad=True)
    opt = Adam([a, b], lr=0.1)
    (a * 3.0).sum().backward()
    opt.step()
    assert b.tolist() == [1.0, 1.0] and b not in opt.state
    assert a.tolist() != [1.0, 1.0] and opt.state[a]["step"] == 1


def test_closure_is_evaluated_and_its_loss_returned():
    w = autodiff.tensor([2.0], requires_grad=True)
    opt = SGD([w], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    with autodiff.no_grad():  # step still enables grad for the closure
        loss = opt.step(closure)
    assert loss.item() == 4.0 and calls == [4.0]
    assert w.item() == 1.0  # 2 - 0.25 * 4


def test_zero_grad():
    w = autodiff.ones(3, requires_grad=True)
    opt = SGD([w], lr=0.1)
    w.sum().backward()
    old = w.grad.data
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0, 0.0]
    assert old.tolist() == [1.0, 1.0, 1.0]  # the old array was not zeroed in place
    opt.zero_grad()
    assert w.grad is None


def test_backward_through_a_graph_made_before_the_step_raises():
    w = autodiff.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([w], lr=0.1)
    (w * w).sum().backward()
    stale = (w * w).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        stale.backward()


def test_optimizer_minimises_a_quadratic():
    target = np.array([1.0, -3.0, 0.5], dtype=np.float32)
    for cls, kw in [
        (SGD, dict(lr=0.1, momentum=0.9)),
        (Adam, dict(lr=0.1)),
        (AdamW, dict(lr=0.1, weight_decay=0.0)),
        (RMSprop, dict(lr=0.03)),
        (Adagrad, dict(lr=0.5)),
    ]:
        w = autodiff.zeros(3, requires_grad=True)
        opt = cls([w], **kw)
        for _ in range(300):
            opt.zero_grad()
            ((w - autodiff.from_numpy(target)) ** 2).sum().backward()
            opt.step()
        np.testing.assert_allclose(w.data, target, atol=2e-2, err_msg=cls.__name__)


# -------------------------------------------------------------------- param groups
def test_param_groups_with_per_group_options():
    a = autodiff.tensor([1.0], requires_grad=True)
    b = autodiff.tensor([1.0], requires_grad=True)
    opt = SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[0]["momentum"] == 0.0 and opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b
    a.grad = autodiff.tensor([1.0])
    b.grad = autodiff.tensor([1.0])
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)
    assert "momentum_buffer" in opt.state[b] and "momentum_buffer" not in opt.state[a]


def test_add_param_group_and_its_errors():
    a = autodiff.ones(1, requires_grad=True)
    b = autodiff.ones(1, requires_grad=True)
    opt = Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="must have a 'params' entry"):
        opt.add_param_group({"lr": 0.1})
    with pytest.raises(ValueError, match="invalid beta parameter at index 1: 1.5"):
        opt.add_param_group({"params": [autodiff.ones(1, requires_grad=True)], "betas": (0.9, 1.5)})


def test_sgd_group_without_lr_and_no_default():
    a = autodiff.ones(1, requires_grad=True)
    with pytest.raises(
        ValueError, match="didn't specify a value of required optimization parameter lr"
    ):
        SGD([{"params": [a]}])


# --------------------------------------------------------------------------- errors
def test_construction_errors():
    w = autodiff.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        Adam(iter([]))
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor .*made by 'mul'"):
        SGD([w * 2.0], lr=0.1)
    # as PyTorch: a tensor that does not require grad is accepted and left alone
    frozen, live = autodiff.ones(2), autodiff.ones(2, requires_grad=True)
    opt = SGD([frozen, live], lr=0.1)
    (live * 3).sum().backward()
    opt.step()
    assert frozen.tolist() == [1.0, 1.0] and live.tolist() == pytest.approx([0.7, 0.7])
    with pytest.raises(
        TypeError,
        match="optimizer can only optimize Tensors, but one of the params is numpy.ndarray",
    ):
        SGD([np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="got a single Tensor; wrap it in a list"):
        SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        SGD({w}, lr=0.1)
    with pytest.raises(ValueError, match="contains the same parameter more than once"):
        SGD([w, w], lr=0.1)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda w: SGD([w], lr=-0.1), "invalid learning rate: -0.1"),
        (lambda w: Adam([w], lr=-1e-3), "invalid learning rate: -0.001"),
        (lambda w: SGD([w], lr=float("nan")), "invalid learning rate: nan"),
        (lambda w: SGD([w], lr=0.1, momentum=-0.5), "invalid momentum: -0.5"),
        (lambda w: SGD([w], lr=0.1, weight_decay=-1), "invalid weight_decay: -1"),
        (lambda w: SGD([w], lr=0.1, nesterov=True), "Nesterov momentum requires a momentum > 0"),
        (lambda w: SGD([w], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
        (
            lambda w: Adam([w], betas=(1.0, 0.999)),
            r"invalid beta parameter at index 0: 1.0; each beta must be in \[0, 1\)",
        ),
        (lambda w: Adam([w], betas=(0.9, -0.1)), "invalid beta parameter at index 1: -0.1"),
        (lambda w: AdamW([w], betas=(0.9,)), r"betas must be a pair \(beta1, beta2\)"),
        (lambda w: Adam([w], eps=-1e-8), "invalid eps: -1e-08"),
        (lambda w: RMSprop([w], alpha=-0.5), "invalid alpha: -0.5"),
        (lambda w: Adagrad([w], lr_decay=-1.0), "invalid lr_decay: -1.0"),
        (
            lambda w: Adagrad([w], initial_accumulator_value=-1.0),
            "invalid initial_accumulator_value",
        ),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make(autodiff.ones(2, requires_grad=True))


def test_lr_must_be_a_number():
    with pytest.raises(TypeError, match="learning rate must be a number .*got str"):
        SGD([autodiff.ones(1, requires_grad=True)], lr="0.1")


def test_gradient_of_the_wrong_shape():
    w = autodiff.ones(3, requires_grad=True)
    opt = SGD([w], lr=0.1)
    with pytest.raises(RuntimeError, match=r"assigned grad has shape \(2,\)"):
        w.grad = autodiff.ones(2)
    w.grad = autodiff.ones(3)
    w.grad.data = np.ones(2, dtype=np.float32)  # bypassing the check still fails clearly
    with pytest.raises(
        RuntimeError,
        match=r"gradient of a parameter has shape \(2,\) but the parameter has shape \(3,\)",
    ):
        opt.step()


# ---------------------------------------------------------------------- state dicts
@pytest.mark.parametrize(
    "cls, kw",
    [
        (SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
        (Adam, dict(lr=0.01, amsgrad=True)),
        (AdamW, dict(lr=0.01)),
        (RMSprop, dict(lr=0.01, centered=True, momentum=0.5)),
        (Adagrad, dict(lr=0.1, lr_decay=0.1)),
    ],
)
def test_state_dict_round_trip_continues_identically(cls, kw):
    def make():
        a = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        b = autodiff.tensor([0.5, -0.5], requires_grad=True)
        return a, b, cls([{"params": [a]}, {"params": [b], "lr": 0.02}], **kw)

    a, b, opt = make()
    rng = np.random.default_rng(0)
    grads = [(rng.standard_normal((2, 2)), rng.standard_normal(2)) for _ in range(6)]

    def step(a, b, opt, g):
        a.grad = autodiff.tensor(g[0].astype(np.float32))
        b.grad = autodiff.tensor(g[1].astype(np.float32))
        opt.step()

    for g in grads[:3]:
        step(a, b, opt, g)
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 1]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.02
    for v in sd["state"][0].values():
        assert isinstance(v, (autodiff.Tensor, int, float))

    a2, b2, opt2 = make()
    a2.data[...] = a.data
    b2.data[...] = b.data
    opt2.load_state_dict(sd)
    for g in grads[3:]:
        step(a, b, opt, g)
        step(a2, b2, opt2, g)
    np.testing.assert_array_equal(a.data, a2.data)
    np.testing.assert_array_equal(b.data, b2.data)


def test_state_dict_is_a_snapshot():
    w = autodiff.ones(2, requires_grad=True)
    opt = Adam([w], lr=0.1)
    w.grad = autodiff.ones(2)
    opt.step()
    sd = opt.state_dict()
    before = sd["state"][0]["exp_avg"].data.copy()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].data, before)
    opt2 = Adam([w], lr=0.1)
    opt2.load_state_dict(sd)
    sd["state"][0]["exp_avg"].data[...] = 99.0  # loading copied it
    assert opt2.state[w]["exp_avg"].max() < 1.0


def test_load_state_dict_errors():
    a = autodiff.ones(2, requires_grad=True)
    b = autodiff.ones(3, requires_grad=True)
    opt = Adam([a, b])
    a.grad, b.grad = autodiff.ones(2), autodiff.ones(3)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="has 1 parameter groups, this optimizer has 2"):
        Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(
        ValueError,
        match=r"parameter group \(0\) with 2 parameters, which doesn't match the size of the optimizer's group \(1\)",
    ):
        Adam([a]).load_state_dict(sd)
    with pytest.raises(
        ValueError,
        match=r"state 'exp_avg' of parameter 0 has shape \(2,\), but the parameter has shape \(3,\)",
    ):
        Adam([b, a]).load_state_dict(sd)
    with pytest.raises(ValueError, match="exactly the keys 'state' and 'param_groups'"):
        Adam([a, b]).load_state_dict({"state": {}})
    bad = {"state": {7: {}}, "param_groups": sd["param_groups"]}
    with pytest.raises(ValueError, match="refers to parameter 7, which no parameter group has"):
        Adam([a, b]).load_state_dict(bad)


def test_load_state_dict_casts_to_the_parameter_dtype():
    w = autodiff.ones(2, requires_grad=True)  # float32
    opt = Adam([w])
    sd = {
        "state": {0: {"step": 2, "exp_avg": np.ones(2), "exp_avg_sq": np.ones(2)}},
        "param_groups": [{**opt.param_groups[0], "params": [0]}],
    }
    sd["param_groups"][0].pop("params")
    sd["param_groups"][0]["params"] = [0]
    opt.load_state_dict(sd)
    assert opt.state[w]["exp_avg"].dtype == np.float32 and opt.state[w]["step"] == 2


# ------------------------------------------------------------------- schedulers
def _opt(lr=1.0):
    return SGD([autodiff.ones(1, requires_grad=True)], lr=lr)


def test_step_lr_and_exponential_lr_by_hand():
    opt = _opt(1.0)
    s = StepLR(opt, step_size=3, gamma=0.5)
    lrs = []
    for _ in range(7):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert opt.param_groups[0]["lr"] == 0.25 and opt.param_groups[0]["initial_lr"] == 1.0

    opt = _opt(2.0)
    s = ExponentialLR(opt, gamma=0.5)
    assert s.get_last_lr() == [2.0]
    for _ in range(3):
        opt.step()
        s.step()
    assert s.get_last_lr() == [0.25]


def test_cosine_annealing_follows_the_closed_form():
    opt = _opt(0.1)
    s = CosineAnnealingLR(opt, T_max=10, eta_min=0.01)
    for t in range(1, 11):
        opt.step()
        s.step()
        expected = 0.01 + (0.1 - 0.01) * (1 + math.cos(math.pi * t / 10)) / 2
        assert s.get_last_lr()[0] == pytest.approx(expected, rel=1e-9)


def test_reduce_lr_on_plateau_by_hand():
    opt = _opt(1.0)
    s = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, cooldown=1, min_lr=0.2)
    lrs = []
    for metric in [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]:
        s.step(autodiff.tensor(metric))
        lrs.append(s.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2]


def test_scheduler_errors_and_state_dict():
    with pytest.raises(TypeError, match="a scheduler needs an autodiff.optim.Optimizer, got list"):
        StepLR([], step_size=1)
    with pytest.raises(ValueError, match="step_size must be a positive int, got 0"):
        StepLR(_opt(), step_size=0)
    with pytest.raises(ValueError, match="factor must be < 1.0"):
        ReduceLROnPlateau(_opt(), factor=2.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        ReduceLROnPlateau(_opt(), mode="up")
    opt = _opt(1.0)
    s = StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert sd["last_epoch"] == 3 and "optimizer" not in sd
    opt2 = _opt(1.0)
    s2 = StepLR(opt2, step_size=2, gamma=0.1)
    s2.load_state_dict(sd)
    opt2.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
    opt.step()
    s.step()
    opt2.step()
    s2.step()
    assert s2.get_last_lr() == s.get_last_lr() == [pytest.approx(0.01)]
    with pytest.raises(ValueError, match=r"got unknown keys \['bogus'\]"):
        s2.load_state_dict({"bogus": 1})


# ------------------------------------------------------------ agreement with PyTorch
TORCH_CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.2, weight_decay=0.05)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, alpha=0.3, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize(
    "name, kw", TORCH_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TORCH_CASES)]
)
def test_matches_pytorch_over_five_steps(name, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w0 = [rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)]
    grads = [[rng.standard_normal(w.shape).astype(np.float32) for w in w0] for _ in range(5)]

    ours = [autodiff.tensor(w.copy(), requires_grad=True) for w in w0]
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in w0]
    opt_a = getattr(autodiff.optim, name)(ours, **kw)
    opt_t = getattr(torch.optim, name)(theirs, foreach=False, **kw)
    for gs in grads:
        for p, g in zip(ours, gs):
            p.grad = autodiff.tensor(g.copy())
        for p, g in zip(theirs, gs):
            p.grad = torch.tensor(g.copy())
        opt_a.step()
        opt_t.step()
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-6, atol=1e-6)
    # the state we keep is the state PyTorch keeps, under the same names
    sd_a, sd_t = opt_a.state_dict(), opt_t.state_dict()
    for i in sd_t["state"]:
        for k, v in sd_t["state"][i].items():
            ours_v = sd_a["state"][i][k]
            if k == "step":
                assert ours_v == float(v)
            else:
                np.testing.assert_allclose(ours_v.data, v.numpy(), rtol=1e-6, atol=1e-6)


SCHED_CASES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=4)),
]


@pytest.mark.parametrize("name, kw", SCHED_CASES)
def test_scheduler_matches_pytorch(name, kw):
    torch = pytest.importorskip("torch")
    ours = SGD([autodiff.ones(1, requires_grad=True)], lr=0.1)
    ours.add_param_group({"params": [autodiff.ones(1, requires_grad=True)], "lr": 0.03})
    tp = [torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)]
    theirs = torch.optim.SGD([{"params": [tp[0]]}, {"params": [tp[1]], "lr": 0.03}], lr=0.1)
    sa = getattr(autodiff.optim.lr_scheduler, name)(ours, **kw)
    st = getattr(torch.optim.lr_scheduler, name)(theirs, **kw)
    assert sa.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12)
    for _ in range(15):  # past T_max, where cosine annealing rises again
        ours.step()
        theirs.step()
        sa.step()
        st.step()
        assert sa.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-9, abs=1e-15)


def test_reduce_lr_on_plateau_matches_pytorch():
    torch = pytest.importorskip("torch")
    metrics = [1.0, 0.8, 0.8, 0.81, 0.79, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    for kw in [
        dict(patience=1),
        dict(mode="max", patience=0, factor=0.5, threshold=0.1, threshold_mode="abs"),
        dict(patience=1, cooldown=2, min_lr=[0.02, 0.001], factor=0.3),
    ]:
        ours = SGD([autodiff.ones(1, requires_grad=True)], lr=0.1)
        ours.add_param_group({"params": [autodiff.ones(1, requires_grad=True)], "lr": 0.03})
        theirs = torch.optim.SGD(
            [
                {"params": [torch.ones(1, requires_grad=True)]},
                {"params": [torch.ones(1, requires_grad=True)], "lr": 0.03},
            ],
            lr=0.1,
        )
        sa = ReduceLROnPlateau(ours, **kw)
        st = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kw)
        for m in metrics:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                st.step(m)
            sa.step(m)
            assert sa.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12), kw


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
# below the scratch path, one scratch block, and several blocks of the 4 MiB scratch
@pytest.mark.parametrize("n", [10, 30_000, 100_003, 1_100_003])
def test_blocked_update_is_bit_identical_to_p_minus_lr_g(dtype, n):
    # sub_/add_ with alpha and SGD go through a reused scratch buffer on big arrays
    # (no full-size temporary): the result must be exactly NumPy's p - lr * g
    from autodiff._update import scaled_inplace

    rng = np.random.default_rng(n)
    p0 = rng.standard_normal(n).astype(dtype).reshape(-1, 1)
    g = rng.standard_normal(n).astype(dtype).reshape(-1, 1)
    want_sub, want_add = p0 - 0.013 * g, p0 + 0.013 * g
    p = autodiff.tensor(p0.copy(), requires_grad=True)
    with autodiff.no_grad():
        p.sub_(autodiff.tensor(g), alpha=0.013)
    np.testing.assert_array_equal(p.data, want_sub)
    with autodiff.no_grad():
        p.copy_(autodiff.tensor(p0)).add_(autodiff.tensor(g), alpha=0.013)
    np.testing.assert_array_equal(p.data, want_add)
    q = autodiff.tensor(p0.copy(), requires_grad=True)
    q.grad = autodiff.tensor(g)
    autodiff.optim.SGD([q], lr=0.013).step()
    np.testing.assert_array_equal(q.data, want_sub)
    # declined (left to the ordinary path): a NumPy scalar alpha (it may promote),
    # a strided operand bigger than one scratch block, a small array
    t = p0.copy()
    assert not scaled_inplace(np.subtract, t, g, np.float64(0.5))
    strided_ok = scaled_inplace(np.subtract, t[::2], g[::2], 0.5)
    assert strided_ok == (120 * 1024 < t[::2].nbytes <= 4 * 1024 * 1024)
    if strided_ok:  # a strided one-block update is exact too
        np.testing.assert_array_equal(t[::2], p0[::2] - 0.5 * g[::2])
        np.testing.assert_array_equal(t[1::2], p0[1::2])
    t = p0.copy()
    assert scaled_inplace(np.subtract, t, g, 0.5) == (t.nbytes > 120 * 1024)


def test_blocked_update_keeps_the_read_only_error():
    big = autodiff.zeros(1).expand(100_000)  # a read-only broadcast view
    with autodiff.no_grad(), pytest.raises(RuntimeError, match="read-only"):
        big.sub_(autodiff.ones(100_000), alpha=0.5)


def test_blocked_update_with_overlapping_operands_is_exact():
    # x[1:] -= 0.5 * x[:-1] reads values the update writes: it must see the old ones
    x0 = np.random.default_rng(0).standard_normal(100_000)
    x = autodiff.tensor(x0.copy())
    want = x0.copy()
    want[1:] = x0[1:] - 0.5 * x0[:-1]
    with autodiff.no_grad():
        x[1:].sub_(x[:-1], alpha=0.5)
    np.testing.assert_array_equal(x.data, want)
    with autodiff.no_grad():  # the same array as both operands is fine block by block
        x.sub_(x, alpha=0.5)
    np.testing.assert_array_equal(x.data, want - 0.5 * want)


def test_in_place_ops_take_lists_and_say_why_bool_subtraction_fails():
    t = autodiff.tensor([1.0, 2.0])
    with autodiff.no_grad():
        t.add_([1.0, 2.0], alpha=2)  # a list is an array operand, not repeated
    np.testing.assert_array_equal(t.data, [3.0, 6.0])
    mask = autodiff.tensor([True, False])
    with autodiff.no_grad(), pytest.raises(TypeError, match="subtracting bool tensors"):
        mask.sub_(autodiff.tensor([True, True]))
