"""fit: reproducibility, learning, history, callbacks, progress, divergence."""

import warnings

import numpy as np
import pytest

import neurosim as ns

from .conftest import deep_snapshot, snapshot

X, Y = ns.datasets.xor()


def weights(net):
    return [c.weight for c in net.connections] + [
        n.bias for n in net.neurons if not n.is_input
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.5},
        {"optimizer": ns.Momentum(0.2, 0.9), "batch_size": 2},
        {"optimizer": "adam", "lr": 0.05, "batch_size": None},
    ],
)
def test_same_seed_gives_bit_identical_weights_and_leaves_global_random_state_alone(
    options,
):
    np.random.seed(2024)
    state = np.random.get_state()
    results = []
    for _ in range(2):
        net = ns.Network.layered([2, 3, 1], seed=4)
        opts = dict(options)
        if isinstance(opts.get("optimizer"), ns.Optimizer):
            opts["optimizer"] = type(opts["optimizer"])(0.2, 0.9)  # a fresh one per run
        net.fit(X, Y, epochs=30, seed=9, **opts)
        results.append(weights(net))
    assert results[0] == results[1]
    after = np.random.get_state()
    assert (
        after[0] == state[0]
        and np.array_equal(after[1], state[1])
        and after[2:] == state[2:]
    )


def test_different_shuffle_seeds_give_different_weights():
    a, b = ns.Network.layered([2, 3, 1], seed=4), ns.Network.layered([2, 3, 1], seed=4)
    a.fit(X, Y, epochs=5, lr=0.5, seed=1)
    b.fit(X, Y, epochs=5, lr=0.5, seed=2)
    assert weights(a) != weights(b)


def test_xor_is_learned_by_online_sgd_for_most_seeds():
    learned = 0
    for seed in range(10):
        net = ns.Network.layered([2, 4, 1], activation="sigmoid", seed=seed)
        net.fit(X, Y, epochs=3000, lr=0.5, loss="mse", batch_size=1, seed=seed)
        learned += bool(np.all(np.abs(net.predict(X) - Y) < 0.2))
    assert learned >= 8


def test_full_batch_gradient_descent_equals_manual_forward_backward_step():
    a, b = ns.Network.layered([2, 3, 1], seed=0), ns.Network.layered([2, 3, 1], seed=0)
    a.fit(X, Y, epochs=3, lr=0.3, batch_size=None, shuffle=False)
    for _ in range(3):
        b.forward(X)
        b.backward(Y)
        b.step(lr=0.3)
    assert weights(a) == weights(b)


def test_history_records_loss_validation_and_metrics():
    net = ns.Network.layered([2, 4, 1], seed=0)
    history = net.fit(
        X, Y, epochs=7, lr=0.5, seed=0, validation_data=(X, Y), metrics=["accuracy"]
    )
    assert history.epochs == 7
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(series) == 7 for series in history.history.values())
    # the validation loss after the last epoch is the loss of the trained network
    assert history.val_loss[-1] == pytest.approx(
        ns.losses.get_loss("mse").value(net.predict(X), Y)
    )
    assert history["val_accuracy"][-1] == ns.training.accuracy(net.predict(X), Y)


def test_epoch_loss_is_the_mean_of_the_losses_seen_while_training():
    net = ns.Network.layered([2, 2, 1], seed=3)
    twin = ns.Network.layered([2, 2, 1], seed=3)
    history = net.fit(X, Y, epochs=1, lr=0.5, shuffle=False)
    seen = []
    for x, y in zip(X, Y):
        twin.forward(x)
        seen.append(twin.backward(y))
        twin.step(0.5)
    assert history.loss[0] == pytest.approx(np.mean(seen), rel=1e-15)


def test_a_callback_can_stop_training_early():
    calls = []

    def stop_after_three(epoch, history, model):
        calls.append(epoch)
        return epoch == 2

    history = ns.Network.layered([2, 2, 1], seed=0).fit(
        X, Y, epochs=50, callbacks=[stop_after_three]
    )
    assert calls == [0, 1, 2] and history.epochs == 3 and history.stopped_early


def test_early_stopping_on_a_plateau():
    net = ns.Network.layered([2, 2, 1], seed=0)
    history = net.fit(
        X,
        Y,
        epochs=500,
        lr=1e-9,
        callbacks=[ns.EarlyStopping("loss", patience=3, min_delta=1e-3)],
    )
    assert history.epochs == 4 and history.stopped_early


def test_progress_bar_shows_running_loss(capsys):
    ns.Network.layered([2, 2, 1], seed=0).fit(X, Y, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "fit" in err and "loss=" in err and "3/3" in err


def test_no_progress_output_by_default(capsys):
    ns.Network.layered([2, 2, 1], seed=0).fit(X, Y, epochs=3)
    assert capsys.readouterr().err == ""


def test_divergence_is_reported_and_weights_restored():
    net = ns.Network.layered([2, 3, 1], activation="identity", seed=0)
    before = snapshot(net)
    big = np.array([[1e3, 1e3], [-1e3, 2e3]])
    with pytest.raises(
        ns.NumericalError, match="diverged.*restored.*smaller learning rate"
    ):
        net.fit(big, [[1.0], [0.0]], epochs=200, lr=10.0)
    assert snapshot(net) == before


@pytest.mark.parametrize("backend", ["object", "vectorized"])
def test_divergence_in_the_last_update_is_caught(backend):
    # One full-batch update: the loss is computed before it (and looks fine),
    # the update itself overflows every weight.
    net = ns.Network.layered([2, 3, 1], activation="identity", seed=0)
    before = snapshot(net)
    with pytest.raises(
        ns.NumericalError, match="parameters became NaN or infinite in epoch 1"
    ):
        net.fit(X, Y * 100, epochs=1, lr=1e308, batch_size=None, backend=backend)
    assert snapshot(net) == before


@pytest.mark.parametrize("backend", ["object", "vectorized"])
@pytest.mark.parametrize("make", [lambda: ns.Momentum(1e308), lambda: ns.Adam(1e308)])
def test_a_diverged_fit_restores_the_optimizer_state_too(backend, make):
    net = ns.Network.layered([2, 3, 1], activation="identity", seed=0)
    optimizer = make()
    # Warm the optimizer up on a healthy fit, then let a huge step diverge.
    optimizer.lr = 0.01
    net.fit(X, Y, epochs=2, optimizer=optimizer, batch_size=None, backend=backend)
    saved_iterations = optimizer.iterations
    saved_state = [np.array(v, dtype=object) for v in optimizer.state.values()]
    optimizer.lr = 1e308
    with pytest.raises(ns.NumericalError):
        net.fit(
            X, Y * 100, epochs=3, optimizer=optimizer, batch_size=None, backend=backend
        )
    assert optimizer.iterations == saved_iterations
    for value, saved in zip(optimizer.state.values(), saved_state):
        assert np.all(np.array(value, dtype=object) == saved)
    # ... so the same optimizer trains on, with finite numbers.
    optimizer.lr = 0.01
    net.fit(X, Y, epochs=2, optimizer=optimizer, batch_size=None, backend=backend)
    assert np.isfinite(weights(net)).all()


def test_one_dimensional_targets_are_accepted_for_one_output():
    net = ns.Network.layered([2, 2, 1], seed=0)
    assert net.fit(X, Y.ravel(), epochs=2).epochs == 2


def test_softmax_classifier_learns_with_adam_and_cross_entropy():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    labels = rng.integers(0, 3, size=150)
    data = centers[labels] + rng.normal(0, 0.5, size=(150, 2))
    onehot = np.eye(3)[labels]
    net = ns.Network.layered(
        [2, 5, 3], activation="tanh", output_activation="identity", seed=0
    )
    history = net.fit(
        data, onehot, epochs=40, loss="cross_entropy", optimizer=ns.Adam(0.02),
        batch_size=16, seed=0, metrics=["accuracy"],
    )  # fmt: skip
    assert history["accuracy"][-1] > 0.95
    assert history.loss[-1] < history.loss[0] / 4


def test_optimizer_state_carries_over_between_fits():
    opt = ns.Adam(0.01)
    net = ns.Network.layered([2, 2, 1], seed=0)
    net.fit(X, Y, epochs=2, optimizer=opt, batch_size=None)
    net.fit(X, Y, epochs=3, optimizer=opt, batch_size=None)
    assert opt.iterations == 5


# ---------------------------------------------------------------- a failed fit changes nothing


def _failing(kind):
    if kind == "callback":

        def callback(epoch, history, model):
            if epoch == 2:
                raise RuntimeError("the callback failed")

        return {"callbacks": [callback]}, RuntimeError
    if kind == "metric":

        def metric(outputs, targets):
            raise ZeroDivisionError("the metric failed")

        return {"metrics": [metric]}, ZeroDivisionError

    def interrupt(epoch, history, model):
        if epoch == 1:
            raise KeyboardInterrupt

    return {"callbacks": [interrupt]}, KeyboardInterrupt


@pytest.mark.parametrize("backend", ["object", "vectorized"])
@pytest.mark.parametrize("kind", ["callback", "metric", "interrupt"])
def test_a_fit_stopped_by_an_exception_restores_parameters_and_optimizer(backend, kind):
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 3, 1], seed=0)
    optimizer = ns.Adam(lr=0.05)
    net.fit(X, Y, epochs=2, optimizer=optimizer, seed=1)  # some running state
    before = deep_snapshot(net, optimizer)
    options, error = _failing(kind)
    with pytest.raises(error):
        net.fit(X, Y, epochs=5, optimizer=optimizer, seed=2, backend=backend, **options)
    assert deep_snapshot(net, optimizer) == before


def test_restore_false_keeps_what_was_trained_before_the_exception():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 3, 1], seed=0)
    before = net.parameter_vector()
    options, error = _failing("callback")
    with pytest.raises(error):
        net.fit(X, Y, epochs=5, lr=0.5, seed=2, restore=False, **options)
    # Three epochs of four online updates each happened and stay.
    reference = ns.Network.layered([2, 3, 1], seed=0)
    reference.fit(X, Y, epochs=3, lr=0.5, seed=2)
    assert not np.array_equal(net.parameter_vector(), before)
    np.testing.assert_array_equal(net.parameter_vector(), reference.parameter_vector())


@pytest.mark.parametrize("backend", ["object", "vectorized"])
def test_outputs_that_overflow_after_the_last_update_are_caught_and_undone(backend):
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 4, 1], activation="identity", seed=0)
    optimizer = ns.SGD(lr=1e200)
    before = deep_snapshot(net, optimizer)
    with pytest.raises(ns.NumericalError, match="after the last update"):
        net.fit(X, Y, epochs=1, optimizer=optimizer, batch_size=None, backend=backend)
    assert deep_snapshot(net, optimizer) == before
    assert np.isfinite(net.predict(X)).all()


def test_a_misspelt_fit_option_gets_did_you_mean_and_the_options_are_visible():
    import inspect

    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], seed=0)
    with pytest.raises(ns.UnknownOptionError, match="did you mean 'epochs'"):
        net.fit(X, Y, epoch=5)
    with pytest.raises(TypeError, match="did you mean 'batch_size'"):
        net.compile().fit(X, Y, batchsize=5)
    shown = inspect.signature(net.fit).parameters
    assert {"epochs", "lr", "loss", "batch_size", "callbacks", "seed"} <= set(shown)


def test_metrics_may_be_one_name():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], seed=0)
    history = net.fit(X, Y, epochs=2, seed=0, metrics="accuracy")
    assert len(history["accuracy"]) == 2


@pytest.mark.parametrize("option", ["shuffle", "progress", "restore"])
def test_flags_must_be_true_or_false(option):
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], seed=0)
    before = deep_snapshot(net)
    with pytest.raises(ns.ParameterError, match=f"{option} must be True or False"):
        net.fit(X, Y, epochs=1, **{option: "no"})
    assert deep_snapshot(net) == before


def test_freezing_biases_needs_a_real_flag():
    net = ns.Network.layered([2, 2, 1], seed=0)
    with pytest.raises(ns.ParameterError, match="biases must be True or False"):
        net.freeze(biases="yes")
    assert all(p.trainable for p in net.parameters)


@pytest.mark.parametrize(
    "call",
    [
        lambda net: setattr(net.connection("x1", "h1_1"), "weight", 10**400),
        lambda net: setattr(net["y1"], "bias", -(10**400)),
        lambda net: net.step(lr=10**400),
        lambda net: net.fit(*ns.datasets.xor(), epochs=1, lr=10**400),
        lambda net: net.explain([0, 1], [1], lr=10**400),
    ],
)
def test_a_number_too_large_for_a_float_is_a_clear_error(call):
    net = ns.Network.layered([2, 2, 1], seed=0)
    net.forward([0.0, 1.0]), net.backward([1.0])
    before = deep_snapshot(net)
    with pytest.raises(ns.ParameterError, match="finite"):
        call(net)
    assert deep_snapshot(net) == before


# ---------------------------------------------------------------- classification without hand-work


@pytest.mark.parametrize("backend", ["object", "vectorized"])
def test_cross_entropy_takes_class_labels_as_pytorch_does(backend):
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(0).normal(size=(12, 3))
    labels = np.array([0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0, 2])
    with_labels = ns.Network.layered([3, 4, 3], output_activation="identity", seed=1)
    with_rows = ns.Network.layered([3, 4, 3], output_activation="identity", seed=1)
    options = {"loss": "cross_entropy", "epochs": 3, "lr": 0.2, "batch_size": 4}
    options.update(seed=0, backend=backend)
    with_labels.fit(X, labels, **options)
    with_rows.fit(X, np.eye(3)[labels], **options)
    np.testing.assert_array_equal(
        with_labels.parameter_vector(), with_rows.parameter_vector()
    )
    logits = with_labels.predict(X)
    expected = torch.nn.functional.cross_entropy(
        torch.tensor(logits), torch.tensor(labels)
    )
    assert with_labels.evaluate(X, labels, loss="cross_entropy") == pytest.approx(
        float(expected), rel=1e-12
    )
    with pytest.raises(ns.ShapeError, match="whole numbers 0 … 2"):
        with_labels.fit(X, labels + 0.5, loss="cross_entropy", epochs=1)


def test_backward_takes_a_class_label_for_one_sample_and_a_batch():
    net = ns.Network.layered([2, 3], output_activation="identity", seed=0)
    net.forward([1.0, -1.0])
    assert net.backward(2, loss="cross_entropy") == net.backward(
        [0, 0, 1.0], loss="cross_entropy"
    )
    net.forward([[1.0, -1.0], [0.5, 0.2]])
    assert net.backward([2, 0], loss="cross_entropy") == net.backward(
        [[0, 0, 1.0], [1.0, 0, 0]], loss="cross_entropy"
    )


def test_predict_proba_classify_and_score_against_a_hand_softmax():
    X = np.random.default_rng(0).normal(size=(6, 2))
    net = ns.Network.layered([2, 3], output_activation="identity", seed=0)
    logits = net.predict(X)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(net.predict_proba(X), softmax, rtol=1e-14)
    np.testing.assert_array_equal(net.classify(X), logits.argmax(axis=1))
    labels = logits.argmax(axis=1)
    labels[0] = (labels[0] + 1) % 3
    assert net.score(X, labels) == pytest.approx(5 / 6)
    assert net.score(X, np.eye(3)[labels]) == pytest.approx(5 / 6)
    sigmoid = ns.Network.layered([2, 1], seed=0)
    p = sigmoid.predict(X)[:, 0]
    np.testing.assert_allclose(sigmoid.predict_proba(X), np.column_stack([1 - p, p]))
    with pytest.raises(ns.ParameterError, match="probabilities"):
        ns.Network.layered(
            [2, 2], activation="tanh", output_activation="tanh"
        ).predict_proba(X)


def test_a_convolutional_network_takes_images():
    from neurosim.layers import Conv, Dense

    net = ns.Network.convolutional((2, 4, 4), [Conv(2, 3), Dense(3)], seed=0)
    images = np.random.default_rng(0).normal(size=(5, 2, 4, 4))
    flat = images.reshape(5, -1)
    np.testing.assert_array_equal(net.predict(images), net.predict(flat))
    np.testing.assert_allclose(
        net.compile().predict(images), net.predict(flat), rtol=1e-12
    )
    np.testing.assert_array_equal(net.predict(images[0]), net.predict(flat[0]))
    gray = ns.Network.convolutional((4, 4), [Conv(2, 3), Dense(1)], seed=0)
    pictures = images[:, 0]
    np.testing.assert_array_equal(
        gray.predict(pictures), gray.predict(pictures.reshape(5, -1))
    )
    history = gray.fit(pictures, np.ones(5), epochs=1, seed=0)
    assert history.epochs == 1


def test_iterating_a_network_gives_its_neurons():
    net = ns.Network.layered([2, 2, 1], seed=0)
    assert list(net) == net.neurons
    assert [n.name for n in net] == ["x1", "x2", "h1_1", "h1_2", "y1"]


def test_a_slow_epoch_neuron_by_neuron_gets_one_hint_about_the_vectorized_backend(
    monkeypatch,
):
    from neurosim import training

    monkeypatch.setattr(training, "SLOW_EPOCH_SECONDS", 0.0)  # every epoch is "slow"
    X, Y = ns.datasets.xor()
    with pytest.warns(
        ns.training.SlowTrainingHint, match="backend='vectorized'"
    ) as caught:
        ns.Network.layered([2, 2, 1], seed=0).fit(X, Y, epochs=3, seed=0)
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the compiled backend has no faster twin
        ns.Network.layered([2, 2, 1], seed=0).fit(
            X, Y, epochs=3, seed=0, backend="vectorized"
        )
