"""The decompositions (autodiff/ops/decompositions.py) against PyTorch: values and the
gradients of every input under a random upstream gradient (tests/_oracle.py). Factors
whose signs are arbitrary (eigenvectors, singular vectors) are compared through
sign-free functions of them; the registry gradchecks each op first and second order
(tests/test_ops_gradcheck.py)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import case as C  # noqa: E402
from _oracle import check, same_as_torch  # noqa: E402

import autodiff  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")
R = np.random.default_rng(29)


def rn(*shape, dtype=np.float64):
    return R.standard_normal(shape).astype(dtype)


def full_rank(*shape, dtype=np.float64):
    a = R.standard_normal(shape)
    k = min(shape[-2:])
    a[..., :k, :k] += 2.0 * np.eye(k)
    return a.astype(dtype)


def spd(M, a):
    n = a.shape[-1]
    return a @ a.mT + M.eye(n, dtype=a.dtype) * n


def sym(M, a):
    return (a + a.mT) * 0.5


def eigh_parts(M, a, **kw):
    w, v = M.linalg.eigh(sym(M, a), **kw)
    return M.cat([w.reshape(-1), (v * v).reshape(-1)])


def svd_parts(M, a):
    u, s, vh = M.linalg.svd(a, full_matrices=False)
    return M.cat([s.reshape(-1), (u * u).reshape(-1), (vh * vh).reshape(-1), (u @ vh).reshape(-1)])


def old_svd_parts(M, a):
    u, s, v = M.svd(a)
    return M.cat([s.reshape(-1), (u * u).reshape(-1), (u @ v.mT).reshape(-1)])


def qr_parts(M, a, mode="reduced"):
    q, r = M.linalg.qr(a, mode=mode)
    return M.cat([q.reshape(-1), r.reshape(-1)])


def lower(n, dtype=np.float64):
    a = np.tril(R.standard_normal((n, n))) + 3.0 * np.eye(n)
    return a.astype(dtype)


CASES = [
    C("cholesky", lambda M, a: M.linalg.cholesky(spd(M, a)), rn(4, 4)),
    C("cholesky-upper", lambda M, a: M.linalg.cholesky(spd(M, a), upper=True), rn(3, 3)),
    C("cholesky-batched", lambda M, a: M.linalg.cholesky(spd(M, a)), rn(2, 3, 3)),
    C("cholesky-float32", lambda M, a: M.linalg.cholesky(spd(M, a)), rn(3, 3, dtype=np.float32),
      tol=(1e-4, 1e-5)),
    C("cholesky-top-level", lambda M, a: M.cholesky(spd(M, a)), rn(3, 3)),
    C("cholesky-method", lambda M, a: spd(M, a).cholesky(), rn(3, 3)),
    C("eigh", eigh_parts, rn(4, 4)),
    C("eigh-upper", lambda M, a: eigh_parts(M, a, UPLO="U"), rn(3, 3)),
    C("eigh-batched", eigh_parts, rn(2, 3, 3)),
    C("eigvalsh", lambda M, a: M.linalg.eigvalsh(sym(M, a)), rn(4, 4)),
    C("qr-tall", qr_parts, full_rank(5, 3)),
    C("qr-square", qr_parts, full_rank(3, 3)),
    C("qr-wide", qr_parts, full_rank(2, 4)),
    C("qr-batched", qr_parts, full_rank(2, 4, 3)),
    C("qr-complete-square", lambda M, a: qr_parts(M, a, "complete"), full_rank(3, 3)),
    C("qr-complete-tall-values", lambda M, a: qr_parts(M, a, "complete"), full_rank(4, 2),
      grad=False),
    # (PyTorch refuses R's gradient in mode "r"; autodiff gives it, from the reduced QR)
    C("qr-r", lambda M, a: M.linalg.qr(a, mode="r")[1], full_rank(4, 3), grad=False),
    C("qr-top-level", lambda M, a: M.cat([t.reshape(-1) for t in M.qr(a)]), full_rank(4, 3)),
    C("svd-tall", svd_parts, full_rank(5, 3)),
    C("svd-square", svd_parts, full_rank(3, 3)),
    C("svd-wide", svd_parts, full_rank(2, 4)),
    C("svd-batched", svd_parts, full_rank(2, 4, 3)),
    C("svd-float32", svd_parts, full_rank(4, 3, dtype=np.float32), tol=(1e-4, 1e-5)),
    C("svd-full-values", lambda M, a: M.linalg.svd(a)[1], full_rank(4, 2), grad=False),
    C("svdvals", lambda M, a: M.linalg.svdvals(a), full_rank(4, 3)),
    C("svd-top-level", old_svd_parts, full_rank(4, 3)),
    C("solve_triangular-lower",
      lambda M, a, b: M.linalg.solve_triangular(a, b, upper=False), lower(3), rn(3, 2)),
    C("solve_triangular-upper-right",
      lambda M, a, b: M.linalg.solve_triangular(a.mT, b, upper=True, left=False),
      lower(3), rn(2, 3)),
    C("solve_triangular-unit",
      lambda M, a, b: M.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
      lower(3), rn(3, 2)),
    C("cholesky_solve", lambda M, b, a: M.cholesky_solve(b, M.linalg.cholesky(spd(M, a))),
      rn(3, 2), rn(3, 3)),
    C("cholesky_solve-upper",
      lambda M, b, a: M.cholesky_solve(b, M.linalg.cholesky(spd(M, a), upper=True), upper=True),
      rn(3, 2), rn(3, 3)),
    C("cholesky_inverse", lambda M, a: M.cholesky_inverse(M.linalg.cholesky(spd(M, a))),
      rn(3, 3)),
    C("pinv-tall", lambda M, a: M.linalg.pinv(a), full_rank(4, 3)),
    C("pinv-wide", lambda M, a: M.linalg.pinv(a), full_rank(2, 3)),
    # (rank-deficient, and with repeated singular values: PyTorch's gradients are finite)
    C("pinv-rank-deficient", lambda M, a: M.linalg.pinv(a), np.ones((3, 2))),
    C("pinv-identity", lambda M, a: M.linalg.pinv(a), np.eye(3)),
    C("pinv-hermitian", lambda M, a: M.linalg.pinv(a + a.mT, hermitian=True), rn(3, 3)),
    C("pinv-hermitian-reads-lower", lambda M, a: M.linalg.pinv(a, hermitian=True), rn(3, 3),
      grad=False),
    C("pinv-atol-0", lambda M, a: M.linalg.pinv(a, atol=0.0), np.diag([1.0, 1e-17, 1.0]),
      grad=False),
    C("matrix_rank-atol-0", lambda M, a: M.linalg.matrix_rank(a, atol=0.0),
      np.diag([1.0, 1e-17, 1.0]), grad=False),
    C("matrix_rank-hermitian", lambda M, a: M.linalg.matrix_rank(a, hermitian=True),
      np.array([[1.0, 2.0], [0.0, 1.0]]), grad=False),
    C("svdvals-repeated", lambda M, a: M.linalg.svdvals(a), np.eye(3)),
    C("eigvalsh-repeated", lambda M, a: M.linalg.eigvalsh(a), np.eye(3)),
    C("matrix_norm-nuc-rank-deficient", lambda M, a: M.linalg.matrix_norm(a, "nuc"),
      np.ones((4, 3))),
    C("lstsq-orthogonal", lambda M, a, b: M.linalg.lstsq(a, b).solution, np.eye(3), rn(3, 2)),
    C("svd-no-uv", lambda M, a: M.cat([t.reshape(-1) for t in M.svd(a, compute_uv=False)]),
      full_rank(5, 3)),
    C("pinverse", lambda M, a: M.pinverse(a), full_rank(4, 3)),
    C("lstsq", lambda M, a, b: M.linalg.lstsq(a, b).solution, full_rank(5, 3), rn(5, 2)),
    C("matrix_rank", lambda M, a: M.linalg.matrix_rank(a), np.ones((3, 2)), grad=False),
    C("matrix_rank-full", lambda M, a: M.linalg.matrix_rank(a), full_rank(3, 4), grad=False),
    C("matrix_norm-nuc", lambda M, a: M.linalg.matrix_norm(a, "nuc"), full_rank(4, 3)),
    C("matrix_norm-2", lambda M, a: M.linalg.matrix_norm(a, 2), full_rank(4, 3)),
    C("matrix_norm--2-batched", lambda M, a: M.linalg.matrix_norm(a, -2), full_rank(2, 3, 3)),
    C("matrix_norm-nuc-dims", lambda M, a: M.linalg.matrix_norm(a, "nuc", dim=(0, 2),
                                                                keepdim=True), rn(3, 2, 4)),
    C("norm-2-matrix", lambda M, a: M.linalg.norm(a, 2), full_rank(3, 3)),
    # the matrix exponential: small norms (no squaring), large ones (squared 3-5 times),
    # batches, float32, a nilpotent and an empty matrix, the method and linalg's name
    C("matrix_exp", lambda M, a: M.matrix_exp(a), rn(3, 3) * 0.3),
    C("matrix_exp-squared", lambda M, a: M.linalg.matrix_exp(a), rn(4, 4) * 8.0),
    C("matrix_exp-batched", lambda M, a: a.matrix_exp(), rn(2, 3, 3, 3)),
    C("matrix_exp-float32", lambda M, a: M.matrix_exp(a), rn(3, 3, dtype=np.float32)),
    C("matrix_exp-nilpotent", lambda M, a: M.matrix_exp(a), np.triu(rn(4, 4), 1)),
    C("matrix_exp-1x1", lambda M, a: M.matrix_exp(a), rn(5, 1, 1)),
    C("matrix_exp-empty", lambda M, a: M.matrix_exp(a), rn(2, 0, 0)),
    C("matrix_exp-a-non-finite-matrix", lambda M, a: M.matrix_exp(a),  # (the others unharmed)
      np.stack([np.diag([1.0, 2.0]), [[0.0, np.inf], [0.0, 0.0]], [[0.0, 30.0], [-30.0, 0.0]]]),
      grad=False),
    # LU: the compact factors and pivots, P L U, solves (each side, adjoint), unpacking
    C("lu_factor", lambda M, a: M.linalg.lu_factor(a).LU, rn(4, 4)),
    C("lu_factor-batched", lambda M, a: M.linalg.lu_factor(a).LU, rn(2, 3, 3)),
    C("lu_factor-pivots", lambda M, a: M.linalg.lu_factor(a).pivots, rn(2, 5, 5), grad=False),
    C("lu_factor-wide", lambda M, a: M.linalg.lu_factor(a).LU, rn(3, 5), grad=False),
    C("lu_factor-tall", lambda M, a: M.linalg.lu_factor(a).LU, rn(5, 3), grad=False),
    C("lu-P", lambda M, a: M.linalg.lu(a).P, rn(4, 4), grad=False),
    C("lu-L", lambda M, a: M.linalg.lu(a).L, rn(4, 4)),
    C("lu-U", lambda M, a: M.linalg.lu(a).U, rn(2, 3, 3)),
    C("lu_solve", lambda M, a, b: M.linalg.lu_solve(*M.linalg.lu_factor(a), b), rn(4, 4),
      rn(4, 2)),
    C("lu_solve-right", lambda M, a, b: M.linalg.lu_solve(*M.linalg.lu_factor(a), b,
                                                          left=False), rn(2, 3, 3), rn(2, 2, 3)),
    C("lu_solve-adjoint", lambda M, a, b: M.linalg.lu_solve(*M.linalg.lu_factor(a), b,
                                                            adjoint=True), rn(3, 3), rn(3, 1)),
    C("lu_solve-right-adjoint", lambda M, a, b: M.linalg.lu_solve(
        *M.linalg.lu_factor(a), b, left=False, adjoint=True), rn(3, 3), rn(2, 3)),
    C("lu_unpack", lambda M, a: M.lu_unpack(*M.linalg.lu_factor(a)).U, rn(3, 3)),
    C("lu-float32", lambda M, a: M.linalg.lu(a).L, rn(4, 4, dtype=np.float32)),
    # the condition number (PyTorch 2.13's own backward fails for the p's through inv:
    # values only there, and gradcheck below)
    C("cond", lambda M, a: M.linalg.cond(a), full_rank(2, 3, 3)),
    C("cond-2", lambda M, a: M.linalg.cond(a, 2), full_rank(3, 3)),
    C("cond--2", lambda M, a: M.linalg.cond(a, -2), full_rank(3, 3)),
    *[C(f"cond-{p}", lambda M, a, p=p: M.linalg.cond(a, p), full_rank(2, 3, 3), grad=False)
      for p in (1, -1, np.inf, -np.inf, "fro", "nuc")],
]


def _call(fn, M):
    return lambda *a: fn(M, *a)


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_same_as_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


@pytest.mark.parametrize(
    "fn,args",
    [
        pytest.param(lambda M, a: M.linalg.cholesky(a), (-np.eye(3),), id="cholesky-not-pd"),
        pytest.param(lambda M, a: M.linalg.cholesky(a), (rn(2, 3),), id="cholesky-not-square"),
        pytest.param(lambda M, a: M.linalg.eigh(a), (rn(3),), id="eigh-1d"),
        pytest.param(lambda M, a: M.linalg.svd(a), (rn(3),), id="svd-1d"),
        pytest.param(lambda M, a, b: M.linalg.solve_triangular(a, b, upper=False),
                     (lower(3), rn(3)), id="solve_triangular-vector"),
        pytest.param(lambda M, a: M.linalg.qr(a, mode="full"), (rn(3, 3),), id="qr-bad-mode"),
        pytest.param(lambda M, a: M.matrix_exp(a), (rn(2, 3),), id="matrix_exp-not-square"),
        pytest.param(lambda M, a: M.matrix_exp(a), (rn(3),), id="matrix_exp-1d"),
        pytest.param(lambda M, a: M.linalg.lu_factor(a), (rn(3),), id="lu_factor-1d"),
        pytest.param(lambda M, a, b: M.linalg.lu_solve(*M.linalg.lu_factor(a), b),
                     (rn(3, 3), rn(3)), id="lu_solve-vector"),
    ],
)
def test_same_error_as_torch(fn, args):
    assert check(_call(fn, autodiff), _call(fn, torch), *args, grad=False) == "raises"
    with pytest.raises(Exception) as ours:
        fn(autodiff, *[autodiff.tensor(a) for a in args])
    with pytest.raises(Exception) as theirs:
        fn(torch, *[torch.tensor(a) for a in args])
    # the same kind of error (torch's LinAlgError is a RuntimeError, as autodiff's)
    assert isinstance(ours.value, (RuntimeError, ValueError)) == isinstance(
        theirs.value, (RuntimeError, ValueError)
    ), (ours.value, theirs.value)


def test_a_gradient_needing_undetermined_factors_is_refused_at_the_call():
    a = autodiff.tensor(full_rank(4, 2), requires_grad=True)
    with pytest.raises(RuntimeError, match="full_matrices=False"):
        autodiff.linalg.svd(a)
    with pytest.raises(RuntimeError, match="mode='reduced'"):
        autodiff.linalg.qr(a, mode="complete")
    with autodiff.no_grad():
        assert autodiff.linalg.svd(a).U.shape == (4, 4)


@pytest.mark.parametrize("p", [1, -1, np.inf, "fro", "nuc"])
def test_cond_through_the_inverse_has_the_finite_difference_gradient(p):
    a = autodiff.tensor(full_rank(3, 3), requires_grad=True)
    assert autodiff.gradcheck(lambda x: autodiff.linalg.cond(x, p), (a,))
