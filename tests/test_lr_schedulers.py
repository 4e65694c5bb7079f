"""LambdaLR MultiStepLR LinearLR OneCycleLR CosineAnnealingWarmRestarts
SequentialLR against PyTorch: learning rates (and cycled momentum) step for
step over 50+ steps, several settings and param groups, state_dict round
trips, step(epoch), and errors."""

import warnings

import numpy as np
import pytest

import autodiff
from autodiff.optim import lr_scheduler as S

torch = pytest.importorskip("torch")
TS = torch.optim.lr_scheduler


class Halver:
    """A callable object (its state is saved by LambdaLR.state_dict)."""

    def __init__(self, base=0.5):
        self.base = base

    def __call__(self, epoch):
        return self.base ** (epoch // 7)


def _opts(opt_name="SGD", groups=2, **okw):
    lrs = [0.1, 0.05, 0.3][:groups]
    ours_p = [[autodiff.zeros(2, requires_grad=True)] for _ in lrs]
    theirs_p = [[torch.zeros(2, requires_grad=True)] for _ in lrs]
    ours = getattr(autodiff.optim, opt_name)(
        [{"params": p, "lr": lr} for p, lr in zip(ours_p, lrs)], lr=lrs[0], **okw
    )
    theirs = getattr(torch.optim, opt_name)(
        [{"params": p, "lr": lr} for p, lr in zip(theirs_p, lrs)], lr=lrs[0], **okw
    )
    return ours, theirs


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _assert_seq(a, b, what=""):
    np.testing.assert_allclose(
        np.array(a, float), np.array(b, float), rtol=1e-12, atol=1e-15, err_msg=what
    )


CASES = [
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e)),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1.0 / (e + 1), lambda e: (e % 5) + 1])),
    ("LambdaLR", dict(lr_lambda=Halver())),
    ("MultiStepLR", dict(milestones=[5, 12, 30])),
    ("MultiStepLR", dict(milestones=[3, 3, 10, 40], gamma=0.5)),
    ("MultiStepLR", dict(milestones=[], gamma=0.5)),
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=20)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=30)),
    ("LinearLR", dict(start_factor=0.5, end_factor=0.25, total_iters=7)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=1)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=60)),
    (
        "OneCycleLR",
        dict(
            max_lr=[1.0, 0.5],
            epochs=6,
            steps_per_epoch=10,
            pct_start=0.25,
            anneal_strategy="linear",
        ),
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.2, total_steps=55, three_phase=True, div_factor=10.0, final_div_factor=100.0),
    ),
    ("OneCycleLR", dict(max_lr=0.2, total_steps=51, cycle_momentum=False)),
    ("OneCycleLR", dict(max_lr=0.2, total_steps=50, base_momentum=[0.8, 0.7], max_momentum=0.99)),
    ("StepLR", dict(step_size=4, gamma=0.7)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=9, eta_min=0.01)),
]


def _run(ours_s, theirs_s, ours, theirs, steps=50):
    seq_o, seq_t = [ours_s.get_last_lr()], [theirs_s.get_last_lr()]
    mom_o, mom_t = [], []
    for _ in range(steps):
        ours.step()
        theirs.step()
        ours_s.step()
        theirs_s.step()
        seq_o.append(ours_s.get_last_lr())
        seq_t.append(theirs_s.get_last_lr())
        for o, t in zip(ours.param_groups, theirs.param_groups):
            for key in ("momentum", "betas"):
                if key in t:
                    mom_o.append(o[key])
                    mom_t.append(t[key])
        assert _lrs(ours) == seq_o[-1]
    return seq_o, seq_t, mom_o, mom_t


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("name,kw", CASES)
def test_sequence_matches_torch(name, kw, opt_name):
    okw = {"momentum": 0.9} if opt_name == "SGD" else {}
    ours, theirs = _opts(opt_name, **okw)
    ours_s = getattr(S, name)(ours, **kw)
    theirs_s = getattr(TS, name)(theirs, **kw)
    steps = min(50, kw.get("total_steps", 60) - 1) if name == "OneCycleLR" else 50
    seq_o, seq_t, mom_o, mom_t = _run(ours_s, theirs_s, ours, theirs, steps)
    _assert_seq(seq_o, seq_t, name)
    _assert_seq(
        [m if isinstance(m, float) else m[0] for m in mom_o],
        [m if isinstance(m, float) else m[0] for m in mom_t],
        "momentum",
    )
    assert ours_s.last_epoch == theirs_s.last_epoch


def test_one_cycle_runs_out():
    ours, theirs = _opts()
    s = S.OneCycleLR(ours, max_lr=1.0, total_steps=5)
    t = TS.OneCycleLR(theirs, max_lr=1.0, total_steps=5)
    for _ in range(5):
        ours.step()
        theirs.step()
        s.step()
        t.step()
    with pytest.raises(ValueError, match="tried to step 6 times.*total steps is 5"):
        s.step()


SEQUENTIAL = [
    (lambda m, o: [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, 0.9)], [5]),
    (
        lambda m, o: [
            m.LinearLR(o, start_factor=0.2, total_iters=4),
            m.CosineAnnealingLR(o, T_max=20, eta_min=0.001),
        ],
        [4],
    ),
    (
        lambda m, o: [m.ExponentialLR(o, 0.5), m.StepLR(o, 3, 0.5), m.MultiStepLR(o, [2, 30])],
        [3, 15],
    ),
    (lambda m, o: [m.LambdaLR(o, lambda e: 1 + e), m.CosineAnnealingWarmRestarts(o, T_0=4)], [6]),
    (lambda m, o: [m.LinearLR(o, 1.0, 1.0, 1), m.LinearLR(o, 0.5, 1.0, 10)], [0]),
    (lambda m, o: [m.StepLR(o, 2, 0.5)], []),
]


@pytest.mark.parametrize("case", range(len(SEQUENTIAL)))
def test_sequential_matches_torch(case):
    make, milestones = SEQUENTIAL[case]
    ours, theirs = _opts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_s = S.SequentialLR(ours, make(S, ours), milestones)
        theirs_s = TS.SequentialLR(theirs, make(TS, theirs), milestones)
        seq_o, seq_t, _, _ = _run(ours_s, theirs_s, ours, theirs, 50)
    _assert_seq(seq_o, seq_t, "SequentialLR")


@pytest.mark.parametrize("name,kw", CASES[:13] + CASES[18:])
def test_state_dict_round_trip(name, kw):
    """Save after 17 steps, restore into a fresh scheduler, continue: as without the break."""
    ours, theirs = _opts()
    s = getattr(S, name)(ours, **kw)
    t = getattr(TS, name)(theirs, **kw)
    for _ in range(17):
        ours.step()
        s.step()
        theirs.step()
        t.step()
    sd = s.state_dict()
    assert set(sd) >= {"last_epoch", "base_lrs", "_last_lr", "_step_count"}
    assert sd["last_epoch"] == t.state_dict()["last_epoch"] == 17
    opt_sd = ours.state_dict()
    ours2, _ = _opts()
    ours2.load_state_dict(opt_sd)
    s2 = getattr(S, name)(ours2, **kw)
    s2.load_state_dict(sd)
    for g, lr in zip(ours2.param_groups, s.get_last_lr()):
        g["lr"] = lr
    seq_o, seq_t, _, _ = _run(s2, t, ours2, theirs, 30)
    _assert_seq(seq_o, seq_t, name)


def test_lambda_state_dict_saves_callable_objects():
    ours, _ = _opts(groups=2)
    fn = Halver(0.25)
    s = S.LambdaLR(ours, [lambda e: 1.0, fn])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [None, {"base": 0.25}]
    fn.base = 0.9
    s.load_state_dict(sd)
    assert fn.base == 0.25
    assert "lr_lambdas" in sd  # (not consumed)


def test_sequential_state_dict():
    ours, theirs = _opts()
    s = S.SequentialLR(
        ours, [S.LinearLR(ours, 0.1, total_iters=3), S.ExponentialLR(ours, 0.8)], [3]
    )
    t = TS.SequentialLR(
        theirs, [TS.LinearLR(theirs, 0.1, total_iters=3), TS.ExponentialLR(theirs, 0.8)], [3]
    )
    for _ in range(5):
        ours.step()
        s.step()
        theirs.step()
        t.step()
    sd = s.state_dict()
    assert [d["last_epoch"] for d in sd["_schedulers"]] == [
        d["last_epoch"] for d in t.state_dict()["_schedulers"]
    ]
    ours2, _ = _opts()
    ours2.load_state_dict(ours.state_dict())
    s2 = S.SequentialLR(
        ours2, [S.LinearLR(ours2, 0.1, total_iters=3), S.ExponentialLR(ours2, 0.8)], [3]
    )
    s2.load_state_dict(sd)
    for g, lr in zip(ours2.param_groups, s.get_last_lr()):
        g["lr"] = lr
    seq_o, seq_t, _, _ = _run(s2, t, ours2, theirs, 20)
    _assert_seq(seq_o, seq_t)
    with pytest.raises(ValueError, match="scheduler states"):
        s2.load_state_dict({**sd, "_schedulers": []})


@pytest.mark.parametrize(
    "name,kw,epochs",
    [
        ("MultiStepLR", dict(milestones=[2, 5, 5]), [1, 3, 6, 4, 10]),
        ("LinearLR", dict(start_factor=0.2, total_iters=6), [2, 9, 3, 0]),
        ("StepLR", dict(step_size=3), [4, 7, 1]),
        ("CosineAnnealingWarmRestarts", dict(T_0=5, T_mult=2), [0.5, 3.25, 7.0, 16.0, 2, 40.5]),
        ("CosineAnnealingWarmRestarts", dict(T_0=5), [0.5, 6.5, 12]),
    ],
)
def test_step_with_epoch(name, kw, epochs):
    ours, theirs = _opts()
    s, t = getattr(S, name)(ours, **kw), getattr(TS, name)(theirs, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in epochs:
            ours.step()
            theirs.step()
            s.step(e)
            t.step(e)
            _assert_seq(s.get_last_lr(), t.get_last_lr(), f"{name} epoch {e}")
            assert s.last_epoch == t.last_epoch


def test_warm_restarts_interleaved_fractional_epochs():
    ours, theirs = _opts()
    s = S.CosineAnnealingWarmRestarts(ours, T_0=3, T_mult=2, eta_min=0.01)
    t = TS.CosineAnnealingWarmRestarts(theirs, T_0=3, T_mult=2, eta_min=0.01)
    for epoch in range(12):
        for i in range(4):
            s.step(epoch + i / 4)
            t.step(epoch + i / 4)
            _assert_seq(s.get_last_lr(), t.get_last_lr())
    with pytest.raises(ValueError, match="non-negative epoch"):
        s.step(-1)


def test_resume_with_last_epoch():
    ours, theirs = _opts()
    for o in (ours, theirs):
        for g in o.param_groups:
            g["initial_lr"] = g["lr"]
    s = S.MultiStepLR(ours, [3, 8], last_epoch=5)
    t = TS.MultiStepLR(theirs, [3, 8], last_epoch=5)
    seq_o, seq_t, _, _ = _run(s, t, ours, theirs, 10)
    _assert_seq(seq_o, seq_t)
    fresh, _ = _opts()
    with pytest.raises(KeyError, match="initial_lr"):
        S.LinearLR(fresh, last_epoch=3)


def test_errors():
    ours, _ = _opts()
    with pytest.raises(TypeError, match="Optimizer"):
        S.LambdaLR([], lambda e: 1.0)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        S.LambdaLR(ours, [lambda e: 1.0])
    with pytest.raises(TypeError, match="callable"):
        S.LambdaLR(ours, 0.5)
    with pytest.raises(ValueError, match="start_factor"):
        S.LinearLR(ours, start_factor=0.0)
    with pytest.raises(ValueError, match="end_factor"):
        S.LinearLR(ours, end_factor=1.5)
    with pytest.raises(ValueError, match="T_0"):
        S.CosineAnnealingWarmRestarts(ours, T_0=0)
    with pytest.raises(ValueError, match="T_mult"):
        S.CosineAnnealingWarmRestarts(ours, T_0=2, T_mult=0)
    with pytest.raises(ValueError, match="eta_min"):
        S.CosineAnnealingWarmRestarts(ours, T_0=2, eta_min="0")
    with pytest.raises(ValueError, match="total_steps or both epochs and steps_per_epoch"):
        S.OneCycleLR(ours, max_lr=1.0)
    with pytest.raises(ValueError, match="total_steps must be a positive int"):
        S.OneCycleLR(ours, max_lr=1.0, total_steps=0)
    with pytest.raises(ValueError, match="pct_start"):
        S.OneCycleLR(ours, max_lr=1.0, total_steps=10, pct_start=1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        S.OneCycleLR(ours, max_lr=1.0, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="one value per param group"):
        S.OneCycleLR(ours, max_lr=[1.0], total_steps=10)
    no_mom = autodiff.optim.Adagrad([autodiff.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="momentum or betas"):
        S.OneCycleLR(no_mom, max_lr=1.0, total_steps=10)
    S.OneCycleLR(no_mom, max_lr=1.0, total_steps=10, cycle_momentum=False)
    other, _ = _opts()
    a = S.StepLR(ours, 2)
    with pytest.raises(ValueError, match="same optimizer"):
        S.SequentialLR(ours, [a, S.StepLR(other, 2)], [2])
    with pytest.raises(ValueError, match="one milestone fewer"):
        S.SequentialLR(ours, [a], [2])
    with pytest.raises(ValueError, match="at least one"):
        S.SequentialLR(ours, [], [])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        S.SequentialLR(ours, [a, S.ReduceLROnPlateau(ours)], [2])
    with pytest.raises(TypeError, match="optimizer"):
        S.SequentialLR(ours, [a, object()], [2])


def test_exports():
    for name in (
        "LambdaLR",
        "MultiStepLR",
        "LinearLR",
        "OneCycleLR",
        "CosineAnnealingWarmRestarts",
        "SequentialLR",
    ):
        assert name in S.__all__
        assert issubclass(getattr(S, name), S.LRScheduler)
    assert autodiff.optim.lr_scheduler.OneCycleLR is S.OneCycleLR
