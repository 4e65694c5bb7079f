"""A griffe extension for the API reference (mkdocs.yml, mkdocstrings ``extensions``).

The reference is made by importing autodiff (``force_inspection``: ops and Tensor
methods are bound at import time), and inspection lists every attribute of a class,
``__annotations__``, ``__doc__`` and ``__module__`` included. This drops the special
names but ``__init__`` (its parameters are the class's signature).
"""

from __future__ import annotations

import griffe


class DropSpecialMembers(griffe.Extension):
    def on_class_members(self, *, cls: griffe.Class, **kwargs) -> None:
        for name in [n for n in cls.members if n.startswith("__") and n.endswith("__")]:
            if name != "__init__":
                del cls.members[name]
