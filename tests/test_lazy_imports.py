"""Leaf features load on first use (autodiff/_lazy.py): ``import autodiff`` does not
import them, yet every name works, shows in ``dir()`` and in ``__all__``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import autodiff
import autodiff.nn
import autodiff.optim

LAZY_MODULES = (
    "autodiff.data",
    "autodiff.distributed",
    "autodiff.serialization",
    "autodiff.checks",
    "autodiff.autograd",
    "autodiff.linalg",
    "autodiff.nn.recurrent",
    "autodiff.nn.transformer",
    "autodiff.nn.conv",
    "autodiff.nn.parallel",
    "autodiff.optim.lr_scheduler",
    "autodiff.nn.margin_losses",
    "autodiff.nn.likelihood_losses",
)


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_autodiff_leaves_the_leaf_features_unloaded():
    loaded = _run(
        f"""
        import sys
        import autodiff, autodiff.nn, autodiff.optim
        print(sorted(m for m in {LAZY_MODULES!r} if m in sys.modules))
        """
    )
    assert loaded.strip() == "[]"


def test_a_lazy_name_loads_its_module_on_first_use():
    out = _run(
        """
        import sys
        import autodiff
        from autodiff.nn import LSTM
        print(LSTM.__module__, "autodiff.nn.recurrent" in sys.modules)
        print(autodiff.save.__module__, autodiff.optim.lr_scheduler.StepLR.__name__)
        from autodiff import *  # noqa: F403
        print(gradcheck.__module__, autodiff.data.DataLoader.__name__)
        """
    )
    assert out.split() == [
        "autodiff.nn.recurrent", "True", "autodiff.serialization", "StepLR",
        "autodiff.checks", "DataLoader",
    ]


@pytest.mark.parametrize(
    ("package", "name"),
    [(autodiff, "save"), (autodiff, "data"), (autodiff.nn, "Conv2d"), (autodiff.optim, "lr_scheduler"),
     (autodiff.nn.functional, "triplet_margin_loss"), (autodiff.nn, "GaussianNLLLoss")],
)
def test_lazy_names_are_listed_and_resolve_to_their_definitions(package, name):
    assert name in dir(package)
    assert name in package.__all__
    value = getattr(package, name)
    assert getattr(package, name) is value  # (stored on first use: later a plain lookup)


def test_an_unknown_name_raises_attribute_error_naming_the_package():
    with pytest.raises(AttributeError, match="module 'autodiff.nn' has no attribute 'Conv9d'"):
        autodiff.nn.Conv9d  # noqa: B018
    with pytest.raises(ImportError):
        from autodiff import no_such_name  # noqa: F401


def test_submodules_are_attributes_before_anything_imports_them():
    out = _run(
        """
        import autodiff
        print(autodiff.serialization.__name__, autodiff.checks.__name__,
              autodiff.nn.norm.__name__, autodiff.nn.conv.__name__, autodiff.nn.recurrent.__name__)
        """
    )
    assert out.split() == ["autodiff.serialization", "autodiff.checks", "autodiff.nn.norm",
                           "autodiff.nn.conv", "autodiff.nn.recurrent"]
