"""autodiff: a reverse-mode automatic differentiation engine on NumPy.

Examples
--------
>>> import autodiff
>>> a = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (a * a).sum().backward()
>>> a.grad
Tensor([2., 4., 6.])
"""

from __future__ import annotations

from . import (
    _lazy,
    _tensor_docs,  # noqa: F401 - docstrings of the methods ops binds as lambdas
    amp,
    backends,
    nn,
    ops,  # noqa: F401 - binds every op to Tensor
    optim,
    viz,  # graph pictures; imports graphviz only when rendering
)
from ._dtypes import (
    bfloat16,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from ._dtypes import (
    bool_ as bool,  # noqa: A001 - PyTorch's name
)
from .amp import autocast
from .backends import compile, get_float32_matmul_precision, set_float32_matmul_precision  # noqa: A004
from .backward import grad
from .device import cuda, device
from .factories import (
    arange,
    as_tensor,
    bartlett_window,
    bernoulli,
    blackman_window,
    broadcast_shapes,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    hamming_window,
    hann_window,
    initial_seed,
    linspace,
    logspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    scalar_tensor,
    seed,
    tensor,
    unravel_index,
    zeros,
    zeros_like,
)
from .function import Function, FunctionCtx
from .grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops import exported as _exported_ops
from .ops.queries import can_cast, promote_types, result_type  # (dtype answers, not ops)
from .ops.reductions import allclose, equal, isclose  # (whole-tensor answers, not ops)
from .random import Generator
from .tensor import Size, Tensor, is_tensor, set_printoptions

cuda.amp = amp.cuda_amp  # torch.cuda.amp.GradScaler / autocast (disabled: no CUDA)

# PyTorch's top-level names for nn.functional's (torch.conv2d is F.conv2d; the ones
# whose top-level signature differs, as torch.batch_norm's, are left out)
from .nn.functional import (  # noqa: E402
    avg_pool1d,
    celu,
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    cosine_similarity,
    max_pool1d,
    max_pool2d,
    pairwise_distance,
    selu,
)

# every op declared with export=True where it is defined (autodiff/ops/registry.py):
# autodiff.add, autodiff.sin, autodiff.sum, autodiff.reshape, ...
globals().update(_exported_ops())

# loaded on first use (autodiff/_lazy.py): features a training step never touches,
# so that `import autodiff` stays light (issue 16's memory row)
_LAZY = {
    "autograd": ".autograd",
    "data": ".data",  # data loading (imports autodiff.distributed)
    "distributed": ".distributed",
    "linalg": ".linalg",
    "utils": ".utils",  # autodiff.utils.data is autodiff.data
    "checks": ".checks",
    "serialization": ".serialization",
    "special": ".special",
    "GradcheckError": ".checks",
    "gradcheck": ".checks",
    "gradgradcheck": ".checks",
    "load": ".serialization",
    "save": ".serialization",
}
__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)

# PyTorch's other names for the dtypes (set last: they shadow builtins in this module)
long, int, float, double, half = int64, int32, float32, float64, float16  # noqa: A001

__version__ = "0.1.0"

__all__ = sorted(name for name in [*dir(), *_LAZY] if not name.startswith("_"))
