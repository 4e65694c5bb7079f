"""Every registered op, gradchecked in float64 on its own samples, first and second order."""

import inspect

import numpy as np
import pytest
from _samples import materialise, op_cases  # noqa: E402 - tests/ is on sys.path

import autodiff
from autodiff.ops.registry import REGISTRY, Arg


def _run(name, k, second):
    info = REGISTRY[name]
    sample = info.samples()[k]
    args = materialise(sample)
    tensor_pos = [i for i, a in enumerate(args) if isinstance(a, autodiff.Tensor)]

    def fn(*tensors):
        full = list(args)
        for i, t in zip(tensor_pos, tensors):
            full[i] = t
        return info.fn(*full, **sample.kwargs)

    inputs = tuple(args[i] for i in tensor_pos)
    check = autodiff.gradgradcheck if second else autodiff.gradcheck
    assert check(fn, inputs, **sample.check)


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.differentiable))
def test_first_order(name, k):
    _run(name, k, second=False)


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.differentiable))
def test_second_order(name, k):
    info = REGISTRY[name]
    if not info.second_order:
        pytest.skip("op declared first-order only")
    _run(name, k, second=True)


@pytest.mark.parametrize("name,k", op_cases(lambda info: not info.differentiable))
def test_non_differentiable_ops_give_no_grad(name, k):
    info = REGISTRY[name]
    sample = info.samples()[k]
    out = info.fn(*materialise(sample), **sample.kwargs)
    assert not out.requires_grad


def test_forward_keeps_float32():
    """Each op run on float32 inputs gives float32 outputs and float32 gradients."""
    for name, info in REGISTRY.items():
        # "to" converts dtypes by design; float_power computes in float64 (as PyTorch)
        if not info.differentiable or name in ("to", "float_power"):
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


# whole-tensor answers (Python bools or no graph at all), not ops
NOT_OPS = {"allclose", "equal", "isclose", "can_cast", "promote_types", "result_type"}


def test_every_public_op_is_declared():
    """Exports and Tensor methods come from the declarations: every public function
    of autodiff that an op module defines is declared (so it is gradchecked)."""
    declared = {id(info.public) for info in REGISTRY.values() if info.public is not None}
    undeclared = [
        name
        for name in autodiff.__all__
        if inspect.isfunction(getattr(autodiff, name))
        and getattr(autodiff, name).__module__.startswith("autodiff.ops")
        and name not in NOT_OPS
        and id(getattr(autodiff, name)) not in declared
    ]
    assert not undeclared, f"public ops not declared with registry.op: {undeclared}"
    for name, info in REGISTRY.items():
        if info.export:
            assert getattr(autodiff, name) is info.public, name
        if info.method:
            assert getattr(autodiff.Tensor, info.method) is info.public, info.method
    # the routes checked besides the public functions
    assert "getitem" in REGISTRY and "setitem" in REGISTRY and "mul_self" in REGISTRY


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.ref is not None))
def test_forward_matches_the_numpy_reference(name, k):
    info = REGISTRY[name]
    sample = info.samples()[k]
    args = materialise(sample)
    arrays = [a.data if isinstance(a, autodiff.Tensor) else a for a in args]
    out = info.fn(*args, **sample.kwargs)
    np.testing.assert_allclose(out.data, info.ref(*arrays, **sample.kwargs), rtol=1e-12)


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.errors is not None, errors=True))
def test_error_inputs_raise_what_they_declare(name, k):
    info = REGISTRY[name]
    case = info.errors()[k]
    with pytest.raises(case.error, match=case.match):
        info.public(*case.args, **case.kwargs)
