import numpy as np
import pytest

import autodiff
import autodiff.nn.ctc  # noqa: F401 - loaded on first use; it registers ctc_loss's samples


@pytest.fixture(autouse=True)
def _seed_and_defaults():
    autodiff.manual_seed(0)
    np.random.seed(0)
    autodiff.set_default_dtype(autodiff.float32)
    yield
    autodiff.set_default_dtype(autodiff.float32)
