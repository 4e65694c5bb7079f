"""Functions of a matrix: the matrix exponential (``matrix_exp``).

The forward is scaling and squaring with the degree-13 Padé approximant (Higham 2005,
"The scaling and squaring method for the matrix exponential revisited"), computed in
float64. The VJP uses the block-triangular identity (Najfeld and Havel 1995)

    exp([[A^T, G], [0, A^T]]) = [[exp(A^T), L], [0, exp(A^T)]],   L = grad of <G, exp(A)>

so it is itself a matrix exponential, of a matrix twice the size, written in ``xp``:
recorded, it is differentiable again (second order follows).
"""

from __future__ import annotations

import numpy as np

from ..engine import Node, apply1
from ..tensor import Tensor
from . import registry as R
from ._helpers import _t
from .xp import TS

# Padé(13) coefficients b_0..b_13 and the largest 1-norm it serves unscaled (Higham 2005)
_B = (
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
    129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
    40840800.0, 960960.0, 16380.0, 182.0, 1.0,
)
_THETA13 = 5.371920351148152


def expm(a: np.ndarray) -> np.ndarray:
    """exp of each square matrix in ``a`` (..., n, n), in ``a``'s float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> expm(np.array([[0.0, 1.0], [0.0, 0.0]]))
    array([[1., 1.],
           [0., 1.]])
    """
    out_dtype = a.dtype
    a = a.astype(np.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.astype(out_dtype)
    # each matrix scaled by its own 2**-s (its 1-norm at most theta_13), then squared s times
    norms = np.abs(a).sum(axis=-2).max(axis=-1)
    finite = np.isfinite(norms)  # (a matrix with inf or NaN: NaN, the others unharmed)
    norms = np.where(finite, norms, 0.0)
    with np.errstate(divide="ignore"):
        s = np.ceil(np.log2(np.maximum(norms, 1e-300) / _THETA13))
    s = np.maximum(s, 0).astype(np.int64)
    a = np.where(finite[..., None, None], a, 0.0) / (2.0 ** s)[..., None, None]
    eye = np.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    b = _B
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for step in range(int(s.max(initial=0))):
        r = np.where((s > step)[..., None, None], r @ r, r)
    r = np.where(finite[..., None, None], r, np.nan)
    return r.astype(out_dtype)


class MatrixExpBackward(Node):
    name = "matrix_exp"
    saves = (0,)

    @staticmethod
    def forward(a, attrs):
        return expm(a)

    def vjp(self, g, xs, out, xp):
        a = xs[0]
        n = xp.data(a).shape[-1]
        a_t = xp.swapaxes(a, -1, -2)
        top = xp.concatenate([a_t, g], -1)
        bottom = xp.concatenate([xp.zeros_like(g), a_t], -1)
        block = xp.concatenate([top, bottom], -2)
        big = matrix_exp(block) if xp is TS else expm(block)
        return (big[..., :n, n:],)


def _samples() -> list:
    rng = np.random.default_rng(3)
    return [
        R.Sample((R.Arg(rng.standard_normal((3, 3)) * 0.5),)),
        R.Sample((R.Arg(rng.standard_normal((2, 2, 2))),), note="batched"),
        R.Sample((R.Arg(rng.standard_normal((3, 3)) * 4.0),), note="scaled and squared"),
    ]


@R.op(
    samples=_samples,
    method=True,
    ref=expm,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))),), error=RuntimeError, match="square"),
        R.ErrorInput((R.tensor(np.ones(3)),), error=RuntimeError, match="2 dimensions"),
    ],
)
def matrix_exp(input: Tensor) -> Tensor:  # noqa: N803 - PyTorch's name
    """The matrix exponential of each square matrix in ``input`` (..., n, n).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.matrix_exp(autodiff.tensor([[0.0, 1.0], [-1.0, 0.0]])).round(decimals=4)
    Tensor([[ 0.5403,  0.8415],
            [-0.8415,  0.5403]])
    """
    a = _t(input, "matrix_exp", "A")
    if a.ndim < 2:
        raise RuntimeError(f"matrix_exp: A must have at least 2 dimensions, got {a.ndim}-D")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"matrix_exp: A must be batches of square matrices, but they are "
            f"{a.shape[-2]} by {a.shape[-1]} matrices"
        )
    if a.data.dtype.kind != "f":
        raise RuntimeError(f"matrix_exp: expected a floating point tensor, got {a.data.dtype}")
    return apply1(MatrixExpBackward, a)
