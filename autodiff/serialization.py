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

Loading a hostile file costs memory in proportion to the file's size, never to
what the file declares: only regular files are opened (a FIFO or ``/dev/zero``
is refused before it is read), members must be stored uncompressed, lie inside
the file and not overlap (so all members together hold at most the file's
bytes), and declared counts and shapes are compared with the bytes present
before anything is allocated for them.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import re
import stat
import struct
import zipfile
import zlib
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .device import device
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

    The file is written to a temporary name in the same directory, flushed to
    disk (``fsync``) and renamed into place, and the directory is synced, so an
    interrupted save or a crash never leaves a half-written checkpoint under
    ``f``: the old file or the new one is there, whole. A new file gets the
    permissions ``open(f, "wb")`` would give it (``0o666`` less the umask); an
    existing file keeps its permissions. If ``f`` is a symlink, the file it
    points to is replaced and the symlink stays a symlink.

    Parameters
    ----------
    obj : dict, list, tuple, Tensor, ndarray or scalar
        Typically ``model.state_dict()`` or ``optimizer.state_dict()``, or a
        dict holding several of them.
    f : path or binary file object
        Where to write (the name is used as given, whatever its suffix).

    Raises
    ------
    TypeError
        If ``obj`` holds something a checkpoint cannot store (nothing is written).
    OSError
        If the file cannot be written; the error names ``f``, not the
        temporary file, and ``f`` is left as it was.

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
    try:
        _save_atomically(os.path.realpath(path), header, enc.arrays)
    except OSError as e:
        if e.errno is None:
            raise
        # name the user's path, not the temporary file (or the symlink's target)
        raise type(e)(e.errno, e.strerror, path) from None


def _save_atomically(target: str, header: bytes, arrays: list[np.ndarray]) -> None:
    directory = os.path.dirname(target) or os.curdir
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)  # overwriting keeps the file's mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new file: 0o666 less the umask, applied by os.open below
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{os.path.basename(target)}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(errno.EEXIST, "no free temporary file name", target)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            _write_zip(fh, header, arrays)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None and not hasattr(os, "fchmod"):  # pragma: no cover - Windows
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable; not every platform can open a directory."""
    try:
        dfd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# ----------------------------------------------------------------------- load
_LOCAL_HEADER = struct.Struct(zipfile.structFileHeader)  # a member's local header, 30 bytes
_ARRAY_MEMBER = re.compile(r"arrays/(0|[1-9][0-9]{0,18})\.npy")
_NPY_HEADER_LIMIT = 12 + 10_000  # magic, version, length, and NumPy's own header-size limit
_REFUSED_FLAGS = {0x01: "encrypted", 0x20: "patch data", 0x40: "strongly encrypted"}


def _fail(what: str, msg: str) -> CheckpointError:
    return CheckpointError(f"{what} is not a valid autodiff checkpoint: {msg}")


def _read_npy(raw: memoryview, member: str, what: str) -> np.ndarray:
    """Parse one .npy member without pickle and without trusting its header."""
    bio = io.BytesIO(bytes(raw[:_NPY_HEADER_LIMIT]))
    try:
        version = np.lib.format.read_magic(bio)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(bio)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(bio)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError, RecursionError) as e:
        raise _fail(what, f"member {member} has a malformed .npy header ({e})") from None
    if dtype.hasobject or dtype.kind not in _ALLOWED_KINDS or dtype.fields is not None:
        raise _fail(
            what,
            f"member {member} holds an array of dtype {dtype}; only numeric and bool arrays "
            "are allowed (object arrays would need pickle, which autodiff.load never uses)",
        )
    count = math.prod(shape)
    offset = bio.tell()
    # compare the declared size with the bytes present before allocating anything
    if len(raw) - offset != count * dtype.itemsize:
        raise _fail(
            what,
            f"member {member} declares shape {shape} and dtype {dtype} "
            f"({count * dtype.itemsize} bytes) but holds {len(raw) - offset} bytes of data "
            "(truncated or corrupted)",
        )
    arr = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape, order="F" if fortran else "C").copy(order="K")


class _Archive:
    """The stored members of a zip held in memory, each checked before any is read.

    Every member must be stored (not compressed), lie wholly inside the data
    area before the central directory, and not overlap any other member, so
    reading every member reads at most the file's size: the "overlapping
    members" zip bomb, where many directory entries share the same bytes, is
    refused. Members are read as views of the file's bytes, CRC-checked.
    """

    def __init__(self, zf: zipfile.ZipFile, data: bytes, what: str) -> None:
        self.data = memoryview(data)
        self.what = what
        self.extents: dict[str, tuple[zipfile.ZipInfo, int, int]] = {}
        end = zf.start_dir  # where the central directory starts: members lie before it
        if not 0 <= end <= len(data):
            raise _fail(what, "the central directory lies outside the file (corrupted)")
        spans = []
        for info in zf.infolist():
            name = info.filename
            # stored members cannot expand beyond the file's size
            if info.compress_type != zipfile.ZIP_STORED:
                raise _fail(
                    what,
                    f"member {name} is compressed; autodiff checkpoints store their "
                    "members uncompressed (a compressed member could be a zip bomb)",
                )
            for bit, kind in _REFUSED_FLAGS.items():
                if info.flag_bits & bit:
                    raise _fail(what, f"member {name} is {kind} (truncated or corrupted)")
            if info.file_size != info.compress_size:
                raise _fail(what, f"member {name} declares inconsistent sizes (corrupted)")
            off = info.header_offset
            if not 0 <= off <= end - _LOCAL_HEADER.size:
                raise _fail(
                    what,
                    f"member {name}'s local header (at offset {off}) lies outside the "
                    f"archive's data ({end} bytes before the central directory); "
                    "truncated or corrupted",
                )
            fields = _LOCAL_HEADER.unpack_from(data, off)
            if fields[0] != zipfile.stringFileHeader:
                raise _fail(
                    what,
                    f"member {name}'s local header (at offset {off}) has a bad signature "
                    "(truncated or corrupted)",
                )
            start = off + _LOCAL_HEADER.size + fields[10] + fields[11]  # name, extra field
            stop = start + info.compress_size
            if stop > end:
                raise _fail(
                    what,
                    f"member {name} ({info.compress_size} bytes at offset {off}) extends "
                    f"beyond the archive's data ({end} bytes before the central directory); "
                    "truncated or corrupted",
                )
            spans.append((off, stop, name))
            self.extents[name] = (info, start, stop)
        spans.sort()
        for (a0, a1, a), (b0, b1, b) in zip(spans, spans[1:]):
            if b0 < a1:
                raise _fail(
                    what,
                    f"members {a} (bytes {a0}-{a1}) and {b} (bytes {b0}-{b1}) overlap; "
                    "a checkpoint's members are disjoint (overlapping members are a zip bomb)",
                )
        for name, (info, _, _) in self.extents.items():
            at = info.header_offset + _LOCAL_HEADER.size
            local = bytes(self.data[at : at + _LOCAL_HEADER.unpack_from(data, at - 30)[10]])
            encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
            if local.decode(encoding, "replace") != info.orig_filename:
                raise _fail(
                    what, f"member {name} is named {local!r} in its local header (corrupted)"
                )

    def read(self, name: str) -> memoryview | None:
        """The bytes of member ``name`` (CRC-checked), or None if there is no such member."""
        if name not in self.extents:
            return None
        info, start, stop = self.extents[name]
        raw = self.data[start:stop]
        if zlib.crc32(raw) != info.CRC:
            raise _fail(
                self.what,
                f"a member could not be read: truncated or corrupted (Bad CRC-32 "
                f"for file {name!r})",
            )
        return raw


class _Decoder:
    def __init__(self, archive: _Archive, n_arrays: int, what: str) -> None:
        self.archive = archive
        self.n = n_arrays
        self.what = what
        self.arrays: dict[int, np.ndarray] = {}
        self.tensors: dict[int, Tensor] = {}

    def array(self, i: Any) -> np.ndarray:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.n:
            raise _fail(self.what, f"the structure refers to array {i!r}, which is not in the file")
        if i not in self.arrays:
            member = f"arrays/{i}.npy"
            raw = self.archive.read(member)
            if raw is None:
                raise _fail(
                    self.what,
                    f"the structure refers to array {i} ({member}), which is not in the file",
                )
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


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def _require_regular_file(st: os.stat_result, what: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise _fail(
            what,
            f"it is {_kind(st.st_mode)}, not a regular file; autodiff.load reads checkpoint "
            "files only (pass an open binary file object to read from a stream)",
        )


def _read_all(f: Any, what: str) -> bytes:
    if hasattr(f, "read"):
        data = f.read()
        if not isinstance(data, bytes):
            raise TypeError(f"{what} must be opened in binary mode")
        return data
    path = os.fspath(f)
    # refuse FIFOs, devices and directories before opening them (opening a FIFO
    # blocks; /dev/zero never ends), and again after, in case the path changed
    _require_regular_file(os.stat(path), what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        _require_regular_file(st, what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fh.fileno(), True)
        return fh.read()


def load(
    f: str | os.PathLike | IO[bytes], map_location: Any = None, weights_only: bool = True
) -> Any:
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
        or a ``torch.save`` file), not a regular file (a directory, FIFO or
        device), or holds anything but numeric/bool arrays and JSON
        structure. No code from the file is ever run.
    OSError
        If the path cannot be opened (e.g. ``FileNotFoundError``).

    Examples
    --------
    >>> import autodiff, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "opt.ckpt")
    >>> autodiff.save({"state": {0: {"step": 1}}, "param_groups": []}, path)
    >>> autodiff.load(path)["state"]
    {0: {'step': 1}}
    """
    if map_location is not None:
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
    except MemoryError:
        raise
    except Exception as e:  # BadZipFile, NotImplementedError (zip version), struct.error...
        raise _fail(what, f"the zip archive is truncated or corrupted ({e})") from None
    try:
        with zf:
            return _load_zip(zf, data, what)
    except CheckpointError:
        raise
    except RecursionError:
        raise _fail(what, "the structure is nested too deeply") from None
    except MemoryError:
        raise
    except Exception as e:  # anything else a malformed archive may raise
        raise _fail(what, f"truncated or corrupted ({type(e).__name__}: {e})") from None


def _load_zip(zf: zipfile.ZipFile, data: bytes, what: str) -> Any:
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
    archive = _Archive(zf, data, what)  # members stored, inside the file, disjoint
    info = zf.getinfo(STRUCTURE)
    if info.file_size > _MAX_JSON_BYTES:
        raise _fail(what, f"the structure member is too large ({info.file_size} bytes)")
    raw = archive.read(STRUCTURE)
    assert raw is not None
    try:
        header = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:  # ValueError: e.g. an int of 5000 digits
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
    # n is untrusted: nothing below allocates or loops in proportion to it, only to
    # the members the file actually holds
    unexpected = []
    for name in names:
        match = _ARRAY_MEMBER.fullmatch(name)
        if name != STRUCTURE and (match is None or int(match.group(1)) >= n):
            unexpected.append(name)
    if unexpected:
        raise _fail(what, f"unexpected member(s) in the archive: {unexpected[:5]}")
    held = len(names) - 1  # the array members, each arrays/<i>.npy with i < n, no repeats
    decoder = _Decoder(archive, n, what)
    obj = decoder.decode(header["root"])
    if len(decoder.arrays) != n:
        if n > held:
            raise _fail(
                what,
                f"the structure declares {n} arrays but the archive holds only {held} "
                "array member(s) (truncated or corrupted)",
            )
        unused: list[int] = []
        i = 0
        while len(unused) < 5 and i < n:  # at most len(decoder.arrays) + 5 steps
            if i not in decoder.arrays:
                unused.append(i)
            i += 1
        raise _fail(what, f"array(s) {unused} are declared but never referenced")
    return obj
