"""Safe checkpoints: ``autodiff.save(obj, path)`` and ``autodiff.load(path)``.

A checkpoint is a zip archive (NumPy's ``.npz`` layout, stored uncompressed)
with one JSON member describing the structure and one ``.npy`` member per
array, written with ``allow_pickle=False``::

    autodiff_checkpoint.json   {"format": "autodiff.checkpoint", "version": 1,
                                "arrays": N, "root": <node>}
    arrays/0.npy ... arrays/{N-1}.npy

A node is a JSON number, string, bool or null, or one of ``{"list": [...]}``,
``{"tuple": [...]}``, ``{"dict": [[key, node], ...]}``, ``{"odict": [...]}``
(an OrderedDict), ``{"tensor": i, "requires_grad": bool}``, ``{"ndarray": i}``
and ``{"npscalar": i}``. Dicts are stored as pairs, so key order and integer
keys (an optimizer's parameter indices) survive the round trip.

Loading never unpickles and never runs code from the file: it parses JSON and
raw ``.npy`` headers (numeric and bool dtypes only), and checks everything
(member names, array references, declared sizes against actual bytes). Any
problem raises ``CheckpointError``, a ``ValueError``, saying what is wrong.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "autodiff.checkpoint"
VERSION = 1
STRUCTURE = "autodiff_checkpoint.json"
_MAX_JSON_BYTES = 64 * 1024 * 1024
_ALLOWED_KINDS = "biufc"  # bool, ints, unsigned, floats, complex: never objects


class CheckpointError(ValueError):
    """A file is not a valid autodiff checkpoint (truncated, corrupted or hostile).

    Examples
    --------
    >>> import autodiff, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.ckpt")
    >>> _ = open(path, "wb").write(b"not a checkpoint")
    >>> try:
    ...     autodiff.load(path)
    ... except autodiff.serialization.CheckpointError as e:
    ...     print("refused")
    refused
    """


# ----------------------------------------------------------------------- save
class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []  # keeps memoised objects alive so ids stay unique

    def array_index(self, obj: Any, arr: np.ndarray, where: str) -> int:
        if arr.dtype.kind not in _ALLOWED_KINDS or arr.dtype.fields is not None:
            raise TypeError(
                f"cannot save the array at {where}: dtype {arr.dtype} is not numeric or bool "
                "(checkpoints hold no Python objects)"
            )
        key = id(obj)
        if key not in self.memo:
            self.memo[key] = len(self.arrays)
            self.arrays.append(arr)
            self.keep.append(obj)
        return self.memo[key]

    def encode(self, obj: Any, where: str) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj)
        if isinstance(obj, Tensor):
            return {
                "tensor": self.array_index(obj, obj.data, where),
                "requires_grad": bool(obj.requires_grad),
            }
        if isinstance(obj, np.ndarray):
            return {"ndarray": self.array_index(obj, obj, where)}
        if isinstance(obj, np.generic):
            arr = np.asarray(obj)
            return {"npscalar": self.array_index(arr, arr, where)}
        if isinstance(obj, dict):
            pairs = []
            for k, v in obj.items():
                if not isinstance(k, (str, int, float, bool)) and k is not None:
                    raise TypeError(
                        f"cannot save the dict at {where}: key {k!r} is a {type(k).__name__}; "
                        "keys must be str, int, float, bool or None"
                    )
                ek = self.encode(k, where)
                pairs.append([ek, self.encode(v, f"{where}[{k!r}]")])
            return {"odict" if isinstance(obj, OrderedDict) else "dict": pairs}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
            return {"tuple" if isinstance(obj, tuple) else "list": items}
        raise TypeError(
            f"cannot save an object of type {type(obj).__module__}.{type(obj).__name__} at "
            f"{where}; autodiff.save stores state dicts: dicts, lists and tuples of numbers, "
            "strings, bools, None, Tensors and NumPy arrays"
        )


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _write_zip(fileobj: IO[bytes], header: bytes, arrays: list[np.ndarray]) -> None:
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(STRUCTURE, header)
        for i, arr in enumerate(arrays):
            zf.writestr(f"arrays/{i}.npy", _npy_bytes(arr))


def save(obj: Any, f: str | os.PathLike | IO[bytes]) -> None:
    """Save a state dict (or any nest of dicts/lists of numbers, strings and arrays).

    The file is written to a temporary name and renamed into place, so an
    interrupted save never leaves a half-written checkpoint under ``f``.

    Parameters
    ----------
    obj : dict, list, tuple, Tensor, ndarray or scalar
        Typically ``model.state_dict()`` or ``optimizer.state_dict()``, or a
        dict holding several of them.
    f : path or binary file object
        Where to write (the name is used as given, whatever its suffix).

    Examples
    --------
    >>> import autodiff, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> autodiff.save({"w": autodiff.ones(2), "step": 3}, path)
    >>> autodiff.load(path)
    {'w': Tensor([1., 1.]), 'step': 3}
    """
    enc = _Encoder()
    root = enc.encode(obj, "obj")
    header = json.dumps(
        {"format": FORMAT, "version": VERSION, "arrays": len(enc.arrays), "root": root},
        allow_nan=True,
    ).encode("utf-8")
    if hasattr(f, "write"):
        _write_zip(f, header, enc.arrays)  # type: ignore[arg-type]
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ckpt", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_zip(fh, header, enc.arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------- load
def _fail(what: str, msg: str) -> CheckpointError:
    return CheckpointError(f"{what} is not a valid autodiff checkpoint: {msg}")


def _read_npy(raw: bytes, member: str, what: str) -> np.ndarray:
    """Parse one .npy member without pickle and without trusting its header."""
    bio = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(bio)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(bio)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(bio)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError) as e:
        raise _fail(what, f"member {member} has a malformed .npy header ({e})") from None
    if dtype.hasobject or dtype.kind not in _ALLOWED_KINDS or dtype.fields is not None:
        raise _fail(
            what,
            f"member {member} holds an array of dtype {dtype}; only numeric and bool arrays "
            "are allowed (object arrays would need pickle, which autodiff.load never uses)",
        )
    count = math.prod(shape)
    offset = bio.tell()
    if len(raw) - offset != count * dtype.itemsize:
        raise _fail(
            what,
            f"member {member} declares shape {shape} and dtype {dtype} "
            f"({count * dtype.itemsize} bytes) but holds {len(raw) - offset} bytes of data "
            "(truncated or corrupted)",
        )
    arr = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape, order="F" if fortran else "C").copy(order="K")


class _Decoder:
    def __init__(self, zf: zipfile.ZipFile, n_arrays: int, what: str) -> None:
        self.zf = zf
        self.n = n_arrays
        self.what = what
        self.arrays: dict[int, np.ndarray] = {}
        self.tensors: dict[int, Tensor] = {}

    def array(self, i: Any) -> np.ndarray:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.n:
            raise _fail(self.what, f"the structure refers to array {i!r}, which is not in the file")
        if i not in self.arrays:
            member = f"arrays/{i}.npy"
            try:
                raw = self.zf.read(member)
            except KeyError:
                raise _fail(
                    self.what,
                    f"the structure refers to array {i} ({member}), which is not in the file",
                ) from None
            self.arrays[i] = _read_npy(raw, member, self.what)
        return self.arrays[i]

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, dict) and len(node) >= 1:
            keys = set(node)
            if keys == {"tensor", "requires_grad"}:
                i, rg = node["tensor"], node["requires_grad"]
                if not isinstance(rg, bool):
                    raise _fail(self.what, f"requires_grad must be a bool, got {rg!r}")
                if isinstance(i, int) and i in self.tensors:
                    return self.tensors[i]
                arr = self.array(i)
                if rg and arr.dtype.kind != "f":
                    raise _fail(self.what, f"array {i} of dtype {arr.dtype} cannot require grad")
                t = Tensor(arr, requires_grad=rg)
                self.tensors[i] = t
                return t
            if keys == {"ndarray"}:
                return self.array(node["ndarray"])
            if keys == {"npscalar"}:
                arr = self.array(node["npscalar"])
                if arr.ndim != 0:
                    raise _fail(self.what, f"npscalar array has shape {arr.shape}, expected ()")
                return arr[()]
            if keys in ({"list"}, {"tuple"}):
                (tag,) = keys
                items = node[tag]
                if not isinstance(items, list):
                    raise _fail(self.what, f"a '{tag}' node must hold a JSON list")
                out = [self.decode(v) for v in items]
                return out if tag == "list" else tuple(out)
            if keys in ({"dict"}, {"odict"}):
                (tag,) = keys
                pairs = node[tag]
                result: dict = OrderedDict() if tag == "odict" else {}
                if not isinstance(pairs, list):
                    raise _fail(self.what, f"a '{tag}' node must hold a list of [key, value]")
                for pair in pairs:
                    if not (isinstance(pair, list) and len(pair) == 2):
                        raise _fail(self.what, f"a '{tag}' entry must be a [key, value] pair")
                    k = pair[0]
                    if k is not None and not isinstance(k, (str, int, float, bool)):
                        raise _fail(self.what, f"dict key {k!r} is not a scalar")
                    result[k] = self.decode(pair[1])
                return result
        text = json.dumps(node)
        if len(text) > 80:
            text = text[:77] + "..."
        raise _fail(self.what, f"unknown structure node {text}")


def _read_all(f: Any, what: str) -> bytes:
    if hasattr(f, "read"):
        data = f.read()
    else:
        with open(os.fspath(f), "rb") as fh:
            data = fh.read()
    if not isinstance(data, bytes):
        raise TypeError(f"{what} must be opened in binary mode")
    return data


def load(f: str | os.PathLike | IO[bytes], map_location=None, weights_only: bool = True) -> Any:
    """Load a checkpoint written by ``autodiff.save``.

    Tensors come back as Tensors (same dtype, shape, values and
    ``requires_grad``), NumPy arrays as arrays; dict key order is kept.

    Parameters
    ----------
    f : path or binary file object
        The checkpoint.
    map_location : None or "cpu"
        Accepted for PyTorch compatibility; everything loads onto the CPU.
    weights_only : bool
        Accepted for PyTorch compatibility; loading is always weights-only
        (no pickle, no code).

    Returns
    -------
    The saved object.

    Raises
    ------
    CheckpointError
        If the file is truncated, corrupted, not a checkpoint (e.g. a pickle
        or a ``torch.save`` file), or holds anything but numeric/bool arrays
        and JSON structure. No code from the file is ever run.

    Examples
    --------
    >>> import autodiff, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "opt.ckpt")
    >>> autodiff.save({"state": {0: {"step": 1}}, "param_groups": []}, path)
    >>> autodiff.load(path)["state"]
    {0: {'step': 1}}
    """
    if map_location is not None:
        from .device import device

        device(map_location)  # only the CPU exists; anything else raises clearly
    del weights_only  # always true here
    what = "the file" if hasattr(f, "read") else repr(os.fspath(f))
    data = _read_all(f, what)
    if not data:
        raise _fail(what, "the file is empty")
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise _fail(
            what,
            "it is a Python pickle (e.g. written by pickle or an old torch.save); "
            "autodiff.load never unpickles, because unpickling can run arbitrary code",
        )
    if data[:4] != b"PK\x03\x04":
        raise _fail(what, "it is not a zip/.npz archive (wrong magic bytes)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise _fail(what, f"the zip archive is truncated or corrupted ({e})") from None
    try:
        with zf:
            return _load_zip(zf, what)
    except CheckpointError:
        raise
    except RecursionError:
        raise _fail(what, "the structure is nested too deeply") from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as e:
        # bad CRC, truncated member, encrypted or unsupported compression
        raise _fail(what, f"a member could not be read: truncated or corrupted ({e})") from None
    except Exception as e:  # zlib.error and anything else a malformed archive may raise
        raise _fail(what, f"{type(e).__name__}: {e}") from None


def _load_zip(zf: zipfile.ZipFile, what: str) -> Any:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _fail(what, "the archive lists a member more than once")
    pickles = [n for n in names if n.endswith((".pkl", ".pickle")) or n.endswith("/data.pkl")]
    if pickles:
        raise _fail(
            what,
            f"it contains pickle member(s) {pickles} (a torch.save file?); autodiff.load "
            "never unpickles",
        )
    if STRUCTURE not in names:
        shown = names[:5] + (["..."] if len(names) > 5 else [])
        raise _fail(what, f"the archive has no '{STRUCTURE}' member (members: {shown})")
    for info in infos:
        # members are stored uncompressed, so nothing can expand beyond the file's size
        if info.compress_type != zipfile.ZIP_STORED:
            raise _fail(
                what,
                f"member {info.filename} is compressed; autodiff checkpoints store their "
                "members uncompressed (a compressed member could be a zip bomb)",
            )
        if info.file_size != info.compress_size:
            raise _fail(what, f"member {info.filename} declares inconsistent sizes (corrupted)")
    info = zf.getinfo(STRUCTURE)
    if info.file_size > _MAX_JSON_BYTES:
        raise _fail(what, f"the structure member is too large ({info.file_size} bytes)")
    try:
        header = json.loads(zf.read(STRUCTURE).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _fail(what, f"the structure member is not valid JSON ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _fail(what, f"the structure member does not declare format '{FORMAT}'")
    if header.get("version") != VERSION:
        raise _fail(
            what, f"unsupported checkpoint version {header.get('version')!r} (expected {VERSION})"
        )
    if set(header) != {"format", "version", "arrays", "root"}:
        raise _fail(what, f"unexpected keys in the structure member: {sorted(header)}")
    n = header["arrays"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise _fail(what, f"the array count must be a non-negative int, got {n!r}")
    expected = {STRUCTURE} | {f"arrays/{i}.npy" for i in range(n)}
    unexpected = [name for name in names if name not in expected]
    if unexpected:
        raise _fail(what, f"unexpected member(s) in the archive: {unexpected[:5]}")
    decoder = _Decoder(zf, n, what)
    obj = decoder.decode(header["root"])
    unused = sorted(set(range(n)) - set(decoder.arrays))
    if unused:
        raise _fail(what, f"array(s) {unused[:5]} are declared but never referenced")
    return obj
