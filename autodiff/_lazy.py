"""Names a package loads on first use (PEP 562), so ``import autodiff`` stays light.

A package gives, for each name it loads lazily, the module that defines it
(relative to the package). The first access to the name imports that module
and stores the value in the package, so every later access is a plain
attribute lookup. ``dir()``, ``from package import *`` and
``from package import name`` see every name, loaded or not.

Only leaf features are lazy (data loading, checkpoints, distributed training,
recurrent and transformer layers, schedulers, ...): nothing a model's forward
or backward pass needs, and nothing that registers ops or Tensor methods.

Examples
--------
>>> import autodiff.nn
>>> autodiff.nn.LSTM.__module__   # loaded now, on first use
'autodiff.nn.recurrent'
>>> "LSTM" in dir(autodiff.nn)
True
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def attach(
    package: str, names: dict[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` that load ``names`` of ``package`` on first use.

    Parameters
    ----------
    package : str
        The package's (or module's) ``__name__``.
    names : dict
        Each lazily loaded name -> the module that defines it, relative to the
        package (``".recurrent"``; for a module, relative to its package). A name
        that is the module's own last part (``"lr_scheduler": ".lr_scheduler"``) is
        the module itself.

    Returns
    -------
    (__getattr__, __dir__)
        Assign both at the package's top level.

    Examples
    --------
    >>> getattr_, dir_ = attach("json", {"dumps": ".encoder"})
    >>> getattr_("dumps").__module__    # json.encoder has no dumps: json's own
    Traceback (most recent call last):
    AttributeError: module 'json.encoder' has no attribute 'dumps'
    >>> getattr_, dir_ = attach("json", {"decoder": ".decoder"})
    >>> getattr_("decoder").__name__
    'json.decoder'
    """

    def __getattr__(name: str) -> object:
        where = names.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        # (relative to the package; for a module, its package: its __package__)
        module = importlib.import_module(where, sys.modules[package].__package__)
        value = module if where.rpartition(".")[2] == name else getattr(module, name)
        setattr(sys.modules[package], name, value)  # later accesses skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
