"""Optimizers (``SGD Adam AdamW RMSprop Adagrad``) and ``lr_scheduler``, as in PyTorch.

Examples
--------
>>> import autodiff
>>> w = autodiff.tensor([3.0], requires_grad=True)
>>> opt = autodiff.optim.Adam([w], lr=0.1)
>>> for _ in range(100):
...     opt.zero_grad()
...     loss = (w * w).sum()
...     loss.backward()
...     opt.step()
>>> abs(w.item()) < 0.1
True
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
