"""Datasets and mini-batch loading: ``TensorDataset`` and ``DataLoader``.

Examples
--------
>>> import autodiff
>>> from autodiff.data import DataLoader, TensorDataset
>>> ds = TensorDataset(autodiff.arange(10.0).reshape(5, 2), autodiff.arange(5))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import distributed as dist
from . import factories
from .ops.shape import stack
from .tensor import Tensor, _make

__all__ = [
    "Dataset",
    "TensorDataset",
    "DataLoader",
    "default_collate",
    "Sampler",
    "DistributedSampler",
]


class Dataset:
    """Base class of map-style datasets: ``__getitem__(i)`` and ``__len__()``.

    Examples
    --------
    >>> from autodiff.data import Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, i):
    ...         return float(i * i)
    >>> Squares()[3]
    9.0
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError  # pragma: no cover - subclasses override

    def __len__(self) -> int:
        raise NotImplementedError  # pragma: no cover - subclasses override


class TensorDataset(Dataset):
    """A dataset of tensors sharing their first dimension; item ``i`` is ``(t[i] for t)``.

    Parameters
    ----------
    *tensors : Tensor or numpy.ndarray
        At least one; all with the same size along dimension 0.

    Examples
    --------
    >>> import autodiff
    >>> ds = autodiff.data.TensorDataset(autodiff.zeros(3, 2), autodiff.tensor([0, 1, 2]))
    >>> len(ds), ds[1][1].item()
    (3, 1)
    """

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        converted = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = _make(t, None)
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset takes Tensors (or NumPy arrays); argument {i} is a "
                    f"{type(t).__name__}"
                )
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {i} is 0-d; it needs a first dimension")
            converted.append(t)
        sizes = [t.shape[0] for t in converted]
        if any(s != sizes[0] for s in sizes):
            shapes = ", ".join(str(tuple(t.shape)) for t in converted)
            raise ValueError(
                f"size mismatch between tensors: TensorDataset needs the same first "
                f"dimension for all of them, got shapes {shapes}"
            )
        self.tensors: tuple[Tensor, ...] = tuple(converted)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices: np.ndarray) -> tuple[Tensor, ...]:
        # one fancy-indexing op per tensor instead of a Python loop over items
        return tuple(
            t[indices] if t.requires_grad else _make(t.data[indices], None) for t in self.tensors
        )


def default_collate(items: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch along a new dimension 0.

    Tensors, NumPy arrays and numbers are stacked into Tensors; tuples, lists
    and dicts are collated element by element.

    Examples
    --------
    >>> from autodiff.data import default_collate
    >>> x, y = default_collate([(1.0, 0), (2.0, 1)])
    >>> x.tolist(), y.tolist()
    ([1.0, 2.0], [0, 1])
    """
    first = items[0]
    if isinstance(first, Tensor):
        if any(t.requires_grad for t in items):
            return stack(list(items))
        return _make(np.stack([t.data for t in items]), None)
    if isinstance(first, (np.ndarray, np.generic)):
        return _make(np.stack([np.asarray(x) for x in items]), None)
    if isinstance(first, (bool, int, float)):
        return Tensor(list(items))
    if isinstance(first, str):
        return list(items)
    if isinstance(first, dict):
        return {k: default_collate([d[k] for d in items]) for k in first}
    if isinstance(first, (tuple, list)):
        n = len(first)
        if any(len(x) != n for x in items):
            raise ValueError("default_collate: samples in a batch have different lengths")
        return type(first)(default_collate(list(col)) for col in zip(*items))
    raise TypeError(f"default_collate cannot batch items of type {type(first).__name__}")


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Parameters
    ----------
    dataset : Dataset
        Anything with ``__getitem__`` and ``__len__``; a ``TensorDataset`` is
        batched by indexing its arrays once per batch.
    batch_size : int
        Samples per batch.
    shuffle : bool
        Draw a new random order every epoch. The order comes from ``generator``
        if given, else from a generator seeded by ``seed``, else from
        autodiff's global generator (so ``autodiff.manual_seed`` repeats it).
    drop_last : bool
        Drop the last batch if it is smaller than ``batch_size``.
    seed : int, optional
        Seed of a generator owned by this loader.
    generator : numpy.random.Generator, optional
        The generator to shuffle with.
    collate_fn : callable, optional
        Turns a list of samples into a batch (default: ``default_collate``).
    sampler : Sampler or iterable of int, optional
        Gives the order of the indices each epoch (e.g. a
        ``DistributedSampler``, for this rank's share); excludes ``shuffle``.

    Notes
    -----
    ``state_dict()`` / ``load_state_dict()`` save and restore the shuffling
    position, even in the middle of an epoch, so a resumed run sees the same
    batches as an uninterrupted one.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(autodiff.randn(10, 3), autodiff.arange(10))
    >>> loader = DataLoader(ds, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), [tuple(x.shape) for x, _ in loader]
    (3, [(4, 3), (4, 3), (2, 3)])
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
        generator: np.random.Generator | None = None,
        collate_fn: Any = None,
        sampler: Any = None,
    ) -> None:
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"batch_size must be a positive int, got {batch_size!r}")
        if batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size}")
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(
                f"DataLoader needs a dataset with __getitem__ and __len__, got "
                f"{type(dataset).__name__}"
            )
        if seed is not None and generator is not None:
            raise ValueError("give DataLoader a seed or a generator, not both")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.generator = np.random.default_rng(seed) if seed is not None else generator
        self.sampler = sampler
        self._epoch_start_state: dict | None = None  # generator state when this epoch began
        self._batches_done = 0
        self._resume_skip = 0
        self._resume_state: tuple[dict, dict] | None = None

    def _gen(self) -> np.random.Generator:
        return self.generator if self.generator is not None else factories.generator()

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.sampler is not None:
            order = np.fromiter((int(i) for i in self.sampler), dtype=np.int64)
            self._epoch_start_state = self._gen().bit_generator.state  # marks "in an epoch"
        elif self.shuffle:
            gen = self._gen()
            resume = self._resume_state
            self._resume_state = None
            if resume is not None:  # redo the interrupted epoch's permutation
                gen.bit_generator.state = resume[0]
            self._epoch_start_state = gen.bit_generator.state
            order = gen.permutation(n)
            if resume is not None:  # and continue from where the generator was
                gen.bit_generator.state = resume[1]
        else:
            order = np.arange(n)
            self._epoch_start_state = self._gen().bit_generator.state  # marks "in an epoch"
        skip, self._resume_skip = self._resume_skip, 0
        nbatches = len(self)
        self._batches_done = skip
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate
        for b in range(skip, nbatches):
            idx = order[b * self.batch_size : (b + 1) * self.batch_size]
            if fast:
                batch = self.dataset._batch(idx)
            else:
                batch = self.collate_fn([self.dataset[int(i)] for i in idx])
            self._batches_done = b + 1
            yield batch
        self._batches_done = 0
        self._epoch_start_state = None

    def state_dict(self) -> dict[str, Any]:
        """The shuffling position: generator state, and where this epoch began and stands.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff.data import DataLoader, TensorDataset
        >>> loader = DataLoader(TensorDataset(autodiff.arange(6)), batch_size=2, seed=1)
        >>> loader.state_dict()["batches_done"]
        0
        """
        mid_epoch = self._epoch_start_state is not None and self._batches_done > 0
        return {
            "generator_state": _copy_state(self._gen().bit_generator.state),
            "epoch_start_state": _copy_state(self._epoch_start_state) if mid_epoch else None,
            "batches_done": self._batches_done if mid_epoch else 0,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume from ``state_dict()``: the next iteration continues that epoch.

        Sets the state of the loader's generator (the global one when the
        loader has none of its own).

        Examples
        --------
        >>> import autodiff
        >>> from autodiff.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(autodiff.arange(6))
        >>> a = DataLoader(ds, batch_size=2, shuffle=True, seed=1)
        >>> b = DataLoader(ds, batch_size=2, shuffle=True, seed=2)
        >>> b.load_state_dict(a.state_dict())
        >>> [x.tolist() for (x,) in a] == [x.tolist() for (x,) in b]
        True
        """
        keys = {"generator_state", "epoch_start_state", "batches_done"}
        if not isinstance(state_dict, dict) or set(state_dict) != keys:
            raise ValueError(f"a DataLoader state dict must have exactly the keys {sorted(keys)}")
        done = state_dict["batches_done"]
        if isinstance(done, bool) or not isinstance(done, int) or not 0 <= done <= len(self):
            raise ValueError(f"batches_done must be an int in [0, {len(self)}], got {done!r}")
        current = _copy_state(state_dict["generator_state"])
        start = _copy_state(state_dict["epoch_start_state"])
        gen = self._gen()
        try:
            if start is not None:
                gen.bit_generator.state = start  # validates it
            gen.bit_generator.state = current
        except (TypeError, ValueError, KeyError) as e:
            raise ValueError(f"invalid generator state for {type(gen.bit_generator)}: {e}") from e
        if start is not None and self.shuffle:
            self._resume_state = (start, current)
        self._resume_skip = done if start is not None else 0



class Sampler:
    """Base class of samplers: ``__iter__`` yields dataset indices, ``__len__`` counts them.

    Examples
    --------
    >>> from autodiff.data import Sampler
    >>> class Reversed(Sampler):
    ...     def __init__(self, n):
    ...         self.n = n
    ...     def __iter__(self):
    ...         return iter(range(self.n - 1, -1, -1))
    ...     def __len__(self):
    ...         return self.n
    >>> list(Reversed(3))
    [2, 1, 0]
    """

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError  # pragma: no cover - subclasses override

    def __len__(self) -> int:
        raise NotImplementedError  # pragma: no cover - subclasses override


class DistributedSampler(Sampler):
    """This rank's share of a dataset's indices, as PyTorch's ``DistributedSampler``.

    Every epoch, all ranks draw the same permutation (from ``seed + epoch``),
    pad it by repeating its first indices up to a multiple of ``num_replicas``
    (or, with ``drop_last``, cut the tail), and rank ``r`` takes every
    ``num_replicas``-th index starting at ``r``: together the ranks cover the
    epoch exactly once (plus the padding).

    Parameters
    ----------
    dataset : Dataset
        Anything with ``__len__``.
    num_replicas, rank : int, optional
        World size and this rank (default: from ``autodiff.distributed``, which
        must then be initialized).
    shuffle : bool
        Permute the indices every epoch (otherwise in order).
    seed : int
        Shared seed of the permutation; must be the same on every rank.
    drop_last : bool
        Drop the tail that does not divide evenly, instead of padding.

    Notes
    -----
    Call ``set_epoch(epoch)`` at the start of each epoch (before iterating a
    ``DataLoader`` built on it); otherwise every epoch has the same order.

    Examples
    --------
    >>> from autodiff.data import DistributedSampler
    >>> ds = list(range(10))
    >>> [list(DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False)) for r in range(3)]
    [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]
    >>> s = DistributedSampler(ds, num_replicas=3, rank=0, drop_last=True, seed=1)
    >>> s.set_epoch(2)
    >>> len(s)
    3
    """

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            if not dist.is_initialized():
                raise RuntimeError(
                    "DistributedSampler: pass num_replicas and rank, or call "
                    "autodiff.distributed.init_process_group() first"
                )
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if num_replicas < 1:
            raise ValueError(f"num_replicas must be at least 1, got {num_replicas}")
        if not 0 <= rank < num_replicas:
            raise ValueError(f"invalid rank {rank}, rank should be in [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_last = bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % self.num_replicas != 0:
            self.num_samples = (n - self.num_replicas + self.num_replicas - 1) // self.num_replicas
            self.num_samples = max(self.num_samples, 0)
        else:
            self.num_samples = (n + self.num_replicas - 1) // self.num_replicas
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            indices = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            indices = np.arange(n)
        if not self.drop_last:
            pad = self.total_size - n
            if pad > 0 and n > 0:
                indices = np.concatenate([indices, np.resize(indices, pad)])
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size
        return iter(indices[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch, which picks this epoch's permutation (same on every rank)."""
        self.epoch = int(epoch)


def _copy_state(state: Any) -> Any:
    if isinstance(state, dict):
        return {k: _copy_state(v) for k, v in state.items()}
    if isinstance(state, Tensor):
        return state.data.copy()
    if isinstance(state, np.ndarray):
        return state.copy()
    return state
