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

from .. import _lazy
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

# loaded on first use (autodiff/_lazy.py), as the layers a plain MLP does not need
__getattr__, __dir__ = _lazy.attach(__name__, {"lr_scheduler": ".lr_scheduler"})

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
