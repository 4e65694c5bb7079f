"""Engine semantics: graph shapes, accumulation, freeing, hooks, higher order, deep graphs."""

import warnings

import numpy as np
import pytest
from _samples import materialise, op_cases, recorded_outputs

import autodiff
from autodiff import backward as B
from autodiff.ops.registry import REGISTRY


def leaf(values, dtype=np.float64):
    return autodiff.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_diamond():
    a = leaf(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_shared_subexpression_and_mul_by_itself():
    a = leaf([1.0, 2.0])
    (a * a).sum().backward()
    assert a.grad.tolist() == [2.0, 4.0]


def test_accumulation_and_clearing():
    a = leaf([1.0, 2.0])
    for _ in range(3):
        (a * 2).sum().backward()
    assert a.grad.tolist() == [6.0, 6.0]
    a.grad = None
    (a * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


def test_gradients_of_two_leaves_do_not_alias():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.data *= 10  # as clip_grad_norm_ does
    assert b.grad.tolist() == [1.0, 1.0]


def test_seed_is_not_aliased():
    a = leaf([1.0, 2.0])
    seed = np.array([1.0, 1.0])
    (a + 0).backward(seed)
    a.grad.data[0] = 5
    assert seed.tolist() == [1.0, 1.0]


def test_released_graph_raises_with_retain_graph_hint():
    a = leaf([1.0, 2.0])
    y = (a * a).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    a = leaf([1.0, 2.0])
    y = (a.exp() * a).sum()
    y.backward(retain_graph=True)
    first = a.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * first)


def test_non_scalar_backward_needs_grad():
    a = leaf([1.0, 2.0])
    y = a * 3
    with pytest.raises(RuntimeError, match=r"pass grad= of that shape .* y.sum\(\).backward\(\)"):
        y.backward()
    y.backward(grad=[1.0, 2.0])
    assert a.grad.tolist() == [3.0, 6.0]


def test_grad_of_wrong_shape():
    a = leaf([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match=r"grad has shape \(3,\) but the tensor has shape \(2,\)"
    ):
        (a * 3).backward(grad=[1.0, 2.0, 3.0])


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        autodiff.ones(2).sum().backward()


def test_requires_grad_on_integer_tensor():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        autodiff.tensor([1, 2], requires_grad=True)


def test_shapes_that_do_not_broadcast_name_both():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) do not broadcast"):
        autodiff.ones(2, 3) + autodiff.ones(4)


def test_matmul_shape_error_names_both():
    with pytest.raises(
        ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot be multiplied"
    ):
        autodiff.ones(2, 3) @ autodiff.ones(4, 5)


def test_hooks_on_leaf_and_non_leaf():
    a = leaf([1.0, 2.0])
    seen = []
    b = a * 2
    b.register_hook(lambda g: seen.append(g.numpy().copy()))
    h = a.register_hook(lambda g: g * 10)
    (b * 3).sum().backward()
    assert seen[0].tolist() == [3.0, 3.0]
    assert a.grad.tolist() == [60.0, 60.0]
    h.remove()
    a.grad = None
    (a * 2 * 3).sum().backward()
    assert a.grad.tolist() == [6.0, 6.0]


def test_hook_replacing_non_leaf_gradient_changes_upstream():
    a = leaf([1.0, 2.0])
    b = a * 2
    b.register_hook(lambda g: g * 0)
    b.sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]


def test_retain_grad():
    a = leaf([1.0, 2.0])
    b = a * 2
    b.retain_grad()
    c = b * b
    c.sum().backward()
    assert b.grad.tolist() == [4.0, 8.0]
    assert a.grad.tolist() == [8.0, 16.0]
    c2 = a * 5
    assert c2.grad is None  # non-leaf grads are not kept without retain_grad


def test_no_grad_and_detach():
    a = leaf([1.0, 2.0])
    with autodiff.no_grad():
        b = a * 2
    assert not b.requires_grad and b.grad_fn is None
    c = (a * 2).detach()
    assert not c.requires_grad and c.is_leaf
    assert np.shares_memory(c.numpy(), (a * 1).numpy()) is False

    @autodiff.no_grad()
    def f(x):
        return x * 2

    assert not f(a).requires_grad
    autodiff.set_grad_enabled(False)
    assert not autodiff.is_grad_enabled()
    autodiff.set_grad_enabled(True)
    with autodiff.no_grad(), autodiff.enable_grad():
        assert (a * 2).requires_grad


def test_grad_with_respect_to_non_leaf_and_leaf():
    x = leaf([1.0, 2.0, 3.0])
    h = x * x
    y = (h * 3).sum()
    gh, gx = autodiff.grad(y, [h, x])
    assert gh.tolist() == [3.0, 3.0, 3.0]
    assert gx.tolist() == [6.0, 12.0, 18.0]
    assert x.grad is None  # grad() does not accumulate


def test_allow_unused():
    x, z = leaf([1.0]), leaf([2.0])
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autodiff.grad(y, [x, z], retain_graph=True)
    gx, gz = autodiff.grad(y, [x, z], allow_unused=True)
    assert gx.tolist() == [2.0] and gz is None


def test_double_backward_x_cubed():
    x = leaf([1.0, 2.0, -3.0])
    (g,) = autodiff.grad((x**3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.numpy())


def test_backward_create_graph_then_differentiate_grad():
    x = leaf(2.0)
    y = x**3
    y.backward(create_graph=True)
    assert x.grad.requires_grad
    (gg,) = autodiff.grad(x.grad, x)
    assert gg.item() == 12.0


def test_hessian_vector_product_matches_finite_differences():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    w0 = rng.standard_normal(4)
    v = rng.standard_normal(4)

    def f(w):
        return ((autodiff.tensor(A) @ w).tanh() ** 2).sum() + (w * w * w).sum()

    w = leaf(w0)
    (g,) = autodiff.grad(f(w), w, create_graph=True)
    (hv,) = autodiff.grad((g * autodiff.tensor(v)).sum(), w)

    def grad_at(p):
        t = leaf(p)
        return autodiff.grad(f(t), t)[0].numpy()

    eps = 1e-6
    fd = (grad_at(w0 + eps * v) - grad_at(w0 - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.numpy(), fd, rtol=1e-5, atol=1e-7)


def test_gradient_penalty_second_order_through_matmul_and_relu():
    x = leaf([[0.5, -1.0], [2.0, 0.3]])
    w = leaf([[1.0, 2.0], [-1.0, 0.5]])

    def penalty(w_, x_):
        out = (x_ @ w_).relu().sum()
        (gx,) = autodiff.grad(out, x_, create_graph=True)
        return (gx**2).sum()

    assert autodiff.gradcheck(penalty, (w, x))


def test_anomaly_names_op_and_user_line():
    x = leaf([0.0, 1.0])
    with autodiff.detect_anomaly():
        y = x.sqrt()  # the line that creates the NaN-producing op
        with pytest.raises(RuntimeError) as err:
            (y * 0.0).sum().backward()
    msg = str(err.value)
    assert "backward of 'sqrt'" in msg and "NaN" in msg
    assert "test_engine.py" in msg and "y = x.sqrt()" in msg


def test_anomaly_off_does_not_raise():
    x = leaf([0.0, 1.0])
    (x.sqrt() * 0.0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])


class Cube(autodiff.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x**3 * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x**2 * ctx.k, None


def test_user_function():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]
    assert autodiff.gradcheck(lambda t: Cube.apply(t, 2.0), (leaf([0.5, -1.5]),))
    assert autodiff.gradgradcheck(lambda t: Cube.apply(t, 2.0), (leaf([0.5, -1.5]),))


class Blocked(autodiff.Function):
    """A backward that returns None: a zero gradient, as in PyTorch."""

    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return None


@pytest.mark.parametrize("shape", [(2,), (2, 3)])
def test_none_gradient_still_releases_a_shared_input(shape):
    # x feeds a backward that returns None and a product: the product's gradient
    # must still reach w (once x's count of consumers was stuck at 1, and w got none)
    w = leaf(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape))
    x = w * 3.0
    (Blocked.apply(x) + x * 2.0).sum().backward()
    assert w.grad.tolist() == np.full(shape, 6.0).tolist()
    # a two-input node whose VJP returns None for one input (matmul of a Function result)
    v = leaf([[1.0, 2.0]])
    y = v * 1.0
    (Blocked.apply(y) @ leaf([[1.0], [1.0]]) + (y * 5.0).sum()).sum().backward()
    assert v.grad.tolist() == [[5.0, 5.0]]
    # and through autodiff.grad
    w2 = leaf([1.0, 2.0])
    x2 = w2 * 3.0
    (gw,) = autodiff.grad((Blocked.apply(x2) + x2 * 2.0).sum(), (w2,))
    assert gw.tolist() == [6.0, 6.0]


def test_none_gradient_everywhere_leaves_grad_unset():
    w = leaf([1.0, 2.0])
    Blocked.apply(w * 3.0).sum().backward()
    assert w.grad is None


def test_gradcheck_catches_wrong_function():
    class WrongSquare(autodiff.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2x

    with pytest.raises(autodiff.GradcheckError, match=r"input 0 .* analytic .* numeric"):
        autodiff.gradcheck(WrongSquare.apply, (leaf([1.0, 2.0]),))
    assert (
        autodiff.gradcheck(WrongSquare.apply, (leaf([1.0, 2.0]),), raise_exception=False) is False
    )


def test_gradcheck_perturbs_an_input_whatever_its_strides():
    # a transposed (Fortran-ordered) input: reshape(-1) of its array is a copy, which
    # once made every numeric derivative 0
    x = autodiff.Tensor(np.asfortranarray(np.arange(1.0, 7.0).reshape(2, 3)), requires_grad=True)
    assert not x.data.flags.c_contiguous
    assert autodiff.gradcheck(lambda t: (t * t).sum(-1), (x,))
    w = autodiff.Tensor(np.arange(1.0, 7.0).reshape(3, 2).T, requires_grad=True)
    assert autodiff.gradcheck(lambda t: t.exp() @ autodiff.ones(3, dtype=autodiff.float64), (w,))


def test_gradcheck_wants_float64():
    with pytest.raises(TypeError, match="float64"):
        autodiff.gradcheck(lambda t: t * 2, (autodiff.ones(2, requires_grad=True),))


def test_million_op_chain_runs_backward_iteratively():
    x = autodiff.tensor(1.0, requires_grad=True, dtype=autodiff.float64)
    y = x
    for _ in range(1_000_000):
        y = y * 1.000001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.000001**1_000_000, rtol=1e-9)


def test_graph_is_freed_by_refcount():
    import gc
    import weakref

    gc.disable()
    try:
        x = leaf(np.ones(3))
        y = (x * 2).exp()
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None  # no reference cycles between tensors and nodes
    finally:
        gc.enable()


def test_leaf_grads_never_share_memory():
    w = leaf(np.ones((3, 2)))
    v = leaf(np.ones((2, 3)))
    x = autodiff.tensor(np.arange(6.0).reshape(2, 3))
    # add passes one array to both sides: v gets it, w gets its transpose (a view)
    y = ((w.T + v) * x).sum()
    y.backward()
    assert not np.shares_memory(w.grad.numpy(), v.grad.numpy())
    w.grad.data *= 0
    assert v.grad.numpy().sum() == 15.0
    b = leaf([1.0, 2.0])
    (b.expand(3, 2)).sum().backward()
    b.grad.data += 1  # grads are writeable even when they came from a broadcast
    assert b.grad.tolist() == [4.0, 4.0]


def test_pytorch_porting_conveniences():
    x = leaf([1.0, 2.0])
    (x * 3).backward(gradient=[1.0, 1.0])  # PyTorch's keyword
    assert x.grad.tolist() == [3.0, 3.0]
    assert x.device == autodiff.device("cpu") and str(x.device) == "cpu"
    assert x.cpu() is x and x.to("cpu") is x
    assert x.to("cpu", autodiff.float32).dtype == np.float32
    assert autodiff.cuda.is_available() is False
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        autodiff.nn.Linear(2, 2).to("cuda:0")
    with pytest.raises(TypeError, match="not both"):
        (x * 3).backward(grad=[1.0, 1.0], gradient=[1.0, 1.0])
    assert f"{autodiff.tensor(1.23456):.2f}" == "1.23"


def test_backward_frees_activations_as_it_goes():
    """Peak extra memory during backward: the six weight gradients that must exist at
    the end, plus about one transient array (not a lingering activation or gradient)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    ws = [
        autodiff.tensor(rng.standard_normal((256, 256)) * 0.05, requires_grad=True)
        for _ in range(6)
    ]
    h = autodiff.tensor(rng.standard_normal((256, 256)))
    for w in ws:
        h = (h @ w).relu()
    loss = h.sum()
    del h
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        loss.backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    in_arrays = (peak - base) / (256 * 256 * 8)
    assert in_arrays < 7.5, f"backward peak was {in_arrays:.2f} activation-sized arrays"


class SinCos(autodiff.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return (x * scale).sin(), (x * scale).cos(), (x > 0).long()

    @staticmethod
    def backward(ctx, g_sin, g_cos, g_sign):
        (x,) = ctx.saved_tensors
        k = ctx.scale
        return (g_sin * (x * k).cos() - g_cos * (x * k).sin()) * k, None


def test_function_with_several_outputs():
    x = leaf([0.3, -1.2, 2.0])
    s, c, sign = SinCos.apply(x, 2.0)
    assert repr(s.grad_fn) == "<SinCosBackward>" and not sign.requires_grad
    assert sign.tolist() == [1, 0, 1]
    (s * 2 + c * 3).sum().backward()
    xv = x.numpy()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * np.cos(2 * xv) - 3 * np.sin(2 * xv)))
    x.grad = None
    SinCos.apply(x, 2.0)[1].sum().backward()  # an unused output gets a zero gradient
    np.testing.assert_allclose(x.grad.numpy(), -2 * np.sin(2 * xv))
    assert autodiff.gradcheck(lambda t: SinCos.apply(t, 2.0)[0] * SinCos.apply(t, 2.0)[1], (x,))
    assert autodiff.gradgradcheck(lambda t: (SinCos.apply(t, 0.5)[1] ** 2).sum(), (x,))
    with autodiff.no_grad():
        assert not SinCos.apply(x, 2.0)[0].requires_grad


def test_grad_runs_only_the_branches_leading_to_its_inputs():
    calls = []

    class Watched(autodiff.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * 2

    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    shared = x * 1.5
    y = (Watched.apply(w) * shared).sum() + (shared * shared).sum()
    (gx,) = autodiff.grad(y, x, retain_graph=True)
    assert calls == []  # the w-only branch was never run
    np.testing.assert_allclose(gx.numpy(), 1.5 * (2 * w.numpy()) + 2 * 1.5 * 1.5 * x.numpy())
    gx2, gw = autodiff.grad(y, [x, w])
    assert calls == [1]
    np.testing.assert_allclose(gx2.numpy(), gx.numpy())
    np.testing.assert_allclose(gw.numpy(), 2 * 1.5 * x.numpy())
    assert x.grad is None and w.grad is None


def test_op_whose_vjp_returns_a_wrong_shape_is_named_with_the_input():
    # an internal guard: a VJP bug surfaces as a clear error, not a silent broadcast
    from autodiff.engine import Node, apply2

    class BadBackward(Node):
        name = "bad"
        saves = ()

        @staticmethod
        def forward(a, b, attrs):
            return a + b

        def vjp(self, g, xs, out, xp):
            return g, g[:1]  # too small for input 1

    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = apply2(BadBackward, a, b)
    with pytest.raises(RuntimeError, match=r"'bad' returned a gradient of shape \(1,\) for input 1"):
        y.sum().backward()


def test_one_input_op_with_wrong_vjp_shape_on_a_non_leaf_names_the_input():
    from autodiff.engine import Node, apply1

    class BadOneBackward(Node):
        name = "bad_one"
        saves = ()

        @staticmethod
        def forward(x, attrs):
            return x * 1.0

        def vjp(self, g, xs, out, xp):
            return (g[:1],)

    x = leaf([1.0, 2.0])
    y = apply1(BadOneBackward, x * 2.0)  # a non-leaf input: released before the check
    with pytest.raises(RuntimeError, match=r"'bad_one' returned a gradient of shape \(1,\) for input 0"):
        y.sum().backward()


def test_gradients_of_scalar_roots_are_writable_arrays():
    # seeds are fresh arrays: what autodiff.grad returns, or a hook sees, may be changed
    x = autodiff.tensor(2.0, requires_grad=True)
    (g,) = autodiff.grad(x + 0.0, x)
    g.add_(1.0)
    assert g.item() == 2.0
    y = x * 1.0
    y.register_hook(lambda g: g.mul_(3.0))
    y.backward()
    assert x.grad.item() == 3.0


def test_function_integer_output_does_not_require_grad():
    class ArgMax(autodiff.Function):
        @staticmethod
        def forward(ctx, x):
            return x.argmax()

        @staticmethod
        def backward(ctx, g):
            return None

    assert not ArgMax.apply(leaf([1.0, 3.0])).requires_grad  # as PyTorch


def test_function_gradient_for_a_non_tensor_input_raises():
    class Scale(autodiff.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * 2.0, g  # the second is for k, a number

    with pytest.raises(RuntimeError, match="gradient for input 1, which is not a Tensor"):
        Scale.apply(leaf([1.0]), 2.0).sum().backward()


def test_requires_grad_switched_off_on_a_non_leaf_does_not_strand_its_node():
    # y.requires_grad = False after y had a grad_fn: a later op records y as needing
    # no gradient; the consumer count must agree with backward and skip that edge
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = x * 2.0
    u = y * 5.0
    y.requires_grad = False
    z = y * w
    (z.sum() + u.sum()).backward()
    assert x.grad.tolist() == [10.0, 10.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64])
@pytest.mark.parametrize("rows", [0, 1, 128])
def test_bias_gradient_row_sum_matches_numpy(dtype, rows):
    # a bias gradient sums the batch with BLAS (ones @ g) for float32/64: same
    # values as NumPy's sum, within the dtype's rounding; other dtypes use the sum
    from autodiff.engine import sum_rows

    g = np.random.default_rng(rows).standard_normal((rows, 7)).astype(dtype)
    want = g.astype(np.float64).sum(axis=0)
    got = sum_rows(g)
    assert got.dtype == g.dtype and got.shape == (7,)
    tol = {np.float16: 5e-2, np.float32: 1e-5}.get(dtype, 1e-12)
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=tol, atol=tol * max(rows, 1))
    if dtype in (np.float32, np.float64):
        with pytest.raises(ValueError):  # the cached ones vector is never writable
            autodiff.engine._ONES[(rows, np.dtype(dtype))][...] = 2.0


def test_bias_gradient_through_backward_is_the_batch_sum():
    x = autodiff.tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    b = autodiff.zeros(3, requires_grad=True)
    w = autodiff.tensor(np.arange(15.0, dtype=np.float32).reshape(5, 3))
    ((x + b) * w).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), w.numpy().sum(axis=0), rtol=1e-6)


def test_grad_of_a_hooked_non_leaf_is_the_gradient_as_it_arrived():
    # as PyTorch: when x below is requested too, the hook changes what flows on to
    # x, not what grad returns for t; asked alone (t's backward does not run), and
    # for a leaf, the hook applies to the returned gradient
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    t = x * 2
    t.register_hook(lambda g: g * 10)
    gt, gx = autodiff.grad((t * 3).sum(), [t, x])
    assert gt.tolist() == [3.0, 3.0] and gx.tolist() == [60.0, 60.0]
    t = x * 2
    t.register_hook(lambda g: g * 10)
    (gt,) = autodiff.grad((t * 3).sum(), [t])
    assert gt.tolist() == [30.0, 30.0]
    x.register_hook(lambda g: g * 10)
    (gx,) = autodiff.grad((x * 3).sum(), [x])
    assert gx.tolist() == [30.0, 30.0]


def _abc(values):
    return [autodiff.tensor(v, requires_grad=True) for v in values]


def test_backward_with_a_weight_vector():
    a, b, c = _abc([[1.0, 2, 3], [3.0, 4, 5], [6.0, 7, 8]])
    y = 3 * a + 2 * b * b + autodiff.log(c)
    y.backward([0.1, 1.0, 0.0001])
    np.testing.assert_allclose(a.grad.numpy(), [0.3, 3.0, 0.0003], rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), [1.2, 16.0, 0.002], rtol=1e-6)
    np.testing.assert_allclose(c.grad.numpy(), [0.0166667, 0.1428571, 0.0000125], rtol=1e-5)


def test_backward_of_a_0d_result_gives_0d_grads():
    a, b, c = _abc([0.1, 1.0, 0.1])
    y = 3 * a + 2 * b * b + autodiff.log(c)
    y.backward()
    assert a.grad.shape == ()
    np.testing.assert_allclose([a.grad.item(), b.grad.item(), c.grad.item()], [3, 4, 10], rtol=1e-6)


def test_gradients_accumulate_across_backward_calls():
    a, b, c = _abc([1.0, 1.0, 1.0])
    y = 3 * a + 2 * b * b + autodiff.log(c)
    y.backward(retain_graph=True)
    y.backward()
    assert [a.grad.item(), b.grad.item(), c.grad.item()] == [6, 8, 2]


def test_backward_selecting_a_row_then_clearing_grad():
    x = autodiff.tensor([[1.0, 2, 3, 4]], requires_grad=True)
    z = 2 * x
    z.backward([[1, 0, 0, 0]], retain_graph=True)
    assert x.grad.tolist() == [[2, 0, 0, 0]]
    x.grad = None
    z.sum(dim=1).backward()
    assert x.grad.tolist() == [[2, 2, 2, 2]]


def test_retain_grad_sees_hooked_gradient():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.data, [80.0, 160.0])
    np.testing.assert_allclose(y.grad.data, [40.0, 80.0])  # torch: tensor([40., 80.])


def test_assigning_grad_of_wrong_shape_raises():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((RuntimeError, ValueError), match=r"shape|size"):
        x.grad = autodiff.zeros(3)


def test_no_grad_as_bare_decorator():
    @autodiff.no_grad
    def f(x):
        return x * 2

    assert f(autodiff.ones(2, requires_grad=True)).requires_grad is False


def test_function_backward_wrong_grad_shape_raises():
    class Bad(autodiff.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((RuntimeError, ValueError), match=r"shape"):
        Bad.apply(x).sum().backward()
    assert x.grad is None


# Aliasing: a leaf's .grad never shares memory with another leaf's grad, a seed, a
# tensor a hook returned or saw, or a tensor a Function's backward returned (PyTorch
# copies unless nothing else can see the gradient).


def test_create_graph_leaf_grads_are_distinct_copies():
    a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    b = autodiff.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)  # add hands one gradient to both leaves
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad.data, b.grad.data)
    seed = autodiff.tensor([5.0, 6.0])
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    (x + 0).backward(seed, create_graph=True)
    assert x.grad is not seed and not np.shares_memory(x.grad.data, seed.data)
    with autodiff.no_grad():
        x.grad.mul_(2.0)
    np.testing.assert_array_equal(seed.data, [5.0, 6.0])


def test_create_graph_leaf_grad_stays_differentiable():
    x = autodiff.tensor([1.0, 2.0], dtype=autodiff.float64, requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    (gg,) = autodiff.grad(x.grad.sum(), x)
    np.testing.assert_allclose(gg.data, [6.0, 12.0])


def test_leaf_grad_never_aliases_a_tensor_returned_by_a_hook():
    held = autodiff.tensor([7.0, 8.0])
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: held)
    (x * 2).sum().backward()
    assert not np.shares_memory(x.grad.data, held.data)
    y = autodiff.tensor([1.0, 2.0], requires_grad=True)
    z = y + 0  # the non-leaf's gradient passes unchanged to y
    z.register_hook(lambda g: held)
    (z * 1).sum().backward()
    assert not np.shares_memory(y.grad.data, held.data)
    with autodiff.no_grad():
        x.grad.zero_()
        y.grad.zero_()
    np.testing.assert_array_equal(held.data, [7.0, 8.0])


def test_leaf_grad_never_aliases_a_gradient_a_hook_kept():
    seen = []
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(seen.append)
    (x * 3).sum().backward()
    assert not np.shares_memory(x.grad.data, seen[0].data)


def test_leaf_grad_never_aliases_a_saved_tensor_returned_by_function_backward():
    class Dot(autodiff.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return (x * w).sum()

        @staticmethod
        def backward(ctx, g):  # g == 1 here, so the saved tensors are the gradients
            x, w = ctx.saved_tensors
            return w, x

    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    w = autodiff.tensor([3.0, 4.0], requires_grad=True)
    Dot.apply(x, w).backward()
    assert not np.shares_memory(x.grad.data, w.data)
    assert not np.shares_memory(w.grad.data, x.data)
    with autodiff.no_grad():
        w.sub_(w.grad, alpha=0.5)  # an optimizer step on w must not change x.grad
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_retain_grad_under_create_graph_is_not_the_leafs_grad():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y = x + 0  # passes its (recorded) gradient unchanged to x
    y.retain_grad()
    (y * y).sum().backward(create_graph=True)
    assert y.grad is not x.grad and not np.shares_memory(y.grad.data, x.grad.data)
    assert y.grad.requires_grad
    np.testing.assert_array_equal(y.grad.data, [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


# 0-d results: NumPy ufuncs return immutable NumPy scalars for 0-d arrays


def test_0d_leaf_grad_is_a_writeable_array():
    from autodiff.nn.utils import clip_grad_value_

    x = autodiff.tensor(3.0, requires_grad=True)
    (x * 2).backward()
    assert type(x.grad.data) is np.ndarray and x.grad.data.flags.writeable
    (x * 2).backward()  # accumulated
    assert type(x.grad.data) is np.ndarray
    with autodiff.no_grad():
        x.grad.mul_(2.0)
    assert x.grad.item() == 8.0
    clip_grad_value_([x], 1.0)
    assert x.grad.item() == 1.0
    x.grad.zero_()
    assert x.grad.item() == 0.0
    (g,) = autodiff.grad(x * 2, x)
    assert type(g.data) is np.ndarray
    y = x * 2
    y.retain_grad()
    (y * 3).backward()
    assert type(y.grad.data) is np.ndarray


def test_post_accumulate_grad_hooks_fire_when_each_leaf_is_complete():
    # w2 is used only near the output: its gradient is complete (and its hook fires)
    # before the backward reaches w1, as PyTorch's (DDP overlaps its all-reduce there)
    events = []
    w1 = autodiff.tensor([1.0, 2.0], requires_grad=True)
    w2 = autodiff.tensor([3.0, 4.0], requires_grad=True)
    h = (w1 * 2).exp()
    marker = h.register_hook(lambda g: events.append("reached h"))
    out = (h * w2).sum() + (w2 * w2).sum()
    for name, w in (("w1", w1), ("w2", w2)):
        w.register_post_accumulate_grad_hook(
            lambda t, name=name: events.append((name, t.grad.tolist()))
        )
    out.backward()
    assert events[0] == ("w2", (np.exp(w1.data * 2) + 2 * w2.data).tolist())
    assert events[1] == "reached h"
    assert events[2][0] == "w1"
    np.testing.assert_allclose(events[2][1], 2 * np.exp(2 * w1.data) * w2.data, rtol=1e-6)
    marker.remove()
    # accumulation across calls; a removed hook no longer runs; autodiff.grad runs none
    handle = w1.register_post_accumulate_grad_hook(lambda t: events.append("again"))
    events.clear()
    (w1 * w2).sum().backward()
    assert events.count("again") == 1
    handle.remove()
    events.clear()
    autodiff.grad((w1 * w2).sum(), [w1, w2])
    assert events == []
    with pytest.raises(RuntimeError, match="non-leaf"):
        h.register_post_accumulate_grad_hook(lambda t: None)


def test_post_accumulate_hook_on_a_leaf_whose_consumer_sends_no_gradient():
    w = autodiff.tensor([1.0, -1.0], requires_grad=True)
    seen = []
    w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (w.sign() * 0 + w).sum().backward()  # sign's VJP sends no gradient to w
    assert seen == [[1.0, 1.0]]


def test_grad_wrt_a_non_leaf_whose_producer_was_freed():
    x = autodiff.tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    h = x * x
    y = (h.sin() * 3).sum()
    gh, gx = autodiff.grad(y, [h, x])  # frees the graph, square's saved x included
    np.testing.assert_allclose(gh.data, 3 * np.cos(h.data))
    np.testing.assert_allclose(gx.data, 3 * np.cos(h.data) * 2 * x.data)
    v = h.exp()
    g = autodiff.tensor([1.0, 2.0, 3.0], dtype=np.float64)
    (gv,) = autodiff.grad(v, h, grad_outputs=g)
    np.testing.assert_allclose(gv.data, g.data * np.exp(h.data))
    # where the freed producer's VJP is needed, the clear error remains
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        autodiff.grad(h.exp().sum(), x)


def test_autodiff_grad_inside_a_hook_over_shared_nodes_keeps_the_outer_pass():
    x = autodiff.tensor([0.3, -0.7, 1.1], dtype=np.float64, requires_grad=True)
    h = x * x  # shared by both passes
    y = h.sin()
    inner = {}

    def hook(g):
        with autodiff.enable_grad():  # (a hook runs with recording off, as in PyTorch)
            (inner["g"],) = autodiff.grad(h.sum(), x, retain_graph=True)
        return None

    y.register_hook(hook)
    y.sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.data, np.cos(x.data**2) * 2 * x.data)
    np.testing.assert_allclose(inner["g"].data, 2 * x.data)


@pytest.mark.parametrize(
    "op",
    [lambda t: t.tanh(), lambda t: t.exp(), lambda t: -t, lambda t: t * 2.5, lambda t: t - 1.5],
    ids=["tanh", "exp", "neg", "mul-scalar", "sub-scalar"],
)
@pytest.mark.parametrize("leaf", [True, False])
def test_inlined_record_paths_make_the_node_record_makes(op, leaf):
    # the hot closures (_fast_unary, _arith) inline engine.record's one-input case:
    # their node must be the one record itself makes from the same op and result
    from autodiff.engine import record

    x = autodiff.tensor([0.5, -1.0], requires_grad=True)
    src = x if leaf else x * 1.0
    fast = op(src).grad_fn
    ref = record(type(fast), (src,), (True,), fast.attrs, op(src).data).grad_fn
    for slot in ("needs", "attrs", "hooks", "clock"):
        assert getattr(fast, slot) is getattr(ref, slot) or getattr(fast, slot) == getattr(
            ref, slot
        ), slot
    assert len(fast.inputs) == 1 and fast.inputs[0] is ref.inputs[0]
    assert (fast.out is None) == (ref.out is None)


# ---- the lean loop (first order, every step inlined) and the step-by-step loop agree
def _grads_of_sample(name, k, lean_loop: bool, monkeypatch):
    if not lean_loop:
        init = B._Pass.__init__

        def step_by_step(self, *args):
            init(self, *args)
            self.lean = False

        monkeypatch.setattr(B._Pass, "__init__", step_by_step)
        monkeypatch.setattr(B._Pass, "run_lean", None)  # (fails if it were taken)
    sample = REGISTRY[name].samples()[k]
    args = materialise(sample)
    outs = recorded_outputs(REGISTRY[name].fn(*args, **sample.kwargs))
    rng = np.random.default_rng(k)
    seeds = [autodiff.tensor(rng.standard_normal(o.shape)) for o in outs]
    autodiff.autograd.backward(outs, seeds)
    monkeypatch.undo()
    leaves = [a for a in args if isinstance(a, autodiff.Tensor) and a.requires_grad]
    return [None if a.grad is None else a.grad.numpy() for a in leaves]


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.differentiable))
def test_lean_and_step_by_step_loops_agree(name, k, monkeypatch):
    lean = _grads_of_sample(name, k, True, monkeypatch)
    steps = _grads_of_sample(name, k, False, monkeypatch)
    assert len(lean) == len(steps)
    for a, b in zip(lean, steps):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_backward_quiets_floating_point_warnings_and_restores_numpys_state():
    # VJPs may divide by zero as the forward did (sqrt at 0): no RuntimeWarning, and
    # NumPy's error state is the caller's again afterwards, also when backward raises
    before = np.geterr()
    x = autodiff.tensor([0.0, 4.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.sqrt().sum().backward()
    assert x.grad.tolist() == [float("inf"), 0.25]
    assert np.geterr() == before
    y = x * 2.0
    y.register_hook(lambda g: autodiff.ones(3))  # a wrong shape: backward raises
    with pytest.raises(RuntimeError, match="shape"):
        y.sum().backward()
    assert np.geterr() == before
    with np.errstate(divide="raise"):  # the caller's own setting, restored after
        x.sqrt().sum().backward()
        assert np.geterr()["divide"] == "raise"


@pytest.mark.parametrize(
    "decorate",
    # (made in the test: set_grad_enabled(False) takes effect when called)
    [lambda f: autodiff.no_grad()(f), autodiff.no_grad, lambda f: autodiff.inference_mode()(f),
     autodiff.inference_mode, lambda f: autodiff.set_grad_enabled(False)(f)],
    ids=["no_grad()", "no_grad", "inference_mode()", "inference_mode", "set_grad_enabled"],
)
def test_a_decorated_generator_runs_its_body_in_the_mode_and_the_caller_in_its_own(decorate):
    # as PyTorch's decorators: every step of the body, not just the call that makes the
    # generator, runs with grad off; the caller's code between steps keeps grad on
    x = autodiff.ones(2, requires_grad=True)

    @decorate
    def steps():
        received = yield (x * 2).requires_grad
        yield received, autodiff.is_grad_enabled()
        try:
            yield "waiting"
        except KeyError:
            yield "caught", autodiff.is_grad_enabled()
        return "done"

    gen = steps()
    assert next(gen) is False
    assert autodiff.is_grad_enabled() and (x * 2).requires_grad
    assert gen.send("hello") == ("hello", False)
    assert next(gen) == "waiting"
    assert gen.throw(KeyError("k")) == ("caught", False)
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"
    assert autodiff.is_grad_enabled()
