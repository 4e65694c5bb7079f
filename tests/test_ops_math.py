"""The pointwise maths of autodiff/ops/math.py, rounding.py, division.py, logical.py and
bitwise.py (issue 17) against PyTorch: values,
dtypes, shapes and gradients, on edge values (signed zeros, NaN, infinities, values
outside the domain), 0-d and empty tensors; errors where PyTorch raises."""

import warnings

import numpy as np
import pytest

import autodiff

torch = pytest.importorskip("torch")

EDGE = np.array(
    [0.0, -0.0, np.nan, np.inf, -np.inf, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.5, -2.5, 1e-8, 3.7]
)
FLOATS = [np.float32, np.float64]


def _t(a):
    return torch.from_numpy(np.array(a, copy=True))


def _same(ours, theirs, rtol=1e-6, atol=1e-12, signed_zeros=True):
    """Equal values (NaN where NaN, signed zeros alike), dtype and shape."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = ours.data if isinstance(ours, autodiff.Tensor) else np.asarray(ours)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    if ours.dtype.kind == "f":
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)
        if not signed_zeros:
            return
        zeros = (theirs == 0) & (ours == 0)
        np.testing.assert_array_equal(np.signbit(ours[zeros]), np.signbit(theirs[zeros]))
    else:
        np.testing.assert_array_equal(ours, theirs)


def _run_both(fn_ours, fn_torch, arrays, grad=True, seed=0, **kw):
    """Forward both (and backward with one random seed gradient) and compare."""
    diff = [np.asarray(a).dtype.kind == "f" and grad for a in arrays]
    ours_in = [autodiff.tensor(np.array(a), requires_grad=d) for a, d in zip(arrays, diff)]
    theirs_in = [_t(a).requires_grad_(d) for a, d in zip(arrays, diff)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            out = fn_ours(*ours_in)
            ref = fn_torch(*theirs_in)
            _same(out, ref, **kw)
            if any(diff):
                g = np.random.default_rng(seed).standard_normal(ref.shape).astype(out.dtype)
                out.backward(autodiff.tensor(g))
                ref.backward(_t(g))
                for a, b, d in zip(ours_in, theirs_in, diff):
                    if d:
                        # (a zero gradient's sign is not compared: g * 0 and PyTorch's
                        # where(mask, g, 0) differ there, and nothing can tell them apart)
                        _same(a.grad, b.grad, signed_zeros=False, **kw)
    return out


# ------------------------------------------------------------------ unary
UNARY = "log1p expm1 log2 log10 exp2 rsqrt tan asin acos atan sinh cosh asinh acosh atanh".split()


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary_float_ops_match_torch_on_edge_values(name, dtype):
    x = EDGE.astype(dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    _run_both(getattr(autodiff, name), getattr(torch, name), [x], rtol=rtol)
    # the method too, on 2-d, 0-d and empty tensors
    for shape_x in (x[:12].reshape(3, 4), x[9], x[:0], np.zeros((2, 0, 3), dtype)):
        _run_both(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [shape_x], rtol=rtol)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_unary_float_ops_promote_integers_as_torch(name, dtype):
    x = np.array([0, 1, 2, 3, 0], dtype=dtype) if dtype != np.bool_ else np.array([True, False])
    if dtype in (np.int64, np.int32):
        x = np.array([0, 1, -1, 2, -3], dtype=dtype)
    out = _run_both(getattr(autodiff, name), getattr(torch, name), [x], rtol=1e-6)
    assert out.dtype == np.float32
    autodiff.set_default_dtype(autodiff.float64)
    torch.set_default_dtype(torch.float64)
    try:
        _run_both(getattr(autodiff, name), getattr(torch, name), [x])
    finally:
        autodiff.set_default_dtype(autodiff.float32)
        torch.set_default_dtype(torch.float32)


# -------------------------------------------------------------- rounding
ROUNDING = "floor ceil trunc round frac".split()
HALVES = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 1e20, -1e-30, 0.0, -0.0,
                   np.nan, np.inf, -np.inf, 3.7, -3.7])  # fmt: skip


@pytest.mark.parametrize("name", ROUNDING)
@pytest.mark.parametrize("dtype", FLOATS)
def test_rounding_ops_match_torch_values_and_zero_gradients(name, dtype):
    x = HALVES.astype(dtype)
    out = _run_both(getattr(autodiff, name), getattr(torch, name), [x])
    assert out.dtype == dtype
    _run_both(getattr(autodiff, name), getattr(torch, name), [x[3]])  # 0-d
    _run_both(getattr(autodiff, name), getattr(torch, name), [x[:0]])  # empty


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_rounding_keeps_integer_tensors(name, dtype):
    x = np.array([3, 7, 0, 1], dtype=dtype)
    xa = autodiff.tensor(x)
    out = getattr(autodiff, name)(xa)
    _same(out, getattr(torch, name)(_t(x)))
    assert out.data is not xa.data  # a new tensor, as PyTorch's


@pytest.mark.parametrize("name", ROUNDING)
def test_rounding_errors_as_torch(name):
    for x in (np.array([True, False]), np.array([1, 2])):
        try:
            getattr(torch, name)(_t(x))
        except Exception as e:  # noqa: BLE001 - whatever torch raises, we raise
            with pytest.raises(type(e), match="not implemented for"):
                getattr(autodiff, name)(autodiff.tensor(x))
        else:
            getattr(autodiff, name)(autodiff.tensor(x))


@pytest.mark.parametrize("decimals", [1, 2, 3, -1, -2])
@pytest.mark.parametrize("dtype", FLOATS)
def test_round_decimals(decimals, dtype):
    x = np.array([0.125, 1.25, -2.675, 1234.5678, 0.0, -0.0, np.nan, np.inf, 15.0, 25.0, -35.0])
    x = x.astype(dtype)
    _run_both(
        lambda t: autodiff.round(t, decimals=decimals),
        lambda t: torch.round(t, decimals=decimals),
        [x],
    )
    with pytest.raises(NotImplementedError, match="round_cpu"):
        autodiff.round(autodiff.tensor([1, 2]), decimals=decimals)


# ------------------------------------------------------- binary on a grid
GRID_A, GRID_B = np.meshgrid(EDGE, EDGE, indexing="ij")
BINARY = ["fmod", "remainder", "atan2", "copysign", "logaddexp", "hypot"]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_float_ops_match_torch_on_a_grid_of_edges(name, dtype):
    a, b = GRID_A.astype(dtype), GRID_B.astype(dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    _run_both(getattr(autodiff, name), getattr(torch, name), [a, b], rtol=rtol)
    _run_both(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b], rtol=rtol)
    # broadcasting, 0-d and empty
    _run_both(getattr(autodiff, name), getattr(torch, name), [a[:, :1], b[0]], rtol=rtol)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a[5, 7], b[0]], rtol=rtol)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a[5, 7], b[3, 8]], rtol=rtol)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a[:0], b[0]], rtol=rtol)


@pytest.mark.parametrize("name", ["fmod", "remainder", "atan2", "copysign"])
@pytest.mark.parametrize("dtypes", [(np.int64, np.int64), (np.int32, np.int64),
                                    (np.int64, np.float32), (np.uint8, np.int32),
                                    (np.float32, np.float64)])  # fmt: skip
def test_binary_promotion_as_torch(name, dtypes):
    a = np.array([7, -7, 3, -3, 0, 5], dtype=np.int64).astype(dtypes[0], casting="unsafe")
    b = np.array([2, 2, -2, -2, 3, 5], dtype=np.int64).astype(dtypes[1], casting="unsafe")
    _run_both(getattr(autodiff, name), getattr(torch, name), [a, b])
    if name in ("fmod", "remainder"):  # a Python number as the other operand
        for s in (2, -3, 2.5, -0.5) if a.dtype.kind != "u" else (2, 3, 2.5):
            _run_both(lambda x, s=s: getattr(autodiff, name)(x, s),
                      lambda x, s=s: getattr(torch, name)(x, s), [a])  # fmt: skip


@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_integer_modulo_by_zero_raises_as_torch(name):
    a, b = np.array([1, 2]), np.array([1, 0])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        getattr(torch, name)(_t(a), _t(b))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        getattr(autodiff, name)(autodiff.tensor(a), autodiff.tensor(b))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        getattr(autodiff, name)(autodiff.tensor(a), 0)
    for x in (np.array([True]),):
        with pytest.raises(NotImplementedError, match=f"{name}_cpu"):
            getattr(autodiff, name)(autodiff.tensor(x), autodiff.tensor(x))


def test_mod_operator_and_reflected():
    a = np.array([7.5, -7.5, 0.0, -0.0, 3.0])
    _run_both(lambda x: x % 2.0, lambda x: x % 2.0, [a])
    _run_both(lambda x: x % -2, lambda x: x % -2, [a])
    # (PyTorch has no derivative for remainder(number, tensor); autodiff gives
    # -g * floor(a / b), the one remainder(tensor, tensor) has: values only here)
    _run_both(lambda x: 7.0 % x, lambda x: 7.0 % x, [np.array([2.0, -3.0, 0.5, np.inf])],
              grad=False)  # fmt: skip
    _run_both(lambda x: x % x, lambda x: x % x, [np.array([2.0, -3.0, 0.5])])
    i = np.array([7, -7, 3])
    _run_both(lambda x: x % 3, lambda x: x % 3, [i])
    _run_both(lambda x: 10 % x, lambda x: 10 % x, [i])
    _run_both(lambda x: x % x, lambda x: x % x, [np.array([2.5, -3.0])])
    _run_both(lambda x: x % 2.5, lambda x: x % 2.5, [i])
    _run_both(autodiff.remainder, torch.remainder, [np.array(5.5), np.array([2.0, -1.5])])
    # remainder takes a Python number first (fmod does not, in either library)
    _run_both(lambda x: autodiff.remainder(5, x), lambda x: torch.remainder(5, x),
              [np.array([2.0, -3.0])], grad=False)  # fmt: skip
    with pytest.raises(TypeError):
        autodiff.fmod(5, autodiff.tensor([2.0]))


@pytest.mark.parametrize("name", ["logaddexp", "hypot"])
def test_float_only_binary_refuses_integers(name):
    a = np.array([1, 2])
    with pytest.raises(NotImplementedError, match=f"{name}_cpu\" not implemented for 'Long'"):
        getattr(autodiff, name)(autodiff.tensor(a), autodiff.tensor(a))
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(_t(a), _t(a))


@pytest.mark.parametrize("name", ["atan2", "logaddexp", "hypot"])
def test_binary_float_ops_want_tensors(name):
    with pytest.raises(TypeError, match="must be Tensor"):
        getattr(torch, name)(torch.tensor([1.0]), 2.0)
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        getattr(autodiff, name)(autodiff.tensor([1.0]), 2.0)


def test_copysign_with_scalars_and_bool():
    a = EDGE
    for s in (-1.0, 1.0, -0.0, 0.0, 2, -3):
        _run_both(lambda x, s=s: autodiff.copysign(x, s), lambda x, s=s: torch.copysign(x, s), [a])
    _run_both(autodiff.copysign, torch.copysign, [np.array([True, False]), np.array([True, True])])


def test_second_order_matches_torch():
    a = np.array([0.3, -1.7, 2.2, 0.9])
    b = np.array([1.1, 0.4, -2.5, -0.6])
    for name in ["atan2", "logaddexp", "hypot", "fmod", "remainder", "copysign"]:
        x, y = autodiff.tensor(a, requires_grad=True), autodiff.tensor(b, requires_grad=True)
        tx, ty = _t(a).requires_grad_(), _t(b).requires_grad_()
        gx, gy = autodiff.grad(getattr(autodiff, name)(x, y).sum(), (x, y), create_graph=True)
        tgx, tgy = torch.autograd.grad(getattr(torch, name)(tx, ty).sum(), (tx, ty),
                                       create_graph=True)  # fmt: skip
        _same(gx, tgx)
        _same(gy, tgy)
        s = (gx * gx).sum() + (gy * gy * y).sum()
        ts = (tgx * tgx).sum() + (tgy * tgy * ty).sum()
        h = autodiff.grad(s, (x, y), allow_unused=True)
        th = torch.autograd.grad(ts, (tx, ty), allow_unused=True)
        for u, v in zip(h, th):
            if u is None or v is None:  # (unused: None in one, zeros in the other)
                w = u.data if v is None else v.detach().numpy()
                assert not np.any(w), name
            else:
                _same(u, v, signed_zeros=False)
    for name in UNARY:
        v = np.array([0.3, 0.7, 0.55]) + (1.0 if name == "acosh" else 0.0)  # (in the domain)
        x = autodiff.tensor(v, requires_grad=True)
        tx = _t(v).requires_grad_()
        (gx,) = autodiff.grad(getattr(autodiff, name)(x).sum(), (x,), create_graph=True)
        (tgx,) = torch.autograd.grad(getattr(torch, name)(tx).sum(), (tx,), create_graph=True)
        _same(gx, tgx)
        (h,) = autodiff.grad(gx.sum(), (x,))
        (th,) = torch.autograd.grad(tgx.sum(), (tx,))
        _same(h, th, rtol=1e-10)


# ------------------------------------------------------------ div modes
@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_div_rounding_mode_floats(mode, dtype):
    a, b = GRID_A.astype(dtype), GRID_B.astype(dtype)
    _run_both(lambda x, y: autodiff.div(x, y, rounding_mode=mode),
              lambda x, y: torch.div(x, y, rounding_mode=mode), [a, b])  # fmt: skip
    _run_both(lambda x, y: x.div(y, rounding_mode=mode),
              lambda x, y: x.div(y, rounding_mode=mode), [a[3], b[0]])  # fmt: skip
    for s in (2, -2.5, 0.0):
        _run_both(lambda x, s=s: autodiff.div(x, s, rounding_mode=mode),
                  lambda x, s=s: torch.div(x, s, rounding_mode=mode), [a[0]])  # fmt: skip


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_div_rounding_mode_integers(mode):
    a = np.array([7, -7, 7, -7, 0, 1, -1])
    b = np.array([2, 2, -2, -2, 3, -3, 3])
    for da, db in [(np.int64, np.int64), (np.int32, np.int32), (np.int32, np.int64)]:
        _run_both(lambda x, y: autodiff.div(x, y, rounding_mode=mode),
                  lambda x, y: torch.div(x, y, rounding_mode=mode),
                  [a.astype(da), b.astype(db)])  # fmt: skip
    for s in (2, -3, 2.5):
        _run_both(lambda x, s=s: autodiff.div(x, s, rounding_mode=mode),
                  lambda x, s=s: torch.div(x, s, rounding_mode=mode), [a])  # fmt: skip
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        autodiff.div(autodiff.tensor(a), 0, rounding_mode=mode)
    with pytest.raises(NotImplementedError, match=f"div_{mode}_cpu\" not implemented for 'Bool'"):
        autodiff.div(autodiff.tensor([True]), autodiff.tensor([True]), rounding_mode=mode)
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None"):
        autodiff.div(autodiff.tensor([1.0]), 2.0, rounding_mode="round")
    # None is true division
    _same(autodiff.div(autodiff.tensor(a), 2, rounding_mode=None), torch.div(_t(a), 2))


# ------------------------------------------------------------------ lerp
@pytest.mark.parametrize("dtype", FLOATS)
def test_lerp_matches_torch(dtype):
    s = np.array([0.0, 1.0, -2.0, 1e8, np.inf, np.nan, 3.0]).astype(dtype)
    e = np.array([10.0, 3.0, 2.0, -1e8, 1.0, 0.0, 3.0]).astype(dtype)
    for w in (0.0, 0.3, 0.5, 0.7, 1.0, -0.5, 2.0):
        _run_both(lambda a, b, w=w: autodiff.lerp(a, b, w), lambda a, b, w=w: torch.lerp(a, b, w),
                  [s, e])  # fmt: skip
    w = np.array([0.0, 0.3, 0.5, 0.7, 1.0, -0.5, 2.0]).astype(dtype)
    _run_both(autodiff.lerp, torch.lerp, [s, e, w])
    _run_both(lambda a, b, c: a.lerp(b, c), lambda a, b, c: a.lerp(b, c), [s[:4], e[0], w[:4]])
    _run_both(autodiff.lerp, torch.lerp, [s[0], e[0], w[1]])  # 0-d
    _run_both(autodiff.lerp, torch.lerp, [s[:0], e[:0], w[:0]])  # empty


def test_lerp_errors_as_torch():
    f = autodiff.tensor([1.0])
    with pytest.raises(RuntimeError, match="expected dtype float for `end` but got dtype double"):
        autodiff.lerp(f, f.double(), 0.5)
    with pytest.raises(RuntimeError, match="for `weight` but got dtype double"):
        autodiff.lerp(f, f, autodiff.tensor([0.5], dtype=autodiff.float64))
    with pytest.raises(
        NotImplementedError, match="lerp_kernel_scalar\" not implemented for 'Long'"
    ):
        autodiff.lerp(autodiff.tensor([1]), autodiff.tensor([2]), 0.5)
    # a 0-d weight of another dtype is accepted (as PyTorch)
    out = autodiff.lerp(f, f * 3, autodiff.tensor(0.5, dtype=autodiff.float64))
    assert out.dtype == np.float32 and out.item() == 2.0


# ------------------------------------------------------------------- clip
def test_clip_is_clamp():
    x = np.array([-2.0, -0.5, 0.5, 2.0, np.nan])
    _run_both(lambda t: autodiff.clip(t, -1.0, 1.0), lambda t: torch.clip(t, -1.0, 1.0), [x])
    _run_both(lambda t: t.clip(min=0.0), lambda t: t.clip(min=0.0), [x])
    _run_both(lambda t: t.clip(max=0), lambda t: t.clip(max=0), [np.array([3, -1, 0])])


# ------------------------------------------------- predicates and logic
ANY_DTYPES = [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]


def _values(dtype):
    if dtype == np.bool_:
        return np.array([True, False, True, False, True, True])
    if np.dtype(dtype).kind == "f":
        return np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 2.5], dtype=dtype)
    return np.array([0, 3, 1, 0, 7, 2], dtype=dtype)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "logical_not", "sign"])
@pytest.mark.parametrize("dtype", ANY_DTYPES)
def test_unary_predicates_and_sign(name, dtype):
    x = _values(dtype)
    for v in (x, x[2], x[:0], x.reshape(2, 3)):
        out = _run_both(getattr(autodiff, name), getattr(torch, name), [v], grad=False)
        assert not out.requires_grad
        _run_both(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [v], grad=False)


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("da", ANY_DTYPES)
@pytest.mark.parametrize("db", [np.float32, np.int64, np.bool_])
def test_logical_binary(name, da, db):
    a, b = _values(da), _values(db)[::-1].copy()
    _run_both(getattr(autodiff, name), getattr(torch, name), [a, b], grad=False)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a.reshape(2, 3), b[:3]], grad=False)
    _run_both(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a[1], b],
              grad=False)  # fmt: skip
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        getattr(autodiff, name)(autodiff.tensor(a), 2)
    with pytest.raises(ValueError, match="broadcast"):
        getattr(autodiff, name)(autodiff.tensor(a), autodiff.tensor(b[:4]))


INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


def _ints(dtype, seed):
    if dtype == np.bool_:
        return np.random.default_rng(seed).integers(0, 2, 12).astype(bool)
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -300), min(info.max, 300)
    return np.random.default_rng(seed).integers(lo, hi, 12, endpoint=True).astype(dtype)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
@pytest.mark.parametrize("da", INT_DTYPES)
@pytest.mark.parametrize("db", [np.int64, np.int32, np.uint8, np.bool_])
def test_bitwise_binary(name, da, db):
    a, b = _ints(da, 1), _ints(db, 2)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a, b], grad=False)
    _run_both(getattr(autodiff, name), getattr(torch, name), [a[0], b], grad=False)
    if da != np.bool_:
        _run_both(lambda x: getattr(x, name)(5), lambda x: getattr(x, name)(5), [a], grad=False)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                                  "bitwise_left_shift", "bitwise_right_shift"])  # fmt: skip
def test_bitwise_refuses_floats_as_torch(name):
    args = (autodiff.tensor([1.0]),) if name == "bitwise_not" else (autodiff.tensor([1.0]), 1)
    targs = (torch.tensor([1.0]),) if name == "bitwise_not" else (torch.tensor([1.0]), 1)
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch, name)(*targs)
    with pytest.raises(NotImplementedError) as ours:
        getattr(autodiff, name)(*args)
    assert str(ours.value) == str(theirs.value)
    # a float and an int tensor promote to float: refused too
    if name != "bitwise_not":
        with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):
            getattr(autodiff, name)(autodiff.tensor([1]), autodiff.tensor([1.0]))


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_bitwise_not(dtype):
    x = _ints(dtype, 3)
    _run_both(autodiff.bitwise_not, torch.bitwise_not, [x], grad=False)
    _run_both(lambda t: t.bitwise_not(), lambda t: t.bitwise_not(), [x[0]], grad=False)


@pytest.mark.parametrize("name", ["bitwise_left_shift", "bitwise_right_shift"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.int8, np.uint8])
def test_shifts(name, dtype):
    x = _ints(dtype, 4)
    bits = np.dtype(dtype).itemsize * 8
    shifts = np.array([0, 1, 3, bits - 1, bits, bits + 1, 70, -1, -70, 2, 5, 7])
    shifts = shifts.astype(np.int64)
    _run_both(getattr(autodiff, name), getattr(torch, name), [x, shifts], grad=False)
    _run_both(getattr(autodiff, name), getattr(torch, name),
              [x, shifts.astype(dtype, casting="unsafe")], grad=False)  # fmt: skip
    for s in (0, 2, bits - 1, bits, 100):
        _run_both(lambda t, s=s: getattr(autodiff, name)(t, s),
                  lambda t, s=s: getattr(torch, name)(t, s), [x], grad=False)  # fmt: skip
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        getattr(autodiff, name)(autodiff.tensor([True]), autodiff.tensor([True]))


def test_shift_operators_stay_as_they_were():
    # << and >> are not bound here (Tensor has no such operators yet): the functions are
    x = autodiff.tensor([1, 2])
    assert autodiff.bitwise_left_shift(x, 1).tolist() == [2, 4]


# -------------------------------------------------------- pow(x, 3.0)
def test_pow_float_exponent_is_the_operator_route():
    x = autodiff.randn(100, requires_grad=True)
    a, b = autodiff.pow(x, 3.0), x**3.0
    assert type(a.grad_fn) is type(b.grad_fn)
    np.testing.assert_array_equal(a.data, b.data)


def test_pow_three_is_torchs_product_and_fast():
    # NumPy's power has no fast path for 3 (a generic pow per element, ~80x slower than
    # PyTorch's); autodiff multiplies, as PyTorch does: the same bits
    a = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    for s in (3.0, 3):
        _run_both(lambda t, s=s: autodiff.pow(t, s), lambda t, s=s: torch.pow(t, s), [a], rtol=0)
        _run_both(lambda t, s=s: t**s, lambda t, s=s: t**s, [a], rtol=1e-6)
