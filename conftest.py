"""Test-session settings shared by the tests and the doctests: headless plotting."""

import matplotlib
import pytest

matplotlib.use("Agg")  # no display in CI; set before anything imports pyplot


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test or doctest opened, so none accumulate."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
