"""Every public op (autodiff.X or Tensor.X), given something that is not a tensor
where its samples take one, raises a TypeError that says what it got (never an
AttributeError or a NumPy message from inside). Registry-driven: a new op is checked
as soon as it is declared."""

from __future__ import annotations

import pytest
from _samples import materialise

import autodiff
from autodiff.ops.registry import REGISTRY, Arg

# Tensor.__getitem__/__setitem__'s first operand is always the tensor itself
SELF_ONLY = {("getitem", 0), ("setitem", 0)}


def _cases():
    for info in REGISTRY.values():
        if not (info.export or info.method) or info.fn is not info.public:
            continue  # (further routes of an op: called by its public function only)
        samples = info.samples()
        if not samples:
            continue
        for k, a in enumerate(samples[0].args):
            if isinstance(a, Arg) and (info.name, k) not in SELF_ONLY:
                yield pytest.param(info, k, id=f"{info.name}-{k}")


@pytest.mark.parametrize(("info", "position"), list(_cases()))
def test_a_string_for_a_tensor_argument_raises_a_type_error_saying_so(info, position):
    sample = info.samples()[0]
    args = materialise(sample)
    args[position] = "not a tensor"
    with pytest.raises(TypeError) as raised:
        info.fn(*args, **sample.kwargs)
    message = str(raised.value)
    assert "str" in message, message
    assert "ufunc" not in message and "numpy" not in message.lower(), message


def test_comparison_operators_with_a_string_or_a_list_behave_as_pytorch():
    t = autodiff.tensor([1.0, 2.0])
    assert (t == "a") is False and (t != "a") is True
    assert (t == [1.0, 2.0]) is False and (t == (1, "a")) is False and (t != [1.0]) is True
    with pytest.raises(TypeError, match="'<' not supported between instances of 'Tensor' and 'list'"):
        t < [2.0, 3.0]  # noqa: B015
    assert autodiff.eq(t, [1.0, 3.0]).tolist() == [True, False]  # (the function compares)
    with pytest.raises(TypeError, match="'<' not supported between instances of 'Tensor' and 'str'"):
        t < "a"  # noqa: B015
    with pytest.raises(TypeError, match="lt: argument 'other' must be a Tensor or a number, got str"):
        autodiff.lt(t, "a")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: autodiff.cov("x"), "cov: argument 'input' must be a Tensor, got str"),
        (lambda: autodiff.prod("x"), "prod: argument 'input' must be a Tensor, got str"),
        (lambda: autodiff.meshgrid("x"), "meshgrid: argument 'tensors' must be a Tensor, got str"),
        (lambda: autodiff.mul(autodiff.ones(2), "x"), "mul: unsupported operand 'x' of type str"),
        (lambda: autodiff.xlogy(autodiff.ones(2), "x"), "xlogy: argument 'other' must be a Tensor"),
    ],
)
def test_the_message_names_the_op_and_the_argument(call, message):
    with pytest.raises(TypeError) as raised:
        call()
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_"])
@pytest.mark.parametrize("recorded", [False, True])
def test_an_in_place_op_given_none_says_so(name, recorded):
    # p.sub_(p.grad) before any backward: a TypeError naming what it got, as PyTorch's,
    # not NumPy's "unsupported operand type(s) for *" from inside
    p = autodiff.ones(3, requires_grad=True)
    kwargs = {"alpha": 0.1} if name in ("add_", "sub_") else {}
    with autodiff.set_grad_enabled(recorded), pytest.raises(
        TypeError, match=f"{name}: argument 'other' must be a Tensor or a number, got NoneType"
    ):
        # recorded: a non-leaf that requires grad; else an optimizer's update
        getattr(p * 1 if recorded else p, name)(None, **kwargs)
    assert p.tolist() == [1.0, 1.0, 1.0]
