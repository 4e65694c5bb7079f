"""The differential harness behind tests/test_torch_oracle.py.

``check(ad_fn, th_fn, *args)`` runs the same computation in autodiff and in
PyTorch on the same inputs (NumPy arrays become tensors on both sides; every
other argument is passed through unchanged) and compares:

- raising: where torch raises, autodiff must raise too, and not with a raw
  NumPy error; where autodiff raises and torch does not, that is a failure;
- the outputs' dtypes (NumPy <-> torch), shapes and values (NaNs in the same
  places, infinities with the same sign, finite values within a tolerance
  suited to the dtype);
- the gradients: backward from the first floating output with the same
  random upstream gradient on both sides, then every floating input's
  ``.grad`` (``None`` counts as zeros).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

import autodiff

NP_OF_TORCH = {
    torch.float16: np.dtype(np.float16),
    torch.float32: np.dtype(np.float32),
    torch.float64: np.dtype(np.float64),
    torch.int8: np.dtype(np.int8),
    torch.uint8: np.dtype(np.uint8),
    torch.int16: np.dtype(np.int16),
    torch.int32: np.dtype(np.int32),
    torch.int64: np.dtype(np.int64),
    torch.bool: np.dtype(np.bool_),
}

# (rtol, atol) per dtype: float64 tight, float32 about 1e-5 relative
TOL = {
    np.dtype(np.float64): (1e-9, 1e-12),
    np.dtype(np.float32): (1e-5, 1e-6),
    np.dtype(np.float16): (1e-3, 1e-3),
}

# what a raw NumPy error looks like (autodiff should say something of its own)
NUMPY_INTERNAL = re.compile(
    r"ufunc|operands could not be broadcast|numpy|for array of dimension|"
    r"cannot reshape array of size|is out of bounds for axis|"
    r"only integers, slices|zero-size array to reduction|"
    r"axes don't match array|input operand has more dimensions|"
    r"all the input array dimensions|Cannot cast array data|"
    r"not supported for the input types|setting an array element with a sequence|"
    r"object of type .* has no len|unhashable type|'NoneType' object|"
    r"has no attribute",
    re.I,
)


class Mismatch(AssertionError):
    pass


def _is_float(x) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


class NoGrad:
    """An array argument that is a tensor on both sides but never requires grad
    (weights of a loss, running statistics, pos_weight)."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a


def to_ad(x, grad: bool):
    if isinstance(x, NoGrad):
        return autodiff.tensor(x.a.copy())
    if isinstance(x, np.ndarray):
        return autodiff.tensor(x.copy(), requires_grad=grad and x.dtype.kind == "f")
    if isinstance(x, (list, tuple)) and x and all(isinstance(e, np.ndarray) for e in x):
        return type(x)(to_ad(e, grad) for e in x)
    return x


def to_th(x, grad: bool):
    if isinstance(x, NoGrad):
        return torch.from_numpy(x.a.copy())
    if isinstance(x, np.ndarray):
        t = torch.from_numpy(x.copy())
        if grad and x.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    if isinstance(x, (list, tuple)) and x and all(isinstance(e, np.ndarray) for e in x):
        return type(x)(to_th(e, grad) for e in x)
    return x


def leaves(args):
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(leaves(a))
        elif isinstance(a, (autodiff.Tensor, torch.Tensor)):
            out.append(a)
    return out


def _run(fn, args):
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args), None
    except Exception as e:  # noqa: BLE001 - any exception is a valid "raises"
        return None, e


def assert_not_numpy_internal(e: BaseException, what: str) -> None:
    mod = type(e).__module__ or ""
    msg = f"{type(e).__name__}: {e}"
    # autodiff may quote NumPy's detail after its own words; a message that
    # opens with NumPy's phrasing is NumPy's own
    if mod.startswith("numpy") or NUMPY_INTERNAL.match(str(e)[:40]) or (
        NUMPY_INTERNAL.search(str(e)[:40])
    ):
        raise Mismatch(f"{what}: autodiff raised a raw NumPy-level error: {msg}")


def close(a: np.ndarray, t: np.ndarray, rtol: float, atol: float, what: str) -> None:
    a = np.asarray(a)
    t = np.asarray(t)
    if a.shape != t.shape:
        raise Mismatch(f"{what}: shape {a.shape} vs torch {t.shape}")
    if a.dtype.kind in "biu" or t.dtype.kind in "biu":
        if not np.array_equal(a, t):
            raise Mismatch(f"{what}: values differ\nautodiff {a!r}\ntorch    {t!r}")
        return
    a64 = a.astype(np.float64)
    t64 = t.astype(np.float64)
    na, nt = np.isnan(a64), np.isnan(t64)
    ok = (na & nt) | (a64 == t64)
    with np.errstate(all="ignore"):
        fin = np.isfinite(a64) & np.isfinite(t64)
        ok |= fin & (np.abs(a64 - t64) <= atol + rtol * np.abs(t64))
    if not ok.all():
        bad = np.argwhere(~ok.reshape(ok.shape or (1,)))[:5]
        pairs = []
        for i in bad:
            i = tuple(i) if a.ndim else ()
            pairs.append(f"at {i}: autodiff {a64[i]!r} torch {t64[i]!r}")
        raise Mismatch(
            f"{what}: {int((~ok).sum())} of {ok.size} values differ "
            f"(rtol={rtol}, atol={atol}): " + "; ".join(pairs)
        )


def compare_out(a, t, what: str, tol) -> None:
    if isinstance(t, torch.Tensor):
        if not isinstance(a, autodiff.Tensor):
            raise Mismatch(f"{what}: autodiff gave {type(a).__name__}, torch a Tensor")
        td = NP_OF_TORCH[t.dtype]
        if np.dtype(a.dtype) != td:
            raise Mismatch(f"{what}: dtype {np.dtype(a.dtype)} vs torch {t.dtype}")
        if tuple(a.shape) != tuple(t.shape):
            raise Mismatch(f"{what}: shape {tuple(a.shape)} vs torch {tuple(t.shape)}")
        rtol, atol = tol or TOL.get(td, (0, 0))
        close(np.asarray(a.data), t.detach().numpy(), rtol, atol, what)
    elif isinstance(t, tuple):
        if not isinstance(a, tuple) or len(a) != len(t):
            raise Mismatch(f"{what}: autodiff gave {a!r}, torch a tuple of {len(t)}")
        for i, (x, y) in enumerate(zip(a, t)):
            compare_out(x, y, f"{what}[{i}]", tol)
    else:
        if a != t and not (a != a and t != t):
            raise Mismatch(f"{what}: autodiff {a!r} vs torch {t!r}")


def _first_float(out):
    if isinstance(out, tuple):
        for o in out:
            r = _first_float(o)
            if r is not None:
                return r
        return None
    if isinstance(out, (autodiff.Tensor, torch.Tensor)) and out.dtype in (
        np.float32,
        np.float64,
        torch.float32,
        torch.float64,
    ):
        return out
    return None


def check(ad_fn, th_fn, *args, grad: bool = True, tol=None, gtol=None, seed: int = 0):
    """Run both sides and compare (see the module docstring)."""
    a_args = [to_ad(x, grad) for x in args]
    t_args = [to_th(x, grad) for x in args]
    a_out, a_err = _run(ad_fn, a_args)
    t_out, t_err = _run(th_fn, t_args)
    if t_err is not None:
        if a_err is None:
            raise Mismatch(
                f"torch raises ({type(t_err).__name__}: {str(t_err)[:200]}) "
                f"but autodiff returns {a_out!r}"
            )
        assert_not_numpy_internal(a_err, "forward")
        return "raises"
    if a_err is not None:
        raise Mismatch(f"autodiff raises {type(a_err).__name__}: {a_err} but torch does not")
    compare_out(a_out, t_out, "forward", tol)
    if not grad:
        return "ok"
    a_in = [x for x in leaves(a_args) if x.requires_grad]
    t_in = [x for x in leaves(t_args) if x.requires_grad]
    a_o, t_o = _first_float(a_out), _first_float(t_out)
    if not t_in or t_o is None or not t_o.requires_grad:
        return "ok"
    g = np.random.default_rng(seed).standard_normal(tuple(t_o.shape))
    g = g.astype(NP_OF_TORCH[t_o.dtype])
    _, a_err = _run(lambda: a_o.backward(autodiff.tensor(g.copy())), ())
    _, t_err = _run(lambda: t_o.backward(torch.from_numpy(g.copy())), ())
    if t_err is not None:
        if a_err is None:
            raise Mismatch(f"torch backward raises ({t_err}) but autodiff's does not")
        return "raises"
    if a_err is not None:
        raise Mismatch(f"autodiff backward raises {type(a_err).__name__}: {a_err}")
    for i, (x, y) in enumerate(zip(a_in, t_in)):
        tg = np.zeros(tuple(y.shape), NP_OF_TORCH[y.dtype]) if y.grad is None else y.grad.numpy()
        if x.grad is None:
            ag = np.zeros(tuple(x.shape), np.dtype(x.dtype))
        else:
            if np.dtype(x.grad.dtype) != np.dtype(x.dtype):
                raise Mismatch(f"grad of input {i}: dtype {x.grad.dtype} vs input {x.dtype}")
            ag = np.asarray(x.grad.data)
        # the upstream gradient is in the output's dtype: the looser tolerance
        loose = max(TOL[np.dtype(tg.dtype)], TOL[NP_OF_TORCH[t_o.dtype]])
        rtol, atol = gtol or tol or loose
        close(ag, tg, rtol, atol, f"grad of input {i}")
    return "ok"


def case(name: str, fn, *args, grad: bool = True, tol=None):
    """One differential case: ``fn(M, *arrays)`` written once, run with M = autodiff and
    M = torch by :func:`same_as_torch`."""
    return pytest.param(fn, args, grad, tol, id=name)


def same_as_torch(fn, args, grad, tol) -> None:
    """Run a :func:`case` in both libraries and compare (see :func:`check`)."""
    check(lambda *a: fn(autodiff, *a), lambda *a: fn(torch, *a), *args, grad=grad, tol=tol)
