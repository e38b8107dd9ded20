"""The live training page: Playground's data and controls, and in a real browser Python's numbers."""

import json
import math
import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.datasets import playground as playground_data
from neurosim.datasets import playground_features
from neurosim.teaching.format import number
from neurosim.teaching.playground import playground

from .conftest import open_page

WebDriverWait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait

# ---------------------------------------------------------------- the data, in Python


@pytest.mark.parametrize("seed", [0, 7])
def test_without_noise_every_label_follows_its_data_sets_rule(seed):
    X, Y = playground_data("circle", 300, seed=seed)
    assert ((np.hypot(X[:, 0], X[:, 1]) < 2.5) == (Y[:, 0] > 0)).all()
    assert (np.hypot(X[:, 0], X[:, 1]) <= 5).all()
    X, Y = playground_data("xor", 300, seed=seed)
    assert ((X[:, 0] * X[:, 1] >= 0) == (Y[:, 0] > 0)).all() and (
        np.abs(X) >= 0.3
    ).all()
    X, Y = playground_data("gaussian", 20_000, seed=seed)
    for label, centre in ((1, 2.0), (-1, -2.0)):
        # Marsaglia's normals of variance 0.5 around (±2, ±2): 6 standard errors
        points = X[Y[:, 0] == label]
        assert np.allclose(points.mean(axis=0), centre, atol=0.03)
        assert np.allclose(points.var(axis=0), 0.5, rtol=0.06)
    X, Y = playground_data("spiral", 200, seed=seed)
    r = np.hypot(X[:, 0], X[:, 1])
    assert sorted(np.round(r[Y[:, 0] > 0], 9)) == pytest.approx(
        np.arange(100) / 100 * 5
    )
    X, Y = playground_data("plane", 100, seed=seed)
    assert np.allclose(Y[:, 0], (X[:, 0] + X[:, 1]) / 10, rtol=0, atol=1e-15)
    X, Y = playground_data("multi_gaussian", 100, seed=seed)
    centres = [
        (-4, 2.5, 1),
        (0, 2.5, -1),
        (4, 2.5, 1),
        (-4, -2.5, -1),
        (0, -2.5, 1),
        (4, -2.5, -1),
    ]
    for (x, y), label in zip(X, Y[:, 0]):
        values = [
            s * min(max(1 - math.dist((x, y), (cx, cy)) / 2, 0), 1)
            for cx, cy, s in centres
        ]
        assert label == pytest.approx(max(values, key=abs), abs=1e-12)


def test_noise_moves_the_labels_not_the_points_and_the_same_seed_gives_the_same_data():
    clean, labels = playground_data("xor", 400, noise=0, seed=3)
    noisy, noisy_labels = playground_data("xor", 400, noise=50, seed=3)
    assert np.array_equal(clean, noisy)
    assert np.array_equal(labels[:, 0] > 0, clean[:, 0] * clean[:, 1] >= 0)
    assert (np.abs(noisy) <= 5.3).all()
    wrong = (noisy[:, 0] * noisy[:, 1] >= 0) != (noisy_labels[:, 0] > 0)
    assert 0.05 < wrong.mean() < 0.45
    again = playground_data("xor", 400, noise=50, seed=3)
    assert np.array_equal(again[0], noisy) and np.array_equal(again[1], noisy_labels)
    odd = playground_data("circle", 7, seed=1)[0]
    assert odd.shape == (7, 2)


def test_the_data_sets_refuse_what_they_cannot_draw():
    with pytest.raises(ns.errors.UnknownNameError, match="did you mean 'spiral'"):
        playground_data("sprial")
    with pytest.raises(ns.ParameterError, match="0 to 50"):
        playground_data("xor", noise=60)
    with pytest.raises(ns.ParameterError):
        playground_data("xor", n=1)
    with pytest.raises(ns.errors.UnknownNameError, match="did you mean"):
        playground_features([[1.0, 2.0]], ["x1", "x3"])
    with pytest.raises(ns.ShapeError):
        playground_features([[1.0, 2.0, 3.0]], ["x1"])


def test_the_features_by_hand():
    X = np.array([[2.0, -3.0], [0.5, 0.25]])
    names = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    expected = [[a, b, a * a, b * b, a * b, math.sin(a), math.sin(b)] for a, b in X]
    assert playground_features(X, names).tolist() == expected


# ---------------------------------------------------------------- the page, in Python


def test_the_page_is_small_and_asks_for_nothing():
    page = playground(dataset="spiral", hidden=[8, 8])
    text = str(page)
    assert len(text.encode()) < 300_000
    assert "src=" not in text and "href=" not in text and "@import" not in text
    assert "http" not in text.replace("http://www.w3.org", "")


@pytest.mark.parametrize(
    "options, match",
    [
        ({"dataset": "sprial"}, "did you mean"),
        ({"noise": 55}, "noise"),
        ({"hidden": [4] * 7}, "0 to 6 hidden layers"),
        ({"hidden": [9]}, "1 to 8"),
        ({"features": ["x1", "x5"]}, "did you mean|Known"),
        ({"lr": 0}, "learning rate"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"dataset": "plane", "loss": "cross_entropy"}, "regression"),
        ({"activation": "swish"}, "activation"),
        ({"regularization": "l3"}, "regularization"),
    ],
)
def test_bad_options_are_refused_in_words(options, match):
    with pytest.raises(ns.NeurosimError, match=match):
        playground(**options)


def test_networks_the_page_cannot_train_are_refused_and_left_as_they_were():
    elman = ns.Network.elman(2, 2, 1, seed=0)
    with pytest.raises(ns.ParameterError, match="feed-forward"):
        elman.playground()
    net = ns.Network.layered([2, 2, 2], seed=0)
    with pytest.raises(ns.ParameterError, match="cross_entropy"):
        net.playground()
    with pytest.raises(ns.ParameterError, match="inputs"):
        ns.Network.layered([3, 2, 1], seed=0).playground()
    with pytest.raises(ns.ShapeError, match=r"\(n, 2\)"):
        ns.playground(X=np.zeros((5, 3)), Y=np.zeros(5))


# ---------------------------------------------------------------- in a real browser


def load_page(browser, tmp_path, page, fragment=""):
    open_page(browser, tmp_path, page, fragment)
    return browser.execute_script("return window.neurosim")


def downloaded(browser, tmp_path):
    """The page's "Download the network" file, read back by neurosim.load."""
    path = tmp_path / "network.json"
    path.write_text(run(browser, "neurosim.networkJSON()"), encoding="utf-8")
    return ns.load(path)


def run(browser, script, *args):
    return browser.execute_script("return " + script, *args)


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1, 2**32])
def test_the_page_draws_numpys_default_generator(browser, tmp_path, seed):
    load_page(browser, tmp_path, playground())
    assert run(browser, "neurosim.numpy.random(arguments[0], 7)", seed) == (
        np.random.default_rng(seed).random(7).tolist()
    )
    for n in (1, 2, 37, 250, 1000):
        assert run(
            browser, "neurosim.numpy.permutation(arguments[0], arguments[1])", seed, n
        ) == (np.random.default_rng(seed).permutation(n).tolist())


def test_the_page_draws_the_data_sets_python_draws(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    for name in ("circle", "xor", "gaussian", "spiral", "plane", "multi_gaussian"):
        for n, noise, seed in ((500, 0, 0), (251, 35, 9)):
            page = np.array(
                run(browser, "neurosim.data(...arguments)", name, n, noise, seed)
            )
            X, Y = playground_data(name, n, noise=noise, seed=seed)
            # the same draws, the same arithmetic: 1 ulp at most where libm's sin or log differ
            assert np.allclose(page[:, :2], X, rtol=1e-15, atol=1e-15), name
            assert np.allclose(page[:, 2], Y[:, 0], rtol=1e-15, atol=1e-15), name


CASES = {
    "circle": {"dataset": "circle", "hidden": [4, 2]},
    "xor": {"dataset": "xor", "hidden": [4, 2], "noise": 10},
    "spiral": {
        "dataset": "spiral",
        "hidden": [8, 8],
        "features": ["x1", "x2", "sin(x1)", "sin(x2)"],
        "lr": 0.01,
    },
    "circle-l2": {
        "dataset": "circle",
        "features": ["x1", "x2", "x1^2", "x2^2"],
        "regularization": "l2",
        "regularization_rate": 0.003,
    },
    "xor-adam": {
        "dataset": "xor",
        "optimizer": "adam",
        "lr": 0.01,
        "features": ["x1", "x2", "x1*x2"],
    },
    "spiral-momentum-l1": {
        "dataset": "spiral",
        "optimizer": "momentum",
        "lr": 0.003,
        "regularization": "l1",
        "regularization_rate": 0.001,
        "batch_size": 7,
    },
    "spiral-l2-adam": {
        "dataset": "spiral",
        "hidden": [6, 6],
        "optimizer": "adam",
        "lr": 0.003,
        "regularization": "l2",
        "regularization_rate": 0.001,
    },
    "multi-gaussian-relu": {
        "dataset": "multi_gaussian",
        "activation": "relu",
        "hidden": [5, 3],
        "train_ratio": 70,
    },
}


def python_run(options, epochs, seed=3, data_seed=5):
    """The same run with the library, from the page's settings."""
    dataset = options["dataset"]
    X, Y = playground_data(dataset, 500, noise=options.get("noise", 0), seed=data_seed)
    features = options.get("features", ["x1", "x2"])
    F = playground_features(X, features)
    n = 500 * options.get("train_ratio", 50) // 100
    regression = dataset in ("plane", "multi_gaussian")
    net = ns.Network.layered(
        [len(features), *options.get("hidden", [4, 2]), 1],
        activation=options.get("activation", "tanh"),
        output_activation="identity" if regression else "tanh",
        init="xavier_uniform",
        seed=seed,
    )
    rates = {}
    if options.get("regularization"):
        rates[options["regularization"]] = options["regularization_rate"]
    history = net.fit(
        F[:n], Y[:n], epochs=epochs, lr=options.get("lr", 0.03),
        optimizer=options.get("optimizer", "sgd"), batch_size=options.get("batch_size", 10),
        seed=seed, **rates,
    )  # fmt: skip
    return net, history, (F[:n], Y[:n]), (F[n:], Y[n:])


@pytest.mark.parametrize("case", list(CASES))
def test_a_hundred_epochs_in_the_page_equal_fit(browser, tmp_path, case):
    options = CASES[case]
    load_page(browser, tmp_path, playground(**options, seed=3, data_seed=5))
    assert run(browser, "neurosim.trainEpochs(100)") is True
    losses = run(browser, "neurosim.losses()")
    net, history, train, test = python_run(options, 100)
    assert losses["epoch"] == 100
    assert np.allclose(losses["epochs"], history.loss, rtol=0, atol=1e-9)
    assert abs(losses["train"] - net.evaluate(*train)) <= 1e-9
    assert abs(losses["test"] - net.evaluate(*test)) <= 1e-9
    trained = downloaded(browser, tmp_path)
    assert np.allclose(
        trained.parameter_vector(), net.parameter_vector(), rtol=0, atol=1e-9
    )


def test_softmax_over_three_classes_equals_fit_with_cross_entropy(browser, tmp_path):
    X, labels = ns.datasets.blobs(240, centers=3, seed=2)
    X = X / np.abs(X).max() * 5  # into the page's plane
    page = playground(X=X, Y=labels, loss="cross_entropy", hidden=[6], optimizer="adam",
                      lr=0.01, seed=11)  # fmt: skip
    load_page(browser, tmp_path, page)
    run(browser, "neurosim.trainEpochs(100)")
    losses = run(browser, "neurosim.losses()")
    n = 240 * 50 // 100
    T = ns.datasets.one_hot(labels)
    net = ns.Network.layered([2, 6, 3], activation="tanh", output_activation="identity",
                             init="xavier_uniform", seed=11)  # fmt: skip
    history = net.fit(X[:n], T[:n], epochs=100, loss="cross_entropy", optimizer="adam",
                      lr=0.01, batch_size=10, seed=11)  # fmt: skip
    assert np.allclose(losses["epochs"], history.loss, rtol=0, atol=1e-9)
    assert abs(losses["test"] - net.evaluate(X[n:], T[n:], "cross_entropy")) <= 1e-9
    assert history.loss[-1] < 0.5 * history.loss[0]


def numbers(net):
    """Every weight by connection and every bias by neuron."""
    weights = {(c.source.name, c.target.name): c.weight for c in net.connections}
    return weights, {n.name: n.bias for n in net.neurons if not n.is_input}


def hostile_network():
    net = ns.Network(seed=0)
    for name in ("__proto__", "constructor"):
        net.add_input(name)
    net.add_neuron("toString", activation="relu", bias=0.1)
    net.add_neuron("<!--<script>", activation="sigmoid", bias=-0.2)
    net.add_output("</script>&amp;", activation="tanh")
    for source in ("__proto__", "constructor"):
        for target in ("toString", "<!--<script>"):
            net.connect(source, target, weight=0.3 if source == "__proto__" else -0.4)
    net.connect("toString", "</script>&amp;", weight=0.7)
    net.connect("<!--<script>", "</script>&amp;", weight=-0.5)
    net.connect("__proto__", "</script>&amp;", weight=0.25)  # a skip connection
    net.freeze(net.connection("constructor", "toString"))
    return net


def test_a_python_network_opens_with_its_weights_and_comes_back_bit_identical(
    browser, tmp_path
):
    net = hostile_network()
    load_page(browser, tmp_path, net.playground(dataset="xor", features=["x1", "x2"]))
    first = downloaded(browser, tmp_path)
    assert [n.name for n in first.neurons] == [n.name for n in net.neurons]
    assert numbers(first) == numbers(net)  # bit for bit
    run(browser, "neurosim.trainEpochs(3)")
    weights = run(browser, "neurosim.weights()")
    trained = downloaded(browser, tmp_path)
    assert [c.weight for c in trained.connections] == weights["w"]
    assert trained.connection("constructor", "toString").weight == -0.4  # frozen
    assert not trained.connection("constructor", "toString").parameter.trainable
    # and the page trained it as fit trains it
    X, Y = playground_data("xor", 500, seed=0)
    net.fit(X[:250], Y[:250], epochs=3, lr=0.03, batch_size=10, seed=0)
    (page_w, page_b), (python_w, python_b) = numbers(trained), numbers(net)
    assert page_w.keys() == python_w.keys()
    assert all(abs(page_w[k] - python_w[k]) < 1e-12 for k in page_w)
    assert all(abs(page_b[k] - python_b[k]) < 1e-12 for k in page_b)


@pytest.mark.parametrize(
    "fragment",
    [
        "#__proto__=1&constructor=2&toString=3&a:__proto__=relu&a:constructor=tanh",
        "#a:%3C!--%3Cscript%3E=relu&del=__proto__>toString&add=__proto__>%3C!--%3Cscript%3E",
        "#hidden=__proto__&features=constructor,x1&points=1,2,3;x;%3C!--&epoch=-1&lr=Infinity",
        "#%E0%A4%A&&&=&==&dataset=__proto__&opt=constructor&loss=toString",
    ],
)
def test_hostile_names_and_fragments_do_no_harm(browser, tmp_path, fragment):
    load_page(browser, tmp_path, hostile_network().playground(), fragment)
    assert run(
        browser, "Object.prototype.relu === undefined && ({}).constructor === Object"
    )
    assert run(browser, "neurosim.trainEpochs(2)") is True
    document = json.loads(run(browser, "neurosim.networkJSON()"))
    names = {n["name"] for n in document["neurons"]}
    assert {
        "__proto__",
        "constructor",
        "toString",
        "<!--<script>",
        "</script>&amp;",
    } == names
    downloaded(browser, tmp_path)
    assert browser.find_element("id", "play").text == "Play"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_every_activation_computes_as_the_library_does(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    names = run(browser, "neurosim.activations()")
    canonical = {
        ns.activations.get_activation(n).name for n in ns.activations.activation_names()
    }
    assert canonical <= set(names)
    z = [-3.0, -0.5, 0.0, 0.25, 2.0, 40.0]
    for name in canonical:
        got = run(browser, "neurosim.activation(arguments[0], arguments[1])", name, z)
        activation = ns.activations.get_activation(name)
        assert got[0] == pytest.approx(
            [activation.fn(v) for v in z], rel=1e-15, abs=1e-300
        )
        assert got[1] == pytest.approx(
            [activation.derivative(v) for v in z], rel=1e-15, abs=0
        )


# ---------------------------------------------------------------- every control, in a real browser


def click(browser, element_id):
    browser.find_element("id", element_id).click()


def set_control(browser, element_id, value, event="change"):
    """Set a select, slider or field as a user would, and let the page hear it."""
    browser.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event(arguments[2]));",
        element_id, str(value), event,
    )  # fmt: skip


def settings(browser):
    return run(browser, "neurosim.settings()")


def test_play_pause_step_and_reset(browser, tmp_path):
    load_page(browser, tmp_path, playground(batch_size=7, seed=2))
    first = run(browser, "neurosim.weights()")
    click(browser, "step")
    assert run(browser, "neurosim.losses().cursor") == 7
    assert run(browser, "neurosim.weights()") != first
    click(browser, "play")
    assert browser.find_element("id", "play").text == "Pause"
    WebDriverWait(browser, 20).until(lambda b: run(b, "neurosim.losses().epoch") >= 3)
    click(browser, "play")
    assert browser.find_element("id", "play").text == "Play"
    epoch = run(browser, "neurosim.losses().epoch")
    assert browser.find_element("id", "epoch").text == f"{epoch:06d}"
    browser.execute_script("return new Promise((done) => setTimeout(done, 200))")
    assert run(browser, "neurosim.losses().epoch") == epoch  # paused
    click(browser, "reset")
    assert run(browser, "neurosim.weights()") == first
    assert run(browser, "neurosim.losses().epoch") == 0


def test_the_data_controls(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    for name in ("xor", "gaussian", "spiral", "plane", "multi_gaussian", "circle"):
        browser.find_element(
            "css selector", f'#datasets button[data-dataset="{name}"]'
        ).click()
        assert settings(browser)["dataset"] == name
        X, Y = playground_data(name, 500, seed=0)
        assert np.allclose(
            run(browser, "neurosim.points()"), np.column_stack([X, Y]), atol=1e-15
        )
    set_control(browser, "noise", 35, "input")
    X, Y = playground_data("circle", 500, noise=35, seed=0)
    assert np.allclose(
        run(browser, "neurosim.points()"), np.column_stack([X, Y]), atol=1e-15
    )
    click(browser, "regenerate")
    assert settings(browser)["data_seed"] == 1
    X, Y = playground_data("circle", 500, noise=35, seed=1)
    assert np.allclose(
        run(browser, "neurosim.points()"), np.column_stack([X, Y]), atol=1e-15
    )
    set_control(browser, "ratio", 80, "input")
    assert run(browser, "neurosim.losses().counts") == [400, 100]
    assert browser.find_element("id", "ratio-value").text == "80%"
    set_control(browser, "batch", 23, "input")
    click(browser, "step")
    assert run(browser, "neurosim.losses().cursor") == 23


def test_features_layers_and_neurons(browser, tmp_path):
    load_page(browser, tmp_path, playground())

    def inputs():
        document = json.loads(run(browser, "neurosim.networkJSON()"))
        return [n["name"] for n in document["neurons"] if n["role"] == "input"]

    browser.find_element("css selector", 'input[data-feature="x1^2"]').click()
    browser.find_element("css selector", 'input[data-feature="sin(x2)"]').click()
    assert inputs() == ["x1", "x2", "x1^2", "sin(x2)"]
    for feature in ("x1", "x2", "x1^2"):
        browser.find_element("css selector", f'input[data-feature="{feature}"]').click()
    browser.find_element(
        "css selector", 'input[data-feature="sin(x2)"]'
    ).click()  # the last one
    assert inputs() == ["sin(x2)"] and "at least one" in run(
        browser, "neurosim.status()"
    )
    click(browser, "layer-add")
    assert settings(browser)["hidden"] == [4, 2, 2]
    browser.find_elements("css selector", "#layers .neuron-add")[0].click()
    browser.find_elements("css selector", "#layers .neuron-remove")[2].click()
    assert settings(browser)["hidden"] == [5, 2, 1]
    click(browser, "layer-remove")
    click(browser, "layer-remove")
    click(browser, "layer-remove")
    assert settings(browser)["hidden"] == []
    assert browser.find_element("id", "layer-remove").get_attribute("disabled")
    document = json.loads(run(browser, "neurosim.networkJSON()"))
    assert [(c["source"], c["target"]) for c in document["connections"]] == [
        ("sin(x2)", "y1")
    ]


def test_the_training_controls(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    lrs = [
        o.get_attribute("value")
        for o in browser.find_elements("css selector", "#lr option")
    ]
    assert lrs[0] == "0.00001" or float(lrs[0]) == 1e-5 and float(lrs[-1]) == 10
    set_control(browser, "lr", 0.3)
    set_control(browser, "regularization", "l1")
    set_control(browser, "reg-rate", 0.01)
    set_control(browser, "optimizer", "momentum")
    chosen = settings(browser)
    assert (chosen["lr"], chosen["regularization"], chosen["reg_rate"], chosen["optimizer"]) == (
        0.3, "l1", 0.01, "momentum")  # fmt: skip
    set_control(browser, "activation", "softplus")
    document = json.loads(run(browser, "neurosim.networkJSON()"))
    hidden = [n for n in document["neurons"] if n["role"] == "hidden"]
    assert hidden and all(n["activation"] == "softplus" for n in hidden)
    set_control(browser, "loss", "cross_entropy")
    document = json.loads(run(browser, "neurosim.networkJSON()"))
    outputs = [n for n in document["neurons"] if n["role"] == "output"]
    assert [n["activation"] for n in outputs] == ["identity", "identity"]
    assert browser.find_element("id", "problem").text == "classification, 2 classes"


def test_show_test_data_and_discretize_change_the_picture(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    picture = lambda: run(browser, "document.getElementById('output').toDataURL()")
    before = picture()
    click(browser, "show-test")
    assert settings(browser)["show_test"] and picture() != before
    shown = picture()
    click(browser, "discretize")
    assert settings(browser)["discretize"] and picture() != shown


def test_hovering_a_neuron_or_a_connection_shows_its_formula_with_pythons_numbers(
    browser, tmp_path
):
    from selenium.webdriver.common.action_chains import ActionChains

    load_page(browser, tmp_path, playground(dataset="xor", seed=4))
    run(browser, "neurosim.trainEpochs(2)")
    net = downloaded(browser, tmp_path)
    sample = run(browser, "neurosim.nextSample()")
    net.forward(sample["x"])
    net.backward(sample["target"])
    canvas = browser.find_element("id", "network")
    places = run(browser, "neurosim.places()")
    offset = lambda x, y: (x - canvas.size["width"] / 2, y - canvas.size["height"] / 2)
    _, x, y = next(p for p in places["neurons"] if p[0] == "h1_2")
    ActionChains(browser).move_to_element_with_offset(canvas, *offset(x, y)).perform()
    text = browser.find_element("id", "inspect").text
    assert "net(h1_2) = " in text and f"= {number(net['h1_2'].net)}\n" in text
    assert "δ(h1_2) = " in text and text.count(number(net["h1_2"].delta)) >= 2
    *_, x, y = next(p for p in places["connections"] if p[:2] == ["h1_2", "h2_1"])
    ActionChains(browser).move_to_element_with_offset(canvas, *offset(x, y)).perform()
    text = browser.find_element("id", "inspect").text
    grad = net.connection("h1_2", "h2_1").grad
    assert "∂L/∂w(h1_2→h2_1) = δ(h2_1)·out(h1_2) = " in text and number(grad) in text


def test_own_points_from_csv_and_from_clicks(browser, tmp_path):
    load_page(browser, tmp_path, playground(hidden=[3]))
    browser.find_element("css selector", ".pg-own summary").click()
    rows = "x1,x2,label\n1,2,0\n-1,-2,1\n3,-3,2\nnot,a,row\n0.5,0.5,1\n"
    browser.find_element("id", "csv").send_keys(rows)
    click(browser, "csv-load")
    assert run(browser, "neurosim.points()") == [
        [1, 2, 0],
        [-1, -2, 1],
        [3, -3, 2],
        [0.5, 0.5, 1],
    ]
    assert "skipped line(s) 5" in run(browser, "neurosim.status()")
    set_control(browser, "loss", "cross_entropy")
    assert browser.find_element("id", "problem").text == "classification, 3 classes"
    click(browser, "add-points")
    set_control(browser, "add-class", 3)
    canvas = browser.find_element("id", "output")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element(
        canvas
    ).click().perform()  # the middle: (0, 0)
    points = run(browser, "neurosim.points()")
    assert len(points) == 5 and points[0][2] == 3
    assert abs(points[0][0]) < 0.1 and abs(points[0][1]) < 0.1
    assert browser.find_element("id", "problem").text == "classification, 4 classes"
    browser.find_element("id", "csv").clear()
    browser.find_element("id", "csv").send_keys("1,2\nhello")
    click(browser, "csv-load")
    assert "at least two rows" in run(browser, "neurosim.status()")
    assert len(run(browser, "neurosim.points()")) == 5  # nothing lost


def click_in_network(browser, *names):
    """Click a neuron (one name) or the middle of a connection (two) in the drawing."""
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = browser.find_element("id", "network")
    places = run(browser, "neurosim.places()")
    where = places["neurons"] if len(names) == 1 else places["connections"]
    *_, x, y = next(p for p in where if tuple(p[: len(names)]) == names)
    ActionChains(browser).move_to_element_with_offset(
        canvas, x - canvas.size["width"] / 2, y - canvas.size["height"] / 2
    ).click().perform()


def test_editing_the_topology(browser, tmp_path):
    load_page(browser, tmp_path, playground(hidden=[3, 2]))

    def connections():
        document = json.loads(run(browser, "neurosim.networkJSON()"))
        return {
            (c["source"], c["target"]): c["weight"] for c in document["connections"]
        }

    set_control(browser, "connect-source", "x1")
    set_control(browser, "connect-target", "y1")
    click(browser, "connect")
    assert connections()[("x1", "y1")] == 0.0  # a skip connection, starting at 0
    set_control(browser, "connect-source", "y1")
    set_control(browser, "connect-target", "h1_1")
    click(browser, "connect")
    assert ("y1", "h1_1") not in connections() and "cycle" in run(
        browser, "neurosim.status()"
    )
    click_in_network(browser, "h1_2", "h2_1")
    click(browser, "disconnect")
    assert ("h1_2", "h2_1") not in connections() and len(
        connections()
    ) == 6 + 6 + 2 + 1 - 1
    click_in_network(browser, "h1_3")
    set_control(browser, "neuron-activation", "leaky_relu")
    document = json.loads(run(browser, "neurosim.networkJSON()"))
    activations = {n["name"]: n.get("activation") for n in document["neurons"]}
    assert activations["h1_3"] == "leaky_relu" and activations["h1_1"] == "tanh"
    # and the edited network trains as fit trains it
    start = downloaded(browser, tmp_path)
    run(browser, "neurosim.trainEpochs(5)")
    X, Y = playground_data("circle", 500, seed=0)
    start.fit(X[:250], Y[:250], epochs=5, lr=0.03, batch_size=10, seed=0)
    page_w, page_b = numbers(downloaded(browser, tmp_path))
    python_w, python_b = numbers(start)
    assert page_w.keys() == python_w.keys() and page_b.keys() == python_b.keys()
    assert all(abs(page_w[k] - python_w[k]) < 1e-12 for k in python_w)
    assert all(abs(page_b[k] - python_b[k]) < 1e-12 for k in python_b)


def test_the_selection_survives_a_rebuild_by_name_or_is_dropped(browser, tmp_path):
    load_page(browser, tmp_path, playground(hidden=[3, 2]))

    def edit_controls():
        return run(
            browser,
            "[document.getElementById('selection').textContent,"
            " document.getElementById('neuron-activation').disabled,"
            " document.getElementById('neuron-activation').value,"
            " document.getElementById('disconnect').disabled]",
        )

    # nothing selected: nothing to edit, and no activation shown as if it were someone's
    assert edit_controls()[1:] == [True, "", True]
    click_in_network(browser, "x1")
    assert edit_controls() == ["Neuron x1", True, "", True]
    click_in_network(browser, "h1_2")
    assert edit_controls() == ["Neuron h1_2", False, "tanh", True]
    set_control(browser, "activation", "relu")  # every neuron is rebuilt
    assert edit_controls() == ["Neuron h1_2", False, "relu", True]
    click_in_network(browser, "h1_3", "h2_2")
    assert edit_controls() == ["Connection h1_3 → h2_2", True, "", False]
    click(browser, "layer-remove")  # h2_2 is gone with its layer
    assert edit_controls() == [
        "Click a neuron or a connection to inspect and edit it.", True, "", True
    ]  # fmt: skip
    click_in_network(browser, "h1_3")
    click(browser, "layer-add")  # a new network is built; h1_3 is in it
    assert edit_controls()[:3] == ["Neuron h1_3", False, "relu"]
    assert "net(h1_3) =" in browser.find_element("id", "inspect").text
    assert run(browser, "neurosim.trainEpochs(3)") is not False
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_divergence_is_stopped_and_explained_as_fit_does(browser, tmp_path):
    options = {"dataset": "plane", "activation": "relu", "hidden": [8, 8], "lr": 3}
    load_page(browser, tmp_path, playground(**options, seed=3, data_seed=5))
    click(browser, "play")
    WebDriverWait(browser, 20).until(lambda b: not run(b, "neurosim.playing()"))
    status = browser.find_element("id", "status").text
    epoch = int(re.search(r"Training diverged in epoch (\d+)", status).group(1))
    assert "smaller" in status and browser.find_element("id", "play").text == "Play"
    weights = run(browser, "neurosim.weights()")
    assert all(math.isfinite(v) for v in weights["w"] + weights["b"])
    # fit diverges in the same epoch, and the page is back where that epoch began
    with pytest.raises(ns.NumericalError, match=f"in epoch {epoch}:"):
        python_run(options, epoch)
    page_w, _ = numbers(downloaded(browser, tmp_path))
    if epoch > 1:
        python_w, _ = numbers(python_run(options, epoch - 1)[0])
    else:
        run(browser, "neurosim.oneBatch()")  # Reset's weights are where epoch 1 began
        click(browser, "reset")
        python_w, _ = numbers(downloaded(browser, tmp_path))
    assert all(
        abs(page_w[k] - python_w[k]) <= 1e-9 * max(1, abs(python_w[k])) for k in page_w
    )


def test_the_link_restores_the_whole_state(browser, tmp_path):
    load_page(browser, tmp_path, playground())
    browser.find_element(
        "css selector", '#datasets button[data-dataset="spiral"]'
    ).click()
    set_control(browser, "noise", 20, "input")
    set_control(browser, "optimizer", "adam")
    set_control(browser, "lr", 0.01)
    browser.find_element("css selector", 'input[data-feature="sin(x1)"]').click()
    set_control(browser, "connect-source", "x2")
    set_control(browser, "connect-target", "y1")
    click(browser, "connect")
    run(browser, "neurosim.trainEpochs(7)")
    link, state = browser.current_url, settings(browser)
    weights = run(browser, "neurosim.weights()")
    assert "epoch=7" in link
    browser.get("about:blank")
    browser.get(link)
    assert settings(browser) == state
    assert run(browser, "neurosim.weights()") == weights
    assert run(browser, "neurosim.losses().epoch") == 7


def test_the_step_page_of_the_next_batch_is_the_librarys_step(browser, tmp_path):
    from .test_page import assert_same_steps, python_steps

    page = playground(
        dataset="xor", hidden=[3], lr=0.3, seed=1, regularization="l2",
        regularization_rate=0.03,
    )  # fmt: skip
    load_page(browser, tmp_path, page)
    run(browser, "neurosim.trainEpochs(1)")
    click(browser, "step")
    sample = run(browser, "neurosim.nextSample()")
    net = downloaded(browser, tmp_path)
    html = run(browser, "neurosim.stepPageHTML()")
    assert len(browser.window_handles) == 1
    click(browser, "step-page")
    assert len(browser.window_handles) == 2
    browser.switch_to.window(browser.window_handles[1])
    browser.close()
    browser.switch_to.window(browser.window_handles[0])
    path = tmp_path / "step.html"
    path.write_text(html, encoding="utf-8")
    browser.get(path.as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    expected = python_steps(net, sample["x"], sample["target"], "mse", 0.3, l2=0.03)
    assert_same_steps(run(browser, "window.neurosim.steps()"), expected)
