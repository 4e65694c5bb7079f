"""Neural-network layers, losses and helpers, with PyTorch's names and defaults.

Examples
--------
>>> import autodiff
>>> from autodiff import nn
>>> net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
>>> net(autodiff.zeros(4, 2)).shape
(4, 1)
"""

from __future__ import annotations

from . import (
    functional,
    init,
    layers_extra,  # PixelShuffle, PReLU, the Pad layers, RMSNorm, ... (issue 17)
    parallel,
    utils,
)
from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Dropout,
    Flatten,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    Identity,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
    Unflatten,
)
from .attention import MultiheadAttention
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .dropout import Dropout2d
from .layers_extra import *  # noqa: F403 - its __all__
from .linear import MLP, Embedding, Linear
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import (
    Module,
    ModuleDict,
    ModuleList,
    Parameter,
    ParameterDict,
    ParameterList,
    Sequential,
)
from .norm import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from .pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool1d,
    MaxUnpool2d,
    Upsample,
)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .transformer_decoder import Transformer, TransformerDecoder, TransformerDecoderLayer

__all__ = [
    "functional",
    "init",
    "parallel",
    "utils",
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
    "Linear",
    "MLP",
    "Embedding",
    "Conv2d",
    "Conv1d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "MaxPool1d",
    "AvgPool1d",
    "MaxUnpool2d",
    "MaxUnpool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "Upsample",
    "BatchNorm1d",
    "LayerNorm",
    "BatchNorm2d",
    "GroupNorm",
    "Dropout2d",
    "RNNCell",
    "LSTMCell",
    "MultiheadAttention",
    "TransformerEncoderLayer",
    "TransformerEncoder",
    "TransformerDecoderLayer",
    "TransformerDecoder",
    "Transformer",
    "GRUCell",
    "RNN",
    "LSTM",
    "GRU",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "GELU",
    "Softplus",
    "ELU",
    "Softmax",
    "LogSoftmax",
    "SiLU",
    "Mish",
    "Hardtanh",
    "ReLU6",
    "Hardsigmoid",
    "Hardswish",
    "SELU",
    "CELU",
    "LogSigmoid",
    "Softsign",
    "Softmin",
    "GLU",
    "Identity",
    "Flatten",
    "Unflatten",
    "Dropout",
    "MSELoss",
    "L1Loss",
    "HuberLoss",
    "SmoothL1Loss",
    "KLDivLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
] + layers_extra.__all__
