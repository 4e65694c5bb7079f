"""Shape, joining and indexing ops: values, gradients and errors at edge cases."""

import pytest

import autodiff


def test_repeated_indices_add_up():
    x = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2, 0, 1]


def test_cat_0d_tensors_gives_clear_error():
    with pytest.raises((ValueError, RuntimeError), match=r"0-d|zero-dim"):
        autodiff.cat([autodiff.tensor(1.0), autodiff.tensor(2.0)])
