"""Every public name has a docstring with a runnable example (issue 19).

Public names: what each public module exports (``__all__``, else its
non-underscore names defined in autodiff), every public class's public methods
and properties (inherited ones from autodiff classes too, as ``help()`` shows
them), and every public method of ``Tensor``, wherever it is bound. A method
may inherit its docstring from the method it overrides (as ``inspect.getdoc``
and ``help()`` do: ``Linear.forward`` is documented by ``Module.forward``).
The examples themselves run in tests/test_doctests.py.
"""

import importlib
import inspect

import pytest

import autodiff

PUBLIC_MODULES = [
    "autodiff",
    "autodiff.nn",
    "autodiff.nn.functional",
    "autodiff.nn.init",
    "autodiff.nn.utils",
    "autodiff.nn.parallel",
    "autodiff.optim",
    "autodiff.optim.lr_scheduler",
    "autodiff.data",
    "autodiff.linalg",
    "autodiff.amp",
    "autodiff.autograd",
    "autodiff.autograd.functional",
    "autodiff.viz",
    "autodiff.checks",
    "autodiff.serialization",
    "autodiff.distributed",
    "autodiff.random",
    "autodiff.factories",
    "autodiff.grad_mode",
    "autodiff.device",
    "autodiff.backends",
    "autodiff.tensor",
    "autodiff.function",
    "autodiff.demo",
]


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith("autodiff")


def _exports(module) -> dict:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    out = {}
    for n in names:
        obj = getattr(module, n)
        if inspect.ismodule(obj) or not callable(obj) or not _ours(obj):
            continue  # submodules, dtypes, constants, names from NumPy
        out[f"{module.__name__}.{n}"] = obj
    return out


def _members(cls) -> dict:
    """Public methods and properties of ``cls`` defined in autodiff classes."""
    out = {}
    for n in dir(cls):
        if n.startswith("_"):
            continue
        owner = next((k for k in cls.__mro__ if n in vars(k)), None)
        if owner is None or not _ours(owner):
            continue
        raw = vars(owner)[n]
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        if isinstance(raw, property) or inspect.isroutine(raw):
            out[f"{cls.__module__}.{cls.__qualname__}.{n}"] = getattr(cls, n, raw) if not \
                isinstance(raw, property) else raw
    return out


def public_names() -> dict:
    names = {}
    for mod in PUBLIC_MODULES:
        for qual, obj in _exports(importlib.import_module(mod)).items():
            names.setdefault(qual, obj)
            if inspect.isclass(obj):
                for mq, m in _members(obj).items():
                    names.setdefault(mq, m)
    for mq, m in _members(autodiff.Tensor).items():
        names.setdefault(mq, m)
    return names


def _problems(what) -> list:
    bad = []
    for qual, obj in sorted(public_names().items()):
        doc = inspect.getdoc(obj) if not inspect.isclass(obj) else obj.__doc__
        if what == "docstring" and not (doc or "").strip():
            bad.append(qual)
        elif what == "example" and doc and ">>>" not in doc:
            bad.append(qual)
    return bad


def test_the_survey_sees_the_api():
    names = public_names()
    # enough to know the walk works: the op exports, Tensor methods, nn and optim
    for q in ("autodiff.sin", "autodiff.tensor.Tensor.float", "autodiff.nn.Linear",
              "autodiff.optim.Adam", "autodiff.optim.adam.Adam.step",
              "autodiff.nn.module.Module.state_dict", "autodiff.viz.draw"):
        assert q in names, q
    assert len(names) > 600


@pytest.mark.parametrize("what", ["docstring", "example"])
def test_every_public_name_is_documented(what):
    bad = _problems(what)
    assert not bad, f"{len(bad)} public name(s) without a {what}: {', '.join(bad)}"


def _signature_problem(obj) -> str | None:
    """What is missing from ``obj``'s type hints (None: nothing). A class is checked by
    its ``__init__`` when an autodiff class defines one (an inherited ``object`` or
    ``Exception`` ``__init__`` has nothing to annotate)."""
    fn = obj.fget if isinstance(obj, property) else obj
    if inspect.isclass(fn):
        owner = next((k for k in fn.__mro__ if "__init__" in vars(k)), object)
        if not _ours(owner):
            return None
        fn = fn.__init__
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as e:
        return f"no signature ({e})"
    missing = [n for n, p in sig.parameters.items()
               if n not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
        missing.append("return")
    return ", ".join(missing) or None


def test_public_signatures_are_type_hinted():
    """Every public name: parameters and return annotated (``__init__`` returns None)."""
    bad = []
    for qual, obj in sorted(public_names().items()):
        problem = _signature_problem(obj)
        if problem:
            bad.append(f"{qual} ({problem})")
    assert not bad, f"{len(bad)} public signature(s) without type hints: {'; '.join(bad)}"


def test_the_hint_check_can_fail():
    def unhinted(x, y: int):
        return x

    def hinted(x: int, *args: int, **kw: str) -> int:
        return x

    class Mine:
        def __init__(self, a) -> None:
            pass

    Mine.__module__ = unhinted.__module__ = hinted.__module__ = "autodiff.fake"
    assert _signature_problem(unhinted) == "x, return"
    assert _signature_problem(hinted) is None
    assert _signature_problem(Mine) == "a"
    assert _signature_problem(property(unhinted)) == "x, return"
    assert _signature_problem(autodiff.checks.GradcheckError) is None  # Exception's __init__


def test_fast_path_ops_keep_their_hints():
    # the ops rebuilt by _fast_unary / _arith (inlined fast paths) show their hints
    for fn in (autodiff.exp, autodiff.tanh, autodiff.add, autodiff.mul, autodiff.Tensor.relu,
               autodiff.Tensor.__add__, autodiff.log1p):
        sig = inspect.signature(fn)
        assert sig.return_annotation == "Tensor", fn
        assert all(p.annotation == "TensorLike" for p in sig.parameters.values()), fn
