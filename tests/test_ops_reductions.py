"""Reductions (sum, mean, max, var/std, norm, softmax family): values and gradients at edge cases."""

import numpy as np
import pytest

import autodiff


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp"])
@pytest.mark.parametrize("dim", [0, -1])
def test_reductions_accept_dim_0_on_0d_tensor(name, dim):
    x = autodiff.tensor(2.0, requires_grad=True)
    out = getattr(autodiff, name)(x, dim=dim)
    assert out.shape == ()
    np.testing.assert_allclose(out.item(), 2.0)
    out.backward()
    assert x.grad.item() == 1.0


@pytest.mark.parametrize("op, expected", [("sum", 10.0), ("mean", 2.5), ("norm", 30**0.5)])
def test_reducing_over_dim_empty_tuple_reduces_everything(op, expected):
    x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.isclose(getattr(x, op)(dim=()).item(), expected)


def test_max_dim_on_empty_batch():
    values, indices = autodiff.zeros(0, 3).max(dim=1)
    assert values.shape == (0,) and indices.shape == (0,)


def test_max_with_a_nan_sends_the_gradient_to_the_nan():
    x = leaf([1.0, np.nan, 3.0])
    x.max().backward()  # once: ZeroDivisionError
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize(
    "fn",
    [
        lambda: autodiff.tensor([1.0]).var(),
        lambda: autodiff.tensor([1.0]).std(),
        lambda: autodiff.ones(3, 1).var(dim=1),
    ],
    ids=["var-1-element", "std-1-element", "var-dim-of-size-1"],
)
def test_var_std_of_single_element_is_nan(fn):
    out = fn()
    assert np.isnan(out.data).all()


def test_std_gradient_of_constant_input_is_zero():
    x = autodiff.ones(2, 4, dtype=autodiff.float64, requires_grad=True)
    x.std(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 4)))


def test_var_and_std_over_an_empty_dim_have_empty_gradients():
    for op in ("var", "std"):
        x = autodiff.zeros(0, 2, dtype=np.float64, requires_grad=True)
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
            getattr(x, op)(dim=0).sum().backward()
        assert x.grad.shape == (0, 2)


def test_inf_norm_over_a_dim_shares_ties():
    x = leaf([[3.0, -3.0, 1.0], [2.0, 0.0, -1.0]])
    x.norm(p=float("inf"), dim=1).sum().backward()
    assert x.grad.tolist() == [[0.5, -0.5, 0.0], [1.0, 0.0, -0.0]]
    assert x.norm(p=float("inf"), dim=(0, 1)).item() == 3.0  # once: a TypeError


def test_p_norm_of_zeros_has_zero_gradient():
    z = leaf([[0.0, 0.0], [1.0, 2.0]])
    z.norm(p=3, dim=1).sum().backward()  # once: NaN for the zero row
    row = np.array([1.0, 2.0])
    assert z.grad.numpy()[0].tolist() == [0.0, 0.0]
    assert np.allclose(z.grad.numpy()[1], row**2 / np.sum(row**3) ** (2 / 3))


def test_p_norm_below_one_has_zero_gradient_at_zero_elements():
    x = leaf([[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]])
    x.norm(p=0.5, dim=1).sum().backward()
    norm = (1.0 + 2.0**0.5) ** 2
    expected = [[0.0, 0.0, 0.0], [norm**0.5, -((norm / 2.0) ** 0.5), 0.0]]
    assert np.allclose(x.grad.numpy(), expected)  # once: NaN in the last place


def test_softmax_abs_sum_has_zero_gradient():
    x = autodiff.tensor([[1.0, -2.0, 3.0], [0.5, 0.1, -0.3]], requires_grad=True)
    autodiff.softmax(x, dim=1).abs().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0, atol=1e-6)


def test_stable_softmax_family_at_large_logits():
    x = autodiff.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    for fn in (
        lambda t: autodiff.softmax(t, dim=1)[0, 0],
        lambda t: autodiff.log_softmax(t, dim=1).sum(),
        lambda t: autodiff.logsumexp(t, dim=1).sum(),
    ):
        x.grad = None
        out = fn(x)
        assert np.isfinite(out.item())
        out.backward()
        assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(autodiff.logsumexp(x, dim=1).item(), 1000.0)


def test_max_with_dim_and_ties():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    vals, idx = x.max(dim=1)
    assert vals.tolist() == [3.0, 2.0] and idx.tolist() == [1, 0]
    vals.sum().backward()
    assert x.grad.tolist() == [[0, 1, 0], [1, 0, 0]]
    x.grad = None
    x.max().backward()  # ties over all elements share the gradient
    assert x.grad.tolist() == [[0, 0.5, 0.5], [0, 0, 0]]


def test_norm_allclose_isclose_equal():
    v = leaf([3.0, 4.0])
    n = v.norm()
    assert n.item() == 5.0
    n.backward()
    np.testing.assert_allclose(v.grad.numpy(), [0.6, 0.8])
    z = leaf([0.0, 0.0])
    z.norm().backward()
    assert z.grad.tolist() == [0.0, 0.0]  # as PyTorch: no NaN at the zero vector
    m = autodiff.tensor([[3.0, -4.0], [1.0, 1.0]])
    assert m.norm(p=1, dim=1).tolist() == [7.0, 2.0]
    assert m.norm(p=float("inf")).item() == 4.0
    assert autodiff.allclose(m, m + 1e-9) and not autodiff.allclose(m, m + 1)
    assert autodiff.isclose(m, m).all() and autodiff.equal(m, m.clone())
