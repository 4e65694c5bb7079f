"""Module API: parameter discovery, state dicts, modes, repr, containers, weight sharing."""

from collections import OrderedDict

import numpy as np
import pytest

import autodiff
from autodiff import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(autodiff.ones(3))
        self.net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.heads = [nn.Linear(2, 1), nn.Linear(2, 1)]
        self.extra = {"bn": nn.BatchNorm1d(2)}

    def forward(self, x):
        h = self.net(x * self.scale)
        h = self.extra["bn"](h)
        return self.heads[0](h) + self.heads[1](h)


def test_named_parameters_order_and_names():
    names = [n for n, _ in Block().named_parameters()]
    assert names == [
        "scale",
        "net.0.weight",
        "net.0.bias",
        "net.2.weight",
        "net.2.bias",
        "heads.0.weight",
        "heads.0.bias",
        "heads.1.weight",
        "heads.1.bias",
        "extra.bn.weight",
        "extra.bn.bias",
    ]
    assert all(isinstance(p, nn.Parameter) for p in Block().parameters())


def test_mlp_names_and_shapes():
    mlp = nn.MLP(4, [8, 6], 3, activation="tanh", dropout=0.1)
    named = dict(mlp.named_parameters())
    assert list(named) == [
        "net.0.weight",
        "net.0.bias",
        "net.3.weight",
        "net.3.bias",
        "net.6.weight",
        "net.6.bias",
    ]
    assert named["net.3.weight"].shape == (6, 8)
    assert isinstance(mlp.net[1], nn.Tanh) and isinstance(mlp.net[2], nn.Dropout)
    assert mlp(autodiff.zeros(5, 4)).shape == (5, 3)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        nn.MLP(2, 3, 1, activation="swishy")


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.modules())) == 3  # seq, lin (once), relu


def test_children_and_modules():
    b = Block()
    assert [n for n, _ in b.named_children()] == ["net", "heads.0", "heads.1", "extra.bn"]
    names = [n for n, _ in b.named_modules()]
    assert names[:3] == ["", "net", "net.0"] and "extra.bn" in names


def test_state_dict_order_buffers_and_roundtrip():
    autodiff.manual_seed(1)
    a = Block()
    sd = a.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd)[-5:] == [
        "extra.bn.weight",
        "extra.bn.bias",
        "extra.bn.running_mean",
        "extra.bn.running_var",
        "extra.bn.num_batches_tracked",
    ]
    assert sd["extra.bn.num_batches_tracked"].dtype == np.int64
    assert not sd["net.0.weight"].requires_grad
    autodiff.manual_seed(2)
    b = Block()
    w_before = b.net[0].weight
    x = autodiff.randn(5, 3)
    b.eval()
    a.eval()
    assert not np.allclose(a(x).data, b(x).data)
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.net[0].weight is w_before  # copied in place
    np.testing.assert_array_equal(a(x).data, b(x).data)
    # the state dict shares memory with the module (as PyTorch)
    sd = a.state_dict()
    with autodiff.no_grad():
        a.scale.fill_(3.0)
    assert sd["scale"].data[0] == 3.0


def test_load_state_dict_errors():
    net = nn.Sequential(nn.Linear(3, 2))
    sd = net.state_dict()
    bad = dict(sd)
    del bad["0.bias"]
    bad["1.weight"] = autodiff.zeros(2)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "0.bias"') as err:
        net.load_state_dict(bad)
    assert 'Unexpected key(s) in state_dict: "1.weight"' in str(err.value)
    res = net.load_state_dict(bad, strict=False)
    assert res.missing_keys == ["0.bias"] and res.unexpected_keys == ["1.weight"]
    wrong = dict(sd)
    wrong["0.weight"] = autodiff.zeros(3, 2)
    with pytest.raises(RuntimeError, match=r"size mismatch for 0.weight: .*\(3, 2\).*\(2, 3\)"):
        net.load_state_dict(wrong, strict=False)
    with pytest.raises(TypeError, match="dict"):
        net.load_state_dict([1, 2])


def test_load_state_dict_keeps_optimizer_references_working():
    net = nn.Linear(2, 1)
    w = net.weight
    net.load_state_dict({"weight": np.array([[1.0, 2.0]]), "bias": np.array([0.5])})
    assert net.weight is w and w.dtype == np.float32
    np.testing.assert_allclose(net(autodiff.ones(1, 2)).data, [[3.5]])


def test_train_eval_propagate():
    b = Block()
    assert all(m.training for m in b.modules())
    assert b.eval() is b
    assert not any(m.training for m in b.modules())
    b.train()
    assert b.extra["bn"].training and b.net[1].training
    with pytest.raises(TypeError, match="bool"):
        b.train("no")


def test_zero_grad_and_requires_grad():
    net = nn.Linear(3, 2)
    net(autodiff.ones(4, 3)).sum().backward()
    assert net.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert float(net.weight.grad.abs().sum()) == 0.0
    net.zero_grad()
    assert net.weight.grad is None and net.bias.grad is None
    net.requires_grad_(False)
    assert not net(autodiff.ones(1, 3)).requires_grad


def test_repr_is_nested_like_pytorch():
    net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Linear(in_features=64, out_features=32, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.5, inplace=False)\n"
        "  (3): Linear(in_features=32, out_features=10, bias=True)\n"
        ")"
    )
    assert "(net): Sequential(\n    (0): Linear" in repr(nn.MLP(2, 3, 1))
    assert repr(nn.Conv2d(1, 16, 3)) == "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.BatchNorm1d(4)).startswith("BatchNorm1d(4, eps=1e-05, momentum=0.1")
    assert repr(nn.LSTMCell(3, 5)) == "LSTMCell(3, 5)"
    assert repr(nn.Parameter(autodiff.zeros(1))).startswith("Parameter containing:\nTensor(")


def test_sequential_indexing_slicing_and_iteration():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(net) == 3 and isinstance(net[-1], nn.Linear)
    head = net[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is net[0]
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(IndexError, match="out of range"):
        net[5]
    named = nn.Sequential(OrderedDict([("enc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert [n for n, _ in named.named_parameters()] == ["enc.weight", "enc.bias"]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    ml.append(nn.Linear(2, 1))
    assert len(ml) == 3 and [n for n, _ in ml.named_parameters()][-1] == "2.bias"
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.ReLU()
    assert list(md) == ["a", "b"] and "b" in md and isinstance(md["a"], nn.Linear)


def test_register_buffer_and_assignment_rules():
    m = nn.Module()
    m.register_buffer("count", autodiff.zeros(1))
    m.w = nn.Parameter(autodiff.ones(2))
    assert [n for n, _ in m.named_buffers()] == ["count"]
    assert list(m.state_dict()) == ["w", "count"]
    with pytest.raises(TypeError, match="cannot assign Tensor as parameter 'w'"):
        m.w = autodiff.ones(2)
    with pytest.raises(TypeError, match="buffer 'count'"):
        m.count = 3

    class Forgot(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgot()
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        nn.Module()(autodiff.ones(1))


def test_apply_and_to_dtype():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    net.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert float(net[0].weight.abs().sum()) == 0.0
    w = net[0].weight
    net.double()
    assert net[0].weight is w and w.dtype == np.float64
    assert net[1].running_mean.dtype == np.float64
    assert net[1].num_batches_tracked.dtype == np.int64
    assert net(autodiff.randn(3, 2, dtype=autodiff.float64)).dtype == np.float64
    net.float()
    assert w.dtype == np.float32


def test_module_call_is_recorded_for_graph_grouping():
    lin = nn.Linear(3, 2)
    out = lin(autodiff.ones(1, 3))
    calls = getattr(out.grad_fn, "calls", None)
    assert calls and calls[0][0] is lin


def test_weight_sharing_sums_gradients():
    autodiff.manual_seed(3)
    lin = nn.Linear(4, 4)
    x = autodiff.randn(2, 4)
    lin(lin(lin(x))).sum().backward()
    shared = lin.weight.grad.data.copy()
    # the same computation with three separate copies of the weights
    copies = [nn.Linear(4, 4) for _ in range(3)]
    for c in copies:
        c.load_state_dict(lin.state_dict())
    copies[2](copies[1](copies[0](x))).sum().backward()
    total = sum(c.weight.grad.data for c in copies)
    np.testing.assert_allclose(shared, total, rtol=1e-5, atol=1e-6)


def test_same_module_twice_in_containers_is_applied_twice():
    # review: Sequential(act, ..., act) used to drop the second occurrence (as PyTorch, it
    # is applied again, counted by len, shown in repr and saved under both names).
    torch = pytest.importorskip("torch")
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    x = autodiff.randn(3, 2)
    np.testing.assert_allclose(seq(x).data, lin(lin(x)).data, rtol=1e-6)
    assert len(seq) == 2 and seq[1] is lin and seq[-1] is lin
    assert len(nn.ModuleList([lin, lin])) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert len(list(seq.parameters())) == 2  # parameters are still listed once
    relu = nn.ReLU()
    net = nn.Sequential(nn.Linear(2, 3), relu, nn.Linear(3, 3), relu)
    assert len(net) == 4 and "(3): ReLU()" in repr(net)
    assert net(-autodiff.ones(1, 2) * 100).data.min() >= 0  # the last ReLU is applied
    tl = torch.nn.Linear(2, 2)
    assert list(seq.state_dict()) == list(torch.nn.Sequential(tl, tl).state_dict())
    seq.load_state_dict(seq.state_dict())


def test_non_persistent_buffer_is_left_out_of_state_dict():
    # once: persistent=False was ignored, and strict loading demanded the buffer
    m = nn.Module()
    m.register_buffer("steps", autodiff.zeros(1))
    m.register_buffer("cache", autodiff.ones(3), persistent=False)
    assert list(m.state_dict()) == ["steps"]
    assert [n for n, _ in m.named_buffers()] == ["steps", "cache"]
    fresh = nn.Module()
    fresh.register_buffer("steps", autodiff.zeros(1))
    fresh.register_buffer("cache", autodiff.zeros(3), persistent=False)
    fresh.load_state_dict(m.state_dict())  # strict: no missing key
    m.register_buffer("cache", autodiff.ones(3))  # registered again as persistent
    assert list(m.state_dict()) == ["steps", "cache"]


def test_parameter_copies_its_initial_value():
    # (PyTorch shares a Tensor's memory; a copy keeps the source and the parameter
    # independent, so neither can silently change the other's saved values)
    w = autodiff.zeros(3)
    p = nn.Parameter(w)
    w.add_(1.0)
    np.testing.assert_array_equal(p.data, [0.0, 0.0, 0.0])
    assert p.requires_grad and p.is_leaf and not w.requires_grad
    # a 0-d op result (a NumPy scalar inside) becomes an array an optimizer can update
    s = nn.Parameter(autodiff.tensor(1.0) * 0.5)
    s.grad = autodiff.tensor(2.0)
    autodiff.optim.SGD([s], lr=0.1).step()
    assert float(s.data) == pytest.approx(0.3)
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        nn.Parameter(autodiff.tensor([1, 2]))
