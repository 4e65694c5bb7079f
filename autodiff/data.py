"""Datasets, samplers and mini-batch loading, as ``torch.utils.data``.

Datasets: ``Dataset``, ``IterableDataset``, ``TensorDataset``, ``Subset``,
``ConcatDataset`` and ``random_split``. Samplers: ``SequentialSampler``,
``RandomSampler``, ``SubsetRandomSampler``, ``WeightedRandomSampler``,
``BatchSampler`` and ``DistributedSampler``. ``DataLoader`` batches with
``default_collate``.

Random draws take a ``generator=``: a ``numpy.random.Generator``, or an
object holding one (such as a generator with ``manual_seed``); without one
they use autodiff's global generator, so ``autodiff.manual_seed`` repeats them.

Examples
--------
>>> import autodiff
>>> from autodiff.data import DataLoader, TensorDataset
>>> ds = TensorDataset(autodiff.arange(10.0).reshape(5, 2), autodiff.arange(5))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from . import distributed as dist
from . import factories
from .ops.shape import stack
from .tensor import Tensor, _make

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "random_split",
    "DataLoader",
    "default_collate",
    "default_convert",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
]

_GEN_ATTRS = ("generator", "_generator", "rng", "_rng", "_gen", "gen", "_np_generator")


def _numpy_generator(generator: Any) -> np.random.Generator:
    """The ``numpy.random.Generator`` behind ``generator`` (None: the global one).

    Resolved at each use, so a wrapper that re-creates its NumPy generator on
    ``manual_seed`` is followed.
    """
    if generator is None:
        return factories.generator()
    if isinstance(generator, np.random.Generator):
        return generator
    for name in _GEN_ATTRS:
        inner = getattr(generator, name, None)
        if isinstance(inner, np.random.Generator):
            return inner
        if callable(inner) and not isinstance(inner, type):
            try:
                got = inner()
            except TypeError:
                continue
            if isinstance(got, np.random.Generator):
                return got
    for inner in getattr(generator, "__dict__", {}).values():
        if isinstance(inner, np.random.Generator):
            return inner
    raise TypeError(
        f"generator must be a numpy.random.Generator or a generator holding one, got "
        f"{type(generator).__name__}"
    )


def _check_generator(generator: Any) -> None:
    if generator is not None:
        _numpy_generator(generator)


class Dataset:
    """Base class of map-style datasets: ``__getitem__(i)`` and ``__len__()``.

    ``a + b`` concatenates two datasets (a ``ConcatDataset``).

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
    >>> len(Squares() + Squares())
    8
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Base class of iterable-style datasets: ``__iter__`` yields the samples.

    A ``DataLoader`` over one batches the samples in the order they come (no
    sampler, no shuffling).

    Examples
    --------
    >>> from autodiff.data import DataLoader, IterableDataset
    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(5))
    >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> Any:
        raise TypeError("ConcatDataset does not support IterableDataset")


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


class Subset(Dataset):
    """The items of ``dataset`` at ``indices``, in that order.

    Parameters
    ----------
    dataset : Dataset
        The whole dataset.
    indices : sequence of int
        Indices into ``dataset``.

    Examples
    --------
    >>> from autodiff.data import Subset
    >>> s = Subset(list("abcdef"), [4, 0, 2])
    >>> len(s), s[0], s[-1]
    (3, 'e', 'c')
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        self._cached: tuple[Any, np.ndarray] | None = None

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def _index_array(self) -> np.ndarray:
        cached = self._cached
        if cached is None or cached[0] is not self.indices or len(cached[1]) != len(self.indices):
            arr = np.asarray(
                self.indices.data if isinstance(self.indices, Tensor) else self.indices,
                dtype=np.int64,
            )
            self._cached = cached = (self.indices, arr)
        return cached[1]


class ConcatDataset(Dataset):
    """Datasets one after the other: item ``i`` comes from the one it falls in.

    Parameters
    ----------
    datasets : iterable of Dataset
        At least one; map-style (not ``IterableDataset``).

    Examples
    --------
    >>> from autodiff.data import ConcatDataset
    >>> c = ConcatDataset([[0, 1, 2], [10, 11]])
    >>> len(c), c[3], c[-1], c.cumulative_sizes
    (5, 10, 11, [3, 5])
    """

    @staticmethod
    def cumsum(sequence: Sequence[Any]) -> list[int]:
        """Running totals of the datasets' lengths (where each one ends), as PyTorch's.

        Examples
        --------
        >>> from autodiff.data import ConcatDataset
        >>> ConcatDataset.cumsum([range(3), range(2)])
        [3, 5]
        """
        out, total = [], 0
        for d in sequence:
            total += len(d)
            out.append(total)
        return out

    def __init__(self, datasets: Any) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        return self.datasets[which][idx - start]


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: Any = None
) -> list[Subset]:
    """Split a dataset at random into non-overlapping ``Subset``\\ s of given lengths.

    Parameters
    ----------
    dataset : Dataset
        The dataset to split.
    lengths : sequence of int or float
        Lengths summing to ``len(dataset)``, or fractions summing to 1: each
        split then gets ``floor(frac * len(dataset))`` items and the remainder
        is handed out one item at a time from the first split on (as PyTorch).
    generator : numpy.random.Generator or generator, optional
        Source of the permutation (default: autodiff's global generator).

    Returns
    -------
    list of Subset

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.data import random_split
    >>> parts = random_split(range(10), [0.3, 0.3, 0.4], generator=np.random.default_rng(0))
    >>> [len(p) for p in parts], sorted(i for p in parts for i in p)
    ([3, 3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> [len(p) for p in random_split(range(11), [0.5, 0.5])]
    [6, 5]
    """
    lengths = list(lengths)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        subset_lengths: list[int] = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(math.floor(len(dataset) * frac))
        remainder = len(dataset) - sum(subset_lengths)
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _numpy_generator(generator).permutation(int(sum(lengths))).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, indices[offset : offset + length]))
        offset += length
    return out


class _CollateSizeError(RuntimeError, ValueError):
    """Samples of different lengths (a RuntimeError as PyTorch's, and a ValueError)."""


_COLLATE_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def default_collate(items: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch along a new dimension 0, as PyTorch.

    Tensors and NumPy arrays are stacked into a Tensor (keeping their dtype;
    tensors that require grad are stacked in the graph); Python floats become
    float64, ints int64 and bools bool tensors; NumPy scalars keep their dtype;
    strings are kept in a list. Dicts are collated key by key, namedtuples field
    by field, and tuples and lists position by position (into a list).

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.data import default_collate
    >>> x, y = default_collate([(1.0, 0), (2.0, 1)])
    >>> x.tolist(), y.tolist(), x.dtype
    ([1.0, 2.0], [0, 1], dtype('float64'))
    >>> b = default_collate([{"a": np.zeros(3), "n": "p"}, {"a": np.ones(3), "n": "q"}])
    >>> b["a"].shape, b["n"]
    ((2, 3), ['p', 'q'])
    """
    first = items[0]
    if isinstance(first, Tensor):
        if any(t.requires_grad for t in items):
            return stack(list(items))
        return _make(np.stack([t.data for t in items]), None)
    if isinstance(first, np.ndarray):
        if first.dtype.kind in "USOV":
            raise TypeError(_COLLATE_ERR.format(first.dtype))
        return _make(np.stack([np.asarray(x) for x in items]), None)
    if isinstance(first, np.generic):
        if first.dtype.kind in "USOV":
            raise TypeError(_COLLATE_ERR.format(first.dtype))
        return _make(np.array(items), None)
    if isinstance(first, bool):
        return _make(np.array(items, dtype=np.bool_), None)
    if isinstance(first, int):
        return _make(np.array(items, dtype=np.int64), None)
    if isinstance(first, float):
        return _make(np.array(items, dtype=np.float64), None)
    if isinstance(first, (str, bytes)):
        return items
    if isinstance(first, Mapping):
        out = {k: default_collate([d[k] for d in items]) for k in first}
        if type(first) is dict:
            return out
        try:
            return type(first)(out)
        except TypeError:
            return out
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # namedtuple
        return type(first)(*(default_collate(col) for col in zip(*items)))
    if isinstance(first, Sequence):
        n = len(first)
        if any(len(x) != n for x in items):
            raise _CollateSizeError(
                "each element in list of batch should be of equal size "
                "(default_collate: samples in a batch have different lengths)"
            )
        return [default_collate(col) for col in zip(*items)]
    raise TypeError(
        _COLLATE_ERR.format(type(first)) + f" (cannot batch items of type {type(first).__name__})"
    )


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays (inside tuples, lists and dicts too) into Tensors; leave the rest.

    What ``DataLoader(batch_size=None)`` applies to each sample.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.data import default_convert
    >>> out = default_convert((np.arange(3), 5, "s"))
    >>> type(out[0]).__name__, out[1:]
    ('Tensor', (5, 's'))
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "USOV" else _make(data, None)
    if isinstance(data, np.generic):
        return data if data.dtype.kind in "USOV" else _make(np.asarray(data), None)
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, Mapping):
        out = {k: default_convert(v) for k, v in data.items()}
        try:
            return out if type(data) is dict else type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return tuple(default_convert(d) for d in data)
    if isinstance(data, Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


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

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError  # pragma: no cover - subclasses override


class SequentialSampler(Sampler):
    """The indices ``0, 1, ..., len(data_source) - 1`` in order.

    Examples
    --------
    >>> from autodiff.data import SequentialSampler
    >>> list(SequentialSampler("abcd"))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _positive_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


class RandomSampler(Sampler):
    """Random indices into ``data_source``: a permutation, or draws with replacement.

    Parameters
    ----------
    data_source : Dataset
        Anything with ``__len__``.
    replacement : bool
        Draw ``num_samples`` indices independently (uniformly, with repeats).
    num_samples : int, optional
        How many indices per epoch (default ``len(data_source)``). Without
        replacement, more than the length gives whole permutations back to
        back, then the head of one more.
    generator : numpy.random.Generator or generator, optional
        Source of randomness (default: autodiff's global generator).

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.data import RandomSampler
    >>> sorted(RandomSampler(range(5), generator=np.random.default_rng(0)))
    [0, 1, 2, 3, 4]
    >>> s = RandomSampler(range(3), replacement=True, num_samples=8)
    >>> len(list(s)), set(s) <= {0, 1, 2}
    (8, True)
    """

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not _positive_int(self.num_samples):
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )
        _check_generator(generator)

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields (``num_samples=`` if given, else the
        dataset's length).

        Examples
        --------
        >>> from autodiff.data import RandomSampler
        >>> RandomSampler(range(10)).num_samples, RandomSampler(range(10), True, 4).num_samples
        (10, 4)
        """
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def _indices(self) -> np.ndarray:
        n = len(self.data_source)
        m = int(self.num_samples)
        gen = _numpy_generator(self.generator)
        if self.replacement:
            return gen.integers(0, n, size=m, dtype=np.int64)
        parts = [gen.permutation(n) for _ in range(m // n)]
        if m % n:
            parts.append(gen.permutation(n)[: m % n])
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (a new one each epoch).

    Parameters
    ----------
    indices : sequence of int
        The indices to permute.
    generator : numpy.random.Generator or generator, optional
        Source of randomness (default: autodiff's global generator).

    Examples
    --------
    >>> from autodiff.data import SubsetRandomSampler
    >>> sorted(SubsetRandomSampler([7, 3, 5]))
    [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator
        _check_generator(generator)

    def __iter__(self) -> Iterator[Any]:
        order = _numpy_generator(self.generator).permutation(len(self.indices))
        return (self.indices[i] for i in order.tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices ``0..len(weights)-1`` drawn with probabilities proportional to ``weights``.

    Parameters
    ----------
    weights : sequence of float
        Non-negative, 1-d; need not sum to one.
    num_samples : int
        How many indices per epoch.
    replacement : bool
        With replacement (default); without it each index comes at most once,
        so ``num_samples`` may not exceed the number of non-zero weights.
    generator : numpy.random.Generator or generator, optional
        Source of randomness (default: autodiff's global generator).

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.data import WeightedRandomSampler
    >>> s = WeightedRandomSampler([0.0, 1.0, 3.0], 1000, generator=np.random.default_rng(0))
    >>> counts = np.bincount(list(s), minlength=3)
    >>> int(counts[0]), bool(2.5 < counts[2] / counts[1] < 3.5)
    (0, True)
    """

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
    ) -> None:
        if not _positive_int(num_samples):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        w = np.asarray(weights.data if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}"
            )
        _check_generator(generator)
        self.weights = _make(w, None)
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        w = self.weights.data
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        total = w.sum()
        if not total > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        gen = _numpy_generator(self.generator)
        if self.replacement:
            idx = gen.choice(len(w), size=self.num_samples, replace=True, p=w / total)
        else:
            if self.num_samples > len(w):
                raise RuntimeError(
                    "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
                )
            if self.num_samples > np.count_nonzero(w):
                raise RuntimeError(
                    "invalid multinomial distribution (with replacement=False, not enough "
                    "non-negative category to sample)"
                )
            idx = gen.choice(len(w), size=self.num_samples, replace=False, p=w / total)
        return iter(idx.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of ``batch_size``.

    Parameters
    ----------
    sampler : Sampler or iterable
        The indices to group.
    batch_size : int
        Indices per batch.
    drop_last : bool
        Drop the last batch if it is shorter than ``batch_size``.

    Examples
    --------
    >>> from autodiff.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6]]
    >>> list(BatchSampler(range(7), batch_size=3, drop_last=True))
    [[0, 1, 2], [3, 4, 5]]
    """

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if not _positive_int(batch_size):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[Any]]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


def _fast_batch(dataset: Any, idx: np.ndarray) -> list[Tensor] | None:
    """A batch of a TensorDataset (or a Subset of one) by one indexing op per tensor."""
    if isinstance(dataset, TensorDataset):
        return list(dataset._batch(idx))
    if isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        if isinstance(dataset.dataset, (TensorDataset, Subset)):
            return _fast_batch(dataset.dataset, dataset._index_array()[idx])
    return None


def _fast_ok(dataset: Any) -> bool:
    while isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        dataset = dataset.dataset
    return isinstance(dataset, TensorDataset)


_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterate over a dataset in mini-batches, with PyTorch's arguments.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
        A map-style dataset (``__getitem__`` and ``__len__``; a list works), or
        an ``IterableDataset``, batched in the order it yields. A
        ``TensorDataset`` (or a ``Subset`` of one) is batched by indexing its
        tensors once per batch.
    batch_size : int or None
        Samples per batch (default 1). ``None`` turns batching off: each sample
        is yielded alone, passed through ``default_convert``.
    shuffle : bool
        Draw a new random order every epoch (a ``RandomSampler``).
    sampler : Sampler or iterable, optional
        Gives the indices each epoch (e.g. a ``DistributedSampler``); excludes
        ``shuffle``.
    batch_sampler : Sampler or iterable of lists, optional
        Gives whole batches of indices; excludes ``batch_size``, ``shuffle``,
        ``sampler`` and ``drop_last``.
    num_workers : int
        Accepted for PyTorch compatibility, but loading always runs in the main
        process (no worker processes); must be non-negative.
    collate_fn : callable, optional
        Turns a list of samples into a batch (default: ``default_collate``).
    pin_memory : bool
        Accepted and ignored: there is only the CPU.
    drop_last : bool
        Drop the last batch if it is smaller than ``batch_size``.
    timeout, worker_init_fn, multiprocessing_context, prefetch_factor, persistent_workers, \
pin_memory_device, in_order
        Accepted for compatibility and checked as PyTorch checks them;
        ``worker_init_fn`` is never called, as there are no workers.
    generator : numpy.random.Generator or generator, optional
        The shuffling generator; else one seeded by ``seed``, else autodiff's
        global generator (so ``autodiff.manual_seed`` repeats the order).
    seed : int, optional
        Seed of a generator owned by this loader (an autodiff addition).

    Notes
    -----
    ``state_dict()`` / ``load_state_dict()`` save and restore the shuffling
    position, even in the middle of an epoch, so a resumed run sees the same
    batches as an uninterrupted one. As in PyTorch, a batch of tuples (such as
    a ``TensorDataset``'s) is a list.

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
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Any = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Any = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
        seed: int | None = None,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; "
                "use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                "to None."
            )
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError(
                "multiprocessing_context can only be used with multi-process loading "
                f"(num_workers > 0), but got num_workers={num_workers}"
            )
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        elif not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(
                f"DataLoader needs a dataset with __getitem__ and __len__, got "
                f"{type(dataset).__name__}"
            )
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError(
                "sampler option is mutually exclusive with shuffle "
                "(DataLoader: sampler option is mutually exclusive with shuffle)"
            )
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually "
                    "exclusive with drop_last"
                )
        elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(
                f"batch_size should be a positive integer value, but got "
                f"batch_size={batch_size} (batch_size must be a positive int, got {batch_size!r})"
            )
        elif batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got "
                f"batch_size={batch_size} (batch_size must be a positive int, got {batch_size})"
            )
        if seed is not None and generator is not None:
            raise ValueError("give DataLoader a seed or a generator, not both")
        _check_generator(generator)
        if seed is not None:
            generator = np.random.default_rng(seed)
        self._auto_shuffle = False
        if sampler is None and not iterable:
            if shuffle:
                sampler = RandomSampler(dataset, generator=generator)
                self._auto_shuffle = True
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, int(batch_size), bool(drop_last))
            self._auto_batch_sampler = True
        else:
            self._auto_batch_sampler = False
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.drop_last = bool(drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.shuffle = shuffle
        self.generator = generator
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterable = iterable
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._epoch_start_state: dict | None = None  # generator state when this epoch began
        self._batches_done = 0
        self._resume_skip = 0
        self._resume_state: tuple[dict, dict] | None = None
        self.__initialized = True

    def __setattr__(self, attr: str, val: Any) -> None:
        if self.__dict__.get("_DataLoader__initialized") and attr in _FROZEN:
            raise ValueError(
                f"{attr} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def _gen(self) -> np.random.Generator:
        return _numpy_generator(self.generator)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            if self.drop_last:
                return n // self.batch_size
            return (n + self.batch_size - 1) // self.batch_size
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def _iter_iterable(self) -> Iterator[Any]:
        it = iter(self.dataset)
        if self.batch_size is None:
            for item in it:
                yield self.collate_fn(item)
            return
        while True:
            chunk = list(itertools.islice(it, self.batch_size))
            if not chunk or (self.drop_last and len(chunk) < self.batch_size):
                return
            yield self.collate_fn(chunk)

    def _fetch(self, idx: Any, fast: bool) -> Any:
        if fast:
            batch = _fast_batch(self.dataset, np.asarray(idx, dtype=np.int64))
            if batch is not None:
                return batch
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return self.collate_fn(getitems(list(idx)))
        return self.collate_fn([self.dataset[i] for i in idx])

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._iter_iterable()
            return
        gen = None
        order: Any = None
        if (
            self._auto_shuffle
            and self._auto_batch_sampler
            and self.sampler.num_samples == len(self.dataset)
        ):
            gen = self._gen()
            resume = self._resume_state
            self._resume_state = None
            if resume is not None:  # redo the interrupted epoch's permutation
                gen.bit_generator.state = resume[0]
            self._epoch_start_state = gen.bit_generator.state
            order = gen.permutation(len(self.dataset))
            if resume is not None:  # and continue from where the generator was
                gen.bit_generator.state = resume[1]
        else:
            self._epoch_start_state = self._gen().bit_generator.state  # marks "in an epoch"
            if self._auto_batch_sampler:
                if type(self.sampler) is SequentialSampler:
                    order = np.arange(len(self.sampler))
                else:
                    order = list(self.sampler)
                    if all(isinstance(i, (int, np.integer)) for i in order):
                        order = np.asarray(order, dtype=np.int64)
        skip, self._resume_skip = self._resume_skip, 0
        self._batches_done = skip
        fast = self.collate_fn is default_collate and _fast_ok(self.dataset)
        if order is not None:  # batches are slices of one epoch order
            bs = self.batch_size
            nbatches = len(order) // bs if self.drop_last else (len(order) + bs - 1) // bs
            for b in range(skip, nbatches):
                idx = order[b * bs : (b + 1) * bs]
                if isinstance(idx, np.ndarray) and not fast:
                    idx = idx.tolist()
                batch = self._fetch(idx, fast)
                self._batches_done = b + 1
                yield batch
        elif self.batch_sampler is not None:
            for b, idx in enumerate(itertools.islice(self.batch_sampler, skip, None), skip):
                batch = self._fetch(idx, fast)
                self._batches_done = b + 1
                yield batch
        else:  # batch_size=None: one sample at a time
            for b, i in enumerate(itertools.islice(self.sampler, skip, None), skip):
                item = self.collate_fn(self.dataset[i])
                self._batches_done = b + 1
                yield item
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
        """Set the epoch, which picks this epoch's permutation (same on every rank).

        Call it at the start of every epoch, or every epoch reuses one order.

        Examples
        --------
        >>> from autodiff.data import DistributedSampler
        >>> s = DistributedSampler(range(8), num_replicas=2, rank=0, seed=1)
        >>> first = list(s)
        >>> s.set_epoch(1)
        >>> len(list(s)), list(s) != first
        (4, True)
        """
        self.epoch = int(epoch)


def _copy_state(state: Any) -> Any:
    if isinstance(state, dict):
        return {k: _copy_state(v) for k, v in state.items()}
    if isinstance(state, Tensor):
        return state.data.copy()
    if isinstance(state, np.ndarray):
        return state.copy()
    return state
