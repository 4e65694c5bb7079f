import numpy as np
import pytest

import autodiff


@pytest.fixture(autouse=True)
def _seed_and_defaults():
    autodiff.manual_seed(0)
    np.random.seed(0)
    autodiff.set_default_dtype(autodiff.float32)
    yield
    autodiff.set_default_dtype(autodiff.float32)
