"""Every example script runs, in its quick mode, and tells the story it promises."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run_script(path: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(path), *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_in_quick_mode(path):
    assert run_script(path, "--quick").strip()


def prediction_table(output: str) -> list[tuple[float, float]]:
    """(target, prediction) pairs from the last four lines of an XOR table."""
    rows = [line.replace("|", " ").split() for line in output.strip().splitlines()[-4:]]
    return [
        (float(r[-1]), float(r[-2])) if "|" in output else (float(r[2]), float(r[3]))
        for r in rows
    ]


@pytest.mark.parametrize("name", ["xor.py", "skip_connection.py"])
def test_xor_examples_print_right_predictions(name):
    output = run_script(ROOT / "examples" / name, "--quick")
    pairs = prediction_table(output)
    assert len(pairs) == 4
    assert all(abs(target - prediction) < 0.2 for target, prediction in pairs), output


def test_single_neuron_prints_loss_every_ten_epochs_and_judges_new_people():
    output = run_script(ROOT / "examples" / "single_neuron.py", "--quick")
    assert [
        line.split()[1] for line in output.splitlines() if line.startswith("epoch")
    ] == [str(e) for e in range(0, 100, 10)]
    emily = float(output.split("Emily")[1].split("=")[1].split()[0])
    frank = float(output.split("Frank")[1].split("=")[1].split()[0])
    assert emily > 0.9 and frank < 0.1


def test_object_benchmark_runs_in_quick_mode():
    output = run_script(ROOT / "benchmarks" / "bench_object.py", "--quick")
    assert "2-4-1" in output and "8-16-16-1" in output and "ratio" in output


def test_gradient_check_example_tells_all_three_stories():
    output = run_script(ROOT / "examples" / "gradient_check.py", "--quick")
    assert "gradient check passed" in output and "gradient check FAILED" in output
    predictions = output.split("predictions: [")[1].split("]")[0].split(", ")
    assert len(set(predictions)) == 1  # the same class ratio for every input


def test_perceptron_example_learns_and_or_but_not_xor():
    output = run_script(ROOT / "examples" / "perceptron.py", "--quick")
    assert "AND: RuleResult(converged=True" in output
    assert "OR: RuleResult(converged=True" in output
    assert "XOR: RuleResult(converged=False" in output


def test_backprop_by_hand_example_improves_the_prediction():
    output = run_script(ROOT / "examples" / "backprop_by_hand.py", "--quick")
    before = float(output.split("prediction for [2.0, 1.5]: ")[1].split()[0])
    after = float(output.split("after one update (lr 0.5): prediction ")[1].split()[0])
    assert after < before  # the target is 0
    errors = [
        float(line.split()[-1]) for line in output.splitlines() if "cumulative" in line
    ]
    assert len(errors) == 10 and errors[-1] < errors[0]
