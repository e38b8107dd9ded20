"""One contract for every trainer: a History, callbacks, restoring on failure, seeds."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.history import History

from .conftest import deep_snapshot

X, Y = ns.datasets.xor()
BITS = (np.random.default_rng(0).random((12, 4)) < 0.5).astype(float)


def _network():
    return ns.Network.layered([2, 3, 1], seed=0)


def _train_network(model, **options):
    return model.fit(X, Y, epochs=4, lr=0.5, **options)


def _train_compiled(model, **options):
    return model.fit(X, Y, epochs=4, lr=0.5, backend="vectorized", **options)


def _train_evolution(model, **options):
    return model.fit(X, Y, epochs=4, optimizer=ns.MuLambda(), **options)


def _train_rbm(model, **options):
    return model.fit(BITS, epochs=4, lr=0.1, batch_size=4, **options)


def _train_boltzmann(model, **options):
    return model.fit(BITS[:, :3], epochs=4, chains=5, **options)


def _train_rule(model, **options):
    options.pop("seed", None)  # the rules visit the samples in order: nothing to draw
    return ns.train_single_layer(model, X, Y, epochs=4, **options)


def _train_som(model, **options):
    return model.fit(BITS, epochs=4, **options)


def _train_lvq(model, **options):
    return model.fit(BITS, (BITS[:, 0] > 0).astype(int), epochs=4, lr=0.1, **options)


def _train_wta(model, **options):
    return model.fit(BITS, epochs=4, lr=0.1, **options)


def _train_rnn(model, **options):
    return model.fit(SEQUENCES, TARGETS, epochs=4, lr=0.5, batch_size=2, **options)


SEQUENCES = np.random.default_rng(1).random((4, 5, 1))
TARGETS = np.cumsum(SEQUENCES, axis=1) / 5


def _state(model):
    if isinstance(model, ns.RBM):
        return [
            model.weights.tolist(),
            model.visible_bias.tolist(),
            model.hidden_bias.tolist(),
        ]
    if isinstance(model, ns.BoltzmannMachine):
        return [model.weights.tolist(), model.bias.tolist()]
    if isinstance(model, ns.SOM):
        return model.weights.tolist()
    if isinstance(model, ns.LVQ | ns.WinnerTakeAll):
        return model.prototypes.tolist()
    return deep_snapshot(model)


TRAINERS = {
    "fit": (_network, _train_network),
    "fit-vectorized": (_network, _train_compiled),
    "evolution": (_network, _train_evolution),
    "rbm": (lambda: ns.RBM(4, 3, seed=0), _train_rbm),
    "boltzmann": (lambda: ns.BoltzmannMachine(3, 1, seed=0), _train_boltzmann),
    "single-layer": (
        lambda: ns.Network.layered([2, 1], activation="step", seed=0),
        _train_rule,
    ),
    "som": (lambda: ns.SOM(3, 3, 4, seed=0), _train_som),
    "lvq": (lambda: ns.LVQ(4, 4, [0.5, 0.5], seed=0), _train_lvq),
    "winner-take-all": (
        lambda: ns.WinnerTakeAll(4, 3, conscience=1.0, seed=0),
        _train_wta,
    ),
    "rnn": (lambda: ns.Network.rnn(1, 3, 1, seed=0), _train_rnn),
}


@pytest.mark.parametrize("name", TRAINERS)
def test_every_trainer_returns_a_history_whose_epochs_and_loss_mean_the_same(name):
    make, train = TRAINERS[name]
    history = train(make(), seed=0)
    assert isinstance(history, History)
    assert history.epochs == 4 or (name == "single-layer" and history.epochs <= 4)
    assert len(history.loss) == history.epochs
    assert all(np.isfinite(history.loss))


@pytest.mark.parametrize("name", TRAINERS)
def test_every_trainer_calls_its_callbacks_with_epoch_history_and_model(name):
    make, train = TRAINERS[name]
    model, seen = make(), []

    def callback(epoch, history, trained):
        seen.append((epoch, history.epochs, trained))
        return epoch == 1  # stop after the second epoch

    history = train(model, seed=0, callbacks=[callback])
    assert [(e, n) for e, n, _ in seen] == [(0, 1), (1, 2)]
    assert history.stopped_early and history.epochs == 2
    for _, _, trained in seen:
        assert trained is model or isinstance(trained, ns.CompiledNetwork)


@pytest.mark.parametrize("name", TRAINERS)
def test_a_raising_callback_leaves_every_trainers_model_as_it_was(name):
    make, train = TRAINERS[name]
    model = make()
    before = _state(model)

    def callback(epoch, history, trained):
        if epoch == 1:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        train(model, seed=0, callbacks=[callback])
    assert _state(model) == before


@pytest.mark.parametrize("name", TRAINERS)
def test_every_trainer_gives_the_same_result_for_the_same_seed(name):
    make, train = TRAINERS[name]
    first, second = make(), make()
    train(first, seed=3)
    train(second, seed=3)
    assert _state(first) == _state(second)


@pytest.mark.parametrize("name", TRAINERS)
def test_every_trainer_refuses_a_lone_callback_not_in_a_list(name):
    make, train = TRAINERS[name]
    model = make()
    before = _state(model)
    with pytest.raises(ns.ParameterError, match="callbacks must be a list"):
        train(model, seed=0, callbacks=print)
    assert _state(model) == before
