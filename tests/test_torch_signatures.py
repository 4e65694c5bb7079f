"""Every PyTorch function and layer autodiff has by name takes PyTorch's parameter
names (where PyTorch's signature can be read), so calls with keywords port as they
are; and the in-place flags and loss weights those parameters add behave as
PyTorch's."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _oracle import case as C  # noqa: E402
from _oracle import same_as_torch  # noqa: E402

import autodiff  # noqa: E402
import autodiff.nn as ann  # noqa: E402
import autodiff.nn.functional as aF  # noqa: E402

# parameters autodiff leaves out on purpose (porting table: CPU only, no pickle, ...)
NOT_TAKEN = {"out", "layout", "device", "pin_memory", "memory_format", "_stacklevel",
             "size_average", "reduce", "requires_grad", "names", "generator", "dtype_for_device"}
NOT_TAKEN_BY = {
    "save": {"pickle_module", "pickle_protocol", "_use_new_zipfile_serialization",
             "_disable_byteorder_record"},
    "load": {"pickle_module", "mmap"},
}


def _params(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None


def _readable(theirs, ours) -> bool:
    pt, pa = _params(theirs), _params(ours)
    return pt is not None and pa is not None and not any(
        p.kind == p.VAR_KEYWORD for p in pa.values())


def _pairs():
    """(theirs, ours, name) where both signatures can be read (PyTorch's C functions'
    cannot) and ours does not take **kwargs."""
    spaces = [(torch.nn.functional, aF, "F"), (torch, autodiff, "torch"),
              (torch.linalg, autodiff.linalg, "linalg")]
    for theirs, ours, label in spaces:
        for name in sorted(dir(theirs)):
            if name.startswith("_") or name not in dir(ours):
                continue
            t, a = getattr(theirs, name), getattr(ours, name)
            if callable(t) and not inspect.isclass(t) and _readable(t, a):
                yield pytest.param(t, a, name, id=f"{label}.{name}")
    for name in sorted(dir(torch.nn)):
        t = getattr(torch.nn, name)
        if not name.startswith("_") and inspect.isclass(t) and name in dir(ann):
            a = getattr(ann, name).__init__
            if _readable(t.__init__, a):
                yield pytest.param(t.__init__, a, name, id=f"nn.{name}")


@pytest.mark.parametrize(("theirs", "ours", "name"), list(_pairs()))
def test_pytorch_parameter_names_are_taken(theirs, ours, name):
    pt, pa = _params(theirs), _params(ours)
    skip = NOT_TAKEN | NOT_TAKEN_BY.get(name, set()) | {"device", "dtype"}
    missing = [k for k, p in pt.items()
               if k not in pa and k not in skip and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert not missing, f"{name}: PyTorch's parameters {missing} are not taken"


R = np.random.default_rng(53)
X = R.standard_normal((3, 4))
W = R.uniform(0.2, 2.0, (3, 4))
CASES = [
    C("relu-inplace-module", lambda M, x: M.nn.ReLU(inplace=True)(x * 1.0), X),
    C("leaky_relu-inplace", lambda M, x: M.nn.functional.leaky_relu(x * 1.0, 0.2, inplace=True), X),
    C("elu-module-inplace", lambda M, x: M.nn.ELU(0.5, inplace=True)(x * 1.0), X),
    C("relu_-no-grad", lambda M, x: M.nn.functional.relu_(x.detach().clone()), X, grad=False),
    C("threshold_", lambda M, x: M.nn.functional.threshold_(x.detach().clone(), 0.1, -2.0), X,
      grad=False),
    C("hardtanh_", lambda M, x: M.nn.functional.hardtanh_(x.detach().clone()), X, grad=False),
    C("dropout-eval-inplace", lambda M, x: M.nn.Dropout(0.3, inplace=True).eval()(x * 1.0), X),
    C("relu-input-keyword", lambda M, x: M.nn.functional.relu(input=x), X),
    C("norm-dtype", lambda M, x: M.norm(x, dtype=M.float64), X.astype(np.float32)),
    C("norm-dtype-narrowing", lambda M, x: M.norm(x, dtype=M.float32), X),
    *(C(f"{loss}-weight-{r}", lambda M, x, y, loss=loss, r=r, w=W: getattr(
        M.nn.functional, loss)(x, y, reduction=r, weight=M.tensor(w)), X, X[::-1].copy())
      for loss in ("mse_loss", "l1_loss", "huber_loss") for r in ("mean", "sum", "none")),
]


@pytest.mark.parametrize("fn,args,grad,tol", CASES)
def test_same_as_torch(fn, args, grad, tol):
    same_as_torch(fn, args, grad, tol)


def test_inplace_forms_change_their_input_as_pytorch():
    x = autodiff.tensor([-1.0, 2.0])
    assert aF.relu_(x) is x and x.tolist() == [0.0, 2.0]
    # recorded: the input itself takes the result and its history, as PyTorch's
    w = autodiff.tensor([-1.0, 2.0, 0.5], requires_grad=True)
    tw = torch.tensor([-1.0, 2.0, 0.5], requires_grad=True)
    for leaf, F_ in ((w, aF), (tw, torch.nn.functional)):
        h = leaf * 2.0
        F_.leaky_relu_(h, 0.1)
        g = leaf * 3.0
        F_.silu(g, inplace=True)
        (h * h + g).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        aF.relu(autodiff.ones(2, requires_grad=True), inplace=True)
    with pytest.raises(ValueError, match="weight of shape"):
        aF.mse_loss(autodiff.ones(2), autodiff.ones(2), weight=autodiff.ones(3))
    with pytest.warns(FutureWarning, match="min_value is deprecated"):
        assert ann.Hardtanh(min_value=-2.0).min_val == -2.0


def _bound_positional_names(fn) -> list[str] | None:
    """The positional parameter names ``torch.<name>`` binds, read from the TypeError a
    call without arguments raises (its C functions have no signature to read, and some
    docstrings disagree with the binding: true_divide's says ``dividend``)."""
    try:
        fn()
    except TypeError as err:
        text = str(err)
    except Exception:  # noqa: BLE001 - any other complaint says nothing of names
        return None
    else:
        return None
    missing = re.search(r"missing \d+ required positional arguments?: (.*)", text)
    if missing:
        return re.findall(r'"(\w+)"', missing.group(1))
    overload = re.search(r"expected (?:one of:\s*\* )?\(([^)]*)\)", text)
    if not overload:
        return None
    names = []
    for part in overload.group(1).split(","):
        part = part.strip()
        if part == "*" or not part:
            break
        names.append(part.split("=")[0].split()[-1])
    return names


def _exported_ops_with_bound_names():
    from autodiff.ops.registry import REGISTRY

    for info in REGISTRY.values():
        theirs = getattr(torch, info.name, None) if info.export and info.fn is info.public else None
        names = _bound_positional_names(theirs) if callable(theirs) else None
        if names:
            yield pytest.param(info.name, names, id=info.name)


@pytest.mark.parametrize(("name", "theirs"), list(_exported_ops_with_bound_names()))
def test_exported_ops_take_pytorchs_parameter_names(name, theirs):
    # autodiff.exp(input=t), autodiff.add(input=a, other=b), ... as PyTorch binds them
    params = inspect.signature(getattr(autodiff, name)).parameters.values()
    ours = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    k = min(len(ours), len(theirs))
    assert ours[:k] == theirs[:k], (ours, theirs)


# torch.linalg's det, inv and slogdet bind ``A`` while torch.det, torch.inverse and
# torch.slogdet bind ``input``: autodiff has one function for both (``input``); lstsq's
# right-hand side is ``b`` in the binding, ``B`` here (its docs' name)
LINALG_NAMES_APART = {"det", "inv", "slogdet", "lstsq"}


def _linalg_with_bound_names():
    for name in autodiff.linalg.__all__:
        theirs = getattr(torch.linalg, name, None)
        names = _bound_positional_names(theirs) if callable(theirs) else None
        if names and name not in LINALG_NAMES_APART:
            yield pytest.param(name, names, id=name)


@pytest.mark.parametrize(("name", "theirs"), list(_linalg_with_bound_names()))
def test_linalg_takes_pytorchs_parameter_names(name, theirs):
    params = inspect.signature(getattr(autodiff.linalg, name)).parameters.values()
    ours = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    theirs = [n for n in theirs if n.isidentifier()]  # (a default like {-2, -1} splits)
    k = min(len(ours), len(theirs))
    assert ours[:k] == theirs[:k], (ours, theirs)


# where the positional names differ on purpose: PyTorch's overloads (arange(end) and
# arange(start, end); randint(high, size) and randint(low, high, size); the split
# functions' sections or indices, here one argument for both), and parameters autodiff
# leaves out (load's pickle_module; the losses' deprecated size_average and reduce)
NAMES_APART = {"arange", "randint", "dsplit", "hsplit", "vsplit", "tensor_split", "load"}


def _positional(fn) -> list[str]:
    params = _params(fn)
    names = (_bound_positional_names(fn) if params is None else
             [n for n, p in params.items() if p.kind in (p.POSITIONAL_ONLY,
                                                         p.POSITIONAL_OR_KEYWORD)])
    return [n for n in names or [] if n not in NOT_TAKEN]


def _functions_by_name():
    for prefix, ours_ns, theirs_ns in (("", autodiff, torch), ("F.", aF, torch.nn.functional)):
        for name in sorted(set(dir(ours_ns)) & set(dir(theirs_ns)) - NAMES_APART):
            ours, theirs = getattr(ours_ns, name), getattr(theirs_ns, name)
            if name.startswith("_") or not callable(ours) or inspect.isclass(ours):
                continue
            mine, them = _positional(ours), _positional(theirs)
            if mine and them:  # (both readable: a signature, or the binding's TypeError)
                yield pytest.param(mine, them, id=prefix + name)


@pytest.mark.parametrize(("mine", "them"), list(_functions_by_name()))
def test_functions_take_pytorchs_positional_names(mine, them):
    # every function of autodiff and nn.functional that PyTorch has by name, including
    # those not declared as ops (factories, the *_like functions, comparisons of tensors)
    k = min(len(mine), len(them))
    assert mine[:k] == them[:k], (mine, them)


@pytest.mark.parametrize(
    "call",
    [
        lambda M, x: M.exp(input=x),
        lambda M, x: M.add(input=x, other=x, alpha=2),
        lambda M, x: M.mul(input=x, other=2.0),
        lambda M, x: M.pow(input=x, exponent=2),
        lambda M, x: M.clamp(input=x, min=-0.5, max=0.5),
        lambda M, x: M.sum(input=x, dim=1),
        lambda M, x: M.softmax(input=x, dim=-1),
        lambda M, x: M.transpose(input=x, dim0=0, dim1=1),
        lambda M, x: M.matmul(input=x, other=x.T),
        lambda M, x: M.lt(input=x, other=0.0),
        lambda M, x: M.gather(input=x, dim=1, index=M.tensor([[0], [1]])),
        lambda M, x: M.true_divide(input=x, other=2.0),
    ],
    ids=["exp", "add", "mul", "pow", "clamp", "sum", "softmax", "transpose", "matmul", "lt",
         "gather", "true_divide"],
)
def test_keyword_calls_port_as_they_are(call):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    same_as_torch(lambda M, a: call(M, a), (x,), grad=call(autodiff, autodiff.tensor(x)).dtype
                  .kind == "f", tol=None)


def test_reshape_and_permute_take_pytorchs_keywords():
    x = np.arange(24.0).reshape(2, 3, 4)
    for call in (lambda M, a: M.reshape(a, shape=(4, 6)), lambda M, a: a.reshape(shape=(6, 4)),
                 lambda M, a: M.permute(a, dims=(2, 0, 1)), lambda M, a: a.permute(dims=(1, 0, 2))):
        same_as_torch(call, (x,), True, None)
    with pytest.raises(TypeError, match="got multiple values for argument 'shape'"):
        autodiff.reshape(autodiff.tensor(x), 4, 6, shape=(4, 6))
