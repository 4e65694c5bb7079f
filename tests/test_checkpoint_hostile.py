"""autodiff.load against hostile files, and autodiff.save's durability (issue 15, point 7).

Memory is bounded by the file's size, overlapping zip members are refused, every
malformed input raises CheckpointError, non-regular files are refused without
being read, and save fsyncs, honours the umask and writes through symlinks.
"""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import sys
import threading
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

import autodiff
from autodiff.serialization import STRUCTURE, CheckpointError


def header(root, n):
    return json.dumps({"format": "autodiff.checkpoint", "version": 1, "arrays": n, "root": root})


def write_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def npy_header(length):
    """The .npy header of a uint8 vector of ``length`` bytes."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "|u1", "fortran_order": False, "shape": (length,)}
    )
    return buf.getvalue()


def local_header(name: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data)
    return (
        struct.pack(
            zipfile.structFileHeader,
            b"PK\x03\x04",
            20,
            0,
            0,
            0,
            0,
            0x21,
            crc,
            len(data),
            len(data),
            len(name),
            0,
        )
        + name
    )


def raw_zip(body: bytes, entries) -> bytes:
    """``body`` followed by a central directory listing ``(name, offset, data)`` entries.

    Nothing checks that the entries agree with ``body``: that is the point.
    """
    cd = b""
    for name, offset, data in entries:
        cd += (
            struct.pack(
                zipfile.structCentralDir,
                b"PK\x01\x02",
                20,
                3,
                20,
                0,
                0,
                0,
                0,
                0x21,
                zlib.crc32(data),
                len(data),
                len(data),
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + name
        )
    eocd = struct.pack(
        zipfile.structEndArchive,
        b"PK\x05\x06",
        0,
        0,
        len(entries),
        len(entries),
        len(cd),
        len(body),
        0,
    )
    return body + cd + eocd


def expect_error(path, message):
    with pytest.raises(CheckpointError, match=message) as info:
        autodiff.load(path)
    assert isinstance(info.value, ValueError)
    assert "is not a valid autodiff checkpoint" in str(info.value)
    return info.value


# ------------------------------------------------------- 1. memory is bounded
@pytest.mark.parametrize("n", [10**6, 10**12, 10**100])
def test_declared_array_count_is_checked_before_allocating(tmp_path, n):
    # a 300-byte file declaring a million (or 10**12) arrays: refusing it must
    # not allocate anything proportional to the declared count
    p = write_zip(tmp_path / "many.ckpt", {STRUCTURE: header(None, n)})
    assert p.stat().st_size < 400
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError) as info:
            autodiff.load(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"the structure declares {n} arrays but the archive holds only 0" in str(info.value)
    assert peak < 256 * 1024, f"refusing a {p.stat().st_size}-byte file allocated {peak} bytes"


def test_declared_sizes_are_checked_against_the_file(tmp_path):
    # an array header claiming 10**12 elements, a member claiming 2**31 bytes,
    # and a structure member claiming more than the JSON limit: all refused
    # by comparing with what the file holds, without allocating the claim
    hdr = npy_header(10**12)
    p = write_zip(
        tmp_path / "shape.ckpt",
        {STRUCTURE: header({"ndarray": 0}, 1), "arrays/0.npy": hdr + b"\x01\x02\x03\x04"},
    )
    tracemalloc.start()
    try:
        expect_error(p, r"declares shape \(1000000000000,\) and dtype uint8 .* holds 4 bytes")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024

    body = local_header(STRUCTURE.encode(), b"{}") + b"{}"
    data = bytearray(raw_zip(body, [(STRUCTURE.encode(), 0, b"{}")]))
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<2L", data, cd + 20, 2**31, 2**31)  # compressed and file size
    (tmp_path / "size.ckpt").write_bytes(bytes(data))
    expect_error(
        tmp_path / "size.ckpt",
        rf"member {STRUCTURE} \(2147483648 bytes at offset 0\) extends beyond the archive's data",
    )


# --------------------------------------------------- 2. overlapping members
def overlapping_bomb(k: int, payload: int) -> tuple[bytes, int]:
    """A zip whose k array members each hold all the members after them.

    Member i's data is a valid .npy uint8 vector whose bytes are the local
    headers and data of members i+1..k-1, so loading every member reads about
    k times the file's size (the quadratic "overlapping files" zip bomb).
    Returns the file's bytes and the total size its members declare.
    """
    names = [f"arrays/{i}.npy".encode() for i in range(k)]
    after = bytes(payload)  # the physical bytes after member k-1's .npy header
    members = []
    for name in reversed(names):
        data = npy_header(len(after)) + after
        members.append((name, data))
        after = local_header(name, data) + data  # physical bytes from this member on
    members.reverse()
    structure = header({"list": [{"ndarray": i} for i in range(k)]}, k).encode()
    body = local_header(STRUCTURE.encode(), structure) + structure + after
    entries = [(STRUCTURE.encode(), 0, structure)]
    for name, data in members:
        lh = local_header(name, data)
        entries.append((name, body.index(lh + data[:64]), data))
    return raw_zip(body, entries), sum(len(d) for _, _, d in entries)


def test_overlapping_members_are_refused(tmp_path):
    data, declared = overlapping_bomb(k=40, payload=50_000)
    p = tmp_path / "bomb.ckpt"
    p.write_bytes(data)
    assert declared > 30 * len(data)  # the members claim 30x the file's size
    with zipfile.ZipFile(p) as zf:  # a valid zip as far as zipfile is concerned
        assert zf.testzip() is None
    expect_error(p, r"members arrays/0.npy .* and arrays/1.npy .* overlap")


def test_two_entries_sharing_one_member_are_refused(tmp_path):
    structure = header({"list": [{"ndarray": 0}, {"ndarray": 1}]}, 2).encode()
    a = npy_header(4) + b"abcd"
    body = local_header(STRUCTURE.encode(), structure) + structure
    off = len(body)
    body += local_header(b"arrays/0.npy", a) + a
    data = raw_zip(
        body,
        [(STRUCTURE.encode(), 0, structure), (b"arrays/0.npy", off, a), (b"arrays/1.npy", off, a)],
    )
    (tmp_path / "dup.ckpt").write_bytes(data)
    expect_error(tmp_path / "dup.ckpt", r"members arrays/0.npy .* and arrays/1.npy .* overlap")


def test_members_outside_the_file_are_refused(tmp_path):
    structure = header(None, 0).encode()
    body = local_header(STRUCTURE.encode(), structure) + structure
    data = bytearray(raw_zip(body, [(STRUCTURE.encode(), 0, structure)]))
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<L", data, cd + 42, 10**6)  # local header offset far past the end
    (tmp_path / "far.ckpt").write_bytes(bytes(data))
    expect_error(
        tmp_path / "far.ckpt",
        rf"member {STRUCTURE}'s local header \(at offset 1000000\) lies outside the archive's data",
    )
    # a local header placed inside the central directory
    data = bytearray(raw_zip(body, [(STRUCTURE.encode(), 0, structure)]))
    struct.pack_into("<L", data, cd + 42, cd)
    (tmp_path / "incd.ckpt").write_bytes(bytes(data))
    expect_error(tmp_path / "incd.ckpt", "lies outside the archive's data")


# ------------------------------------------------------------------ 3. fuzz
def same(a, b):
    if isinstance(a, autodiff.Tensor):
        return (
            isinstance(b, autodiff.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.requires_grad == b.requires_grad
            and a.data.tobytes() == b.data.tobytes()
        )
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def small_checkpoint(tmp_path):
    obj = {
        "w": autodiff.arange(4, dtype=autodiff.float32, requires_grad=True),
        "b": np.ones(2, dtype=np.int16),
        "step": 3,
    }
    path = tmp_path / "small.ckpt"
    autodiff.save(obj, path)
    return obj, path.read_bytes()


def load_bytes(tmp_path, data):
    p = tmp_path / "fuzz.ckpt"
    p.write_bytes(data)
    return autodiff.load(p)


def test_an_unsupported_zip_version_byte_is_a_checkpoint_error(tmp_path):
    _, data = small_checkpoint(tmp_path)
    bad = bytearray(data)
    cd = bad.index(b"PK\x01\x02")
    bad[cd + 6] = 0xFF  # "version needed to extract" 25.5: zipfile raises NotImplementedError
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        load_bytes(tmp_path, bytes(bad))


def test_fuzz_every_byte_and_every_truncation(tmp_path):
    obj, data = small_checkpoint(tmp_path)
    assert len(data) < 1500
    outcomes = {"same": 0, "refused": 0}

    def check(candidate, what):
        try:
            back = load_bytes(tmp_path, candidate)
        except CheckpointError as e:
            assert "is not a valid autodiff checkpoint" in str(e)
            outcomes["refused"] += 1
            return
        except Exception as e:  # anything else is a bug
            pytest.fail(f"{what}: {type(e).__name__}: {e}")
        assert same(obj, back), f"{what}: loaded a different value {back!r}"
        outcomes["same"] += 1

    for i in range(len(data)):
        for flip in (0xFF, 0x01):
            bad = bytearray(data)
            bad[i] ^= flip
            check(bytes(bad), f"byte {i} ^ {flip:#x}")
    for n in range(len(data)):
        check(data[:n], f"truncated to {n} bytes")
    rng = np.random.default_rng(0)
    for trial in range(300):  # a few random multi-byte corruptions too
        bad = bytearray(data)
        for i in rng.integers(0, len(data), size=rng.integers(2, 6)):
            bad[i] = int(rng.integers(0, 256))
        check(bytes(bad), f"random corruption {trial}")
    assert outcomes["refused"] > len(data)  # most corruptions are caught...
    assert outcomes["same"] > 0  # ...and harmless ones (timestamps) still load


# ---------------------------------------------------- 4. non-regular files
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.ckpt"
    os.mkfifo(fifo)
    done = threading.Event()

    def unblock():
        # a safety valve so a regression fails instead of hanging: if load ever
        # blocks opening the FIFO, open and close its writing end
        while not done.wait(0.05):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    t = threading.Thread(target=unblock, daemon=True)
    t.start()
    try:
        err = expect_error(fifo, "it is a FIFO .*not a regular file")
    finally:
        done.set()
        t.join()
    assert repr(str(fifo)) in str(err)


def test_directories_and_devices_are_refused(tmp_path):
    err = expect_error(tmp_path, "it is a directory, not a regular file")
    assert repr(str(tmp_path)) in str(err)
    if os.path.exists("/dev/zero"):  # would read forever
        expect_error("/dev/zero", r"'/dev/zero' is not a valid .*character device")
    # a symlink to a regular checkpoint is fine
    target = tmp_path / "real.ckpt"
    autodiff.save({"v": 1}, target)
    link = tmp_path / "link.ckpt"
    link.symlink_to(target)
    assert autodiff.load(link) == {"v": 1}


# ---------------------------------------------------------------- 5. save
def test_save_fsyncs_before_renaming(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        events.append(("fsync", "dir" if stat.S_ISDIR(st.st_mode) else "file"))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        events.append(("replace", os.path.basename(os.fspath(dst))))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    autodiff.save({"v": 1}, tmp_path / "c.ckpt")
    assert events[:2] == [("fsync", "file"), ("replace", "c.ckpt")]
    if sys.platform != "win32":
        assert events[2:] == [("fsync", "dir")]
    assert autodiff.load(tmp_path / "c.ckpt") == {"v": 1}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_file_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        autodiff.save({"v": 1}, tmp_path / "c.ckpt")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "c.ckpt").st_mode) == mode
    assert os.listdir(tmp_path) == ["c.ckpt"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_overwriting_keeps_the_existing_files_mode(tmp_path):
    p = tmp_path / "c.ckpt"
    autodiff.save({"v": 1}, p)
    os.chmod(p, 0o600)  # the user made it private: a new save must not widen that
    old = os.umask(0o022)
    try:
        autodiff.save({"v": 2}, p)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert autodiff.load(p) == {"v": 2}


def test_saving_through_a_symlink_writes_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.ckpt"
    autodiff.save({"v": 1}, target)
    link = tmp_path / "latest.ckpt"
    link.symlink_to(target)
    autodiff.save({"v": 2}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert autodiff.load(target) == {"v": 2}
    assert sorted(os.listdir(tmp_path)) == ["latest.ckpt", "real"]
    assert os.listdir(tmp_path / "real") == ["model.ckpt"]
    # a dangling symlink: the save creates its target, as open(link, "wb") would
    dangling = tmp_path / "new.ckpt"
    dangling.symlink_to(tmp_path / "real" / "fresh.ckpt")
    autodiff.save({"v": 3}, dangling)
    assert dangling.is_symlink() and autodiff.load(tmp_path / "real" / "fresh.ckpt") == {"v": 3}


def test_save_errors_name_the_users_path(tmp_path):
    missing = tmp_path / "no_such_dir" / "c.ckpt"
    with pytest.raises(FileNotFoundError) as info:
        autodiff.save({"v": 1}, missing)
    assert info.value.filename == str(missing)
    assert ".tmp" not in str(info.value) and str(missing) in str(info.value)

    (tmp_path / "adir").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        autodiff.save({"v": 1}, tmp_path / "adir")
    assert info.value.filename == str(tmp_path / "adir")
    assert ".tmp" not in str(info.value)
    assert sorted(os.listdir(tmp_path)) == ["adir"] and os.listdir(tmp_path / "adir") == []
