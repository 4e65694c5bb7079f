"""Edge values and gradients against PyTorch 2.13 (issue 15, point 6): each test runs
the same call in autodiff and in torch and compares values, dtypes and gradients, or
checks that both raise (and that autodiff's message names the problem)."""

# ruff: noqa: B023 - the loops' lambdas are called at once, inside their iteration
from __future__ import annotations

import warnings

import numpy as np
import pytest

import autodiff
import autodiff.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _both(fn_ad, fn_t, *values, dtype=np.float64, grad=True):
    """fn on autodiff and on torch leaves holding ``values``: (ad out, torch out,
    ad grads, torch grads), the gradients of out.sum()."""
    xa = [autodiff.tensor(np.array(v, dtype=dtype), requires_grad=grad) for v in values]
    xt = [torch.tensor(np.array(v, dtype=dtype), requires_grad=grad) for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ya, yt = fn_ad(*xa), fn_t(*xt)
        if grad:
            ya.sum().backward()
            yt.sum().backward()
    ga = [None if x.grad is None else x.grad.data for x in xa] if grad else []
    gt = [None if x.grad is None else x.grad.numpy() for x in xt] if grad else []
    return ya.data, yt.detach().numpy(), ga, gt


def _same(a, t, rtol=0.0, atol=0.0):
    a, t = np.asarray(a), np.asarray(t)
    assert a.dtype == t.dtype, (a.dtype, t.dtype)
    assert a.shape == t.shape, (a.shape, t.shape)
    np.testing.assert_allclose(a, t, rtol=rtol, atol=atol, equal_nan=True)


def _check(fn_ad, fn_t, *values, dtype=np.float64, rtol=0.0, atol=0.0):
    ya, yt, ga, gt = _both(fn_ad, fn_t, *values, dtype=dtype)
    _same(ya, yt, rtol, atol)
    for a, t in zip(ga, gt):
        _same(a, t, rtol, atol)


def _both_raise(fn_ad, fn_t, match):
    with pytest.raises(Exception):  # noqa: B017 - torch's own error types vary
        fn_t()
    with pytest.raises((TypeError, ValueError, IndexError, RuntimeError), match=match):
        fn_ad()


# --------------------------------------------------------------- pow, div, activations


def test_zero_pow_x_gradient_at_nonpositive_x():
    x = [-2.0, -1.0, -0.5, 0.0, 0.5, 2.0, np.nan]
    _check(lambda e: 0.0**e, lambda e: 0.0**e, x)
    _check(lambda a, e: a**e, lambda a, e: a**e, [0.0] * 7, x)


def test_pow_zero_exponent_at_inf():
    x = [np.inf, -np.inf, 0.0, 2.0, np.nan]
    _check(lambda a: a**0, lambda a: a**0, x)
    _check(lambda a, e: a**e, lambda a, e: a**e, x, [0.0] * 5)


def test_pow_exponent_gradient_at_zero_base():
    a = [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -2.0]
    b = [-1.0, -0.5, 0.0, 1.0, 2.5, 0.0, 0.5]
    _check(lambda a, b: a**b, lambda a, b: a**b, a, b)


@pytest.mark.parametrize("name", ["relu", "abs", "elu"])
def test_activations_at_nan(name):
    fa = {"relu": autodiff.relu, "abs": autodiff.abs, "elu": F.elu}
    ft = {"relu": torch.relu, "abs": torch.abs, "elu": TF.elu}
    for dtype in (np.float32, np.float64):
        rtol = 1e-6 if dtype == np.float32 else 1e-15  # (exp's last bit)
        _check(fa[name], ft[name], [np.nan, 1.0, -1.0, 0.0], dtype=dtype, rtol=rtol)


def test_div_gradient_for_tiny_and_huge_divisor():
    _check(lambda a, b: a / b, lambda a, b: a / b, [1e-30, 1e30], [1e-25, 1e25], dtype=np.float32)
    _check(lambda a, b: a / b, lambda a, b: a / b, [1e-300, 1e300], [1e-200, 1e200])


# --------------------------------------------------------------------- factories


def test_linspace_int_truncates_toward_zero():
    for args in [(5, -5, 20), (0, 10, 7), (-3.7, 2.2, 5), (-3.7, 2.2, 1), (7, -9, 33)]:
        for da, dt in [(autodiff.int32, torch.int32), (autodiff.int64, torch.int64)]:
            _same(autodiff.linspace(*args, dtype=da).data, torch.linspace(*args, dtype=dt).numpy())


# ------------------------------------------------------------------- bad indices


def test_gather_negative_or_out_of_range_index_raises():
    for bad in ([-1], [3], [0, -3]):
        _both_raise(
            lambda: autodiff.gather(autodiff.tensor([1.0, 2.0, 3.0]), 0, autodiff.tensor(bad)),
            lambda: torch.gather(torch.tensor([1.0, 2.0, 3.0]), 0, torch.tensor(bad)),
            r"index -?\d+ is out of bounds",
        )


def test_embedding_bad_index_or_padding_idx_raises():
    w = np.arange(6.0).reshape(3, 2)
    _both_raise(
        lambda: F.embedding(autodiff.tensor([-1]), autodiff.tensor(w)),
        lambda: TF.embedding(torch.tensor([-1]), torch.tensor(w)),
        r"index -1 is out of range",
    )
    for pad in (3, -4, 5):
        _both_raise(
            lambda: F.embedding(autodiff.tensor([0]), autodiff.tensor(w), padding_idx=pad),
            lambda: TF.embedding(torch.tensor([0]), torch.tensor(w), padding_idx=pad),
            rf"padding_idx {pad} is out of range",
        )
    # a negative padding_idx in range counts from the end, as in PyTorch
    idx = [2, 0, 2, 1]
    _check(
        lambda w: F.embedding(autodiff.tensor(idx), w, padding_idx=-1),
        lambda w: TF.embedding(torch.tensor(idx), w, padding_idx=-1),
        w,
    )


# ---------------------------------------------------------------- losses


_LOGITS = [[1.0, 2.0, 0.5], [-np.inf, 0.0, 1.0], [np.nan, np.nan, np.nan], [0.3, -np.inf, 2.0]]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_ignored_rows_with_inf_nan_logits(reduction):
    tgt = [0, -100, -100, 2]
    for weight in (None, [0.5, 2.0, 1.0]):
        wa = None if weight is None else autodiff.tensor(np.array(weight))
        wt = None if weight is None else torch.tensor(weight, dtype=torch.float64)
        _check(
            lambda x: F.cross_entropy(x, autodiff.tensor(tgt), weight=wa, reduction=reduction),
            lambda x: TF.cross_entropy(x, torch.tensor(tgt), weight=wt, reduction=reduction),
            _LOGITS,
            rtol=1e-12,
        )
        _check(
            lambda x: F.nll_loss(x, autodiff.tensor(tgt), weight=wa, reduction=reduction),
            lambda x: TF.nll_loss(x, torch.tensor(tgt), weight=wt, reduction=reduction),
            _LOGITS,
            rtol=1e-12,
        )


def test_cross_entropy_zero_total_weight():
    x = [[1.0, 2.0], [3.0, -4.0]]
    cases = [([-100, -100], None), ([0, 0], [0.0, 1.0]), ([0, -100], [0.0, 1.0])]
    for tgt, weight in cases:
        wa = None if weight is None else autodiff.tensor(np.array(weight))
        wt = None if weight is None else torch.tensor(weight, dtype=torch.float64)
        for fa, ft in [(F.cross_entropy, TF.cross_entropy), (F.nll_loss, TF.nll_loss)]:
            _check(
                lambda x: fa(x, autodiff.tensor(tgt), weight=wa),
                lambda x: ft(x, torch.tensor(tgt), weight=wt),
                x,
                rtol=1e-12,
            )


# ------------------------------------------------------------------- var / std


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_correction_at_least_n(name):
    for vals in ([1.0, 2.0, 4.0], [2.0, 2.0, 2.0], [-1.0, 0.0, 1.0]):
        for corr in (3, 4, 7):
            _check(
                lambda x: getattr(autodiff, name)(x, correction=corr).reshape(1),
                lambda x: getattr(torch, name)(x, correction=corr).reshape(1),
                vals,
            )
    _check(
        lambda x: getattr(autodiff, name)(x, dim=1, correction=3),
        lambda x: getattr(torch, name)(x, dim=1, correction=3),
        [[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]],
    )


@pytest.mark.parametrize("name", ["var", "std"])
def test_float32_var_std_of_huge_and_tiny_values(name):
    # (1e-20: a subnormal float32 variance, which squares taken in float32 lose)
    for scale in (1e20, 1e-25, 1e30, 1e-40, 1e-20, 3e-21):
        vals = np.array([1.0, 2.0, 3.0, 7.5]) * scale
        _check(
            lambda x: getattr(autodiff, name)(x).reshape(1),
            lambda x: getattr(torch, name)(x).reshape(1),
            vals,
            dtype=np.float32,
            rtol=2e-6,
        )
    # squares whose float32 sum overflows, though the variance (2.25e38) fits
    _check(
        lambda x: getattr(autodiff, name)(x).reshape(1),
        lambda x: getattr(torch, name)(x).reshape(1),
        [-1.3e19, 1.3e19, -1.3e19, 1.3e19],
        dtype=np.float32,
        rtol=2e-6,
    )


# ------------------------------------------------------------------- dtypes


def test_complex_input_rejected():
    for make in (
        lambda: autodiff.tensor(np.array([1 + 2j])),
        lambda: autodiff.Tensor(np.array([1 + 2j])),
        lambda: autodiff.tensor(np.complex128(1 + 2j)),
        lambda: autodiff.from_numpy(np.array([1j])),
        lambda: autodiff.tensor([1.0]) + np.array([1j]),
        lambda: autodiff.tensor(np.array([1 + 2j]), dtype=autodiff.float32),
    ):
        with pytest.raises(TypeError, match="complex"):
            make()


@pytest.mark.parametrize("name", ["softplus", "gelu", "elu", "leaky_relu"])
def test_integer_input_to_float_only_activation_raises(name):
    _both_raise(
        lambda: getattr(F, name)(autodiff.tensor([1, 2])),
        lambda: getattr(TF, name)(torch.tensor([1, 2])),
        rf"{name}: needs a floating-point tensor, got dtype int64",
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_integer_input_to_softmax_raises(name):
    _both_raise(
        lambda: getattr(F, name)(autodiff.tensor([1, 2]), dim=0),
        lambda: getattr(TF, name)(torch.tensor([1, 2]), dim=0),
        rf"{name}: needs a floating-point tensor",
    )
    # the ones PyTorch promotes still work
    _same(
        autodiff.sigmoid(autodiff.tensor([1, 2])).data, torch.sigmoid(torch.tensor([1, 2])).numpy()
    )


# ---------------------------------------------------------------- erf and gelu


def test_erf_double_precision():
    x = np.concatenate(
        [
            np.linspace(-8.0, 8.0, 40001),
            np.logspace(-300, 1.6, 3000),
            -np.logspace(-300, 1.6, 3000),
            [0.0, -0.0, 0.46875, -0.46875, 4.0, -4.0, 26.0, 30.0, np.inf, -np.inf, np.nan],
        ]
    )
    _check(autodiff.erf, torch.erf, x, rtol=2e-15, atol=1e-300)
    _check(autodiff.erf, torch.erf, x[::7], dtype=np.float32, rtol=5e-7, atol=1e-30)


def test_exact_gelu_double_precision():
    x = np.linspace(-8.0, 8.0, 20001)
    _check(F.gelu, TF.gelu, x, rtol=1e-13, atol=1e-15)


# -------------------------------------------------------- float64 Python numbers


def test_python_numbers_in_float64_not_rounded_to_float32():
    za = lambda: autodiff.zeros(2, dtype=autodiff.float64)  # noqa: E731
    zt = lambda: torch.zeros(2, dtype=torch.float64)  # noqa: E731
    _same(za().copy_(0.1).data, zt().copy_(0.1).numpy())
    _same(
        autodiff.full((2,), 0.1, dtype=autodiff.float64).data,
        torch.full((2,), 0.1, dtype=torch.float64).numpy(),
    )
    _same((za() + 0.1).data, (zt() + 0.1).numpy())
    _same((0.1 - za()).data, (0.1 - zt()).numpy())
    _same(za().fill_(0.1).data, zt().fill_(0.1).numpy())
    _same(za().clamp(min=0.1).data, zt().clamp(min=0.1).numpy())
    _same(za().clamp_(max=-0.1).data, zt().clamp_(max=-0.1).numpy())
    mask = [True, False]
    _same(
        za().masked_fill(autodiff.tensor(mask), 0.1).data,
        zt().masked_fill(torch.tensor(mask), 0.1).numpy(),
    )
    a, t = za(), zt()
    a[0], t[0] = 0.1, 0.1
    _same(a.data, t.numpy())
    _same(za().add_(0.1).data, zt().add_(0.1).numpy())
    _same(
        autodiff.where(autodiff.tensor(mask), za(), 0.1).data,
        torch.where(torch.tensor(mask), zt(), 0.1).numpy(),
    )


# ------------------------------------------------------------------- comparisons


def test_comparisons_follow_torch_promotion_with_0d_tensors():
    tensors = [
        np.array([16777217, 0, 1, -1]),
        np.array([16777217, 0, 1, -1], dtype=np.int32),
        np.array([0.1, 16777216, 0.5, -0.0], dtype=np.float32),
        np.array([0.1, 16777216, 0.5, 1 / 3]),
        np.array([True, False, True, True]),
        np.array(16777216.0, dtype=np.float32),
        np.array(0.1),
        np.array(16777217),
        np.array(0.5, dtype=np.float32),
        np.array(True),
    ]
    numbers = [0.5, 16777216.0, 16777217, 0.1, True, np.float64(0.1)]
    ops = ["__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"]
    for a in tensors:
        for b in tensors + numbers:
            for op in ops:
                bt = torch.tensor(b) if isinstance(b, np.ndarray) else b
                ba = autodiff.tensor(b) if isinstance(b, np.ndarray) else b
                want = getattr(torch.tensor(a), op)(bt).numpy()
                got = getattr(autodiff.tensor(a), op)(ba).data
                assert np.array_equal(got, want), (a, b, op, got, want)


# ---------------------------------------------------------------- dim arguments


@pytest.mark.parametrize(
    "name", ["sum", "mean", "softmax", "log_softmax", "max", "min", "argmax", "var", "logsumexp"]
)
@pytest.mark.parametrize("dim", [1.0, "a"])
def test_dim_of_wrong_type_raises_type_error(name, dim):
    x = [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(TypeError):
        getattr(torch, name)(torch.tensor(x), dim=dim)
    with pytest.raises(TypeError, match=r"dim must be an int"):
        getattr(autodiff, name)(autodiff.tensor(x), dim=dim)
    if name in ("sum", "mean", "var", "logsumexp"):  # a tuple with a bad entry too
        with pytest.raises(TypeError, match=r"dim must be an int"):
            getattr(autodiff, name)(autodiff.tensor(x), dim=(0, dim))


# ------------------------------------------------------------- empty reductions


def test_empty_reductions_match_torch():
    e2 = np.zeros((2, 0))
    _check(lambda x: autodiff.softmax(x, dim=1), lambda x: torch.softmax(x, 1), e2)
    _check(lambda x: autodiff.log_softmax(x, dim=0), lambda x: torch.log_softmax(x, 0), e2)
    _check(lambda x: autodiff.logsumexp(x, dim=1), lambda x: torch.logsumexp(x, 1), e2)
    _check(lambda x: autodiff.mean(x).reshape(1), lambda x: torch.mean(x).reshape(1), np.zeros(0))
    _check(lambda x: autodiff.mean(x, dim=1), lambda x: torch.mean(x, 1), e2)
    _check(lambda x: autodiff.var(x, dim=1), lambda x: torch.var(x, 1), e2)
    _check(lambda x: autodiff.sum(x, dim=1), lambda x: torch.sum(x, 1), e2)
    a, t = autodiff.max(autodiff.tensor(e2), dim=0), torch.max(torch.tensor(e2), dim=0)
    _same(a[0].data, t[0].numpy())
    _same(a[1].data, t[1].numpy())
    _same(
        autodiff.argmax(autodiff.tensor(np.zeros((0, 3))), dim=1).data,
        torch.argmax(torch.zeros(0, 3), dim=1).numpy(),
    )
    for fa, ft in [
        (
            lambda: autodiff.argmax(autodiff.tensor(np.zeros(0))),
            lambda: torch.argmax(torch.zeros(0)),
        ),
        (
            lambda: autodiff.argmin(autodiff.tensor(e2), dim=1),
            lambda: torch.argmin(torch.zeros(2, 0), 1),
        ),
        (lambda: autodiff.max(autodiff.tensor(np.zeros(0))), lambda: torch.max(torch.zeros(0))),
        (lambda: autodiff.max(autodiff.tensor(e2), dim=1), lambda: torch.max(torch.zeros(2, 0), 1)),
    ]:
        _both_raise(fa, ft, r"empty|size 0")
    # the same error types as PyTorch
    with pytest.raises(IndexError):
        autodiff.argmax(autodiff.tensor(np.zeros(0)))
    with pytest.raises(IndexError):
        autodiff.max(autodiff.tensor(e2), dim=1)
