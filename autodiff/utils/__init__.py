"""``autodiff.utils``: PyTorch's ``torch.utils`` namespace; ``autodiff.utils.data`` is
``autodiff.data``.

Examples
--------
>>> import autodiff.utils.data
>>> from autodiff.utils.data import DataLoader
>>> DataLoader is autodiff.data.DataLoader
True
"""

from . import data

__all__ = ["data"]
