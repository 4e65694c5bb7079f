"""Layers and losses against PyTorch: same weights, same inputs, same values and gradients."""

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.nn import functional as F

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional


def _copy_params(ours, theirs):
    """Copy our parameters and buffers into the PyTorch module (same names)."""
    sd = {k: torch.tensor(np.array(v.data)) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(sd)


def _compare(ours, theirs, *inputs, grad_inputs=True, rtol=1e-5, atol=1e-6, reduce=None):
    ours.double()
    theirs.double()
    _copy_params(ours, theirs)
    a_in = [autodiff.tensor(x, requires_grad=grad_inputs and x.dtype.kind == "f") for x in inputs]
    t_in = [torch.tensor(x, requires_grad=grad_inputs and x.dtype.kind == "f") for x in inputs]
    a_out, t_out = ours(*a_in), theirs(*t_in)
    if isinstance(a_out, tuple):
        a_out, t_out = a_out[0] * 1.0 + a_out[1] * 2.0, t_out[0] * 1.0 + t_out[1] * 2.0
    np.testing.assert_allclose(a_out.data, t_out.detach().numpy(), rtol=rtol, atol=atol)
    w = np.random.default_rng(9).standard_normal(a_out.shape)
    (a_out * autodiff.tensor(w)).sum().backward()
    (t_out * torch.tensor(w)).sum().backward()
    tp = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(
            p.grad.data, tp[name].grad.numpy(), rtol=rtol, atol=atol, err_msg=name
        )
    for a, t in zip(a_in, t_in):
        if a.requires_grad:
            np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=rtol, atol=atol)
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(
            b.data, dict(theirs.named_buffers())[name].numpy(), rtol=rtol, atol=atol
        )


R = np.random.default_rng(0)


def test_linear_and_mlp():
    _compare(nn.Linear(5, 3), tnn.Linear(5, 3), R.standard_normal((4, 5)))
    ours = nn.MLP(4, [6, 5], 2, activation="gelu")
    theirs = tnn.Sequential(
        tnn.Linear(4, 6), tnn.GELU(), tnn.Linear(6, 5), tnn.GELU(), tnn.Linear(5, 2)
    )
    theirs_wrapped = tnn.Module()
    theirs_wrapped.net = theirs
    theirs_wrapped.forward = theirs.forward
    _compare(ours, theirs_wrapped, R.standard_normal((3, 4)))


@pytest.mark.parametrize(
    "ours,theirs",
    [
        (nn.ReLU(), tnn.ReLU()),
        (nn.LeakyReLU(0.2), tnn.LeakyReLU(0.2)),
        (nn.Sigmoid(), tnn.Sigmoid()),
        (nn.Tanh(), tnn.Tanh()),
        (nn.GELU(), tnn.GELU()),
        (nn.GELU("tanh"), tnn.GELU("tanh")),
        (nn.Softplus(beta=2.0), tnn.Softplus(beta=2.0)),
        (nn.ELU(0.7), tnn.ELU(0.7)),
        (nn.Softmax(dim=1), tnn.Softmax(dim=1)),
        (nn.LogSoftmax(dim=-1), tnn.LogSoftmax(dim=-1)),
        (nn.Flatten(), tnn.Flatten()),
        (nn.Identity(), tnn.Identity()),
    ],
)
def test_activations(ours, theirs):
    _compare(ours, theirs, R.standard_normal((3, 4, 2)))


@pytest.mark.parametrize(
    "args",
    [
        dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1),
        dict(in_channels=1, out_channels=4, kernel_size=(2, 3)),
        dict(in_channels=3, out_channels=2, kernel_size=1, bias=False),
    ],
)
def test_conv2d(args):
    x = R.standard_normal((2, args["in_channels"], 7, 6))
    autodiff.manual_seed(0)
    _compare(nn.Conv2d(**args), tnn.Conv2d(**args), x)


@pytest.mark.parametrize(
    "k,s,p", [(2, None, 0), (3, 1, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 1)), (2, 3, 0)]
)
def test_pooling(k, s, p):
    x = R.permutation(2 * 3 * 7 * 8).reshape(2, 3, 7, 8) * 0.1
    _compare(nn.MaxPool2d(k, s, p), tnn.MaxPool2d(k, s, p), x)
    _compare(nn.AvgPool2d(k, s, p), tnn.AvgPool2d(k, s, p), x)
    _compare(
        nn.AvgPool2d(k, s, p, count_include_pad=False),
        tnn.AvgPool2d(k, s, p, count_include_pad=False),
        x,
    )


def test_max_pool_ties_like_pytorch():
    x = np.maximum(R.standard_normal((2, 2, 6, 6)), 0)  # many tied zeros, as after ReLU
    _compare(nn.MaxPool2d(2), tnn.MaxPool2d(2), x)
    _compare(nn.MaxPool2d(3, 1, 1), tnn.MaxPool2d(3, 1, 1), x)


def test_batchnorm_train_then_eval():
    ours, theirs = nn.BatchNorm1d(3), tnn.BatchNorm1d(3)
    with autodiff.no_grad():
        ours.weight.copy_(autodiff.tensor([0.5, 1.5, -1.0]))
    for shape in [(6, 3), (4, 3, 5)]:
        _compare(ours, theirs, R.standard_normal(shape) * 2 + 1)
        ours.zero_grad()
        theirs.zero_grad()
    ours.eval()
    theirs.eval()
    _compare(ours, theirs, R.standard_normal((2, 3)))
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 2
    # momentum=None: cumulative average
    a, b = nn.BatchNorm1d(2, momentum=None), tnn.BatchNorm1d(2, momentum=None)
    for _ in range(3):
        _compare(a, b, R.standard_normal((5, 2)))


def test_layernorm():
    ours, theirs = nn.LayerNorm((3, 4)), tnn.LayerNorm((3, 4))
    with autodiff.no_grad():
        nn.init.normal_(ours.weight)
        nn.init.normal_(ours.bias)
    _compare(ours, theirs, R.standard_normal((2, 3, 4)))


def test_embedding():
    ours, theirs = nn.Embedding(6, 3), tnn.Embedding(6, 3)
    _compare(ours, theirs, np.array([[1, 1, 5], [0, 1, 5]]), grad_inputs=False)
    ours, theirs = nn.Embedding(6, 3, padding_idx=2), tnn.Embedding(6, 3, padding_idx=2)
    _compare(ours, theirs, np.array([2, 2, 3]), grad_inputs=False)


def test_rnn_and_lstm_cells_over_steps():
    xs = R.standard_normal((3, 2, 4))
    for ours, theirs in [
        (nn.RNNCell(4, 5), tnn.RNNCell(4, 5)),
        (nn.RNNCell(4, 5, nonlinearity="relu"), tnn.RNNCell(4, 5, nonlinearity="relu")),
        (nn.LSTMCell(4, 5), tnn.LSTMCell(4, 5)),
    ]:

        class Unroll(nn.Module):
            def __init__(self, cell):
                super().__init__()
                self.cell = cell

            def forward(self, x):
                state = None
                for t in range(x.shape[0]):
                    state = self.cell(x[t], state)
                return state

        class TUnroll(tnn.Module):
            def __init__(self, cell):
                super().__init__()
                self.cell = cell

            def forward(self, x):
                state = None
                for t in range(x.shape[0]):
                    state = self.cell(x[t], state)
                return state

        _compare(Unroll(ours), TUnroll(theirs), xs)


def _loss_pair(ours_fn, theirs_fn, inputs, grads, rtol=1e-6, atol=1e-8):
    a = [autodiff.tensor(x, requires_grad=bool(g)) for x, g in zip(inputs, grads)]
    t = [torch.tensor(x, requires_grad=bool(g)) for x, g in zip(inputs, grads)]
    la, lt = ours_fn(*a), theirs_fn(*t)
    np.testing.assert_allclose(la.data, lt.detach().numpy(), rtol=rtol, atol=atol)
    w = np.random.default_rng(1).standard_normal(la.shape)
    (la * autodiff.tensor(w)).sum().backward()
    (lt * torch.tensor(w)).sum().backward()
    for x, y, g in zip(a, t, grads):
        if g:
            np.testing.assert_allclose(x.grad.data, y.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_against_pytorch(reduction):
    x, y = R.standard_normal((4, 5)), R.standard_normal((4, 5))
    kw = {"reduction": reduction}
    _loss_pair(
        lambda a, b: F.mse_loss(a, b, **kw), lambda a, b: TF.mse_loss(a, b, **kw), (x, y), (1, 1)
    )
    _loss_pair(
        lambda a, b: F.l1_loss(a, b, **kw), lambda a, b: TF.l1_loss(a, b, **kw), (x, y), (1, 1)
    )
    for d in (1.0, 0.5):
        _loss_pair(
            lambda a, b, d=d: F.huber_loss(a, b, delta=d, **kw),
            lambda a, b, d=d: TF.huber_loss(a, b, delta=d, **kw),
            (x, y),
            (1, 1),
        )
    p = 1 / (1 + np.exp(-x))
    q = R.uniform(0, 1, (4, 5))
    _loss_pair(
        lambda a, b: F.binary_cross_entropy(a, b, **kw),
        lambda a, b: TF.binary_cross_entropy(a, b, **kw),
        (p, q),
        (1, 1),
    )
    edge = np.array([0.0, 1.0, 0.5, 1e-30])
    _loss_pair(
        lambda a, b: F.binary_cross_entropy(a, b, **kw),
        lambda a, b: TF.binary_cross_entropy(a, b, **kw),
        (edge, np.array([1.0, 0.0, 1.0, 1.0])),
        (1, 0),
    )
    pw, w = R.uniform(0.5, 2, 5), R.uniform(0.5, 2, 5)
    _loss_pair(
        lambda a, b, c: F.binary_cross_entropy_with_logits(
            a, b, weight=autodiff.tensor(w), pos_weight=c, **kw
        ),
        lambda a, b, c: TF.binary_cross_entropy_with_logits(
            a, b, weight=torch.tensor(w), pos_weight=c, **kw
        ),
        (x * 50, q, pw),
        (1, 1, 0),  # PyTorch does not differentiate pos_weight (we do: see test_nn_losses)
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"weight": True},
        {"ignore_index": 1},
        {"label_smoothing": 0.25},
        {"weight": True, "label_smoothing": 0.1, "ignore_index": 0},
    ],
)
def test_cross_entropy_against_pytorch(reduction, opts):
    x = R.standard_normal((6, 4)) * 3
    t = np.array([0, 1, 3, 3, 2, 1])
    wt = R.uniform(0.5, 2, 4)
    ours_kw = {"reduction": reduction}
    theirs_kw = {"reduction": reduction}
    for k, v in opts.items():
        ours_kw[k] = autodiff.tensor(wt) if k == "weight" else v
        theirs_kw[k] = torch.tensor(wt) if k == "weight" else v
    _loss_pair(
        lambda a: F.cross_entropy(a, autodiff.tensor(t), **ours_kw),
        lambda a: TF.cross_entropy(a, torch.tensor(t), **theirs_kw),
        (x,),
        (1,),
    )
    if "ignore_index" not in opts:
        probs = R.dirichlet(np.ones(4), 6)
        _loss_pair(
            lambda a, b: F.cross_entropy(a, b, **ours_kw),
            lambda a, b: TF.cross_entropy(a, b, **theirs_kw),
            (x, probs),
            (1, 1),
        )
    # spatial targets and nll_loss
    xs = R.standard_normal((2, 4, 3))
    ts = np.array([[0, 3, 1], [2, 1, 1]])
    _loss_pair(
        lambda a: F.cross_entropy(a, autodiff.tensor(ts), **ours_kw),
        lambda a: TF.cross_entropy(a, torch.tensor(ts), **theirs_kw),
        (xs,),
        (1,),
    )
    if "label_smoothing" not in opts:
        _loss_pair(
            lambda a: F.nll_loss(a, autodiff.tensor(t), **ours_kw),
            lambda a: TF.nll_loss(a, torch.tensor(t), **theirs_kw),
            (x,),
            (1,),
        )


def test_cross_entropy_huge_logits_like_pytorch():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    _loss_pair(
        lambda a: F.cross_entropy(a, autodiff.tensor([1, 2])),
        lambda a: TF.cross_entropy(a, torch.tensor([1, 2])),
        (x,),
        (1,),
    )


def test_default_init_distribution_matches_pytorch_bounds():
    autodiff.manual_seed(0)
    ours = nn.Conv2d(3, 8, 5)
    bound = 1 / np.sqrt(3 * 25)
    assert np.abs(ours.weight.data).max() <= bound and np.abs(ours.bias.data).max() <= bound
    theirs = tnn.Conv2d(3, 8, 5)
    assert np.abs(theirs.weight.detach().numpy()).max() <= bound
