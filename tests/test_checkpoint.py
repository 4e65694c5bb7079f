"""autodiff.save / autodiff.load: exact round trips, resuming training, hostile files."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.data import DataLoader, TensorDataset
from autodiff.serialization import STRUCTURE, CheckpointError


def assert_same(a, b):
    """Equal type, structure, key order, dtype, shape and bits."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, autodiff.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        assert a.data.tobytes() == b.data.tobytes()
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert type(k) is type([kb for kb in b if kb == k][0])
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b and repr(a) == repr(b)


def roundtrip(obj, tmp_path, name="ckpt.pt"):
    path = tmp_path / name
    autodiff.save(obj, path)
    return autodiff.load(path)


# ----------------------------------------------------------------- round trips
def test_round_trip_of_every_supported_value(tmp_path):
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    obj = {
        "z": 1,
        "a": [None, True, False, -7, 2**70, 1.5, -0.0, float("inf"), float("nan"), "héllo ✓"],
        3: ("tuple", 4.0),
        "tensors": OrderedDict(
            [
                ("f32", autodiff.randn(2, 3)),
                ("f64", autodiff.randn(4, dtype=autodiff.float64, requires_grad=True)),
                ("f16", autodiff.tensor([1.0, 2.5], dtype=autodiff.float16)),
                ("i64", autodiff.arange(5)),
                ("bool", autodiff.tensor([True, False])),
                ("scalar", autodiff.tensor(3.25)),
                ("empty", autodiff.zeros(0, 3)),
            ]
        ),
        "arrays": [x, x.T, x[:, ::2], np.asfortranarray(x), np.array([1, 2], dtype=np.uint8)],
        "npscalars": [np.float32(1.5), np.int64(-3), np.bool_(True)],
        "nested": {"empty_dict": {}, "empty_list": [], 1.5: "float key", None: "none key"},
    }
    back = roundtrip(obj, tmp_path)
    assert_same(obj, back)
    assert isinstance(back["tensors"], OrderedDict) and not isinstance(back, OrderedDict)
    assert list(back) == ["z", "a", 3, "tensors", "arrays", "npscalars", "nested"]


def test_shared_tensors_stay_shared(tmp_path):
    t = autodiff.ones(3)
    back = roundtrip({"a": t, "b": [t]}, tmp_path)
    assert back["a"] is back["b"][0]


def test_model_state_dict_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    sd = model.state_dict()
    back = roundtrip(sd, tmp_path, "model.npz")
    assert list(back) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for k in sd:
        assert isinstance(back[k], autodiff.Tensor)
        assert back[k].dtype == sd[k].dtype and back[k].shape == sd[k].shape
        assert back[k].data.tobytes() == sd[k].data.tobytes()
    fresh = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    fresh.load_state_dict(back)
    x = autodiff.randn(5, 4)
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


def test_optimizer_state_dict_round_trip(tmp_path):
    w = autodiff.randn(3, 2, requires_grad=True)
    b = autodiff.randn(2, requires_grad=True)
    opt = autodiff.optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.1}], amsgrad=True)
    for _ in range(3):
        w.grad, b.grad = autodiff.randn(3, 2), autodiff.randn(2)
        opt.step()
    sd = opt.state_dict()
    back = roundtrip(sd, tmp_path, "opt.pt")
    assert_same(sd, back)
    assert back["param_groups"][0]["betas"] == (0.9, 0.999)  # tuples stay tuples
    assert sorted(back["state"]) == [0, 1]  # int keys stay ints
    opt2 = autodiff.optim.Adam([{"params": [w]}, {"params": [b]}])
    opt2.load_state_dict(back)
    assert opt2.param_groups[1]["lr"] == 0.1 and opt2.state[w]["step"] == 3


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    autodiff.save({"w": autodiff.ones(2)}, buf)
    buf.seek(0)
    assert autodiff.load(buf)["w"].tolist() == [1.0, 1.0]


def test_save_replaces_atomically_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "ckpt"
    autodiff.save({"v": 1}, path)
    autodiff.save({"v": 2}, str(path))
    assert autodiff.load(path) == {"v": 2}
    assert os.listdir(tmp_path) == ["ckpt"]
    with pytest.raises(TypeError, match="cannot save an object of type builtins.object"):
        autodiff.save({"v": 3, "bad": object()}, path)
    assert autodiff.load(path) == {"v": 2}  # the failed save did not touch the old file
    assert os.listdir(tmp_path) == ["ckpt"]


def test_the_file_is_a_plain_npz(tmp_path):
    path = tmp_path / "c.npz"
    autodiff.save({"w": autodiff.arange(3)}, path)
    with np.load(path, allow_pickle=False) as z:
        assert z["arrays/0"].tolist() == [0, 1, 2]
    with zipfile.ZipFile(path) as zf:
        assert json.loads(zf.read(STRUCTURE))["root"] == {
            "dict": [["w", {"tensor": 0, "requires_grad": False}]]
        }


def test_save_errors(tmp_path):
    p = tmp_path / "x"
    with pytest.raises(
        TypeError, match=r"cannot save an object of type builtins.set at obj\['a'\]\[1\]"
    ):
        autodiff.save({"a": [1, {2}]}, p)
    with pytest.raises(TypeError, match=r"at obj\['o'\]: dtype object is not numeric or bool"):
        autodiff.save({"o": np.array([1, "a"], dtype=object)}, p)
    with pytest.raises(TypeError, match=r"key \(1, 2\) is a tuple"):
        autodiff.save({(1, 2): 3}, p)


# ------------------------------------------------------------------ resuming
def make_run(seed=0):
    data = np.random.default_rng(0)  # the same data set in every run
    X = autodiff.tensor(data.standard_normal((96, 6)).astype(np.float32))
    y = autodiff.tensor(data.integers(0, 3, 96))
    autodiff.manual_seed(seed)
    model = nn.MLP(6, [16], 3, dropout=0.2)  # dropout draws from the global generator too
    opt = autodiff.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)
    sched = autodiff.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    loader = DataLoader(TensorDataset(X, y), batch_size=10, shuffle=True)
    return model, opt, sched, loader


def train(model, opt, sched, stream, n):
    model.train()
    for _ in range(n):
        xb, yb = next(stream)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        sched.step()


def test_resume_equals_uninterrupted(tmp_path):
    n_first, n_more = 7, 16  # stop mid-epoch (10 batches per epoch)

    # uninterrupted
    model, opt, sched, loader = make_run()
    it = _stream(loader)
    train(model, opt, sched, it, n_first + n_more)
    reference = [p.data.copy() for p in model.parameters()]

    # interrupted: train, save everything, continue in fresh objects
    model, opt, sched, loader = make_run()
    it = _stream(loader)
    train(model, opt, sched, it, n_first)
    ckpt = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "scheduler": sched.state_dict(),
        "loader": loader.state_dict(),
    }
    autodiff.save(ckpt, tmp_path / "resume.ckpt")
    del model, opt, sched, loader, it

    model, opt, sched, loader = make_run(seed=12345)  # other weights, other generator state
    back = autodiff.load(tmp_path / "resume.ckpt")
    model.load_state_dict(back["model"])
    opt.load_state_dict(back["optimizer"])
    sched.load_state_dict(back["scheduler"])
    loader.load_state_dict(back["loader"])
    it = _stream(loader)
    train(model, opt, sched, it, n_more)
    for p, ref in zip(model.parameters(), reference):
        assert p.data.tobytes() == ref.tobytes()
    assert opt.state[next(iter(model.parameters()))]["step"] == n_first + n_more


def _stream(loader):
    """Batches across epoch boundaries, one at a time (so state is saved mid-epoch)."""
    while True:
        yield from loader


# ----------------------------------------------------------------- bad files
def good_file(tmp_path):
    path = tmp_path / "good.ckpt"
    autodiff.save({"w": autodiff.arange(6, dtype=autodiff.float32), "b": np.ones(2)}, path)
    return path


def write_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def header(root, n):
    return json.dumps({"format": "autodiff.checkpoint", "version": 1, "arrays": n, "root": root})


def npy(arr, allow_pickle=False):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def expect_error(path, message):
    with pytest.raises(CheckpointError, match=message) as info:
        autodiff.load(path)
    assert isinstance(info.value, ValueError)
    assert "is not a valid autodiff checkpoint" in str(info.value)
    return info.value


def test_truncated_files(tmp_path):
    data = good_file(tmp_path).read_bytes()
    for cut in [10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1]:
        p = tmp_path / f"cut{cut}"
        p.write_bytes(data[:cut])
        expect_error(p, "truncated or corrupted")
    (tmp_path / "empty").write_bytes(b"")
    expect_error(tmp_path / "empty", "the file is empty")


def test_flipped_bytes_in_array_data(tmp_path):
    path = good_file(tmp_path)
    data = bytearray(path.read_bytes())
    i = data.index(b"\x00\x00\x80\x3f")  # 1.0f inside arrays/0.npy
    data[i + 3] ^= 0xFF
    path.write_bytes(bytes(data))
    expect_error(path, r"a member could not be read: truncated or corrupted \(Bad CRC-32")


def test_random_bytes(tmp_path):
    p = tmp_path / "random.npz"
    p.write_bytes(np.random.default_rng(0).bytes(4096))
    expect_error(p, r"not a zip/.npz archive \(wrong magic bytes\)")


class _Exploit:
    def __reduce__(self):
        return (os.mkdir, (self.target,))


def test_pickle_renamed_to_pt_runs_no_code(tmp_path):
    exploit = _Exploit()
    exploit.target = str(tmp_path / "PWNED")
    p = tmp_path / "model.pt"
    p.write_bytes(pickle.dumps({"w": exploit}, protocol=4))
    expect_error(
        p, "it is a Python pickle .*never unpickles, because unpickling can run arbitrary code"
    )
    assert not os.path.exists(tmp_path / "PWNED")


def test_zip_with_a_pickle_member(tmp_path):
    exploit = _Exploit()
    exploit.target = str(tmp_path / "PWNED")
    p = write_zip(
        tmp_path / "evil.npz", {"archive/data.pkl": pickle.dumps(exploit), "archive/version": b"3"}
    )
    expect_error(p, r"contains pickle member\(s\) \['archive/data.pkl'\] \(a torch.save file\?\)")
    assert not os.path.exists(tmp_path / "PWNED")


def test_a_real_torch_save_file_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    p = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, p)
    expect_error(p, r"contains pickle member\(s\) .*data.pkl")


def test_npz_with_an_object_array(tmp_path):
    obj = np.array([{"a": 1}, None], dtype=object)
    p = write_zip(
        tmp_path / "obj.npz",
        {STRUCTURE: header({"ndarray": 0}, 1), "arrays/0.npy": npy(obj, allow_pickle=True)},
    )
    expect_error(
        p,
        r"member arrays/0.npy holds an array of dtype object; only numeric and bool arrays are allowed",
    )
    # np.savez's own object arrays, under our structure, are refused the same way
    structured = np.zeros(2, dtype=[("a", "f4"), ("b", "i4")])
    p2 = write_zip(
        tmp_path / "rec.npz",
        {STRUCTURE: header({"ndarray": 0}, 1), "arrays/0.npy": npy(structured)},
    )
    expect_error(p2, r"holds an array of dtype \[\('a', '<f4'\), \('b', '<i4'\)\]")


def test_structure_pointing_to_a_missing_array(tmp_path):
    p = write_zip(
        tmp_path / "missing.npz",
        {
            STRUCTURE: header({"dict": [["w", {"tensor": 1, "requires_grad": False}]]}, 1),
            "arrays/0.npy": npy(np.ones(2)),
        },
    )
    expect_error(p, "the structure refers to array 1, which is not in the file")
    p2 = write_zip(tmp_path / "missing2.npz", {STRUCTURE: header({"ndarray": 0}, 1)})
    expect_error(p2, r"the structure refers to array 0 \(arrays/0.npy\), which is not in the file")


def test_unexpected_and_unreferenced_members(tmp_path):
    p = write_zip(
        tmp_path / "extra.npz",
        {
            STRUCTURE: header({"ndarray": 0}, 1),
            "arrays/0.npy": npy(np.ones(2)),
            "run_me.py": b"print(1)",
        },
    )
    expect_error(p, r"unexpected member\(s\) in the archive: \['run_me.py'\]")
    p2 = write_zip(
        tmp_path / "unref.npz",
        {
            STRUCTURE: header(None, 2),
            "arrays/0.npy": npy(np.ones(2)),
            "arrays/1.npy": npy(np.ones(2)),
        },
    )
    expect_error(p2, r"array\(s\) \[0, 1\] are declared but never referenced")
    p3 = write_zip(tmp_path / "plain.npz", {"x.npy": npy(np.ones(2))})  # an ordinary np.savez file
    expect_error(p3, rf"the archive has no '{STRUCTURE}' member \(members: \['x.npy'\]\)")


def test_malformed_structure(tmp_path):
    cases = [
        (b"{not json", "the structure member is not valid JSON"),
        (b"\xff\xfe", "the structure member is not valid JSON"),
        (
            json.dumps({"format": "other", "version": 1}),
            "does not declare format 'autodiff.checkpoint'",
        ),
        (
            json.dumps({"format": "autodiff.checkpoint", "version": 99, "arrays": 0, "root": 1}),
            "unsupported checkpoint version 99",
        ),
        (header({"eval": "__import__('os')"}, 0), r"unknown structure node \{\"eval\""),
        (header({"tensor": "0", "requires_grad": False}, 0), "refers to array '0'"),
        (header({"dict": [["a"]]}, 0), r"a 'dict' entry must be a \[key, value\] pair"),
        (header({"list": {"a": 1}}, 0), "a 'list' node must hold a JSON list"),
        (header({"dict": [[["k"], 1]]}, 0), "dict key \\['k'\\] is not a scalar"),
        (header(None, -1), "the array count must be a non-negative int, got -1"),
        (
            '{"format": "autodiff.checkpoint", "version": 1, "arrays": 0, "root": '
            + '{"list": [' * 5000
            + "]}" * 5000
            + "}",
            "nested too deeply",
        ),
    ]
    for i, (text, message) in enumerate(cases):
        p = write_zip(tmp_path / f"bad{i}.npz", {STRUCTURE: text})
        expect_error(p, message)


def test_array_headers_are_not_trusted(tmp_path):
    # a header claiming far more data than the member holds
    big = bytearray(npy(np.ones(4, dtype=np.float32)))
    j = big.index(b"(4,)")
    big[j : j + 4] = b"(9,)"
    p = write_zip(
        tmp_path / "big.npz", {STRUCTURE: header({"ndarray": 0}, 1), "arrays/0.npy": bytes(big)}
    )
    expect_error(p, r"declares shape \(9,\) and dtype float32 \(36 bytes\) but holds 16 bytes")
    p2 = write_zip(
        tmp_path / "hdr.npz",
        {STRUCTURE: header({"ndarray": 0}, 1), "arrays/0.npy": b"\x93NUMPY\x01\x00garbage"},
    )
    expect_error(p2, "member arrays/0.npy has a malformed .npy header")
    p3 = write_zip(
        tmp_path / "intgrad.npz",
        {
            STRUCTURE: header({"tensor": 0, "requires_grad": True}, 1),
            "arrays/0.npy": npy(np.arange(3)),
        },
    )
    expect_error(p3, "array 0 of dtype int64 cannot require grad")


def test_compressed_members_are_refused(tmp_path):
    p = tmp_path / "bomb.npz"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(STRUCTURE, header({"ndarray": 0}, 1))
        zf.writestr("arrays/0.npy", npy(np.zeros(10_000_000, dtype=np.uint8)))  # 10 MB -> ~10 kB
    assert p.stat().st_size < 100_000
    expect_error(
        p,
        rf"member {STRUCTURE} is compressed; autodiff checkpoints store their members uncompressed",
    )


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        autodiff.load(tmp_path / "nope.ckpt")
