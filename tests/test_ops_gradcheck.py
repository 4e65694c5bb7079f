"""Every registered op, gradchecked in float64 on its own samples, first and second order."""

import inspect

import numpy as np
import pytest

import autodiff
from autodiff.ops.registry import REGISTRY, Arg


def _materialise(sample):
    args = []
    for a in sample.args:
        if isinstance(a, Arg):
            args.append(
                autodiff.Tensor(np.array(a.value, dtype=np.float64), requires_grad=a.requires_grad)
            )
        else:
            args.append(a)
    return args


def _cases(differentiable=True):
    for name, info in sorted(REGISTRY.items()):
        if info.differentiable != differentiable:
            continue
        for k, sample in enumerate(info.samples()):
            yield pytest.param(name, k, id=f"{name}-{k}{'-' + sample.note if sample.note else ''}")


def _run(name, k, second):
    info = REGISTRY[name]
    sample = info.samples()[k]
    args = _materialise(sample)
    tensor_pos = [i for i, a in enumerate(args) if isinstance(a, autodiff.Tensor)]

    def fn(*tensors):
        full = list(args)
        for i, t in zip(tensor_pos, tensors):
            full[i] = t
        return info.fn(*full, **sample.kwargs)

    inputs = tuple(args[i] for i in tensor_pos)
    check = autodiff.gradgradcheck if second else autodiff.gradcheck
    assert check(fn, inputs, **sample.check)


@pytest.mark.parametrize("name,k", list(_cases()))
def test_first_order(name, k):
    _run(name, k, second=False)


@pytest.mark.parametrize("name,k", list(_cases()))
def test_second_order(name, k):
    info = REGISTRY[name]
    if not info.second_order:
        pytest.skip("op declared first-order only")
    _run(name, k, second=True)


@pytest.mark.parametrize("name,k", list(_cases(differentiable=False)))
def test_non_differentiable_ops_give_no_grad(name, k):
    info = REGISTRY[name]
    sample = info.samples()[k]
    out = info.fn(*_materialise(sample), **sample.kwargs)
    assert not out.requires_grad


def test_forward_keeps_float32():
    """Each op run on float32 inputs gives float32 outputs and float32 gradients."""
    for name, info in REGISTRY.items():
        if not info.differentiable or name == "to":  # "to" converts dtypes by design
            continue
        sample = info.samples()[0]
        args = [
            autodiff.Tensor(np.array(a.value, dtype=np.float32), requires_grad=True)
            if isinstance(a, Arg)
            else a
            for a in sample.args
        ]
        out = info.fn(*args, **sample.kwargs)
        assert out.dtype == np.float32, name
        out.sum().backward() if out.ndim else out.backward()
        for a in args:
            if isinstance(a, autodiff.Tensor) and a.grad is not None:
                assert a.grad.dtype == np.float32, name


PUBLIC_OPS = """add sub mul div pow maximum minimum neg exp log sqrt abs sin cos tanh sigmoid relu
clamp where masked_fill sum mean max min var std logsumexp softmax log_softmax reshape view
flatten transpose permute squeeze unsqueeze expand matmul gather cat stack argmax argmin
leaky_relu gelu softplus elu einsum norm""".split()


def test_every_public_op_is_registered():
    missing = [n for n in PUBLIC_OPS if n not in REGISTRY]
    assert not missing, f"public ops missing from the registry: {missing}"
    assert "getitem" in REGISTRY and "setitem" in REGISTRY
    # every public function of the top-level module that builds a node is declared
    for name in PUBLIC_OPS:
        assert callable(getattr(autodiff, name)), name
    assert inspect.isfunction(autodiff.add)
