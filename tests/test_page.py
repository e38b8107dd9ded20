"""The step-by-step web pages: self-contained, and in a real browser equal to the library."""

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

import neurosim as ns
from neurosim.teaching import trace, update_steps
from neurosim.teaching.page import recall_page

from .conftest import open_page


def mixed_network(output_activation="sigmoid"):
    """Every built-in activation, a skip connection and a frozen weight."""
    net = ns.Network()
    for name in ("x1", "x2", "x3"):
        net.add_input(name)
    for name, activation in (
        ("a", "tanh"),
        ("b", "relu"),
        ("c", "leaky_relu"),
        ("d", "softplus"),
    ):
        net.add_neuron(name, activation=activation)
    net.add_neuron("e", activation="identity")
    for name in ("y1", "y2"):
        net.add_output(name, activation=output_activation)
    rng = np.random.default_rng(3)
    for source in ("x1", "x2", "x3"):
        for target in ("a", "b", "c", "d"):
            net.connect(source, target, weight=float(rng.normal()))
    for source in ("a", "b", "c", "d"):
        net.connect(source, "e", weight=float(rng.normal()))
    for source in ("e", "a", "d"):
        for target in ("y1", "y2"):
            net.connect(source, target, weight=float(rng.normal()))
    net.connect("x1", "y2", weight=0.4)  # skip connection
    for neuron in ("a", "b", "c", "d", "e", "y1", "y2"):
        net[neuron].bias = float(rng.normal(0, 0.3))
    net.freeze(net.connection("x2", "b"))
    return net


CASES = {
    "mse": (lambda: mixed_network("sigmoid"), [0.5, -1.0, 2.0], [1.0, 0.0]),
    "sse": (lambda: mixed_network("tanh"), [0.1, 0.7, -0.3], [0.2, -0.4]),
    "bce": (lambda: mixed_network("sigmoid"), [1.0, 0.0, 1.0], [1.0, 0.0]),
    "cross_entropy": (lambda: mixed_network("identity"), [0.3, 0.2, -0.8], [0.0, 1.0]),
}


def python_steps(net, x, target, loss, lr, l1=0.0, l2=0.0):
    steps = trace(net, x, target=target, loss=loss)
    return [(s.formula, s.value) for s in [*steps, *update_steps(net, lr, l1, l2)]]


def test_the_page_is_one_file_that_asks_for_nothing():
    net, x, target = ns.datasets.mazur_example()
    page = net.explain(x, target, loss="sse", lr=0.5, format="html")
    text = str(page)

    class References(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("src", "href", "srcset", "poster", "data") and value:
                    self.found.append((tag, name, value))
            if tag in ("link", "iframe", "img", "object", "embed"):
                self.found.append((tag,))

    parser = References()
    parser.feed(text)
    assert parser.found == []
    # No URL at all but the MathML and SVG namespaces (names, not requests).
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= {"http://www.w3.org/1998/Math/MathML", "http://www.w3.org/2000/svg"}
    assert "@import" not in text and "url(" not in text
    assert page.steps == len(json.loads(_data(text))["steps"])


def _data(text):
    return re.search(
        r'<script type="application/json" id="neurosim-data">(.*?)</script>',
        text,
        re.DOTALL,
    ).group(1)


def test_the_page_embeds_pythons_steps_and_the_loss_after_the_update():
    net, x, target = ns.datasets.mazur_example()
    data = json.loads(
        _data(str(net.explain(x, target, loss="sse", lr=0.5, format="html")))
    )
    expected = python_steps(net, x, target, "sse", 0.5)
    assert [(s["formula"], s["value"]) for s in data["steps"]] == expected
    after, _ = ns.datasets.mazur_example()[:2]
    after.forward(x), after.backward(target, loss="sse"), after.step(0.5)
    assert data["loss_after"] == pytest.approx(
        after.evaluate([x], [target], loss="sse"), rel=1e-15
    )
    # Building the page changed nothing in the network (it measures the step and undoes it).
    assert [c.weight for c in net.connections] == [
        c.weight for c in ns.datasets.mazur_example()[0].connections
    ]


def test_jupyter_shows_the_live_page_in_a_sandboxed_iframe():
    net, x, target = ns.datasets.mazur_example()
    shown = net.explain(x, target, format="html")._repr_html_()
    assert (
        shown.startswith("<iframe srcdoc=")
        and "allow-scripts" in shown
        and "<script" not in shown
    )


def test_a_users_activation_gives_a_read_only_page_that_says_why():
    net = ns.Network.layered(
        [2, 1],
        activation=ns.Activation("cube", lambda z: z**3, lambda z: 3 * z**2),
        seed=0,
    )
    text = str(net.explain([1.0, 2.0], [0.5], format="html"))
    data = json.loads(_data(text))
    assert not data["editable"] and "'cube'" in data["readonly_reason"]
    assert "This page is read-only" in text


def test_bad_arguments_are_refused():
    net, x, target = ns.datasets.mazur_example()
    with pytest.raises(ns.ParameterError, match="format"):
        net.explain(x, target, format="pdf")
    with pytest.raises(ns.ParameterError, match="learning rate"):
        net.explain(x, target, format="html", lr=0)
    hop = ns.HopfieldNetwork(4)
    with pytest.raises(ns.ParameterError, match="does not hold"):
        recall_page(hop, [1, 1, 1, -1], shape=(3, 3))


# ---------------------------------------------------------------- in a real browser


def assert_same_steps(page_steps, expected):
    assert len(page_steps) == len(expected)
    for step, (formula, value) in zip(page_steps, expected):
        assert step["formula"] == formula
        assert step["value"] == pytest.approx(value, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("loss", list(CASES))
def test_the_pages_own_arithmetic_gives_the_librarys_numbers_and_formulas(
    browser, tmp_path, loss
):
    build, x, target = CASES[loss]
    net = build()
    open_page(
        browser, tmp_path, net.explain(x, target, loss=loss, lr=0.3, format="html")
    )
    assert (
        browser.execute_script(
            "return document.querySelector('#editor input').disabled"
        )
        is False
    )
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, x, target, loss, 0.3),
    )


def test_the_weight_penalty_is_in_the_pages_updates_as_in_fit(browser, tmp_path):
    build, x, target = CASES["mse"]
    net = build()
    net.connection("x1", "a").weight = 0.0  # sign(0) = 0: no L1 pull on a zero weight
    page = net.explain(x, target, lr=0.3, l1=0.01, l2=0.2, format="html")
    open_page(browser, tmp_path, page, "#lr=0.5")
    expected = python_steps(net, x, target, "mse", 0.5, l1=0.01, l2=0.2)
    assert any("0.01·sign(" in formula for formula, _ in expected)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"), expected
    )
    # the loss after the step is the loss after fit's one penalised step
    stepped = build()
    stepped.connection("x1", "a").weight = 0.0
    stepped.fit([x], [target], epochs=1, lr=0.5, l1=0.01, l2=0.2, shuffle=False)
    assert browser.execute_script(
        "return window.neurosim.lossAfter()"
    ) == pytest.approx(stepped.evaluate([x], [target]), rel=1e-12)


def test_edits_in_the_link_recompute_every_number_as_python_does(browser, tmp_path):
    build, x, target = CASES["mse"]
    net = build()
    fragment = "#step=12&lr=0.7&x=1,0.5,-1&t=0,1&w:x1>a=0.3&w:a>y1=-1.25&b:e=0.2"
    open_page(
        browser, tmp_path, net.explain(x, target, lr=0.1, format="html"), fragment
    )
    edited = build()
    edited.connection("x1", "a").weight = 0.3
    edited.connection("a", "y1").weight = -1.25
    edited["e"].bias = 0.2
    expected = python_steps(edited, [1, 0.5, -1], [0, 1], "mse", 0.7)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"), expected
    )
    assert browser.execute_script("return window.neurosim.current()") == 12
    edited.step(0.7)
    assert browser.execute_script(
        "return window.neurosim.lossAfter()"
    ) == pytest.approx(edited.evaluate([[1, 0.5, -1]], [[0, 1]]), rel=1e-12)


def test_typing_a_weight_updates_the_numbers_the_link_and_the_downloaded_network(
    browser, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    net, x, target = ns.datasets.mazur_example()
    path = open_page(
        browser, tmp_path, net.explain(x, target, loss="sse", lr=0.5, format="html")
    )
    field = browser.find_element(By.CSS_SELECTOR, 'input[data-label="w(i1→h1)"]')
    field.send_keys(Keys.CONTROL, "a")  # select what is there, then type over it
    field.send_keys("0.3")
    browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", field)
    net.connection("i1", "h1").weight = 0.3
    expected = python_steps(net, x, target, "sse", 0.5)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"), expected
    )
    link = browser.current_url
    assert "w:i1%3Eh1=0.3" in link or "w:i1>h1=0.3" in link
    # The link alone brings the edit back.
    browser.get(link)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"), expected
    )
    # The download is a neurosim file with the edited weight.
    (tmp_path / "edited.json").write_text(
        browser.execute_script("return window.neurosim.networkJSON()")
    )
    loaded = ns.load(tmp_path / "edited.json")
    assert loaded.connection("i1", "h1").weight == 0.3
    assert [c.weight for c in loaded.connections] == [c.weight for c in net.connections]
    assert path.exists()


def test_buttons_keys_and_the_step_list_move_through_the_steps(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    net, x, target = ns.datasets.mazur_example()
    open_page(
        browser, tmp_path, net.explain(x, target, loss="sse", lr=0.5, format="html")
    )
    current = lambda: browser.execute_script("return window.neurosim.current()")
    for _ in range(3):
        browser.find_element(By.ID, "next").click()
    assert current() == 3
    browser.find_element(By.ID, "prev").click()
    assert current() == 2
    # Step 2 (from 0) is net(h2): the neuron is highlighted, its formula typeset in MathML.
    assert (
        browser.find_element(By.CSS_SELECTOR, "g.node.current").get_attribute(
            "data-name"
        )
        == "h2"
    )
    assert browser.find_element(By.CSS_SELECTOR, "#formula math").text != ""
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert current() == 3
    browser.find_elements(By.CSS_SELECTOR, "#steps li")[10].click()
    assert current() == 10 and "step=10" in browser.current_url
    browser.find_element(By.ID, "reset").click()
    assert current() == 0


def test_a_read_only_page_still_steps_through_pythons_numbers(browser, tmp_path):
    net = ns.Network.layered(
        [2, 1],
        activation=ns.Activation("cube", lambda z: z**3, lambda z: 3 * z**2),
        seed=0,
    )
    open_page(browser, tmp_path, net.explain([1.0, 2.0], [0.5], lr=0.2, format="html"))
    assert (
        browser.execute_script(
            "return document.querySelector('#editor input').disabled"
        )
        is True
    )
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, [1.0, 2.0], [0.5], "mse", 0.2),
    )


def test_the_recall_page_replays_the_recall_update_by_update(browser, tmp_path):
    letters = ns.datasets.glyphs("AT")
    patterns = [g.ravel() for g in letters.values()]
    hop = ns.HopfieldNetwork(100)
    hop.store(patterns, rule="pseudoinverse")
    probe = ns.memory.corrupt(patterns[0], 0.2, seed=0)
    result = hop.recall(probe, seed=3)
    page = recall_page(hop, probe, shape=(10, 10), seed=3)
    assert page.steps == len(result.energy) - 1
    open_page(browser, tmp_path, page)
    for k in (0, 17, len(result.energy) - 1):
        browser.execute_script(f"window.neurosim.go({k})")
        assert (
            browser.execute_script("return window.neurosim.energy()")
            == result.energy[k]
        )
    assert (
        browser.execute_script("return window.neurosim.state()")
        == result.state.tolist()
    )


def random_network(seed):
    """A seeded random layered network with a random activation per neuron and a skip."""
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))]
    loss = ["mse", "sse", "bce", "cross_entropy"][seed % 4]
    output = {"bce": "sigmoid", "cross_entropy": "identity"}.get(
        loss, str(rng.choice(ACTIVATIONS))
    )
    net = ns.Network.layered(
        sizes, activation="tanh", output_activation=output, seed=seed
    )
    for neuron in net.neurons:
        if neuron.role == "hidden":
            neuron.activation = str(rng.choice(ACTIVATIONS))
        if neuron.role != "input":
            neuron.bias = float(rng.normal(0, 0.5))
    net.connect("x1", "y1", weight=float(rng.normal()))
    x = rng.normal(size=sizes[0]).round(3).tolist()
    target = (rng.random(sizes[-1]) < 0.5).astype(float).tolist()
    return net, x, target, loss


ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step"]


@pytest.mark.parametrize("seed", range(8))
def test_random_networks_agree_with_the_library_before_and_after_an_edit(
    browser, tmp_path, seed
):
    net, x, target, loss = random_network(seed)
    page = net.explain(x, target, loss=loss, lr=0.2, format="html")
    open_page(browser, tmp_path, page)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, x, target, loss, 0.2),
    )
    first = net.connections[0]
    fragment = f"#x={','.join(str(v + 0.5) for v in x)}&w:{first.source.name}>{first.target.name}=-0.75"
    browser.get(page_url := (tmp_path / "page.html").as_uri() + fragment)
    first.weight = -0.75
    expected = python_steps(net, [v + 0.5 for v in x], target, loss, 0.2)
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"), expected
    )
    assert page_url.endswith(fragment)


def test_next_shows_each_trace_step_and_lights_up_its_neuron_or_connection(
    browser, tmp_path
):
    from selenium.webdriver.common.by import By

    net, x, target = ns.datasets.mazur_example()
    steps = trace(net, x, target=target, loss="sse")
    open_page(
        browser, tmp_path, net.explain(x, target, loss="sse", lr=0.5, format="html")
    )
    connections = list(net.connections)
    for k in range(1, len(steps)):
        browser.find_element(By.ID, "next").click()
        assert (
            browser.find_element(By.CSS_SELECTOR, "#formula .text").text
            == steps[k].formula
        )
        target_ = steps[k].target
        if isinstance(target_, tuple):
            edge = browser.find_element(By.CSS_SELECTOR, "path.edge.current")
            found = connections[int(edge.get_attribute("data-index"))]
            assert (found.source.name, found.target.name) == target_
        elif target_ is not None:
            assert (
                browser.find_element(By.CSS_SELECTOR, "g.node.current").get_attribute(
                    "data-name"
                )
                == target_
            )


def test_mazurs_page_shows_his_published_numbers(browser, tmp_path):
    net, x, target = ns.datasets.mazur_example()
    open_page(
        browser, tmp_path, net.explain(x, target, loss="sse", lr=0.5, format="html")
    )
    formulas = [
        s["formula"] for s in browser.execute_script("return window.neurosim.steps()")
    ]
    # Mazur: out_h1 = 0.593269992, out_o1 = 0.75136507, E_total = 0.298371109,
    # w5 (h1 -> o1) after the update: 0.35891648.
    for text in ("out(h1) = σ(0.3775) = 0.59327", "out(o1) = σ(1.10591) = 0.751365",
                 "= 0.298371", "w(h1→o1): 0.4 - 0.5·0.082167 = 0.358916"):  # fmt: skip
        assert any(text in f for f in formulas), text


def test_pages_are_small_and_a_large_network_loads_at_both_widths(browser, tmp_path):
    # How fast a large page loads is measured in benchmarks/bench_page.py.
    net, x, target = ns.datasets.mazur_example()
    small = ns.Network.layered([2, 2, 1], seed=0).explain(
        [1.0, 0.0], [1.0], format="html"
    )
    assert len(str(small).encode()) < 200_000
    large = ns.Network.layered(
        [64, 32, 10], activation="relu", output_activation="identity", seed=0
    )
    x = np.random.default_rng(0).random(64)
    page = large.explain(x, np.eye(10)[3], loss="cross_entropy", format="html")
    page.save(tmp_path / "large.html")
    browser.get((tmp_path / "large.html").as_uri())
    assert browser.execute_script("return window.neurosim.steps().length") == page.steps
    for width, name in ((1300, "desktop"), (375, "phone")):  # for a person to look at
        browser.set_window_size(width, 900)
        open_page(
            browser,
            tmp_path,
            net.explain(
                x[:2] * 0 + [0.05, 0.1], target, loss="sse", lr=0.5, format="html"
            ),
            "#step=8",
        )
        browser.save_screenshot(str(tmp_path / f"page_{name}.png"))
        assert (tmp_path / f"page_{name}.png").stat().st_size > 10_000
    browser.set_window_size(1300, 900)


def test_bad_input_gets_clear_errors(tmp_path):
    net, x, target = ns.datasets.mazur_example()
    with pytest.raises(ns.ShapeError, match="one sample"):
        net.explain([x, x], [target, target], format="html")
    lonely = ns.Network()
    lonely.add_input("a")
    with pytest.raises(ns.TopologyError, match="output"):
        lonely.explain([1.0], [1.0], format="html")
    with pytest.raises(ns.DataNotFoundError, match="does not exist"):
        net.explain(x, target, format="html").save(
            tmp_path / "no" / "such" / "page.html"
        )


# ---------------------------------------------------------------- untrusted names and links

HOSTILE_NAMES = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "<!--<script>",
]


def hostile_network():
    """Neurons named after JavaScript's object machinery and an HTML comment opener."""
    net = ns.Network()
    net.add_input("__proto__")
    net.add_input("toString")
    net.add_neuron("constructor", activation="tanh", bias=0.1)
    net.add_neuron("<!--<script>", activation="sigmoid", bias=-0.2)
    net.add_output("hasOwnProperty", activation="sigmoid", bias=0.3)
    weights = iter([0.5, -0.4, 0.3, 0.8, -0.6, 1.1, 0.7])
    for source in ("__proto__", "toString"):
        for target in ("constructor", "<!--<script>"):
            net.connect(source, target, weight=next(weights))
    for source in ("constructor", "<!--<script>", "__proto__"):
        net.connect(source, "hasOwnProperty", weight=next(weights))
    return net


def test_embedded_data_never_holds_a_raw_angle_bracket_or_ampersand():
    net = hostile_network()
    net["constructor"].bias = 0.25
    text = str(net.explain([1.0, -1.0], [1.0], format="html"))
    payload = _data(text)
    assert "<" not in payload and ">" not in payload and "&" not in payload
    data = json.loads(payload)
    assert [n["name"] for n in data["neurons"]] == [n.name for n in net.neurons]


def test_hostile_names_give_the_librarys_numbers_and_a_loadable_download(
    browser, tmp_path
):
    net = hostile_network()
    x, target = [1.0, -1.0], [1.0]
    open_page(browser, tmp_path, net.explain(x, target, lr=0.4, format="html"))
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, x, target, "mse", 0.4),
    )
    (tmp_path / "download.json").write_text(
        browser.execute_script("return window.neurosim.networkJSON()")
    )
    loaded = ns.load(tmp_path / "download.json")
    assert [n.name for n in loaded.neurons] == [n.name for n in net.neurons]
    assert [n.bias for n in loaded.neurons if n.role != "input"] == [
        n.bias for n in net.neurons if n.role != "input"
    ]


def test_a_hostile_name_edited_through_the_link_recomputes(browser, tmp_path):
    from urllib.parse import quote

    net = hostile_network()
    x, target = [1.0, -1.0], [1.0]
    page = net.explain(x, target, lr=0.4, format="html")
    page.save(tmp_path / "page.html")
    fragment = "#" + "&".join(
        [f"{quote('b:' + name)}=0.5" for name in ("constructor", "<!--<script>")]
        + [f"{quote('w:__proto__>constructor')}=-2"]
    )
    browser.get((tmp_path / "page.html").as_uri() + fragment)
    net["constructor"].bias = 0.5
    net["<!--<script>"].bias = 0.5
    net.connection("__proto__", "constructor").weight = -2.0
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, x, target, "mse", 0.4),
    )


def test_a_hostile_hopfield_unit_name_leaves_the_recall_page_working(browser, tmp_path):
    hop = ns.HopfieldNetwork(4, names=["__proto__", "<!--<script>", "a&b", "toString"])
    hop.store([[1, -1, 1, -1]])
    page = recall_page(hop, [1, 1, 1, -1], shape=(2, 2), seed=0)
    open_page(browser, tmp_path, page)
    browser.execute_script(f"window.neurosim.go({page.steps})")
    assert browser.execute_script("return window.neurosim.state()") == [1, -1, 1, -1]


@pytest.mark.parametrize(
    "fragment",
    ["#step=abc", "#step=NaN", "#step=%E0%A4%A", "#%", "#lr=-1&x=a,b&t=&w:nope=3",
     "#step=Infinity", "#" + "&".join(f"w:x{k}>y=1" for k in range(100_000))],
    ids=["letters", "nan", "bad-escape", "lone-percent", "junk", "infinity", "100k"],
)  # fmt: skip
def test_a_link_that_does_not_parse_is_ignored_and_the_page_starts(
    browser, tmp_path, fragment
):
    net, x, target = ns.datasets.mazur_example()
    page = net.explain(x, target, loss="sse", lr=0.5, format="html")
    page.save(tmp_path / "page.html")
    browser.get((tmp_path / "page.html").as_uri() + fragment)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert browser.execute_script("return window.neurosim.current()") == 0
    assert_same_steps(
        browser.execute_script("return window.neurosim.steps()"),
        python_steps(net, x, target, "sse", 0.5),
    )


@pytest.mark.parametrize("kind", ["network", "hopfield"])
def test_the_page_runs_inside_a_jupyter_style_sandboxed_iframe(browser, tmp_path, kind):
    if kind == "network":
        net, x, target = ns.datasets.mazur_example()
        page = net.explain(x, target, loss="sse", format="html")
    else:
        hop = ns.HopfieldNetwork(4)
        hop.store([[1, -1, 1, -1]])
        page = recall_page(hop, [1, 1, 1, -1], shape=(2, 2))
    (tmp_path / "notebook.html").write_text(
        f"<!DOCTYPE html><html><body>{page._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    browser.get((tmp_path / "notebook.html").as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        browser.find_element("id", "next").click()
        browser.find_element("id", "next").click()
        assert browser.execute_script("return window.neurosim.current()") == 2
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        browser.switch_to.default_content()


def test_a_users_own_loss_named_like_a_built_in_gives_a_read_only_page():
    net, x, target = ns.datasets.mazur_example()
    mine = ns.Loss(
        "mse", lambda y, t: float(np.mean(np.abs(y - t))), lambda y, t: np.sign(y - t)
    )
    data = json.loads(_data(str(net.explain(x, target, loss=mine, format="html"))))
    assert not data["editable"] and "'mse'" in data["readonly_reason"]


def test_an_invalid_edit_is_marked_and_explained_and_changes_no_number(
    browser, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    net, x, target = ns.datasets.mazur_example()
    open_page(
        browser, tmp_path, net.explain(x, target, loss="sse", lr=0.5, format="html")
    )
    before = browser.execute_script("return window.neurosim.steps()")
    field = browser.find_element(By.CSS_SELECTOR, 'input[data-label="learning rate"]')
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("-1")
    browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", field)
    assert "invalid" in field.get_attribute("class")
    assert field.get_attribute("aria-invalid") == "true"
    reason = browser.execute_script(
        "return arguments[0].nextElementSibling.textContent", field
    )
    assert "must be positive" in reason
    assert field.get_attribute("value") == "-1"  # still what was typed
    assert browser.execute_script("return window.neurosim.steps()") == before


def test_long_step_lists_show_whole_numbers_and_long_inputs_are_summarised(
    browser, tmp_path
):
    large = ns.Network.layered(
        [64, 4, 3], activation="relu", output_activation="identity", seed=0
    )
    x = np.linspace(0, 1, 64)
    page = large.explain(x, np.eye(3)[1], loss="cross_entropy", format="html")
    header = re.search(r"<header>(.*?)</header>", str(page), re.DOTALL).group(1)
    assert "(64 values)" in header and header.count(",") < 20
    open_page(browser, tmp_path, page)
    assert page.steps > 100
    # The list's left padding holds "100." in full: its markers start inside the list.
    padding = browser.execute_script(
        "const s = getComputedStyle(document.getElementById('steps'));"
        "return [parseFloat(s.paddingLeft), parseFloat(s.fontSize)]"
    )
    assert padding[0] >= 4.5 * 0.55 * padding[1]
