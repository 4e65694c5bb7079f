"""Layers: float64 gradchecks of every layer, dropout, init, clipping and error messages."""

import math

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F
from autodiff.nn.utils import clip_grad_norm_, clip_grad_value_


@pytest.fixture
def f64():
    autodiff.set_default_dtype(autodiff.float64)
    yield


def _x(*shape, seed=0, low=None, high=None):
    r = np.random.default_rng(seed)
    a = r.standard_normal(shape) if low is None else r.uniform(low, high, shape)
    return autodiff.tensor(a, dtype=autodiff.float64, requires_grad=True)


def check_module(module, *inputs, reduce=None, **kw):
    """gradcheck a module with respect to its inputs and all of its parameters."""
    params = tuple(module.parameters())
    n = len(inputs)

    def fn(*args):
        out = module(*args[:n])
        return reduce(out) if reduce else out

    assert autodiff.gradcheck(fn, tuple(inputs) + params, **kw)


def test_linear_gradcheck(f64):
    check_module(nn.Linear(4, 3), _x(5, 4))
    check_module(nn.Linear(4, 3, bias=False), _x(2, 3, 4))


def test_linear_init_bounds_and_shapes():
    autodiff.manual_seed(0)
    lin = nn.Linear(64, 32)
    assert lin.weight.shape == (32, 64) and lin.bias.shape == (32,)
    bound = 1 / math.sqrt(64)
    assert float(lin.weight.abs().max()) <= bound and float(lin.bias.abs().max()) <= bound
    # uniform on [-b, b]: the std is b / sqrt(3)
    assert abs(float(lin.weight.std()) - bound / math.sqrt(3)) < 0.1 * bound
    assert lin.weight.dtype == np.float32 and lin.weight.is_leaf


def test_mlp_and_activations_gradcheck(f64):
    x = _x(4, 3, seed=1)
    for act in ["relu", "tanh", "sigmoid", "gelu", "elu", "softplus", "leaky_relu"]:
        autodiff.manual_seed(0)
        check_module(nn.MLP(3, [5, 4], 2, activation=act), x)
    for layer in [nn.Softmax(dim=1), nn.LogSoftmax(dim=-1), nn.Identity(), nn.Flatten(0)]:
        check_module(layer, _x(3, 4, seed=2))


def test_conv2d_gradcheck_stride2_padding1(f64):
    autodiff.manual_seed(0)
    check_module(nn.Conv2d(2, 3, 3, stride=2, padding=1), _x(2, 2, 5, 5))
    check_module(nn.Conv2d(1, 2, (2, 3), bias=False), _x(1, 1, 4, 5, seed=1))
    check_module(nn.Conv2d(2, 2, 3, padding=1), _x(2, 4, 4, seed=3))  # unbatched (C, H, W)


def test_pooling_gradcheck(f64):
    r = np.random.default_rng(0)
    # distinct values so the finite differences never swap a window's maximum
    x = autodiff.tensor(r.permutation(72).reshape(2, 1, 6, 6) * 0.1, requires_grad=True)
    check_module(nn.MaxPool2d(2), x)
    check_module(nn.MaxPool2d(3, stride=1), x)
    check_module(nn.MaxPool2d(3, stride=2, padding=1), x)
    check_module(nn.AvgPool2d(2), x)
    check_module(nn.AvgPool2d(3, stride=1, padding=1), x)


def test_max_pool_routes_ties_to_first_and_matches_values():
    x = autodiff.tensor([[[[1.0, 1.0], [0.0, 1.0]]]], requires_grad=True)
    out = F.max_pool2d(x, 2)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, 0], [[1.0, 0.0], [0.0, 0.0]])
    y = autodiff.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(F.max_pool2d(y, 2).data[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(F.avg_pool2d(y, 2).data[0, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_unfold_and_fold_are_adjoint(f64):
    # <unfold(x), c> == <x, fold(c)> for any x, c
    x = _x(2, 3, 5, 6, seed=4)
    cols = F.unfold(x, 3, padding=1, stride=2)
    c = _x(*cols.shape, seed=5)
    back = F.fold(c, (5, 6), 3, padding=1, stride=2)
    assert np.isclose(float((cols * c).sum()), float((x * back).sum()))


def test_batchnorm_training_gradcheck_and_running_stats(f64):
    bn = nn.BatchNorm1d(3)
    with autodiff.no_grad():
        bn.weight.copy_(autodiff.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(autodiff.tensor([0.0, -1.0, 0.3]))
    check_module(bn, _x(6, 3), reduce=lambda o: o * o)  # squared so the sum is not constant
    check_module(bn, _x(4, 3, 5, seed=1), reduce=lambda o: o * o)
    fresh = nn.BatchNorm1d(3)
    x = _x(8, 3, seed=2)
    out = fresh(x)
    np.testing.assert_allclose(out.data.mean(0), 0, atol=1e-7)
    np.testing.assert_allclose(out.data.var(0), 1, atol=1e-3)
    np.testing.assert_allclose(fresh.running_mean.data, 0.1 * x.data.mean(0))
    np.testing.assert_allclose(fresh.running_var.data, 0.9 + 0.1 * x.data.var(0, ddof=1))
    assert fresh.num_batches_tracked.item() == 1
    fresh.eval()
    check_module(fresh, _x(2, 3, seed=3))
    expected = (x.data - fresh.running_mean.data) / np.sqrt(fresh.running_var.data + 1e-5)
    np.testing.assert_allclose(fresh(x).data, expected)


def test_layernorm_gradcheck(f64):
    ln = nn.LayerNorm(4)
    with autodiff.no_grad():
        ln.weight.copy_(autodiff.tensor([1.0, 2.0, 0.5, -1.0]))
    check_module(ln, _x(3, 4), reduce=lambda o: o * o)
    check_module(nn.LayerNorm((2, 3)), _x(2, 2, 3, seed=1), reduce=lambda o: o * o)


def test_embedding_repeated_indices(f64):
    emb = nn.Embedding(5, 3)
    idx = autodiff.tensor([[1, 1, 4], [1, 0, 4]])
    check_module(emb, idx)
    emb.zero_grad()
    emb(idx).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[:, 0], [1, 3, 0, 0, 2])
    pad = nn.Embedding(4, 2, padding_idx=0)
    assert float(pad.weight[0].abs().sum()) == 0.0
    pad(autodiff.tensor([0, 0, 2])).sum().backward()
    np.testing.assert_array_equal(pad.weight.grad.data[:, 0], [0, 0, 1, 0])
    with pytest.raises(IndexError, match="index 5 is out of range for 5 embeddings"):
        emb(autodiff.tensor([5]))
    with pytest.raises(TypeError, match="integer"):
        emb(autodiff.tensor([1.0]))


def test_rnn_cells_over_several_steps(f64):
    autodiff.manual_seed(0)
    xs = _x(4, 2, 3)  # (time, batch, features)

    for cell in [nn.RNNCell(3, 4), nn.RNNCell(3, 4, nonlinearity="relu"), nn.LSTMCell(3, 4)]:
        params = tuple(cell.parameters())

        def run(x, *ps, cell=cell):
            state = None
            outs = []
            for t in range(x.shape[0]):
                state = cell(x[t], state)
                outs.append(state[0] if isinstance(state, tuple) else state)
            return autodiff.stack(outs)

        assert autodiff.gradcheck(run, (xs,) + params)
    lstm = nn.LSTMCell(3, 4)
    assert [n for n, _ in lstm.named_parameters()] == [
        "weight_ih",
        "weight_hh",
        "bias_ih",
        "bias_hh",
    ]
    assert lstm.weight_ih.shape == (16, 3)
    h, c = lstm(_x(3, seed=1))  # unbatched
    assert h.shape == (4,) and c.shape == (4,)
    with pytest.raises(ValueError, match=r"LSTMCell\(3, 4\) expects input of shape \(N, 3\)"):
        lstm(autodiff.zeros(2, 5))
    with pytest.raises(ValueError, match=r"h must have shape \(2, 4\)"):
        lstm(autodiff.zeros(2, 3), (autodiff.zeros(2, 5), autodiff.zeros(2, 4)))


def test_dropout_keeps_the_mean_and_is_identity_in_eval():
    autodiff.manual_seed(0)
    drop = nn.Dropout(0.3)
    x = autodiff.full((200, 500), 2.0)
    out = drop(x)
    kept = out.data != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out.data[kept], 2.0 / 0.7, rtol=1e-6)
    assert abs(out.data.mean() - 2.0) / 2.0 < 0.01
    drop.eval()
    assert drop(x) is x
    # repeatable with manual_seed
    drop.train()
    autodiff.manual_seed(5)
    a = drop(x).data
    autodiff.manual_seed(5)
    np.testing.assert_array_equal(a, drop(x).data)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        nn.Dropout(1.5)


def test_dropout_gradcheck_with_fixed_seed(f64):
    drop = nn.Dropout(0.5)

    def fn(x):
        autodiff.manual_seed(1)
        return drop(x)

    assert autodiff.gradcheck(fn, (_x(4, 5),))


def test_layer_errors_name_the_shapes():
    with pytest.raises(
        ValueError,
        match=r"Linear\(64, 32\) expects input with 64 features in its last dimension, "
        r"got shape \(8, 10\)",
    ):
        nn.Linear(64, 32)(autodiff.zeros(8, 10))
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(
        ValueError, match=r"expects input with 3 channels .* got shape \(2, 1, 8, 8\)"
    ):
        conv(autodiff.zeros(2, 1, 8, 8))
    with pytest.raises(ValueError, match=r"expects a 4-d input .* got shape \(8, 8\)"):
        conv(autodiff.zeros(8, 8))
    with pytest.raises(ValueError, match="kernel size .* is larger than the padded input"):
        conv(autodiff.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4\) expects input of shape \(N, 4\)"):
        nn.BatchNorm1d(4)(autodiff.zeros(3, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(4)(autodiff.zeros(1, 4))
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\)\) expects .* got shape \(2, 3\)"):
        nn.LayerNorm(4)(autodiff.zeros(2, 3))
    with pytest.raises(ValueError, match="padding .* at most half the kernel"):
        F.max_pool2d(autodiff.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(ValueError, match=r"expected a 4-d input of shape \(N, C, H, W\)"):
        F.avg_pool2d(autodiff.zeros(4, 4), 2)


def test_init_functions_follow_pytorch_formulas():
    autodiff.manual_seed(0)
    init = nn.init
    w = autodiff.empty(200, 100)
    assert init.kaiming_uniform_(w, nonlinearity="relu") is w
    b = math.sqrt(2) * math.sqrt(3 / 100)
    assert float(w.abs().max()) <= b and float(w.abs().max()) > 0.95 * b
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(float(w.std()) - math.sqrt(2 / 200)) < 0.005
    init.xavier_uniform_(w, gain=2.0)
    a = 2.0 * math.sqrt(6 / 300)
    assert float(w.abs().max()) <= a and float(w.abs().max()) > 0.95 * a
    init.xavier_normal_(w)
    assert abs(float(w.std()) - math.sqrt(2 / 300)) < 0.005
    init.normal_(w, mean=3.0, std=0.5)
    assert abs(float(w.mean()) - 3.0) < 0.01
    init.uniform_(w, -2.0, -1.0)
    assert float(w.max()) <= -1.0 and float(w.min()) >= -2.0
    np.testing.assert_array_equal(init.constant_(autodiff.empty(2), 0.25).data, [0.25, 0.25])
    np.testing.assert_array_equal(init.ones_(autodiff.zeros(2)).data, [1.0, 1.0])
    np.testing.assert_array_equal(init.zeros_(autodiff.ones(2)).data, [0.0, 0.0])
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("conv2d") == 1.0
    conv_w = autodiff.empty(16, 3, 5, 5)
    init.kaiming_uniform_(conv_w, a=math.sqrt(5))
    assert float(conv_w.abs().max()) <= 1 / math.sqrt(75)
    # parameters can be initialised in place while they require grad
    p = nn.Parameter(autodiff.zeros(3, 3))
    init.normal_(p)
    assert p.requires_grad and p.is_leaf
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(autodiff.empty(5))
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_init_is_repeatable_with_manual_seed():
    autodiff.manual_seed(7)
    a = nn.Linear(3, 3).weight.data.copy()
    autodiff.manual_seed(7)
    np.testing.assert_array_equal(a, nn.Linear(3, 3).weight.data)


def test_clip_grad_norm():
    a = autodiff.tensor([3.0, 0.0], requires_grad=True)
    b = autodiff.tensor([[4.0]], requires_grad=True)
    (a * a * 0.5).sum().backward()  # grad (3, 0)
    (b * b * 0.5).sum().backward()  # grad 4
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total.ndim == 0 and total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.data, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.grad.data, [[0.8]], rtol=1e-5)
    # below the limit nothing changes
    assert clip_grad_norm_([a, b], max_norm=10.0).item() == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(a.grad.data, [0.6, 0.0], rtol=1e-5)
    # inf norm, single tensor, parameters without grad are skipped
    assert clip_grad_norm_(a, 0.3, norm_type=float("inf")).item() == pytest.approx(0.6)
    np.testing.assert_allclose(a.grad.data, [0.3, 0.0], rtol=1e-4)
    net = nn.Linear(2, 2)
    assert clip_grad_norm_(net.parameters(), 1.0).item() == 0.0
    clip_grad_value_([b], 0.5)
    np.testing.assert_allclose(b.grad.data, [[0.5]])


def test_zero_feature_linear_and_zero_element_kaiming_init():
    # review: kaiming init of a zero-element weight divided by zero (fan_in = 0); PyTorch
    # warns "Initializing zero-element tensors is a no-op" and leaves it
    with pytest.warns(UserWarning, match="zero-element"):
        lin = nn.Linear(0, 3)
    assert lin(autodiff.ones(2, 0)).shape == (2, 3)
    np.testing.assert_array_equal(lin.bias.data, np.zeros(3))
    with pytest.warns(UserWarning, match="zero-element"):
        nn.init.kaiming_normal_(autodiff.empty(3, 0))


@pytest.mark.parametrize(
    "kwargs, what",
    [
        ({"kernel_size": 0}, "kernel_size"),
        ({"kernel_size": (2, 0)}, "kernel_size"),
        ({"kernel_size": 2, "stride": 0}, "stride"),
        ({"kernel_size": 2, "padding": -1}, "padding"),
    ],
)
def test_conv2d_rejects_nonpositive_geometry(kwargs, what):
    # review: Conv2d(1, 1, 0) raised ZeroDivisionError in its init, and a zero-size kernel
    # then convolved silently into a larger output
    with pytest.raises(ValueError, match=f"Conv2d: {what} must be"):
        nn.Conv2d(1, 1, **kwargs)


def leaf(values):
    return autodiff.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_clip_grad_norm_with_a_nan_gradient_makes_all_nan():
    a, b = leaf([1.0]), leaf([1.0])
    a.grad, b.grad = leaf([np.nan]).detach(), leaf([1.0]).detach()
    nn.utils.clip_grad_norm_([a, b], 1.0)
    assert np.isnan(b.grad.item())


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Linear(3, 4),
        lambda: nn.Conv2d(1, 2, 3),
        lambda: nn.LayerNorm(3),
        lambda: nn.LSTM(3, 4),
        lambda: nn.BatchNorm1d(3),
        lambda: nn.ReLU(),
    ],
    ids=["Linear", "Conv2d", "LayerNorm", "LSTM", "BatchNorm1d", "ReLU"],
)
def test_a_layer_given_a_string_raises_a_type_error_saying_so(make):
    with pytest.raises(TypeError, match="str"):
        make()("not a tensor")


def test_lazy_linear_takes_in_features_from_its_first_input_as_pytorch():
    torch = pytest.importorskip("torch")
    ours = autodiff.nn.Sequential(
        autodiff.nn.LazyLinear(5), autodiff.nn.ReLU(), autodiff.nn.LazyLinear(2)
    )
    theirs = torch.nn.Sequential(torch.nn.LazyLinear(5), torch.nn.ReLU(), torch.nn.LazyLinear(2))
    assert repr(ours[0].weight) == "<UninitializedParameter>"
    assert isinstance(theirs[0].weight, torch.nn.parameter.UninitializedParameter)
    # an optimizer made before the dry run holds the parameters the dry run fills
    opt = autodiff.optim.SGD(ours.parameters(), lr=0.5)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    ours(autodiff.tensor(x))
    theirs(torch.tensor(x))
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    assert [tuple(p.shape) for p in ours.parameters()] == [
        tuple(p.shape) for p in theirs.parameters()
    ]
    assert repr(ours[0]) == repr(theirs[0])
    with autodiff.no_grad():  # the same values, then the same forward, gradients and step
        for p, q in zip(ours.parameters(), theirs.parameters()):
            p.copy_(autodiff.tensor(q.detach().numpy()))
    topt = torch.optim.SGD(theirs.parameters(), lr=0.5)
    ours(autodiff.tensor(x)).square().sum().backward()
    theirs(torch.tensor(x)).square().sum().backward()
    opt.step()
    topt.step()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6)
    # the bound of the default initialisation is 1/sqrt(in_features), read from the input
    wide = autodiff.nn.LazyLinear(8)
    wide(autodiff.ones(1, 400))
    assert float(wide.weight.abs().max()) <= 1 / 20 and float(wide.weight.abs().max()) > 0.03


def test_lazy_linear_before_its_first_call():
    layer = autodiff.nn.LazyLinear(3, bias=False).to(autodiff.float64)
    assert layer.bias is None and layer.in_features == 0
    with pytest.raises(RuntimeError, match="not initialized yet .* run one batch through"):
        layer.weight.shape  # noqa: B018
    with pytest.raises(RuntimeError, match="not initialized yet"):
        sum(p.numel() for p in layer.parameters())
    with pytest.raises(TypeError, match="LazyLinear expects a Tensor, got list"):
        layer([1.0, 2.0])
    out = layer(autodiff.ones(2, 4, dtype=autodiff.float64))
    assert out.shape == (2, 3) and layer.weight.dtype == np.float64
    assert type(layer) is autodiff.nn.Linear and layer.in_features == 4
    with pytest.raises(ValueError, match="expects input with 4 features"):
        layer(autodiff.ones(2, 5, dtype=autodiff.float64))


def test_lazy_linear_checkpoints_and_copies_before_its_first_call():
    import copy
    import pickle

    torch = pytest.importorskip("torch")
    ours, theirs = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    assert [(k, repr(v)) for k, v in ours.state_dict().items()] == [
        ("weight", "<UninitializedParameter>"), ("bias", "<UninitializedParameter>")]
    assert list(theirs.state_dict()) == list(ours.state_dict())
    # a checkpoint fills it (its shape), as PyTorch's lazy load hook does
    source = nn.Linear(3, 4)
    ours.load_state_dict(source.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in source.state_dict().items()})
    assert ours.weight.shape == tuple(theirs.weight.shape) == (4, 3)
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(ours(autodiff.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert type(ours) is nn.Linear and ours.in_features == 3
    # copies and pickles keep it lazy, its dtype to come included
    for clone in (copy.deepcopy(nn.LazyLinear(2, dtype=autodiff.float64)),
                  pickle.loads(pickle.dumps(nn.LazyLinear(2, dtype=autodiff.float64)))):
        assert repr(clone.weight) == "<UninitializedParameter>"
        assert clone(autodiff.ones(1, 5, dtype=autodiff.float64)).dtype == np.float64
    # an unfilled checkpoint loads into an unfilled module as nothing
    empty = nn.LazyLinear(4)
    empty.load_state_dict(nn.LazyLinear(4).state_dict())
    assert repr(empty.weight) == "<UninitializedParameter>"
