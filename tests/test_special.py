"""autodiff.special against torch.special (values and gradients, tails included), and
erfc's upper tail (it was 1 - erf)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import case as C  # noqa: E402
from _oracle import same_as_torch  # noqa: E402

import autodiff  # noqa: E402

R = np.random.default_rng(31)
X = R.standard_normal(8) * 3
TAILS = np.array([-60.0, -38.0, -36.9, -20.0, -8.0, -5.0, -1.0, 0.0, 3.0, 10.0, 40.0])
POSITIVE = np.abs(X) + 0.1
PROBS = R.uniform(0.01, 0.99, 8)
BESSEL = np.array([-50.0, -20.5, -19.5, -3.0, -1e-3, 0.0, 0.7, 5.0, 19.99, 20.01, 100.0])


def _s(name, *args, **kwargs):
    return lambda M, *a: getattr(M.special, name)(*a, *args, **kwargs)


CASES = [
    C("ndtr", _s("ndtr"), X),
    C("ndtr-tails", _s("ndtr"), TAILS),
    C("log_ndtr", _s("log_ndtr"), X),
    C("log_ndtr-tails", _s("log_ndtr"), TAILS),
    C("ndtri", _s("ndtri"), PROBS),
    C("entr", _s("entr"), POSITIVE),
    C("entr-zero-and-negative", _s("entr"), np.array([0.0, -1.0, 2.0]), grad=False),
    C("xlog1py", _s("xlog1py"), X, np.abs(X)),
    C("xlog1py-zero-x", _s("xlog1py"), np.array([0.0, 0.0, 2.0]), np.array([-1.0, 3.0, 1.0]),
      grad=False),
    C("expit", _s("expit"), X),
    C("gammaln", _s("gammaln"), POSITIVE),
    C("psi", _s("psi"), POSITIVE),
    C("multigammaln", _s("multigammaln", 3), POSITIVE + 2),
    C("erfc", _s("erfc"), TAILS),
    C("erfc-float32", _s("erfc"), TAILS.astype(np.float32)),
    C("erfc-top-level", lambda M, a: M.erfc(a), np.array([5.0, 8.0, 10.0, -3.0])),
    C("logit", _s("logit"), PROBS),
    C("softmax", _s("softmax", 0), X),
    C("log_softmax", _s("log_softmax", 0), X),
    C("logsumexp", _s("logsumexp", 0), X),
    # modified Bessel functions: both sides of the series/asymptotic switch at 20, 0
    *[C(f"{name}{tag}", _s(name), values, grad=grad)
      for name in ("i0", "i0e", "i1", "i1e")
      for tag, values, grad in (("", X, True), ("-wide", BESSEL, True),
                                ("-huge", np.array([-800.0, 700.0, 710.0, 1e4]), False),
                                ("-float32", BESSEL.astype(np.float32), True))],
    C("i0-top-level-and-method", lambda M, a: M.i0(a) + a.i0(), X),
]


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_special_matches_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


def test_erfc_keeps_the_upper_tail():
    # 1 - erf(8) is 0 in float64; erfc(8) is 1.1e-29, and its gradient -2/sqrt(pi) e^-64
    x = autodiff.tensor([5.0, 8.0, 20.0], dtype=autodiff.float64, requires_grad=True)
    y = autodiff.erfc(x)
    np.testing.assert_allclose(y.detach().numpy(), [1.5374597944280349e-12,
                                                    1.1224297172982927e-29,
                                                    5.3958656116079e-176], rtol=1e-14)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -2 / np.sqrt(np.pi) * np.exp(-x.detach().numpy()
                                                                              ** 2), rtol=1e-14)


def test_every_name_is_pytorchs():
    names = set(autodiff.special.__all__)
    assert names <= set(dir(torch.special)), names - set(dir(torch.special))


def test_bessel_functions_at_infinity_are_their_limits():
    # PyTorch 2.13's i0 and i1 give NaN at +-inf (porting row 16); the limits are +-inf,
    # and the scaled functions' 0
    x = autodiff.tensor([-np.inf, np.inf], dtype=autodiff.float64)
    assert autodiff.special.i0(x).tolist() == [np.inf, np.inf]
    assert autodiff.special.i1(x).tolist() == [-np.inf, np.inf]
    assert autodiff.special.i0e(x).tolist() == [0.0, 0.0]
    assert autodiff.special.i1e(x).tolist() == [0.0, 0.0]


GAMMA_A = np.array([0.5, 1.0, 2.5, 4.0, 10.0, 30.0, 45.6, 100.0])
GAMMA_X = np.array([0.2, 3.0, 2.0, 6.5, 9.0, 20.0, 48.2, 105.0])


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_matches_torch(name):
    # PyTorch 2.13's own values are off by up to ~1e-9 relative for large a (checked
    # against mpmath below): compared to 1e-8 here; the gradient (in x) to 1e-12
    results = []
    for lib in (autodiff, torch):
        x = lib.tensor(GAMMA_X, requires_grad=True)
        out = getattr(lib.special, name)(lib.tensor(GAMMA_A), x)
        out.sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-8)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)
    assert autodiff.igamma(1, 2.0).dtype == autodiff.float32  # (numbers: the default float)


def test_incomplete_gamma_to_double_precision():
    mpmath = pytest.importorskip("mpmath")  # (PyTorch's sympy brings it)
    mpmath.mp.dps = 40
    for a, x in zip(GAMMA_A, GAMMA_X):
        lower = float(mpmath.gammainc(a, 0, x, regularized=True))
        upper = float(mpmath.gammainc(a, x, mpmath.inf, regularized=True))
        t = (autodiff.tensor([a], dtype=autodiff.float64), autodiff.tensor([x], dtype=autodiff.float64))
        assert abs(autodiff.igamma(*t).item() - lower) <= 1e-13 * lower
        assert abs(autodiff.igammac(*t).item() - upper) <= 1e-13 * upper


def test_incomplete_gamma_edges_and_the_refused_gradient():
    a = autodiff.tensor([0.0, 1.0, 1.0, -1.0, 1.0, np.inf], dtype=autodiff.float64)
    x = autodiff.tensor([1.0, 0.0, np.inf, 1.0, -1.0, 1.0], dtype=autodiff.float64)
    ours = autodiff.igamma(a, x).numpy()
    theirs = torch.igamma(torch.tensor(a.numpy()), torch.tensor(x.numpy())).numpy()
    np.testing.assert_array_equal(ours, theirs)  # (NaN where a or x is negative, as PyTorch)
    a = autodiff.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative with respect to its first argument"):
        autodiff.igamma(a, autodiff.tensor([1.0])).sum().backward()
