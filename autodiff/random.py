"""``autodiff.Generator``: a random number generator object, as ``torch.Generator``.

Pass one as ``generator=`` to ``rand randn randint randperm multinomial`` and to
``Tensor.normal_``/``uniform_`` to draw from it instead of the global generator
(``autodiff.manual_seed``). Draws come from NumPy's PCG64, so the numbers differ
from PyTorch's; the same seed gives the same draws.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from .device import device as _device

if TYPE_CHECKING:  # (annotations only: tensor.py imports this module)
    from ._typing import DeviceLike
    from .tensor import Tensor


class Generator:
    """A seedable source of random numbers, independent of the global one.

    Parameters
    ----------
    device : str or autodiff.device, optional
        Only ``"cpu"`` exists.

    Examples
    --------
    >>> import autodiff
    >>> g = autodiff.Generator().manual_seed(42)
    >>> a = autodiff.randn(3, generator=g)
    >>> b = autodiff.randn(3, generator=autodiff.Generator().manual_seed(42))
    >>> bool((a == b).all()), g.initial_seed()
    (True, 42)
    """

    def __init__(self, device: DeviceLike = "cpu") -> None:
        self.device = _device(device)
        self.seed()

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns the generator itself (as PyTorch).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.Generator().manual_seed(3).initial_seed()
        3
        """
        seed = int(seed)
        self._seed = seed
        # PyTorch accepts negative seeds (taken modulo 2**64)
        self._gen = np.random.default_rng(seed % (1 << 64))
        return self

    def seed(self) -> int:
        """Reseed from a non-deterministic source; returns the new seed.

        Examples
        --------
        >>> import autodiff
        >>> g = autodiff.Generator()
        >>> g.seed() == g.initial_seed()
        True
        """
        s = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed last set by ``manual_seed`` or ``seed``.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.Generator().manual_seed(7).initial_seed()
        7
        """
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's state as a uint8 Tensor (give it to ``set_state``).

        Examples
        --------
        >>> import autodiff
        >>> g = autodiff.Generator().manual_seed(0)
        >>> s = g.get_state()
        >>> a = autodiff.rand(2, generator=g)
        >>> b = autodiff.rand(2, generator=g.set_state(s))
        >>> bool((a == b).all())
        True
        """
        from .tensor import Tensor  # (here: tensor.py imports this module)

        blob = json.dumps({"seed": self._seed, "state": self._gen.bit_generator.state})
        return Tensor(np.frombuffer(blob.encode(), dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from ``get_state``; returns the generator.

        Examples
        --------
        >>> import autodiff
        >>> g = autodiff.Generator()
        >>> g.set_state(g.get_state()) is g
        True
        """
        arr = np.asarray(new_state, dtype=np.uint8)
        try:
            blob = json.loads(arr.tobytes().decode())
            gen = np.random.default_rng()
            gen.bit_generator.state = blob["state"]
        except (ValueError, KeyError, TypeError) as err:
            raise RuntimeError(
                "Generator.set_state: not a state from autodiff's Generator.get_state"
            ) from err
        self._seed, self._gen = int(blob["seed"]), gen
        return self

    def __repr__(self) -> str:
        return "<autodiff.Generator object (cpu)>"


def resolve(generator: Generator | None) -> np.random.Generator:
    """The ``numpy.random.Generator`` behind ``generator`` (None: the global one).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.random import resolve
    >>> resolve(autodiff.Generator()).__class__.__name__
    'Generator'
    """
    if generator is None:
        from .factories import generator as _global  # (factories.py imports this module)

        return _global()
    if isinstance(generator, Generator):
        return generator._gen
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(
        "generator must be an autodiff.Generator (or a numpy.random.Generator), got "
        f"{type(generator).__name__}"
    )
