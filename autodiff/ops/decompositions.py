"""Matrix decompositions: Cholesky, QR, the symmetric eigendecomposition and the
SVD, each a node whose VJP is written in ``xp`` (so second order follows), and the
ops PyTorch builds on them (solve_triangular, cholesky_solve/inverse, pinv, lstsq,
matrix_rank, svdvals, eigvalsh). Batched over leading dimensions, as PyTorch's.

A node has one output, so a decomposition's factors are packed into one array
(stacked along the rows) and taken apart by slicing, which is recorded: each
factor's gradient reaches the one VJP. The VJPs are the standard ones (Murray 2016
for Cholesky; Walter and Lehmann, and Liao et al. 2019, for QR; Giles 2008 for the
eigendecomposition; Townsend 2016 for the SVD); they assume distinct eigenvalues and
singular values, as PyTorch's do.
"""

from __future__ import annotations

import types
from collections import namedtuple

import numpy as np

import autodiff as ad

from .._typing import Number
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._helpers import _s, _t
from .linalg import LinAlgError, inverse, solve
from .xp import TS

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])


# ------------------------------------------------- what the VJPs need, two ways
def _diag_embed_np(d: np.ndarray) -> np.ndarray:
    out = np.zeros(d.shape + d.shape[-1:], d.dtype)
    i = np.arange(d.shape[-1])
    out[..., i, i] = d
    return out


_ARRAYS = types.SimpleNamespace(
    inv=np.linalg.inv,
    tril=np.tril,
    diagonal=lambda x: np.diagonal(x, 0, -2, -1),
    diag_embed=_diag_embed_np,
)
_TENSORS = types.SimpleNamespace(  # (autodiff's names exist once the package is imported)
    inv=inverse,
    tril=lambda x, k=0: ad.tril(x, k),
    diagonal=lambda x: ad.diagonal(x, 0, -2, -1),
    diag_embed=lambda d: ad.diag_embed(d),
)


def _fns(xp) -> types.SimpleNamespace:
    """The functions below on ndarrays (first order) or on recorded Tensors."""
    return _TENSORS if xp is TS else _ARRAYS


def _mT(x, xp):  # noqa: N802 - PyTorch's name for the matrix transpose
    return xp.swapaxes(x, -1, -2)


def _safe_reciprocal(x, xp, zero=None):
    """1 / x, and 0 where x is 0 (or where ``zero``, an ndarray mask, says so)."""
    mask = xp.data(x) == 0 if zero is None else zero | (xp.data(x) == 0)
    return xp.where(mask, 0.0, 1.0 / xp.where(mask, 1.0, x))


def _inverse_gaps(values, xp, squared: bool = False):
    """F_ij = 1 / (v_j - v_i) off the diagonal (of v**2 with ``squared``), 0 on it and
    where two values coincide: there the factors' gradient is undefined, and with
    these zeros a gradient of the values alone stays finite (as PyTorch's)."""
    v = values * values if squared else values
    diff = xp.expand_dims(v, -2) - xp.expand_dims(v, -1)
    n = xp.data(v).shape[-1]
    return _safe_reciprocal(diff, xp, zero=np.eye(n, dtype=bool))


def _eye(n: int, like) -> np.ndarray:
    return np.eye(n, dtype=like.dtype)


def _matrices(x, name: str) -> Tensor:
    a = _t(x, name, "A")
    if a.ndim < 2:
        raise RuntimeError(f"{name}: A must have at least 2 dimensions, got {a.ndim}-D")
    if a.data.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point tensor as input. Got {a.data.dtype}"
        )
    return a


def _square(x, name: str) -> Tensor:
    a = _matrices(x, name)
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{a.shape[-2]} by {a.shape[-1]} matrices"
        )
    return a


# ---------------------------------------------------------------- Cholesky
class CholeskyBackward(Node):
    name = "cholesky"
    saves = ("out",)

    @staticmethod
    def forward(a, attrs):
        try:
            return np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise LinAlgError(
                "linalg.cholesky: The factorization could not be completed because the "
                "input is not positive-definite."
            ) from None

    def vjp(self, g, xs, out, xp):
        # A = L L^T: gA = L^-T phi(L^T gL) L^-1, phi = lower triangle with half the
        # diagonal; symmetrised (only symmetric changes of A keep it a Cholesky input)
        f = _fns(xp)
        p = xp.matmul(_mT(out, xp), f.tril(g))
        phi = f.tril(p) - f.diag_embed(f.diagonal(p)) * 0.5
        inv = f.inv(out)
        ga = xp.matmul(xp.matmul(_mT(inv, xp), phi), inv)
        return ((ga + _mT(ga, xp)) * 0.5,)


def _spd(n: int, seed: int = 0, batch: tuple = ()) -> R.Arg:
    m = np.random.default_rng(seed).standard_normal(batch + (n, n))
    return R.Arg(m @ np.swapaxes(m, -1, -2) + n * np.eye(n))


def _symmetric(a: Tensor) -> Tensor:
    # the gradchecks' input: finite differences move one entry, which a symmetric
    # factorisation would read from one triangle only
    return (a + a.transpose(-2, -1)) * 0.5


@R.op(
    samples=lambda: [R.Sample((_spd(3),)), R.Sample((_spd(2, 1, (2,)),))],
    check=lambda a: cholesky(_symmetric(a)),
    method=True,
)
def cholesky(input: Tensor, upper: bool = False) -> Tensor:  # noqa: A002
    """The Cholesky factor of a symmetric positive-definite matrix: lower ``L`` with
    ``A = L @ L.mT`` (``upper=True``: ``U = L.mT``). Reads the lower triangle.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cholesky(autodiff.tensor([[4.0, 2.0], [2.0, 5.0]]))
    Tensor([[2., 0.],
            [1., 2.]])
    """
    low = apply1(CholeskyBackward, _square(input, "linalg.cholesky"))
    return low.transpose(-2, -1) if upper else low


# ------------------------------------------------------ symmetric eigenproblem
class EighBackward(Node):
    name = "eigh"
    saves = ("out",)

    @staticmethod
    def forward(a, attrs):
        w, v = np.linalg.eigh(a, UPLO=attrs)
        return np.concatenate([w[..., None, :], v], axis=-2)  # row 0: w; then V

    def vjp(self, g, xs, out, xp):
        # A = V diag(w) V^T: gA = V (diag(gw) + F * (V^T gV)) V^T, F_ij = 1/(w_j - w_i)
        f = _fns(xp)
        w, v = out[..., 0, :], out[..., 1:, :]
        gw, gv = g[..., 0, :], g[..., 1:, :]
        inner = xp.matmul(_mT(v, xp), gv) * _inverse_gaps(w, xp) + f.diag_embed(gw)
        ga = xp.matmul(xp.matmul(v, inner), _mT(v, xp))
        return ((ga + _mT(ga, xp)) * 0.5,)


def _spread(n: int, seed: int = 0, batch: tuple = ()) -> R.Arg:
    """A symmetric matrix with well-separated eigenvalues (1, 2, ..., n)."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal(batch + (n, n)))
    w = np.arange(1.0, n + 1.0)
    return R.Arg((q * w[..., None, :]) @ np.swapaxes(q, -1, -2))


def _eigh_invariants(a: Tensor) -> Tensor:
    w, v = eigh(_symmetric(a))
    return ad.cat([w.reshape(-1), (v * v).reshape(-1)])  # (each eigenvector's sign is free)


@R.op(
    samples=lambda: [R.Sample((_spread(3),)), R.Sample((_spread(2, 1, (2,)),))],
    check=_eigh_invariants,
    export=False,
)
def eigh(input: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803 - PyTorch's names
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, from
    its lower (``UPLO="L"``) or upper triangle: ``A = V @ diag(w) @ V.mT``. Each
    eigenvector's sign is arbitrary; gradients need distinct eigenvalues.

    Examples
    --------
    >>> import autodiff
    >>> w, V = autodiff.linalg.eigh(autodiff.tensor([[2.0, 1.0], [1.0, 2.0]]))
    >>> w
    Tensor([1., 3.])
    """
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    packed = apply1(EighBackward, _square(input, "linalg.eigh"), UPLO)
    return EighResult(packed[..., 0, :], packed[..., 1:, :])


@R.op(samples=lambda: [R.Sample((_spread(3),))], check=lambda a: eigvalsh(_symmetric(a)),
      export=False)
def eigvalsh(input: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of a symmetric matrix, ascending (see :func:`eigh`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.eigvalsh(autodiff.tensor([[2.0, 0.0], [0.0, 1.0]]))
    Tensor([1., 2.])
    """
    return eigh(input, UPLO).eigenvalues


# ---------------------------------------------------------------------- QR
class QrBackward(Node):
    name = "qr"
    saves = ("out",)

    @staticmethod
    def forward(a, attrs):
        q, r = np.linalg.qr(a, mode="reduced")  # (m >= n here: Q is m x n, R n x n)
        return np.concatenate([q, r], axis=-2)

    def vjp(self, g, xs, out, xp):
        # A = QR (m >= n): M = R gR^T - gQ^T Q; gA = (gQ + Q copyltu(M)) R^-T, where
        # copyltu(M) is the symmetric matrix with M's lower triangle
        f = _fns(xp)
        n = out.shape[-1]
        m = out.shape[-2] - n
        q, r = out[..., :m, :], out[..., m:, :]
        gq, gr = g[..., :m, :], g[..., m:, :]
        mm = xp.matmul(r, _mT(gr, xp)) - xp.matmul(_mT(gq, xp), q)
        low = f.tril(mm, -1)
        sym = low + _mT(low, xp) + f.diag_embed(f.diagonal(mm))
        ga = xp.matmul(gq + xp.matmul(q, sym), _mT(f.inv(r), xp))
        return (ga,)


def _general(*shape, seed: int = 0) -> R.Arg:
    a = np.random.default_rng(seed).standard_normal(shape)
    k = min(shape[-2:])
    a[..., :k, :k] += 2.0 * np.eye(k)  # (full rank, well away from ties)
    return R.Arg(a)


def _rectangular() -> list:
    """Tall, square, wide and batched samples."""
    return [
        R.Sample((_general(4, 3),)), R.Sample((_general(3, 3, seed=1),)),
        R.Sample((_general(2, 4, seed=2),)), R.Sample((_general(2, 3, 2, seed=3),)),
    ]


def _qr_parts(a: Tensor) -> Tensor:
    q, r = qr(a)
    return ad.cat([q.reshape(-1), r.reshape(-1)])


@R.op(
    samples=_rectangular,
    check=_qr_parts,
    name="linalg.qr",
    export=False,
)
def qr(A: Tensor, mode: str = "reduced") -> QRResult:  # noqa: N803
    """``Q`` with orthonormal columns and upper-triangular ``R`` with ``A = Q @ R``.
    ``mode="reduced"`` (Q: m x k, R: k x n, k = min(m, n)), ``"complete"`` (Q: m x m)
    or ``"r"`` (R only; Q is empty). The gradient of ``"complete"`` with m > n is
    not defined (as in PyTorch, which raises in backward; here it raises at the call
    when a gradient is needed).

    Examples
    --------
    >>> import autodiff
    >>> Q, R = autodiff.linalg.qr(autodiff.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> bool(((Q @ R) - autodiff.tensor([[3.0, 1.0], [4.0, 2.0]])).abs().max() < 1e-6)
    True
    """
    a = _matrices(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    m, n = a.shape[-2:]
    if mode == "complete" and m > n:
        if a.requires_grad and ad.is_grad_enabled():
            raise RuntimeError(
                "linalg.qr: the gradient of mode='complete' with more rows than columns is "
                "not defined; use mode='reduced', or call under no_grad"
            )
        q, r = np.linalg.qr(a.data, mode="complete")
        return QRResult(_make(q, None), _make(r, None))
    if m >= n:
        packed = apply1(QrBackward, a)
        q, r = packed[..., :m, :], packed[..., m:, :]
    else:  # A = [X | Y] with X square: Q R1 = X, R = [R1 | Q^T Y]
        q, r1 = qr(a[..., :, :m])
        r = ad.cat([r1, ad.matmul(q.transpose(-2, -1), a[..., :, m:])], -1)
    if mode == "r":
        return QRResult(_make(np.empty((0,), a.data.dtype), None), r)
    return QRResult(q, r)


# --------------------------------------------------------------------- SVD
class SvdBackward(Node):
    name = "svd"
    saves = ("out",)

    @staticmethod
    def forward(a, attrs):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        # rows: U (m x k), then S (1 x k), then V = Vh^T (n x k)
        return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)

    def vjp(self, g, xs, out, xp):
        # Townsend (2016), real case, k = min(m, n), F_ij = 1/(s_j^2 - s_i^2):
        # gA = U [(F*(U^T gU - gU^T U)) S + diag(gS) + S (F*(V^T gV - gV^T V))] V^T
        #      + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)
        f = _fns(xp)
        m = self.attrs  # (the rows of U; the rows of V follow S's)
        n = out.shape[-2] - m - 1
        u, s, v = out[..., :m, :], out[..., m, :], out[..., m + 1 :, :]
        gu, gs, gv = g[..., :m, :], g[..., m, :], g[..., m + 1 :, :]
        fmat = _inverse_gaps(s, xp, squared=True)
        ut_gu = xp.matmul(_mT(u, xp), gu)
        vt_gv = xp.matmul(_mT(v, xp), gv)
        j = fmat * (ut_gu - _mT(ut_gu, xp))
        kk = fmat * (vt_gv - _mT(vt_gv, xp))
        s_row, s_col = xp.expand_dims(s, -2), xp.expand_dims(s, -1)
        inner = j * s_row + f.diag_embed(gs) + s_col * kk
        ga = xp.matmul(xp.matmul(u, inner), _mT(v, xp))
        k = s.shape[-1]
        inv_s = xp.expand_dims(_safe_reciprocal(s, xp), -2)  # (0 for a zero singular value)
        if m > k:  # U's columns do not span the whole space
            gu_s = gu * inv_s
            ga = ga + xp.matmul(gu_s - xp.matmul(u, xp.matmul(_mT(u, xp), gu_s)), _mT(v, xp))
        if n > k:
            gv_s = gv * inv_s
            proj = gv_s - xp.matmul(v, xp.matmul(_mT(v, xp), gv_s))
            ga = ga + xp.matmul(u, _mT(proj, xp))
        return (ga,)


def _svd_invariants(a: Tensor) -> Tensor:
    u, s, vh = svd(a, full_matrices=False)
    # (each pair of singular vectors may flip its sign together)
    parts = [s, u * u, vh * vh, ad.matmul(u, vh)]
    return ad.cat([p.reshape(-1) for p in parts])


@R.op(
    samples=_rectangular,
    check=_svd_invariants,
    name="linalg.svd",
    export=False,
)
def svd(A: Tensor, full_matrices: bool = True) -> SVDResult:  # noqa: N803
    """``U``, ``S`` (descending) and ``Vh`` with ``A = U @ diag(S) @ Vh``. With
    ``full_matrices=True`` (PyTorch's default) U and Vh are square; gradients then
    need a square ``A`` or ``full_matrices=False`` (the extra columns are not
    determined by A). Each pair of singular vectors' sign is arbitrary; gradients
    need distinct singular values.

    Examples
    --------
    >>> import autodiff
    >>> U, S, Vh = autodiff.linalg.svd(autodiff.tensor([[3.0, 0.0], [0.0, -2.0]]))
    >>> S
    Tensor([3., 2.])
    """
    a = _matrices(A, "linalg.svd")
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        if a.requires_grad and ad.is_grad_enabled():
            raise RuntimeError(
                "linalg.svd: gradients with full_matrices=True need a square matrix (the "
                "extra singular vectors are not determined by A); pass full_matrices=False"
            )
        u, s, vh = np.linalg.svd(a.data, full_matrices=True)
        return SVDResult(_make(u, None), _make(s, None), _make(vh, None))
    packed = apply1(SvdBackward, a, m)
    u, s, v = packed[..., :m, :], packed[..., m, :], packed[..., m + 1 :, :]
    return SVDResult(u, s, v.transpose(-2, -1))


@R.op(samples=lambda: [R.Sample((_general(4, 3),)), R.Sample((_general(2, 3, 2, seed=3),))],
      export=False)
def svdvals(A: Tensor) -> Tensor:  # noqa: N803
    """The singular values, descending (see :func:`svd`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.svdvals(autodiff.tensor([[0.0, 2.0], [1.0, 0.0]]))
    Tensor([2., 1.])
    """
    return svd(A, full_matrices=False).S


# ------------------------------------------------------- built on the above
def _triangle(a: Tensor, upper: bool, unitriangular: bool) -> Tensor:
    t = ad.triu(a) if upper else ad.tril(a)
    if unitriangular:
        t = t - ad.diag_embed(ad.diagonal(t, 0, -2, -1)) + Tensor(_eye(a.shape[-1], a.data))
    return t


def _lower(n: int, seed: int = 0) -> R.Arg:
    a = np.tril(np.random.default_rng(seed).standard_normal((n, n)))
    return R.Arg(a + 2.0 * np.sign(np.diag(a) + 1e-3) * np.eye(n))


@R.op(
    samples=lambda: [
        _s(_lower(3), R.randn(3, 2, seed=1), upper=False),
        _s(R.Arg(_lower(3, 2).value.T), R.randn(2, 3, seed=3), upper=True, left=False),
    ],
    export=False,
)
def solve_triangular(
    input: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False,  # noqa: N803
) -> Tensor:
    """``X`` with ``A @ X = B`` (``X @ A = B`` for ``left=False``), reading only A's
    upper or lower triangle (its diagonal taken as ones with ``unitriangular``).

    Examples
    --------
    >>> import autodiff
    >>> A = autodiff.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> autodiff.linalg.solve_triangular(A, autodiff.tensor([[2.0], [3.0]]), upper=False)
    Tensor([[1.],
            [2.]])
    """
    a = _square(input, "linalg.solve_triangular")
    b = _t(B, "linalg.solve_triangular", "B")
    if b.ndim < 2:
        raise RuntimeError(
            "linalg.solve_triangular: B must have at least 2 dimensions (a matrix); "
            f"got {b.ndim}-D, use B.unsqueeze(-1) for a vector"
        )
    return solve(_triangle(a, upper, unitriangular), b, left=left)


@R.op(samples=lambda: [_s(R.randn(3, 2, seed=1), _lower(3))], method=True)
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """``X`` with ``A @ X = B``, given ``A``'s Cholesky factor (lower ``input2``, or upper
    with ``upper=True``).

    Examples
    --------
    >>> import autodiff
    >>> L = autodiff.cholesky(autodiff.tensor([[4.0, 2.0], [2.0, 5.0]]))
    >>> autodiff.cholesky_solve(autodiff.tensor([[6.0], [7.0]]), L)
    Tensor([[1.],
            [1.]])
    """
    low = _t(input2, "cholesky_solve", "L")
    if upper:
        low = low.transpose(-2, -1)
    y = solve_triangular(low, _t(input, "cholesky_solve", "B"), upper=False)
    return solve_triangular(low.transpose(-2, -1), y, upper=True)


@R.op(samples=lambda: [_s(_lower(3))], method=True)
def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """The inverse of ``A``, given its Cholesky factor (see :func:`cholesky_solve`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cholesky_inverse(autodiff.tensor([[2.0, 0.0], [0.0, 0.5]]))
    Tensor([[0.25, 0.  ],
            [0.  , 4.  ]])
    """
    low = _square(input, "cholesky_inverse")
    eye = Tensor(np.broadcast_to(_eye(low.shape[-1], low.data), low.shape).copy())
    return cholesky_solve(eye, low, upper)


def _tolerance(s: np.ndarray, m: int, n: int, atol, rtol) -> np.ndarray:
    """PyTorch's cutoff: max(atol, rtol * largest singular value); rtol defaults to
    max(m, n) * eps, or to 0 when a positive atol is given."""
    smax = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    if rtol is None:
        positive_atol = atol is not None and float(atol) > 0
        rtol = 0.0 if positive_atol else max(m, n) * np.finfo(s.dtype).eps
    return np.maximum(0.0 if atol is None else float(atol), float(rtol) * smax)


def _lower_symmetric(a: np.ndarray) -> np.ndarray:
    """The symmetric matrix of ``a``'s lower triangle (what ``hermitian=True`` reads)."""
    low = np.tril(a)
    return low + np.swapaxes(np.tril(a, -1), -1, -2)


class PinvBackward(Node):
    name = "pinv"
    saves = (0, "out")

    @staticmethod
    def forward(a, attrs):
        atol, rtol, hermitian = attrs
        if hermitian:
            a = _lower_symmetric(a)
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        keep = s > _tolerance(s, *a.shape[-2:], atol, rtol)
        inv_s = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0).astype(a.dtype)
        return np.swapaxes(vh, -1, -2) * inv_s[..., None, :] @ np.swapaxes(u, -1, -2)

    def vjp(self, g, xs, out, xp):
        # the derivative of the pseudo-inverse where the rank does not change (Golub
        # and Pereyra 1973): dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P,
        # finite even where singular values repeat or vanish (as PyTorch's)
        f = _fns(xp)
        a, p = xs[0], out
        hermitian = self.attrs[2]
        if hermitian:  # (the symmetric matrix of the lower triangle, as the forward)
            a = f.tril(a) + _mT(f.tril(a, -1), xp)
        pt, gt = _mT(p, xp), _mT(g, xp)
        m, n = xp.data(a).shape[-2:]
        eye_m, eye_n = _eye(m, xp.data(a)), _eye(n, xp.data(a))
        ga = -xp.matmul(xp.matmul(pt, g), pt)
        ga = ga + xp.matmul(xp.matmul(eye_m - xp.matmul(a, p), gt), xp.matmul(p, pt))
        ga = ga + xp.matmul(xp.matmul(xp.matmul(pt, p), gt), eye_n - xp.matmul(p, a))
        # (hermitian: the gradient as of a general matrix, as PyTorch's)
        return (ga,)


@R.op(samples=lambda: [_s(_general(4, 3)), _s(_general(2, 3, seed=2))], export=False)
def pinv(input: Tensor, *, atol: Number | None = None, rtol: Number | None = None,  # noqa: N803
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse, from the SVD: singular values at or below
    ``max(atol, rtol * largest)`` count as zero (rtol: max(m, n) * eps unless a
    positive atol is given). ``hermitian=True`` reads A's lower triangle as a
    symmetric matrix, as PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.pinv(autodiff.tensor([[2.0, 0.0], [0.0, 0.0]]))
    Tensor([[0.5, 0. ],
            [0. , 0. ]])
    """
    a = _square(input, "linalg.pinv") if hermitian else _matrices(input, "linalg.pinv")
    return apply1(PinvBackward, a, (atol, rtol, bool(hermitian)))


@R.op(samples=lambda: [_s(_general(4, 3))], method=True)
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:  # noqa: A002
    """:func:`pinv` with PyTorch's older argument: ``rcond`` relative to the largest
    singular value.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pinverse(autodiff.tensor([[4.0]]))
    Tensor([[0.25]])
    """
    return pinv(input, rtol=rcond)


@R.op(samples=lambda: [_s(_general(3, 3)), _s(R.Arg(np.ones((3, 2))))], export=False,
      differentiable=False)
def matrix_rank(input: Tensor, *, atol: Number | None = None, rtol: Number | None = None,  # noqa: N803
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * largest)`` (int64; the
    tolerances as :func:`pinv`'s, ``hermitian`` too).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.matrix_rank(autodiff.ones(3, 2))
    Tensor(1)
    """
    name = "linalg.matrix_rank"
    a = _square(input, name) if hermitian else _matrices(input, name)
    data = _lower_symmetric(a.data) if hermitian else a.data
    s = np.linalg.svd(data, compute_uv=False)
    return _make(np.sum(s > _tolerance(s, *a.shape[-2:], atol, rtol), axis=-1), None)


@R.op(samples=lambda: [_s(_general(4, 3), R.randn(4, 2, seed=1))],
      check=lambda a, b: lstsq(a, b).solution, export=False)
def lstsq(input: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None,  # noqa: N803
          ) -> LstsqResult:
    """The least-squares solution ``X`` of ``A @ X = B`` (the minimum-norm one when A
    is rank-deficient), via :func:`pinv`. As with PyTorch's default driver on the CPU
    (``"gelsy"``), ``residuals`` and ``singular_values`` are empty; ``rank`` is given.

    Examples
    --------
    >>> import autodiff
    >>> A = autodiff.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> autodiff.linalg.lstsq(A, autodiff.tensor([[1.0], [2.0], [3.0]])).solution
    Tensor([[1.],
            [2.]])
    """
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise ValueError(f"linalg.lstsq: driver must be None, 'gels', 'gelsy', 'gelsd' or "
                         f"'gelss', got {driver!r}")
    a = _matrices(input, "linalg.lstsq")
    b = _t(B, "linalg.lstsq", "B")
    vector = b.ndim == a.ndim - 1
    x = ad.matmul(pinv(a, rtol=rcond), b.unsqueeze(-1) if vector else b)
    empty = _make(np.empty((0,), a.data.dtype), None)
    return LstsqResult(x.squeeze(-1) if vector else x, empty,
                       matrix_rank(a, rtol=rcond), empty)


__all__ = [
    "EighResult", "LstsqResult", "QRResult", "SVDResult", "cholesky",
    "cholesky_inverse", "cholesky_solve", "eigh", "eigvalsh", "lstsq", "matrix_rank",
    "pinv", "pinverse", "qr", "solve_triangular", "svd", "svdvals",
]
