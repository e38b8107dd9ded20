"""neurosim: a neuron-level neural-network simulator.

Build a network neuron by neuron on a networkx graph, watch forward and
backward passes happen node by node, and train it.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 4, 1], activation="sigmoid", seed=0)
>>> X, Y = ns.datasets.xor()
>>> history = net.fit(X, Y, epochs=2000, lr=0.5, seed=0)
>>> net.predict(X).round().ravel()
array([0., 1., 1., 0.])
"""

from . import (
    activations,
    competitive,
    compiled,
    datasets,
    evolution,
    initializers,
    io,
    layers,
    losses,
    memory,
    model,
    optimizers,
    parameters,
    som,
    teaching,
    training,
)
from .activations import Activation
from .competitive import LVQ, WinnerTakeAll
from .compiled import CompiledNetwork
from .errors import (
    CycleError,
    DataError,
    DataNotFoundError,
    DuplicateNameError,
    FileAccessError,
    FileSystemError,
    FormatError,
    MissingDependencyError,
    NeurosimError,
    NotAFileError,
    NumericalError,
    ParameterError,
    ShapeError,
    StaleNetworkError,
    StateError,
    TooLargeError,
    TopologyError,
    UnknownChoiceError,
    UnknownNameError,
    UnknownOptionError,
)
from .evolution import AskTell, EvolutionStrategy, MuLambda, NaturalES, OnePlusOne
from .history import EarlyStopping, History
from .io import load, save
from .learning_rules import train_single_layer
from .losses import Loss, softmax
from .memory import RBM, BoltzmannMachine, HopfieldNetwork, RecallResult
from .network import Network
from .neuron import Connection, Neuron
from .optimizers import SGD, Adam, Correction, Momentum, Optimizer
from .parameters import Parameter
from .som import SOM
from .teaching import gradcheck
from .teaching.playground import playground

__version__ = "0.1.0"

__all__ = [
    "LVQ",
    "RBM",
    "SGD",
    "SOM",
    "Activation",
    "Adam",
    "AskTell",
    "BoltzmannMachine",
    "CompiledNetwork",
    "Connection",
    "Correction",
    "CycleError",
    "DataError",
    "DataNotFoundError",
    "DuplicateNameError",
    "EarlyStopping",
    "EvolutionStrategy",
    "FileAccessError",
    "FileSystemError",
    "FormatError",
    "History",
    "HopfieldNetwork",
    "Loss",
    "MissingDependencyError",
    "Momentum",
    "MuLambda",
    "NaturalES",
    "Network",
    "Neuron",
    "NeurosimError",
    "NotAFileError",
    "NumericalError",
    "OnePlusOne",
    "Optimizer",
    "Parameter",
    "ParameterError",
    "RecallResult",
    "ShapeError",
    "StaleNetworkError",
    "StateError",
    "TooLargeError",
    "TopologyError",
    "UnknownChoiceError",
    "UnknownNameError",
    "UnknownOptionError",
    "WinnerTakeAll",
    "activations",
    "competitive",
    "compiled",
    "datasets",
    "evolution",
    "gradcheck",
    "initializers",
    "io",
    "layers",
    "load",
    "losses",
    "memory",
    "model",
    "optimizers",
    "parameters",
    "playground",
    "save",
    "softmax",
    "som",
    "teaching",
    "train_single_layer",
    "training",
]
