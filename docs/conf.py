"""Sphinx configuration for the neurosim documentation."""

import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.dirname(__file__))  # for _gallery.example_argv

import neurosim

project = "neurosim"
author = "the neurosim developers"
copyright = "2026, the neurosim developers"
release = version = neurosim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
exclude_patterns = [
    "_build",
    "README.md",
    "backprop_step_by_step.md",
    "tutorials/README.rst",
]
html_theme = "alabaster"
html_static_path = []

autodoc_default_options = {"members": True, "member-order": "bysource"}
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": ["../examples", "tutorials"],
    "gallery_dirs": ["auto_examples", "auto_tutorials"],
    # Run every script except mnist (needs its data) and distributed (starts
    # processes, which cannot import code the gallery runs).
    "filename_pattern": r"^((?!mnist|distributed).)*$",
    "reset_argv": "_gallery.example_argv",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    # A cell ending in an object with _repr_html_ (the step-by-step web page)
    # embeds it live, as Jupyter would.
    "capture_repr": ("_repr_html_",),
}
