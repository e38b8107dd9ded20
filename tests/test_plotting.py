"""Pictures, checked headless (Agg): the right objects, the right marks, real images."""

import io
import itertools
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyArrowPatch
from PIL import Image

import neurosim as ns
from neurosim import plotting


def edge_artists(ax):
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    return arrows, lines


def png_of(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def assert_not_blank(image: np.ndarray) -> None:
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 10  # more than a flat colour


# ---------------------------------------------------------------- the network


def test_drawing_has_one_marker_per_neuron_and_one_arrow_per_connection():
    net = ns.Network.layered([2, 3, 1], seed=0)
    net.connect("x1", "y1", weight=0.7)  # a skip connection, drawn as an arc
    ax = plotting.draw_network(net)
    markers = ax.collections[0].get_offsets()
    assert len(markers) == len(net.neurons)
    arrows, _ = edge_artists(ax)
    assert len(arrows) == len(net.connections)
    bent = [a for a in arrows if getattr(a.get_connectionstyle(), "rad", 0.0) != 0.0]
    assert len(bent) == 1  # only the skip connection bends around the hidden level


def test_positive_and_negative_weights_get_different_colours():
    net = ns.Network.layered([2, 1], seed=0)
    net.connection("x1", "y1").weight = 2.0
    net.connection("x2", "y1").weight = -2.0
    arrows, _ = edge_artists(plotting.draw_network(net, show_weights=False))
    colours = {tuple(np.round(a.get_edgecolor(), 3)) for a in arrows}
    assert len(colours) == 2
    reds = sorted(c[0] - c[2] for c in colours)  # red minus blue
    assert reds[0] < 0 < reds[1]


def test_a_64_32_10_network_is_drawn_with_thin_lines_and_no_labels():
    net = ns.Network.layered([64, 32, 10], activation="relu", seed=0)
    ax = plotting.draw_network(net)
    arrows, lines = edge_artists(ax)
    assert not arrows and sum(len(c.get_segments()) for c in lines) == 2368
    assert not ax.texts  # no labels at this size
    assert_not_blank(png_of(ax.figure))


def test_values_colour_the_neurons_and_need_a_single_sample_pass():
    net = ns.Network.layered([2, 2, 1], seed=0)
    with pytest.raises(ns.StateError, match="forward"):
        plotting.draw_network(net, values="output")
    net.forward([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ns.ShapeError, match="one sample"):
        plotting.draw_network(net, values="output")
    net.forward([0.0, 1.0])
    with pytest.raises(ns.StateError, match="backward"):
        plotting.draw_network(net, values="delta")
    net.backward([1.0])
    ax = plotting.draw_network(net, values="delta", highlight=["h1_1", ("h1_1", "y1")])
    assert len(ax.figure.axes) == 2  # the network and its colour bar
    assert f"{net['y1'].delta:.3g}" in [t.get_text() for t in ax.texts]


def test_named_networkx_layouts_and_bad_layouts():
    net = ns.Network.layered([2, 2, 1], seed=0)
    assert plotting.draw_network(net, layout="circular") is not None
    with pytest.raises(ns.ParameterError, match="layout"):
        plotting.draw_network(net, layout="zigzag")


def test_network_png_decodes_and_leaves_no_pyplot_figure_open():
    before = plt.get_fignums()
    for model in (ns.Network.layered([2, 3, 1], seed=0), ns.HopfieldNetwork(9)):
        data = model._repr_png_()
        assert_not_blank(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    assert plt.get_fignums() == before


def test_huge_networks_fall_back_to_the_text_repr_in_notebooks():
    assert ns.Network.layered([150, 60, 1], seed=0)._repr_png_() is None


# ---------------------------------------------------------------- training pictures


def test_history_decision_regions_and_neuron_maps():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 4, 1], seed=0)
    history = net.fit(
        X, Y, epochs=30, lr=0.5, seed=0, metrics=["accuracy"], validation_data=(X, Y)
    )
    loss_ax, metric_ax = plotting.plot_history(history, log=True)
    assert loss_ax.get_yscale() == "log"
    assert [line.get_label() for line in loss_ax.lines] == ["loss", "val loss"]
    assert len(metric_ax.lines) == 2
    ax = plotting.plot_decision_boundary(net, X, Y)
    assert_not_blank(png_of(ax.figure))
    fig = plotting.plot_neuron_maps(net, extent=(-0.5, 1.5, -0.5, 1.5), resolution=12)
    assert [a.get_title() for a in fig.axes] == [n.name for n in net.neurons]
    assert fig.axes[0].images[0].get_array().shape == (12, 12)


def test_multi_class_regions_and_the_two_input_requirement():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    net = ns.Network.layered([2, 3], activation="identity", seed=0)
    ax = plotting.plot_decision_boundary(net, X, np.eye(3))
    assert ax.get_xlabel() == "x1"
    with pytest.raises(ns.ShapeError, match="exactly 2 inputs"):
        plotting.plot_decision_boundary(
            ns.Network.layered([3, 1], seed=0), X, [0, 1, 0]
        )


def test_each_class_has_one_colour_in_its_region_and_its_points_and_a_legend():
    net = ns.Network.layered([2, 3], activation="identity", seed=0)
    X = np.random.default_rng(1).uniform(-1, 1, size=(40, 2))
    labels = net.predict(X).argmax(axis=1)  # every point lies in its own region
    ax = plotting.plot_decision_boundary(net, X, labels, resolution=50)
    regions = ax.collections[0]
    points = [c for c in ax.collections[1:] if c.get_label().startswith("class")]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [p.get_label() for p in points]
    for collection in points:
        k = int(collection.get_label().split()[1])
        assert collection.get_label() == f"class {k} (y{k + 1})"
        assert np.allclose(
            collection.get_facecolor()[0][:3], regions.get_facecolor()[k][:3]
        )
        assert set(labels[np.isin(X, collection.get_offsets()).all(axis=1)]) == {k}


def test_one_output_points_take_the_colours_of_the_surface_ends():
    X, Y = ns.datasets.xor()
    ax = plotting.plot_decision_boundary(ns.Network.layered([2, 2, 1], seed=0), X, Y)
    points = {
        c.get_label(): c for c in ax.collections if c.get_label().startswith("class")
    }
    assert sorted(points) == ["class 0", "class 1"]
    cmap = matplotlib.colormaps["RdBu_r"]
    assert np.allclose(points["class 0"].get_facecolor()[0], cmap(0.0))
    assert np.allclose(points["class 1"].get_facecolor()[0], cmap(1.0))


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((4, 64)), [0, 1, 0, 1], r"shape \(n_samples, 2\).*\(4, 64\)"),
        (np.zeros(4), [0, 1, 0, 1], r"shape \(n_samples, 2\)"),
        (np.zeros((4, 2)), [0, 1, 0], r"y has 3 labels but X has 4 points"),
        (np.zeros((4, 2)), [0, 1, 2, 1], r"class numbers 0 to 1"),
    ],
)
def test_decision_boundary_input_errors_are_shape_errors(X, y, match):
    with pytest.raises(ns.ShapeError, match=match):
        plotting.plot_decision_boundary(ns.Network.layered([2, 1], seed=0), X, y)


# ---------------------------------------------------------------- Hopfield pictures


def test_hopfield_patterns_recall_and_weights():
    letters = ns.datasets.glyphs("AT")
    patterns = [g.ravel() for g in letters.values()]
    fig = plotting.plot_patterns(patterns, (10, 10), titles=list(letters))
    assert len(fig.axes) == 2
    hop = ns.HopfieldNetwork(100)
    hop.store(patterns, rule="pseudoinverse")
    result = hop.recall(
        ns.memory.corrupt(patterns[0], 0.2, seed=0), seed=0, record_states=True
    )
    fig = plotting.plot_recall(result, (10, 10), n_states=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "probe" and titles[-2] == "final" and len(titles) == 6
    assert np.array_equal(
        fig.axes[0].images[0].get_array(), result.probe.reshape(10, 10)
    )
    assert len(fig.axes[-1].lines[0].get_ydata()) == len(result.energy)
    ax = plotting.plot_weights(hop)
    assert np.array_equal(ax.images[0].get_array(), hop.weights)
    with pytest.raises(ns.ShapeError, match="cannot be shown"):
        plotting.plot_patterns(patterns, (5, 5))


# ---------------------------------------------------------------- animations and files


def test_trace_animation_has_one_frame_per_step_and_saves_as_gif(tmp_path):
    net = ns.Network.layered([2, 2, 1], seed=0)
    steps = net.trace([1.0, 0.0], target=[1.0], loss="mse")
    anim = plotting.animate_trace(net, [1.0, 0.0], [1.0], loss="mse")
    path = tmp_path / "trace.gif"
    plotting.save_animation(anim, path, fps=4)
    with Image.open(path) as gif:
        frames = gif.n_frames
    # forward: net and output of 3 neurons; the loss; backward: 3 deltas, 6 weight
    # gradients, 3 bias gradients -> 6 + 1 + 12 = 19 steps
    assert frames == len(steps) == 19
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_training_animation_leaves_the_network_trained(tmp_path):
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 3, 1], seed=0)
    anim = plotting.animate_training(net, X, Y, epochs=6, frames=3, lr=0.5)
    plotting.save_animation(anim, tmp_path / "training.gif")
    with Image.open(tmp_path / "training.gif") as gif:
        assert gif.n_frames == 3
    twin = ns.Network.layered([2, 3, 1], seed=0)
    for frame in range(3):
        twin.fit(X, Y, epochs=2, lr=0.5, seed=frame)
    np.testing.assert_array_equal(net.predict(X), twin.predict(X))


def test_save_figure_writes_atomically_with_ordinary_permissions(tmp_path):
    fig = plotting.plot_weights(ns.HopfieldNetwork(3)).figure
    path = tmp_path / "deep" / "weights.png"
    plotting.save_figure(fig, path)
    with Image.open(path) as image:
        assert_not_blank(np.asarray(image.convert("RGB")))
    assert [p.name for p in path.parent.iterdir()] == ["weights.png"]
    assert path.stat().st_mode & 0o044  # readable by others, unlike a mkstemp file


def test_plotting_changes_no_global_style_or_backend():
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    plotting.draw_network(ns.Network.layered([2, 1], seed=0))
    plotting.plot_weights(ns.HopfieldNetwork(3))
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == before


def test_the_core_never_imports_matplotlib():
    code = (
        "import sys, neurosim as ns; net = ns.Network.layered([2, 2, 1], seed=0); "
        "net.fit(*ns.datasets.xor(), epochs=2); ns.HopfieldNetwork(4).recall([1, -1, 1, -1]); "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_core_works_without_matplotlib_and_tqdm_installed(tmp_path):
    # A finder that makes both optional packages look uninstalled.
    code = """
import sys
class Uninstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("matplotlib", "tqdm"):
            raise ImportError(f"No module named {name!r}")
sys.meta_path.insert(0, Uninstalled())
import neurosim as ns
net = ns.Network.layered([2, 3, 1], seed=0)
X, Y = ns.datasets.xor()
net.fit(X, Y, epochs=3, seed=0)
net.fit(X, Y, epochs=3, seed=0, backend="vectorized")
ns.save(net, "net.json"); ns.load("net.json")
print(net.explain([1.0, 0.0], [1.0]).splitlines()[0])
print(ns.gradcheck(net, [1.0, 0.0], [1.0]).ok)
print(ns.HopfieldNetwork(4).recall([1, -1, 1, -1], seed=0).converged)
print(net._repr_png_() is None)
for call in (lambda: net.fit(X, Y, epochs=1, progress=True),
             lambda: __import__("neurosim.plotting")):
    try:
        call()
    except ns.MissingDependencyError as error:
        print("missing:", error)
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:4] == ["True", "True", "True"]
    assert "progress=True needs tqdm" in lines[4] and "'pip install tqdm'" in lines[4]
    assert "pictures need matplotlib" in lines[5]
    assert "'pip install matplotlib'" in lines[5] and '".[plot]"' in lines[5]
    cli = subprocess.run(
        [sys.executable, "-c", code.split("import neurosim")[0]
         + "from neurosim.cli import main; sys.exit(main(['demo', 'xor', '--quick', '--out', 'pics']))"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert cli.returncode == 1 and "Traceback" not in cli.stderr
    assert "pictures need matplotlib" in cli.stderr


@pytest.mark.parametrize("sizes", [[2, 4, 1], [3, 3, 2], [2, 5, 1]])
def test_weight_labels_of_a_fully_connected_layer_do_not_overlap(sizes):
    ax = plotting.draw_network(ns.Network.layered(sizes, seed=0))
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [
        text.get_window_extent(renderer)
        for text in ax.texts
        if text.get_text().lstrip("-").replace(".", "").isdigit()
    ]
    assert len(boxes) == sum(a * b for a, b in itertools.pairwise(sizes))
    overlapping = [
        (a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)
    ]
    assert not overlapping


def test_a_convolutional_network_is_drawn_as_grids_with_one_neurons_inputs():
    from neurosim.layers import Conv, Dense, MaxPool

    net = ns.Network.convolutional((8, 8), [Conv(2, 3), MaxPool(2), Dense(3)], seed=0)
    ax = plotting.draw_network(net)
    assert len(ax.collections[0].get_offsets()) == len(net)
    lines = [line for line in ax.lines if len(line.get_xdata()) == 2]
    assert len(lines) == 9  # the 3×3 patch of the highlighted neuron, not 1,000 lines
    assert "outlined: conv1[0,3,3], with lines from its 9 inputs" in [
        t.get_text() for t in ax.texts
    ]
    picture = png_of(ax.figure)
    assert_not_blank(picture)


def test_kernels_feature_maps_and_the_convolution_animation(tmp_path):
    from neurosim.layers import Conv, Dense, kernels

    net = ns.Network.convolutional((5, 5), [Conv(2, 2), Dense(1)], seed=0)
    fig = plotting.plot_kernels(net)
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert np.array_equal(np.array(shown), kernels(net, "conv1")[:, 0])
    x = np.linspace(0, 1, 25)
    fig = plotting.plot_feature_maps(net, x)
    assert sum(bool(ax.images) for ax in fig.axes) == 3
    anim = plotting.animate_convolution(net, x, filter=1)
    plotting.save_animation(anim, tmp_path / "conv.gif")
    with Image.open(tmp_path / "conv.gif") as gif:
        assert gif.n_frames == 16  # one frame per neuron of the 4×4 map
    with pytest.raises(ns.ParameterError, match="filter must be in 0..1"):
        plotting.animate_convolution(net, x, filter=2)


@pytest.mark.parametrize(
    "machine",
    [
        lambda: ns.RBM(5, 3, seed=0),
        lambda: ns.BoltzmannMachine(3, 2, seed=0),
        lambda: ns.HopfieldNetwork(6),
        lambda: ns.HopfieldNetwork(50),
    ],
    ids=["rbm", "boltzmann", "hopfield", "large-hopfield"],
)
def test_draw_network_draws_the_symmetric_machines(machine):
    machine = machine()
    ax = plotting.draw_network(machine)
    assert ax.get_title().startswith(repr(machine))
    units = machine.graph.number_of_nodes()
    if units <= 40:
        # A circle per unit, and a line per symmetric weight.
        circles = [c for c in ax.collections if len(c.get_offsets()) == units]
        lines = [c for c in ax.collections if isinstance(c, LineCollection)]
        assert (
            circles and len(lines[0].get_segments()) == machine.graph.number_of_edges()
        )
    else:
        assert ax.images[0].get_array().shape == machine.weights.shape


def test_draw_network_of_something_else_is_a_clear_error():
    with pytest.raises(ns.ParameterError, match="draws a Network"):
        plotting.draw_network("net.json")


def test_a_probability_surface_keeps_the_scale_0_1_and_the_legend_covers_no_region():
    X, Y = ns.datasets.xor()
    untrained = ns.Network.layered([2, 3, 1], seed=0)
    ax = plotting.plot_decision_boundary(untrained, X, Y)
    filled = next(c for c in ax.collections if hasattr(c, "levels"))
    assert filled.levels[0] == 0.0 and filled.levels[-1] == 1.0
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1 - 1  # above the plot


def test_draw_network_grows_the_figure_so_neurons_do_not_overlap():
    ax = plotting.draw_network(ns.Network.layered([4, 8, 8, 3], seed=0))
    _, height = ax.figure.get_size_inches()
    assert height >= 0.6 * 8  # about 0.6 inch per neuron of the tallest column
    handles = ax.get_legend().legend_handles
    assert [h.get_label() for h in handles] == ["negative weight", "positive weight"]


def test_recall_frames_are_named_by_their_update():
    letters = ns.datasets.glyphs("AT")
    patterns = [g.ravel() for g in letters.values()]
    hop = ns.HopfieldNetwork(100)
    hop.store(patterns)
    result = hop.recall(
        ns.memory.corrupt(patterns[0], 0.3, seed=0), seed=0, record_states=True
    )
    titles = [ax.get_title() for ax in plotting.plot_recall(result, (10, 10)).axes[:-1]]
    assert titles[0] == "probe" and titles[-1] == "final"
    assert all(t.startswith("update ") for t in titles[1:-1])
    updates = [int(t.split()[1]) for t in titles[1:-1]]
    assert updates == sorted(updates) and updates[-1] <= len(result.states)
