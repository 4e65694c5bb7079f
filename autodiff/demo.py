"""The demo behind ``python -m autodiff``: an MLP learns scikit-learn's 8x8 digits.

A plain PyTorch-style loop (model, loss, optimizer, DataLoader) on autodiff.
It prints a progress bar with the running loss, writes a picture of one
training step's computation graph to ``--out``, and prints the test accuracy
as its last line::

    python -m autodiff                  # about 5 s on a laptop, ~0.98 accuracy
    python -m autodiff --epochs 3 --hidden 32,32 --out /tmp/digits

The data set is bundled with scikit-learn: nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

import numpy as np

import autodiff
from autodiff import nn, viz
from autodiff.data import DataLoader, TensorDataset

__all__ = ["load_digits_split", "build_model", "train", "evaluate", "save_graph", "main"]


def load_digits_split(
    seed: int = 0, test_fraction: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 1797 8x8 digits, split into train and test sets and standardised.

    The split is stratified and fixed by ``seed``; inputs are standardised
    with the training set's per-pixel mean and standard deviation (pixels
    that never vary are left at zero).

    Parameters
    ----------
    seed : int
        Seed of the train/test split.
    test_fraction : float
        Share of the samples held out for testing.

    Returns
    -------
    X_train, y_train, X_test, y_test : numpy.ndarray
        Inputs as float32 of shape (n, 64), labels as int64 of shape (n,).

    Examples
    --------
    >>> from autodiff.demo import load_digits_split
    >>> X_train, y_train, X_test, y_test = load_digits_split()
    >>> X_train.shape, X_test.shape, X_train.dtype
    ((1437, 64), (360, 64), dtype('float32'))
    """
    # (optional dependency, the [bench]/[examples] extra: imported on use)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data,
        digits.target,
        test_size=test_fraction,
        random_state=seed,
        stratify=digits.target,
    )
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0
    X_train = ((X_train - mean) / std).astype(np.float32)
    X_test = ((X_test - mean) / std).astype(np.float32)
    return X_train, y_train.astype(np.int64), X_test, y_test.astype(np.int64)


def build_model(hidden: Sequence[int] = (256,)) -> nn.Module:
    """An MLP from 64 pixels through ``hidden`` ReLU layers to 10 class logits.

    Examples
    --------
    >>> from autodiff.demo import build_model
    >>> model = build_model([32])
    >>> [tuple(p.shape) for p in model.parameters()]
    [(32, 64), (32,), (10, 32), (10,)]
    """
    return nn.MLP(64, list(hidden), 10)


def train(
    model: nn.Module,
    loader: DataLoader,
    epochs: int,
    lr: float,
    progress: bool = True,
) -> float:
    """Train ``model`` with Adam and cross-entropy; returns the last epoch's mean loss.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.data import DataLoader, TensorDataset
    >>> from autodiff.demo import build_model, load_digits_split, train
    >>> X, y, _, _ = load_digits_split()
    >>> loader = DataLoader(TensorDataset(autodiff.tensor(X), autodiff.tensor(y)), batch_size=64)
    >>> train(build_model([16]), loader, epochs=1, lr=1e-2, progress=False) < 2.3
    True
    """
    from tqdm import tqdm  # (optional dependency: imported on use)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = autodiff.optim.Adam(model.parameters(), lr=lr)
    bar = tqdm(
        total=epochs * len(loader),
        desc="training",
        unit="batch",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    epoch_loss = float("nan")
    running = None
    model.train()
    for epoch in range(epochs):
        total, count = 0.0, 0
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()

            value = loss.item()
            total += value * len(targets)
            count += len(targets)
            running = value if running is None else 0.9 * running + 0.1 * value
            bar.set_postfix(epoch=f"{epoch + 1}/{epochs}", loss=f"{running:.4f}", refresh=False)
            bar.update()
        epoch_loss = total / max(count, 1)
    bar.close()
    return epoch_loss


def evaluate(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Classification accuracy of ``model`` on inputs ``X`` and labels ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.demo import build_model, evaluate
    >>> 0.0 <= evaluate(build_model([8]), np.zeros((4, 64), np.float32), np.arange(4)) <= 1.0
    True
    """
    model.eval()
    with autodiff.no_grad():
        logits = model(autodiff.tensor(X))
    return float((logits.data.argmax(axis=1) == np.asarray(y)).mean())


def save_graph(
    model: nn.Module, inputs: autodiff.Tensor, targets: autodiff.Tensor, out: str
) -> str:
    """Draw one training step's graph (forward and backward of one batch) into ``out``.

    The picture is the README's: ``viz.watch`` makes the backward remember every
    op's gradient and ``retain_graph=True`` keeps the step's values, so each
    layer shows its output's values and gradient, the leaves their gradients.
    Writes ``graph.png`` through ``autodiff.viz`` and Graphviz; where the
    ``dot`` program is missing, writes the DOT text to ``graph.dot`` instead.
    Never raises: returns a one-line report of what was written. The
    model's gradients are cleared afterwards.

    Examples
    --------
    >>> import tempfile, autodiff
    >>> from autodiff.demo import build_model, save_graph
    >>> msg = save_graph(build_model([8]), autodiff.zeros(2, 64), autodiff.tensor([0, 1]),
    ...                  tempfile.mkdtemp())
    >>> msg.startswith("computation graph")
    True
    """
    try:
        model.train()
        loss = nn.functional.cross_entropy(model(inputs), targets)
        viz.watch(loss)  # the backward remembers every op's gradient, for the picture
        loss.backward(retain_graph=True)  # keeps the step's values, to draw them
        params = dict(model.named_parameters())
        os.makedirs(out, exist_ok=True)
        try:
            graph = viz.draw(loss, params=params, collapse_modules=True, format="png")
            path = graph.render(filename="graph", directory=out, format="png", cleanup=True)
            return f"computation graph: {path}"
        except Exception as e:
            source = os.path.join(out, "graph")  # left behind when rendering failed
            if os.path.isfile(source):
                os.remove(source)
            path = os.path.join(out, "graph.dot")
            with open(path, "w") as fh:
                fh.write(viz.to_dot(loss, params=params, collapse_modules=True))
            reason = str(e).split(".")[0]
            return f"computation graph: {path} (DOT text; PNG not rendered: {reason})"
    except Exception as e:
        return f"computation graph: not drawn ({type(e).__name__}: {e})"
    finally:
        model.zero_grad()


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes widths separated by commas, like 128 or 64,64; got {text!r}"
        ) from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"--hidden widths must be positive ints, got {text!r}")
    return sizes


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the demo's command line (see ``python -m autodiff --help``).

    Examples
    --------
    >>> from autodiff.demo import parse_args
    >>> parse_args(["--epochs", "3", "--hidden", "64,32"]).hidden
    [64, 32]
    """
    parser = argparse.ArgumentParser(
        prog="python -m autodiff",
        description=(
            "Train a multilayer perceptron on scikit-learn's bundled 8x8 handwritten digits "
            "with autodiff (a PyTorch-style loop: model, loss, Adam, DataLoader), draw one "
            "training step's computation graph, and print the test accuracy as the last line."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--epochs", type=_positive(int), default=30, help="passes over the training set"
    )
    parser.add_argument(
        "--hidden",
        type=_hidden,
        default="256",  # argparse runs type= on string defaults: shown as 256 in --help
        help="hidden layer widths, comma-separated (e.g. 128 or 64,64)",
    )
    parser.add_argument("--lr", type=_positive(float), default=1e-3, help="Adam learning rate")
    parser.add_argument(
        "--batch-size", type=_positive(int), default=32, help="samples per training batch"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the weight initialisation, the shuffling and the train/test split",
    )
    parser.add_argument(
        "--out",
        default="out",
        help="directory for the computation graph picture (graph.png, or graph.dot "
        "without Graphviz)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar (e.g. in logs)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> float:
    """Run the demo; returns the test accuracy.

    Examples
    --------
    >>> import tempfile
    >>> from autodiff.demo import main
    >>> acc = main(["--epochs", "3", "--no-progress", "--out", tempfile.mkdtemp()])
    ... # doctest: +ELLIPSIS
    digits: 1437 train / 360 test images; MLP 64-256-10; 3 epochs
    computation graph: ...
    trained in ... s
    test accuracy: 0.9...
    """
    args = parse_args(argv)
    start = time.perf_counter()
    autodiff.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = load_digits_split(seed=args.seed)
    train_set = TensorDataset(autodiff.tensor(X_train), autodiff.tensor(y_train))
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = build_model(args.hidden)
    print(
        f"digits: {len(X_train)} train / {len(X_test)} test images; "
        f"MLP 64-{'-'.join(map(str, args.hidden))}-10; "
        f"{args.epochs} epoch{'s' if args.epochs != 1 else ''}"
    )

    first_x, first_y = (
        train_set.tensors[0][: args.batch_size],
        train_set.tensors[1][: args.batch_size],
    )
    print(save_graph(model, first_x, first_y, args.out))

    train(model, loader, args.epochs, args.lr, progress=not args.no_progress)
    accuracy = evaluate(model, X_test, y_test)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {accuracy:.3f}")
    return accuracy
