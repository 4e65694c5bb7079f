"""``autodiff.utils.data``: the same module as ``autodiff.data`` (PyTorch's
``torch.utils.data``), so ``from autodiff.utils.data import DataLoader`` works.

Examples
--------
>>> import autodiff
>>> import autodiff.utils.data as tud
>>> tud is autodiff.data
True
"""

import sys

from .. import data as _data

sys.modules[__name__] = _data
