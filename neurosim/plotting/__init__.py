"""Pictures: the network graph, training curves, decision regions, Hopfield recall, animations.

The only module that imports matplotlib. Every function takes an optional
``ax`` (or ``fig``), returns the matplotlib objects it drew on, never calls
``plt.show()`` and never changes the global style or backend, so it works in
scripts, notebooks and headless (Agg) alike. Layouts come from networkx
(``multipartite_layout`` by topological level, or any named layout), colours
from matplotlib colormaps.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import neurosim as ns
>>> from neurosim import plotting
>>> net = ns.Network.layered([2, 3, 1], seed=0)
>>> ax = plotting.draw_network(net)
>>> len(ax.collections[0].get_offsets())   # one marker per neuron
6
"""

from __future__ import annotations

from ..layout import layered_positions
from ._figures import check_picture_format, save_animation, save_figure
from .convolution import animate_convolution, plot_feature_maps, plot_kernels
from .evolution import plot_evolution
from .lstm import draw_lstm_cell, plot_lstm_cell
from .memory import (
    draw_machine,
    plot_energy_runs,
    plot_image_rows,
    plot_patterns,
    plot_rbm_filters,
    plot_recall,
    plot_weights,
)
from .network import delay_label, draw_grid, draw_network, network_png
from .sequences import plot_sequence, position_errors
from .som import animate_som, plot_component_planes, plot_som
from .training import (
    animate_trace,
    animate_training,
    plot_decision_boundary,
    plot_history,
    plot_neuron_maps,
)

__all__ = [
    "animate_convolution",
    "animate_som",
    "animate_trace",
    "animate_training",
    "check_picture_format",
    "delay_label",
    "draw_grid",
    "draw_lstm_cell",
    "draw_machine",
    "draw_network",
    "layered_positions",
    "network_png",
    "plot_component_planes",
    "plot_decision_boundary",
    "plot_energy_runs",
    "plot_evolution",
    "plot_feature_maps",
    "plot_history",
    "plot_image_rows",
    "plot_kernels",
    "plot_lstm_cell",
    "plot_neuron_maps",
    "plot_patterns",
    "plot_rbm_filters",
    "plot_recall",
    "plot_sequence",
    "plot_som",
    "plot_weights",
    "position_errors",
    "save_animation",
    "save_figure",
]
