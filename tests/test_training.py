"""End-to-end training on scikit-learn's bundled 8x8 digits, and the demo's CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.data import DataLoader, TensorDataset
from autodiff.demo import build_model, evaluate, load_digits_split, parse_args, save_graph, train

pytest.importorskip("sklearn")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


def test_split_is_fixed_stratified_and_standardised(digits):
    X_train, y_train, X_test, y_test = digits
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train.mean(axis=0), 0.0, atol=1e-5)
    stds = X_train.std(axis=0)
    assert np.all((np.abs(stds - 1) < 1e-4) | (stds == 0))
    assert np.bincount(y_test).min() >= 35  # stratified: every digit is in the test set
    again = load_digits_split(seed=0)
    np.testing.assert_array_equal(again[0], X_train)


def test_mlp_reaches_97_percent(digits):
    X_train, y_train, X_test, y_test = digits
    autodiff.manual_seed(0)
    args = parse_args([])  # the demo's defaults
    loader = DataLoader(
        TensorDataset(autodiff.tensor(X_train), autodiff.tensor(y_train)),
        batch_size=args.batch_size,
        shuffle=True,
    )
    model = build_model(args.hidden)
    assert evaluate(model, X_test, y_test) < 0.3  # untrained: chance level
    final_loss = train(model, loader, args.epochs, args.lr, progress=False)
    assert final_loss < 0.05
    assert evaluate(model, X_test, y_test) >= 0.97


def test_small_cnn_reaches_97_percent(digits):
    X_train, y_train, X_test, y_test = digits
    autodiff.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )
    images = autodiff.tensor(X_train.reshape(-1, 1, 8, 8))
    loader = DataLoader(
        TensorDataset(images, autodiff.tensor(y_train)), batch_size=32, shuffle=True
    )
    optimizer = autodiff.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(15):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
    assert evaluate(model, X_test.reshape(-1, 1, 8, 8), y_test) >= 0.97


def test_save_graph_writes_a_picture_or_dot_text(tmp_path):
    autodiff.manual_seed(0)
    model = build_model([8])
    message = save_graph(model, autodiff.randn(4, 64), autodiff.tensor([0, 1, 2, 3]), str(tmp_path))
    assert message.startswith("computation graph: ")
    written = os.listdir(tmp_path)
    assert written in (["graph.png"], ["graph.dot"]), (message, written)
    if written == ["graph.png"]:
        assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    assert all(p.grad is None for p in model.parameters())  # gradients cleared afterwards


def test_save_graph_never_raises(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    message = save_graph(
        build_model([8]), autodiff.randn(2, 64), autodiff.tensor([0, 1]), str(blocker)
    )
    assert message.startswith("computation graph: not drawn")


def run_cli(*args, cwd, **extra_env):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "autodiff", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_trains_and_prints_accuracy_last(tmp_path):
    proc = run_cli("--epochs", "2", "--hidden", "32", "--seed", "1", "--out", "pics", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"test accuracy: [01]\.\d{3}", lines[-1]), lines[-1]
    assert float(lines[-1].split(": ")[1]) > 0.8
    assert any(line.startswith("computation graph: ") for line in lines)
    assert os.listdir(tmp_path / "pics") in (["graph.png"], ["graph.dot"])
    assert "training" in proc.stderr and "loss=" in proc.stderr  # the tqdm bar


def test_cli_without_graphviz_writes_dot_text(tmp_path):
    empty = tmp_path / "empty_path"
    empty.mkdir()
    proc = run_cli(
        "--epochs",
        "1",
        "--hidden",
        "16",
        "--no-progress",
        "--out",
        "pics",
        cwd=tmp_path,
        PATH=str(empty),
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert (
        "graph.dot (DOT text; PNG not rendered: Graphviz's `dot` program was not found"
        in proc.stdout
    )
    assert re.fullmatch(r"test accuracy: [01]\.\d{3}", lines[-1])
    assert os.listdir(tmp_path / "pics") == ["graph.dot"]
    dot = (tmp_path / "pics" / "graph.dot").read_text()
    assert dot.startswith("digraph")
    # the README's picture: the step's values and every op's gradient are kept to draw
    assert "value freed by backward" not in dot and "op gradients unknown" not in dot
    assert "grad norm" in dot and "data norm" in dot


def test_cli_help_and_bad_arguments(tmp_path):
    proc = run_cli("--help", cwd=tmp_path)
    assert proc.returncode == 0
    for option in ("--epochs", "--hidden", "--seed", "--out", "--lr", "--batch-size"):
        assert option in proc.stdout
    assert "digits" in proc.stdout and "default: 30" in proc.stdout
    bad = run_cli("--hidden", "a,b", cwd=tmp_path)
    assert bad.returncode == 2 and "--hidden takes widths separated by commas" in bad.stderr
    bad = run_cli("--epochs", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "must be > 0, got 0" in bad.stderr
