"""BatchNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm, InstanceNorm1d/2d and
LocalResponseNorm (with ``local_response_norm``, also in ``autodiff.nn.functional``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _dtypes
from ..engine import no_grad
from ..factories import ones, zeros
from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional import _float
from .linear import _param
from .module import Module, Parameter


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) or (N, C, L) input, per channel C.

    Training: normalise by the batch mean and biased variance and update the
    buffers ``running_mean`` / ``running_var`` (with the unbiased variance) by
    ``momentum``; eval: normalise by the running statistics.

    Examples
    --------
    >>> import autodiff
    >>> bn = autodiff.nn.BatchNorm1d(3)
    >>> out = bn(autodiff.randn(8, 3))
    >>> bn.num_batches_tracked.item(), out.shape
    (1, (8, 3))
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = int(num_features)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = _param(self.num_features) if affine else None
        self.bias = _param(self.num_features) if affine and bias else None
        if affine:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(self.num_features))
            self.register_buffer("running_var", ones(self.num_features))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> bn = nn.BatchNorm1d(2)
        >>> _ = bn(autodiff.randn(8, 2) + 5)
        >>> bn.reset_running_stats()
        >>> bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked)
        ([0.0, 0.0], [1.0, 1.0], 0)
        """
        if self.track_running_stats:
            with no_grad():
                self.running_mean.fill_(0.0)
                self.running_var.fill_(1.0)
                self.num_batches_tracked.fill_(0)

    def _check_input(self, input: Tensor) -> None:
        if input.ndim not in (2, 3) or input.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) expects input of shape (N, "
                f"{self.num_features}) or (N, {self.num_features}, L), got shape {input.shape}"
            )

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__} expects a Tensor, got {type(input).__name__}")
        self._check_input(input)
        update = self.training and self.track_running_stats
        if update:
            with no_grad():
                self.num_batches_tracked.add_(1)
        use_running = not self.training and self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if (update or use_running) else None,
            self.running_var if (update or use_running) else None,
            self.weight,
            self.bias,
            training=self.training or not self.track_running_stats,
            momentum=self.momentum,
            eps=self.eps,
            num_batches_tracked=self.num_batches_tracked,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm2d(BatchNorm1d):
    """Batch normalisation of (N, C, H, W) input, per channel C (as BatchNorm1d).

    Examples
    --------
    >>> import autodiff
    >>> bn = autodiff.nn.BatchNorm2d(3)
    >>> bn(autodiff.randn(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    >>> bn.running_mean.shape
    (3,)
    """

    def _check_input(self, input: Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm2d({self.num_features}) expects input of shape (N, "
                f"{self.num_features}, H, W), got shape {input.shape}"
            )


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dimensions, with an
    elementwise affine transform (weight 1, bias 0 at start).

    Examples
    --------
    >>> import autodiff
    >>> ln = autodiff.nn.LayerNorm(4)
    >>> ln(autodiff.randn(2, 4)).shape
    (2, 4)
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = _param(*self.normalized_shape)
            init.ones_(self.weight)
            if bias:
                self.bias = _param(*self.normalized_shape)
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        k = len(self.normalized_shape)
        if not isinstance(input, Tensor):
            raise TypeError(
                f"LayerNorm({self.normalized_shape}) expects a Tensor, got {type(input).__name__}"
            )
        if input.shape[input.ndim - k :] != self.normalized_shape:
            raise ValueError(
                f"LayerNorm({self.normalized_shape}) expects input whose last dimensions are "
                f"{self.normalized_shape}, got shape {input.shape}"
            )
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
            f", bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Group normalisation: the C channels of (N, C, *) input split into
    ``num_groups`` groups, each normalised per sample; per-channel affine
    (weight 1, bias 0 at start). The same in training and eval.

    Examples
    --------
    >>> import autodiff
    >>> gn = autodiff.nn.GroupNorm(2, 4)
    >>> gn(autodiff.randn(3, 4, 5)).shape
    (3, 4, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps, self.affine = eps, affine
        self.weight = _param(self.num_channels) if affine else None
        self.bias = _param(self.num_channels) if affine and bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight 1, bias 0.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> gn = nn.GroupNorm(2, 4)
        >>> with autodiff.no_grad():
        ...     _ = gn.weight.fill_(3.0)
        >>> gn.reset_parameters()
        >>> gn.weight.tolist(), gn.bias.tolist()
        ([1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0])
        """
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalisation over the last dimensions ``normalized_shape``,
    with a learned per-element scale (``elementwise_affine``).

    Examples
    --------
    >>> import autodiff
    >>> m = autodiff.nn.RMSNorm(2, eps=0.0)
    >>> m(autodiff.tensor([[3.0, 4.0]]))
    Tensor([[0.8485, 1.1314]], grad_fn=<MulBackward>)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: object = None,
                 dtype: object = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
            normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        dt = _dtypes.default_float() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(Tensor(np.ones(shape, dtype=dt))) if elementwise_affine \
            else None

    def forward(self, input: Tensor) -> Tensor:
        return X.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class _InstanceNorm(Module):
    """Instance normalisation of (N, C, *spatial) input, or (C, *spatial) unbatched:
    each sample's channels over their spatial dimensions (``F.instance_norm``)."""

    _spatial = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 device: object = None, dtype: object = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = self.bias = None
        if affine:  # (bias=False: a scale only, as PyTorch's)
            self.weight = _param(num_features, dtype=dtype)
            init.ones_(self.weight)
            if bias:
                self.bias = _param(num_features, dtype=dtype)
                init.zeros_(self.bias)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features))
            self.register_buffer("running_var", ones(num_features))
        else:
            self.running_mean = self.running_var = None

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name} expects a Tensor, got {type(input).__name__}")
        batched = self._spatial + 2
        if input.ndim not in (batched - 1, batched):
            raise ValueError(f"{name}: expected {batched - 1}D (unbatched) or {batched}D "
                             f"(batched) input, got {input.ndim}D input")
        x = input if input.ndim == batched else input.unsqueeze(0)
        out = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            use_input_stats=self.training or not self.track_running_stats,
            momentum=self.momentum, eps=self.eps,
        )
        return out if input.ndim == batched else out.squeeze(0)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L) input, as PyTorch's (no affine
    parameters and no running statistics by default).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.InstanceNorm1d(1)(autodiff.tensor([[[1.0, 3.0]]]))
    Tensor([[[-1.,  1.]]])
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W) input, as PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.InstanceNorm2d(2, affine=True)(autodiff.randn(1, 2, 3, 3)).shape
    (1, 2, 3, 3)
    """

    _spatial = 2


# --------------------------------------------------------------- BatchNorm3d
class BatchNorm3d(BatchNorm1d):
    """Batch normalisation of (N, C, D, H, W) input, per channel C (as BatchNorm1d).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.BatchNorm3d(2)(autodiff.randn(2, 2, 3, 3, 3)).shape
    (2, 2, 3, 3, 3)
    """

    def _check_input(self, input: Tensor) -> None:  # noqa: A002
        if input.ndim != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm3d({self.num_features}) expects input of shape (N, "
                f"{self.num_features}, D, H, W), got shape {input.shape}"
            )


# ------------------------------------------------- local response normalisation
def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4,  # noqa: A002
                        beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Each channel divided by ``(k + alpha / size * sum of squares over the size
    neighbouring channels) ** beta`` (AlexNet's normalisation), as PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.local_response_norm(autodiff.ones(1, 3, 2), 2, alpha=1.0, beta=1.0, k=0.0).shape
    (1, 3, 2)
    """
    x = _float(input, "local_response_norm: input")
    if x.ndim < 3:
        raise ValueError(
            f"local_response_norm: expected 3D or higher input (got {x.ndim} dimensions)"
        )
    if x.shape[0] == 0:  # (PyTorch: an empty batch gives an empty result)
        return x * 1.0
    squares = (x * x).unsqueeze(1)  # (N, 1, C, *)
    # sum over a window of `size` channels, centred (size // 2 before, (size - 1) // 2 after)
    pad = [0, 0] * (x.ndim - 2) + [size // 2, (size - 1) // 2]
    padded = F.pad(squares, pad)
    windows = sum(padded[:, :, i:i + x.shape[1]] for i in range(size)) / size
    div = (windows.squeeze(1) * alpha + k).pow(beta)
    return x / div


class LocalResponseNorm(Module):
    """:func:`local_response_norm` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LocalResponseNorm(2)(autodiff.ones(1, 3, 2)).shape
    (1, 3, 2)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
