"""Command-line arguments sphinx-gallery passes to each script it runs."""

import os

PICTURES = os.path.join(os.path.dirname(__file__), "_build", "example_pictures")


def example_argv(gallery_conf, script_vars):
    """Examples run quick and draw their pictures (if they can); tutorials take nothing."""
    source = script_vars["src_file"]
    if os.path.basename(os.path.dirname(source)) != "examples":
        return []
    with open(source, encoding="utf-8") as file:
        draws = '"--out"' in file.read()
    return ["--quick", "--out", PICTURES] if draws else ["--quick"]
