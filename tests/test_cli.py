"""The ``neurosim`` command, run as a user runs it: in a subprocess."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import neurosim as ns
from neurosim import cli

ROOT = Path(__file__).resolve().parents[1]


def neurosim(
    *args: str, cwd: Path = ROOT, ok: bool = True
) -> subprocess.CompletedProcess:
    """Run the installed ``neurosim`` script (the one pip puts beside python)."""
    script = shutil.which("neurosim", path=str(Path(sys.executable).parent))
    assert script, "the neurosim command is not installed next to this python"
    result = subprocess.run(
        [script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_the_readme_main_command_runs_the_xor_demo():
    readme = (ROOT / "README.md").read_text()
    command = (
        re.search(r"pip install \"\.\[plot\]\" && (neurosim[^\n`]*)", readme)
        .group(1)
        .strip()
    )
    assert command == "neurosim demo"
    output = neurosim(*command.split()[1:]).stdout
    predictions = [float(line.split()[-1]) for line in output.splitlines()[-6:-2]]
    assert [round(p) for p in predictions] == [0, 1, 1, 0]


@pytest.mark.parametrize(
    ("demo", "pictures", "story"),
    [
        ("xor", ["xor_network.png", "xor_regions.png"], "x1 x2  target  prediction"),
        ("trace", ["backprop_trace.gif"], "3. Backward pass"),
        ("hopfield", ["hopfield_recall.png"], "recalled A"),
        ("digits", ["digits_history.png"], "test accuracy"),
    ],
)
def test_each_demo_tells_its_story_and_draws_it(demo, pictures, story, tmp_path):
    output = neurosim("demo", demo, "--quick", "--out", str(tmp_path)).stdout
    assert story in output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(pictures)
    for picture in pictures:
        with Image.open(tmp_path / picture) as image:
            assert image.size[0] > 100


def test_info_and_draw_read_saved_networks(tmp_path):
    net = ns.Network.layered([2, 3, 1], activation="tanh", seed=0)
    ns.save(net, tmp_path / "net.json")
    assert (
        neurosim("info", str(tmp_path / "net.json")).stdout.strip()
        == net.summary().strip()
    )
    hop = ns.HopfieldNetwork(16)
    hop.store([[1, -1] * 8])
    ns.save(hop, tmp_path / "hop.json")
    assert "1 stored patterns" in neurosim("info", str(tmp_path / "hop.json")).stdout
    for name in ("net", "hop"):
        neurosim(
            "draw", str(tmp_path / f"{name}.json"), "-o", str(tmp_path / f"{name}.png")
        )
        with Image.open(tmp_path / f"{name}.png") as image:
            assert image.size[0] > 100


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["info", "missing.json"], 1, "neurosim: error: .*missing.json"),
        (["info", "broken.json"], 1, "neurosim: error: .*broken.json: not valid JSON"),
        (["draw", "broken.json", "-o", "x.png"], 1, "not valid JSON"),
        (["demo", "chess"], 2, "invalid choice: 'chess'"),
        (["draw", "net.json"], 2, "the following arguments are required: -o"),
        ([], 2, "required: COMMAND"),
        (["info", "."], 1, "neurosim: error: no network file at '.'"),
        (["info", "huge.json"], 1, r"weights: expected shape \(20000, 20000\)"),
        (
            ["draw", "net.json", "-o", "out.xyz"],
            1,
            r"unknown format 'xyz'; use one of .*\.png",
        ),
        (["draw", "missing.json", "-o", "out.xyz"], 1, r"unknown format 'xyz'"),
        (["draw", "net.json", "-o", "no/such/folder/x.png"], 0, "wrote"),
        (["demo", "xor", "--quick", "--out", "net.json"], 1, "neurosim: error: "),
        (["demo", "xor", "--html", "x.html"], 1, "--html writes the page of the trace"),
        (["explain", "net.json", "--input", "1", "--target", "1"], 1, "2 value"),
        (["explain", "net.json", "--input", "1", "2"], 2, "required: --target"),
    ],
)
def test_errors_are_one_clear_line_and_a_nonzero_exit(tmp_path, args, status, message):
    (tmp_path / "broken.json").write_text('{"format": "neuro')
    ns.save(ns.Network.layered([2, 1], seed=0), tmp_path / "net.json")
    hop = ns.HopfieldNetwork(2)
    huge = {
        **ns.io.document(hop),
        "neurons": [f"n{k}" for k in range(20_000)],
    }
    (tmp_path / "huge.json").write_text(json.dumps(huge))
    result = neurosim(*args, cwd=tmp_path, ok=False)
    assert result.returncode == status, result.stderr
    assert re.search(message, result.stderr + result.stdout)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= (1 if status == 1 else 3)


def test_explain_prints_the_step_or_writes_its_web_page(tmp_path):
    net, x, target = ns.datasets.mazur_example()
    ns.save(net, tmp_path / "mazur.json")
    args = ["explain", "mazur.json", "--input", "0.05", "0.1", "--target", "0.01", "0.99",
            "--loss", "sse", "--lr", "0.5"]  # fmt: skip
    text = neurosim(*args, cwd=tmp_path).stdout
    assert text.strip() == net.explain(x, target, loss="sse", lr=0.5).strip()
    out = neurosim(*args, "-o", "step.html", cwd=tmp_path).stdout
    page = (tmp_path / "step.html").read_text(encoding="utf-8")
    assert "wrote step.html (37 steps)" in out
    assert page == str(net.explain(x, target, loss="sse", lr=0.5, format="html"))


def test_the_trace_and_hopfield_demos_write_their_pages(tmp_path):
    neurosim("demo", "trace", "--html", "trace.html", cwd=tmp_path)
    neurosim("demo", "hopfield", "--quick", "--html", "recall.html", cwd=tmp_path)
    for name in ("trace.html", "recall.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and 'id="neurosim-data"' in text


def test_a_bug_is_one_line_asking_for_a_report_and_traceback_shows_it(
    monkeypatch, capsys
):
    def bug(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(ns.cli, "_run_info", bug)
    assert cli.main(["info", "x.json"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "internal error: ZeroDivisionError: division by zero" in error
    assert "please report" in error and "--traceback" in error
    with pytest.raises(ZeroDivisionError):
        cli.main(["--traceback", "info", "x.json"])


def test_python_dash_m_neurosim_and_help_texts():
    result = subprocess.run(
        [sys.executable, "-m", "neurosim", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "demo" in result.stdout and "info" in result.stdout and "draw" in result.stdout
    )
    for command in ("demo", "info", "draw"):
        assert "usage: neurosim " + command in neurosim(command, "--help").stdout


def test_demo_trace_quick_runs_fewer_steps_and_says_so():
    quick = neurosim("demo", "trace", "--quick").stdout
    assert "the 1,000th step" in quick and "full demo runs Mazur's 10,000" in quick
    full = neurosim("demo", "trace").stdout
    assert "the 10,000th step starts from an error of 0.0000351085" in full
