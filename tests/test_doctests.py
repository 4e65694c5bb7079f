"""Every docstring example in the package runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import autodiff


def _modules():
    names = ["autodiff"]
    for info in pkgutil.walk_packages(autodiff.__path__, "autodiff."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_tensor_method_examples():
    """Tensor's methods are bound from many modules (autodiff/ops/__init__.py binds
    some as lambdas, documented in autodiff/_tensor_docs.py), so the module walk
    above misses some: run every method's examples here, in its own module's globals."""
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for name, member in vars(autodiff.Tensor).items():
        fn = member.fget if isinstance(member, property) else member
        fn = getattr(fn, "__func__", fn)
        if getattr(member, "__doc__", None) is None or not callable(fn):
            continue
        for test in finder.find(member, f"Tensor.{name}", module=False,
                                globs=dict(getattr(fn, "__globals__", {}))):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 300
    assert result.failed == 0, f"{result.failed} Tensor method example(s) failed"
